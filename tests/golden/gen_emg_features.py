"""Golden vectors for kinemyo::emg::window_features, windowed_features, linear_trend and student_t_two_sided_p
(tests/data/golden/emg_features.txt).

Feature definitions: Phinyomark, Phukpattaranont & Limsakul, Expert Syst. Appl. 39:7420 (2012), written out here
with NumPy, with kinemyo's default FeatureOptions (log detector over the nonzero samples); the PSD is
scipy.signal.welch. Median frequency as documented in include/kinemyo/emg/features.hpp.

Cases:
  win_*:   x (N), fs, th (zc, ssc, wamp), feat (13 values in WindowFeatures order)
  batch_*: x (frames x channels), fs, window_s, step_s, th, rows (rows x 16: channel, t_start, t_end, 13 features)
  trend_*: t, y, res (slope, intercept, r, stderr, p) from scipy.stats.linregress
  tdist:   t, dof, p = 2 * scipy.stats.t.sf(|t|, dof)
"""

from __future__ import annotations

import numpy as np
from scipy import signal, stats

FEATURES = ["mav", "rms", "wl", "zc", "ssc", "wamp", "var", "iav", "log_detector", "mnf_hz", "mdf_hz",
            "peak_frequency_hz", "mean_power"]


def _median_frequency(f: np.ndarray, p: np.ndarray, fs: float, n: int) -> float:
    # Bin k covers [max(0, f_k - df/2), min(fs/2, f_k + df/2)] with its power spread uniformly; the median is where
    # the piecewise-linear cumulative power reaches half of the total (cumsum in bin order, total = its last value).
    df = 1.0 / (n * (1.0 / fs))
    cum = np.cumsum(p)
    half = 0.5 * cum[-1]
    k = int(np.argmax(cum >= half))
    below = cum[k - 1] if k > 0 else 0.0
    lo = max(0.0, k * df - 0.5 * df)
    hi = min(0.5 * fs, k * df + 0.5 * df)
    return lo + (half - below) / p[k] * (hi - lo)


def window_features(x: np.ndarray, fs: float, th: tuple[float, float, float]) -> list[float]:
    n = x.size
    ax = np.abs(x)
    d = x[1:] - x[:-1]
    iav = ax.sum()
    zc = np.count_nonzero((x[:-1] * x[1:] < 0) & (np.abs(d) >= th[0]))
    ssc = np.count_nonzero((x[1:-1] - x[:-2]) * (x[1:-1] - x[2:]) >= th[1])
    wamp = np.count_nonzero(np.abs(d) >= th[2])
    # Log detector, default form: geometric mean of the nonzero |x| (0 for an all-zero window).
    logd = np.exp(np.mean(np.log(ax[ax != 0]))) if np.any(ax != 0) else 0.0
    f, p = signal.welch(x, fs=fs, window="hann", nperseg=n, noverlap=0, nfft=n, detrend="constant",
                        return_onesided=True, scaling="density", average="mean")
    assert f.size == n // 2 + 1
    mnf = np.sum(f * p) / np.sum(p)
    mdf = _median_frequency(f, p, fs, n)
    peak = f[np.argmax(p)]
    return [iav / n, np.sqrt(np.mean(x * x)), np.abs(d).sum(), zc, ssc, wamp, np.sum(x * x) / (n - 1), iav, logd,
            mnf, mdf, peak, np.mean(p)]


def _emg_like(rng: np.random.Generator, n: int, fs: float) -> np.ndarray:
    # Band-limited noise with an amplitude modulation: a rough surface-EMG stand-in.
    b, a = signal.butter(2, [20.0 / (fs / 2), min(0.45, 300.0 / (fs / 2))], "bandpass")
    e = signal.lfilter(b, a, rng.standard_normal(n + 200))[200:]
    return e * (1.0 + 0.5 * np.sin(2 * np.pi * 1.3 * np.arange(n) / fs))


def _round_half_up(v: float) -> int:
    return int(np.floor(v + 0.5))


