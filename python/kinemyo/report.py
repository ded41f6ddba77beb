"""Write a session's results: ``summary.json`` (machine-readable, every number from the library), ``strides.csv``
(the per-stride gait table) and ``report.html`` (self-contained: figures embedded as PNG, no external files)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import base64
import html
import io
import json
import pathlib

import numpy as np

from kinemyo._jsonutil import strict_json
from kinemyo.analysis import SessionResult, _table

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["write_report"]

FIGURES = ("emg", "ratio", "angles", "rom", "gait_events", "gait_bars", "lower_back", "questionnaires")


def _subplots(*grid: int, figsize: tuple[float, float] | None = None, constrained_layout: bool = False,
              **kw: Any) -> tuple[Figure, Any]:
    """Like pyplot.subplots, but a bare Figure: no pyplot state and no global backend switch, so a notebook's
    inline plotting is untouched by writing a report. The second item is an Axes or an array of them, as
    ``Figure.subplots`` returns for ``grid`` and ``squeeze``."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, constrained_layout=constrained_layout)
    return fig, fig.subplots(*grid, **kw)


def _png(fig: Figure, *, dpi: int = 110) -> str:
    """The figure as base64 PNG text for an inline ``<img>`` (the report's at 110 dpi)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _json_default(x: Any) -> Any:
    if isinstance(x, (np.floating, np.integer)):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, (np.bool_,)):
        return bool(x)
    raise TypeError(type(x).__name__)


def _activation_table(name: str, d: dict[str, Any], method: str) -> Any:
    """A channel's activations as the session result keeps them (session-clock lists) back in the library's
    ActivationTable, times from the channel's first sample."""
    from kinemyo.emg import ActivationTable

    start, n, fs = d["t"][0], len(d["t"]), d["fs"]
    on, off = np.asarray(d["onsets"], dtype=np.float64) - start, np.asarray(d["offsets"], dtype=np.float64) - start
    off_sample = np.round(off * fs).astype(np.int64)
    return ActivationTable(np.zeros(len(on), dtype=np.int64), on, off, np.round(on * fs).astype(np.int64), off_sample,
                           off_sample < n, fs, method, [name])


def _ratio_table(d: dict[str, Any]) -> Any:
    """The windows the session result keeps for a ratio (centre times, activation ratio) as an IndexTable; the
    other indices were not kept (NaN)."""
    from kinemyo.analysis import RATIO_WINDOW_S
    from kinemyo.emg import IndexTable

    t, ratio = np.asarray(d["t"], dtype=np.float64), np.asarray(d["ratio"], dtype=np.float64)
    nan = np.full(len(t), np.nan)
    return IndexTable(t - RATIO_WINDOW_S / 2, t + RATIO_WINDOW_S / 2, ratio, nan, nan, nan)


def _rate(t: np.ndarray) -> float:
    """The sampling rate of a uniform time grid."""
    return (len(t) - 1) / (t[-1] - t[0]) if len(t) > 1 and t[-1] > t[0] else 1.0


