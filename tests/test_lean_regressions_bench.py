"""bench/lean_regressions.py: the parameters LEAN's regression tests give every algorithm."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from lean_regressions import launcher_parameters, without_comments  # noqa: E402

LAUNCHER_CONFIG = """{
  // the launcher's settings (comments as in LEAN's config.json)
  "data-folder": "../../../Data/",
  "api-url": "https://www.quantconnect.com/api/v2/", // a URL keeps its slashes
  "quote": "a \\"quoted\\" // value",

  // parameters to set in the algorithm (the below are just samples)
  "parameters": {
    "intrinio-username": "",
    "ema-fast": 10,
    "ema-slow": 20,
    "a-flag": true
  }
}
"""


def test_comments_go_and_strings_keep_their_slashes():
    text = without_comments(LAUNCHER_CONFIG)
    assert "settings" not in text and "samples" not in text
    assert '"https://www.quantconnect.com/api/v2/"' in text
    assert '"a \\"quoted\\" // value"' in text


def test_launcher_parameters_reach_algorithms_as_strings(tmp_path):
    (tmp_path / "Launcher").mkdir()
    (tmp_path / "Launcher" / "config.json").write_text(LAUNCHER_CONFIG, encoding="utf-8")
    assert launcher_parameters(tmp_path) == {
        "intrinio-username": "",
        "ema-fast": "10",
        "ema-slow": "20",
        "a-flag": "True",
    }


def test_a_clone_without_the_launcher_config_gives_no_parameters(tmp_path):
    assert launcher_parameters(tmp_path) is None
