"""Figures of kinemyo results: EMG envelopes with their activations, muscle ratio over time, joint angles, gait
events on their signal, left/right gait metrics with asymmetry, questionnaire scores on their bands and
orientation error against a reference.

Every function takes the results the library returns (arrays, :class:`kinemyo.emg.ActivationTable`,
:class:`kinemyo.gait.GaitAnalysis`, :class:`kinemyo.questionnaire.ScoreResult`, ...) and returns a matplotlib
``Figure``. With ``ax=None`` it draws into a new bare ``matplotlib.figure.Figure`` (no pyplot, no global backend
switch, so a notebook's own plotting is untouched; display it in Jupyter by leaving it as a cell's value, or save
it with ``fig.savefig``); with ``ax`` it draws into that Axes and returns the Axes' figure. Times are in seconds,
angles are drawn in degrees (the results hold radians), other quantities in the units of the result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from collections.abc import Mapping, Sequence

import numpy as np

from kinemyo import emg, gait, imu, questionnaire
from kinemyo._compat import keyword_fs
from kinemyo._validate import finite_positive, number, real_array

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["envelopes", "gait_events", "joint_angles", "left_right", "orientation_error", "questionnaire_bands",
           "ratio"]

_INDEX_LABELS = {"activation_ratio": "activation ratio", "rudolph_cci": "Rudolph CCI",
                 "falconer_winter_coi_pct": "Falconer-Winter co-contraction (%)",
                 "symmetry_index_pct": "symmetry index (%)"}
# Units of the stride- and step-table columns, from their names' suffixes (longest suffix first).
_COLUMN_UNITS = (("_m_per_s", "m/s"), ("_steps_per_min", "steps/min"), ("_rad", "rad"), ("_s", "s"), ("_m", "m"))


# --- shared pieces ---------------------------------------------------------------------------------------------

def _axes_for(ax: Any, n: int, figsize: tuple[float, float]) -> tuple[Figure, list[Axes]]:
    """The root Figure and ``n`` Axes to draw into: the given Axes (one, or a sequence of ``n``), or a new bare
    Figure with ``n`` rows sharing the time axis."""
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

    if ax is None:
        fig = Figure(figsize=figsize, layout="constrained")
        return fig, list(fig.subplots(n, 1, sharex=True, squeeze=False)[:, 0])
    given = [ax] if isinstance(ax, Axes) else list(ax) if isinstance(ax, (Sequence, np.ndarray)) else None
    if given is None or not all(isinstance(a, Axes) for a in given):
        raise TypeError(f"ax: expected a matplotlib Axes{' or a sequence of them' if n > 1 else ''}, "
                        f"got {type(ax).__name__}")
    if len(given) != n:
        raise ValueError(f"ax: {n} Axes needed (one per channel), got {len(given)}")
    parent = given[0].figure
    return (parent.figure if isinstance(parent, SubFigure) else parent), given  # a SubFigure's Axes: the root Figure


def _signal(x: Any, name: str, *, ndim: int | None = None) -> np.ndarray:
    """A finite-shaped real array (NaN allowed: gaps are drawn as gaps) with at least one sample."""
    a = real_array(x, name)
    if ndim is not None and a.ndim != ndim:
        raise ValueError(f"{name}: expected a {ndim}-D array, got shape {a.shape}")
    if a.ndim == 0 or a.shape[0] == 0:
        raise ValueError(f"{name}: needs at least one sample, got shape {a.shape}")
    return a


def _times(n: int, fs: Any, start_s: Any) -> np.ndarray:
    return number(start_s, "start_s") + np.arange(n) / finite_positive(fs, "fs")


def _span(span_s: Any, name: str = "span_s") -> tuple[float, float] | None:
    if span_s is None:
        return None
    s = real_array(span_s, name)
    if s.shape != (2,) or not np.all(np.isfinite(s)) or not s[0] < s[1]:
        raise ValueError(f"{name}: expected (start, end) in s with start < end, got {span_s!r}")
    return float(s[0]), float(s[1])


def _require(value: Any, kind: Any, name: str, what: str) -> Any:
    if not isinstance(value, kind):
        raise TypeError(f"{name}: expected {what}, got {type(value).__name__}")
    return value


# --- EMG ---------------------------------------------------------------------------------------------------------

@keyword_fs("envelope", "fs", "activations")
def envelopes(envelope: Any, activations: emg.ActivationTable | None = None, *, fs: float, start_s: float = 0.0,
              channel_names: Sequence[str] | None = None, rest_s: Any=None, unit: str | None = None, ax: Any=None) -> Figure:
    """EMG envelopes, one row per channel, with each activation shaded (onset to offset) and the rest window grey.

    Parameters
    ----------
    envelope : array_like, shape (n_samples,) or (n_samples, n_channels)
        Envelopes, e.g. from :func:`kinemyo.emg.offline_envelope` (V, or the recording's units).
    fs : float
        Sampling rate of ``envelope`` in Hz.
    activations : ActivationTable, optional
        From :func:`kinemyo.emg.detect_activations` on these envelopes (times in s from their first sample).
    start_s : float
        Time of the first sample in s (e.g. on a session clock); the activations are shifted with it.
    channel_names : sequence of str, optional
        Row titles; default the activation table's names, else ``channel 0``, ``channel 1``, ...
    rest_s : (start, end) or sequence of them, optional
        Rest window in s on the plotted clock, one for all channels or one per channel.
    unit : str, optional
        The envelopes' unit for the axis label (e.g. ``"V"``).
    ax : Axes or sequence of Axes, optional
        One Axes per channel to draw into.

    Returns
    -------
    matplotlib.figure.Figure
        The activation spans carry ``gid="activation"``, the rest spans ``gid="rest"``.
    """
    env = _signal(envelope, "envelope")
    env = env.reshape(-1, 1) if env.ndim == 1 else env
    if env.ndim != 2:
        raise ValueError(f"envelope: expected (n_samples,) or (n_samples, n_channels), got shape {env.shape}")
    n_ch = env.shape[1]
    t = _times(env.shape[0], fs, start_s)
    if activations is not None:
        _require(activations, emg.ActivationTable, "activations", "an ActivationTable from emg.detect_activations")
        if len(activations) and int(np.max(activations.channel)) >= n_ch:
            raise ValueError(f"activations: channel {int(np.max(activations.channel))} but envelope has {n_ch} "
                             f"channel(s)")
    names = list(channel_names) if channel_names is not None else (
        list(activations.channel_names) if activations is not None and len(activations.channel_names) == n_ch
        else [f"channel {k}" for k in range(n_ch)])
    if len(names) != n_ch:
        raise ValueError(f"channel_names: {len(names)} names for {n_ch} channel(s)")
    rests = None
    if rest_s is not None:
        r = real_array(rest_s, "rest_s")
        if r.shape == (2,):
            r = np.tile(r, (n_ch, 1))
        if r.shape != (n_ch, 2) or not np.all(np.isfinite(r)) or np.any(r[:, 0] >= r[:, 1]):
            raise ValueError(f"rest_s: expected (start, end) with start < end, or one per channel ({n_ch}), "
                             f"got {rest_s!r}")
        rests = r
    if unit is not None and not isinstance(unit, str):
        raise TypeError(f"unit: expected a str, got {type(unit).__name__}")
    fig, axes = _axes_for(ax, n_ch, (10, 0.6 + 1.8 * n_ch))
    t0 = t[0]
    for k, a in enumerate(axes):
        a.plot(t, env[:, k], lw=0.8, color="C0")
        if activations is not None:
            mine = activations.channel == k
            for on, off in zip(activations.onset_s[mine], activations.offset_s[mine]):
                a.axvspan(t0 + on, t0 + off, color="C2", alpha=0.2, lw=0, gid="activation")
        if rests is not None:
            a.axvspan(*rests[k], color="0.85", lw=0, zorder=0, gid="rest")
        a.set_title(names[k], fontsize=9, loc="left")
        a.set_ylabel(f"envelope ({unit})" if unit else "envelope")
    axes[-1].set_xlabel("time (s)")
    return fig


def ratio(table: emg.IndexTable, *, start_s: float = 0.0, index: str = "activation_ratio", label: str | None = None,
          ax: Any=None) -> Figure:
    """One index between two muscles over time, at the centre of each window, e.g. the activation ratio of
    gluteus medius to paraspinal.

    Parameters
    ----------
    table : IndexTable
        From :func:`kinemyo.emg.sliding_indices` (window times in s from the envelopes' first sample).
    start_s : float
        Time of the envelopes' first sample in s; the window times are shifted with it.
    index : str
        The column drawn: ``"activation_ratio"`` (dimensionless, with a dashed line at 1), ``"rudolph_cci"``,
        ``"falconer_winter_coi_pct"`` or ``"symmetry_index_pct"`` (%).
    label : str, optional
        Legend entry (e.g. ``"GM_L:ES_L"``); several calls with one ``ax`` overlay several pairs.
    ax : Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    _require(table, emg.IndexTable, "table", "an IndexTable from emg.sliding_indices")
    if index not in _INDEX_LABELS:
        raise ValueError(f"index: expected one of {', '.join(_INDEX_LABELS)}, got {index!r}")
    if label is not None and not isinstance(label, str):
        raise TypeError(f"label: expected a str, got {type(label).__name__}")
    fig, (a,) = _axes_for(ax, 1, (10, 2.6))
    t = number(start_s, "start_s") + (table.t_start_s + table.t_end_s) / 2
    a.plot(t, getattr(table, index), lw=1, label=label)
    if index == "activation_ratio" and not any(line.get_gid() == "reference" for line in a.lines):
        a.axhline(1.0, color="0.5", lw=0.8, ls="--", gid="reference")
    a.set_xlabel("time (s)")
    a.set_ylabel(_INDEX_LABELS[index])
    if label is not None:
        a.legend(fontsize=8)
    return fig


# --- IMU -----------------------------------------------------------------------------------------------------------

@keyword_fs("angles", "fs")
def joint_angles(angles: Mapping[str, np.ndarray], *, fs: float, start_s: float = 0.0, title: str | None = None,
                 ax: Any=None) -> Figure:
    """Joint or segment angles over time, in degrees.

    Parameters
    ----------
    angles : mapping of str to array_like, shape (n_samples,)
        Angles in rad, e.g. :func:`kinemyo.imu.hip_angles`, :func:`kinemyo.imu.lumbopelvic_angles`,
        ``{"sagittal": gait.foot_angle(...)}`` or ``{"inclination": imu.inclination(...)}``.
    fs : float
        Sampling rate in Hz.
    start_s : float
        Time of the first sample in s.
    title : str, optional
    ax : Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
        One line per angle, labelled with its name, its data in degrees.
    """
    _require(angles, Mapping, "angles", "a mapping of name to angle series (rad), e.g. imu.hip_angles(...)")
    if not angles:
        raise ValueError("angles: no angle series given")
    series = {str(k): _signal(v, f"angles[{k!r}]", ndim=1) for k, v in angles.items()}
    lengths = {len(v) for v in series.values()}
    if len(lengths) != 1:
        raise ValueError(f"angles: the series differ in length ({sorted(lengths)})")
    t = _times(lengths.pop(), fs, start_s)
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title: expected a str, got {type(title).__name__}")
    fig, (a,) = _axes_for(ax, 1, (10, 2.6))
    for name, v in series.items():
        a.plot(t, np.degrees(v), lw=0.8, label=name.replace("_", " "))
    a.set_xlabel("time (s)")
    a.set_ylabel("angle (deg)")
    if title:
        a.set_title(title, fontsize=9, loc="left")
    a.legend(fontsize=7, loc="upper right")
    return fig


@keyword_fs("estimate", "reference", "fs")
def orientation_error(estimate: Any, reference: Any, *, fs: float, start_s: float = 0.0, mask: Any=None, ax: Any=None) -> Figure:
    """Total, heading and inclination error of estimated against reference orientations over time, in degrees
    (:func:`kinemyo.imu.orientation_errors`; BROAD definitions), with each one's RMSE in the title.

    Parameters
    ----------
    estimate, reference : array_like, shape (n_samples, 4)
        Unit quaternions ``[w, x, y, z]`` (sensor to earth), e.g. ``imu.robust_orientation(...).quat_9d`` and an
        optical reference. Rows with NaN give gaps.
    fs : float
        Sampling rate in Hz.
    start_s : float
        Time of the first sample in s.
    mask : array_like of bool, shape (n_samples,), optional
        The samples that count for the RMSE (e.g. BROAD's ``movement == 1``); all by default.
    ax : Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
        Lines labelled ``total_deg``, ``heading_deg`` and ``inclination_deg``.
    """
    if isinstance(estimate, imu.OrientationEstimate) or isinstance(reference, imu.OrientationEstimate):
        raise TypeError("estimate/reference: an OrientationEstimate holds quat_6d and quat_9d: pass the one to plot")
    est = _signal(estimate, "estimate", ndim=2)
    ref = _signal(reference, "reference", ndim=2)
    if est.shape[1] != 4 or ref.shape != est.shape:
        raise ValueError(f"estimate/reference: expected two (n_samples, 4) quaternion arrays of one length, got "
                         f"{est.shape} and {ref.shape}")
    errors = imu.orientation_errors(est, ref)
    keep = None
    if mask is not None:
        keep = np.asarray(mask)
        if keep.dtype != bool or keep.shape != (est.shape[0],):
            raise ValueError(f"mask: expected a bool array of shape ({est.shape[0]},), got {keep.dtype} {keep.shape}")
    t = _times(est.shape[0], fs, start_s)
    fig, (a,) = _axes_for(ax, 1, (10, 2.8))
    rmse = []
    for k, color in (("total", "k"), ("heading", "C1"), ("inclination", "C0")):
        a.plot(t, np.degrees(errors[k]), lw=0.7, color=color, label=f"{k}_deg")
        valid = ~np.isnan(errors[k]) if keep is None else keep & ~np.isnan(errors[k])
        rmse.append(f"{k} {imu.rmse_deg(errors[k], valid):.2f}" if valid.any() else f"{k} n/a")
    a.set_xlabel("time (s)")
    a.set_ylabel("orientation error (deg)")
    a.set_title("RMSE (deg): " + ", ".join(rmse), fontsize=9, loc="left")
    a.legend(fontsize=8, loc="upper right")
    return fig


# --- gait ----------------------------------------------------------------------------------------------------------

@keyword_fs("signal", "fs", "events")
def gait_events(signal: Any, events: Any, *, fs: float, start_s: float = 0.0, span_s: Any=None, ylabel: str | None = None, ax: Any=None) -> Figure:
    """A gait signal with its detected contacts marked: initial contacts (down triangles) and final contacts /
    toe-offs (up triangles); for a lower-back sensor coloured by side, with turns shaded.

    Parameters
    ----------
    signal : array_like, shape (n_samples,)
        The signal the events belong to, e.g. a foot's sagittal angular rate (rad/s) or the lower-back
        acceleration norm minus gravity (m/s^2).
    fs : float
        Sampling rate in Hz.
    events : FootEvents or LowerBackGait
        From :func:`kinemyo.gait.foot_events` (or ``analyze_feet(...).left``) or
        :func:`kinemyo.gait.lower_back_gait`; times in s on the same clock as ``start_s`` (the library's results
        count from the first sample: ``start_s=0``).
    start_s : float
        Time of the signal's first sample in s.
    span_s : (start, end), optional
        The stretch drawn, in s; the whole signal by default.
    ylabel : str, optional
        Axis label; default by the kind of events.
    ax : Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
        Markers carry ``gid="initial_contact"`` / ``gid="final_contact"``, turn spans ``gid="turn"``.
    """
    x = _signal(signal, "signal", ndim=1)
    _require(events, (gait.FootEvents, gait.LowerBackGait), "events",
             "FootEvents (gait.foot_events) or LowerBackGait (gait.lower_back_gait)")
    t = _times(len(x), fs, start_s)
    lo, hi = _span(span_s) or (t[0], t[-1])
    keep = (t >= lo) & (t <= hi)
    if not keep.any():
        raise ValueError(f"span_s: ({lo:g}, {hi:g}) s holds no sample of the signal ({t[0]:g}-{t[-1]:g} s)")
    lo, hi = t[keep][0], t[keep][-1]
    if ylabel is not None and not isinstance(ylabel, str):
        raise TypeError(f"ylabel: expected a str, got {type(ylabel).__name__}")
    fig, (a,) = _axes_for(ax, 1, (10, 2.8))
    a.plot(t[keep], x[keep], lw=0.8, color="0.3")

    def mark(times: Any, marker: Any, color: Any, label: Any, gid: Any) -> None:
        times = np.asarray(times, dtype=np.float64)
        times = times[(times >= lo) & (times <= hi)]
        if len(times):
            a.plot(times, np.interp(times, t, x), marker, color=color, ls="none", label=label, gid=gid)

    if isinstance(events, gait.FootEvents):
        mark(events.initial_contact, "v", "C0", "initial contact", "initial_contact")
        mark(events.terminal_contact, "^", "C1", "toe-off", "final_contact")
        default_label = "sagittal rate (rad/s)"
    else:
        for side, color in (("left", "tab:blue"), ("right", "tab:orange"), ("unknown", "0.5")):
            mark(events.initial_contact[events.initial_contact_side == side], "v", color, f"initial contact {side}",
                 "initial_contact")
            mark(events.final_contact[events.final_contact_side == side], "^", color, f"final contact {side}",
                 "final_contact")
        for s0, s1 in zip(events.turns["start_s"], events.turns["end_s"]):
            if s1 >= lo and s0 <= hi:
                a.axvspan(max(s0, lo), min(s1, hi), color="0.9", zorder=0, gid="turn")
        default_label = "|acc| - g (m/s^2)"
    a.set_xlabel("time (s)")
    a.set_ylabel(ylabel if ylabel is not None else default_label)
    if a.get_legend_handles_labels()[0]:
        a.legend(fontsize=8, loc="upper right")
    return fig


def _unit(column: str) -> str:
    return next((u for suffix, u in _COLUMN_UNITS if column.endswith(suffix)), "")


def left_right(strides: Any, *, parameters: Sequence[str] | None = None, affected: str | None = None, ax: Any=None) -> Figure:
    """Median of each gait parameter per side as paired bars, with the symmetry index (Robinson et al. 1987,
    :func:`kinemyo.gait.side_index`) above each pair; strides flagged by quality control are left out.

    Parameters
    ----------
    strides : GaitAnalysis, LowerBackGait or DataFrame
        Feet (``analyze_feet``: its stride table), a lower-back result (its step table) or such a table.
    parameters : sequence of str, optional
        Columns of one unit (e.g. ``"step_time_s"``, ``"stride_length_m"``); default step, stance, swing and
        single-support time (s) for a stride table, step and stride time for a step table.
    affected : {"left", "right"}, optional
        With a side named, a positive index means that side's value is larger (else the right side's).
    ax : Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
        Bars labelled ``left`` and ``right``; the index texts carry ``gid="symmetry_index"``.
    """
    import pandas as pd

    table = strides.strides if isinstance(strides, gait.GaitAnalysis) else (
        strides.steps if isinstance(strides, gait.LowerBackGait) else strides)
    if not isinstance(table, pd.DataFrame):  # as _require, narrowing the type
        raise TypeError(f"strides: expected a GaitAnalysis, LowerBackGait or their stride/step table, "
                        f"got {type(table).__name__}")
    missing = [c for c in ("side", "excluded") if c not in table.columns]
    if missing:
        raise ValueError(f"strides: missing column(s) {', '.join(missing)} (a stride or step table is expected)")
    if affected not in (None, "left", "right"):
        raise ValueError(f"affected: expected 'left', 'right' or None, got {affected!r}")
    kept = table[~table["excluded"].astype(bool)]
    if parameters is None:
        default = ("step_time_s", "stance_time_s", "swing_time_s", "single_support_s") \
            if "stance_time_s" in table.columns else ("step_time_s", "stride_time_s")
        parameters = [p for p in default if p in table.columns]
    elif isinstance(parameters, str) or not all(isinstance(p, str) for p in parameters):
        raise TypeError("parameters: expected a sequence of column names")
    parameters = list(parameters)
    absent = [p for p in parameters if p not in table.columns]
    if absent or not parameters:
        raise ValueError(f"parameters: {', '.join(absent) or 'none given'} not in the table (columns: "
                         f"{', '.join(map(str, table.columns))})")
    units = {_unit(p) for p in parameters}
    if len(units) != 1:
        raise ValueError(f"parameters: one unit per figure, got {', '.join(parameters)}")
    fig, (a,) = _axes_for(ax, 1, (10, 3.0))
    x = np.arange(len(parameters))
    values = {side: [kept.loc[kept["side"] == side, p].to_numpy(dtype=np.float64) for p in parameters]
              for side in ("left", "right")}
    for k, side in enumerate(("left", "right")):
        med = [float(np.nanmedian(v)) if np.isfinite(v).any() else np.nan for v in values[side]]
        a.bar(x + (k - 0.5) * 0.38, med, 0.38, label=side)
    top = a.get_ylim()[1]
    a.set_ylim(0, top * 1.2)
    for i, p in enumerate(parameters):
        left, right = values["left"][i], values["right"][i]
        if np.isfinite(left).any() and np.isfinite(right).any():
            si = gait.side_index("symmetry_index", left, right, affected=affected).value
            a.text(i, top * 1.15, f"SI {si:+.1f} %", ha="center", va="top", fontsize=8, gid="symmetry_index")
    unit = units.pop()
    a.set_xticks(x, [_short(p) for p in parameters])
    a.set_ylabel(f"median ({unit})" if unit else "median")
    a.legend(fontsize=8)
    return fig


def _short(column: str) -> str:
    """``step_time_s`` -> ``step time``: the column name without its unit suffix."""
    for suffix, _ in _COLUMN_UNITS:
        if column.endswith(suffix):
            return column[: -len(suffix)].replace("_", " ")
    return column.replace("_", " ")


# --- questionnaires ------------------------------------------------------------------------------------------------

def questionnaire_bands(results: Any, *, ax: Any=None) -> Figure:
    """Each score on its instrument's range, the severity bands shaded and named, the score marked with its value
    and band.

    Parameters
    ----------
    results : ScoreResult, sequence of ScoreResult or mapping of instrument to ScoreResult
        From :func:`kinemyo.questionnaire.score` (or a session's ``SessionResult.questionnaires``).
    ax : Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
        One row per score (x: fraction of the score's range); band names carry ``gid="band_label"``, score
        markers ``gid="score"``.
    """
    ScoreResult = questionnaire.ScoreResult
    items = [results] if isinstance(results, ScoreResult) else list(results.values()) \
        if isinstance(results, Mapping) else list(results) if isinstance(results, Sequence) \
        and not isinstance(results, str) else None
    if items is None or not items or not all(isinstance(r, ScoreResult) for r in items):
        raise TypeError(f"results: expected a ScoreResult (questionnaire.score) or a non-empty sequence or mapping "
                        f"of them, got {type(results).__name__}")
    rows = []
    for r in items:
        for s in questionnaire.instrument_info(r.instrument)["scores"]:
            if s["name"] in r.scores:
                rows.append((f"{r.instrument} {s['name']}", r.scores[s["name"]], s))
    fig, (a,) = _axes_for(ax, 1, (10, 0.6 + 0.5 * len(rows)))
    for i, (label, v, s) in enumerate(rows):
        lo, hi = s["range"]
        width = hi - lo
        if not s["bands"]:
            a.barh(i, 1.0, left=0.0, height=0.6, color="0.9")
        for j, b in enumerate(s["bands"]):
            left, right = (b["lower"] - lo) / width, (b["upper"] - lo) / width
            a.barh(i, right - left, left=left, height=0.6, color=f"C{j}", alpha=0.25)
            a.text((left + right) / 2, i - 0.22, b["label"], ha="center", va="center", fontsize=6, color="0.25",
                   clip_on=True, gid="band_label")
        if v.computable:
            a.plot((v.value - lo) / width, i, "k|", ms=14, mew=2, gid="score")
            a.text(1.01, i, f"{v.value:.1f}" + (f" {v.band}" if v.band else ""), va="center", fontsize=8)
        else:
            a.text(1.01, i, "not computable", va="center", fontsize=8)
    a.set_yticks(range(len(rows)), [row[0] for row in rows])
    a.set_ylim(-0.6, len(rows) - 0.4)
    a.set_xlim(0, 1)
    a.set_xlabel("fraction of the score range (bands shaded)")
    return fig
