"""Argument checks shared by the pure-Python modules (the compiled ones use python/src/common.hpp): one helper per
argument kind, each naming the parameter in its error."""

from __future__ import annotations

import numbers
import operator

import numpy as np

__all__ = ["real_array", "integer", "number", "finite_positive"]


def real_array(x, name: str, dtype=np.float64) -> np.ndarray:
    """``x`` as a real array of ``dtype``: TypeError naming ``name`` for complex, object or text data, which a plain
    ``np.asarray(x, dtype=float)`` would cast silently (dropping an imaginary part) or fail on obscurely."""
    a = np.asarray(x)
    if a.dtype.kind not in "fiub":
        what = "complex input is not supported (real signals only)" if a.dtype.kind == "c" else (
            f"expected real numbers, got dtype {a.dtype}")
        raise TypeError(f"{name}: {what}")
    return a.astype(dtype, copy=False)


def integer(x, name: str, minimum: int | None = None) -> int:
    """An exact integer (bool, 2.5 and '3' are refused), optionally at least ``minimum``."""
    if isinstance(x, bool) or not isinstance(x, (numbers.Integral, np.integer)):
        raise TypeError(f"{name}: expected an integer, got {type(x).__name__} {x!r}")
    v = operator.index(x)
    if minimum is not None and v < minimum:
        raise ValueError(f"{name}: must be >= {minimum}, got {v}")
    return v


def number(x, name: str) -> float:
    """A real number as float (text such as '10', bool and complex are refused; range rules are the caller's)."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name}: expected a number, got {type(x).__name__}")
    return float(x)


def finite_positive(x, name: str) -> float:
    """A finite number > 0 (a sampling rate, a tolerance)."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name}: expected a number, got {type(x).__name__}")
    v = float(x)
    if not (np.isfinite(v) and v > 0):
        raise ValueError(f"{name}: must be finite and > 0, got {v}")
    return v
