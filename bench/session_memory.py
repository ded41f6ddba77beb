"""Peak memory of one session's analysis against its recording's length: what a cohort worker needs.

A session of ``--channels`` EMG channels at 2 kHz (the BioSPPy ``emg_1.txt`` recording, 1 kHz, resampled and
repeated to the length, channel c shifted by c seconds) is written as CSV for each length in ``--minutes``; each is
analysed by :func:`kinemyo.analysis.analyze_session` in a fresh process, which reports its peak resident memory
(``ru_maxrss``) and the share of it taken by reading the CSV. The slope of peak RSS against minutes is the memory a
worker needs per minute of recording on top of the interpreter and libraries (the intercept); the recording itself
(float64) is printed beside it for scale.

    python bench/session_memory.py [--minutes 2 10 30] [--channels 4]
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile

import numpy as np

FS = 2000.0
_CHILD = r"""
import json, resource, sys, time
from kinemyo import analysis, io
def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
t0 = time.perf_counter()
after_read = None
read = analysis.read_emg_recording
def timed_read(*a, **k):
    global after_read
    r = read(*a, **k)
    after_read = peak()
    return r
analysis.read_emg_recording = timed_read
analysis.analyze_session(sys.argv[1])
print(json.dumps({"seconds": time.perf_counter() - t0, "peak_mib": peak(), "after_read_mib": after_read}))
"""


def _write_session(folder: pathlib.Path, minutes: float, channels: int, data_dir: pathlib.Path) -> float:
    from scipy import signal

    from kinemyo import io

    src = io.read_simple_text(data_dir / "biosppy" / "emg_1.txt")
    e = signal.resample_poly(src.data[:, 0], int(FS // src.fs), 1)
    n = int(minutes * 60 * FS)
    x = np.column_stack([np.resize(np.roll(e, int(c * FS)), n) for c in range(channels)])
    names = [f"ch{c}" for c in range(channels)]
    with open(folder / "emg.csv", "w") as f:
        f.write(",".join(names) + "\n")
        np.savetxt(f, x, fmt="%.6g", delimiter=",")
    session = {"name": f"{minutes:g} min", "emg": [{
        "file": "emg.csv", "format": "csv", "fs": FS, "units": "adc", "start_s": 0.0,
        "channels": [{"name": c, "column": c, "muscle": "gluteus_medius", "side": "left"} for c in names]}]}
    (folder / "session.json").write_text(json.dumps(session))
    return x.nbytes / 2**20


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--minutes", type=float, nargs="+", default=[2.0, 10.0, 30.0])
    ap.add_argument("--channels", type=int, default=4)
    args = ap.parse_args()
    default = pathlib.Path(__file__).resolve().parents[2] / "shared" / "data"
    data_dir = pathlib.Path(os.environ.get("KINEMYO_DATA_DIR", default))
    if not (data_dir / "biosppy" / "emg_1.txt").is_file():
        print(f"session_memory: {data_dir}/biosppy/emg_1.txt not found (set KINEMYO_DATA_DIR)", file=sys.stderr)
        return 2
    rows = []
    print(f"{'minutes':>8}{'channels':>10}{'samples MiB':>13}{'peak RSS MiB':>14}{'after read MiB':>16}{'s':>7}")
    for m in args.minutes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = pathlib.Path(tmp)
            raw = _write_session(folder, m, args.channels, data_dir)
            out = subprocess.run([sys.executable, "-c", _CHILD, str(folder / "session.json")], check=True,
                                 capture_output=True, text=True).stdout
            r = json.loads(out.strip().splitlines()[-1])
        rows.append((m, raw, r["peak_mib"]))
        print(f"{m:>8g}{args.channels:>10}{raw:>13.1f}{r['peak_mib']:>14.0f}{r['after_read_mib']:>16.0f}"
              f"{r['seconds']:>7.1f}")
    if len(rows) >= 2:
        m, raw, peak = map(np.asarray, zip(*rows))
        slope, intercept = np.polyfit(m, peak, 1)
        per_raw = np.polyfit(raw, peak, 1)[0]
        print(f"peak RSS ~ {intercept:.0f} MiB + {slope:.1f} MiB per minute of {args.channels} channels at "
              f"{FS:g} Hz ({per_raw:.1f}x the samples as float64)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
