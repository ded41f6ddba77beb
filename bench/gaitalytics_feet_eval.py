"""Foot events against force plates: the gaitalytics walk (MIT, (c) 2024 Andre Boeni; ../shared/data/gaitalytics).

The recording has no foot IMU, so the foot's angular velocity is derived from its markers (a "virtual gyroscope":
heel, toe and ankle markers give the foot frame R(t); omega = vee(R^T dR/dt) in that frame, x to the toes, y to the
left, z up, as a real sensor on the shoe would measure it without impact vibration). kinemyo's foot detector runs on
it exactly as on a sensor, and its events are matched one-to-one within 0.1 s to the recording's 13 Vicon events
(Foot Strike / Foot Off). Four of those events fall on a force plate; their contact is re-measured here from the
plate's vertical force (|Fz - offset| > 20 N for at least 20 ms), which checks the events' time base independently.

Scored: the reference events that bound a swing inside the recording (a foot off with a later foot strike of the same
foot, a foot strike with an earlier foot off), as gaitmap_eval scores within the reference's span: a toe-off whose
swing was not recorded cannot be confirmed by any swing-based rule. Detections are scored over the same span.

    python bench/gaitalytics_feet_eval.py [--data DIR]
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import numpy as np

from kinemyo import gait

TOLERANCE_S = 0.1
MARKER_CUTOFF_HZ = 10.0   # zero-phase low-pass of the markers before differentiation (the events move < 1 ms for 6-40 Hz)
PLATE_THRESHOLD_N = 20.0
PLATE_MIN_CONTACT_S = 0.02  # the plates carry 1 ms noise spikes above 20 N


def load(path: Path) -> dict:
    """Markers (m), marker rate, the time of the first frame, analog force data and the Vicon events."""
    import ezc3d

    c = ezc3d.c3d(str(path))
    p = c["parameters"]
    fs = float(p["POINT"]["RATE"]["value"][0])
    ev = p["EVENT"]
    return {
        "fs": fs,
        "t0": c["header"]["points"]["first_frame"] / fs,
        "labels": list(p["POINT"]["LABELS"]["value"]),
        "points": np.asarray(c["data"]["points"][:3], dtype=float) / 1000.0,  # mm -> m
        "analog_labels": list(p["ANALOG"]["LABELS"]["value"]),
        "analog": np.asarray(c["data"]["analogs"][0], dtype=float),
        "analog_fs": float(p["ANALOG"]["RATE"]["value"][0]),
        "events": [(ctx, label, float(t)) for ctx, label, t in
                   zip(ev["CONTEXTS"]["value"], ev["LABELS"]["value"], ev["TIMES"]["value"][1])],
    }


def virtual_foot_gyro(rec: dict, side: str) -> np.ndarray:
    """(n, 3) angular velocity of the foot (rad/s) in a foot frame x to the toes, y to the left, z up."""
    from scipy.signal import butter, filtfilt

    b, a = butter(4, MARKER_CUTOFF_HZ / (rec["fs"] / 2))
    heel, toe, ankle = (filtfilt(b, a, rec["points"][:, rec["labels"].index(side + name), :].T, axis=0)
                        for name in ("HEE", "TOE", "ANK"))
    x = toe - heel
    x /= np.linalg.norm(x, axis=1)[:, None]
    y = ankle - heel                                   # the malleolus marker is lateral: left for L, right for R
    y -= np.sum(y * x, axis=1)[:, None] * x
    y /= np.linalg.norm(y, axis=1)[:, None]
    if side == "R":
        y = -y
    z = np.cross(x, y)
    if np.median(z[:, 2]) <= 0:
        raise ValueError(f"{side} foot: the marker frame is not z-up; marker labels do not fit Plug-in Gait")
    rot = np.stack([x, y, z], axis=2)                  # columns: foot axes in the lab frame
    skew = np.einsum("nji,njk->nik", rot, np.gradient(rot, 1.0 / rec["fs"], axis=0))  # R^T dR/dt
    return np.stack([skew[:, 2, 1], skew[:, 0, 2], skew[:, 1, 0]], axis=1)


def plate_contacts(rec: dict) -> list[tuple[float, float]]:
    """(on, off) times of every sustained contact on a force plate, session clock."""
    out = []
    fs = rec["analog_fs"]
    t0 = rec["t0"]
    for i, label in enumerate(rec["analog_labels"]):
        if not label.startswith("Force.Fz"):
            continue
        fz = rec["analog"][i]
        loaded = np.abs(fz - np.median(fz)) > PLATE_THRESHOLD_N   # median: the unloaded plate's offset
        edges = np.flatnonzero(np.diff(np.concatenate([[0], loaded.astype(np.int8), [0]])))
        for on, off in zip(edges[::2], edges[1::2]):
            if (off - on) / fs >= PLATE_MIN_CONTACT_S:
                out.append((t0 + on / fs, t0 + off / fs))
    return out


def evaluate(path: Path) -> dict:
    rec = load(path)
    n = rec["points"].shape[2]
    out = {"duration_s": n / rec["fs"], "sides": {}, "plates": plate_contacts(rec)}
    for side, name in (("L", "Left"), ("R", "Right")):
        events = gait.foot_events(virtual_foot_gyro(rec, side), fs=rec["fs"], ml_axis=1)
        strikes = np.sort([t for ctx, lab, t in rec["events"] if ctx == name and lab == "Foot Strike"])
        offs = np.sort([t for ctx, lab, t in rec["events"] if ctx == name and lab == "Foot Off"])
        row = {}
        for kind, ref, scored, detected in (
                ("initial_contact", strikes, strikes[strikes > offs.min()], events.initial_contact),
                ("terminal_contact", offs, offs[offs < strikes.max()], events.terminal_contact)):
            det = np.asarray(detected) + rec["t0"]
            det = det[(det >= scored.min() - TOLERANCE_S) & (det <= scored.max() + TOLERANCE_S)]
            row[kind] = {"reference": ref, "scored": scored, "detected": det,
                         "match": gait.match_events(det, scored, TOLERANCE_S)}
        out["sides"][side] = row
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=os.environ.get("KINEMYO_DATA_DIR", str(Path(__file__).parents[1].parent /
                                                                                "shared" / "data")))
    path = Path(ap.parse_args().data) / "gaitalytics" / "gait_es_emg.c3d"
    r = evaluate(path)
    print(f"gaitalytics walk: {r['duration_s']:.2f} s of markers at 100 Hz, virtual foot gyroscopes; events bounding a "
          f"recorded swing scored, one-to-one within {TOLERANCE_S} s\n")
    print("| foot | event | reference (scored) | found | false | F1 | mean error ms | MAE ms |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for side, row in r["sides"].items():
        for kind, d in row.items():
            m = d["match"]
            print(f"| {side} | {kind} | {len(d['reference'])} ({len(d['scored'])}) | {m['true_positives']} | "
                  f"{m['false_positives']} | {m['f1']:.3f} | {1000 * m['mean_error']:+.0f} | "
                  f"{1000 * m['mean_absolute_error']:.0f} |")
    print("\nforce-plate contacts (|Fz - offset| > 20 N for >= 20 ms), on / off s: " +
          ", ".join(f"{a:.3f}/{b:.3f}" for a, b in r["plates"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
