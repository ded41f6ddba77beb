"""Surface-EMG processing: the real-time envelope pipeline and its offline (zero-phase) counterpart.

:class:`EnvelopePipeline` runs pre-filter (profile 'limb' 20-450 Hz or 'trunk' 30-450 Hz, optional mains
notches), rectification and envelope (linear envelope, moving RMS or ARV) on blocks of any size, with its
latency, frequency responses and an ISEK-style processing report. :func:`offline_envelope` is the same chain
zero-phase with Winter's cutoff correction, for publication. :func:`detect_activations` and
:class:`OnsetDetector` find muscle activation onsets and offsets (threshold with hysteresis, TKEO-conditioned,
Hodges & Bui), offline and streaming. :func:`activation_ratio`, :func:`rudolph_cci`,
:func:`falconer_winter_coi` and :func:`sliding_indices` compare two muscles. :class:`TargetZoneTracker`
turns live values into debounced biofeedback target-zone states. :func:`assess_quality` flags clipping, flat
lines, mains interference and motion artefact per block. :func:`remove_ecg` takes the heartbeat out of trunk
EMG (R-peak detection, aligned running-template subtraction, gating fallback). :func:`windowed_features`
(Phinyomark et al. 2012, with :class:`FeatureOptions` for the definition variants), :func:`ar_coefficients`,
:func:`sample_entropy`, :class:`FatigueTracker` and :func:`median_frequency_trend` cover features and fatigue. :class:`Calibration` holds the rest baseline and the
MVC or submaximal reference, serialisable to JSON, and expresses envelopes in % of the reference.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal, Sequence

import numpy as np

from kinemyo import _core, _frames, _repr
from kinemyo._compat import keyword_fs
from kinemyo._validate import finite_positive, real_array
from kinemyo._core import _detect_activations, _detect_activations_from_baseline, _remove_ecg, _sliding_indices
from kinemyo._core import _windowed_features
from kinemyo._core import (
    Calibration,
    ChannelCalibration,
    ChannelConfig,
    EcgRemovalConfig,
    EcgRemover,
    EnvelopePipeline,
    FatigueTracker,
    FeatureOptions,
    FeatureThresholds,
    NotchConfig,
    OnsetConfig,
    QualityConfig,
    TargetZone,
    TargetZoneTracker,
    OnsetDetector,
)

__all__ = [
    "Calibration",
    "ChannelCalibration",
    "ChannelConfig",
    "EcgRemoval",
    "EcgRemovalConfig",
    "EcgRemover",
    "EnvelopePipeline",
    "FatigueTracker",
    "FeatureOptions",
    "FeatureThresholds",
    "ActivationTable",
    "NotchConfig",
    "OnsetConfig",
    "OnsetDetector",
    "QualityConfig",
    "TargetZone",
    "TargetZoneTracker",
    "detect_activations",
    "estimate_rest",
    "IndexTable",
    "activation_ratio",
    "ar_coefficients",
    "assess_quality",
    "detect_qrs",
    "remove_ecg",
    "falconer_winter_coi",
    "flexion_relaxation_ratio",
    "linear_trend",
    "median_frequency_trend",
    "offline_envelope",
    "rudolph_cci",
    "sample_entropy",
    "indices_per_activation",
    "sliding_indices",
    "symmetry_index",
    "window_features",
    "windowed_features",
    "windowed_ar_coefficients",
    "windowed_sample_entropy",
    "processing_report_dict",
    "winter_correction",
]

# estimate_rest: the quietest REST_FRACTION of consecutive REST_WINDOW_S windows of the envelope (bench/onset_cv.py).
REST_WINDOW_S = 0.25
REST_FRACTION = 0.2


def processing_report_dict(pipeline: EnvelopePipeline) -> dict[str, Any]:
    """The pipeline's ISEK-style processing report (Merletti & Di Torino, J Electromyogr Kinesiol 9:III, 1999)
    as a dictionary.

    Parameters
    ----------
    pipeline : EnvelopePipeline

    Returns
    -------
    dict
        Its ``processing_report_json()`` parsed: filters (Hz, orders), envelope, rates (Hz) and latency (ms).
    """
    report: dict[str, Any] = json.loads(pipeline.processing_report_json())
    return report


@_repr.compact
@dataclass(frozen=True)
class ActivationTable:
    """Activation bursts found by :func:`detect_activations`, one row per burst.

    ``offset_s`` is the end of the recording where ``complete`` is False (still active at the end).
    """

    channel: np.ndarray
    onset_s: np.ndarray
    offset_s: np.ndarray
    onset_sample: np.ndarray
    offset_sample: np.ndarray
    complete: np.ndarray
    fs: float
    method: str
    channel_names: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return int(self.onset_s.size)

    @property
    def duration_s(self) -> np.ndarray:
        duration: np.ndarray = self.offset_s - self.onset_s
        return duration

    def to_frame(self) -> Any:
        """The table as a pandas DataFrame (columns carry units)."""
        import pandas as pd

        names = [self.channel_names[c] if c < len(self.channel_names) else str(c) for c in self.channel]
        return pd.DataFrame({"channel": names, "onset_s": self.onset_s, "offset_s": self.offset_s,
                             "duration_s": self.duration_s, "onset_sample": self.onset_sample,
                             "offset_sample": self.offset_sample, "complete": self.complete})


@keyword_fs("x", "fs", "window_s", "fraction")
def estimate_rest(x: Any, *, fs: float, window_s: float = REST_WINDOW_S,
                  fraction: float = REST_FRACTION) -> tuple[np.ndarray, np.ndarray]:
    """Rest baseline (mean, SD per channel) of an envelope from its own quietest stretches.

    The envelope is cut into consecutive windows of ``window_s``; the ``fraction`` of windows with the lowest mean
    (at least one) are taken as rest, and the mean and SD (n - 1) of their samples returned. For recordings without
    a separate rest trial, e.g. walking, where a phasic muscle is silent for a few hundred ms of every cycle.
    The SD includes the spread between the chosen windows. Chosen with bench/onset_cv.py.

    Parameters
    ----------
    x : array_like, shape (n_samples,) or (n_samples, n_channels)
        Envelope in V or % reference, at least 2 samples, finite.
    fs : float
        Sampling rate in Hz.
    window_s : float
        Window length in s.
    fraction : float
        Share of the windows taken as rest, in (0, 1].

    Returns
    -------
    mean, sd : ndarray, shape (n_channels,)
        Baseline mean and SD in the unit of ``x``.

    Raises
    ------
    ValueError
        Fewer than 2 samples, non-finite values, fs or window_s not > 0, fraction outside (0, 1].
    """
    x = real_array(x, "x", dtype=np.float64)
    x = x.reshape(-1, 1) if x.ndim == 1 else x
    if x.ndim != 2 or x.shape[0] < 2:
        raise ValueError("x: must be (n_samples,) or (n_samples, n_channels) with at least 2 samples")
    if not np.all(np.isfinite(x)):
        raise ValueError("x: must be finite")
    fs = finite_positive(fs, "fs")
    window_s = finite_positive(window_s, "window_s")
    if not (0.0 < fraction <= 1.0):
        raise ValueError(f"fraction: must be in (0, 1], got {fraction}")
    n = max(2, int(round(window_s * fs)))
    n_win = max(1, x.shape[0] // n)
    n = min(n, x.shape[0])
    windows = x[:n_win * n].reshape(n_win, n, x.shape[1])
    keep = max(1, int(np.floor(fraction * n_win)))
    mean, sd = np.empty(x.shape[1]), np.empty(x.shape[1])
    for ch in range(x.shape[1]):
        quiet = np.argsort(windows[:, :, ch].mean(axis=1), kind="stable")[:keep]
        samples = windows[quiet, :, ch].ravel()
        mean[ch], sd[ch] = samples.mean(), samples.std(ddof=1)
    return mean, sd


@keyword_fs("x", "rest", "fs", "config", "channel_names", "baseline")
def detect_activations(x: Any, rest: Any=None, *, fs: float, config: OnsetConfig | None = None,
                       channel_names: list[str] | None = None, baseline: Any=None) -> ActivationTable:
    """Offline onsets and offsets of muscle activation.

    Parameters
    ----------
    x : array_like or DataFrame, shape (n_samples,) or (n_samples, n_channels)
        An envelope for ``method='threshold'`` (e.g. from :func:`offline_envelope`), band-passed EMG for
        'tkeo' and 'hodges_bui', in V or % reference. A DataFrame's columns are the channel names (matched to
        ``channel_names`` when given).
    rest : array_like or DataFrame, optional
        At least 3 s of rest in the same domain and channels, for the baseline mean and SD (a DataFrame is matched
        to the channel names by column). None: the baseline is
        ``baseline`` if given, else (threshold method only) estimated from the envelope's own quietest windows
        (:func:`estimate_rest`).
    fs : float
        Sampling rate in Hz.
    config : OnsetConfig, optional
        Defaults: threshold mean + 3 SD for 25 ms on, mean + 2 SD for 50 ms off.
    channel_names : list of str, optional
        Carried into the table; with a DataFrame ``x`` its columns must be these names (any order).
    baseline : (mean, sd), optional
        The baseline statistics instead of a rest recording (``rest`` must then be None): one mean and one SD
        (> 0) per channel in the method's conditioned domain (for 'threshold', the envelope itself), e.g. from
        :func:`estimate_rest`.

    Returns
    -------
    ActivationTable
        Onsets and offsets in s and samples per burst (``to_frame()`` for a DataFrame).

    Raises
    ------
    ValueError
        Columns of a DataFrame that differ from ``channel_names``, a rest recording shorter than 3 s, both or (for
        a method other than 'threshold') neither of ``rest`` and ``baseline``, fs not > 0.
    TypeError
        ``fs`` not a number.
    """
    x, labels = _frames.channels_in(x, channel_names, "x")
    if labels is not None:
        channel_names = list(labels.columns)
    rest, _ = _frames.channels_in(rest, channel_names, "rest")
    config = config if config is not None else OnsetConfig()
    if rest is not None and baseline is not None:
        raise ValueError("baseline: give a rest recording or baseline statistics, not both")
    if rest is None and baseline is None:
        if config.method != "threshold":
            raise ValueError("rest: None (estimated from the recording) needs method='threshold'; give a rest "
                             f"recording for '{config.method}'")
        baseline = estimate_rest(x, fs=fs)
    if rest is not None:
        rows = _detect_activations(x, rest, fs, config)
    else:
        if not isinstance(baseline, (tuple, list)) or len(baseline) != 2:
            raise TypeError(f"baseline: expected a (mean, sd) pair, got {type(baseline).__name__}")
        rows = _detect_activations_from_baseline(x, baseline[0], baseline[1], fs, config)
    cols: list[Any] = list(zip(*rows)) if rows else [[]] * 6
    return ActivationTable(
        channel=np.asarray(cols[0], dtype=np.int64), onset_sample=np.asarray(cols[1], dtype=np.int64),
        offset_sample=np.asarray(cols[2], dtype=np.int64), onset_s=np.asarray(cols[3], dtype=np.float64),
        offset_s=np.asarray(cols[4], dtype=np.float64), complete=np.asarray(cols[5], dtype=bool), fs=float(fs),
        method=config.method, channel_names=list(channel_names or []))


@_repr.compact
@dataclass(frozen=True)
class IndexTable:
    """Indices between two envelopes over sliding windows (see :func:`sliding_indices`)."""

    t_start_s: np.ndarray
    t_end_s: np.ndarray
    activation_ratio: np.ndarray
    rudolph_cci: np.ndarray
    falconer_winter_coi_pct: np.ndarray
    symmetry_index_pct: np.ndarray

    def __len__(self) -> int:
        return int(self.t_end_s.size)

    def to_frame(self) -> Any:
        """The table as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame({"t_start_s": self.t_start_s, "t_end_s": self.t_end_s,
                             "activation_ratio": self.activation_ratio, "rudolph_cci": self.rudolph_cci,
                             "falconer_winter_coi_pct": self.falconer_winter_coi_pct,
                             "symmetry_index_pct": self.symmetry_index_pct})


