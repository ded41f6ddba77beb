"""Orientation filters: conventions, the Madgwick paper equations against the independent `ahrs` package, bad
input, dtype, and accuracy on the real BROAD trials with optical ground truth (targets of the issue)."""

from __future__ import annotations

import json
import threading
import time

import numpy as np
import pytest

from kinemyo import imu


def qmul(a, b):
    w1, x1, y1, z1 = np.moveaxis(np.asarray(a, dtype=float), -1, 0)
    w2, x2, y2, z2 = np.moveaxis(np.asarray(b, dtype=float), -1, 0)
    return np.stack([w1 * w2 - x1 * x2 - y1 * y2 - z1 * z2, w1 * x2 + x1 * w2 + y1 * z2 - z1 * y2,
                     w1 * y2 - x1 * z2 + y1 * w2 + z1 * x2, w1 * z2 + x1 * y2 - y1 * x2 + z1 * w2], -1)


def rotvec_to_quat(r):
    angle = np.linalg.norm(r, axis=-1, keepdims=True)
    axis = r / np.where(angle > 0, angle, 1.0)
    return np.concatenate([np.cos(angle / 2), axis * np.sin(angle / 2)], -1)


def wobble(t):
    return rotvec_to_quat(np.stack([0.5 * np.sin(0.7 * t), 0.4 * np.sin(1.1 * t + 1), 1.5 * np.sin(0.3 * t)], 1))


def test_documented_conventions():
    fs = 100.0
    roll = np.array([np.cos(np.radians(15)), np.sin(np.radians(15)), 0, 0])
    still = imu.synthesize_imu(np.tile(roll, (500, 1)), fs=fs)
    est = imu.robust_orientation(still["gyr"], still["acc"], still["mag"], fs=fs)
    np.testing.assert_allclose(est.quat_6d[-1], roll, atol=1e-9)
    np.testing.assert_allclose(est.quat_9d[-1], roll, atol=1e-9)
    t = np.arange(101) / fs
    yaw = np.stack([np.cos(np.pi / 4 * t), 0 * t, 0 * t, np.sin(np.pi / 4 * t)], 1)
    d = imu.synthesize_imu(yaw, fs=fs)
    est = imu.robust_orientation(d["gyr"], d["acc"], fs=fs)
    np.testing.assert_allclose(est.quat_6d[-1], [np.cos(np.pi / 4), 0, 0, np.sin(np.pi / 4)], atol=1e-12)
    # NED / NWU are constant left rotations: a vector's ENU coordinates (e, n, u) become (n, e, -u) / (n, -e, u).
    q = rotvec_to_quat(np.array([0.3, -1.1, 0.7]))
    v = np.array([0.0, 0.2, -0.5, 0.9])
    rotate = lambda q, v: qmul(qmul(q, v), q * [1, -1, -1, -1])[1:]  # noqa: E731
    e, n, u = rotate(q, v)
    np.testing.assert_allclose(rotate(qmul(imu.earth_frame_rotation("enu", "ned"), q), v), [n, e, -u], atol=1e-14)
    np.testing.assert_allclose(rotate(qmul(imu.earth_frame_rotation("enu", "nwu"), q), v), [n, -e, u], atol=1e-14)
    with pytest.raises(ValueError, match="frame"):
        imu.earth_frame_rotation("enu", "xyz")


def test_madgwick_matches_the_paper_equations_in_ahrs():
    ahrs = pytest.importorskip("ahrs")
    fs, n = 100.0, 800
    d = imu.synthesize_imu(wobble(np.arange(n) / fs), fs=fs, gyr_noise=0.01, acc_noise=0.1, mag_noise=0.5,
                           gyr_bias=[0.01, -0.02, 0.01], seed=4)
    q0 = rotvec_to_quat(np.array([0.1, 0.2, 0.3]))
    f = imu.MadgwickFilter(beta=0.1)
    f.quat = q0
    enu_to_nwu = imu.earth_frame_rotation("enu", "nwu")
    ref = ahrs.filters.Madgwick(gain=0.1, frequency=fs)
    q_ref = qmul(enu_to_nwu, q0)  # the paper's earth frame has x north, z up
    worst = 0.0
    for i in range(n):
        f.update(1 / fs, d["gyr"][i], d["acc"][i], d["mag"][i])
        q_ref = ref.updateMARG(q_ref, d["gyr"][i], d["acc"][i], d["mag"][i], dt=1 / fs)
        worst = max(worst, np.max(np.abs(qmul(enu_to_nwu, f.quat) - q_ref)))
    assert worst < 1e-12


