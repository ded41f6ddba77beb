"""The public recordings bundled with kinemyo, loaded as arrays with their sampling rate and units.

The demo session (``python/kinemyo/data/demo_session``) puts together recordings that were **not** made
together, to demonstrate the analysis; its ``session.json`` describes them (rates, columns, units) and the loaders
read them the way :func:`kinemyo.analysis.analyze_session` does.

- EMG: BioSPPy ``examples/emg.txt`` (first 63.9 s, column ``GM_L``) and ``examples/emg_1.txt`` (``ES_L``), raw
  12-bit ADC values at 1000 Hz; BSD 3-Clause, (c) Instituto de Telecomunicacoes (scientisst/BioSPPy). The muscle
  names are demo labels, not the recorded muscles.
- Feet: gaitmap ``example_data/imu_sample.csv``, a healthy subject walking 2 x 20 m with a turn, NilsPod sensors
  on both shoes at 204.8 Hz (sensor frame: x to the toes, y to the left, z up); MIT, (c) MaD-Lab Erlangen
  (mad-lab-fau/gaitmap).
- Questionnaires: published worked examples (CSI: the awell-score test response, total 49; ODI: the official
  example with one section missing, 16 of 45).

``biosppy_emg.txt`` (BioSPPy ``examples/emg.txt`` unchanged, 100 s) feeds the real-time demo. The licence texts
are in ``kinemyo/data/README.md``.
"""

from __future__ import annotations

import pathlib
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

if TYPE_CHECKING:
    from kinemyo.session import Session

__all__ = ["EmgRecording", "FeetRecording", "biosppy_emg_path", "demo_session_path", "load_biosppy_emg",
           "load_demo_emg", "load_demo_feet", "load_demo_questionnaires"]

_DATA = pathlib.Path(__file__).resolve().parent / "data"


class EmgRecording(NamedTuple):
    """EMG samples (n_samples, n_channels) in ``unit`` (``"adc"``: raw converter counts; ``"V"``: volts) at
    ``fs`` Hz, with the channels' names."""

    x: np.ndarray
    fs: float
    channels: tuple[str, ...]
    unit: str


class FeetRecording(NamedTuple):
    """Both foot IMUs on one clock: gyroscopes in rad/s and accelerometers in m/s^2 (gravity included),
    (n_samples, 3) each, at ``fs`` Hz. The fields are in the argument order of :func:`kinemyo.gait.analyze_feet`:
    ``gait.analyze_feet(**feet._asdict())``."""

    left_gyr: np.ndarray
    left_acc: np.ndarray
    right_gyr: np.ndarray
    right_acc: np.ndarray
    fs: float


def demo_session_path() -> pathlib.Path:
    """The demo session file (``session.json``); ``kinemyo.analysis.analyze_session(demo_session_path())``
    analyses it."""
    return _DATA / "demo_session" / "session.json"


def biosppy_emg_path() -> pathlib.Path:
    """BioSPPy ``examples/emg.txt`` (plain text, four ``#`` header lines, one ADC value per line, 1000 Hz)."""
    return _DATA / "biosppy_emg.txt"


def _demo_session() -> Session:
    from kinemyo.session import load_session

    return load_session(demo_session_path())


def _column_name(column: str | int) -> str:
    if isinstance(column, int):  # a CSV's columns are named; an index is not a column of it
        raise ValueError(f"demo session: EMG column {column} is an index, not a column name")
    return column


def load_demo_emg() -> EmgRecording:
    """The demo session's EMG: channels ``GM_L`` and ``ES_L``, 63.9 s of raw 12-bit ADC values (unit ``"adc"``)
    at 1000 Hz, as the session file describes them (BioSPPy examples, BSD 3-Clause; see the module docstring)."""
    from kinemyo.io import read_delimited

    rec = _demo_session().emg[0]
    if rec.fs is None:  # the demo EMG is a CSV, whose rate the session file must give
        raise ValueError(f"demo session: emg[0].fs is missing for {rec.file.name}")
    r = read_delimited(rec.file, fs=rec.fs, delimiter="," if rec.format == "csv" else "\t")
    cols = [r.labels.index(_column_name(ch.column)) for ch in rec.channels]
    return EmgRecording(np.ascontiguousarray(r.data[:, cols]), float(r.fs), tuple(ch.name for ch in rec.channels),
                        rec.units)


def load_demo_feet() -> FeetRecording:
    """The demo session's foot IMUs (gaitmap example walk, MIT; see the module docstring) in SI units: the file
    stores the gyroscopes in deg/s, converted here to rad/s; accelerometers in m/s^2; 204.8 Hz, 7928 samples."""
    from kinemyo.io import read_gaitmap_csv

    feet = {s.side: s for s in _demo_session().imu if s.placement == "foot"}
    r = read_gaitmap_csv(feet["left"].file, fs=feet["left"].fs)
    out: list[np.ndarray] = []
    for side in ("left", "right"):
        s = feet[side]
        for kind, sensor, units in (("gyr", s.gyr, s.gyr_units), ("acc", s.acc, s.acc_units)):
            v = np.column_stack([r.data[:, r.labels.index(f"{sensor}/{kind}_{a}")] for a in "xyz"])
            v = np.radians(v) if units == "deg/s" else v * 9.80665 if units == "g" else v
            out.append(np.ascontiguousarray(v))
    left_gyr, left_acc, right_gyr, right_acc = out
    return FeetRecording(left_gyr, left_acc, right_gyr, right_acc, float(r.fs))


def load_demo_questionnaires() -> dict[str, list[int | None]]:
    """The demo session's questionnaire answers by instrument (``"csi"``, ``"odi"``), item 1 first, None where
    unanswered: published worked examples; ``kinemyo.questionnaire.score(name, answers)`` scores them."""
    return {inst: list(answers) for inst, answers in _demo_session().questionnaires.items()}


def load_biosppy_emg() -> EmgRecording:
    """BioSPPy ``examples/emg.txt``: one channel of surface EMG, 100 s of raw 12-bit ADC values at 1000 Hz with
    rest and contraction periods (BSD 3-Clause, (c) Instituto de Telecomunicacoes; licence in
    ``kinemyo/data/README.md``)."""
    from kinemyo.io import read_simple_text

    r = read_simple_text(biosppy_emg_path())
    return EmgRecording(np.ascontiguousarray(r.data.reshape(len(r.data), -1)), float(r.fs), ("emg",), "adc")
