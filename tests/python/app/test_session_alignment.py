"""Recordings on different clocks and rates in one session: the same demo recordings moved on the session clock,
split over files, given timestamps or a lower rate give the same analysis (shifted by the offset); a synthetic
pelvis / thigh / lower-back session of known hip and lumbo-pelvic angles through calibration and alignment;
the errors name the field."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy.signal import resample_poly
from scipy.spatial.transform import Rotation

from kinemyo import imu
from kinemyo.analysis import analyze_session
from kinemyo.cli import demo_session_path
from kinemyo.io import read_delimited, read_gaitmap_csv
from kinemyo.report import write_report
from kinemyo.session import SessionError

DEMO = demo_session_path().parent
FS_FEET = 204.8


@pytest.fixture(scope="module")
def reference():
    return analyze_session(demo_session_path())


@pytest.fixture(scope="module")
def demo_emg():
    return read_delimited(DEMO / "emg.csv.gz", fs=1000.0)


def _emg_entry(file, fmt, fs, name, column, **timing):
    return {"file": file, "format": fmt, "fs": fs, "units": "adc", **timing,
            "channels": [{"name": name, "column": column, "profile": "trunk" if name == "ES_L" else "limb"}]}


def test_emg_files_on_other_clocks_give_the_same_activations_shifted(tmp_path, reference, demo_emg):
    x = demo_emg.data
    n = len(x)
    # GM_L stamped by its device in ms from 7 s; the session clock puts it at 2 s (start_s is a clock offset).
    pd.DataFrame({"time_ms": 7000.0 + np.arange(n), "GM_L": x[:, 0]}).to_csv(tmp_path / "gm.csv", index=False)
    pd.DataFrame({"ES_L": x[:, 1]}).to_csv(tmp_path / "es.tsv", sep="\t", index=False)
    session = {"name": "moved", "ratios": [{"numerator": "GM_L", "denominator": "ES_L"}], "emg": [
        _emg_entry("gm.csv", "csv", 1000.0, "GM_L", "GM_L", time_column="time_ms", time_units="ms", start_s=-5.0),
        _emg_entry("es.tsv", "tsv", 1000.0, "ES_L", "ES_L", start_s=2.0)]}
    (tmp_path / "s.json").write_text(json.dumps(session))
    got = analyze_session(tmp_path / "s.json")
    for ch in ("GM_L", "ES_L"):
        np.testing.assert_allclose(got.emg[ch]["onsets"], np.add(reference.emg[ch]["onsets"], 2.0), atol=1e-9)
        np.testing.assert_array_equal(got.emg[ch]["envelope"], reference.emg[ch]["envelope"])
        assert got.summary["emg"][ch]["start_s"] == pytest.approx(2.0)
    want, have = reference.summary["ratios"]["GM_L:ES_L"], got.summary["ratios"]["GM_L:ES_L"]
    assert have["median_windowed_ratio"] == want["median_windowed_ratio"]
    np.testing.assert_allclose(got.ratios["GM_L:ES_L"]["t"], reference.ratios["GM_L:ES_L"]["t"] + 2.0, atol=1e-9)

    # ES_L at 500 Hz starting 10 s later: the ratio is computed at 500 Hz over the shared 12-63.9 s span.
    pd.DataFrame({"ES_L": resample_poly(x[:, 1], 1, 2)[5000:]}).to_csv(tmp_path / "es500.csv", index=False)
    session["emg"][1] = _emg_entry("es500.csv", "csv", 500.0, "ES_L", "ES_L", start_s=12.0)
    (tmp_path / "s500.json").write_text(json.dumps(session))
    low = analyze_session(tmp_path / "s500.json")
    ratio = low.summary["ratios"]["GM_L:ES_L"]
    assert ratio["fs_hz"] == 500.0 and ratio["span_s"][0] == pytest.approx(12.0)
    r500, r1000 = low.ratios["GM_L:ES_L"], got.ratios["GM_L:ES_L"]
    same = np.interp(r500["t"], r1000["t"], r1000["ratio"])  # the 1000 Hz analysis at the 500 Hz window centres
    ok = np.isfinite(r500["ratio"]) & np.isfinite(same)
    # Same course over time (0.3 s misalignment gives 0.052, 2 s 0.125); the scale differs as ES_L's
    # 95th-percentile reference comes from a shorter recording.
    log_ratio = np.log(r500["ratio"][ok] / same[ok])
    assert np.median(np.abs(log_ratio - np.median(log_ratio))) < 0.04
    # ES_L's contractions are found at the same session times at 500 Hz (the contractions: the detected onsets
    # within 0.1 s of emg_1.txt's verified ones, tests/data/emg_onsets/; the defaults also mark low-level activity,
    # whose onsets move with the baseline estimated from the shorter, resampled recording).
    want = np.add(reference.emg["ES_L"]["onsets"], 2.0)
    verified = np.add([1.500, 15.542, 25.665, 26.449], 2.0)
    want = want[(want > 13.0) & (_nearest_error(verified, want) < 0.1)]
    assert len(want) >= 2 and _nearest_error(np.asarray(low.emg["ES_L"]["onsets"]), want).max() < 0.02


def _foot_frame(rec, side, rows):
    cols = {f"{k}_{a}": rec.data[rows, rec.labels.index(f"{side}_sensor/{k}_{a}")] for k in ("gyr", "acc") for a in "xyz"}
    return pd.DataFrame(cols)


def _foot_entry(file, side, fs, **extra):
    return {"file": file, "format": "csv", "fs": fs, "placement": "foot", "side": side, "gyr_units": "deg/s",
            "gyr": [f"gyr_{a}" for a in "xyz"], "acc": [f"acc_{a}" for a in "xyz"], **extra}


def _nearest_error(got, want):
    return np.abs(got[np.clip(np.searchsorted(got, want), 1, len(got) - 1)[:, None] + [-1, 0]] - want[:, None]).min(axis=1)


def test_feet_with_other_starts_and_rates_give_the_same_gait_events(tmp_path, reference):
    rec = read_gaitmap_csv(DEMO / "feet.csv.gz", fs=FS_FEET)
    n, skip = rec.data.shape[0], 307  # the right sensor starts 1.5 s late
    _foot_frame(rec, "left", slice(None)).to_csv(tmp_path / "left.csv", index=False)
    _foot_frame(rec, "right", slice(skip, None)).to_csv(tmp_path / "right.csv", index=False)
    session = {"name": "feet", "imu": [_foot_entry("left.csv", "left", FS_FEET),
                                       _foot_entry("right.csv", "right", FS_FEET, start_s=skip / FS_FEET)]}
    (tmp_path / "s.json").write_text(json.dumps(session))
    late = analyze_session(tmp_path / "s.json")
    assert late.summary["gait"]["span_s"][0] == pytest.approx(skip / FS_FEET)
    # Every reference contact after the first 3 s is found at the same time on the session clock.
    ref, got = reference.gait.strides, late.gait.strides
    for side in ("left", "right"):
        want = ref.loc[(ref.side == side) & (ref.initial_contact_s > 3.0), "initial_contact_s"].to_numpy()
        have = got.loc[got.side == side, "initial_contact_s"].to_numpy()
        assert _nearest_error(have, want).max() < 1e-9, side

    # The right foot at half the rate, with timestamps in s: contacts within 10 ms, stride-time medians within 5 ms.
    half = _foot_frame(rec, "right", slice(0, None, 2))
    half.insert(0, "t", np.arange(len(half)) / (FS_FEET / 2) + 100.0)
    half.to_csv(tmp_path / "right_half.csv", index=False)
    session["imu"][1] = _foot_entry("right_half.csv", "right", FS_FEET / 2, time_column="t", start_s=-100.0)
    (tmp_path / "half.json").write_text(json.dumps(session))
    low = analyze_session(tmp_path / "half.json")
    assert low.summary["gait"]["fs_hz"] == FS_FEET
    want = ref.loc[(ref.side == "right") & (ref.initial_contact_s > 2.0), "initial_contact_s"].to_numpy()
    have = low.gait.strides.loc[low.gait.strides.side == "right", "initial_contact_s"].to_numpy()
    assert np.quantile(_nearest_error(have, want), 0.95) < 0.010
    for side in ("left", "right"):
        assert abs(low.summary["gait"]["median"]["stride_time_s"][side]
                   - reference.summary["gait"]["median"]["stride_time_s"][side]) < 0.005

    # Errors name the field.
    session["imu"][1] = _foot_entry("right_half.csv", "right", FS_FEET, time_column="t", start_s=-100.0)
    (tmp_path / "bad.json").write_text(json.dumps(session))
    with pytest.raises(SessionError, match=r"^imu\[1\]\.time_column: the timestamps imply 102.4 Hz but fs is 204.8 Hz"):
        analyze_session(tmp_path / "bad.json")
    session["imu"][1] = _foot_entry("right.csv", "right", FS_FEET, start_s=500.0)
    (tmp_path / "apart.json").write_text(json.dumps(session))
    with pytest.raises(SessionError, match=r"^imu \(feet\): the recordings do not overlap"):
        analyze_session(tmp_path / "apart.json")
    session["imu"][1] = _foot_entry("right.csv", "right", FS_FEET, time_column="nope")
    (tmp_path / "col.json").write_text(json.dumps(session))
    with pytest.raises(SessionError, match=r"^imu\[1\]\.time_column: 'nope' is not a column of right.csv"):
        analyze_session(tmp_path / "col.json")


NEUTRAL = Rotation.from_matrix(np.column_stack([[0, 1, 0], [0, 0, 1], [1, 0, 0]]))  # ISB segment facing north


def _wxyz(r):
    return r.as_quat()[:, [3, 0, 1, 2]]


def _truth(t):
    """Hip (right) flexion / adduction / internal rotation and lumbo-pelvic flexion / bend / rotation, rad: still
    for 4 s (the static pose), then 6 squat-like flexion cycles of 45 deg with small out-of-plane motion."""
    w = np.clip((t - 4.0) / 1.0, 0.0, 1.0)
    cyc = 0.5 * (1 - np.cos(2 * np.pi * (t - 4.0) / 3.0)) * (t >= 4.0) * (t <= 22.0)
    hip = np.column_stack([np.radians(45) * cyc, w * 0.08 * np.sin(0.7 * t), w * 0.1 * np.sin(0.5 * t + 1)])
    lumbar = np.column_stack([np.radians(25) * cyc, w * 0.05 * np.sin(0.4 * t), w * 0.06 * np.sin(0.3 * t + 2)])
    return hip, lumbar


def _segments(t):
    hip, lumbar = _truth(t)
    # the pelvis turns about the vertical at up to 8 deg/s (a slower steady turn would pass for gyroscope bias at rest)
    w = np.clip((t - 4.0) / 1.0, 0.0, 1.0)
    pelvis = Rotation.from_rotvec(np.outer(w * 0.3 * np.sin(0.45 * t), [0, 0, 1])) * NEUTRAL
    thigh = pelvis * Rotation.from_euler("ZXY", hip)
    lower_back = pelvis * Rotation.from_euler("ZXY", lumbar * [-1, 1, 1])  # forward bending is minus rotation about z
    return {"pelvis": pelvis, "thigh": thigh, "lower_back": lower_back}


MOUNTS = {"pelvis": Rotation.from_rotvec([0.2, -2.5, 0.4]), "thigh": Rotation.from_rotvec([-0.3, 1.2, 0.6]),
          "lower_back": Rotation.from_rotvec([1.0, 0.3, -0.7])}


def _write_sensor(path, segment, fs, start, duration, seed, jitter=0.0):
    n = int(duration * fs)
    t = start + np.arange(n) / fs
    q = _wxyz(_segments(t)[segment] * MOUNTS[segment])
    d = imu.synthesize_imu(q, t=t, gyr_noise=np.radians(0.1), acc_noise=0.03, mag_noise=0.3, seed=seed)
    frame = pd.DataFrame(np.column_stack([d["gyr"], d["acc"], d["mag"]]),
                         columns=[f"{k}{a}" for k in "gam" for a in "xyz"])
    if jitter:
        frame.insert(0, "t_us", (t + np.random.default_rng(seed).uniform(-jitter, jitter, n) / fs) * 1e6)
    frame.to_csv(path, index=False)
    return {"file": path.name, "format": "csv", "fs": fs, "gyr": ["gx", "gy", "gz"], "acc": ["ax", "ay", "az"],
            "mag": ["mx", "my", "mz"], "anterior": list(MOUNTS[segment].inv().apply([1.0, 0.0, 0.0]))}


@pytest.fixture(scope="module")
def angle_session(tmp_path_factory):
    """Pelvis at 100 Hz, thigh at 200 Hz starting 0.25 s later, lower back at 100 Hz with jittered us stamps."""
    root = tmp_path_factory.mktemp("angles")
    pelvis = _write_sensor(root / "pelvis.csv", "pelvis", 100.0, 0.0, 26.0, 1)
    thigh = _write_sensor(root / "thigh.csv", "thigh", 200.0, 0.25, 26.0, 2)
    back = _write_sensor(root / "back.csv", "lower_back", 100.0, 0.0, 26.0, 3, jitter=0.1)
    session = {"name": "squats", "static_pose": [1.0, 3.5], "imu": [
        {**pelvis, "placement": "pelvis"}, {**thigh, "placement": "thigh", "side": "right", "start_s": 0.25},
        {**back, "placement": "lower_back", "time_column": "t_us", "time_units": "us"}]}
    (root / "s.json").write_text(json.dumps(session))
    return root, session, analyze_session(root / "s.json")


def test_joint_angles_of_a_synthetic_session_within_half_a_degree(angle_session):
    _, _, r = angle_session
    s = r.summary["imu"]
    assert s["sensors"] == ["pelvis", "thigh_right", "lower_back"] and s["fs_hz"] == 200.0
    assert s["span_s"][0] == pytest.approx(0.25)
    t = r.angles["hip right"]["t"]
    hip, lumbar = _truth(t)
    keep = t > 4.0
    for name, truth, keys in (("hip right", hip, ("flexion", "adduction", "internal_rotation")),
                              ("lumbo-pelvic", lumbar, ("flexion", "lateral_bend_right", "rotation_left"))):
        for k, key in enumerate(keys):
            got = r.angles[name]["angles"][key]
            rmse = np.degrees(np.sqrt(np.mean((got[keep] - truth[keep, k]) ** 2)))
            assert rmse < 0.5, (name, key, rmse)
    incl = np.arccos(np.clip(_segments(t)["lower_back"].apply([0.0, 1.0, 0.0])[:, 2], -1.0, 1.0))
    got = r.angles["lower back"]["angles"]["inclination"]
    assert np.degrees(np.sqrt(np.mean((got[keep] - incl[keep]) ** 2))) < 0.5
    # Six flexion repetitions of 45 deg (hip) and 25 deg (lumbo-pelvic); the summary is what repetitions() says.
    for name, rom in (("hip right", 45.0), ("lumbo-pelvic", 25.0)):
        reps = imu.repetitions(r.angles[name]["angles"]["flexion"], np.radians(10.0))
        assert len(reps) == 6
        np.testing.assert_allclose(np.degrees(reps.range), rom, atol=1.5)
        assert s["angles_deg"][name]["flexion"]["range_per_repetition"] == np.degrees(reps.range).tolist()
        assert s["angles_deg"][name]["flexion"]["repetitions"] == 6


def test_angle_report_holds_the_angle_and_repetition_figures(angle_session, tmp_path):
    _, _, r = angle_session
    html = write_report(r, tmp_path)["report"].read_text()
    for key in ("angles", "rom"):
        assert f"<figure id='{key}'>" in html


def test_angle_session_errors_name_the_field(angle_session, tmp_path):
    root, session, _ = angle_session

    def run(change, pattern):
        s = json.loads(json.dumps(session))
        change(s)
        (root / "bad.json").write_text(json.dumps(s))
        with pytest.raises(SessionError, match=pattern):
            analyze_session(root / "bad.json")

    run(lambda s: s.update(static_pose=[40.0, 45.0]), r"^static_pose: \[40.0, 45.0\] s is outside")
    run(lambda s: s.update(static_pose=[3.0, 1.0]), r"^static_pose: must be \[start_s, stop_s\]")
    run(lambda s: s["imu"][1].update(anterior="w"), r"^imu\[1\]\.anterior: must be x, -x")
    run(lambda s: s["imu"][1].update(anterior=[0, 0, 0]), r"^imu\[1\]\.anterior: must not be the zero vector")
    run(lambda s: s["imu"][2].update(time_units="min"), r"^imu\[2\]\.time_units: must be one of s, ms, us")
    run(lambda s: s["imu"][0].update(time_units="ms"), r"^imu\[0\]\.time_units: needs time_column")
    run(lambda s: s["imu"][0].update(start_s="soon"), r"^imu\[0\]\.start_s: must be float")
    run(lambda s: s["imu"].append({**s["imu"][0]}), r"^imu\[3\]: a second pelvis sensor")
    # Without a static pose the orientations are computed and the summary says why there are no angles.
    s = json.loads(json.dumps(session))
    del s["static_pose"]
    (root / "nopose.json").write_text(json.dumps(s))
    assert analyze_session(root / "nopose.json").summary["imu"]["angles_skipped"] == "joint angles need static_pose"
