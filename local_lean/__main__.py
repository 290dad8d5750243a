"""``python -m local_lean <algorithm.py> [options]``: see local_lean/cli.py."""

import os
import sys

# TensorFlow's C++ informational lines (CPU features) would bury the algorithm's own log; a value
# the user set wins. The notices it prints before reading this setting (no CUDA driver) are
# filtered out of standard error by local_lean.console; its errors still show.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from local_lean.cli import main  # noqa: E402  (after the environment is set)
from local_lean.console import without_native_startup_notices  # noqa: E402

if __name__ == "__main__":
    with without_native_startup_notices():
        status = main()
    sys.exit(status)
