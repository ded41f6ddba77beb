"""Readable reprs: the compiled configuration classes show their fields (``OnsetConfig(method='threshold',
k_on=3.0, ...)``), the compiled streaming objects their settings and counters (``EnvelopePipeline(fs=2000.0,
channels=['gmed', 'es'], latency_ms=27.4, ...)``) and the result classes what they hold (``ActivationTable(n=3,
onset_s=<3 float64>, ..., method='threshold')``) -- never the data. Built from each class's own read-only or
read/write fields (the pybind11 properties, the dataclass fields), so a field added later shows up without a change
here; set from Python at import time, no C++ change needed."""

from __future__ import annotations

import dataclasses
import inspect
import numbers
from typing import Any, Callable, TypeVar

import numpy as np

from kinemyo import _core

__all__ = ["compact", "install", "summarize"]

# Value-like classes: their fields are their whole state. Classes that define their own repr keep it.
_SUFFIXES = ("Config", "Params", "Options", "Thresholds", "Limits", "Rule", "Zone")
_MAX_FIELD = 60  # a field whose repr is longer is summarised (type and size)

_T = TypeVar("_T", bound=type)


def summarize(value: object) -> str:
    """A short text for one field: scalars and short values as they are, arrays and tables as their shape."""
    if isinstance(value, np.ndarray):
        shape = "x".join(str(d) for d in value.shape) or "scalar"
        return f"<{shape} {value.dtype}>"
    if isinstance(value, (bool, np.bool_)) or value is None:
        return repr(value)
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return f"{float(value):.6g}"
    frame_shape = getattr(value, "shape", None)
    if frame_shape is not None and hasattr(value, "columns"):  # a pandas DataFrame
        return f"<DataFrame {frame_shape[0]} rows x {frame_shape[1]} columns>"
    if isinstance(value, dict):
        text = repr(value)
        return text if len(text) <= _MAX_FIELD and "\n" not in text else f"<dict of {len(value)}: {_keys(value)}>"
    text = repr(value)
    if len(text) <= _MAX_FIELD and "\n" not in text:
        return text
    if isinstance(value, (list, tuple)):
        return f"<{type(value).__name__} of {len(value)}>"
    return f"<{type(value).__name__}>"


def _keys(d: dict[Any, Any], limit: int = 4) -> str:
    keys = [str(k) for k in d]
    return ", ".join(keys[:limit]) + (", ..." if len(keys) > limit else "")


def _compact_repr(self: Any) -> str:
    parts = []
    if hasattr(type(self), "__len__"):
        try:
            parts.append(f"n={len(self)}")
        except Exception:  # noqa: BLE001  a length that cannot be computed must not break the repr
            pass
    for f in dataclasses.fields(self):
        if f.repr:
            parts.append(f"{f.name}={summarize(getattr(self, f.name))}")
    return f"{type(self).__name__}({', '.join(parts)})"


def compact(cls: _T) -> _T:
    """Class decorator (above ``@dataclass``): a repr that shows scalar fields and only the shape of arrays,
    tables and long values."""
    setattr(cls, "__repr__", _compact_repr)  # replaces the dataclass-generated repr
    return cls


def _fields(cls: type) -> list[str]:
    return [name for name, attr in vars(cls).items() if isinstance(attr, property) and not name.startswith("_")]


def _value_repr(fields: list[str]) -> Callable[[Any], str]:
    def __repr__(self: Any) -> str:
        parts = []
        for name in fields:
            try:
                parts.append(f"{name}={getattr(self, name)!r}")
            except Exception:  # noqa: BLE001  a field that cannot be read must not break the repr
                parts.append(f"{name}=?")
        return f"{type(self).__name__}({', '.join(parts)})"

    return __repr__


def _channel_names(obj: Any) -> list[str] | int:
    names = [c.name for c in obj.channels]
    return names if all(names) else obj.n_channels


# Extra entries of the streaming objects: what their scalar properties do not say (channel names, latency).
_EXTRAS: dict[str, Callable[[Any], dict[str, object]]] = {
    "EnvelopePipeline": lambda o: {"channels": _channel_names(o), "latency_ms": round(o.latency_ms(), 3)},
    "Calibration": lambda o: {"channels": _channel_names(o)},
    "RobustFilter": lambda o: {"tau_acc": o.params.tau_acc, "tau_mag": o.params.tau_mag,
                               "mag_disturbance_rejection": o.params.mag_disturbance_rejection,
                               "skipped": o.state.skipped, "rejected": o.state.rejected},
}
# Properties holding the running state or the data: never shown.
_HIDDEN = {"state", "channels", "quat", "quat_6d", "quat_9d", "bias", "bias_sigma", "rest", "mag_disturbed", "delta",
           "params", "baseline_mean", "baseline_sd", "sos", "active"}


def _object_repr(fields: list[str], extras: Callable[[Any], dict[str, object]] | None) -> Callable[[Any], str]:
    def __repr__(self: Any) -> str:
        parts: list[str] = []
        try:
            parts += [f"{k}={v!r}" for k, v in (extras(self) if extras else {}).items()]
        except Exception:  # noqa: BLE001
            pass
        for name in fields:
            try:
                value = getattr(self, name)
            except Exception:  # noqa: BLE001
                continue
            if value is None or isinstance(value, (bool, numbers.Number, str)):
                parts.append(f"{name}={summarize(value)}" if not isinstance(value, str) else f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(parts)})"

    return __repr__


def install() -> None:
    """Set the reprs of the compiled classes that have none of their own."""
    for name, cls in vars(_core).items():
        if not inspect.isclass(cls) or "__repr__" in vars(cls):
            continue
        fields = _fields(cls)
        if name.endswith(_SUFFIXES):
            if fields:
                setattr(cls, "__repr__", _value_repr(fields))
        else:
            setattr(cls, "__repr__", _object_repr([f for f in fields if f not in _HIDDEN], _EXTRAS.get(name)))
