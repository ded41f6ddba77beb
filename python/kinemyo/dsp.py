"""Signal-processing primitives (the compiled kinemyo core, checked against SciPy).

Every array argument is (n_samples,) or (n_samples, n_channels) with time along axis 0. float32 input gives
float32 output (computed in float64); other real dtypes are computed and returned as float64. The sampling rate is keyword-only: ``welch(x, fs=2000.0, nperseg=512)``.

Filter design: :func:`butterworth_sos`, :func:`notch_sos`, :func:`peak_sos`, :func:`sosfilt_zi`,
:func:`sos_frequency_response`, :func:`sos_group_delay`.
Filtering: :func:`sosfilt`, :func:`sosfiltfilt`, streaming :class:`SosFilter`.
Envelopes and energy: :func:`moving_window` / :class:`MovingWindow`, :func:`teager_kaiser` /
:class:`TeagerKaiser`, :func:`analytic_signal`, :func:`hilbert_envelope`.
Spectra and rates: :func:`welch`, :func:`resample_poly`, :func:`resample_poly_filter`.
"""

from __future__ import annotations

from typing import Any, Literal, Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kinemyo import _core
from kinemyo._compat import keyword_fs
from kinemyo._core import MovingWindow, SosFilter, TeagerKaiser

_Kind = Literal["lowpass", "highpass", "bandpass", "bandstop"]

__all__ = [
    "MovingWindow",
    "SosFilter",
    "TeagerKaiser",
    "analytic_signal",
    "butterworth_sos",
    "hilbert_envelope",
    "moving_window",
    "notch_sos",
    "peak_sos",
    "resample_poly",
    "resample_poly_filter",
    "sos_frequency_response",
    "sos_group_delay",
    "sosfilt",
    "sosfilt_zi",
    "sosfiltfilt",
    "teager_kaiser",
    "welch",
]


# Wrappers of the compiled filter design and spectra: same computation, fs keyword-only (kinemyo._compat).

@keyword_fs("order", "cutoff_hz", "kind", "fs")
def butterworth_sos(order: int, cutoff_hz: float | Sequence[float], kind: _Kind, *, fs: float) -> NDArray[np.float64]:
    """Digital Butterworth filter as second-order sections (same as ``scipy.signal.butter(..., output='sos')``).

    Parameters
    ----------
    order : int
        Filter order (>= 1); band filters have twice as many poles.
    cutoff_hz : float or (float, float)
        Cutoff frequency in Hz, or the (low, high) pair in Hz for 'bandpass' / 'bandstop'; below fs / 2.
    kind : {'lowpass', 'highpass', 'bandpass', 'bandstop'}
    fs : float
        Sampling rate in Hz.

    Returns
    -------
    ndarray, shape (n_sections, 6)
        Second-order sections [b0, b1, b2, 1, a1, a2].

    Raises
    ------
    ValueError
        A non-positive order or fs, or a cutoff outside (0, fs / 2).
    """
    return _core.butterworth_sos(order, cutoff_hz, kind, fs)


@keyword_fs("f0_hz", "q", "fs")
def notch_sos(f0_hz: float, q: float, *, fs: float) -> NDArray[np.float64]:
    """Second-order IIR notch (same as ``scipy.signal.iirnotch``) as one second-order section.

    Parameters
    ----------
    f0_hz : float
        Frequency to remove in Hz, in (0, fs / 2).
    q : float
        Quality factor f0 / bandwidth (-3 dB), > 0.
    fs : float
        Sampling rate in Hz.

    Returns
    -------
    ndarray, shape (1, 6)

    Raises
    ------
    ValueError
        f0_hz outside (0, fs / 2), q or fs not > 0.
    """
    return _core.notch_sos(f0_hz, q, fs)


@keyword_fs("f0_hz", "q", "fs")
def peak_sos(f0_hz: float, q: float, *, fs: float) -> NDArray[np.float64]:
    """Second-order IIR peak (resonator, same as ``scipy.signal.iirpeak``) as one second-order section.

    Parameters
    ----------
    f0_hz : float
        Centre frequency in Hz, in (0, fs / 2).
    q : float
        Quality factor f0 / bandwidth (-3 dB), > 0.
    fs : float
        Sampling rate in Hz.

    Returns
    -------
    ndarray, shape (1, 6)

    Raises
    ------
    ValueError
        f0_hz outside (0, fs / 2), q or fs not > 0.
    """
    return _core.peak_sos(f0_hz, q, fs)


