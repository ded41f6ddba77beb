"""Progress over weeks: one patient's sessions from the session store (:mod:`kinemyo.store`) as a tidy table, a
plain-language line per measure and a self-contained HTML report; and a readable comparison of summary.json files.

``kinemyo.progress(patient, store=..., baseline=..., mic=...)`` (this module is callable) returns a
:class:`ProgressResult`. Each measure of each session is set against the baseline session (the first, or the one
on ``baseline``'s date) and its minimal important change (MIC). kinemyo assumes no MIC of its own (published
values depend on population and method, see the README): MICs come from ``mic`` (a measure name such as
``"gait step_time_s symmetry_index"``, or a questionnaire id such as ``"odi"`` for all its scores) and from the
``mic`` entries of the patient's session files (stored with each session); a measure without one says so.

Status of a change (``|change| >= MIC`` counts, as :func:`kinemyo.questionnaire.change`): ``improved`` /
``worsened`` in the measure's direction (questionnaires: the instrument's; asymmetry indices: toward 0; gait
speed: faster), ``changed`` for measures with no better direction, ``no important change`` within the MIC,
``no MIC defined``, ``not computable`` (a value missing) and ``baseline`` for the baseline session itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import datetime
import html
import json
import math
import pathlib
import sys
import types
from dataclasses import dataclass, field

from kinemyo import _repr

if TYPE_CHECKING:
    import pandas as pd

    from kinemyo.store import SessionStore

__all__ = ["KEY_GROUPS", "ProgressResult", "change_status", "compare_summaries", "format_table", "load_summary",
           "progress"]

# The measures drawn and described: muscle ratio, activation timing, gait speed, step-time and stance asymmetry,
# range of motion and every questionnaire score (other measures stay in the table).
KEY_GROUPS = ("ratio", "activation", "gait speed", "asymmetry", "range of motion", "questionnaire")


def key_group(measure: str, group: str) -> str | None:
    """Which of :data:`KEY_GROUPS` a measure belongs to, or None when it is not a key measure."""
    if group == "ratio" and not measure.endswith(" overall"):
        return "ratio"
    if group == "emg" and measure.endswith(("activation_duration_s", "active_fraction")):
        return "activation"
    if group == "gait" and measure.startswith("gait gait_speed_m_per_s ") and not measure.endswith("_index"):
        return "gait speed"
    if group in ("gait", "gait_lower_back") and measure.endswith(("step_time_s symmetry_index",
                                                                   "stance_time_s symmetry_index")):
        return "asymmetry"
    if measure.endswith("range_per_repetition"):
        return "range of motion"
    if group == "questionnaire":
        return "questionnaire"
    return None


def change_status(before: float | None, after: float | None, mic: float | None, direction: str) -> str:
    """Status of the change ``before`` -> ``after`` against ``mic`` in the measure's ``direction``
    (see the module docstring); ``mic`` None: 'no MIC defined'."""
    if before is None or after is None or math.isnan(before) or math.isnan(after):
        return "not computable"
    if mic is None:
        return "no MIC defined"
    if direction == "zero_is_best":
        delta = abs(after) - abs(before)
    elif direction == "lower_is_better":
        delta = after - before
    elif direction == "higher_is_better":
        delta = before - after
    else:
        return "changed" if abs(after - before) >= mic else "no important change"
    return "improved" if delta <= -mic else "worsened" if delta >= mic else "no important change"


def _check_mic(mic: Any) -> dict[str, float]:
    if mic is None:
        return {}
    if not isinstance(mic, dict):
        raise TypeError(f"mic: expected a dict of measure or instrument name -> value, got {type(mic).__name__}")
    out = {}
    for k, v in mic.items():
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not (math.isfinite(v) and v > 0):
            raise ValueError(f"mic.{k}: must be a finite number > 0, got {v!r}")
        out[str(k)] = float(v)
    return out


def _mic_for(measure: str, group: str, mic: dict[str, float]) -> float | None:
    """A measure's MIC: by its own name, or a questionnaire's by the instrument id (first word)."""
    if measure in mic:
        return mic[measure]
    if group == "questionnaire":
        return mic.get(measure.split(" ", 1)[0])
    return None


def _unmatched(mic: dict[str, float], measures: Any) -> list[str]:
    pairs = list(measures)
    return [k for k in mic if not any(_mic_for(m, g, {k: 1.0}) is not None for m, g in pairs)]


def _num(v: float, unit: str) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    text = f"{v:.3g}" if abs(v) < 1000 else f"{v:.0f}"
    return f"{text} %" if unit == "%" else text if unit in ("1", "count") else f"{text} {unit}"


def _mic_words(mic: float, unit: str) -> str:
    return f"{mic:g} points" if unit in ("%", "points") else f"{mic:g}" if unit in ("1", "count") else \
        f"{mic:g} {unit}"


def plain_line(label: str, before: float, after: float, unit: str, mic: float | None, status: str) -> str:
    """One sentence on a measure's change, e.g. 'step time symmetry index (feet) 14 % -> 6 %, improved beyond
    the MIC of 5 points'."""
    head = f"{label} {_num(before, unit)} → {_num(after, unit)}"
    if status == "not computable":
        return f"{head}: not computable (a value is missing)"
    if status == "no MIC defined":
        return f"{head} (change {after - before:+.3g}); no MIC defined"
    if mic is None:  # every other status is a comparison with the MIC
        raise TypeError(f"mic: a number is needed for status {status!r}, got None")
    if status == "no important change":
        return f"{head}, no important change (within the MIC of {_mic_words(mic, unit)})"
    if status == "changed":
        return f"{head}, changed by more than the MIC of {_mic_words(mic, unit)}"
    return f"{head}, {status} beyond the MIC of {_mic_words(mic, unit)}"


