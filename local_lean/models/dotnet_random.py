""".NET's ``System.Random`` for a given seed, so that seeded LEAN models draw the same numbers.

LEAN's ``MarketImpactSlippageModel`` draws its noise from ``new Random(seed)``. A seeded .NET
Random uses Knuth's subtractive generator (the algorithm .NET has kept, for compatibility,
since .NET Framework); this is that generator, written from its published description.
"""

from __future__ import annotations

_MBIG = 2_147_483_647  # int.MaxValue
_MSEED = 161_803_398


class DotNetRandom:
    """A seeded ``System.Random``: ``next_double()`` gives .NET's ``NextDouble()`` sequence."""

    def __init__(self, seed: int) -> None:
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise TypeError(f"a random seed must be an integer, got {seed!r}")
        if not -(2**31) <= seed < 2**31:
            raise ValueError(f"a random seed must fit a 32-bit integer, got {seed}")
        table = [0] * 56
        subtraction = _MBIG if seed == -(2**31) else abs(seed)
        mj = _MSEED - subtraction
        table[55] = mj
        mk = 1
        ii = 0
        for _ in range(1, 55):
            ii += 21
            if ii >= 55:
                ii -= 55
            table[ii] = mk
            mk = mj - mk
            if mk < 0:
                mk += _MBIG
            mj = table[ii]
        for _ in range(4):
            for i in range(1, 56):
                n = i + 30
                if n >= 55:
                    n -= 55
                table[i] -= table[1 + n]
                if table[i] < 0:
                    table[i] += _MBIG
        self._table = table
        self._next = 0
        self._next_p = 21

    def _sample(self) -> int:
        index = self._next + 1
        if index >= 56:
            index = 1
        index_p = self._next_p + 1
        if index_p >= 56:
            index_p = 1
        value = self._table[index] - self._table[index_p]
        if value == _MBIG:
            value -= 1
        if value < 0:
            value += _MBIG
        self._table[index] = value
        self._next, self._next_p = index, index_p
        return value

    def next_double(self) -> float:
        """A double in [0, 1), as .NET's ``NextDouble()``."""
        return self._sample() * (1.0 / _MBIG)

    def next(self, *bounds: int) -> int:
        """.NET's ``Next()``, ``Next(max_value)`` and ``Next(min_value, max_value)``: an integer
        in [0, int.MaxValue), [0, max_value) or [min_value, max_value) (min_value when the range
        is empty)."""
        if len(bounds) > 2:
            raise TypeError(f"next takes at most (min_value, max_value), got {bounds!r}")
        for bound in bounds:
            if isinstance(bound, bool) or not isinstance(bound, int):
                raise TypeError(f"next's bounds must be integers, got {bound!r}")
            if not -(2**31) <= bound < 2**31:
                raise ValueError(f"next's bounds must fit a 32-bit integer, got {bound}")
        if not bounds:
            return self._sample()
        low, high = (0, bounds[0]) if len(bounds) == 1 else bounds
        if high < low or (len(bounds) == 1 and high < 0):
            raise ValueError(
                f"next needs min_value <= max_value (and max_value >= 0), got {bounds}"
            )
        span = high - low
        if span <= _MBIG:
            return int(self._sample() * (1.0 / _MBIG) * span) + low
        return int(self._large_range_sample() * span) + low

    def _large_range_sample(self) -> float:
        """.NET's sample for a range wider than int.MaxValue: two draws, one giving the sign."""
        result = self._sample()
        if self._sample() % 2 == 0:
            result = -result
        return (result + (_MBIG - 1)) / (2 * _MBIG - 1)
