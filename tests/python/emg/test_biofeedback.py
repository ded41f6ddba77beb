"""Biofeedback loop on real EMG: envelope -> % reference -> gluteus medius : paraspinal style target zones."""

from __future__ import annotations

import numpy as np
import pytest

from kinemyo import emg
from kinemyo.io import read_simple_text


def test_live_target_zone_states_on_real_emg(shared_data_dir):
    rec = read_simple_text(shared_data_dir / "biosppy" / "emg_1.txt")
    fs = rec.fs
    x = rec.data - rec.data.mean()
    pipeline = emg.EnvelopePipeline(fs, 1, output_rate_hz=100.0)
    env = np.concatenate([pipeline.process(b) for b in np.array_split(x, 64)])  # 100 Hz envelope
    cal = emg.Calibration(["EMG"])
    cal.add_mvc_trial(env[1500:1700], 100.0)  # the strongest contraction (15-17 s) as reference
    pct = cal.normalise(env)
    # "Engage the muscle to 20-120 % of reference", debounced by 3 % and 50 ms.
    tracker = emg.TargetZoneTracker([emg.TargetZone(lower=20.0, upper=120.0, hysteresis=3.0, min_dwell_s=0.05)],
                                    input_rate_hz=100.0, display_rate_hz=20.0)
    events = tracker.process(pct)
    assert events[0]["from"] == "unknown" and events[0]["to"] == "below"
    # Each of the four contractions is reported as reaching the zone; the state is back to "below" at the end.
    ups = [e["time_s"] for e in events if e["from"] == "below"]
    for t in (1.5, 15.6, 25.7, 26.4):
        assert any(abs(u - t) < 0.35 for u in ups), (t, ups)
    assert tracker.state(0) == "below"
    assert tracker.dropped_events == 0
    with pytest.raises(ValueError, match="hysteresis"):
        emg.TargetZoneTracker([emg.TargetZone(20.0, 30.0, 6.0)], 100.0, 20.0)
