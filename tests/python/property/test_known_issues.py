"""Regression tests for the findings K1..K15 of the property suite (issue 13, item 6), all fixed."""

from __future__ import annotations

import numpy as np
import pytest

from kinemyo import emg, imu

@pytest.mark.parametrize("call", ["offline_envelope", "EnvelopePipeline"])
@pytest.mark.parametrize("channels", [np.int64(1), "abc", 1.0, None, 2**63, True])
def test_k1_channels_names_channels(call, channels):
    x = np.zeros((1000, 1))

    def run():
        return emg.offline_envelope(x, channels, fs=1000.0) if call == "offline_envelope" else \
            emg.EnvelopePipeline(1000.0, channels)

    if isinstance(channels, np.integer):  # any integer type is a channel count
        run()
        return
    with pytest.raises((TypeError, ValueError), match="^channels: "):
        run()


@pytest.mark.parametrize("call", ["set_baseline", "detect_activations"])
def test_k3_nonfinite_rest_names_rest(call):
    rest = np.abs(np.random.default_rng(1).standard_normal((700, 1)))
    rest[10] = np.nan
    with pytest.raises(ValueError, match=r"^rest:"):
        if call == "set_baseline":
            emg.OnsetDetector(1, 200.0).set_baseline(rest)
        else:
            emg.detect_activations(np.ones((400, 1)), rest, fs=200.0)


def test_k4_symmetry_index_names_left():
    with pytest.raises(TypeError, match=r"^left:"):
        emg.symmetry_index(np.ones(10) + 1j, np.ones(10))


@pytest.mark.parametrize("cls", ["EcgRemover", "OnsetDetector", "FatigueTracker"])
def test_k5_huge_channel_count_names_n_channels(cls):
    with pytest.raises(ValueError, match="n_channels"):
        getattr(emg, cls)(2**63, 1000.0)


@pytest.mark.parametrize("call", ["madgwick", "robust_orientation", "synthesize_imu"])
def test_k7_fs_text_names_fs(call):
    gyr = np.zeros((50, 3))
    acc = np.tile([0.0, 0.0, 9.81], (50, 1))
    with pytest.raises(TypeError, match="fs"):
        if call == "synthesize_imu":
            imu.synthesize_imu(np.tile([1.0, 0, 0, 0], (50, 1)), fs="100")
        else:
            getattr(imu, call)(gyr, acc, fs="100")


@pytest.mark.parametrize("gain", ["beta", "kp"])
def test_k8_huge_filter_gain_is_refused_or_finite(gain):
    gyr = np.zeros((50, 3))
    acc = np.tile([0.0, 1.0, 9.81], (50, 1))
    try:
        q = imu.madgwick(gyr, acc, fs=100.0, beta=1e300) if gain == "beta" else imu.mahony(gyr, acc, fs=100.0, kp=1e300)[0]
    except ValueError as e:
        assert gain in str(e)
    else:
        assert np.all(np.isfinite(q)) and np.allclose(np.linalg.norm(q, axis=1), 1.0)


def test_k9_inclination_names_segment():
    with pytest.raises(TypeError, match=r"^segment:"):
        imu.inclination(np.ones((3, 4)) + 1j)


def test_k10_earth_frame_rotation_names_the_argument():
    with pytest.raises(ValueError, match=r"^from_frame:"):
        imu.earth_frame_rotation("ENU", "ned")


def test_k11_robust_filter_params_name_the_field():
    with pytest.raises(TypeError, match="tau_acc"):
        imu.RobustFilterParams(tau_acc="10")


def test_k12_joint_angles_name_pelvis():
    q = np.tile([1.0, 0, 0, 0], (3, 1))
    with pytest.raises(TypeError, match=r"^pelvis:"):
        imu.hip_angles(q + 1j, q, "right")


def test_k13_huge_window_names_window_s():
    with pytest.raises(ValueError, match="window_s"):
        emg.EnvelopePipeline(1000.0, [emg.ChannelConfig(envelope="moving_rms", window_s=1e300)])


@pytest.mark.parametrize("call", ["offline_envelope", "lower_back_gait"])
def test_k15_extreme_fs_is_explained(call):
    # A 20 Hz cutoff at fs = 1e300 was refused as "sos: section 0 has a pole at z = 1", naming no argument of the
    # call; now the filter design says which cutoff and fs are incompatible.
    from kinemyo import gait

    with pytest.raises(ValueError, match=r"at least 1e-09 \* fs = 1e\+291"):
        if call == "offline_envelope":
            emg.offline_envelope(np.random.default_rng(1).standard_normal((1000, 1)), 1, fs=1e300)
        else:
            gait.lower_back_gait(np.tile([9.81, 0.0, 0.0], (1500, 1)), None, fs=1e300)