@keyword_fs("sos", "f_hz", "fs")
def sos_frequency_response(sos: ArrayLike, f_hz: ArrayLike, *, fs: float) -> NDArray[np.complex128]:
    """Complex frequency response of second-order sections (``scipy.signal.sosfreqz`` at given frequencies).

    Parameters
    ----------
    sos : array_like, shape (n_sections, 6)
    f_hz : array_like
        Frequencies in Hz, any shape (evaluated element by element).
    fs : float
        Sampling rate in Hz.

    Returns
    -------
    ndarray of complex, same shape as ``f_hz``
        Dimensionless gain and phase (rad) as complex numbers.

    Raises
    ------
    ValueError
        A malformed ``sos`` or fs not > 0.
    """
    return _core.sos_frequency_response(sos, f_hz, fs)


@keyword_fs("sos", "f_hz", "fs")
def sos_group_delay(sos: ArrayLike, f_hz: ArrayLike, *, fs: float) -> NDArray[np.float64]:
    """Group delay of second-order sections in seconds.

    Parameters
    ----------
    sos : array_like, shape (n_sections, 6)
    f_hz : array_like
        Frequencies in Hz, any shape (evaluated element by element).
    fs : float
        Sampling rate in Hz.

    Returns
    -------
    ndarray, same shape as ``f_hz``
        Group delay in s.

    Raises
    ------
    ValueError
        A malformed ``sos`` or fs not > 0.
    """
    return _core.sos_group_delay(sos, f_hz, fs)


@keyword_fs("x", "fs", "nperseg", "noverlap", "nfft", "detrend", "scaling")
def welch(x: ArrayLike, *, fs: float, nperseg: int, noverlap: int | None = None, nfft: int | None = None,
          detrend: Literal["constant", "linear", "none"] = "constant",
          scaling: Literal["density", "spectrum"] = "density") -> tuple[NDArray[np.float64], NDArray[Any]]:
    """Welch power spectral density (Hann window; same as ``scipy.signal.welch``).

    Parameters
    ----------
    x : array_like, shape (n_samples,) or (n_samples, n_channels)
        Signal in its own unit u (e.g. V).
    fs : float
        Sampling rate in Hz.
    nperseg : int
        Segment length in samples.
    noverlap : int, optional
        Overlap in samples (default nperseg // 2).
    nfft : int, optional
        FFT length in samples (default nperseg).
    detrend : {'constant', 'linear', 'none'}
    scaling : {'density', 'spectrum'}
        u^2/Hz or u^2.

    Returns
    -------
    f_hz : ndarray, shape (n_freqs,)
        Frequencies in Hz.
    pxx : ndarray, shape (n_freqs,) or (n_freqs, n_channels)
        Power spectral density in u^2/Hz ('density') or power spectrum in u^2 ('spectrum').

    Raises
    ------
    ValueError
        nperseg, noverlap or nfft inconsistent with each other or with the signal length, fs not > 0.
    """
    return _core.welch(x, fs, nperseg, noverlap, nfft, detrend, scaling)


# Wrappers of the other compiled functions: the same computation with a numpydoc docstring.

def sosfilt_zi(sos: ArrayLike) -> NDArray[np.float64]:
    """Steady-state initial conditions of second-order sections for a unit step (``scipy.signal.sosfilt_zi``).

    Parameters
    ----------
    sos : array_like, shape (n_sections, 6)

    Returns
    -------
    ndarray, shape (n_sections, 2)
        Filter states for a unit input (scale by the first sample for a step of that height).

    Raises
    ------
    ValueError
        A malformed ``sos``.
    """
    return _core.sosfilt_zi(sos)


def sosfilt(sos: ArrayLike, x: ArrayLike) -> NDArray[Any]:
    """Causal filtering by second-order sections along axis 0 (``scipy.signal.sosfilt(sos, x, axis=0)``).

    Parameters
    ----------
    sos : array_like, shape (n_sections, 6)
    x : array_like, shape (n_samples,) or (n_samples, n_channels)
        Signal in any unit u.

    Returns
    -------
    ndarray, shape of ``x``
        Filtered signal in u; float32 for float32 input, else float64.

    Raises
    ------
    ValueError
        A malformed ``sos``, non-finite ``x``.
    """
    return _core.sosfilt(sos, x)


