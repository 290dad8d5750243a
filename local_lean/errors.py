"""The exceptions local_lean raises. Each message names the problem and the fix."""


class LocalLeanError(Exception):
    """Base class of every error local_lean raises on purpose."""


class NotSupportedError(LocalLeanError, NotImplementedError):
    """A LEAN name or option exists in LEAN but is outside what local_lean simulates."""

    def __init__(self, what: str, hint: str = "") -> None:
        message = f"{what} is not supported by local_lean"
        if hint:
            message += f": {hint}"
        super().__init__(message)


class DataError(LocalLeanError):
    """Price data is missing or unreadable."""


class MissingDataError(DataError, FileNotFoundError):
    """No data exists for a ticker; the message says where it was looked for."""


class MalformedDataError(DataError, ValueError):
    """A data file exists but a row cannot be read; the message names the file and line."""


class MissingDataWarning(UserWarning):
    """Data files of trading days inside a backtest's span are missing: LEAN goes on without
    them (fill-forward repeats the last bar) and reports them; so does local_lean."""


class AlgorithmError(LocalLeanError):
    """The algorithm raised: LEAN's "runtime error". Carries the simulated time."""


class UnknownSymbolError(LocalLeanError, KeyError):
    """A ticker was used before being added (add_equity) or has no data."""

    def __str__(self) -> str:  # KeyError would print the message in quotes
        return str(self.args[0]) if self.args else ""


class RegressionTestException(Exception):  # noqa: N818 - LEAN's name
    """LEAN's exception for a failed regression check (``QuantConnect.RegressionTestException``),
    which its regression algorithms raise."""