@_repr.compact
@dataclass
class ProgressResult:
    """One patient's progress: ``table`` (one row per session x measure: patient, session_id, date,
    kinemyo_version, measure, group, key, label, value, unit, direction, baseline_date, baseline_value, change,
    mic, status), ``lines`` (a plain-language line per key measure, latest session against the baseline) and
    ``warnings`` (e.g. a MIC name that matches no measure)."""

    patient: str
    table: pd.DataFrame
    baseline_date: str
    lines: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def latest(self) -> pd.DataFrame:
        """The rows of the latest session (one per measure)."""
        t = self.table
        return t[t["session_id"].eq(t["session_id"].iloc[-1])]

    def to_text(self) -> str:
        dates = list(dict.fromkeys(self.table["date"]))
        return "\n".join([f"Progress of {self.patient}: {len(dates)} session(s) from {dates[0]} to {dates[-1]}, "
                          f"baseline {self.baseline_date}", *[f"  {line}" for line in self.lines]])

    def write_html(self, path: str | pathlib.Path) -> pathlib.Path:
        """A self-contained HTML report (figures inline as PNG): each key measure over the dates with the MIC
        band around the baseline value and questionnaire bands named on the score axis, the plain-language lines
        and the table."""
        path = pathlib.Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_html(self), encoding="utf-8")
        return path


def _open_store(store: Any) -> tuple[SessionStore, bool]:
    from kinemyo.store import SessionStore

    if isinstance(store, SessionStore):
        return store, False
    return SessionStore(store), True


def _latest_analyses(m: pd.DataFrame) -> pd.DataFrame:
    """Per session inputs (content_hash), the most recent analysis only: a re-analysis by a newer kinemyo
    replaces the older one in the progress, while the store keeps both."""
    keep = m.sort_values("analysed_at").groupby("content_hash")["session_id"].last()
    return m[m.session_id.isin(set(keep))]


