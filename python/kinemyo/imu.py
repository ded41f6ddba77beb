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
from typing import Any, Literal

import numpy as np

from kinemyo import _frames, _repr
from kinemyo._compat import check_fs_type
from kinemyo._validate import check_imu_units, number, real_array
from kinemyo import _core
from kinemyo._core import (MadgwickFilter, MahonyFilter, RobustFilter, RobustFilterParams, RobustFilterState,
                           SegmentCalibration, SensorLimits, _hip_angles, _lumbopelvic_angles, _orientation_errors,
                           _repetitions, _robust_offline)

__all__ = ["MadgwickFilter", "MahonyFilter", "OrientationEstimate", "RepetitionTable", "RobustFilter",
           "RobustFilterParams", "RobustFilterState", "SegmentCalibration", "SensorLimits", "align_relative_heading", "axis_elevation",
           "calibrate_static_pose", "earth_frame_rotation", "functional_axis", "hip_angles", "inclination",
           "lumbopelvic_angles", "madgwick", "mahony", "mean_orientation", "orientation_errors",
           "orientation_from_vectors", "refine_with_functional_axis", "repetitions", "rmse_deg",
           "robust_orientation", "segment_orientations", "synthesize_imu"]


@dataclass(frozen=True, repr=False)
class OrientationEstimate:
    """Output of :func:`robust_orientation`, one row per sample; :meth:`to_frame` gives a labelled DataFrame."""

    quat_6d: np.ndarray        # (n, 4) gyroscope + accelerometer; heading drifts
    quat_9d: np.ndarray        # (n, 4) with the magnetometer heading (= quat_6d without a magnetometer)
    bias: np.ndarray           # (n, 3) gyroscope bias estimate, rad/s
    bias_sigma: np.ndarray     # (n,) upper bound of its standard deviation, rad/s
    delta: np.ndarray          # (n,) heading offset of 9D from 6D, rad
    rest: np.ndarray           # (n,) bool, rest detected
    mag_disturbed: np.ndarray  # (n,) bool, magnetic disturbance detected
    time_s: np.ndarray         # (n,) sample times, s (from fs, t or a DataFrame input's index)

    def __len__(self) -> int:
        return int(self.time_s.shape[0])

    def __repr__(self) -> str:
        n = len(self)
        span = f", {self.time_s[-1] - self.time_s[0]:.3g} s" if n > 1 else ""
        return (f"OrientationEstimate(n_samples={n}{span}, rest={int(np.count_nonzero(self.rest))} samples, "
                f"mag_disturbed={int(np.count_nonzero(self.mag_disturbed))} samples)")

    def to_frame(self, which: Literal["9d", "6d"] = "9d") -> Any:
        """The orientation as a pandas DataFrame.

        Parameters
        ----------
        which : {'9d', '6d'}
            ``quat_9d`` (magnetometer heading) or ``quat_6d``.

        Returns
        -------
        DataFrame
            Columns ``q_w, q_x, q_y, q_z`` (unit quaternion, sensor to earth), index ``time_s`` (s).
        """
        import pandas as pd

        if which not in ("9d", "6d"):
            raise ValueError(f"which: expected '9d' or '6d', got {which!r}")
        q = self.quat_9d if which == "9d" else self.quat_6d
        return pd.DataFrame(q, index=pd.Index(self.time_s, name="time_s"), columns=list(_frames.QUAT_COLUMNS))


def _dtype(*arrays: Any) -> Any:
    return np.float32 if all(getattr(a, "dtype", None) == np.float32 for a in arrays if a is not None) \
        else np.float64


def _sensor_frames(gyr: Any, acc: Any, mag: Any) -> Any:
    """The three sensors as arrays (DataFrames matched to x, y, z by column name) and the first one's labels."""
    gyr, lg = _frames.axes_in(gyr, "gyr")
    acc, la = _frames.axes_in(acc, "acc")
    mag, lm = _frames.axes_in(mag, "mag")
    return gyr, acc, mag, next((lab for lab in (lg, la, lm) if lab is not None), None)


def _sample_times(n: int, fs: Any, t: Any, labels: Any) -> np.ndarray:
    if t is not None:
        return np.asarray(t, dtype=np.float64)
    if labels is not None:
        return _frames.time_index(labels.index, n, fs).to_numpy()
    return np.arange(n, dtype=np.float64) / float(fs)


