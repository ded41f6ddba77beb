"""One session end to end: EMG envelopes, activations, quality, fatigue and muscle ratios; orientation, joint
angles and inclination; gait events, the per-stride table and asymmetry; questionnaire scores.

``analyze_session(path_or_session)`` returns a :class:`SessionResult` whose ``summary`` is plain JSON-ready data
(every number in it is what the library functions returned) and whose arrays feed the report
(:mod:`kinemyo.report`).
"""

from __future__ import annotations

import pathlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, TypedDict

import numpy as np

from kinemyo import _core, emg, gait, imu, questionnaire
from kinemyo.gait import FootEvents, GaitAnalysis, LowerBackGait
from kinemyo.io import Recording, read_c3d, read_delimited, read_gaitmap_csv, read_simple_text
from kinemyo.session import EMG_UNITS, TIME_UNITS, EmgRecording, ImuSensor, Session, SessionError, load_session
from kinemyo.timebase import TimeBase, common_grid, regularize, resample, resample_quaternions

__all__ = ["SessionResult", "analyze_session", "plan_steps", "read_emg_recording"]

RATIO_WINDOW_S = 1.0
# Envelope-threshold onsets, chosen by bench/onset_cv.py (leave-one-recording-out over a grid) on all three real
# recordings with verified activations (tests/data/emg_onsets/): BioSPPy emg_1.txt (4 contractions) and emg.txt
# (2 weak contractions) and the gaitalytics walk (17 bursts of RERS/BF/GAS at the force-plate foot strikes); the
# baseline, when a session gives no rest, is emg.estimate_rest (quietest 20 % of 0.25 s windows of the envelope).
# Held out, emg_1 and the walk keep their figures; emg.txt's weaker contraction (1.45x rest RMS) is missed.
ONSET_DEFAULTS = {"k_on": 8.0, "k_off": 4.0, "min_on_s": 0.1, "min_off_s": 0.05}
FATIGUE_WINDOW_S = 1.0
# Repetitions of a joint angle count when both the rise and the return exceed this (smaller wiggles are noise).
REPETITION_MIN_RANGE = np.radians(10.0)

if TYPE_CHECKING:
    import pandas as pd

# Recordings already read, by (file, format, fs): several sensors may share one file.
_FileCache = dict[tuple[pathlib.Path, str, float], Recording]
Gaps = list[tuple[float, float]]


class _ImuData(TypedDict):
    """One sensor's gyr/acc/mag (SI units, (n, 3) each; mag None without one) and its place on the session clock."""

    gyr: np.ndarray
    acc: np.ndarray
    mag: np.ndarray | None
    base: TimeBase
    gaps: Gaps


def _table(value: object, what: str) -> pd.DataFrame:
    """A gait result's table (``GaitAnalysis.strides``, ``LowerBackGait.steps`` / ``bouts`` / ``turns``, typed
    ``object`` in kinemyo.gait, which loads pandas on first use) as the DataFrame it is."""
    import pandas as pd

    if not isinstance(value, pd.DataFrame):
        raise TypeError(f"{what}: expected a pandas DataFrame, got {type(value).__name__}")
    return value


