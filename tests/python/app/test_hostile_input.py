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
        gait.foot_angle(np.zeros((100, 3)), np.tile([0.0, 0.0, 9.81], (100, 1)), [0.5], fs=100.0, anterior="x")


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


# --- second part: complex input, checked casts and values, truncated and malformed files --------------------------

def test_complex_input_is_refused_at_every_kind_of_door():
    from kinemyo import dsp, questionnaire
    from kinemyo.timebase import TimeBase, regularize

    z = np.ones(2000) + 1j
    fs = 1000.0
    calls = {
        "x": lambda: dsp.sosfilt(dsp.butterworth_sos(4, 20.0, "highpass", fs=fs), z),
        "f_hz": lambda: dsp.sos_frequency_response(dsp.butterworth_sos(2, 20.0, "highpass", fs=fs), z[:4], fs=fs),
        "acc": lambda: gait.lower_back_gait(np.tile([9.81 + 1j, 0, 0], (500, 1)), np.zeros((500, 3)), fs=100.0),
        "left_values": lambda: gait.side_index("symmetry_index", z[:5], np.ones(5)),
        "gyr": lambda: imu.robust_orientation(np.zeros((100, 3)) + 1j, np.tile([0, 0, 9.81], (100, 1)), fs=100.0),
        "answers": lambda: questionnaire.score_frame("odi", np.ones((2, 10)) + 1j),
        "t": lambda: regularize(np.arange(10) + 0j, np.ones(10), fs=1.0),
        "mdf_hz": lambda: emg.median_frequency_trend(np.arange(5.0), np.ones(5) + 1j),
    }
    for name, call in calls.items():
        with pytest.raises(TypeError, match=rf"{name}: complex input is not supported"):
            call()
    assert TimeBase(0.0, 10.0, 3).n == 3


def test_float_answers_beyond_int_are_range_checked():
    from kinemyo import questionnaire

    answers = np.zeros((1, 10))
    answers[0, 3] = 4294967298.0
    with pytest.raises(ValueError, match=r"row 0, item 4: answer out of range, got 4294967298"):
        questionnaire.score_frame("odi", answers)  # was reported as -2147483648 (an unchecked cast)


def test_calibration_json_values_are_bounded():
    cal = emg.Calibration(["a"])
    good = json.loads(cal.to_json())
    emg.Calibration.from_json(json.dumps(good))

    def bad(match, **fields):
        doc = json.loads(json.dumps(good))
        doc["channels"][0].update(fields)
        with pytest.raises(ValueError, match=match):
            emg.Calibration.from_json(json.dumps(doc))

    bad(r"rest_sd: must be finite and >= 0", rest_mean=1.0, rest_sd=-0.5)
    bad(r"rest_sd: rest_mean and rest_sd come together", rest_mean=1.0)
    bad(r"reference_trials: must be >= 0", reference_trials=-1)
    bad(r"reference_trials: integer 4294967296 is out of range", reference_trials=2**32)
    bad(r"reference: must be a positive normal number", reference=1e-320, reference_kind="mvc", reference_trials=1)
    bad(r"reference, reference_kind and reference_trials disagree", reference=2.0)


def test_scalar_arguments_are_checked():
    from kinemyo.timebase import TimeBase

    with pytest.raises(TypeError, match="n: expected an integer"):
        TimeBase(0.0, 100.0, 2.5)
    with pytest.raises(ValueError, match="fs: must be finite and > 0"):
        TimeBase(0.0, float("inf"), 3)
    with pytest.raises(ValueError, match="segment: must be a non-zero finite quaternion"):
        imu.inclination([[0.0, 0.0, 0.0, 0.0]])  # was pi/2, "lying flat"
    q = np.tile([1.0, 0.0, 0.0, 0.0], (2, 1))
    with pytest.raises(ValueError, match=r"anterior_hints\[1\]: must be a finite non-zero vector"):
        imu.calibrate_static_pose(q, [[1.0, 0.0, 0.0], [np.nan, 0.0, 0.0]], shared_heading=True)  # was ignored


def test_truncated_and_corrupt_delimited_files(tmp_path):
    import gzip

    from kinemyo import io

    good = tmp_path / "good.csv"
    good.write_text("a,b\n1,2\n2054,217\n")
    assert io.read_delimited(good, fs=10.0).data[-1, 1] == 217.0
    cut = tmp_path / "cut.csv"
    cut.write_text("a,b\n1,2\n2054,2")  # cut inside "217": once read as 2
    with pytest.raises(ValueError, match="cut.csv: the last line has no line end"):
        io.read_delimited(cut, fs=10.0)
    gz = tmp_path / "cut.csv.gz"
    gz.write_bytes(gzip.compress(good.read_bytes())[:-12])
    with pytest.raises(ValueError, match="cut.csv.gz: cannot be read"):
        io.read_delimited(gz, fs=10.0)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("a,\xe9\n1,2\n".encode("latin-1"))
    with pytest.raises(ValueError, match="latin.csv: not UTF-8 text"):
        io.read_delimited(latin, fs=10.0)
    secret = tmp_path / "passwd.csv"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\nuser:secret-token\n")
    with pytest.raises(ValueError) as err:
        io.read_delimited(secret, fs=10.0)
    assert "secret-token" not in str(err.value) and "root:x" not in str(err.value)
    missing = tmp_path / "missing.csv"  # an empty cell or nan is a missing sample; inf is corruption
    missing.write_text("a,b\n1,\n2,nan\n")
    assert np.isnan(io.read_delimited(missing, fs=10.0).data[:, 1]).all()
    for cell in ("inf", "-inf", "1e999"):
        bad = tmp_path / "inf.csv"
        bad.write_text(f"a,b\n1,2\n3,{cell}\n")
        with pytest.raises(ValueError, match="inf.csv: sample 1, column 1: infinite value"):
            io.read_delimited(bad, fs=10.0)
    text = tmp_path / "inf.txt"
    text.write_text("# Sampling Rate (Hz):= 1000\n1\ninf\n")
    with pytest.raises(ValueError, match="inf.txt: sample 1, column 0: infinite value"):
        io.read_simple_text(text)


def test_truncated_and_malformed_c3d_files(tmp_path, shared_data_dir):
    pytest.importorskip("ezc3d")
    from kinemyo import io

    src = shared_data_dir / "gaitalytics" / "gait_es_emg.c3d"
    if not src.is_file():
        pytest.skip(f"{src} not found (set KINEMYO_DATA_DIR to the shared data folder)")
    raw = src.read_bytes()
    full = io.read_c3d(src)
    assert full.data.shape[1] > 0 and full.fs > 0
    cut = tmp_path / "cut.c3d"
    cut.write_bytes(raw[: len(raw) - 20000])
    with pytest.raises(ValueError, match=r"cut.c3d: C3D file is \d+ bytes, its header describes \d+ \(truncated\)"):
        io.read_c3d(cut)  # once read without error as a shorter recording
    rng = np.random.default_rng(7)
    outcomes = {"ok": 0, "error": 0}
    for k in range(12):  # byte-level mutants of the parameter section: an error or a recording, never a crash
        b = bytearray(raw)
        for pos in rng.integers(512, 512 * 27, size=40):
            b[pos] = rng.integers(0, 256)
        p = tmp_path / f"m{k}.c3d"
        p.write_bytes(bytes(b))
        try:
            io.read_c3d(p)
            outcomes["ok"] += 1
        except ValueError:
            outcomes["error"] += 1
    assert sum(outcomes.values()) == 12
