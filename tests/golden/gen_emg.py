"""Golden vectors for kinemyo::emg::EnvelopePipeline: the same chains built from SciPy functions."""

from __future__ import annotations

import numpy as np
from scipy import signal


def prefilter(fs, hp, lp, order=4, notch=None):
    parts = [signal.butter(order, hp, "highpass", fs=fs, output="sos"),
             signal.butter(order, lp, "lowpass", fs=fs, output="sos")]
    if notch:
        f0, q, harmonics = notch
        for h in range(1, harmonics + 1):
            b, a = signal.iirnotch(f0 * h, q, fs=fs)
            parts.append(np.concatenate([b, a])[None, :])
    return np.vstack(parts)


def moving(x, w, kind):
    box = np.ones(w) / w
    if kind == "rms":
        return np.sqrt(signal.lfilter(box, 1.0, x * x, axis=0))
    return signal.lfilter(box, 1.0, np.abs(x), axis=0)


def generate(writer) -> None:
    rng = np.random.default_rng(3)
    fs = 2000.0
    n = 1000
    # Bursts of "EMG" (noise with an amplitude envelope) plus DC offset and mains hum on 4 channels.
    t = np.arange(n) / fs
    amp = 0.2 + np.clip(np.sin(2 * np.pi * 1.3 * t), 0, None)[:, None] * np.array([1.0, 0.5, 2.0, 0.1])
    x = rng.standard_normal((n, 4)) * amp + 0.3 + 0.2 * np.sin(2 * np.pi * 50 * t)[:, None]
    writer.case("input", fs=fs, x=x)

    # 1. default limb profile, linear envelope (2nd-order 6 Hz)
    y = signal.sosfilt(prefilter(fs, 20.0, 450.0), x, axis=0)
    env = signal.sosfilt(signal.butter(2, 6.0, fs=fs, output="sos"), np.abs(y), axis=0)
    writer.case("limb_lowpass", envelope=env)
    # 2. trunk profile (30 Hz), 50 Hz notch with 3 harmonics, Q 30, moving RMS 100 ms, output at 100 Hz
    y = signal.sosfilt(prefilter(fs, 30.0, 450.0, notch=(50.0, 30.0, 3)), x, axis=0)
    env = moving(y, 200, "rms")
    writer.case("trunk_notch_rms_decimated", envelope=env[19::20])
    # 3. limb, moving ARV 50 ms, custom band 10-400 Hz order 2
    y = signal.sosfilt(prefilter(fs, 10.0, 400.0, order=2), x, axis=0)
    writer.case("limb_arv", envelope=moving(y, 100, "arv"))
    # 4. offline: zero-phase, Winter-corrected design cutoffs (C = (sqrt(2) - 1) ** (1 / (2 n)))
    c4 = (np.sqrt(2) - 1) ** (1 / 8)
    c2 = (np.sqrt(2) - 1) ** (1 / 4)
    pre = prefilter(fs, 20.0 * c4, min(450.0 / c4, 0.45 * fs))
    y = signal.sosfiltfilt(pre, x, axis=0)
    env = signal.sosfiltfilt(signal.butter(2, 6.0 / c2, fs=fs, output="sos"), np.abs(y), axis=0)
    writer.case("offline_limb_lowpass", envelope=env, winter_c2=c2, winter_c4=c4)
