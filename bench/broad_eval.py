"""Orientation accuracy on the BROAD benchmark trials (Laidig et al., Data 6:72, 2021; CC BY 4.0).

Every filter runs once over each trial with ONE parameter set, the library defaults; errors are the BROAD
definitions (q_err = q_est * q_ref^-1 in the earth frame; RMSE over samples with movement == 1, in degrees).
The PyPI `vqf` package (Laidig & Seel 2023) runs side by side when installed.

    python bench/broad_eval.py [--data DIR] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np

from kinemyo import imu


def load(path: Path):
    d = np.loadtxt(path, delimiter=",", skiprows=1)
    return d[:, 0:3].copy(), d[:, 3:6].copy(), d[:, 6:9].copy(), d[:, 9:13].copy(), d[:, 13] == 1


DEG = np.pi / 180.0


def heading_error(q, ref):
    """Signed heading part (rad) of q_err = q ⊗ ref⁻¹, i.e. the rotation about the earth's vertical."""
    w1, x1, y1, z1 = q.T
    w2, x2, y2, z2 = ref.T * np.array([[1.0], [-1.0], [-1.0], [-1.0]])
    w = w1 * w2 - x1 * x2 - y1 * y2 - z1 * z2
    z = w1 * z2 + x1 * y2 - y1 * x2 + z1 * w2
    return 2.0 * np.arctan2(z, w)


def heading_rotation(angle):
    return np.stack([np.cos(angle / 2), np.zeros_like(angle), np.zeros_like(angle), np.sin(angle / 2)], axis=-1)


def quat_mul(a, b):
    w1, x1, y1, z1 = np.moveaxis(a, -1, 0)
    w2, x2, y2, z2 = np.moveaxis(b, -1, 0)
    return np.stack([w1 * w2 - x1 * x2 - y1 * y2 - z1 * z2, w1 * x2 + x1 * w2 + y1 * z2 - z1 * y2,
                     w1 * y2 - x1 * z2 + y1 * w2 + z1 * x2, w1 * z2 + x1 * y2 - y1 * x2 + z1 * w2], axis=-1)


def score(q9, q6, ref, mov, fs):
    keep = mov & np.isfinite(ref).all(axis=1)
    e9 = imu.orientation_errors(q9, ref)
    h = heading_error(q6, ref)
    offset = np.angle(np.mean(np.exp(1j * h[keep])))
    q6a = quat_mul(heading_rotation(np.array(-offset)), q6)  # constant heading offset removed (earth frame)
    e6 = imu.orientation_errors(q6a, ref)
    t = np.arange(len(h))[keep] / fs / 60.0
    drift = np.polyfit(t, np.unwrap(h[keep]), 1)[0] / DEG
    return {"9D total": imu.rmse_deg(e9["total"], keep), "9D incl": imu.rmse_deg(e9["inclination"], keep),
            "6D total": imu.rmse_deg(e6["total"], keep), "6D incl": imu.rmse_deg(e6["inclination"], keep),
            "6D drift": abs(float(drift))}


def rmse(q, ref, mask):
    e = imu.orientation_errors(q, ref)
    return {k: imu.rmse_deg(e[k], mask) for k in ("total", "heading", "inclination")}


def filters():
    out = {
        "robust 9D": lambda g, a, m, fs: imu.robust_orientation(g, a, m, fs=fs).quat_9d,
        "robust offline 9D": lambda g, a, m, fs: imu.robust_orientation(g, a, m, fs=fs, offline=True).quat_9d,
        "Madgwick 9D": lambda g, a, m, fs: imu.madgwick(g, a, m, fs=fs),
        "Mahony 9D": lambda g, a, m, fs: imu.mahony(g, a, m, fs=fs)[0],
    }
    try:
        import vqf
    except ImportError:
        return out
    out["VQF 9D (PyPI vqf)"] = lambda g, a, m, fs: vqf.VQF(1.0 / fs).updateBatch(g, a, m)["quat9D"]
    out["offline VQF 9D (PyPI vqf)"] = lambda g, a, m, fs: vqf.offlineVQF(g, a, m, 1.0 / fs)["quat9D"]
    return out


