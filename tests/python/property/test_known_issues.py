"""Open findings of the property suite (issue 13, item 6) in code that was being changed by others when the suite
landed (python/src/emg.cpp, python/src/imu.cpp, src/emg/onsets.cpp, src/emg/envelope_pipeline.cpp). Each is a strict xfail: once fixed it XPASSes,
which fails the run, so the marker and the matching exclusion in the property test (labelled K1..K10) are removed
together."""

from __future__ import annotations

import numpy as np
import pytest

from kinemyo import emg, imu

xfail = pytest.mark.xfail(strict=True)


@xfail(raises=RuntimeError, reason="K1: channels other than a Python int or a ChannelConfig sequence (np.int64, "
                                   "text, float, None) are a bare RuntimeError ('Unable to cast ... to C++ type')")
@pytest.mark.parametrize("call", ["offline_envelope", "EnvelopePipeline"])
@pytest.mark.parametrize("channels", [np.int64(1), "abc", 1.0, None])
def test_k1_channels_names_channels(call, channels):
    x = np.zeros((1000, 1))
    with pytest.raises((TypeError, ValueError), match="channels"):
        if call == "offline_envelope":
            emg.offline_envelope(1000.0, channels, x)
        else:
            emg.EnvelopePipeline(1000.0, channels)


@xfail(reason="K3: non-finite rest samples are reported as 'x: non-finite value ...' (src/emg/onsets.cpp)")
@pytest.mark.parametrize("call", ["set_baseline", "detect_activations"])
def test_k3_nonfinite_rest_names_rest(call):
    rest = np.abs(np.random.default_rng(1).standard_normal((700, 1)))
    rest[10] = np.nan
    with pytest.raises(ValueError, match=r"^rest:"):
        if call == "set_baseline":
            emg.OnsetDetector(1, 200.0).set_baseline(rest)
        else:
            emg.detect_activations(np.ones((400, 1)), rest, 200.0)


@xfail(reason="K4: emg.symmetry_index reports its arguments as 'a' / 'b' instead of 'left' / 'right'")
def test_k4_symmetry_index_names_left():
    with pytest.raises(TypeError, match=r"^left:"):
        emg.symmetry_index(np.ones(10) + 1j, np.ones(10))


@xfail(reason="K5: n_channels = 2**63 gives 'cannot create std::vector larger than max_size()' or MemoryError")
@pytest.mark.parametrize("cls", ["EcgRemover", "OnsetDetector", "FatigueTracker"])
def test_k5_huge_channel_count_names_n_channels(cls):
    with pytest.raises(ValueError, match="n_channels"):
        getattr(emg, cls)(2**63, 1000.0)


@xfail(raises=RuntimeError, reason="K7: fs given as text is a bare RuntimeError from the imu binding")
@pytest.mark.parametrize("call", ["madgwick", "robust_orientation", "synthesize_imu"])
def test_k7_fs_text_names_fs(call):
    gyr = np.zeros((50, 3))
    acc = np.tile([0.0, 0.0, 9.81], (50, 1))
    with pytest.raises(TypeError, match="fs"):
        if call == "synthesize_imu":
            imu.synthesize_imu(np.tile([1.0, 0, 0, 0], (50, 1)), fs="100")
        else:
            getattr(imu, call)(gyr, acc, fs="100")


@xfail(reason="K8 (design question): a huge filter gain (Madgwick beta, Mahony kp = 1e300) is accepted and the "
               "output quaternions are NaN / not unit; needs a documented upper bound (or a finite-step guard)")
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


@xfail(reason="K9: inclination reports its argument 'segment' as 'quat'")
def test_k9_inclination_names_segment():
    with pytest.raises(TypeError, match=r"^segment:"):
        imu.inclination(np.ones((3, 4)) + 1j)


@xfail(reason="K10: earth_frame_rotation reports 'frame' instead of 'from_frame' / 'to_frame'")
def test_k10_earth_frame_rotation_names_the_argument():
    with pytest.raises(ValueError, match=r"^from_frame:"):
        imu.earth_frame_rotation("ENU", "ned")


@xfail(reason="K11: RobustFilterParams(tau_acc='10') is pybind11's setter TypeError, which does not name tau_acc")
def test_k11_robust_filter_params_name_the_field():
    with pytest.raises(TypeError, match="tau_acc"):
        imu.RobustFilterParams(tau_acc="10")


@xfail(reason="K12: hip_angles / lumbopelvic_angles name their arguments 'proximal' / 'distal'")
def test_k12_joint_angles_name_pelvis():
    q = np.tile([1.0, 0, 0, 0], (3, 1))
    with pytest.raises(TypeError, match=r"^pelvis:"):
        imu.hip_angles(q + 1j, q, "right")


@xfail(reason="K13: ChannelConfig(window_s=1e300) overflows into 'window_length: must be >= 1' (src/emg/envelope_pipeline.cpp)")
def test_k13_huge_window_names_window_s():
    with pytest.raises(ValueError, match="window_s"):
        emg.EnvelopePipeline(1000.0, [emg.ChannelConfig(envelope="moving_rms", window_s=1e300)])


@xfail(reason="K15 (design question): an fs so high that a cutoff rounds its pole onto z = 1 (fs = 1e300 with a 20 Hz "
               "high-pass) is refused as 'sos: section 0 has a pole at z = 1 (no steady state)', naming no argument "
               "of the call; refusing it in butterworth_sos would pre-empt the output_rate_hz check of "
               "test_hostile_input.py")
@pytest.mark.parametrize("call", ["offline_envelope", "lower_back_gait"])
def test_k15_extreme_fs_names_fs(call):
    from kinemyo import gait

    with pytest.raises(ValueError, match=r"^fs:"):
        if call == "offline_envelope":
            emg.offline_envelope(1e300, 1, np.random.default_rng(1).standard_normal((1000, 1)))
        else:
            gait.lower_back_gait(np.tile([9.81, 0.0, 0.0], (1500, 1)), None, 1e300)