@dataclass
class SessionResult:
    """Everything :func:`analyze_session` found: the JSON-ready ``summary`` and, for the report's figures, the
    envelopes per EMG channel, muscle ratios, foot gait (``gait`` on ``gait_base``), lower-back gait, joint angles
    and questionnaire results."""

    session: Session
    summary: dict[str, Any]
    emg: dict[str, Any] = field(default_factory=dict[str, Any])          # channel -> arrays for plots
    ratios: dict[str, Any] = field(default_factory=dict[str, Any])       # "num:den" -> {"t": ..., "ratio": ...}
    gait: GaitAnalysis | None = None
    gait_base: TimeBase | None = None                # the feet's common grid (event indices count from its start)
    gait_signals: dict[str, Any] = field(default_factory=dict[str, Any])  # side -> sagittal rate for plots, on gait_base
    lower_back: LowerBackGait | None = None     # lower-back gait, times on the session clock
    lower_back_signal: dict[str, Any] = field(default_factory=dict[str, Any])  # {"t": ..., "acc_norm": ...} for plots
    angles: dict[str, Any] = field(default_factory=dict[str, Any])       # name -> {"t": ..., "angles": {...}, "repetitions": {...}}
    questionnaires: dict[str, Any] = field(default_factory=dict[str, Any])  # id -> ScoreResult

    def __repr__(self) -> str:
        """What the result holds and how much: names and counts, never the signals (the full numbers are in
        ``summary``)."""
        def names(d: dict[str, Any]) -> str:
            keys = [repr(str(k)) for k in d]
            return "[" + ", ".join(keys[:6]) + (", ..." if len(keys) > 6 else "") + "]"

        parts = [f"session={self.session.name!r}"]
        if self.session.subject:
            parts.append(f"subject={self.session.subject!r}")
        if self.session.date:
            parts.append(f"date={self.session.date!r}")
        if self.emg:
            parts.append(f"emg={names(self.emg)}")
        if self.ratios:
            parts.append(f"ratios={names(self.ratios)}")
        if self.gait is not None:
            parts.append(f"gait={len(_table(self.gait.strides, 'gait.strides'))} strides")
        if self.lower_back is not None:
            parts.append(f"lower_back={len(_table(self.lower_back.steps, 'lower_back.steps'))} steps")
        if self.angles:
            parts.append(f"angles={names(self.angles)}")
        if self.questionnaires:
            parts.append(f"questionnaires={names(self.questionnaires)}")
        return f"SessionResult({', '.join(parts)})"


def _file_rate(given: float | None, found: float, where: str) -> float:
    if given is not None and abs(given - found) > 1e-9 * found:
        raise SessionError(f"{where}.fs: {given} Hz in the session, {found} Hz in the file")
    return found


def _on_session_clock(x: np.ndarray, fs: float, entry: EmgRecording | ImuSensor, r: Recording,
                      where: str) -> tuple[np.ndarray, TimeBase, Gaps]:
    """Samples of a recording on the session clock: (samples, TimeBase, gaps)."""
    timing = entry.timing
    if timing.time_column is None:
        return x, TimeBase(timing.start_s, fs, x.shape[0]), []
    if timing.time_column not in r.labels:
        raise SessionError(f"{where}.time_column: {timing.time_column!r} is not a column of {entry.file.name} "
                           f"(columns: {', '.join(r.labels)})")
    t = r.data[:, r.labels.index(timing.time_column)] * TIME_UNITS[timing.time_units] + timing.start_s
    try:
        return regularize(t, x, fs=fs, where=f"{where}.time_column")
    except ValueError as exc:
        raise SessionError(str(exc)) from exc


def read_emg_recording(rec: EmgRecording, where: str = "emg") -> tuple[np.ndarray, TimeBase, Gaps]:
    """The session EMG recording's channels on the session clock.

    Parameters
    ----------
    rec : kinemyo.session.EmgRecording
        The recording entry of a session.
    where : str
        The entry's place in the session file, for error messages.

    Returns
    -------
    samples : ndarray, shape (n_samples, n_channels)
        In the file's units (usually V).
    base : TimeBase
        Start (s, session clock) and fs (Hz).
    gaps : list of (float, float)
        ``(t_before, t_after)`` in s of every gap filled on the regular grid (see
        :func:`kinemyo.timebase.regularize`).

    Raises
    ------
    kinemyo.session.SessionError
        A file that does not match its entry (format, columns, rate).
    """
    by_index = rec.format in ("simple_text", "c3d")  # formats whose channels may also be named by position
    if by_index:
        r = read_simple_text(rec.file) if rec.format == "simple_text" else read_c3d(rec.file)
        fs = _file_rate(rec.fs, r.fs, where)
    else:
        if rec.fs is None:  # parse_session requires it for csv/tsv
            raise SessionError(f"{where}.fs: is required for a {rec.format} recording")
        r, fs = read_delimited(rec.file, fs=rec.fs, delimiter="," if rec.format == "csv" else "\t"), rec.fs
    cols = []
    for i, ch in enumerate(rec.channels):
        idx = r.labels.index(ch.column) if isinstance(ch.column, str) and ch.column in r.labels else None
        if by_index and isinstance(ch.column, int):
            idx = ch.column
        if idx is None or not 0 <= idx < r.data.shape[1]:
            also = f" or indices 0..{r.data.shape[1] - 1}" if by_index else ""
            raise SessionError(f"{where}.channels[{i}].column: {ch.column!r} is not a column of {rec.file.name} "
                               f"(columns: {', '.join(r.labels)}{also})")
        cols.append(r.data[:, idx])
    return _on_session_clock(np.column_stack(cols), fs, rec, r, where)


