"""The exceptions local_lean raises. Each message names the problem and the fix."""

from __future__ import annotations

import datetime as dt
import traceback


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


def runtime_error_text(
    exc: BaseException, simulated_time: dt.datetime, ended_the_process: bool = False
) -> str:
    """LEAN's runtime error message for an exception the algorithm raised at `simulated_time`
    (New York time), with its traceback; `ended_the_process`: the algorithm called sys.exit."""
    trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    what = f"{type(exc).__name__}: {exc}"
    if ended_the_process:  # an algorithm does not end the engine's process: call quit()
        code = getattr(exc, "code", None)
        what = (
            f"the algorithm called sys.exit({code!r}), which stops a LEAN algorithm as an "
            "error (use self.quit(message) to end a backtest early)"
        )
    return f"Runtime Error: {what} at {simulated_time:%Y-%m-%d %H:%M:%S} New York time\n{trace}"
