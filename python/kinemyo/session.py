"""Session description files: one rehabilitation session's recordings, channels, placements and questionnaires.

A session is a JSON or TOML file (TOML: the same keys, arrays of tables for ``emg`` / ``imu``). Paths are relative
to the session file. Every error names the offending field, e.g. ``emg[0].channels[1].column: 'GM_R' is not a
column of emg.csv (columns: t, ES_L, ES_R)``.

Keys (``?`` optional):

- ``name``, ``subject?``, ``date?``, ``affected_side?`` ('left' | 'right'), ``sources?`` (text lines naming where
  each recording comes from, shown in the report), ``static_pose?`` ([start_s, stop_s] on the session clock: the
  subject stands still in the neutral pose; calibrates pelvis/thigh/shank/lower-back sensors for joint angles)
- Timing, for every EMG recording and IMU sensor: ``start_s?`` (default 0) places the recording on the session
  clock: the time of its first sample, or with ``time_column?`` (csv/tsv: a column of per-sample timestamps in
  ``time_units?`` 's' | 'ms' | 'us') an offset added to the timestamps. Timestamps must increase and agree with
  ``fs`` (2 %); they are resampled onto the uniform ``fs`` grid and gaps are reported. Recordings of different
  rates or starts are combined (ratios, both feet, joint angles) over the span they share
  (:mod:`kinemyo.timebase`).
- ``emg?``: list of recordings, each ``file``, ``format`` ('csv' | 'tsv' | 'simple_text' | 'c3d'), ``fs`` (Hz;
  from the file for 'simple_text' and 'c3d', and checked against it when given), ``units`` ('V' | 'mV' | 'uV' | 'adc'), ``rest?`` ([start_s, stop_s] of a rest
  period, at least 3 s; default: each channel's quietest 3 s), ``onset?`` (OnsetConfig fields on the envelope;
  default ``analysis.ONSET_DEFAULTS``: k_on 8, k_off 4, min_on_s 0.1, min_off_s 0.05, chosen by leave-one-
  recording-out cross-validation, bench/onset_cv.py and docs/validation.md), and ``channels``: ``name``, ``column`` (header name, or index for 'simple_text'),
  ``muscle?``, ``side?``, ``profile?`` ('limb' | 'trunk').
- ``ratios?``: list of ``{numerator, denominator}`` channel names (e.g. gluteus medius : paraspinal).
- ``imu?``: list of sensors, each ``file``, ``format`` ('csv' | 'tsv' | 'gaitmap_csv' | 'c3d': analog channels),
  ``fs``, ``placement``
  ('foot' | 'shank' | 'thigh' | 'pelvis' | 'lower_back'), ``side?``, ``gyr`` / ``acc`` / ``mag?`` (three column
  names each; for 'gaitmap_csv' the sensor name, e.g. 'left_sensor'), ``gyr_units`` ('rad/s' | 'deg/s'),
  ``acc_units`` ('m/s^2' | 'g'), ``anterior?`` (the sensor axis pointing forward in the neutral pose: 'x', '-x',
  'y', '-y', 'z', '-z' or three numbers; needed for joint angles and the foot angle), and for feet ``ml_axis?`` /
  ``ml_sign?``.
- ``questionnaires?``: instrument id -> list of answers (null = missing), or ``fhir?``: list of
  QuestionnaireResponse JSON files.
- ``mic?``: instrument id -> minimal important change, used when comparing sessions.
"""

from __future__ import annotations

from typing import Any, Literal, NoReturn

import json
import math
import pathlib
import sys
from dataclasses import dataclass, field

__all__ = ["EmgChannel", "EmgRecording", "ImuSensor", "Session", "SessionError", "load_session"]

EMG_FORMATS = ("csv", "tsv", "simple_text", "c3d")
EMG_UNITS = {"V": 1.0, "mV": 1e-3, "uV": 1e-6, "adc": None}
IMU_FORMATS = ("csv", "tsv", "gaitmap_csv", "c3d")
PLACEMENTS = ("foot", "shank", "thigh", "pelvis", "lower_back")
SIDES = ("left", "right")
TIME_UNITS = {"s": 1.0, "ms": 1e-3, "us": 1e-6}
AXES = {"x": (1.0, 0.0, 0.0), "y": (0.0, 1.0, 0.0), "z": (0.0, 0.0, 1.0)}


class SessionError(ValueError):
    """A session file that cannot be used; the message starts with the field."""


@dataclass(frozen=True)
class Timing:
    """Where a recording sits on the session clock (see the module docstring)."""

    start_s: float = 0.0
    time_column: str | None = None
    time_units: str = "s"