def _figures(r: SessionResult) -> dict[str, tuple[str, str]]:
    from kinemyo import gait, plot

    figs: dict[str, tuple[str, str]] = {}
    if r.emg:
        names = list(r.emg)[:8]
        fig, axes = _subplots(len(names), 1, figsize=(10, 1.9 * len(names)), sharex=True, squeeze=False)
        for ax, name in zip(axes[:, 0], names):
            d = r.emg[name]
            method = r.summary["emg"][name]["onset_config"].get("method", "threshold")
            plot.envelopes(d["envelope"], _activation_table(name, d, method), fs=d["fs"], start_s=d["t"][0],
                           rest_s=d["rest"], unit=d["unit"], ax=ax)
            q = d["quality"]
            flags = [k for k in ("clipping", "flat", "mains", "motion") if q.get(k)]
            ax.set_title(f"{name}: envelope ({d['unit']}); activations shaded green, rest grey; quality: "
                         f"{', '.join(flags) if flags else 'ok'}", fontsize=9, loc="left")
            ax.set_ylabel("")
            ax.set_xlabel("")
        axes[-1, 0].set_xlabel("time (s)")
        figs["emg"] = ("EMG envelopes with activations and quality flags", _png(fig))
    if r.ratios:
        fig, ax = _subplots(figsize=(10, 2.6))
        for key, d in r.ratios.items():
            plot.ratio(_ratio_table(d), label=key, ax=ax)
        figs["ratio"] = ("Muscle activation ratio over time (1 s windows; envelopes / their 95th percentile)", _png(fig))
    if r.angles:
        names = list(r.angles)
        fig, axes = _subplots(len(names), 1, figsize=(10, 0.6 + 1.8 * len(names)), sharex=True, squeeze=False)
        for ax, name in zip(axes[:, 0], names):
            d = r.angles[name]
            plot.joint_angles(d["angles"], fs=_rate(d["t"]), start_s=d["t"][0], title=name, ax=ax)
            ax.set_ylabel("deg")
            ax.set_xlabel("")
        axes[-1, 0].set_xlabel("time (s)")
        figs["angles"] = ("Joint and segment angles", _png(fig))
        rows = [(f"{name}: {k.replace('_', ' ')}", np.degrees(t.range)) for name, d in r.angles.items()
                for k, t in d["repetitions"].items() if len(t)]
        if rows:
            fig, ax = _subplots(figsize=(10, 0.8 + 0.5 * len(rows)))
            for i, (label, ranges) in enumerate(rows):
                ax.plot(ranges, np.full(len(ranges), i), "o", ms=4, alpha=0.7)
                ax.text(ranges.max(), i + 0.25, f"median {np.median(ranges):.1f} deg, "
                        f"n={len(ranges)}", fontsize=7, ha="right")
            ax.set_yticks(range(len(rows)), [label for label, _ in rows], fontsize=8)
            ax.set_ylim(-0.6, len(rows) - 0.3)
            ax.set_xlabel("range of motion per repetition (deg)")
            figs["rom"] = ("Range of motion per repetition (valley to peak, rises and returns over 10 deg)", _png(fig))
    if r.gait is not None:
        if r.gait_base is None:  # analyze_session sets both together
            raise ValueError("session result: gait without gait_base (the feet's time base)")
        fig, axes = _subplots(2, 1, figsize=(10, 4.2), sharex=True)
        t0 = r.gait_base.start_s  # event times count from the feet grid's start; plotted on the session clock
        for ax, side in zip(axes, ("left", "right")):
            ev = r.gait.left if side == "left" else r.gait.right
            on_clock = gait.FootEvents(ev.initial_contact + t0, ev.terminal_contact + t0, ev.mid_stance + t0)
            plot.gait_events(r.gait_signals[side], on_clock, fs=r.gait_base.fs, start_s=t0, span_s=(t0, t0 + 12.0),
                             ylabel=f"{side} sagittal\nrate (rad/s)", ax=ax)
            ax.set_xlabel("")
        axes[-1].set_xlabel("time (s)")
        figs["gait_events"] = ("Gait events on the foot gyroscope traces (first 12 s)", _png(fig))
        fig, ax = _subplots(figsize=(10, 3.0))
        plot.left_right(r.gait, affected=r.session.affected_side, ax=ax)
        figs["gait_bars"] = ("Left and right step, stance, swing and single-support times with symmetry indices", _png(fig))
    if r.lower_back is not None and len(r.lower_back.initial_contact):
        t = r.lower_back_signal["t"]
        start = _table(r.lower_back.bouts, "lower_back.bouts").start_s.iloc[0] - 1.0
        fig, ax = _subplots(figsize=(10, 2.8))
        plot.gait_events(r.lower_back_signal["acc_norm"], r.lower_back, fs=r.summary["gait_lower_back"]["fs_hz"],
                         start_s=t[0], span_s=(max(start, t[0]), max(start, t[0]) + 12.0), ax=ax)
        figs["lower_back"] = ("Lower-back sensor: initial and final contacts by side in the first 12 s of walking "
                              "(turns shaded)", _png(fig))
    if r.questionnaires:
        fig, ax = _subplots(figsize=(10, 0.5 + 0.45 * sum(len(q.scores) for q in r.questionnaires.values())))
        plot.questionnaire_bands(r.questionnaires, ax=ax)
        figs["questionnaires"] = ("Questionnaire scores within their bands", _png(fig))
    return figs