def progress(patient: str, *, store: Any=None, baseline: str | None = None, mic: dict[str, Any] | None = None) -> ProgressResult:
    """The progress of ``patient`` across the sessions in ``store`` (a SessionStore, a path, or None for the
    default store). ``baseline``: the date (YYYY-MM-DD) of the session that changes are measured from (default
    the first); ``mic``: minimal important changes by measure name or questionnaire id."""
    import pandas as pd

    if not isinstance(patient, str) or not patient:
        raise ValueError(f"patient: expected a non-empty string, got {patient!r}")
    mic = _check_mic(mic)
    st, owned = _open_store(store)
    try:
        known = st.patients()
        if patient not in known:
            raise ValueError(f"patient {patient!r}: not in the store {st.path} ("
                             + (f"patients: {', '.join(known)})" if known else "store is empty)"))
        m = _latest_analyses(st.measures(patient))
        stored_mic: dict[str, float] = {}
        for sid in dict.fromkeys(m.sort_values("analysed_at").session_id):
            stored_mic.update(st.parameters(sid).get("mic", {}))
    finally:
        if owned:
            st.close()
    m = m.assign(date=m["date"].fillna(m["analysed_at"].str[:10]))  # an undated session: the day it was analysed
    m = m.sort_values(["date", "analysed_at"], kind="stable").reset_index(drop=True)
    dates = list(dict.fromkeys(m["date"]))
    if baseline is None:
        baseline = dates[0]
    elif baseline not in dates:
        raise ValueError(f"baseline: no session of {patient} on {baseline!r} (dates: {', '.join(dates)})")
    pairs = set(zip(m.measure, m.group))
    warnings = [f"--mic {k}: matches no measure of {patient}" for k in _unmatched(mic, pairs)]
    mics = {**stored_mic, **mic}  # given values win over the session files'
    base_sid = m.loc[m.date == baseline, "session_id"].iloc[-1]
    base = m[m.session_id == base_sid].set_index("measure")["value"]
    rows = []
    for r in m.itertuples(index=False):
        b = base.get(r.measure, float("nan"))
        measure, group, value = str(r.measure), str(r.group), r.value  # the store's text and REAL columns
        if not (value is None or isinstance(value, (int, float))):
            raise TypeError(f"measure {measure}: expected a number or None, got {type(value).__name__}")
        value_mic = _mic_for(measure, group, mics)
        status = "baseline" if r.session_id == base_sid else change_status(b, value, value_mic, str(r.direction))
        rows.append({"patient": patient, "session_id": r.session_id, "date": r.date,
                     "kinemyo_version": r.kinemyo_version, "measure": r.measure, "group": r.group,
                     "key": key_group(measure, group), "label": r.label, "value": r.value, "unit": r.unit,
                     "direction": r.direction, "baseline_date": baseline, "baseline_value": b,
                     "change": r.value - b, "mic": value_mic, "status": status})
    table = pd.DataFrame(rows)
    table["mic"] = table["mic"].astype("float64")
    result = ProgressResult(patient, table, baseline, warnings=warnings)
    last = table[table.session_id == table.session_id.iloc[-1]]
    keyed = last[last.key.notna()]
    keyed = keyed.iloc[keyed.key.map(KEY_GROUPS.index).argsort(kind="stable")]
    for r in keyed.itertuples(index=False):
        if len(dates) == 1:
            result.lines.append(f"{r.label} {_num(r.value, r.unit)} (one session: no change yet)")
        elif r.session_id == base_sid:
            result.lines.append(f"{r.label} {_num(r.value, r.unit)} (the latest session is the baseline)")
        else:
            mic_value = None if math.isnan(r.mic) else r.mic
            result.lines.append(plain_line(r.label, r.baseline_value, r.value, r.unit, mic_value, r.status))
    return result


# --- the HTML report -------------------------------------------------------------------------------------------
def _bands(measure: str) -> tuple[list[dict[str, Any]], Any, str]:
    """Severity bands of a questionnaire score (kinemyo.questionnaire.instrument_info; sources cited there)."""
    from kinemyo.questionnaire import instrument_info

    inst, _, score = measure.partition(" ")
    info = instrument_info(inst)
    s = next((x for x in info["scores"] if x["name"] == score), None)
    return (s["bands"], s["range"], info["citation"]) if s else ([], None, "")


