"""Argument checks shared by the pure-Python modules (the compiled ones use python/src/common.hpp): one helper per
argument kind, each naming the parameter in its error."""

from __future__ import annotations

import contextlib
import contextvars
import numbers
import operator
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np
from numpy.typing import DTypeLike, NDArray

__all__ = ["real_array", "integer", "number", "finite_positive", "UnitWarning", "check_imu_units", "imu_units_checked"]


def real_array(x: Any, name: str, dtype: DTypeLike = np.float64) -> NDArray[Any]:
    """``x`` as a real array of ``dtype``: TypeError naming ``name`` for complex, object or text data, which a plain
    ``np.asarray(x, dtype=float)`` would cast silently (dropping an imaginary part) or fail on obscurely."""
    a = np.asarray(x)
    if a.dtype.kind not in "fiub":
        what = "complex input is not supported (real signals only)" if a.dtype.kind == "c" else (
            f"expected real numbers, got dtype {a.dtype}")
        raise TypeError(f"{name}: {what}")
    return a.astype(dtype, copy=False)


def integer(x: Any, name: str, minimum: int | None = None) -> int:
    """An exact integer (bool, 2.5 and '3' are refused), optionally at least ``minimum``."""
    if isinstance(x, bool) or not isinstance(x, (numbers.Integral, np.integer)):
        raise TypeError(f"{name}: expected an integer, got {type(x).__name__} {x!r}")
    v = operator.index(x)
    if minimum is not None and v < minimum:
        raise ValueError(f"{name}: must be >= {minimum}, got {v}")
    return v


def number(x: Any, name: str) -> float:
    """A real number as float (text such as '10', bool and complex are refused; range rules are the caller's)."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name}: expected a number, got {type(x).__name__}")
    return float(x)


def finite_positive(x: Any, name: str) -> float:
    """A finite number > 0 (a sampling rate, a tolerance)."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name}: expected a number, got {type(x).__name__}")
    v = float(x)
    if not (np.isfinite(v) and v > 0):
        raise ValueError(f"{name}: must be finite and > 0, got {v}")
    return v


class UnitWarning(UserWarning):
    """Sensor data whose magnitudes suggest other units than the SI ones the function expects (a gyroscope in
    deg/s instead of rad/s, an accelerometer in g instead of m/s^2)."""


# 35 rad/s is about 2000 deg/s, the full scale of common MEMS gyroscopes: human movement in rehabilitation stays far
# below it (a swinging foot peaks near 10 rad/s), while deg/s numbers of ordinary walking (foot peaks 400-600) exceed it.
GYR_MAX_RAD_PER_S = 35.0
# A worn accelerometer measures gravity plus movement: its median norm is about 9.81 m/s^2. A median in this band is
# gravity written in g; in m/s^2 it would mean a recording spent mostly in free fall.
ACC_MEDIAN_IN_G = (0.5, 2.0)

_units_checked = contextvars.ContextVar("kinemyo_imu_units_checked", default=False)


@contextlib.contextmanager
def imu_units_checked() -> Iterator[None]:
    """Within this block :func:`check_imu_units` does nothing: a function that checked its arrays once calls the
    public functions it is built from without repeating the warning."""
    token = _units_checked.set(True)
    try:
        yield
    finally:
        _units_checked.reset(token)


def _norms(x: Any) -> NDArray[np.float64] | None:
    """Row norms of a real (n,) or (n, 3) array with finite non-zero rows, or None for anything else: malformed
    input is left to the function's own checks, which name the problem."""
    try:
        a = np.asarray(x)
    except Exception:  # noqa: BLE001  ragged lists and the like: the function's own checks report them
        return None
    if a.dtype.kind not in "fiu" or a.size == 0 or not (a.ndim == 1 or (a.ndim == 2 and a.shape[1] == 3)):
        return None
    a = a.astype(np.float64, copy=False)
    with np.errstate(over="ignore", invalid="ignore"):  # huge or non-finite rows are dropped below, not reported
        n = np.abs(a) if a.ndim == 1 else np.sqrt(np.einsum("ij,ij->i", a, a))
    n = n[np.isfinite(n) & (n > 0)]  # NaN or zero rows are missing samples (e.g. a slower magnetometer)
    return n if n.size else None


def _past_fs_wrappers(stacklevel: int) -> int:
    """``stacklevel`` (counted from the caller of :func:`check_imu_units`) plus one for each frame of the
    ``kinemyo._compat.keyword_fs`` wrapper within it, so the warning still points at the user's call."""
    import sys

    from kinemyo import _compat

    frame: Any = sys._getframe(2)  # the function that called check_imu_units
    level, wanted = 2, stacklevel
    while frame is not None and level < wanted:
        frame = frame.f_back
        level += 1
        if frame is not None and frame.f_code.co_filename == _compat.__file__:
            wanted += 1
    return wanted


def check_imu_units(gyr: Any = None, acc: Any = None, *, gyr_name: str = "gyr", acc_name: str = "acc", stacklevel: int = 3) -> None:
    """Warn (:class:`UnitWarning`) when ``gyr`` (rad/s expected) looks like deg/s -- the 99th percentile of its
    norm above :data:`GYR_MAX_RAD_PER_S` -- or when ``acc`` (m/s^2 expected, gravity included) looks like g -- its
    median norm within :data:`ACC_MEDIAN_IN_G`; the warning names them ``gyr_name`` / ``acc_name``. ``stacklevel`` 3 points the warning at the caller of the public
    function that calls this."""
    if _units_checked.get():
        return
    stacklevel = _past_fs_wrappers(stacklevel)
    rates = None if gyr is None else _norms(gyr)
    if rates is not None:
        p99 = float(np.percentile(rates, 99))
        if p99 > GYR_MAX_RAD_PER_S:
            warnings.warn(f"{gyr_name}: the 99th percentile of the angular rate is {p99:.4g}, above {GYR_MAX_RAD_PER_S:g} "
                          f"rad/s (about 2000 deg/s, the full scale of common gyroscopes): the data look like deg/s; "
                          f"give rad/s (deg/s times pi / 180)", UnitWarning, stacklevel=stacklevel)
    norms = None if acc is None else _norms(acc)
    if norms is not None:
        med = float(np.median(norms))
        if ACC_MEDIAN_IN_G[0] <= med <= ACC_MEDIAN_IN_G[1]:
            warnings.warn(f"{acc_name}: the median norm is {med:.3g}, about 1 g rather than 9.81 m/s^2: the data look like "
                          f"g; give m/s^2 (g times 9.80665)", UnitWarning, stacklevel=stacklevel)
