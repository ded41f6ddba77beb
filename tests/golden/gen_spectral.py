"""Golden vectors for kinemyo::dsp::analytic_signal / hilbert_envelope and welch (tests/data/golden/spectral.txt).

Hilbert cases: fields x (frames x channels), re, im (the envelope is their modulus). Welch cases: x, fs, nperseg, noverlap, nfft,
detrend (constant|linear|none), scaling (density|spectrum), f, psd (frequencies x channels).
"""

from __future__ import annotations

import numpy as np
from scipy import signal


def _signal(rng: np.random.Generator, n: int, channels: int, fs: float) -> np.ndarray:
    # Noise plus a tone and a slow drift, so that detrending and windowing both matter.
    t = np.arange(n) / fs
    cols = []
    for c in range(channels):
        tone = (1.0 + c) * np.sin(2 * np.pi * (0.07 + 0.05 * c) * fs * t + 0.3 * c)
        drift = 0.5 * (c - 1) * t * fs / n + 0.2 * c
        cols.append(tone + drift + rng.standard_normal(n))
    return np.stack(cols, axis=1)


def generate(writer) -> None:
    rng = np.random.default_rng(20240611)

    for name, n, channels in [("hilbert_len1", 1, 1), ("hilbert_len2", 2, 1), ("hilbert_odd7", 7, 2),
                              ("hilbert_even256", 256, 1), ("hilbert_odd301", 301, 1),
                              ("hilbert_multi400x3", 400, 3), ("hilbert_prime997", 997, 1)]:
        x = _signal(rng, n, channels, 100.0)
        z = signal.hilbert(x, axis=0)
        writer.case(name, x=x, re=z.real, im=z.imag)

    # (name, n, channels, fs, nperseg, noverlap, nfft, detrend, scaling); None means the default.
    welch_cases = [
        ("welch_default", 1000, 1, 1000.0, 256, None, None, "constant", "density"),
        ("welch_multi3", 600, 3, 2000.0, 128, None, None, "constant", "density"),
        ("welch_overlap_nfft_odd", 777, 2, 148.0, 101, 30, 257, "constant", "density"),
        ("welch_no_detrend_spectrum", 900, 2, 500.0, 128, 100, None, "none", "spectrum"),
        ("welch_linear", 1000, 2, 1000.0, 200, 100, 512, "linear", "density"),
        ("welch_linear_spectrum_odd", 640, 1, 60.0, 63, 0, 63, "linear", "spectrum"),
        ("welch_full_length", 300, 1, 100.0, 300, None, None, "constant", "density"),
        ("welch_nperseg1", 50, 2, 10.0, 1, 0, None, "none", "density"),
        ("welch_nperseg3_nfft5", 41, 1, 10.0, 3, 1, 5, "linear", "spectrum"),
        ("welch_nperseg2_nfft5", 41, 1, 10.0, 2, 1, 5, "constant", "spectrum"),
    ]
    for name, n, channels, fs, nperseg, noverlap, nfft, detrend, scaling in welch_cases:
        x = _signal(rng, n, channels, fs)
        f, p = signal.welch(x, fs=fs, window="hann", nperseg=nperseg, noverlap=noverlap, nfft=nfft,
                            detrend=False if detrend == "none" else detrend, return_onesided=True,
                            scaling=scaling, axis=0, average="mean")
        writer.case(name, x=x, fs=fs, nperseg=nperseg,
                    noverlap=nperseg // 2 if noverlap is None else noverlap,
                    nfft=nperseg if nfft is None else nfft, detrend=detrend, scaling=scaling, f=f, psd=p)
