"""Tidy tables of one analysed session, the shared shape of the session store (:mod:`kinemyo.store`), progress
over weeks (:mod:`kinemyo.progress`) and cohort files.

:func:`session_tables` turns a :class:`~kinemyo.analysis.SessionResult` into five pandas DataFrames; every value
is one the analysis returned (the measures are read from ``result.summary``, activations from ``result.emg``,
strides from the gait tables), nothing is recomputed. Schema (column: meaning; units in the name or the ``unit``
column):

``sessions`` (one row)
    session_id (= :func:`input_hash`), patient, date (ISO ``YYYY-MM-DD`` or None), kinemyo_version, name,
    session_file, affected_side, analysed_at (ISO 8601 UTC), status ('ok'), error (None).
``measures`` (one row per measure)
    session_id, measure (a stable name, e.g. ``gait step_time_s symmetry_index``), group (``emg``, ``ratio``,
    ``gait``, ``gait_lower_back``, ``foot_angle``, ``joint_angle``, ``questionnaire``), label (plain words), value,
    unit (``s``, ``%``, ``1`` for a plain number, ``count``, ``deg``, ``m``, ``m/s``, ``steps/min``, ``points``),
    direction (``higher_is_better``, ``lower_is_better``, ``zero_is_best`` or ``none``: no better direction).
``strides`` (one row per stride of the feet and per step of the lower-back sensor)
    session_id, source (``feet`` | ``lower_back``) and the columns of :data:`STRIDE_COLUMNS` (the union of
    :func:`kinemyo.gait.analyze_feet`'s stride table and :func:`kinemyo.gait.lower_back_gait`'s step table; the
    columns one source lacks are missing), times on the session clock.
``activations`` (one row per EMG activation)
    session_id, channel, muscle, side, onset_s, offset_s, duration_s (session clock).
``questionnaires`` (one row per score)
    session_id, instrument, score, value, unit ('points'), band, n_answered, n_items.

A value that could not be computed is missing (NaN / None), never 0.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import datetime
import hashlib
import pathlib
import re

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

    from kinemyo.analysis import SessionResult
    from kinemyo.session import Session

__all__ = ["STRIDE_COLUMNS", "TABLES", "content_hash", "input_hash", "measures_from_summary", "session_tables",
           "versioned_hash"]

TABLES = ("sessions", "measures", "strides", "activations", "questionnaires")

# Fixed so that every session's table has the same columns (one Parquet schema / SQL table for a cohort).
StrideDtype = Literal["object", "Int64", "float64", "bool"]
STRIDE_COLUMNS: dict[str, StrideDtype] = {
    "side": "object", "bout": "Int64", "initial_contact_s": "float64", "terminal_contact_s": "float64",
    "next_initial_contact_s": "float64", "start_s": "float64", "end_s": "float64", "stride_time_s": "float64",
    "stance_time_s": "float64", "swing_time_s": "float64", "step_time_s": "float64",
    "initial_double_support_s": "float64", "single_support_s": "float64", "terminal_double_support_s": "float64",
    "cadence_steps_per_min": "float64", "stride_length_m": "float64", "gait_speed_m_per_s": "float64",
    "turning_angle_rad": "float64", "side_confidence": "float64", "excluded": "bool", "qc_flags": "object",
}
MEASURE_COLUMNS = ("session_id", "measure", "group", "label", "value", "unit", "direction")
ACTIVATION_COLUMNS = ("session_id", "channel", "muscle", "side", "onset_s", "offset_s", "duration_s")
QUESTIONNAIRE_COLUMNS = ("session_id", "instrument", "score", "value", "unit", "band", "n_answered", "n_items")
SESSION_COLUMNS = ("session_id", "patient", "date", "kinemyo_version", "name", "session_file", "affected_side",
                   "analysed_at", "status", "error")

# unit of a summary column by its suffix
_SUFFIX_UNITS = (("_steps_per_min", "steps/min"), ("_m_per_s", "m/s"), ("_s", "s"), ("_m", "m"))
# Asymmetry indices judged toward 0 (perfect symmetry), in percent (Robinson 1987; Plotnik 2007 for GA).
_ASYMMETRY_INDICES = ("symmetry_index", "gait_asymmetry")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _unit(column: str) -> str:
    return next((u for suffix, u in _SUFFIX_UNITS if column.endswith(suffix)), "1")


def _words(column: str) -> str:
    """'step_time_s' -> 'step time' (the unit lives in its own column)."""
    for suffix, _ in _SUFFIX_UNITS:
        if column.endswith(suffix):
            column = column[: -len(suffix)]
            break
    return column.replace("_", " ")


def _number(v: Any) -> float:
    return float("nan") if v is None else float(v)


def measures_from_summary(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The measures of a session summary (``SessionResult.summary`` or a summary.json) as rows of
    (measure, group, label, value, unit, direction), in summary order. Activation durations, which the summary
    does not hold, are added by :func:`session_tables` from the result."""
    rows: list[dict[str, Any]] = []

    def add(measure: Any, group: Any, label: Any, value: Any, unit: Any, direction: Any="none") -> None:
        rows.append({"measure": measure, "group": group, "label": label, "value": _number(value), "unit": unit,
                     "direction": direction})

    for ch, e in summary.get("emg", {}).items():
        add(f"emg {ch} activations", "emg", f"{ch} activations", e["activations"], "count")
        add(f"emg {ch} active_fraction", "emg", f"{ch} active time", 100.0 * e["active_fraction"], "%")
    for key, r in summary.get("ratios", {}).items():
        add(f"ratio {key}", "ratio", f"muscle ratio {key} (median of 1 s windows)", r["median_windowed_ratio"], "1")
        add(f"ratio {key} overall", "ratio", f"muscle ratio {key} (whole recording)", r["overall_activation_ratio"],
            "1")
    for key, prefix, where in (("gait", "gait", "feet"), ("gait_lower_back", "gait (lower back)", "lower back")):
        g = summary.get(key, {})
        for col, sides in g.get("median", {}).items():
            # gait speed: faster walking is the rehabilitation goal (Fritz S, Lusardi M. J Geriatr Phys Ther 2009)
            direction = "higher_is_better" if col == "gait_speed_m_per_s" else "none"
            for side, v in sides.items():
                add(f"{prefix} {col} {side}", key, f"{_words(col)} {side} ({where})", v, _unit(col), direction)
        for row in g.get("asymmetry", []):
            if row["index"] in _ASYMMETRY_INDICES:
                name = "asymmetry" if row["index"] == "gait_asymmetry" else "symmetry index"
                add(f"{prefix} {row['parameter']} {row['index']}", key,
                    f"{_words(row['parameter'])} {name} ({where})", row["value"], "%", "zero_is_best")
    for side, f in summary.get("gait", {}).get("foot_angle_deg", {}).items():
        add(f"foot angle {side} max_per_stride_median", "foot_angle", f"foot angle at heel strike {side}",
            f["max_per_stride_median"], "deg")
        add(f"foot angle {side} min_per_stride_median", "foot_angle", f"foot angle at push-off {side}",
            f["min_per_stride_median"], "deg")
        if f["range_per_repetition"]:
            add(f"foot angle {side} range_per_repetition", "foot_angle", f"foot range of motion {side}",
                np.median(f["range_per_repetition"]), "deg")
    for name, angles in summary.get("imu", {}).get("angles_deg", {}).items():
        for k, a in angles.items():
            if a["range_per_repetition"]:
                add(f"{name} {k} range_per_repetition", "joint_angle",
                    f"{name} {k.replace('_', ' ')} range of motion", np.median(a["range_per_repetition"]), "deg")
    if summary.get("questionnaires"):
        from kinemyo.questionnaire import instrument_info

        for inst, q in summary["questionnaires"].items():
            direction = {"higher_is_worse": "lower_is_better", "higher_is_better": "higher_is_better"}.get(
                instrument_info(inst)["direction"], "none")
            for score, v in q["scores"].items():
                add(f"{inst} {score}", "questionnaire", f"{inst.upper()} {score.replace('_', ' ')}", v["value"],
                    "points", direction)
    return rows


