"""``python -m local_lean <algorithm.py> [options]``: see local_lean/cli.py."""

import os
import sys

# TensorFlow's C++ start-up notices (CPU features, no CUDA driver) would bury the algorithm's
# own log; a value the user set wins.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from local_lean.cli import main  # noqa: E402  (after the environment is set)

if __name__ == "__main__":
    sys.exit(main())