def test_bad_input_and_dtypes():
    fs = 100.0
    d = imu.synthesize_imu(wobble(np.arange(300) / fs), fs=fs)
    with pytest.raises(TypeError, match="exactly one"):
        imu.robust_orientation(d["gyr"], d["acc"], fs=fs, t=np.arange(300) / fs)
    t = np.arange(300) / fs
    t[100] = t[99]
    with pytest.raises(ValueError, match="t: timestamps must be finite and strictly increasing"):
        imu.robust_orientation(d["gyr"], d["acc"], t=t)
    with pytest.raises(ValueError, match="acc"):
        imu.robust_orientation(d["gyr"], d["acc"][:-1], fs=fs)
    with pytest.raises(ValueError, match="gyr"):
        imu.robust_orientation(d["gyr"][:, :2], d["acc"], fs=fs)
    with pytest.raises(ValueError, match="fs"):
        imu.robust_orientation(d["gyr"], d["acc"], fs=-1.0)
    with pytest.raises(TypeError, match="unknown parameter"):
        imu.RobustFilterParams(tau_accel=1.0)
    with pytest.raises(ValueError, match="tau_acc"):
        imu.RobustFilterParams(tau_acc=-1.0)
    est32 = imu.robust_orientation(d["gyr"].astype(np.float32), d["acc"].astype(np.float32), fs=fs)
    est64 = imu.robust_orientation(d["gyr"], d["acc"], fs=fs)
    assert est32.quat_6d.dtype == np.float32 and est64.quat_6d.dtype == np.float64
    assert imu.madgwick(d["gyr"].astype(np.float32), d["acc"].astype(np.float32), fs=fs).dtype == np.float32
    # A NaN row is skipped: the estimate stays finite and the state continues.
    gyr = d["gyr"].copy()
    gyr[150] = np.nan
    assert np.isfinite(imu.robust_orientation(gyr, d["acc"], d["mag"], fs=fs).quat_9d).all()


def test_streaming_equals_batch_and_state_round_trip():
    fs = 200.0
    d = imu.synthesize_imu(wobble(np.arange(1000) / fs), fs=fs, gyr_noise=0.01, acc_noise=0.05, mag_noise=0.3)
    batch = imu.RobustFilter().process(d["gyr"], d["acc"], d["mag"], fs=fs)
    f = imu.RobustFilter()
    for i in range(600):
        f.update(1 / fs, d["gyr"][i], d["acc"][i], d["mag"][i])
    saved = f.state
    rest = f.process(d["gyr"][600:], d["acc"][600:], d["mag"][600:], fs=fs)
    np.testing.assert_array_equal(rest["quat_9d"], batch["quat_9d"][600:])
    g = imu.RobustFilter()
    g.state = saved
    np.testing.assert_array_equal(g.process(d["gyr"][600:], d["acc"][600:], d["mag"][600:], fs=fs)["quat_9d"],
                                  batch["quat_9d"][600:])


def test_batch_releases_the_gil():
    d = imu.synthesize_imu(wobble(np.arange(200_000) / 200.0), fs=200.0)
    ticks = []
    worker = threading.Thread(target=lambda: imu.robust_orientation(d["gyr"], d["acc"], d["mag"], fs=200.0))
    worker.start()
    while worker.is_alive():
        ticks.append(time.perf_counter())
        time.sleep(0.001)
    worker.join()
    assert len(ticks) > 5 and np.max(np.diff(ticks)) < 0.05


def test_bias_at_rest_and_heading_drift_over_a_minute():
    fs = 100.0
    pose = rotvec_to_quat(np.array([0.2, -0.3, 1.0]))
    bias = np.radians([0.5, -0.5, 0.5])
    d = imu.synthesize_imu(np.tile(pose, (6000, 1)), fs=fs, gyr_bias=bias, gyr_noise=np.radians(0.1),
                           acc_noise=0.02, mag_noise=0.3, seed=7)
    est = imu.robust_orientation(d["gyr"], d["acc"], fs=fs)
    assert np.all(np.abs(est.bias[-1] - bias) < np.radians(0.05))
    drift = imu.orientation_errors(est.quat_6d[-1:], est.quat_6d[100:101])["heading"][0]
    assert np.degrees(drift) < 2.0


@pytest.fixture(scope="module")
def broad(shared_data_dir):
    root = shared_data_dir / "broad"
    trials = json.loads((root / "trials.json").read_text())
    out = {}
    for name, info in trials.items():
        data = np.loadtxt(root / f"{name}.csv", delimiter=",", skiprows=1)
        out[name] = (data, info["sampling_rate_hz"])
    return out