def _quat_frame(q: np.ndarray, fs: Any, t: Any, labels: Any) -> Any:
    """Quaternions (n, 4) as a DataFrame ``q_w, q_x, q_y, q_z`` indexed by the sample times in s."""
    import pandas as pd

    return pd.DataFrame(q, index=pd.Index(_sample_times(q.shape[0], fs, t, labels), name="time_s"),
                        columns=list(_frames.QUAT_COLUMNS))


def robust_orientation(gyr: Any, acc: Any, mag: Any=None, *, fs: Any=None, t: Any=None, params: RobustFilterParams | None = None,
                       offline: bool = False) -> OrientationEstimate:
    """Orientation of one IMU over a whole recording with the robust filter.

    Parameters
    ----------
    gyr : array_like or DataFrame, shape (n_samples, 3)
        Angular rate in rad/s. A DataFrame's columns are matched to x, y, z by their last letter (``gyr_x``).
    acc : array_like or DataFrame, shape (n_samples, 3)
        Specific force in m/s^2 (gravity included). Rows that are NaN or zero are missing.
    mag : array_like or DataFrame, shape (n_samples, 3), optional
        Magnetic field in any consistent unit (uT typical); NaN or zero rows are missing (a magnetometer at a lower
        rate is given where it has samples).
    fs : float, optional
        Sampling rate in Hz. Exactly one of ``fs`` and ``t`` gives the time base.
    t : array_like, shape (n_samples,), optional
        Sample times in s, strictly increasing.
    params : RobustFilterParams, optional
    offline : bool
        Run the acausal variant for recorded sessions (forward and backward runs, fused bias, zero-phase
        accelerometer low-pass, smoothed heading).

    Returns
    -------
    OrientationEstimate
        Quaternions [w, x, y, z] (sensor to earth, ENU), gyroscope bias (rad/s) and its SD bound, heading offset
        (rad), rest and magnetic-disturbance flags, and ``time_s`` (from ``t``, a DataFrame's index or sample /
        fs); ``to_frame()`` gives ``q_w, q_x, q_y, q_z`` indexed by ``time_s``. float32 input gives float32 output.

    Raises
    ------
    ValueError
        Both or neither of ``fs`` and ``t``, shapes that differ, DataFrame columns that do not name x, y, z.

    Warns
    -----
    kinemyo.UnitWarning
        A gyroscope that looks like deg/s or an accelerometer that looks like g.
    """
    gyr, acc, mag, labels = _sensor_frames(gyr, acc, mag)
    check_imu_units(gyr, acc)
    p = params if params is not None else RobustFilterParams()
    raw = _robust_offline(gyr, acc, mag, fs=fs, t=t, params=p) if offline else \
        RobustFilter(p).process(gyr, acc, mag, fs=fs, t=t)
    dt = _dtype(gyr, acc, mag)
    fields = {k: (v.astype(dt, copy=False) if v.dtype.kind == "f" else v) for k, v in raw.items()}
    return OrientationEstimate(**fields, time_s=_sample_times(fields["quat_6d"].shape[0], fs, t, labels))


def madgwick(gyr: Any, acc: Any, mag: Any=None, *, fs: Any=None, t: Any=None, beta: float = 0.1) -> Any:
    """Orientation from the Madgwick filter (Madgwick et al., IEEE ICORR 2011): IMU without ``mag``, MARG with it.

    Parameters
    ----------
    gyr : array_like or DataFrame, shape (n_samples, 3)
        Angular rate in rad/s (DataFrame columns matched to x, y, z by their last letter).
    acc : array_like or DataFrame, shape (n_samples, 3)
        Specific force in m/s^2 (gravity included).
    mag : array_like or DataFrame, shape (n_samples, 3), optional
        Magnetic field in any consistent unit (uT typical).
    fs : float, optional
        Sampling rate in Hz. Exactly one of ``fs`` and ``t``.
    t : array_like, shape (n_samples,), optional
        Sample times in s, strictly increasing.
    beta : float
        Gradient-descent gain in rad/s.

    Returns
    -------
    ndarray, shape (n_samples, 4), or DataFrame
        Quaternions [w, x, y, z] (sensor to earth); for DataFrame input a DataFrame ``q_w, q_x, q_y, q_z`` indexed
        by ``time_s``.

    Raises
    ------
    ValueError
        Both or neither of ``fs`` and ``t``, shapes that differ, beta < 0.

    Warns
    -----
    kinemyo.UnitWarning
        A gyroscope that looks like deg/s or an accelerometer that looks like g.
    """
    gyr, acc, mag, labels = _sensor_frames(gyr, acc, mag)
    check_imu_units(gyr, acc)
    q = MadgwickFilter(beta=beta).process(gyr, acc, mag, fs=fs, t=t).astype(_dtype(gyr, acc, mag), copy=False)
    return q if labels is None else _quat_frame(q, fs, t, labels)