def _read_imu(s: ImuSensor, files: _FileCache, where: str) -> _ImuData:
    """The sensor's gyr/acc/mag in SI units and its place on the session clock (``base``, ``gaps``); ``files``
    caches recordings by file, as several sensors may share one (both feet in a gaitmap file, a C3D)."""
    key = (s.file, s.format, s.fs)
    if key not in files:
        readers: dict[str, Callable[[], Recording]] = {"gaitmap_csv": lambda: read_gaitmap_csv(s.file, fs=s.fs), "c3d": lambda: read_c3d(s.file),
                   "csv": lambda: read_delimited(s.file, fs=s.fs, delimiter=","), "tsv": lambda: read_delimited(s.file, fs=s.fs, delimiter="\t")}
        files[key] = readers[s.format]()
    r = files[key]
    names: dict[str, list[str] | str | None]
    if s.format == "gaitmap_csv":
        def pick(sensor: list[str] | str, kind: str) -> list[str]:
            return [f"{sensor}/{kind}_{a}" for a in "xyz"]

        names = {"gyr": pick(s.gyr, "gyr"), "acc": pick(s.acc, "acc"), "mag": pick(s.mag, "mag") if s.mag else None}
    else:
        if s.format == "c3d":
            _file_rate(s.fs, r.fs, where)
        names = {"gyr": s.gyr, "acc": s.acc, "mag": s.mag}
    arrays: dict[str, np.ndarray] = {}  # the sensors present (mag is optional)
    for kind, cols in names.items():
        if cols is None:
            continue
        missing = [c for c in cols if c not in r.labels]
        if missing:
            raise SessionError(f"{where}.{kind}: {', '.join(missing)} not in {s.file.name} (columns: {', '.join(r.labels)})")
        arrays[kind] = np.column_stack([r.data[:, r.labels.index(c)] for c in cols])
    if s.gyr_units == "deg/s":
        arrays["gyr"] = np.radians(arrays["gyr"])
    if s.acc_units == "g":
        arrays["acc"] = arrays["acc"] * 9.80665
    kinds = [k for k in ("gyr", "acc", "mag") if k in arrays]
    x, base, gaps = _on_session_clock(np.column_stack([arrays[k] for k in kinds]), r.fs, s, r, where)
    for j, k in enumerate(kinds):
        arrays[k] = np.ascontiguousarray(x[:, 3 * j:3 * j + 3])
    return {"gyr": arrays["gyr"], "acc": arrays["acc"], "mag": arrays.get("mag"), "base": base, "gaps": gaps}


def _quietest(env: np.ndarray, fs: float, seconds: float = 3.0) -> slice:
    n = int(round(seconds * fs))
    if env.shape[0] <= n:
        return slice(0, env.shape[0])
    score = (env / np.maximum(np.percentile(env, 95, axis=0), 1e-30)).sum(axis=1)
    c = np.concatenate([[0.0], np.cumsum(score)])
    start = int(np.argmin(c[n:] - c[:-n]))
    return slice(start, start + n)


def _feet(s: Session) -> dict[str | None, ImuSensor]:
    return {sns.side: sns for sns in s.imu if sns.placement == "foot"}


def _lower_back(s: Session) -> ImuSensor | None:
    return next((sns for sns in s.imu if sns.placement == "lower_back"), None)


def _segments(s: Session) -> list[ImuSensor]:
    return [sns for sns in s.imu if sns.placement != "foot"]


def _sensor_key(sns: ImuSensor) -> str:
    return sns.placement + (f"_{sns.side}" if sns.side else "")


def _where(s: Session, sns: ImuSensor) -> str:
    return f"imu[{next(i for i, x in enumerate(s.imu) if x is sns)}]"