def six_d():
    """6D estimates (no magnetometer): judged with the trial's constant heading offset removed, plus drift."""
    out = {"robust 6D": lambda g, a, fs: imu.robust_orientation(g, a, fs=fs).quat_6d,
           "robust offline 6D": lambda g, a, fs: imu.robust_orientation(g, a, fs=fs, offline=True).quat_6d}
    try:
        import vqf
    except ImportError:
        return out
    out["VQF 6D (PyPI vqf)"] = lambda g, a, fs: vqf.VQF(1.0 / fs).updateBatch(g, a)["quat6D"]
    out["offline VQF 6D (PyPI vqf)"] = lambda g, a, fs: vqf.offlineVQF(g, a, None, 1.0 / fs)["quat6D"]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=os.environ.get("KINEMYO_DATA_DIR", str(Path(__file__).parents[1].parent /
                                                                                "shared" / "data")))
    ap.add_argument("--json", help="write the per-trial results here")
    args = ap.parse_args()
    broad = Path(args.data) / "broad"
    trials = json.loads((broad / "trials.json").read_text())
    results: dict[str, dict[str, dict[str, float]]] = {}
    timing: dict[str, float] = {}
    n_total = 0
    for name, info in trials.items():
        g, a, m, ref, mov = load(broad / f"{name}.csv")
        n_total += len(g)
        for label, run in filters().items():
            t0 = time.perf_counter()
            q = run(g, a, m, info["sampling_rate_hz"])
            timing[label] = timing.get(label, 0.0) + time.perf_counter() - t0
            results.setdefault(label, {})[name] = rmse(q, ref, mov)
    six: dict[str, dict[str, dict[str, float]]] = {}
    for name, info in trials.items():
        g, a, m, ref, mov = load(broad / f"{name}.csv")
        fs = info["sampling_rate_hz"]
        for label, run in six_d().items():
            q6 = run(g, a, fs)
            six.setdefault(label, {})[name] = score(q6, q6, ref, mov, fs)
    labels = list(results)
    print("RMSE in degrees: total / heading / inclination; one parameter set (library defaults) for all trials")
    print(f"{'trial':45s}" + "".join(f"{lab:>26s}" for lab in labels))
    for name in trials:
        row = "".join(f"{r[name]['total']:8.2f} {r[name]['heading']:7.2f} {r[name]['inclination']:7.2f}  "
                      for r in results.values())
        print(f"{name:45s}{row}")
    means = {lab: {k: float(np.mean([r[k] for r in results[lab].values()])) for k in ("total", "heading",
                                                                                      "inclination")}
             for lab in labels}
    print(f"{'mean':45s}" + "".join(f"{means[l]['total']:8.2f} {means[l]['heading']:7.2f} "
                                    f"{means[l]['inclination']:7.2f}  " for l in labels))
    print(f"{'time per sample, Python batch (ns)':45s}" +
          "".join(f"{1e9 * timing[l] / n_total:24.0f}  " for l in labels))
    print("\n6D (no magnetometer), the trial's constant heading offset removed: RMSE total / inclination (deg) and "
          "heading drift (deg/min, straight-line fit)")
    print(f"{'trial':45s}" + "".join(f"{lab:>26s}" for lab in six))
    for name in trials:
        print(f"{name:45s}" + "".join(f"{r[name]['6D total']:8.2f} {r[name]['6D incl']:7.2f} "
                                      f"{r[name]['6D drift']:7.2f}  " for r in six.values()))
    means6 = {lab: {k: float(np.mean([r[k] for r in six[lab].values()])) for k in ("6D total", "6D incl",
                                                                                  "6D drift")} for lab in six}
    print(f"{'mean':45s}" + "".join(f"{v['6D total']:8.2f} {v['6D incl']:7.2f} {v['6D drift']:7.2f}  "
                                    for v in means6.values()))
    if args.json:
        Path(args.json).write_text(json.dumps({"per_trial": results, "mean": means, "six_d": six,
                                                "six_d_mean": means6}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
