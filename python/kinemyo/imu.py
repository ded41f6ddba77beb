"""IMU orientation estimation and evaluation.

Conventions (one place, README "Conventions"): Hamilton quaternions, scalar first ``[w, x, y, z]``, rotating
sensor coordinates into earth coordinates; earth frame ENU unless stated (``earth_frame_rotation`` converts to
NED / NWU); gyroscope rad/s, accelerometer m/s², magnetometer in any consistent unit (µT typical). Sensor arrays
are (n_samples, 3); the time base is always explicit: ``fs`` (Hz) or per-sample timestamps ``t`` (s).

Filters: :class:`RobustFilter` (gyroscope-bias estimation at rest and in motion, rest detection, magnetic
disturbance rejection; 6D and 9D from one run), :class:`MadgwickFilter`, :class:`MahonyFilter`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kinemyo._core import (MadgwickFilter, MahonyFilter, RobustFilter, RobustFilterParams, RobustFilterState,
                           _orientation_errors, _robust_offline, earth_frame_rotation, orientation_from_vectors,
                           synthesize_imu)

__all__ = ["MadgwickFilter", "MahonyFilter", "OrientationEstimate", "RobustFilter", "RobustFilterParams",
           "RobustFilterState", "earth_frame_rotation", "madgwick", "mahony", "orientation_errors",
           "orientation_from_vectors", "rmse_deg", "robust_orientation", "synthesize_imu"]


@dataclass(frozen=True)
class OrientationEstimate:
    """Output of :func:`robust_orientation`, one row per sample."""

    quat_6d: np.ndarray        # (n, 4) gyroscope + accelerometer; heading drifts
    quat_9d: np.ndarray        # (n, 4) with the magnetometer heading (= quat_6d without a magnetometer)
    bias: np.ndarray           # (n, 3) gyroscope bias estimate, rad/s
    bias_sigma: np.ndarray     # (n,) upper bound of its standard deviation, rad/s
    delta: np.ndarray          # (n,) heading offset of 9D from 6D, rad
    rest: np.ndarray           # (n,) bool, rest detected
    mag_disturbed: np.ndarray  # (n,) bool, magnetic disturbance detected


def _dtype(*arrays):
    return np.float32 if all(getattr(a, "dtype", None) == np.float32 for a in arrays if a is not None) \
        else np.float64


def robust_orientation(gyr, acc, mag=None, *, fs=None, t=None, params: RobustFilterParams | None = None,
                       offline: bool = False) -> OrientationEstimate:
    """Orientation of one IMU over a whole recording with the robust filter.

    ``offline=True`` runs the acausal variant for recorded sessions (forward and backward runs, fused bias,
    zero-phase accelerometer low-pass, smoothed heading). Exactly one of ``fs`` (Hz) or ``t`` (timestamps, s,
    strictly increasing) gives the time base. Rows of ``acc`` or ``mag`` that are NaN or zero are treated as
    missing (a magnetometer at a lower rate is given where it has samples). float32 input gives float32 output.
    """
    p = params if params is not None else RobustFilterParams()
    raw = _robust_offline(gyr, acc, mag, fs=fs, t=t, params=p) if offline else \
        RobustFilter(p).process(gyr, acc, mag, fs=fs, t=t)
    dt = _dtype(gyr, acc, mag)
    return OrientationEstimate(**{k: (v.astype(dt, copy=False) if v.dtype.kind == "f" else v) for k, v in raw.items()})


def madgwick(gyr, acc, mag=None, *, fs=None, t=None, beta: float = 0.1) -> np.ndarray:
    """(n, 4) quaternions from the Madgwick filter (IMU without ``mag``, MARG with it)."""
    q = MadgwickFilter(beta=beta).process(gyr, acc, mag, fs=fs, t=t)
    return q.astype(_dtype(gyr, acc, mag), copy=False)


def mahony(gyr, acc, mag=None, *, fs=None, t=None, kp: float = 1.0, ki: float = 0.0):
    """(n, 4) quaternions and (n, 3) bias estimates (-ki times the error integral) from the Mahony filter."""
    q, b = MahonyFilter(kp=kp, ki=ki).process(gyr, acc, mag, fs=fs, t=t)
    dt = _dtype(gyr, acc, mag)
    return q.astype(dt, copy=False), b.astype(dt, copy=False)


def orientation_errors(estimate, reference) -> dict[str, np.ndarray]:
    """Per-sample errors (radians) of estimated against reference orientations in the earth frame.

    With q_err = q_est ⊗ q_ref⁻¹ (BROAD, Laidig et al., Data 6:72, 2021): ``total`` = 2 acos|w|, ``heading`` =
    2 atan|z/w|, ``inclination`` = 2 acos sqrt(w² + z²). Rows where either quaternion is NaN give NaN.
    """
    est = np.ascontiguousarray(estimate, dtype=np.float64)
    ref = np.ascontiguousarray(reference, dtype=np.float64)
    e = _orientation_errors(est, ref)
    return {"total": e[:, 0], "heading": e[:, 1], "inclination": e[:, 2]}


def rmse_deg(errors: np.ndarray, mask=None) -> float:
    """Root mean square of per-sample errors (radians) in degrees, over ``mask`` and ignoring NaN rows."""
    e = np.asarray(errors, dtype=np.float64)
    keep = ~np.isnan(e) if mask is None else (np.asarray(mask, dtype=bool) & ~np.isnan(e))
    if not keep.any():
        raise ValueError("mask: no samples with a valid error")
    return float(np.degrees(np.sqrt(np.mean(e[keep] ** 2))))
