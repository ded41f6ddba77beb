"""pandas in and out for the EMG and IMU functions, in one place.

In: a DataFrame is matched by column name -- to the channel names a call gives (reordered to them; a mismatch is a
ValueError naming both lists), to the axes x, y, z of a sensor, or to the quaternion components q_w, q_x, q_y, q_z
-- and its index is kept as the time base. Out: when the input was a DataFrame, results are DataFrames with a
``time_s`` index (the input's time index in seconds, or sample / fs for a default RangeIndex) and unit-suffixed
columns (``gmed_V``, ``flexion_rad``). Plain arrays in give plain arrays out, as before.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Labels", "is_frame", "channels_in", "axes_in", "quaternions_in", "time_index", "frame_out",
           "QUAT_COLUMNS"]

QUAT_COLUMNS = ("q_w", "q_x", "q_y", "q_z")


def is_frame(x: object) -> bool:
    """True for a pandas DataFrame (without importing pandas when the caller has not)."""
    pd = sys.modules.get("pandas")
    return pd is not None and isinstance(x, pd.DataFrame)


@dataclass(frozen=True)
class Labels:
    """What a labelled input carried: its column names (in the order used) and its row index."""

    columns: tuple[str, ...]
    index: Any  # pandas.Index


def _names(frame: pd.DataFrame) -> list[str]:
    return [str(c) for c in frame.columns]


def channels_in(x: Any, names: Sequence[str] | None, what: str) -> tuple[Any, Labels | None]:
    """``x`` as an array with its DataFrame columns put in the order of ``names`` (when given), plus its labels;
    a non-DataFrame passes through with None. ``what`` names the parameter in errors."""
    if not is_frame(x):
        return x, None
    have = _names(x)
    if len(set(have)) != len(have):
        raise ValueError(f"{what}: DataFrame column names must be unique, got {have}")
    if names is None:
        order = have
    else:
        order = [str(n) for n in names]
        if sorted(order) != sorted(have):
            raise ValueError(f"{what}: DataFrame columns {have} do not match the channel names {order}")
    values = x[order].to_numpy() if order != have else x.to_numpy()
    return values, Labels(tuple(order), x.index)


def _match(have: list[str], wanted: Sequence[str], key: Any) -> list[int] | None:
    """Positions of ``wanted`` among ``have`` by ``key(name)``; None when they do not correspond one to one."""
    keys = [key(h) for h in have]
    if len(keys) != len(wanted) or sorted(keys) != sorted(wanted):
        return None
    return [keys.index(w) for w in wanted]


def axes_in(x: Any, what: str) -> tuple[Any, Labels | None]:
    """A sensor DataFrame (3 columns whose names end in x, y, z, e.g. ``gyr_x``) as an (n, 3) array in x, y, z
    order, plus its labels."""
    if not is_frame(x):
        return x, None
    have = _names(x)
    pos = _match(have, ("x", "y", "z"), lambda c: c[-1:].lower())
    if pos is None:
        raise ValueError(f"{what}: DataFrame columns {have} do not name the axes x, y, z (e.g. {what}_x, {what}_y, "
                         f"{what}_z)")
    return x.iloc[:, pos].to_numpy(), Labels(tuple(have[p] for p in pos), x.index)


def quaternions_in(x: Any, what: str) -> tuple[Any, Labels | None]:
    """A quaternion DataFrame (columns q_w, q_x, q_y, q_z in any order) as an (n, 4) array [w, x, y, z]."""
    if not is_frame(x):
        return x, None
    have = _names(x)
    pos = _match(have, QUAT_COLUMNS, lambda c: c)
    if pos is None:
        raise ValueError(f"{what}: DataFrame columns {have} do not match the quaternion components "
                         f"{list(QUAT_COLUMNS)}")
    return x.iloc[:, pos].to_numpy(), Labels(QUAT_COLUMNS, x.index)


def time_index(index: Any, n: int, fs: float | None) -> pd.Index:
    """The time base of a labelled input in seconds, named ``time_s``: a default RangeIndex is sample / fs (or
    stays a RangeIndex named ``sample`` when fs is None), a numeric index is taken as seconds, a TimedeltaIndex is converted, a DatetimeIndex counts from its first row."""
    import pandas as pd

    if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1:
        if fs is None:  # no time base known (e.g. joint angles from quaternions): rows stay sample numbers
            return pd.RangeIndex(n, name="sample")
        t = np.arange(n, dtype=np.float64) / float(fs)
    elif isinstance(index, pd.TimedeltaIndex):
        t = index.total_seconds().to_numpy(dtype=np.float64)
    elif isinstance(index, pd.DatetimeIndex):
        t = (index - index[0]).total_seconds().to_numpy(dtype=np.float64)
    elif pd.api.types.is_numeric_dtype(index.dtype):
        t = np.asarray(index, dtype=np.float64)
    else:
        raise TypeError(f"index: a DataFrame's index must be time in seconds (numeric), a TimedeltaIndex, a "
                        f"DatetimeIndex or the default RangeIndex, got {type(index).__name__}")
    if t.shape[0] != n:
        raise ValueError(f"index: {t.shape[0]} rows where the result has {n}")
    return pd.Index(t, name="time_s")


def frame_out(values: np.ndarray, columns: Sequence[str], labels: Labels, fs: float | None) -> pd.DataFrame:
    """``values`` (n, k) as a DataFrame with ``columns`` and the labelled input's time index in seconds."""
    import pandas as pd

    values = np.asarray(values)
    values = values.reshape(-1, 1) if values.ndim == 1 else values
    return pd.DataFrame(values, index=time_index(labels.index, values.shape[0], fs), columns=list(columns))