def _angles_skipped(s: Session) -> str | None:
    """Why the segment sensors give no joint angles, or None when they do."""
    if s.static_pose is None:
        return "joint angles need static_pose"
    missing = [_where(s, sns) + ".anterior" for sns in _segments(s) if sns.anterior is None]
    return f"joint angles need {', '.join(missing)}" if missing else None


def _anterior(s: Session, sns: ImuSensor) -> tuple[float, float, float]:
    """A segment sensor's anterior axis (present: :func:`_angles_skipped` reports a missing one first)."""
    if sns.anterior is None:
        raise SessionError(f"{_where(s, sns)}.anterior: joint angles need it")
    return sns.anterior


def _shared_grid(bases: list[TimeBase], where: str, fs: float | None = None) -> TimeBase:
    try:
        return common_grid(bases, fs=fs, where=where)
    except ValueError as exc:
        raise SessionError(str(exc)) from exc


def plan_steps(s: Session) -> list[str]:
    """The steps :func:`analyze_session` will take for this session, in order (for progress display).

    Parameters
    ----------
    s : Session

    Returns
    -------
    list of str
        One human-readable step name per step.
    """
    steps = [f"EMG {rec.file.name}" for rec in s.emg]
    feet = _feet(s)
    if set(feet) == {"left", "right"}:
        steps.append("gait (feet)")
        steps += [f"foot angle {side}" for side in ("left", "right") if feet[side].anterior is not None]
    if _lower_back(s) is not None:
        steps.append("gait (lower back)")
    if _segments(s) and _angles_skipped(s) is None:
        steps += [f"orientation {_sensor_key(sns)}" for sns in _segments(s)] + ["joint angles"]
    steps += [f"questionnaire {inst}" for inst in s.questionnaires]
    steps += [f"FHIR {path.name}" for path in s.fhir]
    return steps


