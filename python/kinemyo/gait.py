"""Gait events, per-stride tables and gait-asymmetry metrics from wearable IMUs.

Times are seconds from the first sample, thresholds are physical units and seconds, and ``fs`` is always
explicit. Sensor sites: feet (initial contact, toe-off, mid-stance; streaming detector for live feedback; stride
length by zero-velocity-update integration), shanks (Salarian et al. 2004) and the lower back (walking bouts,
contacts with sides, turns and a step table from one sensor; see :func:`lower_back_gait`). Strides failing a quality rule (turns, implausible durations,
missing events) stay in the table, flagged, and are left out of summaries unless asked for.

Sign convention of the left/right indices: positive when the right value is larger; with ``affected`` named,
positive when the affected side's value is larger.
"""

from __future__ import annotations

from typing import Any, Literal

from dataclasses import dataclass, field

import numpy as np

from kinemyo import _core, _repr
from kinemyo._compat import keyword_fs
from kinemyo._validate import check_imu_units, imu_units_checked, real_array
from kinemyo._core import (FootEventDetector, FootEventParams, _agreement, _detect_foot_events, _estimate_foot_ml_axis,
                           _foot_side_values,
                           _detect_shank_events, _gait_symmetry_index, _lower_back_contact_sides, _lower_back_defaults,
                           _lower_back_gait,
                           _match_events,
                           _phase_coordination_index, _side_index, _stride_table, _synthesize_foot_gait,
                           _zupt_strides)

__all__ = ["FootEventDetector", "FootEventParams", "FootEvents", "GaitAnalysis", "StrideQc", "agreement",
           "analyze_feet", "asymmetry_summary", "autocorrelation_regularity", "coefficient_of_variation",
           "combined_sd", "estimate_foot_ml_axis", "foot_angle", "foot_events", "gait_asymmetry", "gait_symmetry_index", "harmonic_ratio",
           "improved_harmonic_ratio", "inverted_pendulum_step_length", "LowerBackGait", "lower_back_defaults",
           "lower_back_contact_sides", "lower_back_gait", "match_events",
           "match_strides",
           "outside_excluded",
           "phase_coordination_index", "shank_events", "side_index", "step_vertical_excursions",
           "stride_harmonic_ratios", "stride_table",
           "symmetry_angle", "symmetry_index", "symmetry_index_max", "symmetry_ratio", "synthesize_foot_gait",
           "zupt_strides"]

# The trunk axis of a harmonic ratio (short or long name), as the compiled core accepts it.
AxisName = Literal["ap", "anteroposterior", "v", "vertical", "ml", "mediolateral"]

FLAG_NAMES = {1: "turn", 2: "duration", 4: "outlier", 8: "missing_toe_off", 16: "missing_contralateral"}


def symmetry_index(left: float, right: float) -> float:
    """Symmetry index 100 (R - L) / (0.5 (R + L)) (Robinson et al., J Manipulative Physiol Ther 10:172, 1987).

    Parameters
    ----------
    left, right : float
        One value per side in the same unit.

    Returns
    -------
    float
        In %, positive when the right value is larger; NaN when R + L = 0.
    """
    return _gait_symmetry_index(left, right)


@_repr.compact
@dataclass(frozen=True)
class FootEvents:
    """Events of one foot, seconds from the first sample."""

    initial_contact: np.ndarray
    terminal_contact: np.ndarray
    mid_stance: np.ndarray


@keyword_fs("gyr", "fs")
def foot_events(gyr: Any, *, fs: float, ml_axis: Any=1, ml_sign: float = 1.0,
                params: FootEventParams | None = None) -> FootEvents:
    """Initial contact, toe-off and mid-stance of a foot sensor.

    The sagittal rate, positive when the toes go down, is ``gyr @ axis``.

    Parameters
    ----------
    gyr : array_like, shape (n_samples, 3)
        Angular rate in rad/s.
    fs : float
        Sampling rate in Hz.
    ml_axis : int, 3-vector or 'auto'
        The medio-lateral axis: an index 0-2 (with ``ml_sign``; for a frame with x to the toes, y to the left and
        z up -- gaitmap's -- that is axis 1, sign +1), a 3-vector in the sensor frame (a sensor rolled on the
        shoe), or ``"auto"`` to estimate it from the walking in ``gyr`` (:func:`estimate_foot_ml_axis`).
    ml_sign : float
        +1 or -1, the sign of an axis given by index.
    params : FootEventParams, optional
        Detector thresholds (rad/s and s); None gives the defaults.

    Returns
    -------
    FootEvents
        ``initial_contact``, ``terminal_contact``, ``mid_stance``: times in s from the first sample.

    Raises
    ------
    ValueError
        A malformed ``gyr`` or axis, fs not > 0.

    Warns
    -----
    kinemyo.UnitWarning
        A ``gyr`` that looks like deg/s.
    """
    check_imu_units(gyr)
    with imu_units_checked():  # ml_axis="auto" estimates the axis from the same gyr
        return FootEvents(*_detect_foot_events(gyr, fs, _foot_axis(gyr, fs, ml_axis, ml_sign),
                                               params if params is not None else FootEventParams()))


@keyword_fs("gyr", "fs")
def estimate_foot_ml_axis(gyr: Any, *, fs: float) -> np.ndarray:
    """The medio-lateral axis of a foot sensor from walking data: the principal axis of the rotation, signed so
    that the long swing lobe is negative.

    Parameters
    ----------
    gyr : array_like, shape (n_samples, 3)
        Angular rate in rad/s.
    fs : float
        Sampling rate in Hz.

    Returns
    -------
    ndarray, shape (3,)
        Unit vector in the sensor frame (dimensionless), toes-down rotation positive.

    Raises
    ------
    ValueError
        The recording holds too little walking to tell.

    Warns
    -----
    kinemyo.UnitWarning
        A ``gyr`` that looks like deg/s.
    """
    check_imu_units(gyr)
    return np.asarray(_estimate_foot_ml_axis(gyr, fs))


