"""Signal-quality ratios against SciPy's Welch spectrum, and on the real recordings."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import signal

from kinemyo import emg
from kinemyo.io import read_simple_text


def scipy_ratios(x, fs, mains=50.0, motion=20.0):
    f, p = signal.welch(x, fs, nperseg=int(fs))
    keep = f > 0
    f, p = f[keep], p[keep]
    band = (f >= 20) & (f <= min(450, fs / 2))
    near = band & (np.abs(f - np.round(f / mains) * mains) <= 1.0) & (np.round(f / mains) >= 1)
    return p[near].sum() / p[band].sum(), p[f < motion].sum() / p.sum()


def test_ratios_equal_scipy_welch(rng):
    fs = 2000.0
    t = np.arange(6000) / fs
    x = rng.standard_normal((6000, 2))
    x[:, 1] += 2 * np.sin(2 * np.pi * 60 * t) + 5 * np.sin(2 * np.pi * 3 * t)
    reports = emg.assess_quality(x, fs=fs, config=emg.QualityConfig(mains_hz=60.0))
    for c in range(2):
        mains, motion = scipy_ratios(x[:, c], fs, mains=60.0)
        assert reports[c]["mains_ratio"] == pytest.approx(mains, rel=1e-9)
        assert reports[c]["motion_ratio"] == pytest.approx(motion, rel=1e-9)
    assert reports[0]["ok"] and not reports[1]["ok"]
    assert reports[1]["mains"] and reports[1]["motion"]


def test_real_recording_blocks_are_clean_and_rails_detect_clipping(shared_data_dir):
    rec = read_simple_text(shared_data_dir / "biosppy" / "emg.txt")
    x = rec.data
    blocks = [emg.assess_quality(x[i : i + 5000], fs=rec.fs, config=emg.QualityConfig(adc_min=0, adc_max=4095))[0]
              for i in range(0, 100_000, 5000)]
    assert not any(b["clipping"] or b["flat"] for b in blocks)  # 12-bit data far from the rails
    squeezed = emg.assess_quality(x[50_000:55_000], fs=rec.fs, config=emg.QualityConfig(adc_min=2048, adc_max=2060))[0]
    assert squeezed["clipping"] and squeezed["clipped_fraction"] > 0.01


def test_ecg_contamination_flag_on_real_mixtures(shared_data_dir):
    ecg = read_simple_text(shared_data_dir / "biosppy" / "ecg.txt").data[:, 0]
    ecg = ecg - np.median(ecg)
    rec = read_simple_text(shared_data_dir / "biosppy" / "emg.txt")
    for start in (20_000, 50_000):
        clean = rec.data[start : start + ecg.size, 0]
        report = emg.assess_quality(clean, fs=1000.0)[0]
        assert not report["ecg"], report
        scale = np.sqrt(np.sum((clean - clean.mean()) ** 2) / np.sum(ecg**2) * 10 ** (-10 / 10))  # ECG at -10 dB
        mixed = emg.assess_quality(clean + scale * ecg, fs=1000.0)[0]
        assert mixed["ecg"] and mixed["ecg_beat_correlation"] > 0.3 and mixed["ecg_contamination_pct"] > 5, mixed
    short = emg.assess_quality(rec.data[:3000, 0], fs=1000.0)[0]  # < 5 s: not assessed
    assert np.isnan(short["ecg_contamination_pct"]) and not short["ecg"]