def analyze_session(session: Session | str | pathlib.Path, *,
                    progress: Callable[[int, int, str], None] | None = None,
                    allow_outside: bool = False) -> SessionResult:
    """Analyse every part a session file describes.

    ``progress(done, total, message)`` is called before each step (``done`` steps finished of ``total``, see
    :func:`plan_steps`) and once more with ``done == total`` and ``"done"`` at the end.

    Parameters
    ----------
    session : Session, str or path
        A session file (``.json`` / ``.toml``) or a loaded :class:`kinemyo.session.Session`.
    progress : callable (done, total, message), optional
    allow_outside : bool
        Allow recordings outside the session file's folder (see :func:`kinemyo.session.load_session`).

    Returns
    -------
    SessionResult
        ``summary`` (JSON-ready numbers with units in their names: EMG activations s, ratios, gait times s and
        lengths m, joint-angle ranges deg, questionnaire scores) and the arrays behind the report's figures.

    Raises
    ------
    kinemyo.session.SessionError
        A session file that is invalid or names missing recordings (a ValueError naming the field).
    ValueError
        Recordings whose data cannot be analysed (naming the recording).
    """
    s = session if isinstance(session, Session) else load_session(session, allow_outside=allow_outside)
    plan = plan_steps(s)
    done = [0]

    def step(message: str) -> None:
        if progress is not None:
            progress(done[0], len(plan), message)
        done[0] += 1
    summary: dict[str, Any] = {"session": {"name": s.name, "subject": s.subject, "date": s.date, "affected_side": s.affected_side,
                                 "file": str(s.path)},
                     "kinemyo_version": _core.__version__, "sources": list(s.sources)}
    result = SessionResult(s, summary)

    # --- EMG -----------------------------------------------------------------------------------------------
    emg_summary = {}
    envelopes = {}
    for i, rec in enumerate(s.emg):
        step(f"EMG {rec.file.name}")
        where = f"emg[{i}]"
        x, base, gaps = read_emg_recording(rec, where)
        fs = base.fs
        scale = EMG_UNITS[rec.units]
        unit = "V" if scale is not None else "adc"
        if scale is not None:
            x = x * scale
        cfg = [emg.ChannelConfig(name=c.name, profile=c.profile) for c in rec.channels]
        env = np.asarray(emg.offline_envelope(x, cfg, fs=fs))
        # Rest: the window given in the session (session clock), else each channel's own quietest 3 s (feature noise
        # thresholds, report); the onset baseline without a session rest: the envelope's quietest short windows.
        if rec.rest:
            rest = slice(base.index(rec.rest[0]), base.index(rec.rest[1]))
            if rest.stop - rest.start < 2:
                raise SessionError(f"{where}.rest: {list(rec.rest)} s is outside the recording "
                                   f"({base.start_s:g}-{base.stop_s:g} s)")
            rests = [rest] * len(rec.channels)
        else:
            rests = [_quietest(env[:, k:k + 1], fs) for k in range(len(rec.channels))]
        onset = {**ONSET_DEFAULTS, **rec.onset}
        if rec.rest:
            rest_env = np.column_stack([env[r, k] for k, r in enumerate(rests)])
            acts = emg.detect_activations(env, rest_env, fs=fs, config=emg.OnsetConfig(**onset))
            baseline = (rest_env.mean(axis=0), rest_env.std(axis=0, ddof=1), "session rest window")
        else:
            mean, sd = emg.estimate_rest(env, fs=fs)
            acts = emg.detect_activations(env, None, fs=fs, config=emg.OnsetConfig(**onset), baseline=(mean, sd))
            baseline = (mean, sd, f"quietest {100 * emg.REST_FRACTION:g} % of {emg.REST_WINDOW_S:g} s envelope windows")
        quality = emg.assess_quality(x, fs=fs)
        t = base.times()
        for k, ch in enumerate(rec.channels):
            rest = rests[k]
            rest_s = [float(t[rest.start]), float(t[rest.stop - 1] + 1 / fs)]
            mine = acts.channel == k
            onsets, offsets = acts.onset_s[mine] + base.start_s, acts.offset_s[mine] + base.start_s
            noise = 3.0 * float(np.std(x[rest, k]))  # amplitude thresholds of ZC/SSC/WAMP: 3 SD of the rest
            feats = emg.windowed_features(x[:, k], fs=fs, window_s=FATIGUE_WINDOW_S, step_s=FATIGUE_WINDOW_S / 2,
                                          thresholds=emg.FeatureThresholds(noise, noise ** 2, noise))
            mdf_t = feats["t_start_s"].to_numpy() + FATIGUE_WINDOW_S / 2 + base.start_s
            trend = emg.median_frequency_trend(mdf_t, feats["mdf_hz"].to_numpy())
            reference = float(np.percentile(env[:, k], 95))
            # zero-phase low-pass ringing can dip below zero; an activation ratio needs non-negative envelopes
            envelopes[ch.name] = (np.clip(env[:, k], 0.0, None) / reference, base)
            result.emg[ch.name] = {"t": t, "raw": x[:, k], "envelope": env[:, k], "fs": fs, "unit": unit,
                                   "rest": tuple(rest_s), "onsets": onsets.tolist(), "offsets": offsets.tolist(),
                                   "quality": quality[k], "mdf_t": mdf_t, "mdf": feats["mdf_hz"].to_numpy(),
                                   "gaps": gaps}
            emg_summary[ch.name] = {
                "muscle": ch.muscle, "side": ch.side, "profile": ch.profile, "fs_hz": fs, "unit": unit,
                "file": rec.file.name, "start_s": base.start_s, "duration_s": base.n / fs,
                "gaps_s": [list(g) for g in gaps],
                "rest_window_s": rest_s, "onset_config": onset,
                "onset_baseline": {"mean": float(baseline[0][k]), "sd": float(baseline[1][k]), "from": baseline[2]},
                "envelope_reference_p95": reference,
                "activations": int(mine.sum()),
                "active_fraction": float((offsets - onsets).sum() / (base.n / fs)),
                "quality": {k2: (bool(v) if isinstance(v, (bool, np.bool_)) else float(v)) for k2, v in quality[k].items()},
                "median_frequency_trend": trend[0] if trend else None,
            }
    if emg_summary:
        summary["emg"] = emg_summary
    ratios = {}
    for i, (num, den) in enumerate(s.ratios):
        (a, base_a), (b, base_b) = envelopes[num], envelopes[den]
        # Envelopes of different recordings: onto one grid over the span both cover, at the lower rate (the
        # envelopes are low-passed far below either rate, so linear interpolation loses nothing).
        grid = _shared_grid([base_a, base_b], f"ratios[{i}]", fs=min(base_a.fs, base_b.fs))
        a, b = resample(a, base_a, grid), resample(b, base_b, grid)
        table = emg.sliding_indices(a, b, fs=grid.fs, window_s=RATIO_WINDOW_S, step_s=RATIO_WINDOW_S / 4)
        frame = table.to_frame()
        key = f"{num}:{den}"
        result.ratios[key] = {"t": (frame["t_start_s"] + frame["t_end_s"]).to_numpy() / 2 + grid.start_s,
                              "ratio": frame["activation_ratio"].to_numpy()}
        ratios[key] = {"overall_activation_ratio": float(emg.activation_ratio(a, b)),
                       "median_windowed_ratio": float(np.nanmedian(frame["activation_ratio"])),
                       "span_s": [grid.start_s, grid.stop_s], "fs_hz": grid.fs,
                       "normalisation": "each envelope / its 95th percentile over its recording"}
    if ratios:
        summary["ratios"] = ratios

    # --- IMU: gait from feet, orientation and angles ----------------------------------------------------------
    imu_files: _FileCache = {}
    feet = _feet(s)
    if set(feet) == {"left", "right"}:
        step("gait (feet)")
        data = {side: _read_imu(feet[side], imu_files, _where(s, feet[side])) for side in ("left", "right")}
        # Both feet on one grid: their shared span at the higher rate (identical grids pass through unchanged).
        grid = _shared_grid([data[side]["base"] for side in ("left", "right")], "imu (feet)")
        on_grid = {side: {"gyr": resample(data[side]["gyr"], data[side]["base"], grid),
                          "acc": resample(data[side]["acc"], data[side]["base"], grid)}
                   for side in ("left", "right")}
        res = gait.analyze_feet(on_grid["left"]["gyr"], on_grid["left"]["acc"], on_grid["right"]["gyr"],
                                on_grid["right"]["acc"], fs=grid.fs, ml_axis=feet["left"].ml_axis,
                                ml_sign=feet["left"].ml_sign)
        strides = _table(res.strides, "gait.strides")
        for col in ("initial_contact_s", "terminal_contact_s", "next_initial_contact_s"):
            strides[col] += grid.start_s  # event times on the session clock
        result.gait, result.gait_base = res, grid
        result.gait_signals = {side: feet[side].ml_sign * on_grid[side]["gyr"][:, feet[side].ml_axis]
                               for side in ("left", "right")}
        asym = gait.asymmetry_summary(strides, affected=s.affected_side)
        kept = strides[~strides["excluded"]]
        summary["gait"] = {
            "fs_hz": grid.fs, "span_s": [grid.start_s, grid.stop_s],
            "gaps_s": {side: [list(g) for g in data[side]["gaps"]] for side in ("left", "right")},
            "strides": int(len(strides)), "strides_kept": int(len(kept)),
            "excluded": {f: int(strides["qc_flags"].str.contains(f).sum()) for f in gait.FLAG_NAMES.values()},
            "median": {col: {side: float(kept.loc[kept.side == side, col].median()) for side in ("left", "right")}
                       for col in ("stride_time_s", "stance_time_s", "swing_time_s", "step_time_s",
                                   "single_support_s", "cadence_steps_per_min", "stride_length_m", "gait_speed_m_per_s")},
            "asymmetry": [{k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in row.items()}
                          for row in asym.to_dict("records")],
        }
        foot_angles = {}
        for side in ("left", "right"):
            anterior = feet[side].anterior
            if anterior is not None:
                step(f"foot angle {side}")
                foot_angles[side] = _foot_angle(side, on_grid[side], grid, anterior,
                                                res.left if side == "left" else res.right,
                                                kept[kept.side == side], result)
        if foot_angles:
            summary["gait"]["foot_angle_deg"] = foot_angles
    elif feet:
        summary["gait"] = {"skipped": "gait needs a left and a right foot sensor"}
    lower_back = _lower_back(s)
    if lower_back is not None:
        step("gait (lower back)")
        summary["gait_lower_back"] = _lower_back_gait(s, lower_back, imu_files, result)
    if _segments(s):
        summary["imu"] = _segment_angles(s, imu_files, result, step)

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
    if progress is not None:
        progress(len(plan), len(plan), "done")
    return result