def _foot_axis(gyr: Any, fs: float, ml_axis: Any, ml_sign: float) -> np.ndarray:
    if ml_sign not in (1, -1):
        raise ValueError(f"ml_sign: must be +1 or -1, got {ml_sign!r}")
    if isinstance(ml_axis, str):
        if ml_axis != "auto":
            raise ValueError(f"ml_axis: expected 0, 1, 2, a 3-vector or 'auto', got {ml_axis!r}")
        return estimate_foot_ml_axis(gyr, fs=fs) * ml_sign
    if isinstance(ml_axis, (int, np.integer)) and not isinstance(ml_axis, bool):
        if ml_axis not in (0, 1, 2):
            raise ValueError(f"ml_axis: must be 0, 1 or 2, got {ml_axis}")
        unit: np.ndarray = np.eye(3)[ml_axis] * ml_sign
        return unit
    axis = real_array(ml_axis, "ml_axis")
    if axis.shape != (3,) or not np.all(np.isfinite(axis)) or np.linalg.norm(axis) < 1e-9:
        raise ValueError(f"ml_axis: a vector must be 3 finite numbers, not all zero, got {ml_axis!r}")
    return axis * ml_sign


@keyword_fs("sagittal_rate", "fs")
def shank_events(sagittal_rate: Any, *, fs: float, mid_swing_threshold: float = np.radians(50.0),
                 min_stride_time: float = 0.5, search_window: float = 0.5) -> dict[str, np.ndarray]:
    """Shank events after Salarian et al. (IEEE TBME 51:1434, 2004) from the sagittal angular rate.

    Parameters
    ----------
    sagittal_rate : array_like, shape (n_samples,)
        Sagittal angular rate of the shank in rad/s, positive when the shank swings forward.
    fs : float
        Sampling rate in Hz.
    mid_swing_threshold : float
        Least peak rate of a mid-swing, rad/s.
    min_stride_time : float
        Least time between mid-swings, s.
    search_window : float
        Time searched before and after each mid-swing for the contacts, s.

    Returns
    -------
    dict of str to ndarray
        ``mid_swing`` (peaks), ``initial_contact`` (minimum after), ``terminal_contact`` (minimum before): times
        in s from the first sample.

    Raises
    ------
    ValueError
        Non-positive fs or times.

    Warns
    -----
    kinemyo.UnitWarning
        A rate that looks like deg/s.
    """
    check_imu_units(sagittal_rate, gyr_name="sagittal_rate")
    ic, tc, mid = _detect_shank_events(real_array(sagittal_rate, "sagittal_rate"), fs, mid_swing_threshold,
                                       min_stride_time, search_window)
    return {"initial_contact": ic, "terminal_contact": tc, "mid_swing": mid}


_AXES = {"x": 0, "y": 1, "z": 2}


@_repr.compact
@dataclass(frozen=True)
class LowerBackGait:
    """Gait from one lower-back sensor (see :func:`lower_back_gait`). Times in s from the first sample."""

    initial_contact: np.ndarray        # s, sorted
    initial_contact_side: np.ndarray   # 'left' / 'right' / 'unknown'
    side_confidence: np.ndarray        # 0..1 per contact (NaN without gyroscope)
    bout: np.ndarray                   # walking bout of each contact
    final_contact: np.ndarray          # s, sorted
    final_contact_side: np.ndarray
    bouts: object                      # DataFrame: start_s, end_s, n_contacts
    turns: object                      # DataFrame: start_s, end_s, angle_rad, peak_rate_rad_per_s
    steps: object                      # DataFrame: the per-step table (see lower_back_gait)
    vertical_axis: str                 # the sensor axis nearest to up, e.g. '+x'
    vertical_deviation_rad: float      # median angle between gravity and that (or the named) axis


def _vertical_axis(vertical: str | None) -> tuple[int, float]:
    if vertical is None:
        return -1, 1.0
    v = str(vertical).strip().lower()
    sign = -1.0 if v.startswith("-") else 1.0
    v = v.lstrip("+-")
    if v not in _AXES:
        raise ValueError(f"vertical: expected 'x', 'y' or 'z' with an optional sign, got {vertical!r}")
    return _AXES[v], sign


@keyword_fs("acc", "gyr", "fs", "initial_contact")
def lower_back_contact_sides(acc: Any, gyr: Any, initial_contact: Any, *, fs: float, vertical: str | None = None,
                             **params: Any) -> tuple[np.ndarray, np.ndarray]:
    """Left/right of given initial contacts by the rule of :func:`lower_back_gait` (yaw-rate sign, alternation
    within runs of contacts no more than ``max_step_time`` apart).

    Parameters
    ----------
    acc : array_like, shape (n_samples, 3)
        Lower-back acceleration in m/s^2.
    gyr : array_like, shape (n_samples, 3)
        Lower-back angular rate in rad/s.
    initial_contact : array_like, shape (n_contacts,)
        Contact times in s, sorted (e.g. from another detector or a reference system).
    fs : float
        Sampling rate in Hz.
    vertical : str, optional
        The sensor axis pointing up, e.g. '+x' (default: found from gravity).
    **params
        Overrides of :func:`lower_back_defaults` (times in s).

    Returns
    -------
    sides : ndarray of str, shape (n_contacts,)
        'left' or 'right'.
    confidence : ndarray, shape (n_contacts,)
        Dimensionless, 0..1.

    Raises
    ------
    ValueError
        Malformed arrays or parameters, fs not > 0.
    """
    sides, confidence = _lower_back_contact_sides(acc, gyr, fs, initial_contact, params, *_vertical_axis(vertical))
    return np.asarray(sides), confidence


STEP_FLAG_NAMES = {1: "turn", 2: "duration", 4: "outlier", 8: "side_uncertain"}


