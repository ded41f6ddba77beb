"""Filter design against SciPy, computed live."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import signal

from kinemyo import dsp

KINDS = ["lowpass", "highpass", "bandpass", "bandstop"]


def scipy_butter(order, cutoff, kind, fs):
    return signal.butter(order, cutoff, btype=kind, output="sos", fs=fs)


@pytest.mark.parametrize("order,kind", list(itertools.product(range(1, 11), KINDS)))
def test_butterworth_matches_scipy_random_cutoffs(order, kind, rng):
    for fs in (50.0, 285.714, 1000.0, 2000.0, 44100.0):
        for _ in range(6):
            if kind in ("lowpass", "highpass"):
                cutoff = float(rng.uniform(0.001, 0.999) * fs / 2)
            else:
                lo, hi = np.sort(rng.uniform(0.001, 0.999, size=2) * fs / 2)
                if hi - lo < 1e-6 * fs:
                    continue
                cutoff = (float(lo), float(hi))
            got = dsp.butterworth_sos(order, cutoff, kind, fs=fs)
            want = scipy_butter(order, cutoff, kind, fs)
            np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-14, err_msg=f"{order} {kind} {cutoff} {fs}")


@pytest.mark.parametrize("f0,q,fs", [(50, 30, 1000), (60, 20, 2000), (100, 0.7, 1000), (3, 10, 100)])
def test_notch_and_peak_match_scipy(f0, q, fs):
    b, a = signal.iirnotch(f0, q, fs=fs)
    np.testing.assert_allclose(dsp.notch_sos(f0, q, fs=fs), np.concatenate([b, a])[None, :], rtol=1e-14, atol=1e-16)
    b, a = signal.iirpeak(f0, q, fs=fs)
    np.testing.assert_allclose(dsp.peak_sos(f0, q, fs=fs), np.concatenate([b, a])[None, :], rtol=1e-14, atol=1e-16)


def test_sosfilt_zi_frequency_response_and_group_delay():
    fs = 2000.0
    sos = dsp.butterworth_sos(4, (20, 450), "bandpass", fs=fs)
    np.testing.assert_allclose(dsp.sosfilt_zi(sos), signal.sosfilt_zi(sos), rtol=1e-11, atol=1e-15)
    f = np.array([0.0, 10.0, 20.0, 100.0, 450.0, 999.0])
    _, h = signal.sosfreqz(sos, worN=f, fs=fs)
    np.testing.assert_allclose(dsp.sos_frequency_response(sos, f, fs=fs), h, rtol=1e-10, atol=1e-13)
    f = np.array([30.0, 100.0, 300.0])
    want = sum(signal.group_delay((s[:3], s[3:]), w=f, fs=fs)[1] for s in sos) / fs
    np.testing.assert_allclose(dsp.sos_group_delay(sos, f, fs=fs), want, rtol=1e-9)


@pytest.mark.parametrize(
    "args,param",
    [
        ((0, 10.0, "lowpass", 100.0), "order"),
        ((2, 0.0, "lowpass", 100.0), "cutoffs_hz"),
        ((2, 50.0, "lowpass", 100.0), "cutoffs_hz"),
        ((2, 60.0, "highpass", 100.0), "cutoffs_hz"),
        ((2, (30.0, 20.0), "bandpass", 100.0), "cutoffs_hz"),
        ((2, 10.0, "bandpass", 100.0), "cutoffs_hz"),
        ((2, 10.0, "lowpass", -1.0), "fs"),
        ((2, 10.0, "low", 100.0), "kind"),
    ],
)
def test_invalid_design_arguments_name_the_parameter(args, param):
    with pytest.raises(ValueError, match=param):
        dsp.butterworth_sos(*args[:3], fs=args[3])


def test_bad_sos_shapes_are_rejected():
    with pytest.raises(ValueError, match="sos"):
        dsp.sosfilt(np.ones((2, 5)), np.ones(10))
    with pytest.raises(ValueError, match="a0"):
        dsp.sosfilt(np.array([[1.0, 0, 0, 2.0, 0, 0]]), np.ones(10))
    with pytest.raises(ValueError, match="group delay is undefined"):
        dsp.sos_group_delay(dsp.butterworth_sos(2, 10.0, "highpass", fs=100.0), [0.0], fs=100.0)