def _lower_back_gait(s: Session, sns: ImuSensor, files: _FileCache, result: SessionResult) -> dict[str, Any]:
    """Walking bouts, contacts and the step table of the lower-back sensor ``sns`` (gait.lower_back_gait), on the
    session clock, and its summary."""
    where = _where(s, sns)
    data = _read_imu(sns, files, where)
    base = data["base"]
    try:
        r = gait.lower_back_gait(data["acc"], data["gyr"], fs=base.fs)
    except ValueError as exc:
        raise SessionError(f"{where}: {exc}") from exc
    shift = base.start_s
    steps = _table(r.steps, "lower_back.steps").copy()
    steps[["start_s", "end_s"]] += shift
    bouts, turns = _table(r.bouts, "lower_back.bouts").copy(), _table(r.turns, "lower_back.turns").copy()
    bouts[["start_s", "end_s"]] += shift
    turns[["start_s", "end_s"]] += shift
    r = LowerBackGait(r.initial_contact + shift, r.initial_contact_side, r.side_confidence, r.bout,
                           r.final_contact + shift, r.final_contact_side, bouts, turns, steps, r.vertical_axis,
                           r.vertical_deviation_rad)
    result.lower_back = r
    result.lower_back_signal = {"t": shift + np.arange(len(data["acc"])) / base.fs,
                                "acc_norm": np.linalg.norm(data["acc"], axis=1) - 9.80665}
    kept = steps[~steps["excluded"]]
    asym = gait.asymmetry_summary(steps, affected=s.affected_side) if len(kept) else None

    def med(col: str, side: str) -> float | None:
        return float(kept.loc[kept.side == side, col].median()) if len(kept) else None

    return {
        "fs_hz": base.fs, "span_s": [base.start_s, base.stop_s], "gaps_s": [list(g) for g in data["gaps"]],
        "vertical_axis": r.vertical_axis, "vertical_deviation_deg": float(np.degrees(r.vertical_deviation_rad)),
        "walking_bouts": int(len(bouts)), "walking_s": float((bouts.end_s - bouts.start_s).sum()),
        "turns": int(len(turns)), "steps": int(len(steps)), "steps_kept": int(len(kept)),
        "excluded": {f: int(steps["qc_flags"].str.contains(f).sum()) for f in gait.STEP_FLAG_NAMES.values()},
        "median": {col: {side: med(col, side) for side in ("left", "right")}
                   for col in ("step_time_s", "stride_time_s", "cadence_steps_per_min")},
        "cadence_steps_per_min": float(kept["cadence_steps_per_min"].median()) if len(kept) else None,
        "asymmetry": [] if asym is None else
        [{k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in row.items()}
         for row in asym.to_dict("records")],
    }