def mahony(gyr: Any, acc: Any, mag: Any=None, *, fs: Any=None, t: Any=None, kp: float = 1.0, ki: float = 0.0) -> Any:
    """Orientation from the Mahony complementary filter (Mahony et al., IEEE TAC 53:1203, 2008).

    Parameters
    ----------
    gyr : array_like or DataFrame, shape (n_samples, 3)
        Angular rate in rad/s (DataFrame columns matched to x, y, z by their last letter).
    acc : array_like or DataFrame, shape (n_samples, 3)
        Specific force in m/s^2 (gravity included).
    mag : array_like or DataFrame, shape (n_samples, 3), optional
        Magnetic field in any consistent unit (uT typical).
    fs : float, optional
        Sampling rate in Hz. Exactly one of ``fs`` and ``t``.
    t : array_like, shape (n_samples,), optional
        Sample times in s, strictly increasing.
    kp, ki : float
        Proportional (rad/s) and integral (rad/s^2) gains.

    Returns
    -------
    quat : ndarray, shape (n_samples, 4), or DataFrame
        Quaternions [w, x, y, z]; for DataFrame input ``q_w, q_x, q_y, q_z`` indexed by ``time_s``.
    bias : ndarray, shape (n_samples, 3), or DataFrame
        Gyroscope bias estimates in rad/s (-ki times the error integral); for DataFrame input
        ``bias_x_rad_s, bias_y_rad_s, bias_z_rad_s``.

    Raises
    ------
    ValueError
        Both or neither of ``fs`` and ``t``, shapes that differ, negative gains.

    Warns
    -----
    kinemyo.UnitWarning
        A gyroscope that looks like deg/s or an accelerometer that looks like g.
    """
    gyr, acc, mag, labels = _sensor_frames(gyr, acc, mag)
    check_imu_units(gyr, acc)
    q, b = MahonyFilter(kp=kp, ki=ki).process(gyr, acc, mag, fs=fs, t=t)
    dt = _dtype(gyr, acc, mag)
    q, b = q.astype(dt, copy=False), b.astype(dt, copy=False)
    if labels is None:
        return q, b
    frame = _quat_frame(q, fs, t, labels)
    return frame, frame.__class__(b, index=frame.index, columns=["bias_x_rad_s", "bias_y_rad_s", "bias_z_rad_s"])


def orientation_errors(estimate: Any, reference: Any) -> dict[str, np.ndarray]:
    """Per-sample errors of estimated against reference orientations in the earth frame.

    With q_err = q_est ⊗ q_ref⁻¹ (BROAD, Laidig et al., Data 6:72, 2021): ``total`` = 2 acos|w|, ``heading`` =
    2 atan|z/w|, ``inclination`` = 2 acos sqrt(w² + z²).

    Parameters
    ----------
    estimate, reference : array_like, shape (n_samples, 4)
        Sensor-to-earth quaternions [w, x, y, z] in the same earth frame.

    Returns
    -------
    dict of str to ndarray
        ``total``, ``heading``, ``inclination``, each (n_samples,) in rad; NaN where either quaternion is NaN.

    Raises
    ------
    ValueError
        Shapes that differ or are not (n, 4).
    TypeError
        Non-real input.
    """
    est = real_array(estimate, "estimate")
    ref = real_array(reference, "reference")
    e = _orientation_errors(est, ref)
    return {"total": e[:, 0], "heading": e[:, 1], "inclination": e[:, 2]}


