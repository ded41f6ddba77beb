"""Onset/offset detection on the real BioSPPy recording emg_1.txt and against hand-made signals."""

from __future__ import annotations

import numpy as np
import pytest

from kinemyo import dsp, emg
from kinemyo.io import read_simple_text

# The four contractions of emg_1.txt, read off plots of the raw signal and its zero-phase envelope
# (onset, offset in s): the raw bursts start and stop within a few tens of ms of these.
EMG1_BURSTS = [(1.49, 1.83), (15.54, 16.93), (25.66, 25.85), (26.44, 26.64)]


@pytest.fixture(scope="module")
def emg1(shared_data_dir):
    rec = read_simple_text(shared_data_dir / "biosppy" / "emg_1.txt")
    return rec.fs, rec.data - rec.data.mean()


@pytest.mark.parametrize("method", ["threshold", "tkeo", "hodges_bui"])
def test_real_recording_contractions(emg1, method):
    fs, x = emg1
    if method == "threshold":
        signal = emg.offline_envelope(x, 1, fs=fs)  # the envelope domain
    else:
        band = np.vstack([dsp.butterworth_sos(4, 20.0, "highpass", fs=fs),
                          dsp.butterworth_sos(4, 450.0, "lowpass", fs=fs)])
        signal = dsp.sosfiltfilt(band, x)  # band-passed EMG
    rest = signal[int(5 * fs) : int(14 * fs)]  # a quiet stretch, 9 s
    config = emg.OnsetConfig(method=method, k_on=20.0, k_off=10.0, min_off_s=0.25)
    table = emg.detect_activations(signal, rest, fs=fs, config=config, channel_names=["EMG"])
    assert len(table) == 4
    np.testing.assert_allclose(table.onset_s, [b[0] for b in EMG1_BURSTS], atol=0.05)
    np.testing.assert_allclose(table.offset_s, [b[1] for b in EMG1_BURSTS], atol=0.06)
    frame = table.to_frame()
    assert list(frame.columns)[:4] == ["channel", "onset_s", "offset_s", "duration_s"]
    assert (frame.channel == "EMG").all() and frame.complete.all()


def test_streaming_matches_offline_on_the_same_envelope(emg1):
    fs, x = emg1
    env = emg.EnvelopePipeline(fs, 1).process(x)  # causal envelope, as live biofeedback sees it
    rest = env[int(5 * fs) : int(14 * fs)]
    config = emg.OnsetConfig(k_on=20.0, k_off=10.0, min_off_s=0.25)
    offline = emg.detect_activations(env, rest, fs=fs, config=config)
    det = emg.OnsetDetector(1, fs, config)
    det.set_baseline(rest)
    events = []
    for block in np.array_split(env, 640):  # ~100 ms blocks
        events += det.process(block)
    onsets = [e for e in events if e["kind"] == "onset"]
    offsets = [e for e in events if e["kind"] == "offset"]
    assert [e["sample"] for e in onsets] == list(offline.onset_sample)
    assert [e["sample"] for e in offsets] == list(offline.offset_sample)
    assert all(e["detection_delay_s"] == pytest.approx(0.024) for e in onsets)
    # The causal envelope lags the zero-phase one by its ~39 ms delay.
    assert np.all(np.abs(offline.onset_s - np.array([b[0] for b in EMG1_BURSTS]) - 0.04) < 0.05)
    assert det.baseline_mean[0] == pytest.approx(rest.mean(), rel=1e-12)
    assert det.baseline_sd[0] == pytest.approx(rest.std(ddof=1), rel=1e-12)


def test_tkeo_baseline_is_in_the_tkeo_domain(rng):
    fs = 1000.0
    rest = rng.standard_normal((4000, 1))
    det = emg.OnsetDetector(1, fs, emg.OnsetConfig(method="tkeo"))
    det.set_baseline(rest)
    # The detector's statistics are those of |TKEO| smoothed by its causal 50 Hz low-pass, after 0.5 s settling.
    tk = np.abs(dsp.teager_kaiser(rest[:, 0]))
    tk = np.concatenate([[0.0], tk[:-1]])  # the streaming operator lags by one sample
    smooth = dsp.sosfilt(dsp.butterworth_sos(2, 50.0, "lowpass", fs=fs), tk)[500:]
    assert det.baseline_mean[0] == pytest.approx(smooth.mean(), rel=1e-9)
    assert det.baseline_sd[0] == pytest.approx(smooth.std(ddof=1), rel=1e-9)
    with pytest.raises(ValueError, match="rest"):
        det.set_baseline(rest[:2000])
    with pytest.raises(ValueError, match="config.k_off"):
        emg.OnsetDetector(1, fs, emg.OnsetConfig(k_on=2.0, k_off=3.0))


def test_real_recording_emg_txt_contraction_periods(shared_data_dir):
    # emg.txt holds two sustained contractions, visible on its plots at about 36-41 s and 50-58 s; with a 2 Hz
    # envelope and a rest baseline from 20-30 s the detector finds exactly those two periods.
    rec = read_simple_text(shared_data_dir / "biosppy" / "emg.txt")
    fs = rec.fs
    env = emg.offline_envelope(rec.data - rec.data.mean(), [emg.ChannelConfig(envelope_cutoff_hz=2.0)], fs=fs)
    config = emg.OnsetConfig(k_on=5.0, k_off=4.0, min_on_s=0.5, min_off_s=1.0)
    table = emg.detect_activations(env, env[int(20 * fs) : int(30 * fs)], fs=fs, config=config)
    np.testing.assert_allclose(table.onset_s, [36.2, 49.9], atol=0.3)
    np.testing.assert_allclose(table.offset_s, [41.1, 58.0], atol=0.3)