def _figure(rows: pd.DataFrame, mic: float | None, base_value: float, base_date: str) -> str:
    from matplotlib.figure import Figure

    from kinemyo.report import _png

    fig = Figure(figsize=(7.5, 2.4))
    ax = fig.subplots()
    x = [datetime.date.fromisoformat(d) for d in rows["date"]]
    # matplotlib converts dates (its units machinery); its stubs accept only numbers and arrays here
    ax.plot(x, rows["value"], "o-", color="C0", lw=1.5, ms=5)  # type: ignore[arg-type]
    unit = rows["unit"].iloc[0]
    if mic is not None and not math.isnan(base_value):
        ax.axhspan(base_value - mic, base_value + mic, color="C2", alpha=0.18, lw=0,
                   label=f"baseline ± MIC ({_mic_words(mic, unit)})")
        ax.legend(fontsize=7, loc="best")
    ax.axvline(datetime.date.fromisoformat(base_date), color="0.6", lw=0.8, ls="--")  # type: ignore[arg-type]  # a date, as above
    if rows["group"].iloc[0] == "questionnaire":
        bands, rng, _ = _bands(rows["measure"].iloc[0])
        if bands:
            names = ax.twinx()
            for j, b in enumerate(bands):
                ax.axhspan(b["lower"], b["upper"], color=f"C{j + 3}", alpha=0.08, lw=0)
            names.set_ylim(*rng)
            ax.set_ylim(*rng)
            names.set_yticks([(b["lower"] + b["upper"]) / 2 for b in bands], [b["label"] for b in bands],
                             fontsize=7)
    ax.set_ylabel({"1": "ratio", "count": "count"}.get(unit, unit))
    ax.set_title(rows["label"].iloc[0], fontsize=9, loc="left")
    fig.autofmt_xdate()
    return _png(fig, dpi=100)


def _html(p: ProgressResult) -> str:
    t = p.table
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>kinemyo progress {html.escape(p.patient)}"
             "</title><style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}"
             "table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ccc;padding:2px 6px}"
             "figure{margin:1em 0}img{max-width:100%}</style></head><body>",
             f"<h1>Progress of {html.escape(p.patient)}</h1>",
             f"<p>{t.session_id.nunique()} session(s); baseline {html.escape(p.baseline_date)}; the green band is "
             "the baseline value ± the minimal important change (MIC); kinemyo assumes no MIC of its own.</p>",
             "<h2>In plain words</h2><ul id='lines'>" + "".join(f"<li>{html.escape(x)}</li>" for x in p.lines)
             + "</ul>"]
    if p.warnings:
        parts.append("<p>" + "<br>".join(html.escape(w) for w in p.warnings) + "</p>")
    citations = set()
    for group in KEY_GROUPS:
        keyed = t[t.key == group]
        if keyed.empty:
            continue
        parts.append(f"<h2>{html.escape(group.capitalize())}</h2>")
        for measure, rows in keyed.groupby("measure", sort=False):
            mic = rows["mic"].iloc[0]
            base = rows["baseline_value"].iloc[0]
            if group == "questionnaire":
                citations.add(_bands(str(measure))[2])
            img = _figure(rows, None if math.isnan(mic) else float(mic), base, p.baseline_date)
            parts.append(f"<figure><img alt='{html.escape(rows['label'].iloc[0])} over the sessions' "
                         f"src='data:image/png;base64,{img}'></figure>")
    if citations - {""}:
        parts.append("<p>Questionnaire bands: " + "; ".join(html.escape(c) for c in sorted(citations - {""}))
                     + ".</p>")
    parts.append("<h2>All measures</h2>" + t.drop(columns=["patient", "session_id", "key"]).to_html(
        index=False, na_rep="", float_format=lambda v: f"{v:.4g}", border=0))
    parts.append("</body></html>")
    return "\n".join(parts)


# --- comparing summary.json files ------------------------------------------------------------------------------
def load_summary(x: dict[str, Any] | str | pathlib.Path, where: str) -> dict[str, Any]:
    """A session summary: a dict as it is, or read from a summary.json path (ValueError naming the file and what is
    wrong for anything else: missing, not UTF-8, not JSON, not a kinemyo summary)."""
    if isinstance(x, dict):
        return x
    path = pathlib.Path(x)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ValueError(f"{where}: {path}: file not found") from exc
    except UnicodeDecodeError as exc:
        raise ValueError(f"{where}: {path}: not UTF-8 text") from exc
    except RecursionError as exc:
        raise ValueError(f"{where}: {path}: nested too deeply") from exc
    except ValueError as exc:
        raise ValueError(f"{where}: {path}: not valid JSON ({exc.__class__.__name__} at line "
                         f"{getattr(exc, 'lineno', '?')})") from exc
    except OSError as exc:
        raise ValueError(f"{where}: {path}: cannot be read ({exc.strerror})") from exc
    if not isinstance(data, dict) or "kinemyo_version" not in data:
        raise ValueError(f"{where}: {path}: not a kinemyo summary.json (no kinemyo_version)")
    return data