def lower_back_defaults() -> tuple[dict[str, Any], dict[str, Any]]:
    """The default parameters of :func:`lower_back_gait` and of its step quality control (the C++ defaults).

    Parameters
    ----------
    None

    Returns
    -------
    params, step_qc : dict[str, Any] of str to float
        Parameter names and values: times in s, frequencies (``*_cutoff``, ``side_band_*``) in Hz, angles in rad,
        rates in rad/s, accelerations in m/s^2.
    """
    return _lower_back_defaults()


@keyword_fs("acc", "gyr", "fs")
def lower_back_gait(acc: Any, gyr: Any, *, fs: float, vertical: str | None = None, step_qc: dict[str, Any] | None = None,
                    **params: Any) -> LowerBackGait:
    """Walking bouts, initial and final contacts with their sides, turns and a per-step table from one IMU at the
    lower back (L4-L5). Offline; the C++ header ``kinemyo/gait/lower_back.hpp`` gives the method and its sources.

    Parameters
    ----------
    acc : array, shape (n, 3)
        Acceleration in m/s^2 (gravity included), any sensor frame: the vertical is found from gravity and
        followed through trunk tilt. Acceleration in g is refused with a clear error.
    gyr : array, shape (n, 3), or None
        Angular rate in rad/s in the same frame; needed for left/right and turns (without it, sides are
        'unknown' and no turns are found).
    fs : float
        Sampling rate in Hz.
    vertical : str, optional
        The sensor axis that points up when the wearer stands ('x', '-y', ...), checked against gravity: a
        ValueError names the axis that is actually up when they differ by more than 45 deg.
    step_qc : dict[str, Any], optional
        Overrides of the step quality rules (``min_step_time``, ``max_step_time`` s, ``max_median_deviation``,
        ``min_side_confidence``); see :func:`lower_back_defaults`.
    **params
        Overrides of the detector's parameters by name (see :func:`lower_back_defaults`).

    Returns
    -------
    LowerBackGait
        ``steps`` has one row per step (initial contact to the next one in the same bout, named by the landing
        foot): ``side``, ``bout``, ``start_s``, ``end_s``, ``step_time_s``, ``stride_time_s`` (same foot's previous
        contact to this one), ``cadence_steps_per_min``, ``side_confidence``, ``excluded`` and ``qc_flags`` (turn,
        duration, outlier, side_uncertain). There are no toe-off columns: a lower-back sensor does not see them.
    """
    import pandas as pd

    r = _lower_back_gait(acc, gyr, fs, params, step_qc or {}, *_vertical_axis(vertical))
    raw = r.pop("steps")
    flags: Any = raw.pop("qc_flags")
    steps = pd.DataFrame({"side": raw["side"], "bout": raw["bout"], "start_s": raw["start"], "end_s": raw["end"],
                          "step_time_s": raw["step_time"], "stride_time_s": raw["stride_time"],
                          "cadence_steps_per_min": raw["cadence"], "side_confidence": raw["side_confidence"]})
    steps["excluded"] = flags != 0
    steps["qc_flags"] = pd.Series([";".join(name for bit, name in STEP_FLAG_NAMES.items() if f & bit) for f in flags],
                                  dtype=object)  # text also when there is no step
    bouts = pd.DataFrame({"start_s": r["bout_start"], "end_s": r["bout_end"], "n_contacts": r["bout_contacts"]})
    turns = pd.DataFrame({"start_s": r["turn_start"], "end_s": r["turn_end"], "angle_rad": r["turn_angle"],
                          "peak_rate_rad_per_s": r["turn_peak_rate"]})
    return LowerBackGait(r["initial_contact"], np.asarray(r["initial_contact_side"]), r["side_confidence"], r["bout"],
                         r["final_contact"], np.asarray(r["final_contact_side"]), bouts, turns, steps,
                         ("-" if r["vertical_sign"] < 0 else "+") + "xyz"[r["vertical_axis"]],
                         float(r["vertical_deviation"]))


@keyword_fs("gyr", "acc", "fs", "mid_stance")
def zupt_strides(gyr: Any, acc: Any, mid_stance: Any, *, fs: float) -> dict[str, np.ndarray]:
    """Foot displacement between consecutive mid-stances by zero-velocity-update integration.

    Parameters
    ----------
    gyr : array_like, shape (n_samples, 3)
        Angular rate in rad/s.
    acc : array_like, shape (n_samples, 3)
        Specific force in m/s^2 (gravity included).
    mid_stance : array_like, shape (n_events,)
        Mid-stance times in s (e.g. ``foot_events(...).mid_stance``).
    fs : float
        Sampling rate in Hz.

    Returns
    -------
    dict of str to ndarray
        Per stride: ``length`` (m, horizontal), ``turning_angle`` (rad), ``max_height`` (m), ``start`` / ``end``
        (s).

    Raises
    ------
    ValueError
        Shapes that differ, fs not > 0.

    Warns
    -----
    kinemyo.UnitWarning
        Data that look like deg/s or g.
    """
    check_imu_units(gyr, acc)
    return _zupt_strides(gyr, acc, fs, real_array(mid_stance, "mid_stance"))


@dataclass(frozen=True)
class StrideQc:
    """Quality rules: strides outside them are flagged and left out of summaries by default."""

    min_stride_time: float = 0.5        # s
    max_stride_time: float = 2.5        # s
    max_turning_angle: float = 0.35     # rad of foot heading change over the stride (about 20 deg)
    max_median_deviation: float = 0.5   # fraction of the side's median stride time


_COLUMNS = {
    "initial_contact": "initial_contact_s", "terminal_contact": "terminal_contact_s",
    "next_initial_contact": "next_initial_contact_s", "stride_time": "stride_time_s", "stance_time": "stance_time_s",
    "swing_time": "swing_time_s", "step_time": "step_time_s", "initial_double_support": "initial_double_support_s",
    "single_support": "single_support_s", "terminal_double_support": "terminal_double_support_s",
    "cadence": "cadence_steps_per_min", "stride_length": "stride_length_m", "gait_speed": "gait_speed_m_per_s",
    "turning_angle": "turning_angle_rad",
}