def _activation_rows(result: SessionResult) -> list[dict[str, Any]]:
    rows = []
    for ch, d in result.emg.items():
        e = result.summary["emg"][ch]
        for on, off in zip(d["onsets"], d["offsets"]):
            rows.append({"channel": ch, "muscle": e.get("muscle"), "side": e.get("side"), "onset_s": float(on),
                         "offset_s": float(off), "duration_s": float(off - on)})
    return rows


def _activation_measures(result: SessionResult) -> list[dict[str, Any]]:
    """Activation timing per channel: first onset and median duration (session clock), from the detected
    activations (result.emg), which the summary counts but does not list."""
    rows = []
    for ch, d in result.emg.items():
        on, off = np.asarray(d["onsets"], float), np.asarray(d["offsets"], float)
        rows.append({"measure": f"emg {ch} first_onset_s", "group": "emg", "label": f"{ch} first activation onset",
                     "value": float(on[0]) if len(on) else float("nan"), "unit": "s", "direction": "none"})
        rows.append({"measure": f"emg {ch} activation_duration_s", "group": "emg",
                     "label": f"{ch} activation duration (median)",
                     "value": float(np.median(off - on)) if len(on) else float("nan"), "unit": "s",
                     "direction": "none"})
    return rows


def _strides(result: SessionResult, session_id: str) -> pd.DataFrame:
    import pandas as pd

    parts: list[pd.DataFrame] = []
    if result.gait is not None:
        parts.append(_frame(result.gait.strides, "gait.strides").assign(source="feet"))
    if result.lower_back is not None:
        parts.append(_frame(result.lower_back.steps, "lower_back.steps").assign(source="lower_back"))
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    out = pd.DataFrame({"session_id": pd.Series([session_id] * len(frame), dtype="object"),
                        "source": pd.Series(frame["source"] if len(frame) else [], dtype="object")})
    for col, dtype in STRIDE_COLUMNS.items():
        values = frame[col] if col in frame else pd.Series([None] * len(frame))
        out[col] = values.astype(dtype)  # "Int64": the nullable array pd.array(values, dtype="Int64") builds
    return out.reset_index(drop=True)


