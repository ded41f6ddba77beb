"""Gait: metrics against NumPy/SciPy evaluations of their formulas, the issue's hand-checked values, synthetic
asymmetric gait, the streaming detector, and event/stride accuracy on the gaitmap recordings with motion-capture
reference events."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kinemyo import gait


def test_hand_checked_values():
    assert gait.symmetry_index(1.0, 1.1) == pytest.approx(9.5238095238, abs=1e-9)
    assert gait.symmetry_angle(1.0, 1.1) == pytest.approx(3.0292344377, abs=1e-9)
    assert gait.gait_asymmetry(0.40, 0.36) == pytest.approx(10.5360515658, abs=1e-9)
    assert gait.coefficient_of_variation([1.0, 1.1, 0.9, 1.0]) == pytest.approx(8.1649658093, abs=1e-9)
    w = 2 * np.pi * np.arange(256) / 256
    x = np.cos(2 * w) + 0.5 * np.cos(4 * w) + 0.25 * np.cos(w) + 0.25 * np.cos(3 * w)
    assert gait.harmonic_ratio(x, "v") == pytest.approx(3.0, abs=1e-10)
    t = np.arange(30) * 1.1
    assert gait.phase_coordination_index(t, t + 1.1 * 198 / 360, "left")["pci"] == pytest.approx(10.0, abs=1e-9)


def test_metrics_against_numpy(rng):
    # Harmonic ratios from numpy's FFT of one stride.
    stride = rng.standard_normal(173)
    amp = np.abs(np.fft.fft(stride))[1:21]
    even, odd = amp[1::2].sum(), amp[0::2].sum()
    assert gait.harmonic_ratio(stride, "ap") == pytest.approx(even / odd, rel=1e-12)
    assert gait.harmonic_ratio(stride, "ml") == pytest.approx(odd / even, rel=1e-12)
    p = amp ** 2
    assert gait.improved_harmonic_ratio(stride, "v") == pytest.approx(100 * p[1::2].sum() / p.sum(), rel=1e-12)
    # Unbiased autocorrelation (Moe-Nilssen 2004) from numpy.correlate.
    fs, step = 100.0, 0.55
    tt = np.arange(3000) / fs
    sig = np.sin(2 * np.pi * tt / step) + 0.4 * np.sin(2 * np.pi * tt / (2 * step)) + 0.2 * rng.standard_normal(tt.size)
    c = sig - sig.mean()
    full = np.correlate(c, c, "full")[c.size - 1:]
    ad = full / (c.size - np.arange(c.size)) / (full[0] / c.size)
    r = gait.autocorrelation_regularity(sig, fs=fs, step_time=step)
    lo, hi = int(np.floor(0.6 * step * fs)), int(np.ceil(1.4 * step * fs))
    assert r["step_regularity"] == pytest.approx(ad[lo:hi + 1].max(), rel=1e-10)
    lo2, hi2 = int(np.floor(1.2 * step * fs)), int(np.ceil(2.8 * step * fs))
    assert r["stride_regularity"] == pytest.approx(ad[lo2:hi2 + 1].max(), rel=1e-10)
    # Variability.
    left, right = rng.normal(1.0, 0.05, 40), rng.normal(1.1, 0.08, 35)
    assert gait.combined_sd(left, right) == pytest.approx(np.sqrt((left.std(ddof=1) ** 2 + right.std(ddof=1) ** 2) / 2))
    res = gait.side_index("symmetry_index", left, right)
    assert res.value == pytest.approx(gait.symmetry_index(np.median(left), np.median(right)))
    assert (res.n_left, res.n_right) == (40, 35)
    boot = gait.side_index("symmetry_index", left, right, bootstrap=1000)
    assert boot.ci_low < boot.value < boot.ci_high
    aff = gait.side_index("symmetry_index", left, right, affected="left")
    assert aff.value == pytest.approx(-res.value)
    with pytest.raises(ValueError, match="index"):
        gait.side_index("symmetry", left, right)


def test_synthetic_asymmetric_gait_is_recovered():
    fs = 102.4
    syn = gait.synthesize_foot_gait((0.72, 0.40), (0.66, 0.46), fs=fs, right_offset=0.53, noise=0.1, seed=3)
    left, right = gait.foot_events(syn["left_gyr"], fs=fs), gait.foot_events(syn["right_gyr"], fs=fs)
    table = gait.stride_table(left, right)
    assert table["excluded"].sum() <= 2  # only the cut strides at the ends
    summary = gait.asymmetry_summary(table)
    get = lambda p, i: summary.loc[(summary.parameter == p) & (summary["index"] == i), "value"].item()  # noqa: E731
    assert get("stance_time_s", "symmetry_index") == pytest.approx(gait.symmetry_index(0.72, 0.66), abs=0.6)
    assert get("swing_time_s", "gait_asymmetry") == pytest.approx(gait.gait_asymmetry(0.40, 0.46), abs=1.5)
    assert get("step_time_s", "absolute_difference") == pytest.approx(abs(0.53 - 0.59), abs=0.01)
    pci_row = summary[summary["index"].str.startswith("pci_reference_")]
    assert pci_row["index"].item() == "pci_reference_right"  # the right leg swings longer
    expected = 100 * abs(360 * 0.59 / 1.12 - 180) / 180  # constant phase: phi_CV ~ 0
    assert pci_row["value"].item() == pytest.approx(expected, abs=1.0)


def test_streaming_detector_in_chunks_matches_offline():
    fs = 100.0
    syn = gait.synthesize_foot_gait((0.7, 0.4), (0.7, 0.4), fs=fs, noise=0.05)
    offline = gait.foot_events(syn["left_gyr"], fs=fs)
    det = gait.FootEventDetector(fs)
    events = []
    for chunk in np.array_split(syn["left_gyr"][:, 1], 97):
        events += det.push(chunk)
    ic = [t for t, kind in events if kind == "initial_contact"]
    np.testing.assert_array_equal(ic, offline.initial_contact)
    tc = [t for t, kind in events if kind == "terminal_contact"]
    np.testing.assert_array_equal(tc, offline.terminal_contact)
    assert det.max_latency == pytest.approx(0.4 + 1.0)  # push-off window + longest swing before confirmation
    with pytest.raises(ValueError, match="swing_threshold"):
        gait.FootEventParams(swing_threshold=0.0)
    with pytest.raises(ValueError, match="samples: expected sagittal-rate samples"):
        det.push(syn["left_gyr"])  # an (n, 3) array is not flattened into 3n samples


@pytest.fixture(scope="module")
def gaitmap(shared_data_dir):
    root = shared_data_dir / "gaitmap"
    raw = pd.read_csv(root / "imu_sample.csv", header=[0, 1], index_col=0)
    events = pd.read_csv(root / "stride_events_sample.csv")
    return raw, events, 204.8


def test_gaitmap_events_and_strides_against_motion_capture(gaitmap):
    raw, ref, fs = gaitmap
    data = {s: (np.radians(raw[f"{s}_sensor"][["gyr_x", "gyr_y", "gyr_z"]].to_numpy()),
                raw[f"{s}_sensor"][["acc_x", "acc_y", "acc_z"]].to_numpy()) for s in ("left", "right")}
    res = gait.analyze_feet(*data["left"], *data["right"], fs=fs)
    table = res.strides
    totals = {"ic": [0, 0, 0, []], "tc": [0, 0, 0, []]}
    for side in ("left", "right"):
        r = ref[ref.foot == side]
        ev = res.left if side == "left" else res.right
        for kind, det, truth in (("ic", ev.initial_contact, np.unique(np.r_[r.ic, r.pre_ic]) / fs),
                                 ("tc", ev.terminal_contact, np.unique(r.tc) / fs)):
            # Evaluate where the reference exists (its first to last event) and outside flagged turn strides.
            lo, hi = truth.min() - 0.05, truth.max() + 0.05
            det = det[(det >= lo) & (det <= hi)]
            det, truth = det[gait.outside_excluded(det, table, side)], truth[gait.outside_excluded(truth, table, side)]
            m = gait.match_events(det, truth, 0.05)
            tot = totals[kind]
            tot[0] += m["true_positives"]
            tot[1] += m["false_positives"]
            tot[2] += m["false_negatives"]
            tot[3] += list(np.asarray(det)[m["detected_index"]] - np.asarray(truth)[m["reference_index"]])
    for kind, (tp, fp, fn, err) in totals.items():
        assert tp / (tp + fn) >= 0.95, kind
        assert fp / (tp + fp) <= 0.05, kind
        assert np.mean(np.abs(err)) <= 0.020, kind
    # Stride time against the reference (ic - pre_ic), strides kept by quality control.
    errors = []
    for side in ("left", "right"):
        r = ref[ref.foot == side]
        kept = table[(table.side == side) & ~table.excluded]
        k = gait.match_strides(kept, r.pre_ic / fs, r.ic / fs)
        errors += list(kept.stride_time_s.to_numpy()[k[k >= 0]] - ((r.ic - r.pre_ic) / fs).to_numpy()[k >= 0])
    assert len(errors) >= 50
    assert np.mean(np.abs(errors)) <= 0.010
    # The left stride across the turn (reference stride 13) is flagged.
    turn = ref[(ref.foot == "left") & (ref.s_id == 13)].iloc[0]
    left = table[table.side == "left"]
    overlapping = left[(left.initial_contact_s < turn.ic / fs) & (left.next_initial_contact_s > turn.pre_ic / fs)]
    assert overlapping.excluded.any() and overlapping.qc_flags.str.contains("turn").any()
    straight = table[~table.excluded]
    assert straight.stride_length_m.between(1.2, 1.6).mean() > 0.9  # about 1.4 m strides in this walk


def test_lower_back_step_length_and_other_sites():
    # Inverted pendulum (Zijlstra & Hof 2003): h = 4 cm at l = 1 m -> 2 sqrt(2 * 1 * 0.04 - 0.04^2).
    assert gait.inverted_pendulum_step_length(0.04, 1.0) == pytest.approx(2 * np.sqrt(0.08 - 0.0016))
    assert gait.inverted_pendulum_step_length(0.04, 1.0, 1.25) == pytest.approx(1.25 * 2 * np.sqrt(0.0784))
    with pytest.raises(ValueError, match="sensor_height"):
        gait.inverted_pendulum_step_length(0.04, 0.0)
    assert gait.inverted_pendulum_step_length(1.0, 1.0) == pytest.approx(2.0)  # h = l: the longest step, 2 l
    with pytest.raises(ValueError, match="vertical_excursion: 5 m exceeds sensor_height 1 m"):
        gait.inverted_pendulum_step_length(5.0, 1.0)  # was 2 sqrt(|2 l h - h^2|) = 7.7 m
    # Vertical excursion from acceleration: z = 2 cm cos(2 pi t / step) -> 4 cm per step.
    fs, step = 100.0, 0.55
    t = np.arange(0, 60, 1 / fs)
    acc = -0.02 * (2 * np.pi / step) ** 2 * np.cos(2 * np.pi * t / step)
    contacts = np.arange(5.0, 55.0, step)
    h = gait.step_vertical_excursions(acc, contacts, fs=fs)
    np.testing.assert_allclose(h, 0.04, rtol=0.02)
    # The shank entry point returns its event set.
    sh = gait.shank_events(np.sin(2 * np.pi * t / 1.1) * 3, fs=fs)
    assert set(sh) == {"initial_contact", "terminal_contact", "mid_swing"} and len(sh["mid_swing"]) > 40


def test_stride_harmonic_ratios_median_over_strides(rng):
    fs, stride = 100.0, 1.1
    t = np.arange(0, 30, 1 / fs)
    w = 2 * np.pi * t / stride
    x = np.cos(2 * w) + 0.5 * np.cos(4 * w) + 0.25 * np.cos(w) + 0.25 * np.cos(3 * w)
    starts = np.arange(0, 28, stride)
    r = gait.stride_harmonic_ratios(x, starts, "v", fs=fs)
    assert r["n"] == len(starts) - 1
    assert r["median"] == pytest.approx(3.0, rel=0.05)  # strides of 110 samples: exact up to the sampling
    assert gait.stride_harmonic_ratios(x, starts, "v", fs=fs, improved=True)["median"] == pytest.approx(
        100 * 1.25 / 1.375, rel=0.02)


def test_gaitmap_foot_angle_against_the_markers(gaitmap, shared_data_dir):
    """Foot angle from each foot IMU against the heel-to-toe marker line (100 Hz motion capture, resampled onto the
    204.8 Hz IMU clock), both zeroed at the detected mid-stance instants, from the first to the last contact."""
    from kinemyo.timebase import TimeBase, resample

    raw, _, fs = gaitmap
    mocap = pd.read_csv(shared_data_dir / "gaitmap" / "mocap_sample.csv", header=[0, 1], index_col=0)
    for side, prefix, limit in (("left", "L", 3.0), ("right", "R", 3.5)):
        gyr = np.radians(raw[f"{side}_sensor"][["gyr_x", "gyr_y", "gyr_z"]].to_numpy())
        acc = raw[f"{side}_sensor"][["acc_x", "acc_y", "acc_z"]].to_numpy()
        ev = gait.foot_events(gyr, fs=fs)
        got = gait.foot_angle(gyr, acc, ev.mid_stance, fs=fs)
        line = mocap[f"{prefix}_TOE"].to_numpy() - mocap[f"{prefix}_FCC"].to_numpy()
        marker = np.arctan2(line[:, 2], np.hypot(line[:, 0], line[:, 1]))
        imu_clock = TimeBase(0.0, fs, len(got))
        want = resample(marker, TimeBase(0.0, 100.0, len(marker)), imu_clock)
        flat = np.round(ev.mid_stance * fs).astype(int)
        want -= np.nanmedian(want[flat])
        t = imu_clock.times()
        keep = np.isfinite(want) & (t >= ev.initial_contact[0]) & (t <= ev.initial_contact[-1])
        err = np.degrees(got[keep] - want[keep])
        assert np.sqrt(np.mean(err ** 2)) < limit, side  # measured 2.2 (left) and 3.1 deg (right)
        assert np.corrcoef(got[keep], want[keep])[0, 1] > 0.99
        assert np.degrees(np.ptp(want[keep])) > 80  # the walk spans about -65 to +28 deg
    with pytest.raises(ValueError, match="mid_stance"):
        gait.foot_angle(gyr, acc, [1e6], fs=fs)


def _gaitmap_feet(shared_data_dir):
    root = shared_data_dir / "gaitmap"
    raw = pd.read_csv(root / "imu_sample.csv", header=[0, 1], index_col=0)
    return {s: np.radians(raw[f"{s}_sensor"][["gyr_x", "gyr_y", "gyr_z"]].to_numpy()) for s in ("left", "right")}


def test_foot_events_reject_impact_ringing_and_early_swing_bounce(shared_data_dir):
    """Real foot gyroscopes (gaitmap walk, 204.8 Hz) with two artefacts seen on other healthy walkers added at
    every stride: an impact spike with ringing 0.2 s after each heel strike, and the rate bouncing back above zero
    60 ms after each swing onset. The events must stay those of the clean recording."""
    fs = 204.8
    for gyr in _gaitmap_feet(shared_data_dir).values():
        clean = gait.foot_events(gyr, fs=fs)
        w = gyr[:, 1].copy()
        t = np.arange(len(w)) / fs
        for ic in clean.initial_contact:  # +17 rad/s impact, then ringing below -swing_threshold
            d = t - ic - 0.2
            dc = np.clip(d, 0.0, None)
            w += np.where((d > 0) & (d < 0.08), 17 * np.exp(-dc / 0.01) * np.cos(2 * np.pi * 25 * dc), 0.0)
        for tc in clean.terminal_contact:  # back above zero for 20 ms just after the swing starts
            onset = tc + np.argmax(w[int(tc * fs):] < -1.0) / fs
            w[(t > onset + 0.04) & (t < onset + 0.06)] = 0.5
        noisy = gyr.copy()
        noisy[:, 1] = w
        ev = gait.foot_events(noisy, fs=fs)
        for got, want in ((ev.initial_contact, clean.initial_contact), (ev.terminal_contact, clean.terminal_contact)):
            m = gait.match_events(got, want, 0.02)
            assert m["false_positives"] == 0 and m["false_negatives"] == 0
            assert np.all(np.diff(got) > 0)
        events = np.sort(np.r_[ev.initial_contact, ev.terminal_contact])
        kinds = np.isin(events, ev.initial_contact)
        assert not np.any(kinds[1:] == kinds[:-1])  # toe-off and contact alternate


def test_foot_events_with_a_rolled_sensor_and_an_estimated_axis(shared_data_dir):
    """The same walk with the sensors rolled 25 deg about the toe axis: the rolled axis given as a vector gives
    the events of the mounted frame; the estimated axis follows the sensor."""
    fs = 204.8
    from scipy.spatial.transform import Rotation

    roll = Rotation.from_euler("x", 25, degrees=True)
    for gyr in _gaitmap_feet(shared_data_dir).values():
        clean = gait.foot_events(gyr, fs=fs)
        rolled = roll.inv().apply(gyr)  # the sensor frame rotated by +25 deg about x
        axis = roll.inv().apply([0.0, 1.0, 0.0])
        # The vector form is the index form in another frame: the same events.
        ev = gait.foot_events(rolled, fs=fs, ml_axis=axis)
        np.testing.assert_allclose(ev.initial_contact, clean.initial_contact, atol=1e-9)
        np.testing.assert_allclose(ev.terminal_contact, clean.terminal_contact, atol=1e-9)
        # The estimated axis turns with the sensor. It is the foot's main rotation axis in walking, here about 25 deg
        # from the shoe's y axis (the foot rotates about an oblique axis), and gives the same gait within 20 ms.
        estimated, in_mount = gait.estimate_foot_ml_axis(rolled, fs=fs), gait.estimate_foot_ml_axis(gyr, fs=fs)
        np.testing.assert_allclose(estimated, roll.inv().apply(in_mount), atol=1e-6)
        assert np.degrees(np.arccos(np.clip(estimated @ axis, -1, 1))) < 35
        auto = gait.foot_events(rolled, fs=fs, ml_axis="auto")
        assert gait.match_events(auto.initial_contact, clean.initial_contact, 0.02)["f1"] > 0.9
        assert gait.match_events(auto.terminal_contact, clean.terminal_contact, 0.02)["f1"] > 0.9
    with pytest.raises(ValueError, match="ml_axis"):
        gait.foot_events(gyr, fs=fs, ml_axis=[0.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="ml_axis"):
        gait.foot_events(gyr, fs=fs, ml_axis="left")
    with pytest.raises(ValueError, match="too little foot rotation"):
        gait.estimate_foot_ml_axis(np.zeros((1000, 3)), fs=fs)
