"""One session end to end: EMG envelopes, activations, quality, fatigue and muscle ratios; orientation, joint
angles and inclination; gait events, the per-stride table and asymmetry; questionnaire scores.

``analyze_session(path_or_session)`` returns a :class:`SessionResult` whose ``summary`` is plain JSON-ready data
(every number in it is what the library functions returned) and whose arrays feed the report
(:mod:`kinemyo.report`).
"""

from __future__ import annotations

import json
import pathlib
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from kinemyo import _core, emg, gait, imu, questionnaire
from kinemyo.io import read_c3d, read_delimited, read_gaitmap_csv, read_simple_text
from kinemyo.session import EMG_UNITS, Session, SessionError, load_session

__all__ = ["SessionResult", "analyze_session", "compare_sessions", "read_emg_recording"]

RATIO_WINDOW_S = 1.0
# Envelope-threshold onsets validated on the four contractions of BioSPPy emg_1.txt (tests/python/emg/test_onsets.py).
ONSET_DEFAULTS = {"k_on": 20.0, "k_off": 10.0, "min_on_s": 0.025, "min_off_s": 0.25}
FATIGUE_WINDOW_S = 1.0


@dataclass
class SessionResult:
    session: Session
    summary: dict
    emg: dict = field(default_factory=dict)          # channel -> arrays for plots
    ratios: dict = field(default_factory=dict)       # "num:den" -> {"t": ..., "ratio": ...}
    gait: gait.GaitAnalysis | None = None
    gait_signals: dict = field(default_factory=dict)  # side -> sagittal rate for plots
    angles: dict = field(default_factory=dict)       # name -> {"t": ..., "angles": {...}}
    questionnaires: dict = field(default_factory=dict)  # id -> ScoreResult


def _file_rate(given, found, where):
    if given is not None and abs(given - found) > 1e-9 * found:
        raise SessionError(f"{where}.fs: {given} Hz in the session, {found} Hz in the file")
    return found


def read_emg_recording(rec):
    """The session EMG recording's channels (n, n_channels) as stored in the file, and its sampling rate."""
    if rec.format in ("simple_text", "c3d"):
        r = read_simple_text(rec.file) if rec.format == "simple_text" else read_c3d(rec.file)
        fs = _file_rate(rec.fs, r.fs, "emg")
        cols = []
        for i, ch in enumerate(rec.channels):
            idx = ch.column if isinstance(ch.column, int) else (r.labels.index(ch.column) if ch.column in r.labels else None)
            if idx is None or not 0 <= idx < r.data.shape[1]:
                raise SessionError(f"emg.channels[{i}].column: {ch.column!r} not in {rec.file.name} "
                                   f"(columns: {', '.join(r.labels)} or indices 0..{r.data.shape[1] - 1})")
            cols.append(r.data[:, idx])
        return np.column_stack(cols), fs
    r = read_delimited(rec.file, rec.fs, "," if rec.format == "csv" else "\t")
    cols = []
    for i, ch in enumerate(rec.channels):
        if ch.column not in r.labels:
            raise SessionError(f"emg.channels[{i}].column: {ch.column!r} is not a column of {rec.file.name} "
                               f"(columns: {', '.join(r.labels)})")
        cols.append(r.data[:, r.labels.index(ch.column)])
    return np.column_stack(cols), rec.fs