def rmse_deg(errors: np.ndarray, mask: Any=None) -> float:
    """Root mean square of per-sample errors in degrees, over ``mask`` and ignoring NaN rows.

    Parameters
    ----------
    errors : array_like, shape (n_samples,)
        Errors in rad (e.g. from :func:`orientation_errors`).
    mask : array_like of bool, shape (n_samples,), optional
        The samples to include.

    Returns
    -------
    float
        RMSE in degrees.

    Raises
    ------
    ValueError
        No sample with a valid error.
    """
    e = real_array(errors, "errors")
    if e.ndim != 1:
        raise ValueError(f"errors: expected shape (n_samples,), got {e.shape}")
    keep = ~np.isnan(e)
    if mask is not None:
        m = np.asarray(mask)
        if m.shape != e.shape or m.dtype.kind not in "biuf" or (m.dtype.kind == "f" and not np.isin(m, (0, 1)).all()):
            raise ValueError(f"mask: expected booleans (or 0/1) of shape {e.shape}, got {m.dtype} {m.shape}")
        keep &= m.astype(bool)
    if not keep.any():
        raise ValueError("mask: no samples with a valid error")
    kept = np.abs(e[keep])
    scale = float(kept.max())
    if not np.isfinite(scale) or scale == 0.0:
        return float(np.degrees(scale))
    # divided by the largest error first, so squares of huge errors do not overflow to inf
    with np.errstate(over="ignore"):  # beyond 3e306 rad the RMSE in degrees is inf, as it should be
        return float(np.degrees(scale * np.sqrt(np.mean((kept / scale) ** 2))))


def _angles_out(a: np.ndarray, names: tuple[str, str, str], labels: Any) -> Any:
    """Angle columns as a dict of arrays, or as a DataFrame with ``<name>_rad`` columns for labelled input."""
    if labels is None:
        return {n: a[:, k] for k, n in enumerate(names)}
    return _frames.frame_out(a, [f"{n}_rad" for n in names], labels, None)


def hip_angles(pelvis: Any, thigh: Any, side: Literal["right", "left"]) -> Any:
    """Hip joint angles after the ISB joint coordinate system (Wu et al., J Biomech 35:543, 2002).

    Parameters
    ----------
    pelvis, thigh : array_like or DataFrame, shape (n_samples, 4)
        Segment orientations [w, x, y, z] (e.g. from :func:`segment_orientations`); a DataFrame has columns
        ``q_w, q_x, q_y, q_z`` (any order, as from :meth:`OrientationEstimate.to_frame`).
    side : {'right', 'left'}
        Left ab/adduction and rotation are mirrored, so positive has the same clinical meaning.

    Returns
    -------
    dict of str to ndarray, or DataFrame
        ``flexion``, ``adduction``, ``internal_rotation`` in rad, each (n_samples,); for a DataFrame ``pelvis``
        or ``thigh``, a DataFrame with columns ``flexion_rad, adduction_rad, internal_rotation_rad`` and the
        input's index.

    Raises
    ------
    ValueError
        Shapes that differ, a side other than 'right' / 'left', DataFrame columns other than the quaternion's.
    """
    pelvis, lp = _frames.quaternions_in(pelvis, "pelvis")
    thigh, lt = _frames.quaternions_in(thigh, "thigh")
    return _angles_out(_hip_angles(pelvis, thigh, side), ("flexion", "adduction", "internal_rotation"), lp or lt)


def lumbopelvic_angles(pelvis: Any, lower_back: Any) -> Any:
    """Lumbo-pelvic angles of the lower back relative to the pelvis (joint coordinate system after Wu et al.,
    J Biomech 35:543, 2002).

    Parameters
    ----------
    pelvis, lower_back : array_like or DataFrame, shape (n_samples, 4)
        Segment orientations [w, x, y, z]; a DataFrame has columns ``q_w, q_x, q_y, q_z``.

    Returns
    -------
    dict of str to ndarray, or DataFrame
        ``flexion`` (forward bending +), ``lateral_bend_right``, ``rotation_left`` in rad; for DataFrame input a
        DataFrame with ``..._rad`` columns and the input's index.

    Raises
    ------
    ValueError
        Shapes that differ, DataFrame columns other than the quaternion's.
    """
    pelvis, lp = _frames.quaternions_in(pelvis, "pelvis")
    lower_back, ll = _frames.quaternions_in(lower_back, "lower_back")
    return _angles_out(_lumbopelvic_angles(pelvis, lower_back), ("flexion", "lateral_bend_right", "rotation_left"),
                       lp or ll)


