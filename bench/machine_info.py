"""The machine a benchmark ran on, recorded in its JSON: timings compare only on the same kind."""

import importlib
import os
import platform
from pathlib import Path


def cpu_model() -> str:
    """The CPU's model name (Linux), else what the platform module reports."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def describe_machine(*packages: str) -> dict[str, object]:
    """Platform, CPU, core count, Python, and the versions of the named packages.

    With "keras" among them, also the Keras backend in use and its version.
    """
    description: dict[str, object] = {
        "platform": platform.platform(),
        "processor": cpu_model(),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
    }
    for name in packages:
        module = importlib.import_module(name)
        description[name] = module.__version__
        if name == "keras":
            backend = module.backend.backend()
            description["keras_backend"] = backend
            description["keras_backend_version"] = importlib.import_module(backend).__version__
    return description
