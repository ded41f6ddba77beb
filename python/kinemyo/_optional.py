"""Optional dependencies: imported on first use, and a missing one is an error that names the pip extra.

``pip install kinemyo`` brings everything the documented commands and README examples need (NumPy, SciPy,
pandas, matplotlib). Only these inputs and the cohort runner need more; ``pyproject.toml`` lists the same
packages under the same extras (tests/python/app/test_install.py checks that the two agree).
"""

from __future__ import annotations

import importlib
import types

# top-level module -> (pip extra, the PyPI distribution that provides it)
EXTRAS = {
    "ezc3d": ("c3d", "ezc3d"),
    "pylsl": ("lsl", "pylsl"),
    "distributed": ("cohort", "dask[distributed]"),
    "pyarrow": ("cohort", "pyarrow"),
}


def install_hint(module: str) -> str:
    """The pip command that installs ``module``'s extra, e.g. ``pip install 'kinemyo[c3d]'``."""
    extra, _ = EXTRAS[module.partition(".")[0]]
    return f"pip install 'kinemyo[{extra}]'"


def require(module: str, purpose: str, error: type[Exception] = ModuleNotFoundError) -> types.ModuleType:
    """``module`` imported, or ``error`` saying that ``purpose`` needs it and how to install it.

    ``error`` lets a caller keep the exception type its own documentation promises (a reader's ValueError)."""
    top = module.partition(".")[0]
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        _, dist = EXTRAS[top]
        raise error(f"{purpose} needs {dist}, which is not installed: {install_hint(top)}") from exc