@_repr.compact
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

    def to_frame(self, fs: float | None = None, unit: str = "rad") -> Any:
        """The table as a pandas DataFrame, one row per repetition.

        Parameters
        ----------
        fs : float, optional
            Sampling rate in Hz of the angle series; adds the times ``start_s``, ``peak_s``, ``end_s``.
        unit : str
            Unit of the angle series, the suffix of the angle columns.

        Returns
        -------
        DataFrame
            ``start_sample, peak_sample, end_sample`` (int), ``minimum_<unit>, maximum_<unit>, range_<unit>`` and
            with ``fs`` the times in s.
        """
        import pandas as pd

        frame = pd.DataFrame({f"{k}_sample": getattr(self, k) for k in ("start", "peak", "end")})
        for k in ("minimum", "maximum", "range"):
            frame[f"{k}_{unit}"] = getattr(self, k)
        if fs is not None:
            for k in ("start", "peak", "end"):
                frame[f"{k}_s"] = getattr(self, k) / float(fs)
        return frame


def repetitions(angle: Any, min_range: float) -> RepetitionTable:
    """Repetitions (valley -> peak -> valley) of a joint-angle series whose rise and return both exceed
    ``min_range``; smaller wiggles never split a repetition.

    Parameters
    ----------
    angle : array_like, shape (n_samples,)
        Angle series in rad (or any unit u).
    min_range : float
        Least rise and return of a repetition, in the unit of ``angle``.

    Returns
    -------
    RepetitionTable
        Sample indices ``start``, ``peak``, ``end`` and angles ``minimum``, ``maximum``, ``range`` (peak minus the
        lower valley) in the unit of ``angle``; ``to_frame(fs)`` for a DataFrame.

    Raises
    ------
    ValueError
        Non-finite angles or min_range not > 0.
    """
    rows = _repetitions(real_array(angle, "angle"), number(min_range, "min_range"))
    cols: list[Any] = list(zip(*rows)) if rows else [[]] * 6
    ints = [np.asarray(c, dtype=np.int64) for c in cols[:3]]
    floats = [np.asarray(c, dtype=np.float64) for c in cols[3:]]
    return RepetitionTable(*ints, *floats)


# Wrappers of the other compiled functions: the same computation with a numpydoc docstring.

def synthesize_imu(quat: Any, *, fs: float | None = None, t: Any=None, linear_acc: Any=None, gravity: float = 9.81,
                   field: Any=(0.0, 20.0, -40.0), gyr_noise: float = 0.0, acc_noise: float = 0.0, mag_noise: float = 0.0,
                   gyr_bias: Any=(0.0, 0.0, 0.0), disturbances: Any=(), seed: int = 1) -> dict[str, Any]:
    """IMU data from known sensor-to-earth orientations, for tests and examples. Sample 0 has zero rate; sample i
    carries the rotation from orientation i - 1 to i.

    Parameters
    ----------
    quat : array_like, shape (n_samples, 4)
        Sensor-to-earth orientations [w, x, y, z] (ENU).
    fs : float, optional
        Sampling rate in Hz. Exactly one of ``fs`` and ``t``.
    t : array_like, shape (n_samples,), optional
        Sample times in s.
    linear_acc : array_like, shape (n_samples, 3), optional
        Linear acceleration of the sensor in the earth frame, m/s^2.
    gravity : float
        m/s^2.
    field : 3-vector
        Earth magnetic field (ENU), uT.
    gyr_noise, acc_noise, mag_noise : float
        White-noise SDs in rad/s, m/s^2 and uT.
    gyr_bias : 3-vector
        Constant gyroscope bias, rad/s.
    disturbances : sequence of (start_s, stop_s, field, attached)
        Magnetic disturbances: an added field (uT) from start_s to stop_s (s), fixed to the sensor when
        ``attached`` or to the earth.
    seed : int
        Random seed of the noise.

    Returns
    -------
    dict of str to ndarray
        ``gyr`` (rad/s), ``acc`` (m/s^2), ``mag`` (uT), each (n_samples, 3).

    Raises
    ------
    ValueError
        Both or neither of ``fs`` and ``t``, malformed shapes, negative noise.
    """
    return _core.synthesize_imu(quat, fs=fs, t=t, linear_acc=linear_acc, gravity=gravity, field=list(field),
                                gyr_noise=gyr_noise, acc_noise=acc_noise, mag_noise=mag_noise,
                                gyr_bias=list(gyr_bias), disturbances=list(disturbances), seed=seed)


