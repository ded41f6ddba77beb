"""Scoring of detected EMG onsets against the verified activations of tests/data/emg_onsets/references.json.

One matching rule for every recording: candidate (detection, reference) pairs are those where the onset falls
inside the reference's window; they are taken in order of increasing distance from the reference point, each
detection and each reference used at most once (one-to-one). Used by bench/onset_cv.py (how the onset defaults
were chosen) and tests/python/emg/test_onsets_real.py (the shipped defaults on the same recordings).

  contractions (BioSPPy)  window: |onset - reference onset| <= tol_s; reference point: the reference onset.
                          A detection matching nothing is extra unless its burst overlaps an 'optional' stretch.
  gait (gaitalytics)      window: the event time + the muscle's onset_window_s; reference point: the window's
                          centre. Windows not wholly inside score_s are optional, as is optional_window_s around
                          each event; a detection matching nothing is extra if it starts inside score_s and in
                          no optional window.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class OnsetScore:
    """Matches of one channel. ``errors_s`` maps each found reference to its signed onset error in seconds
    (detection - reference point); ``missed`` lists the references not found; ``extra`` the unmatched detections
    that count against the detector, as (onset_s, offset_s)."""

    errors_s: dict[int, float]
    missed: list[int]
    extra: list[tuple[float, float]]
    n_references: int
    timed: bool = field(default=True)  # False when the reference point is no measured onset (gait windows)

    @property
    def found(self) -> int:
        return len(self.errors_s)

    def counts(self) -> dict:
        """found, missed, extra and the mean absolute onset error in ms (NaN without timed matches)."""
        err = [abs(e) for e in self.errors_s.values()] if self.timed else []
        return {"found": self.found, "missed": len(self.missed), "extra": len(self.extra),
                "onset_err_ms": 1000.0 * float(np.mean(err)) if err else float("nan")}


def match_one_to_one(onsets, points: list[float], inside) -> dict[int, int]:
    """Detection index -> reference index. Candidates are the pairs where ``inside(onset, j)`` (the onset falls in
    reference j's window); they are taken nearest to the reference's point first, each detection and each
    reference used once."""
    pairs = sorted((abs(o - p), i, j) for i, o in enumerate(onsets) for j, p in enumerate(points) if inside(o, j))
    det, ref = {}, set()
    for _, i, j in pairs:
        if i not in det and j not in ref:
            det[i] = j
            ref.add(j)
    return det


def score_contractions(onsets, offsets, ref: dict) -> OnsetScore:
    """Detections against the contractions of a BioSPPy recording (reference kind 'contractions')."""
    bursts = ref["contractions"]
    points = [b["onset_s"] for b in bursts]
    det = match_one_to_one(onsets, points, lambda o, j: abs(o - points[j]) <= bursts[j]["tol_s"])
    errors = {j: float(onsets[i] - points[j]) for i, j in det.items()}
    extra = [(float(on), float(off)) for i, (on, off) in enumerate(zip(onsets, offsets))
             if i not in det and not any(on < b and off > a for a, b in ref["optional_s"])]
    return OnsetScore(errors, [j for j in range(len(bursts)) if j not in errors], extra, len(bursts))


def gait_windows(ref: dict, muscle: dict) -> tuple[list, list]:
    """(required onset windows, sorted; optional windows) of one muscle of a gait recording."""
    lo, hi = ref["score_s"]
    required, optional = [], []
    for name in muscle["events"]:
        for e in ref["events_s"][name]:
            w = (e + muscle["onset_window_s"][0], e + muscle["onset_window_s"][1])
            (required if lo <= w[0] and w[1] <= hi else optional).append(w)
            if "optional_window_s" in muscle:
                optional.append((e + muscle["optional_window_s"][0], e + muscle["optional_window_s"][1]))
    return sorted(required), optional


def score_gait_channel(onsets, offsets, ref: dict, muscle: dict) -> OnsetScore:
    """Detections of one muscle against its event windows in a gait recording (reference kind 'gait')."""
    lo, hi = ref["score_s"]
    required, optional = gait_windows(ref, muscle)
    points = [(a + b) / 2 for a, b in required]
    det = match_one_to_one(onsets, points, lambda o, j: required[j][0] <= o <= required[j][1])
    errors = {j: float(onsets[i] - points[j]) for i, j in det.items()}
    extra = [(float(on), float(off)) for i, (on, off) in enumerate(zip(onsets, offsets))
             if i not in det and lo <= on <= hi and not any(a <= on <= b for a, b in optional)]
    return OnsetScore(errors, [j for j in range(len(required)) if j not in errors], extra, len(required), timed=False)
