"""The runner's test helpers (tests/runner_helpers.py) for the ports of LEAN's unit tests."""

import sys
from pathlib import Path

TESTS = str(Path(__file__).resolve().parent.parent)
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)