def _frame(table: object, what: str) -> pd.DataFrame:
    """A gait table (annotated ``object`` in :mod:`kinemyo.gait`) narrowed to the DataFrame it is."""
    import pandas as pd

    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"result.{what}: expected a pandas DataFrame, got {type(table).__name__}")
    return table


def _check_date(date: Any) -> str | None:
    if date is None:
        return None
    if not isinstance(date, str):
        raise TypeError(f"date: expected an ISO date string 'YYYY-MM-DD' or None, got {type(date).__name__}")
    if not _DATE.fullmatch(date):
        raise ValueError(f"date: expected an ISO date 'YYYY-MM-DD', got {date!r}")
    try:
        datetime.date.fromisoformat(date)
    except ValueError as exc:
        raise ValueError(f"date: {date!r} is not a calendar date ({exc})") from exc
    return date


def session_tables(result: SessionResult, *, input_hash: str, patient: str | None,
                   date: str | None) -> dict[str, pd.DataFrame]:
    """The tidy tables of one analysed session (see the module docstring for the schema): a dict of
    ``sessions``, ``measures``, ``strides``, ``activations`` and ``questionnaires`` DataFrames, each keyed by
    ``session_id = input_hash``. ``patient`` and ``date`` (ISO ``YYYY-MM-DD``) may be None when unknown."""
    import pandas as pd

    from kinemyo.analysis import SessionResult

    if not isinstance(result, SessionResult):
        raise TypeError(f"result: expected a SessionResult, got {type(result).__name__}")
    if not (isinstance(input_hash, str) and re.fullmatch(r"[0-9a-f]{64}", input_hash)):
        raise ValueError(f"input_hash: expected 64 lowercase hex digits (input_hash(session)), got {input_hash!r}")
    if patient is not None and not (isinstance(patient, str) and patient.strip()):
        raise ValueError(f"patient: expected a non-empty string or None, got {patient!r}")
    date = _check_date(date)
    s, summary = result.session, result.summary
    analysed = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    sessions = pd.DataFrame([{"session_id": input_hash, "patient": patient, "date": date,
                              "kinemyo_version": str(summary["kinemyo_version"]), "name": s.name,
                              "session_file": str(s.path), "affected_side": s.affected_side,
                              "analysed_at": analysed, "status": "ok", "error": None}], columns=SESSION_COLUMNS)
    measures = pd.DataFrame([{"session_id": input_hash, **r} for r in
                             measures_from_summary(summary) + _activation_measures(result)], columns=MEASURE_COLUMNS)
    measures["value"] = measures["value"].astype("float64")
    activations = pd.DataFrame([{"session_id": input_hash, **r} for r in _activation_rows(result)],
                               columns=ACTIVATION_COLUMNS)
    for col in ("onset_s", "offset_s", "duration_s"):
        activations[col] = activations[col].astype("float64")
    q_rows = []
    for inst, r in result.questionnaires.items():
        for name, v in r.scores.items():
            q_rows.append({"session_id": input_hash, "instrument": inst, "score": name,
                           "value": float(v.value) if v.computable else float("nan"), "unit": "points",
                           "band": v.band or None, "n_answered": int(v.n_answered), "n_items": int(v.n_items)})
    questionnaires = pd.DataFrame(q_rows, columns=QUESTIONNAIRE_COLUMNS)
    questionnaires["value"] = questionnaires["value"].astype("float64")
    return {"sessions": sessions, "measures": measures, "strides": _strides(result, input_hash),
            "activations": activations, "questionnaires": questionnaires}