def generate(writer) -> None:
    rng = np.random.default_rng(20250214)

    # (name, N, fs, kind): several lengths, odd and even, including the smallest windows.
    windows = [("win_n2", 2, 1000.0, "normal"), ("win_n3", 3, 1000.0, "normal"), ("win_n7", 7, 500.0, "normal"),
               ("win_n64", 64, 1000.0, "emg"), ("win_n101", 101, 2000.0, "emg"), ("win_n128_zero", 128, 1024.0, "zero"),
               ("win_n255", 255, 1000.0, "emg"), ("win_n256", 256, 2048.0, "emg"), ("win_n400", 400, 1000.0, "tone")]
    for name, n, fs, kind in windows:
        if kind == "emg":
            x = _emg_like(rng, n, fs)
        elif kind == "tone":
            t = np.arange(n) / fs
            x = np.sin(2 * np.pi * 87.3 * t) + 0.3 * rng.standard_normal(n)
        else:
            x = rng.standard_normal(n)
        if kind == "zero":
            x[17] = 0.0  # the log detector skips the zero sample
        s = np.std(x) if n > 2 else 1.0
        th = (0.05 * s, 0.01 * s * s, 0.1 * s)
        feat = window_features(x, fs, th)
        writer.case(name, x=x, fs=fs, th=np.array(th), feat=np.array(feat, dtype=float))

    # Zero thresholds: every sign change, every non-strict turn, every step counts.
    x = rng.standard_normal(50)
    writer.case("win_zero_thresholds", x=x, fs=100.0, th=np.zeros(3),
                feat=np.array(window_features(x, 100.0, (0.0, 0.0, 0.0)), dtype=float))

    # Batch: (name, frames, channels, fs, window_s, step_s)
    for name, frames, channels, fs, window_s, step_s in [("batch_3ch", 600, 3, 1000.0, 0.125, 0.05),
                                                         ("batch_odd_window", 333, 2, 500.0, 0.101, 0.037),
                                                         ("batch_single_window", 64, 1, 256.0, 0.25, 1.0)]:
        x = np.stack([_emg_like(rng, frames, fs) * (1.0 + c) for c in range(channels)], axis=1)
        th = (0.02, 0.001, 0.05)
        w = _round_half_up(window_s * fs)
        step = _round_half_up(step_s * fs)
        rows = []
        for start in range(0, frames - w + 1, step):
            for c in range(channels):
                rows.append([c, start / fs, (start + w) / fs] + window_features(x[start:start + w, c], fs, th))
        writer.case(name, x=x, fs=fs, window_s=window_s, step_s=step_s, th=np.array(th),
                    rows=np.array(rows, dtype=float))

    # Linear trends, e.g. median frequency against time in a sustained contraction.
    for name, n, slope, noise in [("trend_n3", 3, -0.5, 0.3), ("trend_n5", 5, 2.0, 1.0), ("trend_n12", 12, -0.8, 3.0),
                                  ("trend_n60_flat", 60, 0.0, 1.0), ("trend_n200", 200, -0.15, 4.0),
                                  ("trend_n40_strong", 40, -1.2, 0.5)]:
        t = np.sort(rng.uniform(0.0, 60.0, n))
        y = 90.0 + slope * t + noise * rng.standard_normal(n)
        res = stats.linregress(t, y)
        writer.case(name, t=t, y=y,
                    res=np.array([res.slope, res.intercept, res.rvalue, res.stderr, res.pvalue], dtype=float))

    # Student t two-sided p-values over small, fractional and large degrees of freedom, centre to far tail.
    ts, dofs = [], []
    for dof in [1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 29.0, 100.0, 1000.0, 10000.0]:
        for t in [0.0, 1e-3, 0.3, -1.0, 2.0, -4.5, 10.0, 60.0]:
            ts.append(t)
            dofs.append(dof)
    ts, dofs = np.array(ts), np.array(dofs)
    writer.case("tdist", t=ts, dof=dofs, p=2.0 * stats.t.sf(np.abs(ts), dofs))
