"""The folders a run writes into: proved writable before the run, and a fallback when writing
fails after it.

A backtest can train for hours before it writes anything, so a folder that cannot take the
results must be found before the run starts (:func:`require_writable_folder`), and a write
that still fails at the end (a disk that filled, a folder removed meanwhile) must not lose
what was computed (:func:`fallback_results_folder`).
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path
from typing import Any

from local_lean.errors import LocalLeanError


class OutputFolderError(LocalLeanError, ValueError):
    """A folder the run must write into cannot be made or written; the message says why."""


def require_writable_folder(folder: Path, option: str) -> Path:
    """Make ``folder`` (with its parents) and prove that a file can be created in it.

    ``option`` names where the folder came from ("--output", "--storage") for the message.
    Returns the folder; raises :class:`OutputFolderError` naming the problem and the fix.
    """
    folder = Path(folder).expanduser()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not folder.is_dir():
            raise FileExistsError(errno.EEXIST, "exists", str(folder))
        # Permission bits do not tell (root ignores them; read-only mounts and immutable
        # folders do not show in them): creating a file is the only real test.
        with tempfile.NamedTemporaryFile(prefix=".tmp-probe-", dir=folder):
            pass
    except OSError as error:
        raise OutputFolderError(_explain(folder, option, error)) from None
    return folder


def _explain(folder: Path, option: str, error: OSError) -> str:
    shown = _shortened(str(folder))
    if error.errno == errno.ENAMETOOLONG:
        return (
            f"{option} {shown}: the path is too long for the file system ({len(str(folder))} "
            "characters; at most 255 bytes a name and 4096 a path): choose a shorter folder"
        )
    if error.errno in (errno.EEXIST, errno.ENOTDIR):
        return (
            f"{option} {shown}: a file stands where a folder is needed ({_first_file(folder)}): "
            "give a folder, or move the file away"
        )
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (
            f"{option} {shown}: the folder cannot be written ({os.strerror(error.errno)}): "
            "choose a folder you can write, or fix its permissions"
        )
    return (
        f"{option} {shown}: the folder cannot be used ({error.strerror or error}): choose another"
    )


def _first_file(folder: Path) -> str:
    """The first part of ``folder``'s path that exists and is not a folder."""
    for part in [*reversed(folder.parents), folder]:
        try:
            if part.exists() and not part.is_dir():
                return _shortened(str(part))
        except OSError:
            break
    return _shortened(str(folder))


def _shortened(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else f"{text[: limit // 2]}...{text[-limit // 2 :]}"


def fallback_results_folder() -> Path:
    """A fresh folder in the system's temporary folder, for results that could not be written
    where they were asked for."""
    return Path(tempfile.mkdtemp(prefix="local-lean-results-"))


def object_store_folder(output: Path | None, storage: Path | None) -> Path:
    """The object store's folder, proved writable: `storage`, else `output`/storage (as the
    lean CLI's <workspace>/storage), else a fresh temporary folder, so that runs never share
    models by accident. A folder that cannot be written is a BacktestSetupError."""
    from local_lean.backtest_plan import BacktestSetupError

    try:
        if output is not None:
            require_writable_folder(Path(output), "--output")
        if storage is not None:
            return require_writable_folder(Path(storage), "--storage")
        if output is not None:
            return require_writable_folder(Path(output) / "storage", "--output")
    except OutputFolderError as error:
        raise BacktestSetupError(str(error)) from None
    return Path(tempfile.mkdtemp(prefix="local-lean-storage-"))


def write_results_kept(record: Any, output: Path, draw_charts: bool) -> tuple[Path, str | None]:
    """Write the results under `output`; when that fails, under the fallback folder, with the
    reason (the results are kept elsewhere rather than lost). Returns (folder, problem)."""
    from local_lean.results import write_results

    try:
        return write_results(record, output, draw_charts=draw_charts), None
    except OSError as failure:
        path = write_results(record, fallback_results_folder(), draw_charts=draw_charts)
        problem = (
            f"The results could not be written to {output} ({failure}); they were written to "
            f"{path} instead"
        )
        return path, problem
