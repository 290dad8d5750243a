"""The command line's console: TensorFlow's native start-up notices kept off it.

TensorFlow's C++ code writes lines such as ``failed call to cuInit: INTERNAL: CUDA error`` and
``Could not find cuda drivers on your machine`` straight to the process's standard error, before
its own log settings apply (``TF_CPP_MIN_LOG_LEVEL`` does not silence them). On a machine without
a GPU they are expected, yet read as failures. While :func:`without_native_startup_notices` is
active, standard error (file descriptor 2) passes through a filter that drops exactly those
notices (``NOTICE_PATTERNS``) and lets every other line through unchanged, real errors included.
"""

from __future__ import annotations

import os
import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

STDERR = 2
# TensorFlow's start-up notices, each a whole line: no GPU driver, CPU instruction sets, the
# order of its own logging's initialisation, duplicate plug-in registrations.
NOTICE_PATTERNS = re.compile(
    rb"All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    rb"|cudart_stub\.cc:\d+\] Could not find cuda drivers"
    rb"|cuda_platform\.cc:\d+\] failed call to cuInit"
    rb"|cuda_executor\.cc:\d+\] .*(?:CUDA|NUMA)"
    rb"|cpu_feature_guard\.cc:\d+\] This TensorFlow binary is optimized"
    rb"|^To enable the following instructions: .* rebuild TensorFlow"
    rb"|oneDNN custom operations are on"
    rb"|Unable to register cu(?:DNN|FFT|BLAS) factory"
    rb"|computation_placer\.cc:\d+\] computation placer already registered"
    rb"|TF-TRT Warning: Could not find TensorRT"
)
# Beginnings of a notice line: such a partial line is held until its end arrives. Anything else
# (a progress bar redrawn with "\r") passes at once.
NOTICE_STARTS = (b"I0000", b"W0000", b"E0000", b"WARNING: All log", b"To enable the following")


def is_startup_notice(line: bytes) -> bool:
    """True for a line (with or without its newline) that is one of TensorFlow's notices."""
    return NOTICE_PATTERNS.search(line.rstrip(b"\r\n")) is not None


def filtered(pending: bytes, chunk: bytes) -> tuple[bytes, bytes]:
    """(bytes to write now, bytes held back) after `chunk` arrives behind `pending`."""
    data = pending + chunk
    lines = data.splitlines(keepends=True)
    held = b""
    if lines and not lines[-1].endswith((b"\n", b"\r")) and lines[-1].startswith(NOTICE_STARTS):
        held = lines.pop()
    return b"".join(line for line in lines if not is_startup_notice(line)), held


@contextmanager
def without_native_startup_notices() -> Iterator[None]:
    """Route file descriptor 2 through the notice filter for the duration of the block."""
    try:
        original = os.dup(STDERR)
        reader, writer = os.pipe()
    except OSError:  # no usable standard error: nothing to filter
        yield
        return
    sys.stderr.flush()
    os.dup2(writer, STDERR)
    os.close(writer)

    def copy_filtered() -> None:
        pending = b""
        while chunk := os.read(reader, 65536):
            try:
                passed, pending = filtered(pending, chunk)
            except Exception:  # noqa: BLE001 - never lose output: pass it through unfiltered
                passed, pending = pending + chunk, b""
            if passed:
                os.write(original, passed)
        if pending:
            os.write(original, pending)

    thread = threading.Thread(target=copy_filtered, name="stderr-filter", daemon=True)
    thread.start()
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(original, STDERR)  # closes the pipe's last writer: the copier drains and ends
        thread.join(timeout=5)
        os.close(reader)
        os.close(original)