def test_bonato_finds_the_contractions_and_weaker_activity(emg1):
    fs, x = emg1
    band = np.vstack([dsp.butterworth_sos(4, 20.0, "highpass", fs=fs), dsp.butterworth_sos(4, 450.0, "lowpass", fs=fs)])
    bp = dsp.sosfiltfilt(band, x)
    config = emg.OnsetConfig(method="bonato", min_on_s=0.03, min_off_s=0.03)
    table = emg.detect_activations(bp, bp[int(5 * fs) : int(14 * fs)], fs=fs, config=config)
    long = table.duration_s > 0.1
    # Bonato's test is more sensitive than an envelope threshold: every contraction starts at most 150 ms before
    # the envelope-threshold onset (it also finds the weak activity around 17-21 s and 35-41 s).
    for onset, offset in EMG1_BURSTS:
        hits = table.onset_s[long][(table.onset_s[long] <= onset + 0.05) & (table.offset_s[long] >= offset - 0.1)]
        assert hits.size == 1 and onset - hits[0] < 0.15, (onset, table.onset_s[long])


def test_bonato_streaming_equals_offline(emg1):
    fs, x = emg1
    band = np.vstack([dsp.butterworth_sos(4, 20.0, "highpass", fs=fs), dsp.butterworth_sos(4, 450.0, "lowpass", fs=fs)])
    bp = dsp.sosfilt(band, x)
    rest = bp[int(5 * fs) : int(14 * fs)]
    config = emg.OnsetConfig(method="bonato", min_on_s=0.05, min_off_s=0.1)
    offline = emg.detect_activations(bp, rest, fs=fs, config=config)
    det = emg.OnsetDetector(1, fs, config)
    det.set_baseline(rest)
    events = []
    for block in np.array_split(bp, 333):
        events += det.process(block)
    assert [e["sample"] for e in events if e["kind"] == "onset"] == list(offline.onset_sample)
    closed = offline.offset_sample[offline.complete]
    assert [e["sample"] for e in events if e["kind"] == "offset"] == list(closed)
    assert len(offline) >= 4


def test_baseline_statistics_instead_of_a_rest_recording(rng):
    # Two channels of envelope at 1 with ripple, a burst on channel 0; the baseline statistics given directly must
    # give the activations of a rest recording with those statistics (the detector's baseline is its mean and SD).
    fs = 1000.0
    t = np.arange(8000) / fs
    x = np.column_stack([1.0 + 0.05 * np.sin(2 * np.pi * 7 * t)] * 2)
    x[2000:2500, 0] += 2.0
    rest = x[3000:6500]
    baseline = (rest.mean(axis=0), rest.std(axis=0, ddof=1))
    cfg = emg.OnsetConfig()
    from_rest = emg.detect_activations(x, rest, fs=fs, config=cfg)
    from_stats = emg.detect_activations(x, fs=fs, config=cfg, baseline=baseline)
    assert len(from_rest) == 1 and from_rest.onset_sample[0] == 2000
    np.testing.assert_array_equal(from_stats.onset_sample, from_rest.onset_sample)
    np.testing.assert_array_equal(from_stats.offset_sample, from_rest.offset_sample)
    np.testing.assert_array_equal(from_stats.channel, from_rest.channel)
    wide = (baseline[0], 100.0 * baseline[1])  # thresholds far above the burst: the statistics are what counts
    assert len(emg.detect_activations(x, fs=fs, config=cfg, baseline=wide)) == 0
    # rest=None without a baseline estimates it from the recording (estimate_rest): the same as passing that estimate
    estimated = emg.detect_activations(x, fs=fs, config=cfg)
    passed = emg.detect_activations(x, fs=fs, config=cfg, baseline=emg.estimate_rest(x, fs=fs))
    np.testing.assert_array_equal(estimated.onset_sample, passed.onset_sample)
    np.testing.assert_array_equal(estimated.offset_sample, passed.offset_sample)


def test_baseline_statistics_are_checked_by_name():
    fs = 1000.0
    x = np.ones((4000, 2))
    cfg = emg.OnsetConfig()
    cases = [((x[:3000], ([1.0, 1.0], [0.1, 0.1])), "baseline"),  # both a rest and statistics
             ((None, ([1.0], [0.1, 0.1])), "baseline_mean"),
             ((None, ([1.0, 1.0], [0.1, 0.1, 0.1])), "baseline_sd"),
             ((None, ([1.0, np.nan], [0.1, 0.1])), "baseline_mean"),
             ((None, ([1.0, 1.0], [0.1, 0.0])), "baseline_sd"),
             ((None, ([1.0, 1.0], [-0.1, 0.1])), "baseline_sd"),
             ((None, ([1.0, 1.0], [np.inf, 0.1])), "baseline_sd")]
    for (rest, baseline), name in cases:
        with pytest.raises(ValueError, match=rf"^{name}:"):
            emg.detect_activations(x, rest, fs=fs, config=cfg, baseline=baseline)
    with pytest.raises(TypeError, match=r"^baseline:"):
        emg.detect_activations(x, fs=fs, config=cfg, baseline=np.ones(2))
    with pytest.raises(TypeError, match=r"^baseline_sd:"):
        emg.detect_activations(x, fs=fs, config=cfg, baseline=([1.0, 1.0], ["a", "b"]))
    for bad, kind in [(0.0, ValueError), (np.inf, ValueError), ("1000", TypeError)]:
        with pytest.raises(kind, match=r"^fs:"):
            emg.estimate_rest(x, fs=bad)
        with pytest.raises(kind, match=r"^window_s:"):
            emg.estimate_rest(x, fs=fs, window_s=bad)