def _side_inputs(ev: Any) -> Any:
    if ev is None:
        return None, None, None, None
    if isinstance(ev, FootEvents):
        return ev.initial_contact, ev.terminal_contact, None, None
    return (ev.get("initial_contact"), ev.get("terminal_contact"), ev.get("stride_length"),
            ev.get("turning_angle"))


def stride_table(left: Any, right: Any=None, qc: StrideQc = StrideQc()) -> Any:
    """One row per stride (initial contact to the next of the same side), both sides, sorted by time.

    ``left``/``right``: :class:`FootEvents` or dicts with ``initial_contact``, ``terminal_contact`` and optionally
    per-contact ``stride_length`` and ``turning_angle``. Step time is the step ending the stride (from the other
    foot's last contact); double and single support need both sides.

    Parameters
    ----------
    left, right : FootEvents or dict, optional right
        Events with ``initial_contact``, ``terminal_contact`` (s) and optionally per-contact ``stride_length`` (m)
        and ``turning_angle`` (rad).
    qc : StrideQc
        Quality rules (stride times s, turning angle rad).

    Returns
    -------
    DataFrame
        One row per stride: side, contact times and durations (s), stride length (m), turning angle (rad),
        ``excluded`` (fails a QC rule) and ``qc_flags`` (which).
    """
    import pandas as pd

    l_ic, l_tc, l_len, l_turn = _side_inputs(left)
    r_ic, r_tc, r_len, r_turn = _side_inputs(right)
    raw = _stride_table(l_ic, l_tc, r_ic, r_tc, l_len, r_len, l_turn, r_turn, qc.min_stride_time,
                        qc.max_stride_time, qc.max_turning_angle, qc.max_median_deviation)
    flags: Any = raw.pop("qc_flags")
    frame = pd.DataFrame({"side": raw.pop("side"), **{_COLUMNS[k]: v for k, v in raw.items()}})
    frame["excluded"] = flags != 0
    frame["qc_flags"] = [";".join(name for bit, name in FLAG_NAMES.items() if f & bit) for f in flags]
    return frame


@_repr.compact
@dataclass(frozen=True)
class GaitAnalysis:
    """Both feet analysed: events per side, the per-stride table and the zero-velocity strides."""

    left: FootEvents
    right: FootEvents
    strides: object  # pandas DataFrame (stride_table)
    zupt: dict[str, Any] = field(default_factory=dict)


@keyword_fs("left_gyr", "left_acc", "right_gyr", "right_acc", "fs")
def analyze_feet(left_gyr: Any, left_acc: Any, right_gyr: Any, right_acc: Any, *, fs: float, ml_axis: Any=1, ml_sign: float = 1.0,
                 params: FootEventParams | None = None, qc: StrideQc = StrideQc()) -> GaitAnalysis:
    """Events, stride lengths and turning angles (zero-velocity updates) and the bilateral stride table from two
    foot sensors on the same clock.

    Parameters
    ----------
    left_gyr, right_gyr : array_like, shape (n_samples, 3)
        Angular rates in rad/s.
    left_acc, right_acc : array_like, shape (n_samples, 3)
        Specific force in m/s^2 (gravity included).
    fs : float
        Sampling rate in Hz.
    ml_axis : int, 3-vector, pair of 3-vectors or 'auto'
        As in :func:`foot_events`: an index, one 3-vector for both feet, a pair (left, right), or ``"auto"`` per
        foot.
    ml_sign : float
        +1 or -1, the sign of an axis given by index.
    params : FootEventParams, optional
    qc : StrideQc
        Stride plausibility limits (s, rad).

    Returns
    -------
    GaitAnalysis
        ``left`` / ``right`` events (s), the stride table ``strides`` (times s, lengths m, angles rad) and the
        ``zupt`` results per side.

    Raises
    ------
    ValueError
        Shapes that differ, a malformed axis, fs not > 0.

    Warns
    -----
    kinemyo.UnitWarning
        Data that look like deg/s or g (the warning names the array).
    """
    check_imu_units(left_gyr, left_acc, gyr_name="left_gyr", acc_name="left_acc")
    check_imu_units(right_gyr, right_acc, gyr_name="right_gyr", acc_name="right_acc")
    with imu_units_checked():
        return _analyze_feet(left_gyr, left_acc, right_gyr, right_acc, fs, ml_axis, ml_sign, params, qc)


def _analyze_feet(left_gyr: Any, left_acc: Any, right_gyr: Any, right_acc: Any, fs: Any, ml_axis: Any, ml_sign: Any, params: Any, qc: Any) -> GaitAnalysis:
    sides = {}
    zupt = {}
    pair = (not isinstance(ml_axis, (str, int, np.integer)) and np.asarray(ml_axis, dtype=object).shape == (2,)
            and all(np.asarray(a).shape == (3,) for a in ml_axis))
    for k, (name, gyr, acc) in enumerate((("left", left_gyr, left_acc), ("right", right_gyr, right_acc))):
        ev = foot_events(gyr, fs=fs, ml_axis=ml_axis[k] if pair else ml_axis, ml_sign=ml_sign, params=params)
        z = zupt_strides(gyr, acc, ev.mid_stance, fs=fs)
        length, turn = _foot_side_values(ev.initial_contact, z)  # the stride from contact k gets its swing
        sides[name] = (ev, {"initial_contact": ev.initial_contact, "terminal_contact": ev.terminal_contact,
                            "stride_length": length, "turning_angle": turn})
        zupt[name] = z
    table = stride_table(sides["left"][1], sides["right"][1], qc)
    return GaitAnalysis(sides["left"][0], sides["right"][0], table, zupt)