def _fmt(v: Any, digits: int = 2) -> str:
    return "n/a" if v is None else f"{v:.{digits}f}"


def key_results(summary: dict[str, Any]) -> list[tuple[str, str]]:
    """The report's key-results table: (what, value) rows, every value formatted from ``summary``."""
    rows = []
    for name, e in summary.get("emg", {}).items():
        q = e["quality"]
        flags = [k for k in ("clipping", "flat", "mains", "motion", "ecg") if q.get(k)]
        trend = e["median_frequency_trend"]
        mdf = "" if trend is None else f"; median frequency {trend['slope']:+.2f} Hz/s (p = {trend['p_value']:.2g})"
        n = e["activations"]
        rows.append((f"EMG {name}" + (f" ({e['muscle']}, {e['side']})" if e.get("muscle") else ""),
                     f"{n} activation{'' if n == 1 else 's'}, active {100 * e['active_fraction']:.1f} % of the time; "
                     f"quality {', '.join(flags) if flags else 'ok'}{mdf}"))
    for key, r in summary.get("ratios", {}).items():
        rows.append((f"activation ratio {key}", f"median over 1 s windows {_fmt(r['median_windowed_ratio'])}, "
                     f"whole recording {_fmt(r['overall_activation_ratio'])}"))
    g = summary.get("gait", {})
    if "skipped" in g:
        rows.append(("gait", g["skipped"]))
    elif g:
        med = g["median"]
        rows.append(("gait strides", f"{g['strides_kept']} of {g['strides']} kept"))
        for col, label, digits in (("stride_time_s", "stride time (s)", 3), ("stride_length_m", "stride length (m)", 2),
                                   ("gait_speed_m_per_s", "gait speed (m/s)", 2)):
            rows.append((label, f"left {_fmt(med[col]['left'], digits)}, right {_fmt(med[col]['right'], digits)}"))
        for side, f in g.get("foot_angle_deg", {}).items():
            rows.append((f"foot angle {side} (deg)", f"heel strike {_fmt(f['max_per_stride_median'], 1)}, push-off "
                         f"{_fmt(f['min_per_stride_median'], 1)} (medians over {f['strides']} strides)"))
    lb = summary.get("gait_lower_back")
    if lb:
        rows.append(("lower-back gait", f"{lb['walking_bouts']} walking bouts ({lb['walking_s']:.0f} s), "
                     f"{lb['steps_kept']} of {lb['steps']} steps kept, {lb['turns']} turns"))
        st = lb["median"]["step_time_s"]
        si = next((row["value"] for row in lb["asymmetry"] if row["parameter"] == "step_time_s"
                   and row["index"] == "symmetry_index"), None)
        rows.append(("step time (s), lower back", f"left {_fmt(st['left'], 3)}, right {_fmt(st['right'], 3)}; "
                     f"symmetry index {_fmt(si, 1)} %; cadence {_fmt(lb['cadence_steps_per_min'], 0)} steps/min"))
    m = summary.get("imu", {})
    if "angles_skipped" in m:
        rows.append(("joint angles", m["angles_skipped"]))
    for name, angles in m.get("angles_deg", {}).items():
        for k, a in angles.items():
            rom = a["range_per_repetition"]
            reps = f"; {a['repetitions']} repetitions, median range {float(np.median(rom)):.1f}" if rom else ""
            rows.append((f"{name} {k.replace('_', ' ')} (deg)", f"5-95 % {a['p5']:.1f} to {a['p95']:.1f}{reps}"))
    for inst, q in summary.get("questionnaires", {}).items():
        for name, v in q["scores"].items():
            value = "not computable: " + str(v["reason"]) if v["value"] is None else \
                f"{v['value']:.1f}" + (f" ({v['band']})" if v["band"] else "")
            rows.append((f"{inst} {name}", value))
    return rows


