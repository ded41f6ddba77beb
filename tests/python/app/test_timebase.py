"""Session clock: timestamps onto a uniform grid (checked against the analytic signal), rate and order checks
with the field named, gaps reported, shared spans, and quaternion interpolation against SciPy's slerp."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial.transform import Rotation, Slerp

from kinemyo.timebase import TimeBase, common_grid, regularize, resample, resample_quaternions


def test_jittered_timestamps_are_resampled_onto_the_fs_grid(rng):
    fs, n = 200.0, 4000
    t = 12.5 + np.arange(n) / fs + rng.uniform(-0.2, 0.2, n) / fs  # device clock with +-20 % sample jitter
    x = np.column_stack([np.sin(2 * np.pi * 1.3 * t), np.cos(2 * np.pi * 0.7 * t)])
    y, base, gaps = regularize(t, x, fs=fs, where="imu[0].time_column")
    assert base.start_s == t[0] and base.fs == fs and gaps == []
    g = base.times()
    assert g[-1] <= t[-1] + 1e-12 and base.n in (n - 1, n)
    want = np.column_stack([np.sin(2 * np.pi * 1.3 * g), np.cos(2 * np.pi * 0.7 * g)])
    np.testing.assert_allclose(y, want, atol=2e-3)  # linear interpolation error of a 1.3 Hz sine at 200 Hz


def test_uniform_timestamps_keep_the_samples_bit_for_bit(rng):
    x = rng.standard_normal((1000, 2))
    y, base, _ = regularize(3.0 + np.arange(1000) / 1000.0, x, fs=1000.0)
    assert base == TimeBase(3.0, 1000.0, 1000)
    np.testing.assert_array_equal(y, x)


def test_dropped_samples_are_bridged_and_reported():
    fs = 100.0
    t = np.arange(500) / fs
    t = np.delete(t, np.arange(200, 230))  # 0.3 s dropout
    y, base, gaps = regularize(t, 2.0 * t, fs=fs)
    assert base.n == 500 and gaps == [(pytest.approx(1.99), pytest.approx(2.30))]
    np.testing.assert_allclose(y[:, 0], 2.0 * base.times(), atol=1e-12)  # a ramp is bridged exactly


def test_timestamp_errors_name_the_field():
    t = np.arange(100) / 500.0
    with pytest.raises(ValueError, match=r"^emg\[1\]\.time_column: the timestamps imply 500 Hz but fs is 1000 Hz"):
        regularize(t, np.zeros(100), fs=1000.0, where="emg[1].time_column")
    with pytest.raises(ValueError, match=r"^x: timestamps must increase strictly \(sample 5"):
        regularize(np.r_[t[:5], t[3:]], np.zeros(102), fs=500.0, where="x")
    with pytest.raises(ValueError, match=r"^x: non-finite timestamp at sample 7"):
        regularize(np.where(np.arange(100) == 7, np.nan, t), np.zeros(100), fs=500.0, where="x")
    with pytest.raises(ValueError, match="one timestamp per sample"):
        regularize(t, np.zeros(99), fs=500.0, where="x")


def test_common_grid_is_the_shared_span_and_resample_marks_the_rest_nan():
    a, b = TimeBase(0.0, 100.0, 1001), TimeBase(2.5, 40.0, 201)  # 0-10 s and 2.5-7.5 s
    g = common_grid([a, b])
    assert (g.start_s, g.fs) == (2.5, 100.0) and g.stop_s == pytest.approx(7.5)
    x = np.sin(a.times())
    np.testing.assert_allclose(resample(x, a, g), np.sin(g.times()), atol=3e-5)
    out = resample(np.ones(201), b, TimeBase(0.0, 10.0, 101))
    assert np.isnan(out[:25]).all() and np.isnan(out[76:]).all() and (out[25:76] == 1.0).all()
    with pytest.raises(ValueError, match="^feet: the recordings do not overlap"):
        common_grid([a, TimeBase(20.0, 100.0, 10)], where="feet")


def test_quaternions_match_scipy_slerp_and_ignore_sign_flips(rng):
    fs = 50.0
    base = TimeBase(1.0, fs, 500)
    rot = Rotation.from_rotvec(np.cumsum(rng.normal(0, 0.05, (500, 3)), axis=0))  # ~0.09 rad per step
    q = rot.as_quat()[:, [3, 0, 1, 2]]
    q[::3] *= -1  # the same rotations, signs flipped
    target = TimeBase(1.013, 173.0, 1700)
    got = resample_quaternions(q, base, target)
    want = Slerp(base.times(), rot)(target.times())
    err = (Rotation.from_quat(got[:, [1, 2, 3, 0]]) * want.inv()).magnitude()
    assert err.max() < 1e-4