@keyword_fs("gyr", "acc", "fs", "mid_stance", "anterior")
def foot_angle(gyr: Any, acc: Any, mid_stance: Any, *, fs: float, anterior: Any=(1.0, 0.0, 0.0)) -> np.ndarray:
    """Sagittal foot angle of a foot sensor: the elevation of its ``anterior`` axis above the horizontal from the
    6D robust-filter orientation, zeroed at the median of its values at ``mid_stance`` (foot flat).

    Parameters
    ----------
    gyr : array_like, shape (n_samples, 3)
        Angular rate in rad/s.
    acc : array_like, shape (n_samples, 3)
        Specific force in m/s^2.
    mid_stance : array_like, shape (n_events,)
        Foot-flat times in s from the first sample.
    fs : float
        Sampling rate in Hz.
    anterior : 3-vector
        The sensor axis toward the toes (sensor frame, dimensionless).

    Returns
    -------
    ndarray, shape (n_samples,)
        Angle in rad, toe-up positive.

    Raises
    ------
    ValueError
        Shapes that differ, fs not > 0.

    Warns
    -----
    kinemyo.UnitWarning
        Data that look like deg/s or g.
    """
    from kinemyo import imu

    check_imu_units(gyr, acc)
    with imu_units_checked():
        q = imu.robust_orientation(gyr, acc, fs=fs).quat_6d
    elevation = imu.axis_elevation(q, anterior)
    flat_s = real_array(mid_stance, "mid_stance").ravel()
    flat_s = flat_s[np.isfinite(flat_s) & (flat_s >= 0) & (flat_s * fs < len(elevation))]
    flat = np.round(flat_s * fs).astype(np.int64)  # finite and in range before the cast
    if len(flat) == 0:
        raise ValueError("mid_stance: no mid-stance instant inside the recording to define the flat foot")
    angle: np.ndarray = elevation - np.median(elevation[flat])
    return angle


@_repr.compact
@dataclass(frozen=True)
class IndexResult:
    value: float
    left: float       # the aggregated per-side values used
    right: float
    n_left: int
    n_right: int
    ci_low: float     # NaN without bootstrap
    ci_high: float


def side_index(index: str, left_values: Any, right_values: Any, *, aggregation: str = "median", affected: str | None = None,
               bootstrap: int = 0, confidence: float = 0.95, seed: int = 1) -> IndexResult:
    """A left/right index ('symmetry_index', 'symmetry_index_max', 'symmetry_ratio', 'gait_asymmetry',
    'symmetry_angle', 'absolute_difference') on per-stride values of each side, aggregated per side (median by
    default), with the counts used and an optional bootstrap confidence interval.

    Parameters
    ----------
    index : str
        'symmetry_index', 'symmetry_index_max', 'symmetry_ratio', 'gait_asymmetry', 'symmetry_angle' or
        'absolute_difference'.
    left_values, right_values : array_like
        Per-stride values of each side in one unit u (e.g. stride time, s).
    aggregation : {'median', 'mean'}
        Per-side summary.
    affected : {'left', 'right'}, optional
    bootstrap : int
        Bootstrap resamples (0: no interval).
    confidence : float
        Interval coverage, 0..1.
    seed : int

    Returns
    -------
    IndexResult
        ``value`` (% for the percentage indices, dimensionless for the ratio, u for the absolute difference), the
        per-side summaries ``left`` / ``right`` (u), the counts and ``ci_low`` / ``ci_high``.

    Raises
    ------
    ValueError
        An unknown index or aggregation, an empty side.
    """
    r: dict[str, Any] = _side_index(index, real_array(left_values, "left_values"),
                    real_array(right_values, "right_values"), aggregation, affected, bootstrap,
                    confidence, seed)
    return IndexResult(**r)


def phase_coordination_index(left_contacts: Any, right_contacts: Any, reference: str) -> dict[str, Any]:
    """Phase coordination index (Plotnik et al., Exp Brain Res 181:561, 2007) with one reference leg.

    Parameters
    ----------
    left_contacts, right_contacts : array_like
        Initial-contact times in s, sorted.
    reference : {'left', 'right'}
        The reference leg (the long-swing leg).

    Returns
    -------
    dict
        ``pci``, ``phi_cv``, ``p_phi_abs`` (%), ``phi_abs_deg``, ``mean_phase_deg`` (deg), ``n`` (strides used)
        and ``reference``.

    Raises
    ------
    ValueError
        Too few strides, an unknown reference.
    """
    return _phase_coordination_index(real_array(left_contacts, "left_contacts"),
                                     real_array(right_contacts, "right_contacts"), reference)


