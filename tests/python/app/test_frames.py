"""pandas in and out: DataFrames matched by column name to channel / sensor names, results labelled with a time
index in seconds and unit-suffixed columns when the input was labelled, plain arrays unchanged otherwise."""

import numpy as np
import pandas as pd
import pytest
from scipy.spatial.transform import Rotation

from kinemyo import emg, imu

FS = 2000.0


@pytest.fixture(scope="module")
def emg_frame():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((6 * int(FS), 2)) * 1e-5
    x[int(3.5 * FS):int(4.5 * FS), 0] *= 40.0  # a burst in gmed only
    return pd.DataFrame(x, columns=["gmed", "es"])


def test_envelope_frame_is_matched_by_name_and_labelled(emg_frame):
    configs = [emg.ChannelConfig(name="es", profile="trunk"), emg.ChannelConfig(name="gmed")]
    env = emg.offline_envelope(emg_frame, configs, fs=FS)
    assert isinstance(env, pd.DataFrame)
    assert list(env.columns) == ["es_V", "gmed_V"] and env.index.name == "time_s"
    np.testing.assert_allclose(env.index.to_numpy(), np.arange(len(emg_frame)) / FS)
    # the same numbers as the array call with the columns put in the configs' order by hand
    plain = emg.offline_envelope(emg_frame[["es", "gmed"]].to_numpy(), configs, fs=FS)
    np.testing.assert_array_equal(env.to_numpy(), plain)
    assert isinstance(plain, np.ndarray)


def test_envelope_keeps_a_time_index_in_seconds(emg_frame):
    timed = emg_frame.set_axis(pd.to_timedelta(np.arange(len(emg_frame)) / FS + 10.0, unit="s"))
    env = emg.offline_envelope(timed, 2, fs=FS, unit="mV")
    assert list(env.columns) == ["gmed_mV", "es_mV"]
    assert env.index[0] == pytest.approx(10.0) and env.index.name == "time_s"


def test_mismatched_columns_name_both_lists(emg_frame):
    configs = [emg.ChannelConfig(name="gmed"), emg.ChannelConfig(name="multifidus")]
    with pytest.raises(ValueError, match=r"columns \['gmed', 'es'\] do not match the channel names "
                                         r"\['gmed', 'multifidus'\]"):
        emg.offline_envelope(emg_frame, configs, fs=FS)
    with pytest.raises(ValueError, match="do not match the channel names"):
        emg.detect_activations(emg_frame.abs(), fs=FS, channel_names=["es", "tfl"])


def test_detect_activations_takes_channel_names_from_columns(emg_frame):
    env = emg.offline_envelope(emg_frame, 2, fs=FS)
    table = emg.detect_activations(env, fs=FS)
    assert table.channel_names == ["gmed_V", "es_V"]
    assert set(table.to_frame()["channel"]) == {"gmed_V"}  # the burst is found in gmed, nowhere else
    # named channels reorder the columns: the same burst, now channel 1
    swapped = emg.detect_activations(env, fs=FS, channel_names=["es_V", "gmed_V"])
    assert set(swapped.channel) == {1} and swapped.channel_names == ["es_V", "gmed_V"]
    np.testing.assert_array_equal(swapped.onset_s, table.onset_s)


def test_rest_frame_is_matched_to_the_channels(emg_frame):
    env = emg.offline_envelope(emg_frame, 2, fs=FS)
    rest = env.iloc[: int(3 * FS)]
    a = emg.detect_activations(env, rest, fs=FS)
    b = emg.detect_activations(env, rest[["es_V", "gmed_V"]], fs=FS)  # other column order, same baseline
    np.testing.assert_array_equal(a.onset_s, b.onset_s)


def test_windowed_features_names_channels_from_columns(emg_frame):
    feats = emg.windowed_features(emg_frame, fs=FS, window_s=1.0, step_s=1.0,
                                  thresholds=emg.FeatureThresholds(1e-6, 1e-12, 1e-6))
    assert set(feats["channel"]) == {"gmed", "es"}


