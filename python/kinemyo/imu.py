"""IMU orientation estimation and evaluation.

Conventions (one place, README "Conventions"): Hamilton quaternions, scalar first ``[w, x, y, z]``, rotating
sensor coordinates into earth coordinates; earth frame ENU unless stated (``earth_frame_rotation`` converts to
NED / NWU); gyroscope rad/s, accelerometer m/s², magnetometer in any consistent unit (µT typical). Sensor arrays
are (n_samples, 3); the time base is always explicit: ``fs`` (Hz) or per-sample timestamps ``t`` (s).

Filters: :class:`RobustFilter` (gyroscope-bias estimation at rest and in motion, rest detection, magnetic
disturbance rejection; 6D and 9D from one run), :class:`MadgwickFilter`, :class:`MahonyFilter`.

Rehabilitation layer: segment frames after ISB (x anterior, y superior, z right), static-pose and functional
sensor-to-segment calibration, hip and lumbo-pelvic joint-coordinate-system angles (flexion, adduction and
internal rotation positive; lumbo-pelvic flexion, lateral bending to the right and rotation to the left
positive), segment inclination, and range of motion per repetition.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kinemyo._validate import check_imu_units, number, real_array
from kinemyo._core import (MadgwickFilter, MahonyFilter, RobustFilter, RobustFilterParams, RobustFilterState,
                           SegmentCalibration, SensorLimits, _hip_angles, _lumbopelvic_angles, _orientation_errors, _repetitions,
                           _robust_offline, align_relative_heading, axis_elevation, calibrate_static_pose,
                           earth_frame_rotation, functional_axis, inclination, mean_orientation,
                           orientation_from_vectors,
                           refine_with_functional_axis, segment_orientations, synthesize_imu)

__all__ = ["MadgwickFilter", "MahonyFilter", "OrientationEstimate", "RepetitionTable", "RobustFilter",
           "RobustFilterParams", "RobustFilterState", "SegmentCalibration", "SensorLimits", "align_relative_heading", "axis_elevation",
           "calibrate_static_pose", "earth_frame_rotation", "functional_axis", "hip_angles", "inclination",
           "lumbopelvic_angles", "madgwick", "mahony", "mean_orientation", "orientation_errors",
           "orientation_from_vectors", "refine_with_functional_axis", "repetitions", "rmse_deg",
           "robust_orientation", "segment_orientations", "synthesize_imu"]


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
    A gyroscope that looks like deg/s or an accelerometer that looks like g gives a :class:`kinemyo.UnitWarning`.
    """
    check_imu_units(gyr, acc)
    p = params if params is not None else RobustFilterParams()
    raw = _robust_offline(gyr, acc, mag, fs=fs, t=t, params=p) if offline else \
        RobustFilter(p).process(gyr, acc, mag, fs=fs, t=t)
    dt = _dtype(gyr, acc, mag)
    return OrientationEstimate(**{k: (v.astype(dt, copy=False) if v.dtype.kind == "f" else v) for k, v in raw.items()})


def madgwick(gyr, acc, mag=None, *, fs=None, t=None, beta: float = 0.1) -> np.ndarray:
    """(n, 4) quaternions from the Madgwick filter (IMU without ``mag``, MARG with it). gyr rad/s, acc m/s^2
    (:class:`kinemyo.UnitWarning` when they look like deg/s or g)."""
    check_imu_units(gyr, acc)
    q = MadgwickFilter(beta=beta).process(gyr, acc, mag, fs=fs, t=t)
    return q.astype(_dtype(gyr, acc, mag), copy=False)