def _read_imu(s, files: dict):
    """The sensor's gyr/acc/mag in SI units; ``files`` caches recordings by file, as several sensors may share one
    (both feet in a gaitmap file, several sensors in a C3D)."""
    key = (s.file, s.format, s.fs)
    if key not in files:
        readers = {"gaitmap_csv": lambda: read_gaitmap_csv(s.file, s.fs), "c3d": lambda: read_c3d(s.file),
                   "csv": lambda: read_delimited(s.file, s.fs, ","), "tsv": lambda: read_delimited(s.file, s.fs, "\t")}
        files[key] = readers[s.format]()
    r = files[key]
    if s.format == "gaitmap_csv":
        pick = lambda sensor, kind: [f"{sensor}/{kind}_{a}" for a in "xyz"]  # noqa: E731
        names = {"gyr": pick(s.gyr, "gyr"), "acc": pick(s.acc, "acc"), "mag": pick(s.mag, "mag") if s.mag else None}
    else:
        if s.format == "c3d":
            _file_rate(s.fs, r.fs, "imu")
        names = {"gyr": s.gyr, "acc": s.acc, "mag": s.mag}
    out = {}
    for kind, cols in names.items():
        if cols is None:
            out[kind] = None
            continue
        missing = [c for c in cols if c not in r.labels]
        if missing:
            raise SessionError(f"imu.{kind}: {', '.join(missing)} not in {s.file.name} (columns: {', '.join(r.labels)})")
        out[kind] = np.column_stack([r.data[:, r.labels.index(c)] for c in cols])
    if s.gyr_units == "deg/s":
        out["gyr"] = np.radians(out["gyr"])
    if s.acc_units == "g":
        out["acc"] = out["acc"] * 9.80665
    return out


def _quietest(env: np.ndarray, fs: float, seconds: float = 3.0) -> slice:
    n = int(round(seconds * fs))
    if env.shape[0] <= n:
        return slice(0, env.shape[0])
    score = (env / np.maximum(np.percentile(env, 95, axis=0), 1e-30)).sum(axis=1)
    c = np.concatenate([[0.0], np.cumsum(score)])
    start = int(np.argmin(c[n:] - c[:-n]))
    return slice(start, start + n)