@pytest.fixture(scope="module")
def imu_frames():
    fs = 100.0
    t = np.arange(0, 20, 1 / fs)
    quat = Rotation.from_rotvec(np.c_[0.6 * np.sin(t), 0.2 * np.sin(0.5 * t), 0 * t]).as_quat()[:, [3, 0, 1, 2]]
    d = imu.synthesize_imu(quat, fs=fs)
    gyr = pd.DataFrame(d["gyr"], columns=["gyr_x", "gyr_y", "gyr_z"], index=pd.Index(t + 5.0, name="t"))
    acc = pd.DataFrame(d["acc"][:, [2, 0, 1]], columns=["acc_z", "acc_x", "acc_y"], index=gyr.index)
    return fs, d, gyr, acc


def test_orientation_from_frames_matches_axes_by_name(imu_frames):
    fs, d, gyr, acc = imu_frames
    est = imu.robust_orientation(gyr, acc, fs=fs)
    ref = imu.robust_orientation(d["gyr"], d["acc"], fs=fs)
    np.testing.assert_array_equal(est.quat_9d, ref.quat_9d)  # acc columns were reordered z, x, y -> x, y, z
    frame = est.to_frame()
    assert list(frame.columns) == ["q_w", "q_x", "q_y", "q_z"] and frame.index.name == "time_s"
    assert frame.index[0] == pytest.approx(5.0)  # the input's index in seconds
    np.testing.assert_allclose(ref.time_s, np.arange(len(ref)) / fs)


def test_sensor_frame_without_axis_names_is_an_error(imu_frames):
    fs, d, gyr, acc = imu_frames
    with pytest.raises(ValueError, match=r"acc: DataFrame columns \['a', 'b', 'c'\] do not name the axes x, y, z"):
        imu.robust_orientation(gyr, acc.set_axis(["a", "b", "c"], axis=1), fs=fs)


def test_madgwick_and_mahony_label_frames(imu_frames):
    fs, d, gyr, acc = imu_frames
    q = imu.madgwick(gyr, acc, fs=fs)
    assert list(q.columns) == ["q_w", "q_x", "q_y", "q_z"] and q.index.name == "time_s"
    q2, bias = imu.mahony(gyr, acc, fs=fs, ki=0.1)
    assert list(bias.columns) == ["bias_x_rad_s", "bias_y_rad_s", "bias_z_rad_s"]
    assert isinstance(imu.madgwick(d["gyr"], d["acc"], fs=fs), np.ndarray)


def test_joint_angles_from_quaternion_frames(imu_frames):
    fs, d, gyr, acc = imu_frames
    thigh = imu.robust_orientation(gyr, acc, fs=fs).to_frame()
    pelvis = thigh.copy()
    pelvis[["q_w", "q_x", "q_y", "q_z"]] = [1.0, 0.0, 0.0, 0.0]
    angles = imu.hip_angles(pelvis[["q_z", "q_y", "q_x", "q_w"]], thigh, "right")  # any column order
    assert list(angles.columns) == ["flexion_rad", "adduction_rad", "internal_rotation_rad"]
    assert angles.index.equals(thigh.index)
    plain = imu.hip_angles(pelvis.to_numpy(), thigh.to_numpy(), "right")
    np.testing.assert_array_equal(angles["flexion_rad"].to_numpy(), plain["flexion"])
    lumbar = imu.lumbopelvic_angles(pelvis, thigh)
    assert list(lumbar.columns) == ["flexion_rad", "lateral_bend_right_rad", "rotation_left_rad"]
    with pytest.raises(ValueError, match=r"thigh: DataFrame columns .* quaternion components"):
        imu.hip_angles(pelvis, thigh.rename(columns={"q_w": "w"}), "right")


def test_repetition_table_columns_carry_units():
    t = np.arange(0, 20, 0.01)
    reps = imu.repetitions(np.radians(30) * np.clip(np.sin(2 * np.pi * 0.25 * t), 0, None), np.radians(10))
    frame = reps.to_frame(fs=100.0)
    assert list(frame.columns) == ["start_sample", "peak_sample", "end_sample", "minimum_rad", "maximum_rad",
                                   "range_rad", "start_s", "peak_s", "end_s"]
    np.testing.assert_allclose(frame["peak_s"], reps.peak / 100.0)
    assert "range_deg" in reps.to_frame(unit="deg").columns
