"""Live biofeedback in the terminal: normalised envelopes, the numerator : denominator muscle ratio (e.g. gluteus
medius : paraspinal) and the target-zone state, through the real-time chain (EnvelopePipeline, TargetZoneTracker).

The input is a replayed recording (paced at ``speed`` times real time; 0 = as fast as possible) or a Lab
Streaming Layer stream (``pylsl``, optional). Envelopes are shown as multiples of each channel's rest level,
measured over ``rest_s`` seconds after a ``settle_s`` start-up (the filters settle from the first sample's
offset; sit still then).
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import Callable, Iterator

import numpy as np

from kinemyo import _repr, emg
from kinemyo._compat import keyword_fs

__all__ = ["BiofeedbackFrame", "lsl_blocks", "replay_blocks", "run_biofeedback"]


@_repr.compact
@dataclass(frozen=True)
class BiofeedbackFrame:
    time_s: float
    level: dict[str, float]     # envelope / rest level per channel
    ratio: float | None         # numerator / denominator of the levels
    zone: str                   # target-zone state of the numerator channel


@keyword_fs("x", "fs", "block_s", "speed")
def replay_blocks(x: np.ndarray, *, fs: float, block_s: float = 0.02, speed: float = 1.0) -> Iterator[np.ndarray]:
    """Blocks of a recording (n, channels), paced at ``speed`` times real time (0: no pacing)."""
    n = max(1, int(round(block_s * fs)))
    start = time.perf_counter()
    for i in range(0, len(x), n):
        if speed > 0:
            delay = start + i / fs / speed - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
        yield x[i:i + n]


def lsl_blocks(stream_name: str, timeout_s: float = 5.0) -> tuple[float, int, Iterator[np.ndarray]]:
    """(fs, n_channels, blocks) from the first LSL stream called ``stream_name`` (needs
    ``pip install 'kinemyo[lsl]'``)."""
    from kinemyo._optional import require

    pylsl = require("pylsl", "lsl: reading a Lab Streaming Layer stream", RuntimeError)
    found = pylsl.resolve_byprop("name", stream_name, timeout=timeout_s)
    if not found:
        raise RuntimeError(f"lsl: no stream named {stream_name!r} within {timeout_s} s")
    inlet = pylsl.StreamInlet(found[0])
    info = inlet.info()

    def blocks() -> Iterator[np.ndarray]:
        while True:
            chunk, _ = inlet.pull_chunk(timeout=1.0)
            if chunk:
                yield np.asarray(chunk, dtype=np.float64)

    return info.nominal_srate(), info.channel_count(), blocks()


@keyword_fs("blocks", "fs", "channels")
def run_biofeedback(blocks: Iterator[np.ndarray], channels: list[emg.ChannelConfig], *, fs: float,
                    numerator: int = 0, denominator: int | None = 1, zone: tuple[float, float] = (2.0, 10.0),
                    rest_s: float = 3.0, settle_s: float = 1.0, display_hz: float = 10.0, duration_s: float | None = None,
                    show: Callable[[BiofeedbackFrame], None] | None = None) -> list[BiofeedbackFrame]:
    """Stream ``blocks`` through the real-time chain; ``show`` (default: a terminal line) gets each display frame.

    ``zone``: the target zone of the numerator channel in multiples of its rest level. Returns the frames shown.
    """
    pipeline = emg.EnvelopePipeline(fs, channels, output_rate_hz=display_hz * 5)
    out_fs = pipeline.output_rate_hz
    names = [c.name for c in channels]
    rest: list[np.ndarray] = []
    rest_level: np.ndarray | None = None
    tracker: emg.TargetZoneTracker | None = None
    frames: list[BiofeedbackFrame] = []
    show = show or _terminal
    n_out = 0
    next_display = 0.0
    for block in blocks:
        env = pipeline.process(np.asarray(block, dtype=np.float64).reshape(len(block), -1))
        for row in env:  # the display-rate envelope frames, each with its own time however the blocks arrive
            n_out += 1
            t = n_out / out_fs
            if rest_level is None or tracker is None:  # both are set together, after the rest period
                if t > settle_s:
                    rest.append(row)
                if t >= settle_s + rest_s:
                    level = np.mean(rest, axis=0)
                    rest_level = np.where(level > 0, level, 1.0)
                    lo, hi = zone
                    tracker = emg.TargetZoneTracker([emg.TargetZone(lo, hi, hysteresis=0.1 * lo, min_dwell_s=0.2)],
                                                    out_fs, display_hz)
                continue
            norm = row / rest_level
            tracker.process(norm[None, numerator:numerator + 1])
            if t >= next_display - 1e-9:
                next_display = t + 1.0 / display_hz
                ratio = float(norm[numerator] / norm[denominator]) if denominator is not None and norm[denominator] > 0 else None
                frame = BiofeedbackFrame(t, dict(zip(names, map(float, norm))), ratio, tracker.state(0))
                frames.append(frame)
                show(frame)
            if duration_s is not None and t >= duration_s:
                return _finish(frames, show)
    return _finish(frames, show)


def _finish(frames: list[BiofeedbackFrame], show: Callable[[BiofeedbackFrame], None]) -> list[BiofeedbackFrame]:
    if show is _terminal and sys.stdout.isatty():
        print()
    return frames


def _terminal(f: BiofeedbackFrame) -> None:
    bars = "  ".join(f"{name} {'#' * min(20, int(round(v))):<20s}{v:5.1f}x" for name, v in f.level.items())
    ratio = f"ratio {f.ratio:5.2f}" if f.ratio is not None else ""
    line = f"{f.time_s:7.1f} s  {bars}  {ratio}  zone: {f.zone}"
    if sys.stdout.isatty():
        print("\r" + line, end="", flush=True)
    else:
        print(line, flush=True)