def asymmetry_summary(strides: Any, *, affected: str | None = None, include_excluded: bool = False,
                      bootstrap: int = 0, seed: int = 1) -> Any:
    """Every common left/right index over the stride table's temporal (and spatial) parameters, median per side,
    plus PCI (reference: the long-swing leg) and variability. A lower-back step table (``lower_back_gait(...).steps``)
    gives the step- and stride-time rows (steps named by the landing foot).

    Parameters
    ----------
    strides : DataFrame
        From :func:`stride_table` (or ``analyze_feet(...).strides``) or ``lower_back_gait(...).steps``; times in s,
        lengths in m.
    affected : {'left', 'right'}, optional
        The affected side, for indices with a direction.
    include_excluded : bool
        Keep strides flagged by quality control.
    bootstrap : int
        Bootstrap resamples for confidence intervals (0: none).
    seed : int
        Random seed of the bootstrap.

    Returns
    -------
    DataFrame
        One row per (parameter, index) with the value (% for the percentage indices, dimensionless ratios) and the
        counts used.

    Raises
    ------
    TypeError
        ``strides`` not such a table.
    """
    import pandas as pd

    if not isinstance(strides, pd.DataFrame):
        raise TypeError(f"strides: expected a DataFrame from stride_table or lower_back_gait(...).steps, "
                        f"got {type(strides).__name__}")
    missing = [c for c in ("side", "excluded") if c not in strides.columns and (c == "side" or not include_excluded)]
    if missing:
        raise ValueError(f"strides: missing column(s) {', '.join(missing)} (a stride_table or step table is expected)")
    use = strides if include_excluded else strides[~strides["excluded"].astype(bool)]
    rows = []
    params = [p for p in ("stride_time_s", "stance_time_s", "swing_time_s", "step_time_s", "single_support_s",
                          "initial_double_support_s", "stride_length_m", "gait_speed_m_per_s") if p in use.columns]
    for p in params:
        left = use.loc[use["side"] == "left", p].to_numpy()
        right = use.loc[use["side"] == "right", p].to_numpy()
        if not (np.isfinite(left).any() and np.isfinite(right).any()):
            continue
        for idx in ("symmetry_index", "symmetry_index_max", "symmetry_ratio", "symmetry_angle", "absolute_difference"):
            r = side_index(idx, left, right, affected=affected, bootstrap=bootstrap, seed=seed)
            rows.append({"parameter": p, "index": idx, **r.__dict__})
        rows.append({"parameter": p, "index": "cv_left_percent", "value": coefficient_of_variation(left),
                     "n_left": int(np.isfinite(left).sum()), "n_right": 0})
        rows.append({"parameter": p, "index": "cv_right_percent", "value": coefficient_of_variation(right),
                     "n_left": 0, "n_right": int(np.isfinite(right).sum())})
        rows.append({"parameter": p, "index": "combined_sd", "value": combined_sd(left, right),
                     "n_left": int(np.isfinite(left).sum()), "n_right": int(np.isfinite(right).sum())})
    if "swing_time_s" not in use.columns:  # a step table (lower back): no swing phases, no PCI reference leg
        return pd.DataFrame(rows)
    sw_l = use.loc[use["side"] == "left", "swing_time_s"].to_numpy()
    sw_r = use.loc[use["side"] == "right", "swing_time_s"].to_numpy()
    if np.isfinite(sw_l).any() and np.isfinite(sw_r).any():
        ga = side_index("gait_asymmetry", sw_l, sw_r, bootstrap=bootstrap, seed=seed)
        rows.append({"parameter": "swing_time_s", "index": "gait_asymmetry", **ga.__dict__})
        reference = "left" if np.nanmean(sw_l) >= np.nanmean(sw_r) else "right"
        pci = phase_coordination_index(use.loc[use["side"] == "left", "initial_contact_s"].to_numpy(),
                                       use.loc[use["side"] == "right", "initial_contact_s"].to_numpy(), reference)
        rows.append({"parameter": "initial_contact_s", "index": f"pci_reference_{reference}", "value": pci["pci"],
                     "n_left": pci["n"], "n_right": pci["n"]})
    return pd.DataFrame(rows)


@keyword_fs("signal", "fs", "stride_starts", "axis")
def stride_harmonic_ratios(signal: Any, stride_starts: Any, axis: AxisName, *, fs: float, improved: bool = False) -> dict[str, Any]:
    """Harmonic ratio (or the improved one) of each stride of a trunk acceleration signal.

    Parameters
    ----------
    signal : array_like, shape (n_samples,)
        Trunk acceleration along one axis in m/s^2.
    stride_starts : array_like, shape (n_strides + 1,)
        Stride start times in s; each stride runs to the next start (e.g. every other initial contact of a
        lower-back sensor, or one foot's contacts).
    axis : {'anteroposterior', 'vertical', 'mediolateral'} (or 'ap', 'v', 'ml')
        The axis of ``signal`` (decides which harmonics are in phase).
    fs : float
        Sampling rate in Hz.
    improved : bool
        The improved harmonic ratio instead of the classic one.

    Returns
    -------
    dict
        ``median`` (the default summary), ``mean`` (dimensionless), per-stride ``values`` and their count ``n``.

    Raises
    ------
    ValueError
        Non-finite start times, fs not > 0.
    """
    x = real_array(signal, "signal")
    starts_s = real_array(stride_starts, "stride_starts").ravel()
    if not np.all(np.isfinite(starts_s)):
        raise ValueError("stride_starts: must be finite times (s)")
    starts = np.round(np.clip(starts_s * fs, -1, len(x) + 1)).astype(np.int64)
    f = improved_harmonic_ratio if improved else harmonic_ratio
    values = np.array([f(x[a:b], axis) for a, b in zip(starts[:-1], starts[1:]) if 0 <= a and b <= len(x) and b - a >= 8])
    return {"median": float(np.median(values)) if values.size else float("nan"),
            "mean": float(np.mean(values)) if values.size else float("nan"), "values": values, "n": int(values.size)}


def outside_excluded(times: Any, strides: Any, side: str, margin: float = 0.05) -> np.ndarray:
    """Boolean mask of the event ``times`` (s) that lie outside the runs of excluded strides of ``side`` in a
    stride table (consecutive excluded strides merged; the contacts bordering a run, within ``margin`` s, stay
    in). For scoring events only where quality control accepts the walking, e.g. away from turns.

    Parameters
    ----------
    times : array_like, shape (n,)
        Event times in s.
    strides : DataFrame
        A stride table with ``side``, ``excluded`` and contact times in s.
    side : {'left', 'right'}
    margin : float
        Tolerance around the bordering contacts, s.

    Returns
    -------
    ndarray of bool, shape (n,)
    """
    times = real_array(times, "times")
    flagged = strides[(strides["side"] == side) & strides["excluded"]].sort_values("initial_contact_s")
    spans: list[list[float]] = []
    for a, b in zip(flagged["initial_contact_s"], flagged["next_initial_contact_s"]):
        if spans and a <= spans[-1][1] + 1e-9:
            spans[-1][1] = max(spans[-1][1], b)
        else:
            spans.append([a, b])
    keep = np.ones(times.shape, dtype=bool)
    for a, b in spans:
        keep &= ~((times > a + margin) & (times < b - margin))
    return keep


def match_strides(strides: Any, start: Any, end: Any, tolerance: float = 0.05) -> np.ndarray:
    """For each reference stride, the position in ``strides`` of the stride whose two contacts both lie within
    ``tolerance``, or -1.

    Parameters
    ----------
    strides : DataFrame
        A stride table (e.g. one side's kept rows), times in s.
    start, end : array_like, shape (n,)
        Reference stride contact times in s.
    tolerance : float
        Largest contact time difference, s.

    Returns
    -------
    ndarray of int64, shape (n,)
        Row positions in ``strides``, -1 where no stride matches.
    """
    first = strides["initial_contact_s"].to_numpy()
    last = strides["next_initial_contact_s"].to_numpy()
    out = np.full(len(np.atleast_1d(start)), -1, dtype=np.int64)
    for i, (a, b) in enumerate(zip(np.atleast_1d(start), np.atleast_1d(end))):
        k = np.flatnonzero(np.abs(last - b) < tolerance)
        if k.size and abs(first[k[0]] - a) < tolerance:
            out[i] = k[0]
    return out


