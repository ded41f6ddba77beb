"""EMG features and fatigue against NumPy/SciPy computed live, and a fatigue trend on a known spectral shift."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import signal, stats

from kinemyo import emg


def test_window_features_match_numpy(rng):
    fs = 1000.0
    x = rng.standard_normal(500)
    th = emg.FeatureThresholds(zero_crossing=0.1, slope_sign_change=0.01, willison_amplitude=0.5)
    f = emg.window_features(x, fs=fs, thresholds=th)
    d = np.diff(x)
    assert f["mav"] == pytest.approx(np.mean(np.abs(x)), rel=1e-12)
    assert f["rms"] == pytest.approx(np.sqrt(np.mean(x**2)), rel=1e-12)
    assert f["wl"] == pytest.approx(np.sum(np.abs(d)), rel=1e-12)
    assert f["var"] == pytest.approx(np.sum(x**2) / (x.size - 1), rel=1e-12)
    assert f["iav"] == pytest.approx(np.sum(np.abs(x)), rel=1e-12)
    assert f["log_detector"] == pytest.approx(np.exp(np.mean(np.log(np.abs(x)))), rel=1e-12)
    assert f["zc"] == np.sum((x[:-1] * x[1:] < 0) & (np.abs(d) >= 0.1))
    assert f["wamp"] == np.sum(np.abs(d) >= 0.5)
    assert f["ssc"] == np.sum((x[1:-1] - x[:-2]) * (x[1:-1] - x[2:]) >= 0.01)
    freqs, p = signal.welch(x, fs, window="hann", nperseg=x.size, noverlap=0)
    assert f["mnf_hz"] == pytest.approx(np.sum(freqs * p) / np.sum(p), rel=1e-12)
    assert f["peak_frequency_hz"] == freqs[np.argmax(p)]
    assert f["mean_power"] == pytest.approx(np.mean(p), rel=1e-12)
    assert 0.0 < f["mdf_hz"] < fs / 2


def test_windowed_features_frame_and_fatigue_tracker(rng):
    fs = 1000.0
    x = rng.standard_normal((5000, 2))
    th = emg.FeatureThresholds(0.0, 0.0, 0.2)
    frame = emg.windowed_features(x, fs=fs, window_s=1.0, step_s=0.5, thresholds=th, channel_names=["ES_L", "ES_R"])
    assert len(frame) == 9 * 2 and list(frame.columns[:3]) == ["channel", "t_start_s", "t_end_s"]
    assert frame.channel.iloc[1] == "ES_R"
    tracker = emg.FatigueTracker(2, fs)
    t, mnf, mdf = tracker.process(x)
    assert mnf.shape == (9, 2)
    np.testing.assert_allclose(t[:, 0], 0.5 + 0.5 * np.arange(9))
    np.testing.assert_allclose(mnf[:, 1], frame.mnf_hz.to_numpy()[1::2], rtol=1e-12)
    np.testing.assert_allclose(mdf[:, 0], frame.mdf_hz.to_numpy()[0::2], rtol=1e-12)


def test_median_frequency_trend_of_a_known_spectral_shift(rng):
    # Noise low-passed with a cutoff sliding from 200 Hz to 100 Hz over 30 s: the median frequency falls.
    fs = 1000.0
    chunks = []
    for i, fc in enumerate(np.linspace(200.0, 100.0, 30)):
        sos = signal.butter(4, fc, fs=fs, output="sos")
        chunks.append(signal.sosfilt(sos, rng.standard_normal(1000)))
    x = np.concatenate(chunks)
    tracker = emg.FatigueTracker(1, fs)
    t, mnf, mdf = tracker.process(x)
    trend = emg.median_frequency_trend(t, mdf)[0]
    ref = stats.linregress(t[:, 0], mdf[:, 0])
    assert trend["slope"] == pytest.approx(ref.slope, rel=1e-10)
    assert trend["p_value"] == pytest.approx(ref.pvalue, rel=1e-6)
    assert trend["r"] == pytest.approx(ref.rvalue, rel=1e-10)
    assert trend["slope"] < -1.0 and trend["p_value"] < 1e-6
