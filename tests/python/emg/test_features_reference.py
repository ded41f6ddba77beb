"""EMG feature definitions against LibEMG's MATLAB reference values and against NumPy/SciPy computed live.

tests/data/libemg (MIT, LibEMG; see its README) holds a Myo recording and the MATLAB reference of each feature on
200-sample windows every 25 samples, rounded to 5 significant digits. Every feature kinemyo shares with it is
compared with the options that reproduce the reference's definitions. The tolerance is the rounding itself: a value
stored to 5 significant digits is within half a unit of its 5th digit of the exact one, i.e.
|exact - stored| <= 0.5 * 10**(floor(log10|stored|) - 4) (a relative error of at most 5e-5), plus 1e-9 of that
bound for the double-precision arithmetic on either side.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy import linalg, signal, stats

from kinemyo import emg

DATA = Path(__file__).resolve().parents[2] / "data" / "libemg"
WINDOW, STEP, N_CH = 200, 25, 8
# The reference's spectra assume fs = 1000 Hz and put bin k of its 256-point FFT at linspace(0, 500, 128)[k] =
# k * 500 / 127 Hz; kinemyo's bins are k * fs / nfft, so fs = 1000 * 128 / 127 gives the same axis.
FS_REFERENCE_AXIS = 1000.0 * 128.0 / 127.0
LIBEMG_OPTIONS = dict(log_detector="offset_one", var_ddof=0.0, window="rectangular", remove_mean=False, nfft=256,
                      spectrum="first_half_power", median_frequency="first_bin")
# LibEMG counts ZC as strict sign changes, SSC with (.) >= 0 and WAMP with |dx| > 2e-3; on integer data these are
# kinemyo's zc with threshold 0, ssc with 0 and wamp (>=) with 2e-3.
LIBEMG_THRESHOLDS = dict(zero_crossing=0.0, slope_sign_change=0.0, willison_amplitude=2e-3)
# kinemyo column -> reference file
SHARED = {"mav": "MAV", "rms": "RMS", "wl": "WL", "zc": "ZC", "ssc": "SSC", "wamp": "WAMP", "var": "VAR",
          "iav": "IAV", "log_detector": "LD", "mnf_hz": "MNF", "mdf_hz": "MDF", "mean_power": "MNP", "dasdv": "DASDV",
          "mfl": "MFL", "msr": "MSR", "ls": "LS", "skewness": "SKEW", "kurtosis": "KURT"}
COUNTS = {"zc", "ssc", "wamp"}


def _reference(name: str) -> np.ndarray:
    return np.loadtxt(DATA / f"matlab_{name}.csv", delimiter=",")


def _recording() -> np.ndarray:
    return np.loadtxt(DATA / "emg_data_myo.csv", delimiter=",")


def _within_rounding(ours: np.ndarray, ref: np.ndarray) -> tuple[bool, float]:
    """Whether ours matches the 5-significant-digit ref within its rounding; and the max relative error."""
    ours, ref = np.asarray(ours, float), np.asarray(ref, float)
    half_unit = 0.5 * 10.0 ** (np.floor(np.log10(np.abs(ref))) - 4)
    ok = np.all(np.abs(ours - ref) <= half_unit * (1.0 + 1e-9))
    return bool(ok), float(np.max(np.abs(ours - ref) / np.abs(ref)))


@pytest.fixture(scope="module")
def libemg_frame():
    x = _recording()
    fs = FS_REFERENCE_AXIS
    frame = emg.windowed_features(x, fs=fs, window_s=WINDOW / fs, step_s=STEP / fs,
                                  thresholds=emg.FeatureThresholds(**LIBEMG_THRESHOLDS),
                                  options=emg.FeatureOptions(**LIBEMG_OPTIONS))
    assert len(frame) == 13 * N_CH
    return frame


@pytest.mark.parametrize("column", sorted(SHARED))
def test_feature_matches_libemg_matlab_reference(libemg_frame, column):
    ref = _reference(SHARED[column])
    ours = libemg_frame[column].to_numpy().reshape(13, N_CH)  # rows: windows, channels in order
    if column in COUNTS:
        np.testing.assert_array_equal(ours, ref)
        return
    ok, worst = _within_rounding(ours, ref)
    assert ok, f"{column}: max relative error {worst:.3g} exceeds the 5-significant-digit rounding"


def test_ar_matches_libemg_matlab_reference():
    x = _recording()
    ref = _reference("AR").reshape(13, N_CH, 4)  # per window: channel 0 a1..a4, channel 1 a1..a4, ...
    ours = emg.windowed_ar_coefficients(x, fs=1000.0, window_s=WINDOW / 1000.0, step_s=STEP / 1000.0, order=4)
    assert ours.shape == (13, N_CH, 4)
    ok, worst = _within_rounding(ours, ref)
    assert ok, f"AR: max relative error {worst:.3g}"


def test_sample_entropy_matches_libemg_matlab_reference():
    x = _recording()
    ours = emg.windowed_sample_entropy(x, fs=1000.0, window_s=WINDOW / 1000.0, step_s=STEP / 1000.0, dimension=2,
                                       tolerance=0.3, count="libemg")
    ok, worst = _within_rounding(ours, _reference("SAMPEN"))
    assert ok, f"SAMPEN: max relative error {worst:.3g}"
    # Richman & Moorman's count (the default) is a different estimator: close, not equal.
    rm = emg.windowed_sample_entropy(x, fs=1000.0, window_s=WINDOW / 1000.0, step_s=STEP / 1000.0, dimension=2,
                                     tolerance=0.3)
    assert 1e-3 < np.max(np.abs(rm - ours) / np.abs(ours)) < 0.1


def test_reference_needs_its_options(libemg_frame):
    # With kinemyo's defaults the definitions differ (this is why the options exist): LD, VAR and the spectra.
    x = _recording()
    fs = FS_REFERENCE_AXIS
    default = emg.windowed_features(x, fs=fs, window_s=WINDOW / fs, step_s=STEP / fs,
                                    thresholds=emg.FeatureThresholds(**LIBEMG_THRESHOLDS))
    for column in ("log_detector", "var", "mnf_hz", "mean_power"):
        assert not _within_rounding(default[column].to_numpy().reshape(13, N_CH), _reference(SHARED[column]))[0]
    # ... while the other features do not depend on the options.
    for column in ("mav", "rms", "dasdv", "ls", "skewness", "kurtosis", "msr", "mfl"):
        np.testing.assert_array_equal(default[column].to_numpy(), libemg_frame[column].to_numpy())


# ------------------------------------------------------------------------------------------------------------------
# Independent computations (NumPy/SciPy) on random and integer data.

def _windows(rng):
    yield rng.standard_normal(257)
    yield 3.0 + rng.standard_normal(64) * 0.1  # large offset: the moments must not cancel
    yield np.round(rng.standard_normal(300) * 4.0)  # integer ADC-like data with zeros
    yield rng.laplace(size=101) * 1e-4  # volts


def _th():
    return emg.FeatureThresholds(0.0, 0.0, 0.0)


def test_time_domain_features_match_numpy(rng):
    for x in _windows(rng):
        f = emg.window_features(x, fs=1000.0, thresholds=_th())
        d = np.diff(x)
        assert f["dasdv"] == pytest.approx(np.sqrt(np.mean(d**2)), rel=1e-13)
        assert f["mfl"] == pytest.approx(np.log10(np.sum(np.abs(d))), rel=1e-13)
        assert f["msr"] == pytest.approx(np.abs(np.mean(np.sqrt(x.astype(complex)))), rel=1e-13)
        # L-scale from its pairwise form l2 = sum_{i<j} |x_i - x_j| / (n (n - 1)), independent of the sorting.
        n = x.size
        pairwise = np.sum(np.abs(x[:, None] - x[None, :])) / 2.0 / (n * (n - 1))
        assert f["ls"] == pytest.approx(pairwise, rel=1e-12)
        assert f["skewness"] == pytest.approx(stats.skew(x, bias=True), rel=1e-10, abs=1e-13)
        assert f["kurtosis"] == pytest.approx(stats.kurtosis(x, fisher=False, bias=True), rel=1e-11)


def test_constant_window_moments_are_nan():
    f = emg.window_features(np.full(16, 2.5), fs=100.0, thresholds=_th())
    assert np.isnan(f["skewness"]) and np.isnan(f["kurtosis"]) and f["mfl"] == -np.inf
    assert f["ls"] == pytest.approx(0.0, abs=1e-15) and f["dasdv"] == 0.0


def test_log_detector_forms_and_var_ddof(rng):
    x = np.round(rng.standard_normal(200) * 3.0)
    assert np.any(x == 0)
    th = _th()
    nz = np.abs(x[x != 0])
    assert emg.window_features(x, fs=1.0, thresholds=th)["log_detector"] == pytest.approx(np.exp(np.mean(np.log(nz))),
                                                                                       rel=1e-13)
    f = emg.window_features(x, fs=1.0, thresholds=th,
                            options=emg.FeatureOptions(log_detector="offset_one", var_ddof=0.0))
    assert f["log_detector"] == pytest.approx(np.exp(np.mean(np.log(np.abs(x) + 1.0))), rel=1e-13)
    assert f["var"] == pytest.approx(np.mean(x**2), rel=1e-13)
    assert emg.window_features(x, fs=1.0, thresholds=th,
                               options=emg.FeatureOptions(log_detector="strict"))["log_detector"] == 0.0
    assert emg.window_features(x, fs=1.0, thresholds=th,
                               options=emg.FeatureOptions(var_ddof=1.5))["var"] == pytest.approx(
        np.sum(x**2) / (x.size - 1.5), rel=1e-13)
    # Without zeros the default equals the paper's definition; an all-zero window gives 0.
    y = rng.standard_normal(50)
    assert emg.window_features(y, fs=1.0, thresholds=th)["log_detector"] == pytest.approx(
        np.exp(np.mean(np.log(np.abs(y)))), rel=1e-13)
    assert emg.window_features(np.zeros(8), fs=1.0, thresholds=th)["log_detector"] == 0.0
    # Scale equivariance of the default (the reason it is the default).
    assert emg.window_features(7.0 * x, fs=1.0, thresholds=th)["log_detector"] == pytest.approx(
        7.0 * emg.window_features(x, fs=1.0, thresholds=th)["log_detector"], rel=1e-13)


@pytest.mark.parametrize("window", ["hann", "rectangular"])
@pytest.mark.parametrize("remove_mean", [True, False])
@pytest.mark.parametrize("nfft", [0, 300, 512])
def test_spectral_options_match_scipy_periodogram(rng, window, remove_mean, nfft):
    fs = 500.0
    x = 0.7 + signal.lfilter([1.0], [1.0, -0.6], rng.standard_normal(257))
    o = emg.FeatureOptions(window=window, remove_mean=remove_mean, nfft=nfft)
    f = emg.window_features(x, fs=fs, thresholds=_th(), options=o)
    freqs, p = signal.periodogram(x, fs, window="hann" if window == "hann" else "boxcar", nfft=nfft or None,
                                  detrend="constant" if remove_mean else False, scaling="density")
    assert f["mnf_hz"] == pytest.approx(np.sum(freqs * p) / np.sum(p), rel=1e-12)
    assert f["mean_power"] == pytest.approx(np.mean(p), rel=1e-12)
    assert f["peak_frequency_hz"] == freqs[np.argmax(p)]
    first = emg.window_features(x, fs=fs, thresholds=_th(),
                                options=emg.FeatureOptions(window=window, remove_mean=remove_mean, nfft=nfft,
                                                           median_frequency="first_bin"))
    k = int(np.argmax(np.cumsum(p) >= 0.5 * np.sum(p)))
    assert first["mdf_hz"] == freqs[k]
    assert abs(first["mdf_hz"] - f["mdf_hz"]) <= 0.5 * fs / (nfft or x.size) + 1e-9


def test_first_half_power_spectrum_matches_numpy(rng):
    fs = 1000.0
    x = np.round(rng.standard_normal(200) * 5.0) + 1.0
    o = emg.FeatureOptions(window="rectangular", remove_mean=False, nfft=256, spectrum="first_half_power",
                           median_frequency="first_bin")
    f = emg.window_features(x, fs=fs, thresholds=_th(), options=o)
    p = np.abs(np.fft.fft(x, 256)[:128] / x.size) ** 2
    freqs = np.arange(128) * fs / 256
    assert f["mean_power"] == pytest.approx(np.mean(p), rel=1e-12)
    assert f["mnf_hz"] == pytest.approx(np.sum(freqs * p) / np.sum(p), rel=1e-12)
    assert f["mdf_hz"] == freqs[np.argmax(np.cumsum(p) >= 0.5 * np.sum(p))]


def _yule_walker_scipy(x: np.ndarray, order: int) -> np.ndarray:
    n = x.size
    r = np.array([np.dot(x[: n - k], x[k:]) / n for k in range(order + 1)])
    return -linalg.solve_toeplitz(r[:order], r[1:])  # prediction-error filter convention


@pytest.mark.parametrize("order", [1, 2, 4, 9])
def test_ar_coefficients_match_scipy_yule_walker(rng, order):
    for x in _windows(rng):
        a = emg.ar_coefficients(x, order)
        assert a.shape == (order,)
        np.testing.assert_allclose(a, _yule_walker_scipy(x, order), rtol=1e-9, atol=1e-12)


def test_ar_recovers_a_known_process(rng):
    e = rng.standard_normal(200_000)
    x = signal.lfilter([1.0], [1.0, -0.5, 0.3], e)  # x[t] - 0.5 x[t-1] + 0.3 x[t-2] = e[t]
    np.testing.assert_allclose(emg.ar_coefficients(x, 2), [-0.5, 0.3], atol=0.01)


def _sampen_numpy(x: np.ndarray, m: int, tol: float, count: str) -> float:
    """Straightforward O(N^2) sample entropy on the standardised series."""
    n = x.size
    r = tol * np.std(x, ddof=1)

    def templates(length: int, count_: int) -> np.ndarray:
        return np.array([x[i:i + length] for i in range(count_)])

    def close(t: np.ndarray) -> np.ndarray:
        return np.max(np.abs(t[:, None, :] - t[None, :, :]), axis=2) <= r

    if count == "richman_moorman":
        b = close(templates(m, n - m))
        a = close(templates(m + 1, n - m))
        iu = np.triu_indices(n - m, 1)
        return -np.log(np.sum(a[iu]) / np.sum(b[iu]))
    cb = np.sum(close(templates(m, n - m + 1))[: n - m]) - (n - m)
    ca = np.sum(close(templates(m + 1, n - m))[: n - m - 1]) - (n - m - 1)
    eps = np.spacing(1.0)
    return float(np.log((cb / ((n - m) * (n - m - 1)) + eps) / (ca / ((n - m - 1) ** 2) + eps)))


@pytest.mark.parametrize("count", ["richman_moorman", "libemg"])
@pytest.mark.parametrize("m,tol", [(1, 0.25), (2, 0.2), (3, 0.5)])
def test_sample_entropy_matches_numpy(rng, count, m, tol):
    for x in (rng.standard_normal(300), np.round(rng.standard_normal(250) * 6.0),
              np.sin(np.arange(400) * 0.05) + 0.1 * rng.standard_normal(400)):
        got = emg.sample_entropy(x, dimension=m, tolerance=tol, count=count)
        assert got == pytest.approx(_sampen_numpy(x, m, tol, count), rel=1e-12)


def test_sample_entropy_edge_cases(rng):
    assert np.isnan(emg.sample_entropy(np.ones(20)))
    # A strictly increasing ramp: no two templates within r for a tiny tolerance, B = 0.
    assert np.isnan(emg.sample_entropy(np.arange(30.0), tolerance=1e-3))


def test_windowed_values_equal_per_window_calls(rng):
    fs = 200.0
    x = rng.standard_normal((700, 3))
    ar = emg.windowed_ar_coefficients(x, fs=fs, window_s=0.5, step_s=0.25, order=3)
    se = emg.windowed_sample_entropy(x, fs=fs, window_s=0.5, step_s=0.25)
    n_windows = (700 - 100) // 50 + 1
    assert ar.shape == (n_windows, 3, 3) and se.shape == (n_windows, 3)
    for j in range(n_windows):
        for c in range(3):
            w = x[j * 50: j * 50 + 100, c]
            np.testing.assert_array_equal(ar[j, c], emg.ar_coefficients(w, 3))
            assert se[j, c] == emg.sample_entropy(w)
    # integer input is accepted like the other feature functions
    xi = np.round(x * 10).astype(np.int32)
    np.testing.assert_allclose(emg.windowed_ar_coefficients(xi, fs=fs, window_s=0.5, step_s=0.25, order=3),
                               emg.windowed_ar_coefficients(xi.astype(float), fs=fs, window_s=0.5, step_s=0.25,
                                                            order=3))


def test_new_columns_in_windowed_features(rng):
    frame = emg.windowed_features(rng.standard_normal((400, 2)), fs=100.0, window_s=1.0, step_s=0.5, thresholds=_th())
    for column in ("dasdv", "mfl", "msr", "ls", "skewness", "kurtosis"):
        assert column in frame.columns and np.all(np.isfinite(frame[column]))


@pytest.mark.parametrize("call,parameter", [
    (lambda x: emg.window_features(x, fs=100.0, thresholds=_th(), options=emg.FeatureOptions(var_ddof=64.0)),
     "options.var_ddof"),
    (lambda x: emg.window_features(x, fs=100.0, thresholds=_th(), options=emg.FeatureOptions(var_ddof=-1.0)),
     "options.var_ddof"),
    (lambda x: emg.window_features(x, fs=100.0, thresholds=_th(), options=emg.FeatureOptions(nfft=10)),
     "options.spectral.nfft"),
    (lambda x: emg.FeatureOptions(log_detector="zero"), "log_detector"),
    (lambda x: emg.FeatureOptions(window="hamming"), "window"),
    (lambda x: emg.FeatureOptions(spectrum="psd"), "spectrum"),
    (lambda x: emg.FeatureOptions(median_frequency="mean"), "median_frequency"),
    (lambda x: emg.ar_coefficients(x, 0), "order"),
    (lambda x: emg.ar_coefficients(x, 64), "order"),
    (lambda x: emg.windowed_ar_coefficients(x, fs=100.0, window_s=0.1, step_s=0.1, order=10), "order"),
    (lambda x: emg.sample_entropy(x, tolerance=0.0), "options.tolerance"),
    (lambda x: emg.sample_entropy(x, dimension=0), "options.dimension"),
    (lambda x: emg.sample_entropy(x[:4], dimension=2), "x"),
    (lambda x: emg.sample_entropy(x, count="fast"), "count"),
    (lambda x: emg.windowed_sample_entropy(x, fs=100.0, window_s=2.0, step_s=0.1), "window_s"),
    (lambda x: emg.sample_entropy(np.where(np.arange(64) == 3, np.nan, x)), "x"),
])
def test_validation_names_the_parameter(rng, call, parameter):
    x = rng.standard_normal(64)
    with pytest.raises(ValueError, match=rf"^{parameter.replace('.', '[.]')}\b"):
        call(x)
