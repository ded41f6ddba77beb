"""Readable reprs for the compiled configuration classes: ``OnsetConfig(method='threshold', k_on=3.0, ...)``
instead of ``<kinemyo._core.OnsetConfig object at 0x...>``. Built from each class's own read/write fields (the
pybind11 properties), so a field added in C++ shows up without a change here."""

from __future__ import annotations

import inspect

from kinemyo import _core

# Value-like classes: their fields are their whole state. Classes that define their own repr keep it.
_SUFFIXES = ("Config", "Params", "Options", "Thresholds", "Limits", "Rule", "Zone")


def _fields(cls) -> list[str]:
    return [name for name, attr in vars(cls).items() if isinstance(attr, property) and not name.startswith("_")]


def _make_repr(fields):
    def __repr__(self) -> str:
        parts = []
        for name in fields:
            try:
                parts.append(f"{name}={getattr(self, name)!r}")
            except Exception:  # noqa: BLE001  a field that cannot be read must not break the repr
                parts.append(f"{name}=?")
        return f"{type(self).__name__}({', '.join(parts)})"

    return __repr__


def install() -> None:
    for name, cls in vars(_core).items():
        if not inspect.isclass(cls) or not name.endswith(_SUFFIXES) or "__repr__" in vars(cls):
            continue
        fields = _fields(cls)
        if fields:
            cls.__repr__ = _make_repr(fields)