def match_events(detected: Any, reference: Any, tolerance: float) -> dict[str, Any]:
    """One-to-one matching of detected to reference events within ``tolerance``.

    Parameters
    ----------
    detected, reference : array_like, shape (n,)
        Event times in s.
    tolerance : float
        Largest time difference of a match, s.

    Returns
    -------
    dict
        ``detected_index`` / ``reference_index`` of the matches, ``true_positives``, ``false_positives``,
        ``false_negatives``, ``precision``, ``recall``, ``f1`` (0..1) and the timing errors ``mean_error``,
        ``mean_absolute_error``, ``sd_error`` (s, detected minus reference).

    Raises
    ------
    ValueError
        tolerance not > 0, non-finite times.
    """
    return _match_events(real_array(detected, "detected"),
                         real_array(reference, "reference"), tolerance)


def agreement(a: Any, b: Any) -> dict[str, Any]:
    """Agreement of paired values (Bland & Altman, Lancet 327:307, 1986).

    Parameters
    ----------
    a, b : array_like, shape (n,)
        Paired values in the same unit u (e.g. detected and reference stride times, s).

    Returns
    -------
    dict
        ``n``, ``bias`` (mean a - b), ``mean_absolute_error``, ``sd`` and the limits ``lower_limit`` /
        ``upper_limit`` (bias -/+ 1.96 SD), all in u.

    Raises
    ------
    ValueError
        Lengths that differ.
    """
    return _agreement(real_array(a, "a"), real_array(b, "b"))


@keyword_fs("fs", "left", "right")
def synthesize_foot_gait(left: tuple[float, float], right: tuple[float, float], *, fs: float, duration: float = 60.0,
                         first_contact: float = 0.5, right_offset: float = 0.55, push_off_peak: float = 7.0,
                         swing_trough: float = 5.0, noise: float = 0.0, seed: int = 1) -> dict[str, Any]:
    """Bilateral foot gyroscopes with known events, for tests and examples.

    Parameters
    ----------
    left, right : (float, float)
        (stance, swing) durations of each foot in s (equal strides).
    fs : float
        Sampling rate in Hz.
    duration : float
        Length in s.
    first_contact : float
        Time of the first left contact, s.
    right_offset : float
        Time from a left contact to the next right one, s.
    push_off_peak, swing_trough : float
        Magnitudes of the push-off peak and the swing trough of the sagittal rate, rad/s.
    noise : float
        SD of added white noise, rad/s.
    seed : int
        Random seed of the noise.

    Returns
    -------
    dict of str to ndarray
        ``left_gyr`` / ``right_gyr`` (n_samples, 3) in rad/s and the true event times in s.

    Raises
    ------
    ValueError
        Non-positive durations or fs.
    """
    return _synthesize_foot_gait(fs, left[0], left[1], right[0], right[1], duration, first_contact, right_offset,
                                 push_off_peak, swing_trough, noise, seed)


# Wrappers of the compiled functions taking a sampling rate: same computation, fs keyword-only (kinemyo._compat).

@keyword_fs("vertical_acc", "fs", "initial_contacts")
def step_vertical_excursions(vertical_acc: Any, initial_contacts: Any, *, fs: float) -> np.ndarray:
    """Vertical excursion of a lower-back sensor in each step between consecutive initial contacts: the step's mean
    acceleration removed, double integration, and the line through the step's end points removed (equal height at
    both contacts), for the inverted-pendulum step length (Zijlstra & Hof, Gait Posture 18:1, 2003).

    Parameters
    ----------
    vertical_acc : array_like, shape (n_samples,)
        Vertical acceleration in m/s^2 (gravity included or not: the mean of each step is removed).
    initial_contacts : array_like, shape (n_contacts,)
        Initial-contact times in s.
    fs : float
        Sampling rate in Hz.

    Returns
    -------
    ndarray, shape (n_contacts - 1,)
        Peak-to-peak vertical excursion in m per step; NaN for a step outside the recording or under 3 samples.

    Raises
    ------
    ValueError
        fs not > 0, non-finite acceleration.
    """
    return _core.step_vertical_excursions(vertical_acc, fs, initial_contacts)


@keyword_fs("signal", "fs", "step_time")
def autocorrelation_regularity(signal: Any, *, fs: float, step_time: float) -> dict[str, Any]:
    """Step and stride regularity from the unbiased autocorrelation (Moe-Nilssen & Helbostad, J Biomech 37:121,
    2004).

    Parameters
    ----------
    signal : array_like, shape (n_samples,)
        Trunk acceleration in m/s^2 (usually vertical or anteroposterior).
    fs : float
        Sampling rate in Hz.
    step_time : float
        Expected step time in s (e.g. the median from events); the peaks are sought within +-40 % of the step and
        stride (2 step) lags.

    Returns
    -------
    dict of str to float
        Dimensionless ``step_regularity``, ``stride_regularity`` (autocorrelation peaks, -1..1), ``step_symmetry``
        (their ratio), ``regularity_index`` (Angelini et al. 2020) and the lags ``step_lag``, ``stride_lag`` in s.

    Raises
    ------
    ValueError
        A signal shorter than two strides, fs or step_time not > 0.
    """
    return _core.autocorrelation_regularity(signal, fs, step_time)