@keyword_fs("a", "b", "fs", "window_s", "step_s")
def sliding_indices(a: Any, b: Any, *, fs: float, window_s: float = 1.0, step_s: float = 0.1) -> IndexTable:
    """Activation ratio a:b, Rudolph CCI, Falconer-Winter co-contraction and the a/b symmetry index (a as left)
    over sliding windows.

    Parameters
    ----------
    a, b : array_like, shape (n_samples,)
        Two normalised envelopes (e.g. % reference of gluteus medius and of the ipsilateral paraspinal).
    fs : float
        Sampling rate in Hz.
    window_s, step_s : float
        Window length and update interval in seconds (defaults: 1 s windows at 10 Hz).

    Returns
    -------
    IndexTable
        Per window: ``t_start_s``, ``t_end_s`` (s), ``activation_ratio`` (dimensionless), ``rudolph_cci`` (the
        envelopes' unit), ``falconer_winter_coi_pct`` and ``symmetry_index_pct`` (%).

    Raises
    ------
    ValueError
        Lengths that differ, a window longer than the recording, fs, window_s or step_s not > 0.
    """
    return IndexTable(*_sliding_indices(a, b, fs, window_s, step_s))


@_repr.compact
@dataclass(frozen=True)
class EcgRemoval:
    """Result of :func:`remove_ecg`."""

    cleaned: np.ndarray
    ecg_estimate: np.ndarray
    r_peaks: np.ndarray
    contamination_pct: list[float]
    gated: list[bool]
    beat_correlation: list[float]
    fs: float

    @property
    def r_peak_times_s(self) -> np.ndarray:
        return self.r_peaks / self.fs

    def to_frame(self) -> Any:
        """Per-channel summary as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame({"channel": np.arange(len(self.gated)), "contamination_pct": self.contamination_pct,
                             "beat_correlation": self.beat_correlation,
                             "method": ["gating" if g else "template" for g in self.gated],
                             "beats": len(self.r_peaks)})


@keyword_fs("emg", "fs", "ecg_reference", "config")
def remove_ecg(emg: Any, *, fs: float, ecg_reference: Any=None, config: EcgRemovalConfig | None = None) -> EcgRemoval:
    """Remove the heartbeat from trunk EMG (offline).

    Parameters
    ----------
    emg : array_like, shape (n_samples,) or (n_samples, n_channels)
        Raw or band-passed trunk EMG.
    fs : float
        Sampling rate in Hz.
    ecg_reference : array_like, shape (n_samples,), optional
        A reference ECG lead; without it the R peaks are found in the EMG channel with the most QRS-band power.
    config : EcgRemovalConfig, optional

    Returns
    -------
    EcgRemoval
        ``cleaned`` (same shape as ``emg``), the removed ``ecg_estimate``, the ``r_peaks`` used, and per channel
        the ECG contamination index (energy of the estimate over the energy of the input above 1 Hz, in %) and
        whether the gating fallback was used.
    """
    config = config if config is not None else EcgRemovalConfig()
    cleaned, estimate, peaks, eci, gated, corr = _remove_ecg(emg, fs, ecg_reference, config)
    return EcgRemoval(cleaned, estimate, peaks, list(eci), list(gated), list(corr), float(fs))


@keyword_fs("x", "fs", "window_s", "step_s", "thresholds", "channel_names", "options")
def windowed_features(x: Any, *, fs: float, window_s: float, step_s: float, thresholds: FeatureThresholds,
                      channel_names: list[str] | None = None, options: FeatureOptions | None = None) -> Any:
    """Phinyomark et al. (Expert Syst Appl 39:7420, 2012) features over sliding windows.

    Parameters
    ----------
    x : array_like or DataFrame, shape (n_samples,) or (n_samples, n_channels)
        Raw or band-passed EMG in V. A DataFrame's columns are the channel names (matched to ``channel_names``
        when given).
    fs : float
        Sampling rate in Hz.
    window_s, step_s : float
        Window length and step in s.
    thresholds : FeatureThresholds
        Amplitude thresholds (V) of zc, ssc and wamp.
    channel_names : list of str, optional
        Names for the ``channel`` column (default: the channel index, or a DataFrame's columns).
    options : FeatureOptions, optional
        Definition variants (log detector with zeros, var divisor, spectral window, mean removal, FFT length,
        spectrum form, median-frequency rule); None gives the documented defaults.

    Returns
    -------
    DataFrame
        One row per window and channel: channel, t_start_s, t_end_s (s), mav, rms, iav, wl, dasdv, log_detector
        (V-based), var, mean_power (V^2, V^2/Hz), zc, ssc, wamp (counts), mnf_hz, mdf_hz, peak_frequency_hz (Hz),
        mfl, msr, ls, skewness, kurtosis.

    Raises
    ------
    ValueError
        DataFrame columns that differ from ``channel_names``, a window longer than the signal, fs not > 0.
    """
    import pandas as pd

    x, labels = _frames.channels_in(x, channel_names, "x")
    if labels is not None:
        channel_names = list(labels.columns)
    rows = _windowed_features(x, fs, window_s, step_s, thresholds, options)
    frame = pd.DataFrame(rows)
    if channel_names:
        frame["channel"] = [channel_names[c] for c in frame["channel"]]
    first = ["channel", "t_start_s", "t_end_s"]
    return frame[first + [c for c in frame.columns if c not in first]] if len(frame) else frame


def median_frequency_trend(t_s: Any, mdf_hz: Any) -> list[dict[str, Any]]:
    """Median-frequency slope (Hz/s) per channel with its regression statistics (see :func:`linear_trend`).

    Parameters
    ----------
    t_s : array_like, shape (n_updates,) or (n_updates, n_channels)
        Window times in s, as returned by :meth:`FatigueTracker.process`.
    mdf_hz : array_like, shape of ``t_s``
        Median frequencies in Hz; windows with NaN (non-finite input) are left out.

    Returns
    -------
    list of dict
        Per channel: ``slope`` (Hz/s), ``intercept`` (Hz), ``r``, ``stderr_slope`` (Hz/s), ``p_value``, ``n``.

    Raises
    ------
    ValueError
        Fewer than 3 finite windows in a channel.
    """
    t_s = real_array(t_s, "t_s")
    mdf_hz = real_array(mdf_hz, "mdf_hz")
    if t_s.ndim == 1:
        t_s, mdf_hz = t_s[:, None], mdf_hz[:, None]
    out = []
    for c in range(mdf_hz.shape[1]):
        keep = np.isfinite(mdf_hz[:, c])
        out.append(linear_trend(t_s[keep, c], mdf_hz[keep, c]))
    return out


@keyword_fs("a", "b", "fs", "activations")
def indices_per_activation(a: Any, b: Any, activations: ActivationTable, *, fs: float) -> Any:
    """The two-muscle indices over each activation (repetition) of an :class:`ActivationTable`.

    Parameters
    ----------
    a, b : array_like, shape (n_samples,)
        Two normalised envelopes (a as left, b as right), e.g. in % reference.
    activations : ActivationTable
        From :func:`detect_activations` on the same recording.
    fs : float
        Sampling rate in Hz; must be the table's.

    Returns
    -------
    DataFrame
        Per activation: onset_s, offset_s (s), activation_ratio (dimensionless), rudolph_cci (in the envelopes'
        unit), falconer_winter_coi_pct and symmetry_index_pct (%).

    Raises
    ------
    ValueError
        An fs other than the table's.
    """
    import pandas as pd

    if finite_positive(fs, "fs") != activations.fs:
        raise ValueError(f"fs: {fs} Hz differs from the activation table's {activations.fs} Hz")
    a = real_array(a, "a").reshape(-1)
    b = real_array(b, "b").reshape(-1)
    rows = []
    for on, off, s0, s1 in zip(activations.onset_s, activations.offset_s, activations.onset_sample,
                               activations.offset_sample):
        wa, wb = a[s0:s1], b[s0:s1]
        rows.append({"onset_s": on, "offset_s": off, "activation_ratio": activation_ratio(wa, wb),
                     "rudolph_cci": rudolph_cci(wa, wb), "falconer_winter_coi_pct": falconer_winter_coi(wa, wb),
                     "symmetry_index_pct": symmetry_index(wa, wb)})
    return pd.DataFrame(rows, columns=["onset_s", "offset_s", "activation_ratio", "rudolph_cci",
                                       "falconer_winter_coi_pct", "symmetry_index_pct"])


# Wrappers of the compiled functions taking a sampling rate: same computation, fs keyword-only (kinemyo._compat).

@keyword_fs("fs", "channels", "x")
def offline_envelope(x: Any, channels: int | Sequence[ChannelConfig], *, fs: float, unit: str = "V") -> Any:
    """Zero-phase envelope of a whole recording, for publication.

    The channel configurations' filters run forward and backward with Winter's cutoff correction (each filter
    -3 dB at its configured cutoff after the double pass; Winter, Biomechanics and Motor Control of Human
    Movement, 4th ed., 2009), so the envelope has no delay against the raw signal.

    Parameters
    ----------
    x : array_like or DataFrame, shape (n_samples,) or (n_samples, n_channels)
        Raw EMG in V (or the unit named by ``unit``). A DataFrame's columns are matched by name to the channel
        configurations' names when they are named (reordered to them), else taken as the channel names.
    channels : int or sequence of ChannelConfig
        An int gives that many channels with the default limb configuration.
    fs : float
        Sampling rate in Hz.
    unit : str
        Unit of ``x``, the suffix of the output columns for DataFrame input (``gmed_V``).

    Returns
    -------
    ndarray or DataFrame, shape of ``x``
        The envelope in the unit of ``x``; float32 for float32 input, else float64. For a DataFrame input, a
        DataFrame with columns ``<channel>_<unit>`` and a ``time_s`` index (the input's time index in seconds, or
        sample / fs for a default RangeIndex).

    Raises
    ------
    ValueError
        DataFrame columns that differ from the configured channel names, fs not > 0, a channel count that differs
        from ``x``, a configuration that does not fit fs.
    TypeError
        ``fs`` not a number, ``x`` not real.
    """
    # names only from a list of named configurations; anything else goes to the binding, which names the problem
    named = isinstance(channels, (list, tuple)) and len(channels) > 0 and \
        all(isinstance(c, ChannelConfig) and c.name for c in channels)
    names = [c.name for c in channels] if named and not isinstance(channels, int) else None
    values, labels = _frames.channels_in(x, names, "x")
    envelope = _core.offline_envelope(fs, channels, values)
    if labels is None:
        return envelope
    return _frames.frame_out(envelope, [f"{c}_{unit}" for c in labels.columns], labels, fs)


@keyword_fs("block", "fs", "config")
def assess_quality(block: Any, *, fs: float, config: QualityConfig | None = None) -> list[dict[str, Any]]:
    """Quality flags of a raw EMG block (>= 1 s), one dict per channel.

    Parameters
    ----------
    block : array_like, shape (n_samples,) or (n_samples, n_channels)
        Raw EMG in V.
    fs : float
        Sampling rate in Hz.
    config : QualityConfig, optional
        Thresholds; None gives the defaults.

    Returns
    -------
    list of dict
        Per channel: ``clipped_fraction`` (0..1), ``sd`` (V), ``mains_ratio`` and ``motion_ratio`` (power ratios
        from Welch spectra with 1 s Hann segments, dimensionless) and the flags ``clipping``, ``flat``, ``mains``,
        ``motion``, ``ok``.

    Raises
    ------
    ValueError
        A block shorter than 1 s, fs not > 0.
    """
    return _core.assess_quality(block, fs, config if config is not None else QualityConfig())


@keyword_fs("signal", "fs", "config")
def detect_qrs(signal: Any, *, fs: float, config: EcgRemovalConfig | None = None) -> Any:
    """R-peak sample indices in an ECG lead or ECG-contaminated trunk EMG (Pan & Tompkins, IEEE TBME 32:230, 1985).

    Parameters
    ----------
    signal : array_like, shape (n_samples,)
        One channel in V.
    fs : float
        Sampling rate in Hz.
    config : EcgRemovalConfig, optional

    Returns
    -------
    ndarray of int64, shape (n_peaks,)
        Sample indices of the R peaks (divide by fs for seconds).

    Raises
    ------
    ValueError
        fs not > 0, a signal shorter than the detector's window.
    """
    return _core.detect_qrs(signal, fs, config if config is not None else EcgRemovalConfig())


@keyword_fs("envelope", "fs", "flexion", "full_flexion", "window_s")
def flexion_relaxation_ratio(envelope: Any, *, fs: float, flexion: tuple[float, float], full_flexion: tuple[float, float],
                             window_s: float = 0.5) -> float:
    """Flexion-relaxation ratio (Watson et al., Clin Biomech 12:165, 1997) of a paraspinal envelope: the largest
    ``window_s`` moving average during the ``flexion`` phase over the mean during ``full_flexion``.

    Parameters
    ----------
    envelope : array_like, shape (n_samples,)
        Envelope in V or % reference.
    fs : float
        Sampling rate in Hz.
    flexion, full_flexion : (float, float)
        Start and end of the flexion phase and of the full-flexion phase, in s from the first sample.
    window_s : float
        Window for the peak mean during flexion, in s.

    Returns
    -------
    float
        Dimensionless ratio (> 1 when the muscle relaxes in full flexion).

    Raises
    ------
    ValueError
        Phases outside the recording or reversed, fs or window_s not > 0.
    """
    return _core.flexion_relaxation_ratio(envelope, fs, flexion, full_flexion, window_s)


@keyword_fs("x", "fs", "thresholds", "options")
def window_features(x: Any, *, fs: float, thresholds: FeatureThresholds, options: FeatureOptions | None = None) -> dict[str, Any]:
    """Features of one window of one channel (Phinyomark et al., Expert Syst Appl 39:7420, 2012).

    Parameters
    ----------
    x : array_like, shape (n_samples,)
        Raw or band-passed EMG in V.
    fs : float
        Sampling rate in Hz.
    thresholds : FeatureThresholds
        Amplitude thresholds (V) of zc, ssc and wamp.
    options : FeatureOptions, optional
        Definition variants; None gives the documented defaults.

    Returns
    -------
    dict of str to float
        mav, rms, iav (V or V*samples), wl (V), zc, ssc, wamp (counts), var (V^2), log_detector (V),
        mnf_hz, mdf_hz, peak_frequency_hz (Hz), mean_power (V^2/Hz), dasdv (V), mfl, msr, ls, skewness, kurtosis.

    Raises
    ------
    ValueError
        An empty window, fs not > 0.
    """
    return _core.window_features(x, fs, thresholds, options)


@keyword_fs("x", "fs", "window_s", "step_s", "order")
def windowed_ar_coefficients(x: Any, *, fs: float, window_s: float, step_s: float, order: int = 4) -> Any:
    """Yule-Walker autoregressive coefficients (:func:`ar_coefficients`) of every channel on the windows of
    :func:`windowed_features`.

    Parameters
    ----------
    x : array_like, shape (n_samples,) or (n_samples, n_channels)
        EMG in V.
    fs : float
        Sampling rate in Hz.
    window_s, step_s : float
        Window length and step in s.
    order : int
        AR model order.

    Returns
    -------
    ndarray, shape (n_windows, n_channels, order)
        Dimensionless coefficients a1..a_order per window and channel.

    Raises
    ------
    ValueError
        A window longer than the signal or shorter than order + 1 samples, fs not > 0.
    """
    return _core.windowed_ar_coefficients(x, fs, window_s, step_s, order)


@keyword_fs("x", "fs", "window_s", "step_s", "dimension", "tolerance", "count")
def windowed_sample_entropy(x: Any, *, fs: float, window_s: float, step_s: float, dimension: int = 2,
                            tolerance: float = 0.2, count: Literal["richman_moorman", "libemg"] = "richman_moorman") -> Any:
    """Sample entropy (Richman & Moorman, Am J Physiol 278:H2039, 2000) of sliding windows.

    Parameters
    ----------
    x : array_like, shape (n_samples,) or (n_samples, n_channels)
        EMG in V.
    fs : float
        Sampling rate in Hz.
    window_s, step_s : float
        Window length and step in s (the windows of :func:`windowed_features`).
    dimension : int
        Embedding dimension m.
    tolerance : float
        Tolerance r as a fraction of each window's SD (dimensionless).
    count : {'richman_moorman', 'libemg'}
        Template-counting rule.

    Returns
    -------
    ndarray, shape (n_windows, n_channels)
        Dimensionless entropy per window and channel.

    Raises
    ------
    ValueError
        A window longer than the signal, fs not > 0.
    """
    return _core.windowed_sample_entropy(x, fs, window_s, step_s, dimension, tolerance, count)


# Wrappers of the other compiled functions: the same computation with a numpydoc docstring.

def activation_ratio(a: Any, b: Any) -> float:
    """Activation ratio mean(a) / mean(b) of two normalised envelopes (e.g. gluteus medius : paraspinal).

    Parameters
    ----------
    a, b : array_like, shape (n_samples,)
        Envelopes in the same unit (e.g. % reference).

    Returns
    -------
    float
        Dimensionless ratio.

    Raises
    ------
    ValueError
        Lengths that differ, an empty or non-finite envelope, mean(b) = 0.
    """
    return _core.activation_ratio(a, b)


def rudolph_cci(a: Any, b: Any) -> float:
    """Co-contraction index of Rudolph et al. (Knee Surg Sports Traumatol Arthrosc 8:262, 2000): the mean over
    samples of (lower / higher) * (lower + higher).

    Parameters
    ----------
    a, b : array_like, shape (n_samples,)
        Envelopes in the same unit u (e.g. % reference).

    Returns
    -------
    float
        In u.

    Raises
    ------
    ValueError
        Lengths that differ, an empty or non-finite envelope.
    """
    return _core.rudolph_cci(a, b)


def falconer_winter_coi(a: Any, b: Any) -> float:
    """Co-contraction of Falconer & Winter (Electromyogr Clin Neurophysiol 25:135, 1985):
    200 * sum(min(a, b)) / sum(a + b).

    Parameters
    ----------
    a, b : array_like, shape (n_samples,)
        Envelopes in the same unit (e.g. % reference).

    Returns
    -------
    float
        In %.

    Raises
    ------
    ValueError
        Lengths that differ, an empty or non-finite envelope.
    """
    return _core.falconer_winter_coi(a, b)


def symmetry_index(left: Any, right: Any) -> float:
    """Symmetry index of Robinson et al. (J Manipulative Physiol Ther 10:172, 1987) of two envelopes' means:
    100 (R - L) / (0.5 (L + R)), the sign of :func:`kinemyo.gait.symmetry_index` (0.1 had L - R).

    Parameters
    ----------
    left, right : array_like, shape (n_samples,)
        Envelopes in the same unit.

    Returns
    -------
    float
        In %, positive when right is larger.

    Raises
    ------
    ValueError
        An empty or non-finite envelope, L + R = 0.
    """
    return _core.symmetry_index(left, right)


def winter_correction(order: int) -> float:
    """Winter's cutoff factor C = (sqrt(2) - 1) ** (1 / (2 order)) for a Butterworth low-pass run forward and
    backward (Winter, Biomechanics and Motor Control of Human Movement, 4th ed., 2009): design at cutoff / C for
    -3 dB at the cutoff after the double pass.

    Parameters
    ----------
    order : int
        Filter order (>= 1).

    Returns
    -------
    float
        Dimensionless factor in (0, 1).

    Raises
    ------
    ValueError
        order < 1.
    """
    return _core.winter_correction(order)


def ar_coefficients(x: Any, order: int = 4) -> Any:
    """Yule-Walker autoregressive coefficients a1..a_order of one window (biased autocorrelation, mean not removed,
    Levinson-Durbin), in the prediction-error convention of MATLAB lpc / aryule:
    x[t] + a1 x[t-1] + ... + ap x[t-p] = e[t].

    Parameters
    ----------
    x : array_like, shape (n_samples,)
        One window of EMG in V.
    order : int
        Model order p (>= 1, < n_samples).

    Returns
    -------
    ndarray, shape (order,)
        Dimensionless coefficients.

    Raises
    ------
    ValueError
        order outside [1, n_samples), non-finite ``x``.
    """
    return _core.ar_coefficients(x, order)


def sample_entropy(x: Any, dimension: int = 2, tolerance: float = 0.2,
                   count: Literal["richman_moorman", "libemg"] = "richman_moorman") -> float:
    """Sample entropy of one window (Richman & Moorman, Am J Physiol 278:H2039, 2000).

    Parameters
    ----------
    x : array_like, shape (n_samples,)
        One window in any unit.
    dimension : int
        Template length m in samples.
    tolerance : float
        Tolerance r as a fraction of the window's sample SD (N - 1), dimensionless.
    count : {'richman_moorman', 'libemg'}
        Template-counting rule ('libemg': LibEMG's count).

    Returns
    -------
    float
        Dimensionless entropy.

    Raises
    ------
    ValueError
        A window too short for ``dimension``, tolerance not > 0.
    """
    return _core.sample_entropy(x, dimension, tolerance, count)


def linear_trend(t: Any, y: Any) -> dict[str, Any]:
    """Least-squares line y = intercept + slope * t with its statistics (as ``scipy.stats.linregress``).

    Parameters
    ----------
    t : array_like, shape (n,)
        Times in s (or any x unit).
    y : array_like, shape (n,)
        Values in any unit u.

    Returns
    -------
    dict
        ``slope`` (u/s), ``intercept`` (u), ``r`` (correlation), ``stderr_slope`` (u/s), ``p_value`` (two-sided)
        and ``n``.

    Raises
    ------
    ValueError
        Lengths that differ, fewer than 3 points, non-finite values.
    """
    return _core.linear_trend(t, y)
