"""Readers for recording formats.

``read_simple_text`` reads the plain-text format of BioSPPy / OpenSignals exports: ``#`` header lines with
``key:= value`` pairs (the sampling rate among them), then one row of samples per line.
"""

from __future__ import annotations

import pathlib
from dataclasses import dataclass, field

import numpy as np

__all__ = ["Recording", "read_simple_text"]


@dataclass(frozen=True)
class Recording:
    """Samples with their sampling rate and provenance.

    Attributes
    ----------
    data : ndarray, shape (n_samples, n_channels)
    fs : float
        Sampling rate in Hz, from the file header.
    labels : list of str
        One name per channel.
    source : str
        Path the recording was read from.
    header : dict
        Every ``key:= value`` pair of the header, as text.
    """

    data: np.ndarray
    fs: float
    labels: list[str]
    source: str
    header: dict[str, str] = field(default_factory=dict)

    @property
    def duration_s(self) -> float:
        return self.data.shape[0] / self.fs


def read_simple_text(path: str | pathlib.Path) -> Recording:
    """Read a BioSPPy "Simple Text Format" file.

    Parameters
    ----------
    path : str or pathlib.Path

    Returns
    -------
    Recording

    Raises
    ------
    ValueError
        If the header has no positive ``Sampling Rate (Hz)``, or the body is empty or not numeric.
    """
    path = pathlib.Path(path)
    header: dict[str, str] = {}
    with path.open("r", encoding="utf-8") as fh:
        for line in fh:
            if not line.startswith("#"):
                break
            key, sep, value = line[1:].partition(":=")
            if sep:
                header[key.strip()] = value.strip()
    rate = header.get("Sampling Rate (Hz)")
    if rate is None:
        raise ValueError(f"{path}: header has no 'Sampling Rate (Hz)' entry")
    try:
        fs = float(rate)
    except ValueError as exc:
        raise ValueError(f"{path}: sampling rate {rate!r} is not a number") from exc
    if not np.isfinite(fs) or fs <= 0:
        raise ValueError(f"{path}: sampling rate must be > 0, got {fs}")
    try:
        data = np.loadtxt(path, comments="#", dtype=np.float64, ndmin=2)
    except ValueError as exc:
        raise ValueError(f"{path}: body is not numeric: {exc}") from exc
    if data.shape[0] == 0:
        raise ValueError(f"{path}: no samples")
    labels = header.get("Labels", "").split()
    if len(labels) != data.shape[1]:
        labels = [f"ch{i}" for i in range(data.shape[1])]
    return Recording(np.ascontiguousarray(data), fs, labels, str(path), header)