@dataclass(frozen=True)
class EmgChannel:
    """One EMG channel of a recording: its ``name``, the file ``column`` (name or 0-based index), the ``muscle``
    and ``side`` it records and the pre-filter ``profile`` ('limb' 20-450 Hz or 'trunk' 30-450 Hz)."""

    name: str
    column: str | int
    muscle: str | None = None
    side: str | None = None
    profile: Literal["limb", "trunk"] = "limb"


@dataclass(frozen=True)
class EmgRecording:
    """An EMG recording of a session: the ``file`` and its ``format``, sampling rate ``fs`` (Hz; None: from the
    file), sample ``units`` (V, mV, uV or adc), the channels, an optional ``rest`` window (start, end) in s, onset
    settings and its place on the session clock (``timing``)."""

    file: pathlib.Path
    format: str
    fs: float | None
    units: str
    channels: list[EmgChannel]
    rest: tuple[float, float] | None = None
    onset: dict[str, Any] = field(default_factory=dict[str, Any])
    timing: Timing = Timing()


@dataclass(frozen=True)
class ImuSensor:
    """An IMU of a session: the ``file``, ``format`` and ``fs`` (Hz), where it is worn (``placement``, ``side``),
    the columns of its gyroscope, accelerometer and magnetometer with their units (``gyr_units`` rad/s or deg/s,
    ``acc_units`` m/s^2 or g), the foot medio-lateral axis (``ml_axis``, ``ml_sign``), an ``anterior`` hint in
    the sensor frame and its place on the session clock (``timing``)."""

    file: pathlib.Path
    format: str
    fs: float
    placement: str
    side: str | None
    gyr: list[str] | str
    acc: list[str] | str
    mag: list[str] | str | None = None
    gyr_units: str = "rad/s"
    acc_units: str = "m/s^2"
    ml_axis: int = 1
    ml_sign: float = 1.0
    anterior: tuple[float, float, float] | None = None
    timing: Timing = Timing()


@dataclass(frozen=True)
class Session:
    """A validated session file (:func:`load_session`): its name, subject, date and affected side, the EMG
    recordings and muscle ratios, the IMUs, the questionnaires (answers and FHIR files), minimal important changes
    and the static-pose window (s)."""

    name: str
    path: pathlib.Path
    subject: str | None = None
    date: str | None = None
    affected_side: str | None = None
    emg: list[EmgRecording] = field(default_factory=list)
    ratios: list[tuple[str, str]] = field(default_factory=list)
    imu: list[ImuSensor] = field(default_factory=list)
    questionnaires: dict[str, list[Any]] = field(default_factory=dict)
    fhir: list[pathlib.Path] = field(default_factory=list)
    mic: dict[str, float] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    static_pose: tuple[float, float] | None = None


def _fail(where: str, what: str) -> NoReturn:
    raise SessionError(f"{where}: {what}")


def _get(d: dict[str, Any], key: str, where: str, kind: Any, required: bool = True, default: Any=None) -> Any:
    if key not in d:
        if required:
            _fail(f"{where}.{key}" if where else key, "is required")
        return default
    value = d[key]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        _fail(f"{where}.{key}" if where else key, f"must be {names}, got {type(value).__name__}")
    return value


def _choice(value: Any, allowed: Any, where: Any) -> Any:
    if value not in allowed:
        _fail(where, f"must be one of {', '.join(map(str, allowed))}, got {value!r}")
    return value


def _file(base: pathlib.Path, allow_outside: bool, value: str, where: str) -> pathlib.Path:
    """A recording path of the session, confined to the session file's folder (symlinks resolved) unless
    ``allow_outside``: a session file from someone else must not make kinemyo read arbitrary files."""
    p = (base / value).resolve()
    if not allow_outside and not p.is_relative_to(base.resolve()):
        _fail(where, f"{value!r} lies outside the session file's folder; recordings must be inside it "
                     "(kinemyo analyze --allow-outside, or allow_outside=True, permits other locations)")
    if not p.is_file():
        _fail(where, f"file not found: {p}")
    return p


def _positive(value: Any, where: Any) -> Any:
    if not (math.isfinite(value) and value > 0):
        _fail(where, f"must be finite and > 0, got {value}")
    return value


def _columns(value: Any, where: Any, fmt: Any) -> Any:
    if fmt == "gaitmap_csv":
        if not isinstance(value, str):
            _fail(where, "must be the sensor name (e.g. 'left_sensor') for gaitmap_csv")
        return value
    if not (isinstance(value, list) and len(value) == 3 and all(isinstance(c, str) for c in value)):
        _fail(where, "must be a list of three column names")
    return value


def _finite_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _interval(value: Any, where: Any) -> Any:
    if value is None:
        return None
    if not (isinstance(value, list) and len(value) == 2 and all(map(_finite_number, value)) and value[0] < value[1]):
        _fail(where, "must be [start_s, stop_s] with start < stop")
    return float(value[0]), float(value[1])


