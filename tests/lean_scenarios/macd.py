"""LEAN's MovingAverageConvergenceDivergence with exponential averages, in decimal arithmetic
as LEAN's indicators compute (``Indicators/ExponentialMovingAverage.cs``)."""

from decimal import Context, Decimal, localcontext

_DOTNET_DECIMAL = Context(prec=28)


class ExponentialMovingAverage:
    """Ready after ``period`` values; its first value is their simple mean, then each value
    moves 2 / (period + 1) of the way to the input. 0 until ready."""

    def __init__(self, period: int) -> None:
        self.period = period
        self.samples = 0
        self.value = Decimal(0)
        self._first_values: list[Decimal] = []
        with localcontext(_DOTNET_DECIMAL):
            self._smoothing = Decimal("2.0") / (1 + period)

    @property
    def is_ready(self) -> bool:
        return self.samples >= self.period

    def update(self, value: Decimal) -> bool:
        with localcontext(_DOTNET_DECIMAL):
            self.samples += 1
            if self.samples <= self.period:
                self._first_values.append(value)
            if self.samples == self.period:
                self.value = sum(self._first_values, Decimal(0)) / self.period
            elif self.is_ready:
                self.value = value * self._smoothing + self.value * (1 - self._smoothing)
        return self.is_ready


class Macd:
    """MACD = fast EMA - slow EMA; the signal is an EMA of the MACD fed once both are ready."""

    def __init__(self, fast: int, slow: int, signal: int) -> None:
        self.fast = ExponentialMovingAverage(fast)
        self.slow = ExponentialMovingAverage(slow)
        self.signal = ExponentialMovingAverage(signal)
        self.value = Decimal(0)

    @property
    def is_ready(self) -> bool:
        return self.signal.is_ready

    def update(self, close: float) -> None:
        price = Decimal(repr(close))
        fast_ready = self.fast.update(price)
        slow_ready = self.slow.update(price)
        with localcontext(_DOTNET_DECIMAL):
            self.value = self.fast.value - self.slow.value
        if fast_ready and slow_ready:
            self.signal.update(self.value)

    @property
    def signal_delta_percent(self) -> Decimal:
        """(MACD - signal) / fast average, as the scenarios compare it."""
        with localcontext(_DOTNET_DECIMAL):
            return (self.value - self.signal.value) / self.fast.value