def analyze_session(session: Session | str | pathlib.Path, *, progress: Callable[[str], None] | None = None) -> SessionResult:
    """Analyse every part a session file describes; ``progress(message)`` is called before each step."""
    s = session if isinstance(session, Session) else load_session(session)
    step = progress or (lambda _msg: None)
    summary: dict = {"session": {"name": s.name, "subject": s.subject, "date": s.date, "affected_side": s.affected_side,
                                 "file": str(s.path)},
                     "kinemyo_version": _core.__version__, "sources": list(s.sources)}
    result = SessionResult(s, summary)

    # --- EMG -----------------------------------------------------------------------------------------------
    emg_summary = {}
    envelopes = {}
    for rec in s.emg:
        step(f"EMG {rec.file.name}")
        x, fs = read_emg_recording(rec)
        scale = EMG_UNITS[rec.units]
        unit = "V" if scale is not None else "adc"
        if scale is not None:
            x = x * scale
        cfg = [emg.ChannelConfig(name=c.name, profile=c.profile) for c in rec.channels]
        env = np.asarray(emg.offline_envelope(fs, cfg, x))
        # Rest: the window given in the session, else each channel's own quietest 3 s.
        if rec.rest:
            rests = [slice(int(rec.rest[0] * fs), int(rec.rest[1] * fs))] * len(rec.channels)
        else:
            rests = [_quietest(env[:, k:k + 1], fs) for k in range(len(rec.channels))]
        onset = {**ONSET_DEFAULTS, **rec.onset}
        acts = emg.detect_activations(env, np.column_stack([env[r, k] for k, r in enumerate(rests)]), fs,
                                      emg.OnsetConfig(**onset))
        quality = emg.assess_quality(x, fs)
        t = np.arange(x.shape[0]) / fs
        for k, ch in enumerate(rec.channels):
            rest = rests[k]
            mine = acts.channel == k
            onsets, offsets = acts.onset_s[mine], acts.offset_s[mine]
            noise = 3.0 * float(np.std(x[rest, k]))  # amplitude thresholds of ZC/SSC/WAMP: 3 SD of the rest
            feats = emg.windowed_features(x[:, k], fs, FATIGUE_WINDOW_S, FATIGUE_WINDOW_S / 2,
                                          emg.FeatureThresholds(noise, noise ** 2, noise))
            trend = emg.median_frequency_trend(feats["t_start_s"].to_numpy() + FATIGUE_WINDOW_S / 2,
                                               feats["mdf_hz"].to_numpy())
            reference = float(np.percentile(env[:, k], 95))
            # zero-phase low-pass ringing can dip below zero; an activation ratio needs non-negative envelopes
            envelopes[ch.name] = (np.clip(env[:, k], 0.0, None) / reference, fs)
            result.emg[ch.name] = {"t": t, "raw": x[:, k], "envelope": env[:, k], "fs": fs, "unit": unit,
                                   "rest": (rest.start / fs, rest.stop / fs),
                                   "onsets": onsets.tolist(), "offsets": offsets.tolist(),
                                   "quality": quality[k], "mdf_t": feats["t_start_s"].to_numpy() + FATIGUE_WINDOW_S / 2,
                                   "mdf": feats["mdf_hz"].to_numpy()}
            emg_summary[ch.name] = {
                "muscle": ch.muscle, "side": ch.side, "profile": ch.profile, "fs_hz": fs, "unit": unit,
                "file": rec.file.name, "duration_s": x.shape[0] / fs,
                "rest_window_s": [rest.start / fs, rest.stop / fs], "onset_config": onset,
                "envelope_reference_p95": reference,
                "activations": int(mine.sum()),
                "active_fraction": float((offsets - onsets).sum() / (x.shape[0] / fs)),
                "quality": {k2: (bool(v) if isinstance(v, (bool, np.bool_)) else float(v)) for k2, v in quality[k].items()},
                "median_frequency_trend": trend[0] if trend else None,
            }
    if emg_summary:
        summary["emg"] = emg_summary
    ratios = {}
    for num, den in s.ratios:
        (a, fs_a), (b, fs_b) = envelopes[num], envelopes[den]
        if fs_a != fs_b or len(a) != len(b):
            raise SessionError(f"ratios: {num} and {den} need the same sampling rate and length")
        table = emg.sliding_indices(a, b, fs_a, RATIO_WINDOW_S, RATIO_WINDOW_S / 4)
        frame = table.to_frame()
        key = f"{num}:{den}"
        result.ratios[key] = {"t": frame["t_center_s"].to_numpy() if "t_center_s" in frame else frame.iloc[:, 0].to_numpy(),
                              "ratio": frame["activation_ratio"].to_numpy()}
        ratios[key] = {"overall_activation_ratio": float(emg.activation_ratio(a, b)),
                       "median_windowed_ratio": float(np.nanmedian(frame["activation_ratio"])),
                       "normalisation": "each envelope / its 95th percentile over the session"}
    if ratios:
        summary["ratios"] = ratios

    # --- IMU: gait from feet, orientation and angles ----------------------------------------------------------
    imu_files: dict = {}
    feet = {sns.side: sns for sns in s.imu if sns.placement == "foot"}
    if set(feet) == {"left", "right"}:
        step("gait (feet)")
        if feet["left"].fs != feet["right"].fs:
            raise SessionError("imu: the two foot sensors need the same sampling rate")
        fs = feet["left"].fs
        data = {side: _read_imu(feet[side], imu_files) for side in ("left", "right")}
        n = min(len(data["left"]["gyr"]), len(data["right"]["gyr"]))
        res = gait.analyze_feet(data["left"]["gyr"][:n], data["left"]["acc"][:n], data["right"]["gyr"][:n],
                                data["right"]["acc"][:n], fs, ml_axis=feet["left"].ml_axis, ml_sign=feet["left"].ml_sign)
        result.gait = res
        result.gait_signals = {side: (feet[side].ml_sign * data[side]["gyr"][:n, feet[side].ml_axis], fs)
                               for side in ("left", "right")}
        asym = gait.asymmetry_summary(res.strides, affected=s.affected_side)
        kept = res.strides[~res.strides["excluded"]]
        summary["gait"] = {
            "fs_hz": fs, "strides": int(len(res.strides)), "strides_kept": int(len(kept)),
            "excluded": {f: int(res.strides["qc_flags"].str.contains(f).sum()) for f in gait.FLAG_NAMES.values()},
            "median": {col: {side: float(kept.loc[kept.side == side, col].median()) for side in ("left", "right")}
                       for col in ("stride_time_s", "stance_time_s", "swing_time_s", "step_time_s",
                                   "single_support_s", "cadence_steps_per_min", "stride_length_m", "gait_speed_m_per_s")},
            "asymmetry": [{k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in row.items()}
                          for row in asym.to_dict("records")],
        }
    elif feet:
        summary["gait"] = {"skipped": "gait needs a left and a right foot sensor"}
    orient = {}
    for sns in s.imu:
        if sns.placement == "foot":
            continue
        step(f"orientation {sns.placement}")
        d = _read_imu(sns, imu_files)
        est = imu.robust_orientation(d["gyr"], d["acc"], d["mag"], fs=sns.fs)
        q = est.quat_9d if d["mag"] is not None else est.quat_6d
        orient[(sns.placement, sns.side)] = (q, sns)
        if sns.placement == "lower_back":
            incl = imu.inclination(q)
            result.angles["trunk inclination"] = {"t": np.arange(len(q)) / sns.fs, "angles": {"inclination": incl}}
            summary.setdefault("imu", {})["trunk_inclination_deg"] = {
                "median": float(np.degrees(np.median(incl))), "p95": float(np.degrees(np.percentile(incl, 95)))}
    if orient:
        summary.setdefault("imu", {})["sensors"] = [f"{p}{'_' + sd if sd else ''}" for p, sd in orient]
    result.summary = summary

    # --- Questionnaires ----------------------------------------------------------------------------------------
    scores = {}
    for inst, answers in s.questionnaires.items():
        step(f"questionnaire {inst}")
        try:
            r = questionnaire.score(inst, answers)
        except (ValueError, TypeError) as exc:
            raise SessionError(f"questionnaires.{inst}: {exc}") from exc
        result.questionnaires[inst] = r
        scores[inst] = _score_summary(r)
    for path in s.fhir:
        step(f"FHIR {path.name}")
        try:
            fr = questionnaire.score_questionnaire_response(path.read_text(encoding="utf-8"))
        except (ValueError, TypeError) as exc:
            raise SessionError(f"fhir: {path.name}: {exc}") from exc
        result.questionnaires[fr.result.instrument] = fr.result
        scores[fr.result.instrument] = _score_summary(fr.result)
    if scores:
        summary["questionnaires"] = scores
    return result