def _timing(entry: dict[str, Any], where: str, fmt: str) -> Timing:
    start = _get(entry, "start_s", where, float, required=False, default=0.0)
    if not math.isfinite(start):
        _fail(f"{where}.start_s", f"must be finite, got {start}")
    column = _get(entry, "time_column", where, str, required=False)
    if column is not None and fmt not in ("csv", "tsv"):
        _fail(f"{where}.time_column", f"only csv/tsv recordings have a time column, not {fmt}")
    units = _choice(_get(entry, "time_units", where, str, required=False, default="s"), tuple(TIME_UNITS),
                    f"{where}.time_units")
    if "time_units" in entry and column is None:
        _fail(f"{where}.time_units", "needs time_column")
    return Timing(start, column, units)


def _axis(value: Any, where: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        sign, name = (-1.0, value[1:]) if value.startswith("-") else (1.0, value.lstrip("+"))
        if name not in AXES:
            _fail(where, f"must be x, -x, y, -y, z, -z or three numbers, got {value!r}")
        return tuple(sign * c for c in AXES[name])
    if not (isinstance(value, list) and len(value) == 3 and all(map(_finite_number, value))):
        _fail(where, "must be x, -x, y, -y, z, -z or three numbers")
    norm = math.sqrt(sum(v * v for v in value))
    if norm == 0:
        _fail(where, "must not be the zero vector")
    return tuple(v / norm for v in value)


def _tables(data: dict[str, Any], key: str) -> Any:
    """(where, table) for each entry of an optional list of tables."""
    for i, entry in enumerate(_get(data, key, "", list, required=False, default=[])):
        where = f"{key}[{i}]"
        if not isinstance(entry, dict):
            _fail(where, "must be a table/object")
        yield where, entry


def parse_session(data: dict[str, Any], path: pathlib.Path, *, allow_outside: bool = False) -> Session:
    """Validate a session dictionary (as read from JSON/TOML); paths relative to ``path``'s folder, and inside it
    unless ``allow_outside``."""
    if not isinstance(data, dict):
        _fail("session", "must be a table/object")
    known = {"name", "subject", "date", "affected_side", "emg", "ratios", "imu", "questionnaires", "fhir", "mic",
             "sources", "static_pose"}
    for key in data:
        if key not in known:
            _fail(key, f"unknown key (known: {', '.join(sorted(known))})")
    base = path.parent
    name = _get(data, "name", "", str)
    affected = _get(data, "affected_side", "", str, required=False)
    if affected is not None:
        _choice(affected, SIDES, "affected_side")
    emg = []
    for w, rec in _tables(data, "emg"):
        fmt = _choice(_get(rec, "format", w, str), EMG_FORMATS, f"{w}.format")
        fs = _get(rec, "fs", w, float, required=fmt not in ("simple_text", "c3d"))
        if fs is not None:
            _positive(fs, f"{w}.fs")
        units = _choice(_get(rec, "units", w, str), tuple(EMG_UNITS), f"{w}.units")
        rest = _interval(_get(rec, "rest", w, list, required=False), f"{w}.rest")
        channels = []
        for j, ch in enumerate(_get(rec, "channels", w, list)):
            wc = f"{w}.channels[{j}]"
            if not isinstance(ch, dict):
                _fail(wc, "must be a table/object")
            column = _get(ch, "column", wc, (str, int))
            side = _get(ch, "side", wc, str, required=False)
            if side is not None:
                _choice(side, SIDES, f"{wc}.side")
            profile = _choice(_get(ch, "profile", wc, str, required=False, default="limb"), ("limb", "trunk"),
                              f"{wc}.profile")
            channels.append(EmgChannel(_get(ch, "name", wc, str), column, _get(ch, "muscle", wc, str, False), side,
                                       profile))
        if not channels:
            _fail(f"{w}.channels", "needs at least one channel")
        names = [c.name for c in channels]
        if len(set(names)) != len(names):
            _fail(f"{w}.channels", "channel names must be unique")
        onset = _get(rec, "onset", w, dict, required=False, default={})
        for key, value in onset.items():
            if key not in ("k_on", "k_off", "min_on_s", "min_off_s"):
                _fail(f"{w}.onset.{key}", "unknown (k_on, k_off, min_on_s, min_off_s)")
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not value >= 0:
                _fail(f"{w}.onset.{key}", "must be a number >= 0")
        emg.append(EmgRecording(_file(base, allow_outside, _get(rec, "file", w, str), f"{w}.file"), fmt, fs, units, channels, rest,
                                {k: float(v) for k, v in onset.items()}, _timing(rec, w, fmt)))
    all_channels = [c.name for r in emg for c in r.channels]
    ratios = []
    for w, r in _tables(data, "ratios"):
        for key in ("numerator", "denominator"):
            if _get(r, key, w, str) not in all_channels:
                _fail(f"{w}.{key}", f"{r[key]!r} is not an EMG channel name (channels: {', '.join(all_channels)})")
        ratios.append((r["numerator"], r["denominator"]))
    imu = []
    for w, s in _tables(data, "imu"):
        fmt = _choice(_get(s, "format", w, str), IMU_FORMATS, f"{w}.format")
        side = _get(s, "side", w, str, required=False)
        if side is not None:
            _choice(side, SIDES, f"{w}.side")
        placement = _choice(_get(s, "placement", w, str), PLACEMENTS, f"{w}.placement")
        if placement in ("foot", "shank", "thigh") and side is None:
            _fail(f"{w}.side", f"is required for a {placement} sensor")
        mag = s.get("mag")
        imu.append(ImuSensor(
            _file(base, allow_outside, _get(s, "file", w, str), f"{w}.file"), fmt, _positive(_get(s, "fs", w, float), f"{w}.fs"),
            placement, side, _columns(_get(s, "gyr", w, (list, str)), f"{w}.gyr", fmt),
            _columns(_get(s, "acc", w, (list, str)), f"{w}.acc", fmt),
            None if mag is None else _columns(mag, f"{w}.mag", fmt),
            _choice(_get(s, "gyr_units", w, str, required=False, default="rad/s"), ("rad/s", "deg/s"), f"{w}.gyr_units"),
            _choice(_get(s, "acc_units", w, str, required=False, default="m/s^2"), ("m/s^2", "g"), f"{w}.acc_units"),
            _choice(_get(s, "ml_axis", w, int, required=False, default=1), (0, 1, 2), f"{w}.ml_axis"),
            float(_choice(_get(s, "ml_sign", w, (int, float), required=False, default=1), (1, -1, 1.0, -1.0),
                          f"{w}.ml_sign")),
            _axis(s.get("anterior"), f"{w}.anterior"), _timing(s, w, fmt)))
    questionnaires = _get(data, "questionnaires", "", dict, required=False, default={})
    from kinemyo.questionnaire import instrument_ids

    for key, answers in questionnaires.items():
        _choice(key, tuple(instrument_ids()), f"questionnaires.{key}")
        if not isinstance(answers, list):
            _fail(f"questionnaires.{key}", "must be a list of answers (null for missing)")
    fhir = [_file(base, allow_outside, f, f"fhir[{i}]") for i, f in enumerate(_get(data, "fhir", "", list, required=False, default=[]))]
    mic = _get(data, "mic", "", dict, required=False, default={})
    for key, v in mic.items():
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not (math.isfinite(v) and v > 0):
            _fail(f"mic.{key}", "must be a finite number > 0")
    sources = _get(data, "sources", "", list, required=False, default=[])
    if not all(isinstance(x, str) for x in sources):
        _fail("sources", "must be a list of strings")
    return Session(name, path, _get(data, "subject", "", str, False), _get(data, "date", "", str, False), affected,
                   emg, ratios, imu, dict(questionnaires), fhir, {k: float(v) for k, v in mic.items()}, list(sources),
                   _interval(_get(data, "static_pose", "", list, required=False), "static_pose"))


def load_session(path: str | pathlib.Path, *, allow_outside: bool = False) -> Session:
    """Read and validate a session file (``.json`` or ``.toml``).

    Parameters
    ----------
    path : str or path
        The session file.
    allow_outside : bool
        Allow recordings outside the session file's folder (by default they must lie in it).

    Returns
    -------
    Session
        The validated description: EMG recordings (fs Hz, channels, units), IMU sensors (fs Hz, gyr / acc units),
        questionnaires, MICs.

    Raises
    ------
    SessionError
        An invalid file, naming the field (a ValueError).
    """
    path = pathlib.Path(path).resolve()
    if not path.is_file():
        raise SessionError(f"session: file not found: {path}")
    kind = path.suffix.lstrip(".").upper() or "JSON"
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SessionError(f"session: {path.name} is not UTF-8 text (byte {exc.start})") from exc
    except OSError as exc:
        raise SessionError(f"session: {path.name} cannot be read ({exc.strerror})") from exc
    try:
        if path.suffix.lower() == ".toml":
            if sys.version_info >= (3, 11):
                import tomllib
            else:  # Python < 3.11: the same parser as the tomli package
                try:
                    import tomli as tomllib
                except ModuleNotFoundError:
                    raise SessionError(f"session: {path.name}: TOML needs Python 3.11+ or the tomli package "
                                       "(pip install tomli), or write the session as JSON") from None
            data = tomllib.loads(text)
        else:
            data = json.loads(text)
    except RecursionError as exc:
        raise SessionError(f"session: {path.name} is nested too deeply") from exc
    except (ValueError, json.JSONDecodeError) as exc:
        raise SessionError(f"session: {path.name} is not valid {kind}: {exc}") from exc
    return parse_session(data, path, allow_outside=allow_outside)
