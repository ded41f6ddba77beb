"""kinemyo.emg.EnvelopePipeline against the same chains built from SciPy, computed live, and on real EMG."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import signal

from kinemyo import dsp, emg
from kinemyo.demo import bundled_emg_path
from kinemyo.io import read_simple_text

from ..conftest import rel_err


def scipy_prefilter(fs, hp, lp, order=4, notch=None):
    parts = [signal.butter(order, hp, "highpass", fs=fs, output="sos"),
             signal.butter(order, lp, "lowpass", fs=fs, output="sos")]
    for h in range(1, (notch[2] if notch else 0) + 1):
        parts.append(np.concatenate(signal.iirnotch(notch[0] * h, notch[1], fs=fs))[None, :])
    return np.vstack(parts)


@pytest.mark.parametrize("fs", [1000.0, 2000.0])
def test_default_limb_pipeline_equals_scipy_chain(fs, rng):
    x = rng.standard_normal((4000, 4)) * 50e-6 + 1e-3
    p = emg.EnvelopePipeline(fs, 4)
    pre = scipy_prefilter(fs, 20.0, min(450.0, 0.45 * fs))
    want = signal.sosfilt(signal.butter(2, 6.0, fs=fs, output="sos"), np.abs(signal.sosfilt(pre, x, axis=0)), axis=0)
    np.testing.assert_allclose(p.prefilter_sos(0), pre, rtol=1e-13, atol=1e-16)
    got = p.process(x)
    assert rel_err(got, want) <= 1e-10
    # With the pipeline's own coefficients (equal to SciPy's designs to ~1e-15), SciPy gives the very same bits.
    own = signal.sosfilt(p.envelope_sos(0), np.abs(signal.sosfilt(p.prefilter_sos(0), x, axis=0)), axis=0)
    np.testing.assert_array_equal(got, own)


def test_trunk_notch_rms_with_decimation_equals_scipy(rng):
    fs = 2000.0
    t = np.arange(6000) / fs
    x = rng.standard_normal((6000, 2)) + np.sin(2 * np.pi * 50 * t)[:, None]
    ch = emg.ChannelConfig(profile="trunk", notch=emg.NotchConfig(50.0, 30.0, 2), envelope="moving_rms", window_s=0.05)
    p = emg.EnvelopePipeline(fs, [ch, ch], output_rate_hz=100.0)
    y = signal.sosfilt(scipy_prefilter(fs, 30.0, 450.0, notch=(50.0, 30.0, 2)), x, axis=0)
    want = np.sqrt(signal.lfilter(np.ones(100) / 100, 1.0, y * y, axis=0))[19::20]
    got = np.concatenate([p.process(c) for c in np.array_split(x, 7)])
    assert got.shape == want.shape == (300, 2)
    assert rel_err(got, want) <= 1e-10
    assert p.decimation == 20 and p.output_rate_hz == 100.0


def test_chunk_invariance_float32_and_mixed_channels(rng):
    fs = 1000.0
    x = rng.standard_normal((5000, 3)).astype(np.float32)
    chans = [emg.ChannelConfig(name="glut_med_L"), emg.ChannelConfig(name="ES_L", profile="trunk"),
             emg.ChannelConfig(name="glut_med_R", envelope="moving_arv")]
    whole = emg.EnvelopePipeline(fs, chans).process(x)
    assert whole.dtype == np.float32
    p = emg.EnvelopePipeline(fs, chans)
    parts, i = [], 0
    while i < len(x):
        k = int(rng.integers(1, 500))
        parts.append(p.process(x[i : i + k]))
        i += k
    np.testing.assert_array_equal(np.concatenate(parts), whole)
    assert [c.name for c in p.channels] == ["glut_med_L", "ES_L", "glut_med_R"]


def test_step_response_of_default_envelope():
    # The 2nd-order 6 Hz Butterworth envelope: t50 ~ 38 ms and t90 ~ 70 ms at 1 kHz.
    fs = 1000.0
    p = emg.EnvelopePipeline(fs, 1)
    step = signal.sosfilt(p.envelope_sos(0), np.ones(1000))
    t50 = np.argmax(step >= 0.5) / fs
    t90 = np.argmax(step >= 0.9) / fs
    assert t50 == pytest.approx(0.038, abs=0.002)
    assert t90 == pytest.approx(0.070, abs=0.003)


def test_sampling_rate_invariance():
    # The same analogue signal (amplitude-modulated 80 Hz and 180 Hz tones) at 1 kHz and 2 kHz gives the same
    # envelope at common instants.
    def analogue(fs):
        t = np.arange(int(4 * fs)) / fs
        amp = 1.0 + 0.8 * np.sin(2 * np.pi * 0.7 * t)
        return (amp * (np.sin(2 * np.pi * 80 * t) + 0.5 * np.sin(2 * np.pi * 180 * t)))[:, None]

    e1 = emg.EnvelopePipeline(1000.0, 1).process(analogue(1000.0))[:, 0]
    e2 = emg.EnvelopePipeline(2000.0, 1).process(analogue(2000.0))[::2, 0]
    settled = slice(1000, None)
    assert np.max(np.abs(e1[settled] - e2[settled])) < 0.02 * np.max(e1[settled])


def test_offline_envelope_zero_phase_with_winter_correction(rng):
    fs = 2000.0
    x = rng.standard_normal((6000, 2))
    c4, c2 = emg.winter_correction(4), emg.winter_correction(2)
    assert c2 == pytest.approx(0.8022, abs=1e-4)
    pre = scipy_prefilter(fs, 20.0 * c4, min(450.0 / c4, 0.45 * fs))
    want = signal.sosfiltfilt(signal.butter(2, 6.0 / c2, fs=fs, output="sos"),
                              np.abs(signal.sosfiltfilt(pre, x, axis=0)), axis=0)
    assert rel_err(emg.offline_envelope(x, 2, fs=fs), want) < 1e-10
    # Two passes of the corrected 6 Hz design are -3 dB at 6 Hz.
    _, h = signal.sosfreqz(signal.butter(2, 6.0 / c2, fs=fs, output="sos"), worN=[6.0], fs=fs)
    assert 20 * np.log10(np.abs(h[0]) ** 2) == pytest.approx(-3.01, abs=0.01)


def test_latency_matches_measured_lag_on_real_emg():
    rec = read_simple_text(bundled_emg_path())
    fs = rec.fs
    p = emg.EnvelopePipeline(fs, 1)
    x = rec.data - rec.data[0]  # the ADC offset would otherwise start the causal filters with a transient
    skip = int(fs)  # and compare after the first second
    causal = p.process(x)[skip:, 0]
    offline = emg.offline_envelope(x, 1, fs=fs)[skip:, 0]
    a, b = causal - causal.mean(), offline - offline.mean()
    lags = np.arange(0, 200)
    lag = lags[np.argmax([np.dot(a[k:], b[: b.size - k]) for k in lags])] / fs * 1e3
    assert p.latency_ms(0) == pytest.approx(38.8, abs=1.0)
    assert abs(lag - p.latency_ms(0)) < 8.0, (lag, p.latency_ms(0))
    assert p.latency_ms(0) < 100.0  # the biofeedback budget


def test_responses_report_and_validation():
    fs = 2000.0
    ch = emg.ChannelConfig(name="ES_R", profile="trunk", notch=emg.NotchConfig(50.0, 30.0, 3))
    p = emg.EnvelopePipeline(fs, [ch], output_rate_hz=50.0)
    f = np.array([30.0, 50.0, 49.0, 51.0, 150.0, 200.0])
    h = np.abs(p.frequency_response(0, f))
    assert h[0] == pytest.approx(np.sqrt(0.5), rel=0.02)   # high-pass corner (notches barely touch 30 Hz)
    assert h[1] < 1e-6 and h[4] < 1e-6                       # notches at 50 and 150 Hz
    _, want = signal.sosfreqz(p.prefilter_sos(0), worN=f, fs=fs)
    np.testing.assert_allclose(h, np.abs(want), rtol=1e-10, atol=1e-11)
    report = json.loads(p.processing_report_json())
    rt = report["channels"][0]["real_time"]
    assert report["sampling_rate_hz"] == fs and report["output_rate_hz"] == 50.0
    assert rt["high_pass"]["cutoff_hz"] == 30.0 and rt["high_pass"]["order"] == 4
    assert rt["notch"]["frequencies_hz"] == [50.0, 100.0, 150.0]
    assert rt["envelope"]["cutoff_hz"] == 6.0
    assert rt["latency_ms"] == pytest.approx(p.latency_ms(0))
    assert report["channels"][0]["offline"]["envelope"]["design_cutoff_hz"] == pytest.approx(6.0 / 0.8022, rel=1e-3)
    assert "Butterworth high-pass 30 Hz" in p.processing_report()
    with pytest.raises(ValueError, match=r"channels\[0\].envelope_cutoff_hz"):
        emg.EnvelopePipeline(fs, [emg.ChannelConfig(envelope_cutoff_hz=1500.0)])
    with pytest.raises(ValueError, match="output_rate_hz"):
        emg.EnvelopePipeline(fs, 2, output_rate_hz=300.0)
    with pytest.raises(ValueError, match="profile"):
        emg.ChannelConfig(profile="arm")
    with pytest.raises(ValueError, match="x: expected shape"):
        emg.EnvelopePipeline(fs, 2).process(np.zeros((10, 3)))


def test_sosfilter_rectify_after_is_the_linear_envelope(rng):
    fs = 2000.0
    band = dsp.butterworth_sos(4, (20.0, 450.0), "bandpass", fs=fs)
    low = dsp.butterworth_sos(2, 6.0, "lowpass", fs=fs)
    x = rng.standard_normal((3000, 5))
    f = dsp.SosFilter(np.vstack([band, low]), 5, rectify_after=len(band) - 1)
    want = signal.sosfilt(low, np.abs(signal.sosfilt(band, x, axis=0)), axis=0)
    np.testing.assert_array_equal(f.process(x), want)
    assert f.rectify_after == 3
    with pytest.raises(ValueError, match="rectify_after"):
        dsp.SosFilter(band, 1, rectify_after=4)


def test_moving_rms_of_a_sine_is_amplitude_over_root_two():
    # A window of whole periods: RMS of A sin is exactly A / sqrt(2), whatever the phase.
    fs = 2000.0
    t = np.arange(8000) / fs
    x = (3.0 * np.sin(2 * np.pi * 100.0 * t + 0.3))[:, None]
    p = emg.EnvelopePipeline(fs, [emg.ChannelConfig(envelope="moving_rms", window_s=0.1, lowpass_hz=450.0)])
    env = p.process(x)[:, 0]
    # The band-pass passes 100 Hz with gain |H(100)|; after its transient the RMS is |H| * 3 / sqrt(2).
    gain = abs(p.frequency_response(0, [100.0])[0])
    np.testing.assert_allclose(env[2000:], gain * 3.0 / np.sqrt(2), rtol=1e-6)


def test_percent_of_reference_is_sampling_rate_invariant():
    # The same analogue rest + contraction at 1 and 2 kHz: calibrated envelopes agree in % of reference.
    def analogue(fs):
        t = np.arange(int(10 * fs)) / fs
        amp = np.where((t > 5) & (t < 7), 5.0, 1.0)
        return (amp * (np.sin(2 * np.pi * 90 * t) + 0.6 * np.sin(2 * np.pi * 210 * t + 1)))[:, None]

    out = {}
    for fs in (1000.0, 2000.0):
        env = emg.EnvelopePipeline(fs, 1).process(analogue(fs))
        cal = emg.Calibration(["m"])
        cal.set_rest(env[int(1 * fs) : int(4.5 * fs)], fs)
        cal.add_mvc_trial(env[int(5 * fs) : int(7 * fs)], fs)
        out[fs] = (cal.normalise(env)[:, 0], cal.channels[0])
    pct1, c1 = out[1000.0]
    pct2, c2 = out[2000.0]
    assert c1.reference == pytest.approx(c2.reference, rel=0.01)
    assert c1.rest_mean == pytest.approx(c2.rest_mean, rel=0.01)
    np.testing.assert_allclose(pct1[1000:], pct2[2000::2], atol=1.5)  # % points


@pytest.mark.parametrize("channels", [2**24 + 1, 2**100, np.uint64(2**64 - 1), 0, -5, np.int64(-1)])
def test_channel_count_bound_is_named(channels):
    # An integer channel count is bounded before anything is allocated, at 2^24 like every other count argument.
    want = r"^channels: must be at most 16777216, got " if channels > 0 else r"^channels: must be >= 1, got "
    with pytest.raises(ValueError, match=want + str(int(channels)) + "$"):
        emg.EnvelopePipeline(1000.0, channels)
    with pytest.raises(ValueError, match=want):
        emg.offline_envelope(np.zeros((100, 1)), channels, fs=1000.0)
