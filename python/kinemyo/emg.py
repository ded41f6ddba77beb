"""Surface-EMG processing: the real-time envelope pipeline and its offline (zero-phase) counterpart.

:class:`EnvelopePipeline` runs pre-filter (profile 'limb' 20-450 Hz or 'trunk' 30-450 Hz, optional mains
notches), rectification and envelope (linear envelope, moving RMS or ARV) on blocks of any size, with its
latency, frequency responses and an ISEK-style processing report. :func:`offline_envelope` is the same chain
zero-phase with Winter's cutoff correction, for publication. :func:`detect_activations` and
:class:`OnsetDetector` find muscle activation onsets and offsets (threshold with hysteresis, TKEO-conditioned,
Hodges & Bui), offline and streaming. :class:`Calibration` holds the rest baseline and the
MVC or submaximal reference, serialisable to JSON, and expresses envelopes in % of the reference.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np

from kinemyo._core import _detect_activations
from kinemyo._core import (
    Calibration,
    ChannelCalibration,
    ChannelConfig,
    EnvelopePipeline,
    NotchConfig,
    OnsetConfig,
    OnsetDetector,
    offline_envelope,
    winter_correction,
)

__all__ = [
    "Calibration",
    "ChannelCalibration",
    "ChannelConfig",
    "EnvelopePipeline",
    "ActivationTable",
    "NotchConfig",
    "OnsetConfig",
    "OnsetDetector",
    "detect_activations",
    "offline_envelope",
    "processing_report_dict",
    "winter_correction",
]


def processing_report_dict(pipeline: EnvelopePipeline) -> dict:
    """The pipeline's ISEK-style processing report as a dictionary (parsed from its JSON)."""
    return json.loads(pipeline.processing_report_json())


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
        return self.offset_s - self.onset_s

    def to_frame(self):
        """The table as a pandas DataFrame (columns carry units)."""
        import pandas as pd

        names = [self.channel_names[c] if c < len(self.channel_names) else str(c) for c in self.channel]
        return pd.DataFrame({"channel": names, "onset_s": self.onset_s, "offset_s": self.offset_s,
                             "duration_s": self.duration_s, "onset_sample": self.onset_sample,
                             "offset_sample": self.offset_sample, "complete": self.complete})


def detect_activations(x, rest, fs: float, config: OnsetConfig | None = None,
                       channel_names: list[str] | None = None) -> ActivationTable:
    """Offline onsets and offsets of muscle activation.

    Parameters
    ----------
    x : array_like, shape (n_samples,) or (n_samples, n_channels)
        An envelope for ``method='threshold'`` (e.g. from :func:`offline_envelope`), band-passed EMG for
        'tkeo' and 'hodges_bui'.
    rest : array_like
        At least 3 s of rest in the same domain and channels, for the baseline mean and SD.
    fs : float
        Sampling rate in Hz.
    config : OnsetConfig, optional
        Defaults: threshold mean + 3 SD for 25 ms on, mean + 2 SD for 50 ms off.

    Returns
    -------
    ActivationTable
    """
    config = config if config is not None else OnsetConfig()
    rows = _detect_activations(x, rest, fs, config)
    cols = list(zip(*rows)) if rows else [[]] * 6
    return ActivationTable(
        channel=np.asarray(cols[0], dtype=np.int64), onset_sample=np.asarray(cols[1], dtype=np.int64),
        offset_sample=np.asarray(cols[2], dtype=np.int64), onset_s=np.asarray(cols[3], dtype=np.float64),
        offset_s=np.asarray(cols[4], dtype=np.float64), complete=np.asarray(cols[5], dtype=bool), fs=float(fs),
        method=config.method, channel_names=list(channel_names or []))
