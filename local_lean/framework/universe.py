"""LiquidETFUniverse's groupings of liquid US ETFs, with LEAN's tickers.

Only the groupings are offered (``LiquidETFUniverse.SP_500_SECTORS.long`` etc.): add their
tickers with ``add_equity(ticker, Resolution.DAILY)``. The universe selection model itself
(adding ETFs at their inception dates) is not simulated.
"""

from __future__ import annotations

from typing import Any

from local_lean.errors import NotSupportedError
from local_lean.symbols import Symbol, equity_symbol


class ManualUniverseSelectionModel:
    """A fixed list of equities (LEAN's ``ManualUniverseSelectionModel``): set with
    ``set_universe_selection``, its symbols are added at daily resolution. As LEAN's overloads:
    ``(symbols)``, ``(symbol, symbol, ...)`` or ``(symbols, universe_settings)``."""

    def __init__(self, *symbols: Any) -> None:
        universe_settings = None
        if len(symbols) == 2 and not isinstance(symbols[1], Symbol | str):
            symbols, universe_settings = (symbols[0],), symbols[1]
        if len(symbols) == 1 and not isinstance(symbols[0], Symbol | str):
            items = [] if symbols[0] is None else list(symbols[0])
        else:
            items = list(symbols)
        self.symbols = [equity_symbol(item) if isinstance(item, str) else item for item in items]
        for item in self.symbols:
            if not isinstance(item, Symbol):
                raise TypeError(f"ManualUniverseSelectionModel takes Symbols or tickers: {item!r}")
        self._universe_settings = universe_settings

    def create_universes(self, algorithm: Any) -> list:
        raise NotSupportedError(
            "ManualUniverseSelectionModel.create_universes",
            "its symbols are added directly; pass the model to set_universe_selection",
        )


class Grouping(list):
    """A list of Symbols: the long ETFs followed by the inverse ones."""

    def __init__(self, long_tickers: list[str], inverse_tickers: list[str]) -> None:
        self._long = [equity_symbol(ticker) for ticker in long_tickers]
        self._inverse = [equity_symbol(ticker) for ticker in inverse_tickers]
        super().__init__(self._long + self._inverse)

    @property
    def long(self) -> list[Symbol]:
        """ETFs that follow their components' direction (a fresh list each time)."""
        return list(self._long)

    @property
    def inverse(self) -> list[Symbol]:
        """ETFs that move against their components (as LEAN files them)."""
        return list(self._inverse)

    def __str__(self) -> str:
        if not self:
            return "No Symbols"
        longs = f" Long: {','.join(s.value for s in self._long)}" if self._long else ""
        inverses = f" Inverse: {','.join(s.value for s in self._inverse)}" if self._inverse else ""
        return f"{len(self)} symbols:{longs}{inverses}"


class LiquidETFUniverse:
    """LEAN's LiquidETFUniverse groupings (Algorithm.Framework/Selection/LiquidETFUniverse.cs)."""

    Grouping = Grouping

    ENERGY = Grouping(
        ["VDE", "USO", "XES", "XOP", "UNG", "ICLN", "ERX", "UCO", "AMJ", "BNO", "AMLP", "TAN"],
        ["ERY", "SCO"],
    )
    METALS = Grouping(["GLD", "IAU", "SLV", "GDX", "AGQ", "PPLT", "NUGT", "JNUG"], ["DUST", "JDST"])
    TECHNOLOGY = Grouping(
        ["QQQ", "IGV", "QTEC", "FDN", "FXL", "TECL", "SOXL", "SKYY", "KWEB"], ["TECS", "SOXS"]
    )
    TREASURIES = Grouping(
        ["IEF", "SHY", "TLT", "IEI", "TLH", "BIL", "SPTL", "TMF", "SCHO", "SCHR", "SPTS", "GOVT"],
        ["SHV", "TBT", "TBF", "TMV"],
    )
    VOLATILITY = Grouping(["VIXY", "SPLV", "UVXY", "EEMV", "EFAV", "USMV"], ["SVXY"])
    SP_500_SECTORS = Grouping(["XLB", "XLE", "XLF", "XLI", "XLK", "XLP", "XLU", "XLV", "XLY"], [])

    def __init__(self) -> None:
        raise NotSupportedError(
            "LiquidETFUniverse() as a universe selection model",
            "add the tickers of its groupings with self.add_equity(ticker, Resolution.DAILY)",
        )