def _record_angles(result: SessionResult, name: str, t: np.ndarray, angles: dict[str, Any]) -> dict[str, Any]:
    """Keep a named set of angle series (rad) for the report, with their repetitions; their summary in degrees."""
    reps = {k: imu.repetitions(v, REPETITION_MIN_RANGE) for k, v in angles.items()}
    result.angles[name] = {"t": t, "angles": angles, "repetitions": reps}
    out = {}
    for k, v in angles.items():
        a = np.degrees(v[np.isfinite(v)])
        out[k] = {"median": float(np.median(a)), "p5": float(np.percentile(a, 5)), "p95": float(np.percentile(a, 95)),
                  "repetitions": len(reps[k]), "range_per_repetition": np.degrees(reps[k].range).tolist()}
    return out


def _foot_angle(side: str, d: dict[str, np.ndarray], grid: TimeBase, anterior: tuple[float, float, float],
                events: FootEvents, strides: pd.DataFrame, result: SessionResult) -> dict[str, Any]:
    """The foot's sagittal angle (gait.foot_angle) with its extremes per kept stride."""
    angle = gait.foot_angle(d["gyr"], d["acc"], events.mid_stance, fs=grid.fs, anterior=anterior)
    peaks, troughs = [], []
    for a, b in zip(strides["initial_contact_s"], strides["next_initial_contact_s"]):
        seg = angle[grid.index(a):grid.index(b) + 1]
        if len(seg):
            peaks.append(seg.max())
            troughs.append(seg.min())
    # repetitions: one per stride, push-off valley to heel-strike peak
    stats = _record_angles(result, f"foot {side}", grid.times(), {"sagittal": angle})["sagittal"]
    return {"zero": "median at mid-stance (foot flat)", "anterior_axis": list(anterior), **stats, "strides": len(peaks),
            "max_per_stride_median": float(np.degrees(np.median(peaks))) if peaks else None,
            "min_per_stride_median": float(np.degrees(np.median(troughs))) if troughs else None}