def write_report(result: SessionResult, out_dir: str | pathlib.Path, *, force: bool = False) -> dict[str, pathlib.Path]:
    """Write ``summary.json``, ``strides.csv`` (feet) / ``steps.csv`` (lower back) when gait was analysed and
    ``report.html`` into ``out_dir``, all at once: the files are written to a temporary folder that then replaces
    ``out_dir`` (see :mod:`kinemyo._outdir`), so an interrupted run leaves the previous results intact. A folder
    that already holds results is replaced only with ``force=True`` (OutputExists otherwise); a second run into the
    same folder while one is writing raises OutputLocked. JSON is standard: NaN and infinities are written as null.
    """
    from kinemyo._outdir import result_folder

    final = pathlib.Path(out_dir)
    with result_folder(final, force=force, version=str(result.summary.get("kinemyo_version", ""))) as out:
        written = _write_files(result, out)
    return {kind: final / path.name for kind, path in written.items()}


def _write_files(result: SessionResult, out: pathlib.Path) -> dict[str, pathlib.Path]:
    paths = {"summary": out / "summary.json", "report": out / "report.html"}
    summary_json = json.dumps(strict_json(result.summary), indent=1, default=_json_default, allow_nan=False)
    paths["summary"].write_text(summary_json, encoding="utf-8")
    if result.gait is not None:
        paths["strides"] = out / "strides.csv"
        _table(result.gait.strides, "gait.strides").to_csv(paths["strides"], index=False)
    if result.lower_back is not None:
        paths["steps"] = out / "steps.csv"
        _table(result.lower_back.steps, "lower_back.steps").to_csv(paths["steps"], index=False)
    figs = _figures(result)
    s = result.session
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>kinemyo session {html.escape(s.name)}</title>",
             "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
             "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 8px}"
             "figure{margin:1.5em 0}figcaption{font-weight:bold;margin-bottom:.3em}img{max-width:100%}</style>",
             "</head><body>", f"<h1>Session {html.escape(s.name)}</h1>",
             "<p>" + html.escape(", ".join(f"{label} {value}" for label, value in (
                 ("subject", s.subject), ("date", s.date), ("affected side", s.affected_side)) if value))
             + f" (kinemyo {result.summary['kinemyo_version']})</p>"]
    sources = result.summary.get("sources")
    if sources:
        parts.append("<h2>Recordings</h2><ul>" + "".join(f"<li>{html.escape(x)}</li>" for x in sources) + "</ul>")
    parts.append("<h2>Key results</h2><table id='key-results'>" + "".join(
        f"<tr><th style='text-align:left'>{html.escape(a)}</th><td>{html.escape(b)}</td></tr>"
        for a, b in key_results(result.summary)) + "</table>")
    for key in FIGURES:
        if key in figs:
            caption, data = figs[key]
            parts.append(f"<figure id='{key}'><figcaption>{html.escape(caption)}</figcaption>"
                         f"<img alt='{html.escape(caption)}' src='data:image/png;base64,{data}'></figure>")
    for key, title in (("gait", "Gait asymmetry"), ("gait_lower_back", "Gait asymmetry from the lower back")):
        if key not in result.summary or "asymmetry" not in result.summary[key]:
            continue
        rows = [r for r in result.summary[key]["asymmetry"] if r["index"] in
                ("symmetry_index", "symmetry_angle", "gait_asymmetry") or r["index"].startswith("pci")]
        parts.append(f"<h2>{title} (median per side; positive = right"
                     + (" / affected" if s.affected_side else "") + " larger)</h2><table><tr><th>parameter</th>"
                     "<th>index</th><th>value</th><th>n left</th><th>n right</th></tr>")
        for r in rows:
            v = r["value"]
            parts.append(f"<tr><td>{r['parameter']}</td><td>{r['index']}</td><td>{'' if v is None else f'{v:.2f}'}"
                         f"</td><td>{r.get('n_left', '')}</td><td>{r.get('n_right', '')}</td></tr>")
        parts.append("</table>")
    parts.append("<h2>Summary</h2><details><summary>summary.json (every number above, machine-readable)</summary>"
                 "<pre style='white-space:pre-wrap'>"
                 + html.escape(summary_json) + "</pre></details>"
                 "</body></html>")
    paths["report"].write_text("\n".join(parts), encoding="utf-8")
    return paths
