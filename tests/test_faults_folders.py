"""Folders given on the command line: a file where a folder is needed, a folder that cannot
be written or a path too long is named with the fix, not a traceback; a report never writes
through a symbolic link nor reads a linked file into the page."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from local_lean.cli import EXIT_USAGE, main
from local_lean.report.command import main as report_main

ROOT = Path(__file__).resolve().parent.parent
BUY_AND_HOLD = ROOT / "tests" / "algorithms" / "buy_and_hold.py"


def run_main(capsys, *args: str) -> tuple[int, str, str]:
    try:
        status = main([*args, "--no-progress", "--no-charts"])
    except SystemExit as exit_:  # argparse's usage errors
        status = exit_.code
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture(scope="module")
def results_folder(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("results")
    assert main([str(BUY_AND_HOLD), "--output", str(output), "--no-progress", "--no-report",
                 "--no-charts", "--quiet"]) == 0  # fmt: skip
    (folder,) = (output / "backtests").iterdir()
    return folder


def test_a_storage_that_is_a_file_is_named(tmp_path, capsys):
    storage = tmp_path / "storage"
    storage.write_text("a file")
    status, out, err = run_main(capsys, str(BUY_AND_HOLD), "--output", str(tmp_path),
                                "--storage", str(storage))  # fmt: skip
    assert status == EXIT_USAGE
    assert "--storage" in err and "a file stands where a folder is needed" in err
    assert "Traceback" not in err and "Backtest" not in out


def test_an_output_path_too_long_is_named(tmp_path, capsys):
    output = tmp_path / ("x" * 5000)
    status, _, err = run_main(capsys, str(BUY_AND_HOLD), "--output", str(output))
    assert status == EXIT_USAGE
    (message,) = [line for line in err.splitlines() if "error:" in line]
    assert "the path is too long" in message and f"{len(str(output))} characters" in message
    assert len(message) < 600  # the path itself is shortened in the message


def test_a_report_on_a_folder_that_cannot_be_written_is_named(results_folder, tmp_path, capsys):
    folder = tmp_path / "received"
    shutil.copytree(results_folder, folder)
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here")
    try:
        status = report_main([str(folder)])
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)
    err = capsys.readouterr().err
    assert status == 2
    assert "report.html cannot be written into" in err and "copy the folder" in err


def test_a_report_never_writes_through_a_symbolic_link(results_folder, tmp_path, capsys):
    folder = tmp_path / "received"
    shutil.copytree(results_folder, folder)
    private = tmp_path / "private.txt"
    private.write_text("someone else's file")
    (folder / "report.html").symlink_to(private)
    assert report_main([str(folder)]) == 0
    assert private.read_text() == "someone else's file"
    assert not (folder / "report.html").is_symlink()
    assert "<html" in (folder / "report.html").read_text().lower()


def test_a_report_does_not_read_a_linked_log_into_the_page(results_folder, tmp_path, capsys):
    folder = tmp_path / "received"
    shutil.copytree(results_folder, folder)
    private = tmp_path / "secrets.txt"
    private.write_text("password=hunter2")
    (folder / "log.txt").unlink()
    (folder / "log.txt").symlink_to(private)
    assert report_main([str(folder)]) == 0
    page = (folder / "report.html").read_text()
    assert "hunter2" not in page
    assert "symbolic link" in page
