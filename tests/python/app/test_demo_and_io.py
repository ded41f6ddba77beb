"""The demo (README main job) and the recording reader, on the real BioSPPy recordings."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import signal

from kinemyo import dsp
from kinemyo.cli import main
from kinemyo.demo import bundled_emg_path
from kinemyo.io import read_simple_text


def test_bundled_recording_is_the_shared_biosppy_file(shared_data_dir):
    bundled = read_simple_text(bundled_emg_path())
    shared = read_simple_text(shared_data_dir / "biosppy" / "emg.txt")
    assert bundled.fs == shared.fs == 1000.0
    assert bundled.data.shape == (100_000, 1)
    np.testing.assert_array_equal(bundled.data, shared.data)
    assert bundled.labels == ["EMG"]


def test_reader_rejects_files_without_rate(tmp_path):
    p = tmp_path / "bad.txt"
    p.write_text("# Labels:= EMG\n1\n2\n")
    with pytest.raises(ValueError, match="Sampling Rate"):
        read_simple_text(p)
    p.write_text("# Sampling Rate (Hz):= 0\n1\n")
    with pytest.raises(ValueError, match="> 0"):
        read_simple_text(p)


def test_demo_writes_consistent_summary_and_plot(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path), ]) == 0
    assert "EMG demo" in capsys.readouterr().out
    assert (tmp_path / "report.html").is_file()  # the session report (tests/python/app/test_session.py)
    summary = json.loads((tmp_path / "realtime" / "summary.json").read_text())
    png = (tmp_path / "realtime" / "emg_demo.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 50_000

    rec = read_simple_text(bundled_emg_path())
    fs = rec.fs
    assert summary["recording"]["sampling_rate_hz"] == fs
    assert summary["recording"]["duration_s"] == pytest.approx(100.0)
    # The reported delay is the library's group delay, and the measured lag of the causal envelope behind the
    # zero-phase one agrees with it within 10 ms.
    lp = dsp.butterworth_sos(2, 6.0, "lowpass", fs=fs)
    predicted = 1e3 * dsp.sos_group_delay(lp, [0.0], fs=fs)[0]
    assert summary["latency"]["envelope_group_delay_at_dc_ms"] == pytest.approx(predicted)
    assert abs(summary["latency"]["measured_lag_vs_zero_phase_ms"] - predicted) < 10.0
    # The envelope statistics equal an independent SciPy computation of the same chain.
    x = rec.data[:, 0]
    band = np.vstack([signal.butter(4, 20.0, "highpass", fs=fs, output="sos"),
                      signal.butter(4, 450.0, "lowpass", fs=fs, output="sos")])
    zi = signal.sosfilt_zi(band) * x[0]
    filtered, _ = signal.sosfilt(band, x, zi=zi)
    envelope = signal.sosfilt(signal.butter(2, 6.0, fs=fs, output="sos"), np.abs(filtered))
    assert summary["envelope"]["peak"] == pytest.approx(envelope.max(), rel=1e-9)
    assert summary["envelope"]["median"] == pytest.approx(np.median(envelope), rel=1e-9)
    f, pxx = signal.welch(filtered, fs, nperseg=int(fs))
    band_mask = (f >= 20) & (f <= 450)
    mean_f = np.sum(f[band_mask] * pxx[band_mask]) / np.sum(pxx[band_mask])
    assert summary["spectrum"]["mean_frequency_hz"] == pytest.approx(mean_f, rel=1e-9)
    assert 20.0 < summary["spectrum"]["median_frequency_hz"] < 450.0
    assert summary["performance"]["real_time_factor"] > 1.0
