"""kinemyo.emg.Calibration against NumPy computations of the same definitions, and on real EMG."""

from __future__ import annotations

import json

import numpy as np
import pytest

from kinemyo import emg
from kinemyo.demo import bundled_emg_path
from kinemyo.io import read_simple_text


def peak_half_second_mean(env, fs):
    w = int(round(0.5 * fs))
    c = np.cumsum(np.vstack([np.zeros((1, env.shape[1])), env]), axis=0)
    return ((c[w:] - c[:-w]) / w).max(axis=0)


def test_rest_and_mvc_match_numpy_definitions(rng):
    fs = 1000.0
    rest = np.abs(rng.standard_normal((4000, 2))) * [1.0, 2.0]
    cal = emg.Calibration(["glut_med_L", "ES_L"])
    cal.set_rest(rest, fs)
    for i in range(2):
        assert cal.channels[i].rest_mean == pytest.approx(rest[:, i].mean(), rel=1e-12)
        assert cal.channels[i].rest_sd == pytest.approx(rest[:, i].std(ddof=1), rel=1e-12)
    trials = [np.abs(rng.standard_normal((3000, 2))) * s for s in (5.0, 8.0, 6.0)]
    for t in trials:
        cal.add_mvc_trial(t, fs)
    want = np.max([peak_half_second_mean(t, fs) for t in trials], axis=0)
    np.testing.assert_allclose([c.reference for c in cal.channels], want, rtol=1e-12)
    assert all(c.reference_kind == "mvc" and c.reference_trials == 3 for c in cal.channels)
    env = np.abs(rng.standard_normal((100, 2)))
    np.testing.assert_allclose(cal.normalise(env), 100 * env / want, rtol=1e-13)


def test_json_round_trip_and_strict_errors(rng):
    cal = emg.Calibration(["glut_med_R"])
    cal.set_rest(np.full((3000, 1), 0.2), 1000.0)
    cal.add_submaximal_trial(np.full((1000, 1), 4.0), 1000.0, "side-lying hip abduction")
    doc = json.loads(cal.to_json())
    assert doc["channels"][0]["reference_kind"] == "submaximal"
    back = emg.Calibration.from_json(cal.to_json())
    assert back.channels[0].reference == 4.0 and back.channels[0].reference_task == "side-lying hip abduction"
    with pytest.raises(ValueError, match="at least 3 s"):
        cal.set_rest(np.ones((2000, 1)), 1000.0)
    with pytest.raises(ValueError, match="reference"):
        cal.add_mvc_trial(np.ones((1000, 1)), 1000.0)  # cannot mix with the submaximal reference
    with pytest.raises(ValueError, match="envelope: expected shape"):
        cal.add_submaximal_trial(np.ones((1000, 2)), 1000.0, "x")
    with pytest.raises(ValueError, match="reference"):
        emg.Calibration(["a"]).normalise(np.ones((3, 1)))
    with pytest.raises(ValueError, match="json"):
        emg.Calibration.from_json('{"format": "something else"}')


def test_real_recording_percent_of_reference():
    # The bundled BioSPPy recording: rest from its first 10 s, the reference from the contraction around 50-58 s.
    rec = read_simple_text(bundled_emg_path())
    fs = rec.fs
    env = emg.EnvelopePipeline(fs, 1).process(rec.data - rec.data[0])
    cal = emg.Calibration(["EMG"])
    cal.set_rest(env[int(2 * fs) : int(12 * fs)], fs)
    cal.add_mvc_trial(env[int(48 * fs) : int(60 * fs)], fs)
    pct = cal.normalise(env)[:, 0]
    c = cal.channels[0]
    assert c.reference > c.rest_mean + 3 * c.rest_sd  # the contraction stands out from rest
    assert 100 * c.rest_mean / c.reference < 60.0
    assert np.max(pct[int(48 * fs) : int(60 * fs)]) >= 100.0  # the raw envelope peaks above its 0.5 s average