def sosfiltfilt(sos: ArrayLike, x: ArrayLike) -> NDArray[Any]:
    """Zero-phase (forward-backward) filtering by second-order sections along axis 0
    (``scipy.signal.sosfiltfilt(sos, x, axis=0)``, odd padding).

    Parameters
    ----------
    sos : array_like, shape (n_sections, 6)
    x : array_like, shape (n_samples,) or (n_samples, n_channels)
        Signal in any unit u, longer than the padding.

    Returns
    -------
    ndarray, shape of ``x``
        Filtered signal in u; the magnitude response is squared and the phase zero.

    Raises
    ------
    ValueError
        A malformed ``sos``, a signal shorter than the padding, non-finite ``x``.
    """
    return _core.sosfiltfilt(sos, x)


def moving_window(x: ArrayLike, window_length: int, statistic: Literal["mean", "arv", "rms"]) -> NDArray[Any]:
    """Causal moving-window statistic along axis 0 (zeros assumed before the first sample).

    Parameters
    ----------
    x : array_like, shape (n_samples,) or (n_samples, n_channels)
        Signal in any unit u.
    window_length : int
        Window in samples (window_s * fs).
    statistic : {'mean', 'arv', 'rms'}
        Mean, average rectified value or root mean square.

    Returns
    -------
    ndarray, shape of ``x``
        In u; delayed by (window_length - 1) / 2 samples.

    Raises
    ------
    ValueError
        window_length < 1, an unknown statistic.
    """
    return _core.moving_window(x, window_length, statistic)


def teager_kaiser(x: ArrayLike) -> NDArray[Any]:
    """Teager-Kaiser energy operator ``x[n]**2 - x[n-1] * x[n+1]`` along axis 0, zeros outside the signal
    (Kaiser, IEEE ICASSP 1990).

    Parameters
    ----------
    x : array_like, shape (n_samples,) or (n_samples, n_channels)
        Signal in any unit u.

    Returns
    -------
    ndarray, shape of ``x``
        Energy in u^2.
    """
    return _core.teager_kaiser(x)


def analytic_signal(x: ArrayLike) -> NDArray[Any]:
    """Analytic signal ``x + 1j * hilbert(x)`` along axis 0 (``scipy.signal.hilbert(x, axis=0)``).

    Parameters
    ----------
    x : array_like, shape (n_samples,) or (n_samples, n_channels)
        Real signal in any unit u.

    Returns
    -------
    ndarray of complex, shape of ``x``
        In u; complex64 for float32 input, complex128 otherwise.
    """
    return _core.analytic_signal(x)


def hilbert_envelope(x: ArrayLike) -> NDArray[Any]:
    """Instantaneous amplitude ``abs(scipy.signal.hilbert(x, axis=0))``.

    Parameters
    ----------
    x : array_like, shape (n_samples,) or (n_samples, n_channels)
        Real signal in any unit u.

    Returns
    -------
    ndarray, shape of ``x``
        Envelope in u.
    """
    return _core.hilbert_envelope(x)


def resample_poly(x: ArrayLike, up: int, down: int, kaiser_beta: float = 5.0) -> NDArray[Any]:
    """Polyphase resampling by ``up / down`` along axis 0 (``scipy.signal.resample_poly(x, up, down, axis=0)``:
    Kaiser-window FIR, zero padding). EMG at 2000 Hz to an IMU's 100 Hz is ``up=1, down=20``.

    Parameters
    ----------
    x : array_like, shape (n_samples,) or (n_samples, n_channels)
        Signal in any unit u.
    up, down : int
        Rate factors (>= 1): the output rate is fs * up / down.
    kaiser_beta : float
        Kaiser window shape of the anti-aliasing filter.

    Returns
    -------
    ndarray, shape (ceil(n_samples * up / down),) or (..., n_channels)
        In u.

    Raises
    ------
    ValueError
        up or down < 1, or above 2**20 once reduced by their gcd (the filter has 20 * max(up, down) + 1 taps).
    """
    return _core.resample_poly(x, up, down, kaiser_beta)


def resample_poly_filter(up: int, down: int, kaiser_beta: float = 5.0) -> list[float]:
    """Anti-aliasing FIR taps that :func:`resample_poly` uses (after reducing up / down by their gcd).

    Parameters
    ----------
    up, down : int
        Rate factors (>= 1).
    kaiser_beta : float
        Kaiser window shape.

    Returns
    -------
    list of float
        Dimensionless taps (gain ``up`` at DC).

    Raises
    ------
    ValueError
        up or down < 1, or above 2**20 once reduced by their gcd (the filter has 20 * max(up, down) + 1 taps).
    """
    return _core.resample_poly_filter(up, down, kaiser_beta)
