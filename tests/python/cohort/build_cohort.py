"""A cohort of rehabilitation sessions built from the real recordings in the shared data folder
(``KINEMYO_DATA_DIR``, see its README for the licences), for the cohort tests and ``bench/cohort_bench.py``.

Each patient has one source recording set and 4-5 sessions weeks apart; every session takes its own window of the
recordings (a different crop), resampled to another rate (``scipy.signal.resample_poly``, the session's ``fs`` set
to match), placed elsewhere on the session clock (``start_s``) and given its own questionnaire answers (a seeded
severity that falls over the weeks, with noise and the odd missing answer). Sources:

- hip patients: foot IMUs from gaitmap (healthy walk, both feet in one gaitmap file; or the person with multiple
  sclerosis, one csv per foot) with two EMG channels from BioSPPy's emg.txt / emg_1.txt, HOOS and PCS;
- low-back patients: the lower-back IMU of a Mobilise-D lab participant (mobgap: HA/001, HA/002, MS/001; Test5
  straight walks or a 60 s window of Test11) with one trunk EMG channel, ODI and RMDQ (STarT Back at baseline).

``broken`` extra sessions are deliberately unusable (a recording that is missing, one cut off mid-row), for the
failure path. Everything is deterministic for a given seed.

    python tests/python/cohort/build_cohort.py OUT [--patients 12] [--seed 15]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pathlib
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from scipy.signal import resample_poly

__all__ = ["Cohort", "build_cohort", "default_data_dir"]

EMG_WINDOW_S = 20.0
LOWER_BACK_WINDOW_S = 60.0
EMG_RATES = (1000.0, 1200.0, 1500.0, 2000.0)
FOOT_RATES = {"healthy": (204.8, 102.4, 153.6, 256.0), "ms": (102.4, 128.0, 204.8)}
LOWER_BACK_RATES = (100.0, 120.0, 128.0, 200.0)
MOBGAP_PARTICIPANTS = ("HA/001", "HA/002", "MS/001")


@dataclass(frozen=True)
class Cohort:
    sessions: list[pathlib.Path]   # every session file, usable and broken, in build order
    broken: list[pathlib.Path]     # the ones built to fail
    patients: list[str]


def default_data_dir() -> pathlib.Path:
    here = pathlib.Path(__file__).resolve()
    return pathlib.Path(os.environ.get("KINEMYO_DATA_DIR", here.parents[4] / "shared" / "data"))


def _resample(x: np.ndarray, fs_from: float, fs_to: float) -> np.ndarray:
    ratio = Fraction(fs_to / fs_from).limit_denominator(100)
    if abs(float(ratio) - fs_to / fs_from) > 1e-9:
        raise ValueError(f"fs_to: {fs_to} Hz is not a small rational multiple of {fs_from} Hz")
    if ratio == 1:
        return x.copy()
    return resample_poly(x, ratio.numerator, ratio.denominator, axis=0)


def _crop(x: np.ndarray, fs: float, window_s: float, rng: np.random.Generator) -> np.ndarray:
    n = int(round(window_s * fs))
    if x.shape[0] <= n:
        return x
    start = int(rng.integers(0, x.shape[0] - n))
    return x[start:start + n]


def _write_csv(path: pathlib.Path, header: list[str], x: np.ndarray) -> None:
    np.savetxt(path, x, fmt="%.7g", delimiter=",", header=",".join(header), comments="")


class _Sources:
    """The real recordings, each read once."""

    def __init__(self, data: pathlib.Path):
        from kinemyo import io

        missing = [p for p in ("biosppy/emg.txt", "biosppy/emg_1.txt", "gaitmap/imu_sample.csv",
                               "gaitmap/imu_sample_ms_left.csv", "mobgap/lab/HA/001/data.mat") if not (data / p).is_file()]
        if missing:
            raise FileNotFoundError(f"data_dir: {data} lacks {', '.join(missing)} (set KINEMYO_DATA_DIR)")
        self.emg = [io.read_simple_text(data / "biosppy" / f).data[:, 0] for f in ("emg.txt", "emg_1.txt")]
        feet = io.read_gaitmap_csv(data / "gaitmap" / "imu_sample.csv", fs=204.8)
        self.healthy_labels = feet.labels
        self.healthy = feet.data
        self.ms = {}
        for side in ("left", "right"):
            r = io.read_delimited(data / "gaitmap" / f"imu_sample_ms_{side}.csv", fs=102.4)
            self.ms[side] = np.column_stack([r.data[:, r.labels.index(c)] for c in
                                             ("acc_x", "acc_y", "acc_z", "gyr_x", "gyr_y", "gyr_z")])
        self.lower_back = {}
        for p in MOBGAP_PARTICIPANTS:
            trials = io.read_mobilised_matlab(data / "mobgap" / "lab" / p / "data.mat")
            self.lower_back[p] = {t.name: np.column_stack([t.acc, t.gyr]) for t in trials}


def _answers(instrument: str, severity: float, rng: np.random.Generator, missing: bool) -> list:
    from kinemyo import questionnaire

    info = questionnaire.instrument_info(instrument)
    if info["direction"] == "higher_is_better":
        severity = 1.0 - severity
    out = []
    for lo, hi in info["item_ranges"]:
        v = lo + severity * (hi - lo) + rng.normal(0.0, 0.6)
        out.append(int(np.clip(round(v), lo, hi)))
    if missing:
        out[int(rng.integers(0, len(out)))] = None
    return out


def _emg_entry(file: str, fs: float, channels: list[dict], start_s: float) -> dict:
    return {"file": file, "format": "csv", "fs": fs, "units": "adc", "start_s": start_s, "channels": channels}


def _hip_session(folder: pathlib.Path, src: _Sources, feet: str, rng: np.random.Generator) -> dict:
    fs_emg = float(rng.choice(EMG_RATES))
    emg = np.column_stack([_crop(_resample(e, 1000.0, fs_emg), fs_emg, EMG_WINDOW_S, rng) for e in src.emg])
    _write_csv(folder / "emg.csv", ["GM_L", "ES_L"], emg)
    emg_start = float(rng.uniform(0.0, 5.0))
    fs_imu = float(rng.choice(FOOT_RATES[feet]))
    trim = int(rng.integers(0, 200))  # a different first sample in every session
    if feet == "healthy":
        x = _resample(src.healthy[trim:], 204.8, fs_imu)
        sensors, axes = zip(*(lab.split("/") for lab in src.healthy_labels))
        text = ",".join(["sensor", *sensors]) + "\n" + ",".join(["axis", *axes]) + "\n"
        rows = np.column_stack([np.arange(x.shape[0]), x])
        with open(folder / "feet.csv", "w") as f:
            f.write(text)
            np.savetxt(f, rows, fmt=["%d"] + ["%.7g"] * x.shape[1], delimiter=",")
        imu = [{"file": "feet.csv", "format": "gaitmap_csv", "fs": fs_imu, "placement": "foot", "side": side,
                "gyr": f"{side}_sensor", "acc": f"{side}_sensor", "gyr_units": "deg/s", "anterior": "x",
                "start_s": emg_start + 1.0} for side in ("left", "right")]
    else:
        imu = []
        for side in ("left", "right"):
            x = _resample(src.ms[side][trim:], 102.4, fs_imu)
            _write_csv(folder / f"foot_{side}.csv", ["acc_x", "acc_y", "acc_z", "gyr_x", "gyr_y", "gyr_z"], x)
            imu.append({"file": f"foot_{side}.csv", "format": "csv", "fs": fs_imu, "placement": "foot",
                        "side": side, "gyr": ["gyr_x", "gyr_y", "gyr_z"], "acc": ["acc_x", "acc_y", "acc_z"],
                        "gyr_units": "deg/s", "anterior": "x", "start_s": emg_start + 1.0})
    return {"emg": [_emg_entry("emg.csv", fs_emg, [
                {"name": "GM_L", "column": "GM_L", "muscle": "gluteus_medius", "side": "left"},
                {"name": "ES_L", "column": "ES_L", "muscle": "erector_spinae", "side": "left", "profile": "trunk"}],
                emg_start)],
            "ratios": [{"numerator": "GM_L", "denominator": "ES_L"}], "imu": imu,
            "sources": ["EMG: BioSPPy examples emg.txt and emg_1.txt (BSD 3-Clause), cropped and resampled",
                        f"Feet: gaitmap example data ({feet}, MIT), trimmed and resampled"]}


def _back_session(folder: pathlib.Path, src: _Sources, participant: str, k: int, rng: np.random.Generator) -> dict:
    trials = src.lower_back[participant]
    names = sorted(trials)
    name = names[k % len(names)]
    x = trials[name]
    if "Test11" in name:
        x = _crop(x, 100.0, LOWER_BACK_WINDOW_S, rng)
    else:
        x = x[int(rng.integers(0, 50)):]
    fs_imu = float(rng.choice(LOWER_BACK_RATES))
    _write_csv(folder / "back.csv", ["acc_x", "acc_y", "acc_z", "gyr_x", "gyr_y", "gyr_z"],
               _resample(x, 100.0, fs_imu))
    fs_emg = float(rng.choice(EMG_RATES))
    emg = _crop(_resample(src.emg[k % 2], 1000.0, fs_emg), fs_emg, EMG_WINDOW_S, rng)
    _write_csv(folder / "emg.csv", ["ES_L"], emg[:, None])
    start = float(rng.uniform(0.0, 30.0))
    return {"emg": [_emg_entry("emg.csv", fs_emg, [{"name": "ES_L", "column": "ES_L", "muscle": "erector_spinae",
                                                     "side": "left", "profile": "trunk"}], start)],
            "imu": [{"file": "back.csv", "format": "csv", "fs": fs_imu, "placement": "lower_back",
                     "gyr": ["gyr_x", "gyr_y", "gyr_z"], "acc": ["acc_x", "acc_y", "acc_z"],
                     "start_s": start + float(rng.uniform(0.0, 3.0))}],
            "sources": [f"Lower back: Mobilise-D lab data {participant} {name} (mobgap example data, Apache-2.0), "
                        "cropped and resampled",
                        "EMG: BioSPPy examples (BSD 3-Clause), cropped and resampled"]}


def build_cohort(out: str | os.PathLike, data_dir: str | os.PathLike | None = None, *, patients: int = 12,
                 seed: int = 15, broken: int = 2) -> Cohort:
    """Write the cohort's session folders under ``out`` (``<patient>_<k>/session.json``); see the module docstring.
    With the defaults: 12 patients, 54 usable sessions and 2 broken ones."""
    if not isinstance(patients, int) or patients < 1:
        raise ValueError(f"patients: expected a positive integer, got {patients!r}")
    if broken not in (0, 1, 2):
        raise ValueError(f"broken: expected 0, 1 or 2, got {broken!r}")
    out = pathlib.Path(out)
    src = _Sources(pathlib.Path(data_dir) if data_dir is not None else default_data_dir())
    rng = np.random.default_rng(seed)
    sessions, ids = [], []
    for p in range(patients):
        pid = f"P{p + 1:02d}"
        ids.append(pid)
        hip = p % 2 == 0
        kind = ("healthy" if p % 4 == 0 else "ms") if hip else MOBGAP_PARTICIPANTS[(p // 2) % 3]
        baseline = dt.date(2024, 1, 8) + dt.timedelta(days=int(rng.integers(0, 120)))
        severity0 = float(rng.uniform(0.35, 0.8))
        n_sessions = 5 if p % 3 == 0 else 4
        date = baseline
        for k in range(n_sessions):
            folder = out / f"{pid}_{k + 1}"
            folder.mkdir(parents=True, exist_ok=True)
            spec = _hip_session(folder, src, kind, rng) if hip else _back_session(folder, src, kind, k, rng)
            severity = max(0.05, severity0 * (1.0 - 0.12 * k) + rng.normal(0.0, 0.04))
            missing = rng.random() < 0.2
            instruments = ("hoos", "pcs") if hip else ("odi", "rmdq") + (("start_back",) if k == 0 else ())
            spec = {"name": f"{pid} visit {k + 1}", "subject": pid, "date": date.isoformat(),
                    **({"affected_side": "left"} if hip else {}), **spec,
                    "questionnaires": {i: _answers(i, severity, rng, missing and i in ("odi", "hoos"))
                                       for i in instruments}}
            (folder / "session.json").write_text(json.dumps(spec, indent=1))
            sessions.append(folder / "session.json")
            date += dt.timedelta(weeks=int(rng.integers(2, 7)))
    bad = []
    if broken >= 1:  # a recording that is not there
        spec = json.loads(sessions[0].read_text())
        folder = out / "P01_missing"
        folder.mkdir(exist_ok=True)
        spec["name"], spec["imu"] = "P01 visit with a lost recording", []
        spec["date"] = "2023-12-18"
        (folder / "session.json").write_text(json.dumps(spec, indent=1))
        bad.append(folder / "session.json")
    if broken >= 2 and patients >= 2:  # an IMU recording cut off mid-row (a copy that did not finish)
        src_folder = sessions[5].parent  # P02's first visit
        folder = out / "P02_truncated"
        folder.mkdir(exist_ok=True)
        spec = json.loads((src_folder / "session.json").read_text())
        spec["name"], spec["date"] = "P02 visit with a truncated recording", "2023-12-19"
        for f in src_folder.iterdir():
            if f.name != "session.json":
                text = f.read_text()
                if f.name == spec["imu"][0]["file"]:  # cut just before a comma: the last row is short
                    text = text[:text.rindex(",", 0, len(text) // 2)]
                (folder / f.name).write_text(text)
        (folder / "session.json").write_text(json.dumps(spec, indent=1))
        bad.append(folder / "session.json")
    return Cohort(sessions + bad, bad, ids)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--patients", type=int, default=12)
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--data", default=None, help="shared data folder (default: KINEMYO_DATA_DIR or ../shared/data)")
    a = ap.parse_args()
    c = build_cohort(a.out, a.data, patients=a.patients, seed=a.seed)
    print(f"{len(c.sessions)} sessions ({len(c.broken)} broken) of {len(c.patients)} patients in {a.out}")
