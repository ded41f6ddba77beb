"""Joint angles: the Z-X-Y decomposition against SciPy, synthetic two-segment motions of known angles through
the filters and calibration (< 1 deg), repetitions, and the angle chain on real BROAD data against its optical
reference."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from kinemyo import imu


def wxyz(r: Rotation) -> np.ndarray:
    return r.as_quat()[..., [3, 0, 1, 2]]


def xyzw(q) -> Rotation:
    return Rotation.from_quat(np.asarray(q)[..., [1, 2, 3, 0]])


NEUTRAL = Rotation.from_matrix(np.column_stack([[0, 1, 0], [0, 0, 1], [1, 0, 0]]))  # facing north, z east


def test_angles_match_scipy_intrinsic_zxy(rng):
    pelvis = Rotation.random(500, random_state=1)
    rel = Rotation.from_euler("ZXY", np.column_stack([rng.uniform(-1.5, 1.5, 500), rng.uniform(-1.2, 1.2, 500),
                                                      rng.uniform(-1.5, 1.5, 500)]))
    thigh = pelvis * rel
    want = rel.as_euler("ZXY")
    hip = imu.hip_angles(wxyz(pelvis), wxyz(thigh), "right")
    np.testing.assert_allclose(np.column_stack([hip["flexion"], hip["adduction"], hip["internal_rotation"]]), want,
                               atol=1e-9)
    left = imu.hip_angles(wxyz(pelvis), wxyz(thigh), "left")
    np.testing.assert_allclose(left["adduction"], -want[:, 1], atol=1e-9)
    lumbar = imu.lumbopelvic_angles(wxyz(pelvis), wxyz(thigh))
    np.testing.assert_allclose(lumbar["flexion"], -want[:, 0], atol=1e-9)
    np.testing.assert_allclose(imu.inclination(wxyz(thigh)), np.arccos(np.clip(thigh.apply([0, 1, 0])[:, 2], -1, 1)),
                               atol=1e-9)
    with pytest.raises(ValueError, match="side"):
        imu.hip_angles(wxyz(pelvis), wxyz(thigh), "middle")


def test_lumbopelvic_motion_through_filters_within_one_degree():
    fs, n = 100.0, 6000
    t = np.arange(n) / fs
    w = np.clip((t - 5.0) / 3.0, 0.0, 1.0)  # 5 s standing still for the calibration, then motion
    truth = w[:, None] * np.column_stack([0.5 * np.sin(0.6 * t), 0.2 * np.sin(0.4 * t + 1), 0.25 * np.sin(0.3 * t + 2)])
    pelvis = Rotation.from_rotvec(np.outer(w * 0.3 * np.sin(0.25 * t), [0, 0, 1])) * NEUTRAL * \
        Rotation.from_rotvec(np.outer(w * 0.15 * np.sin(0.5 * t), [0, 0, 1]))
    # lumbo-pelvic flexion is minus the rotation about z (forward bending tips the lower back's y forward)
    lower_back = pelvis * Rotation.from_euler("ZXY", truth * [-1, 1, 1])
    mounts = [Rotation.from_rotvec([0.2, -2.5, 0.4]), Rotation.from_rotvec([1.0, 0.3, -0.7])]
    sensors = [pelvis * mounts[0], lower_back * mounts[1]]
    est = []
    for k, s in enumerate(sensors):
        d = imu.synthesize_imu(wxyz(s), fs=fs, gyr_noise=np.radians(0.1), acc_noise=0.03, mag_noise=0.3,
                               gyr_bias=np.radians([0.2, -0.1, 0.3]) * (1 - 2 * k), seed=k + 1)
        est.append(imu.robust_orientation(d["gyr"], d["acc"], d["mag"], fs=fs).quat_9d)
    static = np.stack([imu.mean_orientation(q[100:400]) for q in est])
    hints = np.stack([m.inv().apply([1, 0, 0]) for m in mounts])
    cal = imu.calibrate_static_pose(static, hints, 0, shared_heading=True)
    seg = [imu.segment_orientations(q, c) for q, c in zip(est, cal)]
    got = imu.lumbopelvic_angles(seg[0], seg[1])
    for k, name in enumerate(("flexion", "lateral_bend_right", "rotation_left")):
        rmse = np.degrees(np.sqrt(np.mean((got[name][800:] - truth[800:, k]) ** 2)))
        assert rmse < 1.0, (name, rmse)


def test_repetitions_against_scipy_peaks():
    from scipy.signal import find_peaks

    t = np.arange(0, 60, 0.01)
    amplitude = np.radians(40) * (1 + 0.2 * np.sin(0.1 * t))
    angle = amplitude * np.clip(np.sin(2 * np.pi * 0.25 * t), 0, None) + np.radians(1) * np.sin(17 * t)
    reps = imu.repetitions(angle, np.radians(10))
    peaks, _ = find_peaks(angle, prominence=np.radians(10))
    assert len(reps) == len(peaks) - 1 or len(reps) == len(peaks)
    np.testing.assert_array_equal(reps.peak, peaks[: len(reps)])
    np.testing.assert_allclose(reps.range, angle[reps.peak] - np.minimum(angle[reps.start], angle[reps.end]))
    frame = reps.to_frame(fs=100.0)
    assert {"peak_s", "range_rad", "peak_sample"} <= set(frame.columns) and len(frame) == len(reps)


@pytest.mark.parametrize("trial", ["04_undisturbed_slow_rotation_with_breaks_A", "10_undisturbed_slow_translation_A"])
def test_angle_chain_on_broad_against_the_optical_reference(shared_data_dir, trial):
    """A BROAD IMU as the distal segment of a joint whose proximal segment is the (static) lab: calibrated on
    the first second, inclination and joint angles from the filter agree with those from the optical reference."""
    root = shared_data_dir / "broad"
    fs = json.loads((root / "trials.json").read_text())[trial]["sampling_rate_hz"]
    d = np.loadtxt(root / f"{trial}.csv", delimiter=",", skiprows=1)
    gyr, acc, mag, ref, mov = d[:, 0:3], d[:, 3:6], d[:, 6:9], d[:, 9:13], d[:, 13] == 1
    est = imu.robust_orientation(gyr, acc, mag, fs=fs).quat_9d
    first = slice(0, int(fs))
    assert np.isfinite(ref[first]).all()
    hint = np.array([1.0, 0.0, 0.0])
    lab = np.tile(wxyz(NEUTRAL), (len(d), 1))
    angles = {}
    for label, q in (("est", est), ("ref", ref)):
        cal = imu.calibrate_static_pose(np.stack([wxyz(NEUTRAL), imu.mean_orientation(q[first])]),
                                        np.stack([[1.0, 0.0, 0.0], hint]), 0, shared_heading=True)
        seg = imu.segment_orientations(np.where(np.isnan(q), 1.0, q), cal[1])
        angles[label] = (imu.inclination(seg), imu.hip_angles(lab, seg, "right"))
    keep = mov & np.isfinite(ref).all(axis=1) & (np.abs(angles["ref"][1]["adduction"]) < np.radians(60))
    incl = np.degrees(np.sqrt(np.mean((angles["est"][0][keep] - angles["ref"][0][keep]) ** 2)))
    assert incl < 1.0, incl
    for name in ("flexion", "adduction", "internal_rotation"):
        diff = np.angle(np.exp(1j * (angles["est"][1][name][keep] - angles["ref"][1][name][keep])))
        assert np.degrees(np.sqrt(np.mean(diff ** 2))) < 3.0, name


def test_functional_abduction_axis_refines_a_6d_calibration():
    """Two 6D sensors with a 20 deg error in the thigh's mounting hint: static calibration leaves an adduction
    offset in the heading; hip abduction swings give the antero-posterior axis and restore the angles."""
    fs, n = 100.0, 4000
    t = np.arange(n) / fs
    w = np.clip((t - 3.0) / 2.0, 0.0, 1.0)
    truth = w[:, None] * np.column_stack([0.1 * np.sin(0.5 * t), 0.35 * np.sin(1.2 * t), 0.05 * np.sin(0.3 * t)])
    pelvis = NEUTRAL
    thigh = Rotation.concatenate([pelvis * Rotation.from_euler("ZXY", a) for a in truth])
    mounts = [Rotation.from_rotvec([0.4, 0.1, -0.3]), Rotation.from_rotvec([-0.2, 1.1, 0.5])]
    q = [wxyz(Rotation.concatenate([pelvis] * n) * mounts[0]), wxyz(thigh * mounts[1])]
    data = [imu.synthesize_imu(x, fs=fs) for x in q]
    est = [imu.robust_orientation(d["gyr"], d["acc"], fs=fs).quat_6d for d in data]
    static = np.stack([imu.mean_orientation(e[50:250]) for e in est])
    bad = Rotation.from_rotvec([0, 0, np.radians(20)])
    hints = np.stack([mounts[0].inv().apply([1, 0, 0]), bad.apply(mounts[1].inv().apply([1, 0, 0]))])
    cal = imu.calibrate_static_pose(static, hints, 0, shared_heading=False)

    def flexion_rmse(c):
        seg = [imu.segment_orientations(e, ci) for e, ci in zip(est, c)]
        got = imu.hip_angles(seg[0], seg[1], "right")
        return np.degrees(np.sqrt(np.mean((got["flexion"][500:] - truth[500:, 0]) ** 2)))

    before = flexion_rmse(cal)
    shared = [np.stack([wxyz(Rotation.from_rotvec([0, 0, c.heading_offset]) * xyzw(e))]) [0] for e, c in zip(est, cal)]
    axis = imu.functional_axis(data[0]["gyr"][300:], data[1]["gyr"][300:], shared[0][300:], shared[1][300:],
                               hint=xyzw(cal[1].sensor_to_segment).apply([1, 0, 0]))
    np.testing.assert_allclose(axis, mounts[1].inv().apply([1, 0, 0]), atol=0.02)
    cal[1] = imu.refine_with_functional_axis(cal[1], axis, axis_is_flexion=False)
    after = flexion_rmse(cal)
    assert after < 1.0 < before, (before, after)
