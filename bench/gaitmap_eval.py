"""Gait event and stride accuracy on the gaitmap foot-IMU walk with motion-capture reference events (MIT, (c)
MaD-Lab Erlangen; ../shared/data/gaitmap), plus the time to analyse it.

Events are scored where the reference exists (its first to last event) and outside the strides kinemyo flags as
turns (the reference has no events inside the turn either). Stride length is checked against the heel marker's
horizontal displacement between the same two mid-stances.

    python bench/gaitmap_eval.py [--data DIR]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd

from kinemyo import gait


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=os.environ.get("KINEMYO_DATA_DIR", str(Path(__file__).parents[1].parent /
                                                                                "shared" / "data")))
    root = Path(ap.parse_args().data) / "gaitmap"
    raw = pd.read_csv(root / "imu_sample.csv", header=[0, 1], index_col=0)
    ref = pd.read_csv(root / "stride_events_sample.csv")
    mocap = pd.read_csv(root / "mocap_sample.csv", header=[0, 1], index_col=0)
    fs = 204.8
    data = {s: (np.radians(raw[f"{s}_sensor"][["gyr_x", "gyr_y", "gyr_z"]].to_numpy()),
                raw[f"{s}_sensor"][["acc_x", "acc_y", "acc_z"]].to_numpy()) for s in ("left", "right")}
    t0 = time.perf_counter()
    res = gait.analyze_feet(*data["left"], *data["right"], fs=fs)
    summary = gait.asymmetry_summary(res.strides)
    elapsed = time.perf_counter() - t0
    table = res.strides
    print(f"gaitmap walk: {len(raw) / fs:.1f} s, {len(table)} strides ({int(table.excluded.sum())} flagged), "
          f"analysed in {1e3 * elapsed:.1f} ms")
    for kind in ("ic", "tc"):
        tp = fp = fn = 0
        errors = []
        for side in ("left", "right"):
            r = ref[ref.foot == side]
            ev = res.left if side == "left" else res.right
            truth = np.unique(np.r_[r.ic, r.pre_ic] if kind == "ic" else r.tc) / fs
            det = ev.initial_contact if kind == "ic" else ev.terminal_contact
            det = det[(det >= truth.min() - 0.05) & (det <= truth.max() + 0.05)]
            det, truth = det[gait.outside_excluded(det, table, side)], truth[gait.outside_excluded(truth, table, side)]
            m = gait.match_events(det, truth, 0.05)
            tp, fp, fn = tp + m["true_positives"], fp + m["false_positives"], fn + m["false_negatives"]
            errors += list(det[m["detected_index"]] - truth[m["reference_index"]])
        e = 1e3 * np.asarray(errors)
        name = "initial contact" if kind == "ic" else "terminal contact"
        print(f"{name:17s}: found {tp}/{tp + fn} ({100 * tp / (tp + fn):.1f} %), false {fp} "
              f"({100 * fp / (tp + fp):.1f} %), error mean {e.mean():+.1f} ms, MAE {np.abs(e).mean():.1f} ms, "
              f"SD {e.std(ddof=1):.1f} ms")
    stride_err, length_err = [], []
    for side in ("left", "right"):
        r = ref[ref.foot == side]
        kept = table[(table.side == side) & ~table.excluded]
        k = gait.match_strides(kept, r.pre_ic / fs, r.ic / fs)
        stride_err += list(kept.stride_time_s.to_numpy()[k[k >= 0]] - ((r.ic - r.pre_ic) / fs).to_numpy()[k >= 0])
        heel = mocap["L_FCC" if side == "left" else "R_FCC"].to_numpy() / 1000.0
        z = res.zupt[side]
        for a, b, length, turn in zip(z["start"], z["end"], z["length"], z["turning_angle"]):
            i0, i1 = int(round(a * 100)), int(round(b * 100))
            if abs(turn) < 0.35 and i1 < len(heel) and np.isfinite(heel[[i0, i1], :2]).all():
                length_err.append(length - np.hypot(*(heel[i1, :2] - heel[i0, :2])))
    s, L = 1e3 * np.asarray(stride_err), 100 * np.asarray(length_err)
    print(f"stride time      : {len(s)} strides, MAE {np.abs(s).mean():.1f} ms, bias {s.mean():+.1f} ms")
    print(f"stride length    : {len(L)} strides vs heel marker, MAE {np.abs(L).mean():.1f} cm, bias {L.mean():+.1f} cm")
    pick = lambda p, i: summary.loc[(summary.parameter == p) & (summary["index"] == i), "value"].item()  # noqa: E731
    print(f"asymmetry (median per side): stance SI {pick('stance_time_s', 'symmetry_index'):+.2f} %, "
          f"swing GA {pick('swing_time_s', 'gait_asymmetry'):.2f}, step SA {pick('step_time_s', 'symmetry_angle'):+.2f} %")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