def earth_frame_rotation(from_frame: Literal["enu", "ned", "nwu"], to_frame: Literal["enu", "ned", "nwu"]) -> np.ndarray:
    """The quaternion r with q_to = r * q_from for sensor-to-earth quaternions.

    Parameters
    ----------
    from_frame, to_frame : {'enu', 'ned', 'nwu'}
        Earth frames.

    Returns
    -------
    ndarray, shape (4,)
        Unit quaternion [w, x, y, z].

    Raises
    ------
    ValueError
        An unknown frame name.
    """
    return _core.earth_frame_rotation(from_frame, to_frame)


def orientation_from_vectors(acc: Any, mag: Any=None) -> np.ndarray:
    """Sensor-to-earth (ENU) orientation from one accelerometer (and magnetometer) sample at rest.

    Parameters
    ----------
    acc : array_like, shape (3,)
        Specific force in m/s^2 (gravity, pointing up at rest).
    mag : array_like, shape (3,), optional
        Magnetic field in any unit; without it the heading is not observed (the smallest rotation that levels the
        sensor is returned).

    Returns
    -------
    ndarray, shape (4,)
        Unit quaternion [w, x, y, z].

    Raises
    ------
    ValueError
        A zero or non-finite vector, a field parallel to gravity.
    """
    return _core.orientation_from_vectors(acc, mag)


def mean_orientation(quat: Any) -> np.ndarray:
    """Average of unit quaternions (Markley et al., J Guid Control Dyn 30:1193, 2007): the principal eigenvector
    of sum q q^T, sign-agnostic.

    Parameters
    ----------
    quat : array_like, shape (n, 4)
        Unit quaternions [w, x, y, z].

    Returns
    -------
    ndarray, shape (4,)

    Raises
    ------
    ValueError
        An empty or non-finite set.
    """
    return _core.mean_orientation(quat)


def calibrate_static_pose(sensor_orientations: Any, anterior_hints: Any, pelvis_index: int = 0, *,
                          shared_heading: bool) -> list[SegmentCalibration]:
    """Static neutral-pose sensor-to-segment calibration of several sensors at once (segment frames after ISB: x
    anterior, y superior, z right). Gravity gives each segment's y; the pelvis sensor's anterior hint, made
    horizontal, gives the shared heading (x).

    Parameters
    ----------
    sensor_orientations : array_like, shape (k, 4)
        Mean orientation [w, x, y, z] of each sensor in a neutral upright pose (e.g. :func:`mean_orientation`).
    anterior_hints : array_like, shape (k, 3)
        Rough anterior direction of each sensor in its own frame (the mounting: e.g. [1, 0, 0] if x points
        forward), dimensionless.
    pelvis_index : int
        Row of the pelvis sensor.
    shared_heading : bool
        True for 9D sensors (one magnetic north: heading offsets stay 0), False for 6D sensors (their headings are
        aligned to the pelvis's by the neutral-pose assumption).

    Returns
    -------
    list of SegmentCalibration
        One per sensor (``heading_offset`` in rad).

    Raises
    ------
    ValueError
        A (nearly) vertical hint, shapes that differ, pelvis_index out of range.
    """
    return _core.calibrate_static_pose(sensor_orientations, anterior_hints, pelvis_index,
                                       shared_heading=shared_heading)


def functional_axis(gyr_proximal: Any, gyr_distal: Any, quat_proximal: Any, quat_distal: Any, hint: Any) -> np.ndarray:
    """Functional calibration: the axis about which the distal segment rotated relative to the proximal one during
    a single-plane movement (e.g. hip flexion/extension swings give the flexion axis): the principal axis of the
    relative angular velocity.

    Parameters
    ----------
    gyr_proximal, gyr_distal : array_like, shape (n_samples, 3)
        Angular rates in rad/s.
    quat_proximal, quat_distal : array_like, shape (n_samples, 4)
        Sensor orientations in one shared earth frame (apply the static calibration's heading offsets to 6D
        sensors first).
    hint : array_like, shape (3,)
        Rough direction of the axis in the distal sensor frame; sets its sign.

    Returns
    -------
    ndarray, shape (3,)
        Unit axis in the distal sensor frame.

    Raises
    ------
    ValueError
        Shapes that differ, too little movement.
    """
    return np.asarray(_core.functional_axis(gyr_proximal, gyr_distal, quat_proximal, quat_distal, hint)).reshape(3)