@keyword_fs("acc", "fs", "step_time")
def gait_symmetry_index(acc: Any, *, fs: float, step_time: float) -> float:
    """Gait symmetry index (Zhang et al., Sensors 18:3322, 2018) from the summed normalised autocovariances of the
    three trunk acceleration axes: sqrt(C(m_s / 2)) / sqrt(3) at the stride peak m_s, 0..1.

    Parameters
    ----------
    acc : array_like, shape (n_samples, 3)
        Acceleration in m/s^2.
    fs : float
        Sampling rate in Hz.
    step_time : float
        Expected step time in s.

    Returns
    -------
    float
        Dimensionless index, 1 for perfectly symmetric steps.

    Raises
    ------
    ValueError
        A signal shorter than two strides, fs or step_time not > 0.
    """
    return _core.gait_symmetry_index(acc, fs, step_time)


# Wrappers of the other compiled functions: the same computation with a numpydoc docstring.


def symmetry_index_max(left: float, right: float) -> float:
    """Symmetry index 100 (R - L) / max(L, R) (Vagenas & Hoshizaki, Int J Sport Biomech 8:11, 1992).

    Parameters
    ----------
    left, right : float
        One value per side in the same unit (e.g. median stride time, s).

    Returns
    -------
    float
        In %, positive when the right value is larger; NaN when undefined (max(L, R) = 0).
    """
    return _core.symmetry_index_max(left, right)


def symmetry_ratio(left: float, right: float) -> float:
    """Symmetry ratio L / R (Seliktar & Mizrahi 1986).

    Parameters
    ----------
    left, right : float
        One value per side in the same unit (e.g. median stride time, s).

    Returns
    -------
    float
        Dimensionless, 1 when symmetric (inf or NaN when R = 0).
    """
    return _core.symmetry_ratio(left, right)


def symmetry_angle(left: float, right: float) -> float:
    """Symmetry angle (45 deg - atan(L / R)) / 90 deg * 100 with the paper's wrap (Zifchock et al., Gait Posture 27:622, 2008).

    Parameters
    ----------
    left, right : float
        One value per side in the same unit (e.g. median stride time, s).

    Returns
    -------
    float
        In %, 0 when symmetric.
    """
    return _core.symmetry_angle(left, right)


def gait_asymmetry(swing_left: float, swing_right: float) -> float:
    """Gait asymmetry 100 |ln(short swing / long swing)| (Plotnik et al., Exp Brain Res 181:561, 2007).

    Parameters
    ----------
    swing_left, swing_right : float
        Swing times in s (e.g. each side's median).

    Returns
    -------
    float
        Dimensionless, 0 when symmetric; NaN for non-positive swing times.
    """
    return _core.gait_asymmetry(swing_left, swing_right)


def coefficient_of_variation(values: Any) -> float:
    """Coefficient of variation 100 SD (n - 1) / mean.

    Parameters
    ----------
    values : array_like, shape (n,)
        Values in any unit (e.g. stride times, s), n >= 2.

    Returns
    -------
    float
        In %; NaN for fewer than 2 values.
    """
    return _core.coefficient_of_variation(values)


def combined_sd(left: Any, right: Any) -> float:
    """Combined left/right variability sqrt((SD_L^2 + SD_R^2) / 2) (Galna et al., Gait Posture 37:580, 2013).

    Parameters
    ----------
    left, right : array_like
        Per-stride values of each side in one unit u, at least 2 each.

    Returns
    -------
    float
        In u; NaN with fewer than 2 values on a side.
    """
    return _core.combined_sd(left, right)


def harmonic_ratio(stride: Any, axis: AxisName, harmonics: int = 20) -> float:
    """Harmonic ratio of exactly one stride of trunk acceleration (Menz et al., Gait Posture 18:35, 2003): from the
    DFT of the stride's samples, harmonics 1..``harmonics``; AP and V: sum even / sum odd, ML: odd / even.

    Parameters
    ----------
    stride : array_like, shape (n_samples,)
        One stride of acceleration along ``axis``, m/s^2.
    axis : {'anteroposterior', 'vertical', 'mediolateral'} (or 'ap', 'v', 'ml')
    harmonics : int
        Number of harmonics (>= 1); those above the stride's Nyquist, (n_samples - 1) / 2, do not exist and are
        left out.

    Returns
    -------
    float
        Dimensionless ratio (higher is smoother).

    Raises
    ------
    ValueError
        A stride of fewer than 4 samples, an unknown axis.
    """
    return _core.harmonic_ratio(stride, axis, harmonics)


def improved_harmonic_ratio(stride: Any, axis: AxisName, harmonics: int = 20) -> float:
    """Improved harmonic ratio (Pasciuto et al. 2017): 100 P_even / (P_even + P_odd) with
    P = A^2 (ML: odd).

    Parameters
    ----------
    stride : array_like, shape (n_samples,)
        One stride of acceleration along ``axis``, m/s^2.
    axis : {'anteroposterior', 'vertical', 'mediolateral'} (or 'ap', 'v', 'ml')
    harmonics : int
        Number of harmonics (>= 1); those above the stride's Nyquist, (n_samples - 1) / 2, do not exist and are
        left out.

    Returns
    -------
    float
        In %.

    Raises
    ------
    ValueError
        A stride of fewer than 4 samples, an unknown axis.
    """
    return _core.improved_harmonic_ratio(stride, axis, harmonics)


def inverted_pendulum_step_length(vertical_excursion: float, sensor_height: float, correction: float = 1.0) -> float:
    """Step length correction * 2 sqrt(2 l h - h^2) of the inverted-pendulum model (Zijlstra & Hof, Gait Posture
    18:1, 2003).

    Parameters
    ----------
    vertical_excursion : float
        Vertical excursion h of a lower-back sensor in the step, m (:func:`step_vertical_excursions`).
    sensor_height : float
        Height l of the sensor above the ground standing, m.
    correction : float
        Dimensionless factor (1 by default; studies calibrate it per cohort).

    Returns
    -------
    float
        Step length in m.

    Raises
    ------
    ValueError
        Negative or non-finite values, or an excursion above the sensor height (the model needs h <= l).
    """
    return _core.inverted_pendulum_step_length(vertical_excursion, sensor_height, correction)
