"""One argument convention for the sampling rate: data first, options after, ``fs`` keyword-only (``fs=...``).

:func:`keyword_fs` makes a function keyword-only in ``fs`` while still accepting the positional order it had
before 0.2 (e.g. ``offline_envelope(fs, channels, x)``): such a call is mapped onto the new one and warned about
with a :class:`DeprecationWarning` naming the new call. The old positional forms go in kinemyo 0.3.

Every call is also checked for an ``fs`` that is not a number -- typically an array passed where the sampling rate
goes -- which would otherwise reach the compiled core and come back as a binding error printing the whole array.
"""

from __future__ import annotations

import functools
import inspect
import numbers
import warnings
from typing import Any, Callable, TypeVar

import numpy as np

__all__ = ["REMOVAL_VERSION", "check_fs_type", "keyword_fs"]

REMOVAL_VERSION = "0.3"

_F = TypeVar("_F", bound=Callable[..., Any])


def _describe(value: object) -> str:
    """A short description of a value that never includes the data: type, and shape for arrays."""
    shape = getattr(value, "shape", None)
    if shape is not None:
        return f"{type(value).__name__} of shape {tuple(shape)}"
    if isinstance(value, (list, tuple)):
        return f"{type(value).__name__} of length {len(value)}"
    return type(value).__name__


def check_fs_type(fs: object, func_name: str, new_call: str) -> None:
    """TypeError naming ``fs`` (without printing the data) when ``fs`` is not a real number or None. A 0-d array
    is a number. Range checks (finite, > 0) stay with each function."""
    if fs is None or (isinstance(fs, numbers.Real) and not isinstance(fs, bool)):
        return
    if isinstance(fs, np.ndarray) and fs.ndim == 0 and fs.dtype.kind in "fiu":
        return
    raise TypeError(f"fs: expected the sampling rate in Hz as a number, got {_describe(fs)} "
                    f"(call {new_call})")


def _new_call(name: str, sig: inspect.Signature) -> str:
    positional = [p.name for p in sig.parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty]
    return f"{name}({', '.join([*positional, 'fs=...'])})"


def keyword_fs(*old_order: str) -> Callable[[_F], _F]:
    """Decorator for a function whose ``fs`` is keyword-only; ``old_order`` lists its parameters in their
    positional order before 0.2. A call with more positional arguments than the new signature takes is read in the
    old order, with a DeprecationWarning naming the new call."""

    def decorate(func: _F) -> _F:
        sig = inspect.signature(func)
        if "fs" not in sig.parameters or sig.parameters["fs"].kind is not inspect.Parameter.KEYWORD_ONLY:
            raise TypeError(f"{func.__name__}: keyword_fs needs a keyword-only fs parameter")
        n_positional = sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in sig.parameters.values())
        unknown = [n for n in old_order if n not in sig.parameters]
        if unknown or "fs" not in old_order:
            raise TypeError(f"{func.__name__}: old_order {old_order} must name fs and only existing parameters")
        new_call = _new_call(func.__name__, sig)

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if len(args) > n_positional:
                if len(args) > len(old_order):
                    raise TypeError(f"{func.__name__}() takes at most {len(old_order)} positional arguments "
                                    f"({len(args)} given); call {new_call}")
                mapped = dict(zip(old_order, args))
                twice = sorted(set(mapped) & set(kwargs))
                if twice:
                    raise TypeError(f"{func.__name__}() got multiple values for {', '.join(twice)}")
                check_fs_type(mapped.get("fs"), func.__name__, new_call)
                warnings.warn(f"{func.__name__}: the positional form {func.__name__}({', '.join(old_order[:len(args)])})"
                              f" is deprecated and will be removed in kinemyo {REMOVAL_VERSION}; call {new_call}",
                              DeprecationWarning, stacklevel=2)
                kwargs.update(mapped)
                args = ()
            check_fs_type(kwargs.get("fs"), func.__name__, new_call)
            return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]  # functools.wraps keeps the signature; the TypeVar cannot say so

    return decorate
