"""The console of `python -m local_lean`: TensorFlow's start-up notices are dropped, everything
else (the runner's lines, real errors, a progress bar) passes."""

from __future__ import annotations

from local_lean.console import filtered, is_startup_notice
from tests.test_cli import ALGORITHMS, run_cli

NOTICES = [
    b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n",
    b"I0000 00:00:1795606227.651563   13181 cudart_stub.cc:31] Could not find cuda drivers on "
    b"your machine, GPU will not be used.\n",
    b"E0000 00:00:1795606235.125420   13181 cuda_platform.cc:52] failed call to cuInit: INTERNAL:"
    b" CUDA error: Failed call to cuInit: UNKNOWN ERROR (303)\n",
    b"I0000 00:00:1795606071.382780    8930 cpu_feature_guard.cc:227] This TensorFlow binary is "
    b"optimized to use available CPU instructions in performance-critical operations.\n",
    b"To enable the following instructions: AVX2 FMA, in other operations, rebuild TensorFlow "
    b"with the appropriate compiler flags.\n",
]
KEPT = [
    b"E0000 00:00:1795606235.125420   13181 op_kernel.cc:1857] OP_REQUIRES failed: OOM\n",
    b"Traceback (most recent call last):\n",
    b"\rBacktest:  10%|#         | 25/253",
]


def test_the_notices_are_recognised_and_nothing_else_is():
    assert all(is_startup_notice(line) for line in NOTICES)
    assert not any(is_startup_notice(line) for line in KEPT)


def test_the_filter_keeps_order_and_holds_only_a_partial_notice():
    passed, held = filtered(b"", b"".join(NOTICES[:2]) + KEPT[0] + NOTICES[2][:20])
    assert passed == KEPT[0] and held == NOTICES[2][:20]
    passed, held = filtered(held, NOTICES[2][20:] + KEPT[2])
    assert passed == KEPT[2] and held == b""  # the progress bar is not held back


def test_the_main_job_console_has_no_gpu_notices_on_a_machine_without_one(tmp_path):
    result = run_cli(
        str(ALGORITHMS / "interrupted_while_training.py"),
        "--output", str(tmp_path),
        "--end", "2020-02-28",
        "--no-progress", "--no-charts",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    for text in ("cuInit", "cuda drivers", "absl::InitializeLog", "cpu_feature_guard"):
        assert text not in result.stderr + result.stdout
    assert "Time budget:" in result.stdout


def test_real_errors_still_reach_the_console(tmp_path):
    result = run_cli(
        str(ALGORITHMS / "raises_in_event.py"), "--output", str(tmp_path), "--no-progress",
        "--no-charts",
    )  # fmt: skip
    assert result.returncode == 1
    assert "Runtime Error" in result.stderr
