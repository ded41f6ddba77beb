"""Golden vectors for kinemyo::dsp filter design and filtering, computed with SciPy."""

from __future__ import annotations

import numpy as np
from scipy import signal

KINDS = ("lowpass", "highpass", "bandpass", "bandstop")


def random_cutoffs(rng: np.random.Generator, kind: str, fs: float) -> list[float]:
    nyq = fs / 2
    if kind in ("lowpass", "highpass"):
        return [float(rng.uniform(0.002, 0.98) * nyq)]
    lo, hi = sorted(rng.uniform(0.002, 0.98, size=2) * nyq)
    if hi - lo < 1e-3 * nyq:
        hi = min(lo + 0.05 * nyq, 0.99 * nyq)
    return [float(lo), float(hi)]


def butter(order: int, cut: list[float], kind: str, fs: float) -> np.ndarray:
    return signal.butter(order, cut[0] if len(cut) == 1 else cut, btype=kind, output="sos", fs=fs)


def generate(writer) -> None:
    rng = np.random.default_rng(20261124)
    # Butterworth design: every order 1-10, every kind, random cutoffs at several sampling rates, plus the
    # cutoffs the EMG and IMU pipelines use.
    n = 0
    for order in range(1, 11):
        for kind in KINDS:
            for fs in (100.0, 285.714, 1000.0, 2048.0):
                cut = random_cutoffs(rng, kind, fs)
                sos = butter(order, cut, kind, fs)
                writer.case(f"butter{n}", order=order, kind=kind, fs=fs, cutoffs=cut, sos=sos)
                n += 1
    fixed = [(4, [20.0, 450.0], "bandpass", 2000.0), (4, [20.0], "highpass", 1000.0), (2, [6.0], "lowpass", 2000.0),
             (4, [30.0], "highpass", 2000.0), (4, [450.0], "lowpass", 1000.0), (2, [49.0, 51.0], "bandstop", 1000.0),
             (10, [0.5, 499.0], "bandpass", 1000.0), (1, [1e-3], "lowpass", 1000.0)]
    for order, cut, kind, fs in fixed:
        sos = butter(order, cut, kind, fs)
        writer.case(f"butter{n}", order=order, kind=kind, fs=fs, cutoffs=cut, sos=sos)
        n += 1

    for i, (f0, q, fs) in enumerate([(50.0, 30.0, 1000.0), (60.0, 20.0, 2000.0), (150.0, 35.0, 2000.0),
                                     (1.0, 0.5, 10.0), (400.0, 2.0, 1000.0)]):
        b, a = signal.iirnotch(f0, q, fs=fs)
        writer.case(f"notch{i}", f0=f0, q=q, fs=fs, b=b, a=a)
        b, a = signal.iirpeak(f0, q, fs=fs)
        writer.case(f"peak{i}", f0=f0, q=q, fs=fs, b=b, a=a)

    # Filtering: steady-state initial conditions, causal filtering, zero-phase filtering, frequency response.
    x = rng.standard_normal((300, 3)) * np.array([1.0, 10.0, 0.01]) + np.array([0.0, 5.0, -1.0])
    writer.case("input", x=x)
    designs = [signal.butter(4, [20, 450], "bandpass", output="sos", fs=2000),
               signal.butter(3, 10, "lowpass", output="sos", fs=1000),
               signal.butter(5, 40, "highpass", output="sos", fs=1000),
               np.vstack([signal.tf2sos(*signal.iirnotch(50, 30, fs=1000)),
                          signal.butter(2, 6, output="sos", fs=1000)])]
    for i, sos in enumerate(designs):
        fs = 1000.0
        freqs = np.array([0.0, 1.0, 6.0, 50.0, 123.4, 499.0])
        _, h = signal.sosfreqz(sos, worN=freqs, fs=fs)
        # Group delay of a cascade is the sum over sections; per section keeps the (b, a) form well conditioned
        # (sos2tf of an 8th-order band-pass loses ~5 digits).
        gd_freqs = np.array([7.0, 60.0, 200.0])
        gd = sum(signal.group_delay((s[:3], s[3:]), w=gd_freqs, fs=fs)[1] for s in sos)
        writer.case(f"filter{i}", sos=sos, zi=signal.sosfilt_zi(sos), sosfilt=signal.sosfilt(sos, x, axis=0),
                    sosfiltfilt=signal.sosfiltfilt(sos, x, axis=0), freqs=freqs, h_real=h.real, h_imag=h.imag,
                    gd_freqs=gd_freqs, gd_seconds=gd / fs)

    # Moving windows against lfilter with a boxcar (zero initial state), TKEO against its definition.
    for w in (1, 2, 7, 100):
        box = np.ones(w) / w
        writer.case(f"window{w}", window=w, mean=signal.lfilter(box, 1.0, x, axis=0),
                    arv=signal.lfilter(box, 1.0, np.abs(x), axis=0),
                    rms=np.sqrt(signal.lfilter(box, 1.0, x * x, axis=0)))
    padded = np.vstack([np.zeros((1, 3)), x, np.zeros((1, 3))])
    writer.case("tkeo", tkeo=padded[1:-1] ** 2 - padded[:-2] * padded[2:])
