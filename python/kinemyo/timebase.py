"""Time bases of recordings made on different devices: one session clock, explicit alignment.

Every recording of a session is put on the session clock (seconds) either by the time of its first sample
(``start_s``) or by per-sample timestamps. Timestamps are checked against the stated sampling rate and the samples
are resampled onto the uniform grid that rate defines (linear interpolation; gaps are reported, never hidden).
Signals of different rates or start times are brought onto one grid over the span they share: linear
interpolation for samples, normalised linear interpolation (sign-continuous) for quaternions.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

from typing import Any

import numpy as np
from numpy.typing import NDArray

from . import _repr
from ._compat import keyword_fs
from ._validate import finite_positive, integer, real_array

__all__ = ["TimeBase", "common_grid", "regularize", "resample", "resample_quaternions"]


@_repr.compact
@dataclass(frozen=True)
class TimeBase:
    """A uniform grid on the session clock: sample k is at ``start_s + k / fs``."""

    start_s: float
    fs: float
    n: int

    def __post_init__(self) -> None:
        finite_positive(self.fs, "fs")
        if isinstance(self.start_s, bool) or not isinstance(self.start_s, numbers.Real) or not np.isfinite(self.start_s):
            raise ValueError(f"start_s: must be a finite number, got {self.start_s!r}")
        integer(self.n, "n", minimum=1)
        if not math.isfinite(float(self.start_s) + (self.n - 1) / float(self.fs)):  # a denormal fs, an absurd n
            raise ValueError(f"fs: {self.n} samples at {self.fs!r} Hz from {self.start_s!r} s end beyond any finite "
                             "time")

    @property
    def stop_s(self) -> float:
        """Time of the last sample."""
        return self.start_s + (self.n - 1) / self.fs

    def times(self) -> np.ndarray:
        return self.start_s + np.arange(self.n) / self.fs

    def index(self, t: float) -> int:
        """The sample at or after session time ``t``, clipped to the recording."""
        return int(np.clip(np.ceil((t - self.start_s) * self.fs - 1e-9), 0, self.n))


@keyword_fs("t", "x", "fs")
def regularize(t: Any, x: Any, *, fs: float, where: str = "t", rate_tolerance: float = 0.02,
               gap_factor: float = 2.0) -> tuple[NDArray[np.float64], TimeBase, list[tuple[float, float]]]:
    """Samples ``x`` (n, k) stamped at times ``t`` (s, session clock) onto the uniform grid at ``fs`` from ``t[0]``.

    The timestamps must be finite and strictly increasing, and their median interval must agree with ``1 / fs``
    within ``rate_tolerance`` (relative): a mismatch is a wrong ``fs`` or wrong time units, an error naming
    ``where``. Returns ``(samples, TimeBase, gaps)``, where ``gaps`` lists ``(t_before, t_after)`` of every
    interval longer than ``gap_factor / fs`` (dropped samples, bridged by the interpolation).
    """
    t = real_array(t, "t")
    x = real_array(x, "x")
    fs = finite_positive(fs, "fs")
    rate_tolerance = finite_positive(rate_tolerance, "rate_tolerance")
    gap_factor = finite_positive(gap_factor, "gap_factor")
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2:
        raise ValueError(f"x: expected shape (n_samples,) or (n_samples, n_channels), got {x.shape}")
    if t.ndim != 1 or t.shape[0] != x.shape[0]:
        raise ValueError(f"{where}: expected one timestamp per sample ({x.shape[0]}), got shape {t.shape}")
    if t.shape[0] < 2:
        raise ValueError(f"{where}: needs at least two timestamps")
    if not np.isfinite(t).all():
        raise ValueError(f"{where}: non-finite timestamp at sample {int(np.argmin(np.isfinite(t)))}")
    dt = np.diff(t)
    if not (dt > 0).all():
        raise ValueError(f"{where}: timestamps must increase strictly (sample {int(np.argmin(dt > 0)) + 1} does not)")
    implied = 1.0 / float(np.median(dt))
    if abs(implied - fs) > rate_tolerance * fs:
        raise ValueError(f"{where}: the timestamps imply {implied:.10g} Hz but fs is {fs:.10g} Hz, "
                         f"{abs(implied - fs) / fs:.2g} apart, more than rate_tolerance = {rate_tolerance:g} "
                         "(wrong fs or wrong time units?)")
    base = TimeBase(float(t[0]), float(fs), int(np.floor((t[-1] - t[0]) * fs + 1e-6)) + 1)
    grid = base.times()
    if grid.shape[0] == t.shape[0] and np.allclose(grid, t, rtol=0.0, atol=1e-6 / fs):
        out = x.copy()  # already uniform: keep the samples bit for bit
    else:
        out = np.column_stack([np.interp(grid, t, x[:, k]) for k in range(x.shape[1])])
    long = np.flatnonzero(dt > gap_factor / fs)
    return out, base, [(float(t[i]), float(t[i + 1])) for i in long]


@keyword_fs("bases", "fs")
def common_grid(bases: Any, *, fs: float | None = None, where: str = "recordings") -> TimeBase:
    """The grid over the span every base covers, at ``fs`` (default: the highest rate among them)."""
    bases = list(bases)
    rate = float(fs) if fs is not None else max(b.fs for b in bases)
    start = max(b.start_s for b in bases)
    stop = min(b.stop_s for b in bases)
    if stop <= start:
        raise ValueError(f"{where}: the recordings do not overlap in time "
                         f"(spans {', '.join(f'{b.start_s:.3f}-{b.stop_s:.3f} s' for b in bases)})")
    return TimeBase(start, rate, int(np.floor((stop - start) * rate + 1e-6)) + 1)


def _same_grid(a: TimeBase, b: TimeBase) -> bool:
    return a.fs == b.fs and abs(a.start_s - b.start_s) < 1e-6 / a.fs


def resample(x: Any, base: TimeBase, target: TimeBase) -> NDArray[np.float64]:
    """Samples (n, k) or (n,) on ``base`` linearly interpolated onto ``target``; NaN outside ``base``'s span."""
    x = real_array(x, "x")
    if x.ndim not in (1, 2) or x.shape[0] != base.n:
        raise ValueError(f"x: expected shape ({base.n},) or ({base.n}, k) for the time base, got {x.shape}")
    if _same_grid(base, target) and target.n <= base.n:
        return np.array(x[:target.n], dtype=np.float64)
    t, src = target.times(), base.times()
    cols = x[:, None] if x.ndim == 1 else x
    out = np.column_stack([np.interp(t, src, cols[:, k], left=np.nan, right=np.nan) for k in range(cols.shape[1])])
    result: NDArray[np.float64] = out[:, 0] if x.ndim == 1 else out
    return result


def resample_quaternions(q: Any, base: TimeBase, target: TimeBase) -> NDArray[np.float64]:
    """Unit quaternions (n, 4) on ``base`` onto ``target`` by normalised linear interpolation after making the
    sequence sign-continuous (q and -q are one rotation); equals slerp to O(step angle^3)."""
    q = real_array(q, "q")
    if q.ndim != 2 or q.shape[1] != 4:
        raise ValueError(f"q: expected shape (n_samples, 4), got {q.shape}")
    flips = np.sign(np.einsum("ij,ij->i", q[1:], q[:-1]))
    flips[flips == 0] = 1.0
    q = q * np.concatenate([[1.0], np.cumprod(flips)])[:, None]
    out = resample(q, base, target)
    unit: NDArray[np.float64] = out / np.linalg.norm(out, axis=1, keepdims=True)
    return unit