def _input_files(session: Session) -> list[pathlib.Path]:
    files = [r.file for r in session.emg] + [s.file for s in session.imu] + list(session.fhir)
    return sorted(set(pathlib.Path(f).resolve() for f in files))


def content_hash(session: Session | str | pathlib.Path) -> str:
    """SHA-256 (hex) of a session's inputs alone: the session file's bytes and every recording and FHIR file it
    names (each as its path relative to the session file's folder, or absolute when outside it, and its bytes,
    sorted by path). The same inputs in another folder hash alike. ``session``: a Session or a session file path."""
    from kinemyo.session import Session, load_session

    s = session if isinstance(session, Session) else load_session(session, allow_outside=True)
    base = s.path.resolve().parent
    h = hashlib.sha256()

    def chunk(data: bytes) -> None:
        h.update(len(data).to_bytes(8, "little"))  # length-prefixed: no two file lists hash alike by concatenation
        h.update(data)

    chunk(s.path.name.encode())
    chunk(s.path.read_bytes())
    for f in _input_files(s):
        chunk((f.relative_to(base).as_posix() if f.is_relative_to(base) else f.as_posix()).encode())
        with open(f, "rb") as fh:  # streamed: recordings can be large
            h.update(fh.seek(0, 2).to_bytes(8, "little"))
            fh.seek(0)
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


def versioned_hash(content: str, version: str) -> str:
    """The session id of inputs with :func:`content_hash` ``content`` analysed by kinemyo ``version``."""
    return hashlib.sha256(f"kinemyo {version}\n{content}".encode()).hexdigest()


def input_hash(session: Session | str | pathlib.Path) -> str:
    """SHA-256 (hex) of a session's inputs and kinemyo's version (``kinemyo._core.__version__``): the same inputs
    analysed by the same version hash alike, and a new version or any changed input byte gives a new hash (see
    :func:`content_hash` for what the inputs are). This is the ``session_id`` of :func:`session_tables`."""
    from kinemyo import _core

    return versioned_hash(content_hash(session), _core.__version__)
