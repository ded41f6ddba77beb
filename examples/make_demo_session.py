"""Assemble the bundled demo session (python/kinemyo/data/demo_session) from the public recordings in
../shared/data. Run once when the demo changes; the output is committed so the installed package needs nothing
else. Every part says where it comes from (data/demo_session/README.md and the session's "sources").

    python examples/make_demo_session.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import gzip
import json
import pathlib
import shutil

import numpy as np

OUT = pathlib.Path(__file__).resolve().parents[1] / "python" / "kinemyo" / "data" / "demo_session"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(pathlib.Path(__file__).resolve().parents[2] / "shared" / "data"))
    data = pathlib.Path(ap.parse_args().data)
    OUT.mkdir(parents=True, exist_ok=True)
    # EMG: two single-channel BioSPPy recordings side by side (not recorded together), trimmed to the shorter.
    a = np.loadtxt(data / "biosppy" / "emg.txt", comments="#", ndmin=2)[:, -1]  # the last column holds the samples
    b = np.loadtxt(data / "biosppy" / "emg_1.txt", comments="#", ndmin=2)[:, -1]
    n = min(len(a), len(b))
    text = "GM_L,ES_L\n" + "".join(f"{x:g},{y:g}\n" for x, y in zip(a[:n], b[:n]))
    with gzip.GzipFile(OUT / "emg.csv.gz", "wb", mtime=0) as fh:  # mtime 0: byte-identical reruns
        fh.write(text.encode("utf-8"))
    # Feet: the gaitmap example walk, unchanged (gzip only).
    with open(data / "gaitmap" / "imu_sample.csv", "rb") as src, gzip.GzipFile(OUT / "feet.csv.gz", "wb", mtime=0) as dst:
        shutil.copyfileobj(src, dst)
    session = {
        "name": "demo",
        "subject": "public example recordings",
        "affected_side": "left",
        "emg": [{"file": "emg.csv.gz", "format": "csv", "fs": 1000.0, "units": "adc",
                 "channels": [{"name": "GM_L", "column": "GM_L", "muscle": "gluteus_medius", "side": "left"},
                              {"name": "ES_L", "column": "ES_L", "muscle": "erector_spinae", "side": "left",
                               "profile": "trunk"}]}],
        "ratios": [{"numerator": "GM_L", "denominator": "ES_L"}],
        "imu": [{"file": "feet.csv.gz", "format": "gaitmap_csv", "fs": 204.8, "placement": "foot", "side": side,
                 "gyr": f"{side}_sensor", "acc": f"{side}_sensor", "gyr_units": "deg/s", "acc_units": "m/s^2",
                 "anterior": "x"}
                for side in ("left", "right")],
        # Published worked examples (CSI: awell-score test data = 49; ODI: the official 16 of 45 example).
        "questionnaires": {"csi": [0, 1, 4, 2, 2, 3, 3, 0, 0, 0, 0, 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 0, 3, 4, 4],
                           "odi": [2, 2, 2, 2, 2, 2, 1, None, 2, 1]},
        "mic": {"odi": 10.0},
        "sources": [
            "EMG GM_L: BioSPPy examples/emg.txt, first 63.9 s (BSD 3-Clause, Instituto de Telecomunicacoes)",
            "EMG ES_L: BioSPPy examples/emg_1.txt (BSD 3-Clause); not recorded together with GM_L, and the muscle "
            "names are demo labels",
            "Feet: gaitmap example_data/imu_sample.csv, healthy subject, 2 x 20 m walk with a turn (MIT, MaD-Lab Erlangen)",
            "Angles: the demo has no pelvis or thigh sensor, so the angles are each foot's sagittal angle from its IMU "
            "(against the gaitmap heel-toe markers: RMSE 2.2 deg left, 3.1 deg right)",
            "Questionnaires: published worked examples (CSI awell-score test response = 49; ODI 16 of 45 = 35.6 %)",
        ],
    }
    (OUT / "session.json").write_text(json.dumps(session, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
