"""Cross-validated choice of the EMG onset defaults (issue 14) on every real recording with verified activations.

Recordings and references: tests/data/emg_onsets/references.json (how each was obtained: its README.md).
  biosppy/emg_1.txt, biosppy/emg.txt   contractions read off the raw signal and its RMS, one onset tolerance each
  gaitalytics/gait_es_emg.c3d          bursts expected around the force-plate foot strikes (RERS, RBF, LBF,
                                       RGAS, LGAS), one onset window per event and muscle
The detector sees what the session analysis gives it (python/kinemyo/analysis.py): the zero-phase envelope of
emg.offline_envelope (the channel's profile, 6 Hz), method 'threshold'; or, for 'hodges_bui', the band-passed EMG.
The grid varies k_on, k_off (as a fraction of k_on), min_on_s, min_off_s, method and the rest baseline:
  quietest3s         the envelope's quietest contiguous 3 s (analysis.py's rule when a session gives no rest)
  windows:W:F        emg.estimate_rest: the quietest fraction F of consecutive W-second windows
Scoring, per recording (bench/onset_scoring.py, shared with tests/python/emg/test_onsets_real.py): detections
are matched one-to-one, nearest first, to the reference bursts (BioSPPy: onset within the
burst's tol_s; gait: onset inside the event's window); a detection matching nothing counts as extra unless it
overlaps an 'optional' stretch (low-level activity that is neither required nor wrong) or starts outside the
scored span. F1 = 2 found / (2 found + missed + extra). A grid point's training score is the mean F1 over the
training recordings; ties go to the lower mean onset error (BioSPPy, |detected - reference| in ms), then to fewer
extra bursts, then to the earlier grid point. Leave-one-recording-out: the figure of a recording is that of the
point chosen on the other recordings; the in-sample figure is that of the point chosen on all of them, which is
the shipped default.

    python bench/onset_cv.py [--data DIR] [--json out.json]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
REFERENCES = REPO / "tests" / "data" / "emg_onsets" / "references.json"

from kinemyo import dsp, emg  # noqa: E402
from kinemyo.analysis import _quietest  # noqa: E402  (the session analysis' own rest rule)
from kinemyo.io import read_c3d, read_simple_text  # noqa: E402
from onset_scoring import score_contractions, score_gait_channel  # noqa: E402  (bench/, the script's directory)

K_ON = [3.0, 5.0, 8.0, 12.0, 20.0, 30.0]
K_OFF_FRACTION = [0.5, 0.8]
MIN_ON_S = [0.025, 0.05, 0.1]
MIN_OFF_S = [0.05, 0.1, 0.2, 0.3, 0.4]
BASELINES = ["quietest3s", "windows:0.25:0.1", "windows:0.25:0.2", "windows:1.0:0.1"]
METHODS = ["threshold", "hodges_bui"]


def grid() -> list[dict]:
    points = []
    for method, base, k_on, frac, on, off in itertools.product(METHODS, BASELINES, K_ON, K_OFF_FRACTION, MIN_ON_S,
                                                               MIN_OFF_S):
        if method != "threshold" and base != "quietest3s":
            continue  # estimate_rest works in the envelope domain (threshold); hodges_bui needs a rest recording
        points.append({"method": method, "baseline": base, "k_on": k_on, "k_off": k_on * frac, "min_on_s": on,
                       "min_off_s": off})
    return points


class Channel:
    """One EMG channel: its envelope, band-passed signal and reference."""

    def __init__(self, raw: np.ndarray, fs: float, profile: str, t0: float = 0.0):
        self.fs, self.t0 = fs, t0
        self.env = np.asarray(emg.offline_envelope(raw.reshape(-1, 1), [emg.ChannelConfig(profile=profile)], fs=fs))
        lo = 30.0 if profile == "trunk" else 20.0
        band = np.vstack([dsp.butterworth_sos(4, lo, "highpass", fs=fs), dsp.butterworth_sos(4, 450.0, "lowpass", fs=fs)])
        self.band = np.asarray(dsp.sosfiltfilt(band, raw)).reshape(-1, 1)
        self.quiet = _quietest(self.env, fs)

    def detect(self, p: dict) -> tuple[np.ndarray, np.ndarray]:
        cfg = emg.OnsetConfig(method=p["method"], k_on=p["k_on"], k_off=p["k_off"], min_on_s=p["min_on_s"],
                              min_off_s=p["min_off_s"])
        x = self.env if p["method"] == "threshold" else self.band
        if p["baseline"] == "quietest3s":
            t = emg.detect_activations(x, x[self.quiet], fs=self.fs, config=cfg)
        else:
            _, w, f = p["baseline"].split(":")
            baseline = emg.estimate_rest(x, fs=self.fs, window_s=float(w), fraction=float(f))
            t = emg.detect_activations(x, fs=self.fs, config=cfg, baseline=baseline)
        return t.onset_s + self.t0, t.offset_s + self.t0


class Recording:
    def __init__(self, name: str, ref: dict, data: Path):
        self.name, self.ref = name, ref
        path = data / name
        if ref["kind"] == "contractions":
            rec = read_simple_text(path)
            raw = np.ravel(rec.data).astype(float)
            self.channels = {"EMG": Channel(raw - raw.mean(), rec.fs, "limb")}
        else:
            rec = read_c3d(path)
            self.channels = {}
            for m, spec in ref["muscles"].items():
                raw = rec.data[:, rec.labels.index(spec["label"])]
                self.channels[m] = Channel(raw - raw.mean(), rec.fs, spec["profile"], ref["first_sample_s"])

    def score(self, p: dict) -> dict:
        total = {"found": 0, "missed": 0, "extra": 0}
        errs = []
        for m, ch in self.channels.items():
            on, off = ch.detect(p)
            s = (score_contractions(on, off, self.ref) if self.ref["kind"] == "contractions"
                 else score_gait_channel(on, off, self.ref, self.ref["muscles"][m])).counts()
            for k in total:
                total[k] += s[k]
            if np.isfinite(s["onset_err_ms"]):
                errs.append(s["onset_err_ms"])
        f, mi, x = total["found"], total["missed"], total["extra"]
        total["f1"] = 2 * f / (2 * f + mi + x) if f + mi + x else 1.0
        total["onset_err_ms"] = float(np.mean(errs)) if errs else float("nan")
        return total


def choose(points: list[dict], table: dict, names: list[str]) -> int:
    def key(i):
        rows = [table[n][i] for n in names]
        errs = [r["onset_err_ms"] for r in rows if np.isfinite(r["onset_err_ms"])]
        return (-float(np.mean([r["f1"] for r in rows])), float(np.mean(errs)) if errs else 0.0,
                sum(r["extra"] for r in rows), i)
    return min(range(len(points)), key=key)


def fmt(p: dict) -> str:
    return (f"{p['method']}, baseline {p['baseline']}, k_on {p['k_on']:g}, k_off {p['k_off']:g}, "
            f"min_on {p['min_on_s']:g} s, min_off {p['min_off_s']:g} s")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("KINEMYO_DATA_DIR", REPO.parent / "shared" / "data")))
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    refs = json.loads(REFERENCES.read_text())["recordings"]
    missing = [n for n in refs if not (args.data / n).is_file()]
    if missing:
        print(f"missing recordings under {args.data}: {missing}", file=sys.stderr)
        return 2
    recs = {n: Recording(n, r, args.data) for n, r in refs.items()}
    points = grid()
    table = {n: [rec.score(p) for p in points] for n, rec in recs.items()}
    names = list(recs)
    out = {"grid_size": len(points), "recordings": {}}

    def row(label, s):
        err = f"{s['onset_err_ms']:6.1f}" if np.isfinite(s["onset_err_ms"]) else "     -"
        return f"  {label:<10} found {s['found']:3d}  missed {s['missed']:3d}  extra {s['extra']:3d}  F1 {s['f1']:.3f}  onset err {err} ms"

    best_all = choose(points, table, names)
    print(f"{len(points)} grid points; chosen on all recordings (the shipped default): {fmt(points[best_all])}\n")
    for n in names:
        held = choose(points, table, [m for m in names if m != n])
        print(n)
        print(row("CV", table[n][held]) + f"   <- chosen on the others: {fmt(points[held])}")
        print(row("in-sample", table[n][best_all]))
        own = choose(points, table, [n])
        print(row("own best", table[n][own]) + f"   ({fmt(points[own])})")
        old = {"method": "threshold", "baseline": "quietest3s", "k_on": 3.0, "k_off": 2.0, "min_on_s": 0.025,
               "min_off_s": 0.05}
        sess = dict(old, k_on=20.0, k_off=10.0, min_off_s=0.25)
        print(row("lib 3/2", recs[n].score(old)))
        print(row("old 20/10", recs[n].score(sess)))
        print()
        out["recordings"][n] = {"cv": table[n][held], "cv_params": points[held], "in_sample": table[n][best_all],
                                "own_best": table[n][own], "library_defaults": recs[n].score(old),
                                "old_session_defaults": recs[n].score(sess)}
    out["chosen"] = points[best_all]
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