def broad_rmse(broad, estimate):
    res = []
    for data, fs in broad.values():
        gyr, acc, mag, ref, mov = data[:, 0:3], data[:, 3:6], data[:, 6:9], data[:, 9:13], data[:, 13] == 1
        e = imu.orientation_errors(estimate(gyr, acc, mag, fs), ref)
        res.append([imu.rmse_deg(e[k], mov) for k in ("total", "heading", "inclination")])
    return np.mean(res, axis=0)


def test_broad_targets_with_library_defaults(broad):
    assert len(broad) == 10
    total, _, inclination = broad_rmse(broad, lambda g, a, m, fs: imu.robust_orientation(g, a, m, fs=fs).quat_9d)
    assert total <= 3.0 and inclination <= 0.75, (total, inclination)
    offline, _, _ = broad_rmse(broad, lambda g, a, m, fs: imu.robust_orientation(g, a, m, fs=fs, offline=True).quat_9d)
    assert offline <= 2.5, offline  # 2.43 (offline VQF 2.62)
    madgwick, _, _ = broad_rmse(broad, lambda g, a, m, fs: imu.madgwick(g, a, m, fs=fs))
    mahony, _, _ = broad_rmse(broad, lambda g, a, m, fs: imu.mahony(g, a, m, fs=fs)[0])
    assert total < madgwick < mahony < 12.0, (madgwick, mahony)


def test_broad_per_trial_against_vqf(broad):
    """Issue 14's per-trial bound, with PyPI vqf run here: neither kinemyo filter is worse than its VQF counterpart
    by more than 0.3 deg of 9D total RMSE on any BROAD trial, and both are better on the mean."""
    vqf = pytest.importorskip("vqf")

    def per_trial(estimate):
        out = []
        for data, fs in broad.values():
            gyr, acc, mag = (np.ascontiguousarray(data[:, k:k + 3]) for k in (0, 3, 6))
            e = imu.orientation_errors(estimate(gyr, acc, mag, fs), data[:, 9:13])
            out.append(imu.rmse_deg(e["total"], data[:, 13] == 1))
        return np.array(out)

    causal = per_trial(lambda g, a, m, fs: imu.robust_orientation(g, a, m, fs=fs).quat_9d)
    offline = per_trial(lambda g, a, m, fs: imu.robust_orientation(g, a, m, fs=fs, offline=True).quat_9d)
    peer = per_trial(lambda g, a, m, fs: vqf.VQF(1.0 / fs).updateBatch(g, a, m)["quat9D"])
    peer_offline = per_trial(lambda g, a, m, fs: vqf.offlineVQF(g, a, m, 1.0 / fs)["quat9D"])
    # measured: worst excess +0.14 (causal) and +0.18 deg (offline), both on trial 26; means 2.12 / 3.02, 2.42 / 2.61
    assert np.max(causal - peer) <= 0.3, causal - peer
    assert np.max(offline - peer_offline) <= 0.3, offline - peer_offline
    assert causal.mean() < peer.mean() and offline.mean() < peer_offline.mean()


def test_mahony_integral_feedback_estimates_the_horizontal_bias():
    fs = 100.0
    pose = rotvec_to_quat(np.array([0.1, -0.2, 0.4]))
    bias = np.radians([0.8, -0.6, 0.0])
    d = imu.synthesize_imu(np.tile(pose, (12000, 1)), fs=fs, gyr_bias=bias)
    q_p, b_p = imu.mahony(d["gyr"], d["acc"], fs=fs, kp=1.0, ki=0.0)
    q_i, b_i = imu.mahony(d["gyr"], d["acc"], fs=fs, kp=1.0, ki=0.1)
    assert np.all(b_p == 0.0)
    # Without the integral the tilt settles off by bias / kp; with it the error and the bias estimate converge.
    err_p = imu.orientation_errors(q_p[-1:], pose[None])["inclination"][0]
    err_i = imu.orientation_errors(q_i[-1:], pose[None])["inclination"][0]
    assert err_i < 0.05 * err_p
    up = np.array([0.0, 0.0, 1.0])
    r = Rotation_from_wxyz(pose)
    horizontal = bias - np.dot(bias, r.inv().apply(up)) * r.inv().apply(up)  # the observable part
    np.testing.assert_allclose(b_i[-1], horizontal, atol=np.radians(0.02))


def Rotation_from_wxyz(q):
    from scipy.spatial.transform import Rotation

    return Rotation.from_quat(np.asarray(q)[[1, 2, 3, 0]])
