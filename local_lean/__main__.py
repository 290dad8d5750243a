"""``python -m local_lean <algorithm.py> [options]``: see local_lean/cli.py."""

import sys

from local_lean.cli import main

if __name__ == "__main__":
    sys.exit(main())