def refine_with_functional_axis(calibration: SegmentCalibration, axis: Any, axis_is_flexion: bool = True
                                ) -> SegmentCalibration:
    """A static calibration refined with a functional axis: the segment z (medio-lateral) set to it for a flexion
    movement, x (antero-posterior) for an abduction one; y from the static pose is kept. Without a shared heading
    (6D), the heading offset is re-chosen so the refined segment faces the shared anterior.

    Parameters
    ----------
    calibration : SegmentCalibration
        From :func:`calibrate_static_pose`.
    axis : array_like, shape (3,)
        Unit axis in the distal sensor frame (:func:`functional_axis`).
    axis_is_flexion : bool
        True for a flexion/extension axis, False for ab/adduction.

    Returns
    -------
    SegmentCalibration

    Raises
    ------
    ValueError
        A zero or non-finite axis.
    """
    return _core.refine_with_functional_axis(calibration, axis, axis_is_flexion)


def segment_orientations(quat: Any, calibration: SegmentCalibration) -> np.ndarray:
    """Segment orientations from sensor orientations with a sensor-to-segment calibration.

    Parameters
    ----------
    quat : array_like, shape (n_samples, 4)
        Sensor-to-earth orientations [w, x, y, z].
    calibration : SegmentCalibration

    Returns
    -------
    ndarray, shape (n_samples, 4)
        Segment-to-earth orientations in the shared earth frame.

    Raises
    ------
    ValueError
        A malformed ``quat``.
    """
    return _core.segment_orientations(quat, calibration)


def inclination(segment: Any) -> np.ndarray:
    """Angle of each segment's long axis (y) from the vertical.

    Parameters
    ----------
    segment : array_like, shape (n_samples, 4)
        Segment orientations [w, x, y, z].

    Returns
    -------
    ndarray, shape (n_samples,)
        Angle in rad (0 upright).
    """
    return _core.inclination(segment)


def axis_elevation(quat: Any, axis: Any) -> np.ndarray:
    """Elevation of a sensor axis above the horizontal: asin of its earth-vertical component (e.g. a foot sensor's
    toe axis: toe-up positive).

    Parameters
    ----------
    quat : array_like, shape (n_samples, 4)
        Sensor-to-earth orientations [w, x, y, z].
    axis : array_like, shape (3,)
        Non-zero finite direction in the sensor frame.

    Returns
    -------
    ndarray, shape (n_samples,)
        Elevation in rad, positive pointing up.

    Raises
    ------
    ValueError
        A zero or non-finite axis.
    """
    return _core.axis_elevation(quat, axis)


def align_relative_heading(proximal_segment: Any, distal_segment: Any, rest: Any, *, fs: float, tolerance: float,
                           tau: float) -> np.ndarray:
    """Distal segment orientations with the relative heading of two 6D sensors pulled to neutral while both rest
    upright: the assumption is that standing still, the joint is near its calibrated neutral rotation. Causal.

    Parameters
    ----------
    proximal_segment, distal_segment : array_like, shape (n_samples, 4)
        Segment orientations [w, x, y, z].
    rest : array_like of bool, shape (n_samples,)
        Samples at rest.
    fs : float
        Sampling rate in Hz.
    tolerance : float
        Largest angle of each segment's long axis from vertical that counts as upright, rad.
    tau : float
        Time constant of the pull, s.

    Returns
    -------
    ndarray, shape (n_samples, 4)
        Corrected distal segment orientations.

    Raises
    ------
    ValueError
        Shapes that differ, fs, tolerance or tau not > 0.
    """
    check_fs_type(fs, "align_relative_heading", "align_relative_heading(proximal_segment, distal_segment, rest, fs=...)")
    return _core.align_relative_heading(proximal_segment, distal_segment, rest, fs=fs, tolerance=tolerance, tau=tau)