def compare_summaries(summaries: Any, mic: dict[str, Any] | None = None) -> tuple[pd.DataFrame, list[str]]:
    """A readable comparison of two or more session summaries (dicts or summary.json paths), oldest first: one
    row per measure (as in :func:`kinemyo.tables.measures_from_summary`) with each session's value, the change
    from the first to the last, its MIC and status (see :func:`change_status`). Returns ``(table, warnings)``;
    a warning names each ``mic`` key that matches no row."""
    import pandas as pd

    from kinemyo.tables import measures_from_summary

    if isinstance(summaries, (str, pathlib.Path, dict)) or len(summaries) < 2:
        raise ValueError("summaries: need two or more summaries to compare")
    mic = _check_mic(mic)
    loaded = [load_summary(s, f"summary {i + 1}") for i, s in enumerate(summaries)]
    names = []
    for i, (s, given) in enumerate(zip(loaded, summaries)):
        session_info = s.get("session")
        info: dict[str, Any] = session_info if isinstance(session_info, dict) else {}
        name = info.get("date") or (pathlib.Path(given).parent.name if not isinstance(given, dict) else None) \
            or f"session {i + 1}"
        names.append(str(name) if str(name) not in names else f"{name} ({i + 1})")
    try:
        per = [{r["measure"]: r for r in measures_from_summary(s)} for s in loaded]
    except (KeyError, TypeError, AttributeError, IndexError, ValueError) as exc:
        raise ValueError(f"summaries: not the layout of a kinemyo summary.json ({type(exc).__name__}: {exc})") \
            from exc
    order = list(dict.fromkeys(k for p in per for k in p))
    rows = []
    for measure in order:
        ref = next(p[measure] for p in per if measure in p)
        values = [p[measure]["value"] if measure in p else float("nan") for p in per]
        value_mic = _mic_for(measure, ref["group"], mic)
        rows.append({"measure": measure, "unit": ref["unit"], **dict(zip(names, values)),
                     "change": values[-1] - values[0], "mic": value_mic,
                     "status": change_status(values[0], values[-1], value_mic, ref["direction"])})
    table = pd.DataFrame(rows)
    table["mic"] = table["mic"].astype("float64")
    groups = {m: next(p[m]["group"] for p in per if m in p) for m in order}
    warnings = [f"--mic {k}: matches no compared row" for k in _unmatched(mic, groups.items())]
    return table, warnings


def format_table(table: pd.DataFrame, fmt: str = "text") -> str:
    """A table as aligned text, CSV or an HTML fragment (numbers to 4 significant digits in text and HTML)."""
    if fmt == "csv":
        return table.to_csv(index=False)
    def cell(v: object) -> str:
        return "" if v is None or (isinstance(v, float) and math.isnan(v)) else \
            f"{v:.4g}" if isinstance(v, float) else str(v)

    if fmt == "html":
        return table.to_html(index=False, na_rep="", float_format=lambda v: f"{v:.4g}", border=0)
    if fmt != "text":
        raise ValueError(f"format: must be text, csv or html, got {fmt!r}")
    cols = list(table.columns)
    cells = [[cell(v) for v in row] for row in table.itertuples(index=False, name=None)]
    widths = [max([len(str(c))] + [len(r[j]) for r in cells]) for j, c in enumerate(cols)]
    numeric = [table[c].dtype.kind in "fiu" for c in cols]

    def line(vals: list[str]) -> str:
        return "  ".join(v.rjust(w) if num else v.ljust(w) for v, w, num in zip(vals, widths, numeric)).rstrip()

    return "\n".join([line([str(c) for c in cols]), line(["-" * w for w in widths]), *map(line, cells)]) + "\n"


class _CallableModule(types.ModuleType):
    """``kinemyo.progress(...)`` calls :func:`progress`; ``kinemyo.progress.X`` is this module's X."""

    def __call__(self, *args: Any, **kwargs: Any) -> ProgressResult:
        return progress(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