def _score_summary(r) -> dict:
    out = {"classification": r.classification or None, "warnings": list(r.warnings), "scores": {}}
    for name, v in r.scores.items():
        out["scores"][name] = {"value": None if not v.computable else float(v.value), "band": v.band or None,
                               "cutoffs": dict(v.cutoffs), "n_answered": v.n_answered, "n_items": v.n_items,
                               "reason": v.reason or None}
    return out


def compare_sessions(before: dict | str | pathlib.Path, after: dict | str | pathlib.Path,
                     mic: dict[str, float] | None = None) -> list[dict]:
    """Changes between two session summaries (dicts or summary.json paths): questionnaire scores (flagged against
    the minimal important change per instrument in ``mic`` when given), muscle ratios and gait medians."""
    load = lambda x: x if isinstance(x, dict) else json.loads(pathlib.Path(x).read_text())  # noqa: E731
    a, b = load(before), load(after)
    rows = []
    for inst, sa in a.get("questionnaires", {}).items():
        sb = b.get("questionnaires", {}).get(inst)
        if not sb:
            continue
        for score, va in sa["scores"].items():
            vb = sb["scores"].get(score, {}).get("value")
            x, y = va["value"], vb
            row = {"what": f"{inst}.{score}", "before": x, "after": y,
                   "change": None if x is None or y is None else y - x}
            if mic and inst in mic:
                ch = questionnaire.change(inst, float("nan") if x is None else x, float("nan") if y is None else y,
                                          mic=mic[inst], score=score)
                row["status"], row["mic"] = ch.status, mic[inst]
            rows.append(row)
    for key, ra in a.get("ratios", {}).items():
        rb = b.get("ratios", {}).get(key)
        if rb:
            x, y = ra["median_windowed_ratio"], rb["median_windowed_ratio"]
            rows.append({"what": f"ratio {key}", "before": x, "after": y, "change": y - x})
    for col, sides in a.get("gait", {}).get("median", {}).items():
        for side, x in sides.items():
            y = b.get("gait", {}).get("median", {}).get(col, {}).get(side)
            if y is not None:
                rows.append({"what": f"gait {col} {side}", "before": x, "after": y, "change": y - x})
    return rows