def mahony(gyr, acc, mag=None, *, fs=None, t=None, kp: float = 1.0, ki: float = 0.0):
    """(n, 4) quaternions and (n, 3) bias estimates (-ki times the error integral) from the Mahony filter. gyr
    rad/s, acc m/s^2 (:class:`kinemyo.UnitWarning` when they look like deg/s or g)."""
    check_imu_units(gyr, acc)
    q, b = MahonyFilter(kp=kp, ki=ki).process(gyr, acc, mag, fs=fs, t=t)
    dt = _dtype(gyr, acc, mag)
    return q.astype(dt, copy=False), b.astype(dt, copy=False)


def orientation_errors(estimate, reference) -> dict[str, np.ndarray]:
    """Per-sample errors (radians) of estimated against reference orientations in the earth frame.

    With q_err = q_est ⊗ q_ref⁻¹ (BROAD, Laidig et al., Data 6:72, 2021): ``total`` = 2 acos|w|, ``heading`` =
    2 atan|z/w|, ``inclination`` = 2 acos sqrt(w² + z²). Rows where either quaternion is NaN give NaN.
    """
    est = real_array(estimate, "estimate")
    ref = real_array(reference, "reference")
    e = _orientation_errors(est, ref)
    return {"total": e[:, 0], "heading": e[:, 1], "inclination": e[:, 2]}


def rmse_deg(errors: np.ndarray, mask=None) -> float:
    """Root mean square of per-sample errors (radians) in degrees, over ``mask`` and ignoring NaN rows."""
    e = real_array(errors, "errors")
    keep = ~np.isnan(e) if mask is None else (np.asarray(mask, dtype=bool) & ~np.isnan(e))
    if not keep.any():
        raise ValueError("mask: no samples with a valid error")
    return float(np.degrees(np.sqrt(np.mean(e[keep] ** 2))))


def hip_angles(pelvis, thigh, side: str) -> dict[str, np.ndarray]:
    """Hip joint angles (rad) from pelvis and thigh segment orientations (n, 4): ``flexion``, ``adduction``,
    ``internal_rotation``; ``side`` 'right' or 'left' (left ab/adduction and rotation mirrored, so positive has
    the same clinical meaning)."""
    a = _hip_angles(pelvis, thigh, side)
    return {"flexion": a[:, 0], "adduction": a[:, 1], "internal_rotation": a[:, 2]}


def lumbopelvic_angles(pelvis, lower_back) -> dict[str, np.ndarray]:
    """Lumbo-pelvic angles (rad) of the lower back relative to the pelvis: ``flexion`` (forward bending +),
    ``lateral_bend_right``, ``rotation_left``."""
    a = _lumbopelvic_angles(pelvis, lower_back)
    return {"flexion": a[:, 0], "lateral_bend_right": a[:, 1], "rotation_left": a[:, 2]}


@dataclass(frozen=True)
class RepetitionTable:
    """Repetitions found by :func:`repetitions`: sample indices and angles (the series' unit)."""

    start: np.ndarray
    peak: np.ndarray
    end: np.ndarray
    minimum: np.ndarray
    maximum: np.ndarray
    range: np.ndarray

    def __len__(self) -> int:
        return len(self.start)

    def to_frame(self, fs: float | None = None):
        """A pandas DataFrame, one row per repetition; with ``fs`` (Hz) also times in seconds."""
        import pandas as pd

        frame = pd.DataFrame(self.__dict__)
        if fs is not None:
            for k in ("start", "peak", "end"):
                frame[f"t_{k}"] = frame[k] / float(fs)
        return frame


def repetitions(angle, min_range: float) -> RepetitionTable:
    """Repetitions (valley -> peak -> valley) of a joint-angle series whose rise and return both exceed
    ``min_range``; smaller wiggles never split a repetition. ``range`` = peak minus the lower valley."""
    rows = _repetitions(real_array(angle, "angle"), number(min_range, "min_range"))
    cols = list(zip(*rows)) if rows else [[]] * 6
    ints = [np.asarray(c, dtype=np.int64) for c in cols[:3]]
    floats = [np.asarray(c, dtype=np.float64) for c in cols[3:]]
    return RepetitionTable(*ints, *floats)
