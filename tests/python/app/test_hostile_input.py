"""Regression tests for the crashes and silent wrong answers found by mutating inputs (issue 13): each call below
once killed the process or returned a plausible wrong number; now it raises ValueError / TypeError naming the
parameter, or gives standard JSON."""

from __future__ import annotations

import json

import numpy as np
import pytest

from kinemyo import emg, gait, imu
from kinemyo._jsonutil import strict_json


def test_three_vector_arguments_reject_text_instead_of_crashing():
    q = np.tile([1.0, 0.0, 0.0, 0.0], (3, 1))
    with pytest.raises(TypeError, match="axis"):
        imu.axis_elevation(q, "x")  # was a segmentation fault
    with pytest.raises(ValueError, match="axis: expected 3 numbers"):
        imu.axis_elevation(q, [1.0, 0.0])
    f = imu.RobustFilter()
    with pytest.raises(TypeError, match="gyr"):
        f.update(0.01, "abc", [0.0, 0.0, 9.81])
    with pytest.raises(TypeError, match="acc"):
        imu.orientation_from_vectors(["a", "b", "c"])
    with pytest.raises(TypeError, match="anterior|axis"):
        gait.foot_angle(np.zeros((100, 3)), np.tile([0.0, 0.0, 9.81], (100, 1)), 100.0, [0.5], anterior="x")


def test_envelope_pipeline_decimation_overflow_is_an_error():
    with pytest.raises(ValueError, match="output_rate_hz"):
        emg.EnvelopePipeline(1000.0, 1, output_rate_hz=1e-17)  # was SIGFPE
    with pytest.raises(ValueError, match="output_rate_hz"):
        emg.EnvelopePipeline(1e22, 1, output_rate_hz=100.0)


def test_onset_detector_checks_the_channel_count():
    det = emg.OnsetDetector(16, 1000.0)
    assert det.n_channels == 16
    with pytest.raises(ValueError, match=r"x: expected shape \(n_samples, 16\)"):
        det.process(np.zeros(2_000_000))  # was a heap over-read before set_baseline
    rest = np.random.default_rng(1).normal(size=(4000, 16))
    with pytest.raises(ValueError, match=r"rest: expected shape \(n_samples, 16\), got 16 x 4000"):
        det.set_baseline(rest.T)  # channels-first was interleaved wrongly
    det.set_baseline(rest)
    assert det.has_baseline


def test_bootstrap_is_bounded():
    with pytest.raises(ValueError, match="bootstrap_samples: at most 100000"):
        gait.side_index("symmetry_index", [1.0, 1.1], [1.2, 1.3], bootstrap=2**31)


def test_summary_json_is_standard_json():
    data = {"a": float("nan"), "b": [np.float32(np.inf), np.int64(3), np.array([1.0, np.nan])], "c": np.bool_(True)}
    text = json.dumps(strict_json(data), allow_nan=False)
    assert json.loads(text) == {"a": None, "b": [None, 3, [1.0, None]], "c": True}