def _segment_angles(s: Session, files: _FileCache, result: SessionResult, step: Callable[[str], None]) -> dict[str, Any]:
    """The non-foot sensors on one grid; with a static pose and each sensor's anterior axis, their orientations,
    the sensor-to-segment calibration, hip and lumbo-pelvic joint angles, segment inclination and repetitions."""
    data = {}
    for sns in _segments(s):
        key = _sensor_key(sns)
        if key in data:
            raise SessionError(f"{_where(s, sns)}: a second {key.replace('_', ' ')} sensor")
        data[key] = (_read_imu(sns, files, _where(s, sns)), sns)
    out: dict[str, Any] = {"sensors": list(data)}
    grid = _shared_grid([d["base"] for d, _ in data.values()], "imu (segments)")
    skipped = _angles_skipped(s)
    if skipped:
        out["angles_skipped"] = skipped
        return out
    static_pose = s.static_pose
    if static_pose is None:  # _angles_skipped reports a missing static pose; checked again for the type checker
        raise SessionError("static_pose: joint angles need static_pose")
    quats = {}
    for key, (d, _) in data.items():
        step(f"orientation {key}")
        r = imu.robust_orientation(d["gyr"], d["acc"], d["mag"], fs=d["base"].fs)
        quats[key] = resample_quaternions(r.quat_9d if d["mag"] is not None else r.quat_6d, d["base"], grid)
    step("joint angles")
    pose = slice(grid.index(static_pose[0]), grid.index(static_pose[1]))
    if pose.stop - pose.start < 2:
        raise SessionError(f"static_pose: {list(static_pose)} s is outside the IMU recordings' shared span "
                           f"({grid.start_s:g}-{grid.stop_s:g} s)")
    keys = list(quats)
    pelvis = keys.index("pelvis") if "pelvis" in keys else 0
    anteriors = [_anterior(s, data[k][1]) for k in keys]
    try:
        cal = imu.calibrate_static_pose(np.stack([imu.mean_orientation(quats[k][pose]) for k in keys]),
                                        np.stack(anteriors), pelvis,
                                        shared_heading=all(d["mag"] is not None for d, _ in data.values()))
    except ValueError as exc:
        raise SessionError(f"static_pose: {exc}") from exc
    seg = {k: imu.segment_orientations(quats[k], c) for k, c in zip(keys, cal)}
    series = {}
    for side in ("left", "right"):
        if "pelvis" in seg and f"thigh_{side}" in seg:
            series[f"hip {side}"] = imu.hip_angles(seg["pelvis"], seg[f"thigh_{side}"], side)
    if "pelvis" in seg and "lower_back" in seg:
        series["lumbo-pelvic"] = imu.lumbopelvic_angles(seg["pelvis"], seg["lower_back"])
    for k in ("lower_back", "pelvis"):
        if k in seg:
            series[k.replace('_', ' ')] = {"inclination": imu.inclination(seg[k])}
    t = grid.times()
    out.update({"fs_hz": grid.fs, "span_s": [grid.start_s, grid.stop_s], "static_pose_s": list(static_pose),
                "angles_deg": {name: _record_angles(result, name, t, angles) for name, angles in series.items()}})
    return out


def _score_summary(r: questionnaire.ScoreResult) -> dict[str, Any]:
    scores: dict[str, dict[str, Any]] = {}
    out = {"classification": r.classification or None, "warnings": list(r.warnings), "scores": scores}
    for name, v in r.scores.items():
        scores[name] = {"value": None if not v.computable else float(v.value), "band": v.band or None,
                               "cutoffs": dict(v.cutoffs), "n_answered": v.n_answered, "n_items": v.n_items,
                               "reason": v.reason or None}
    return out
