"""Surface-EMG processing: the real-time envelope pipeline and its offline (zero-phase) counterpart.

:class:`EnvelopePipeline` runs pre-filter (profile 'limb' 20-450 Hz or 'trunk' 30-450 Hz, optional mains
notches), rectification and envelope (linear envelope, moving RMS or ARV) on blocks of any size, with its
latency, frequency responses and an ISEK-style processing report. :func:`offline_envelope` is the same chain
zero-phase with Winter's cutoff correction, for publication. :class:`Calibration` holds the rest baseline and the
MVC or submaximal reference, serialisable to JSON, and expresses envelopes in % of the reference.
"""

from __future__ import annotations

import json

from kinemyo._core import (
    Calibration,
    ChannelCalibration,
    ChannelConfig,
    EnvelopePipeline,
    NotchConfig,
    offline_envelope,
    winter_correction,
)

__all__ = [
    "Calibration",
    "ChannelCalibration",
    "ChannelConfig",
    "EnvelopePipeline",
    "NotchConfig",
    "offline_envelope",
    "processing_report_dict",
    "winter_correction",
]


def processing_report_dict(pipeline: EnvelopePipeline) -> dict:
    """The pipeline's ISEK-style processing report as a dictionary (parsed from its JSON)."""
    return json.loads(pipeline.processing_report_json())
