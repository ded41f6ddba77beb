"""Readable reprs: every compiled class and every result class shows what it is and its settings, never the data
(`<kinemyo._core.X object at 0x...>` nowhere, no array values), and a whole session result stays short."""

import dataclasses
import importlib
import inspect
import re

import numpy as np
import pytest

import kinemyo
from kinemyo import _core, dsp, emg, gait, imu

ADDRESS = re.compile(r"object at 0x[0-9a-f]+")


def _compiled_instances():
    """One instance of every compiled class (built the way a user would)."""
    sos = dsp.butterworth_sos(4, 20.0, "highpass", fs=1000.0)
    objs = {
        "SosFilter": dsp.SosFilter(sos, 2),
        "MovingWindow": dsp.MovingWindow(50, 2, "rms"),
        "TeagerKaiser": dsp.TeagerKaiser(2),
        "EnvelopePipeline": emg.EnvelopePipeline(fs=2000.0, channels=[emg.ChannelConfig(name="gmed"),
                                                                     emg.ChannelConfig(name="es", profile="trunk")]),
        "OnsetDetector": emg.OnsetDetector(2, fs=1000.0),
        "EcgRemover": emg.EcgRemover(2, fs=1000.0),
        "FatigueTracker": emg.FatigueTracker(2, fs=1000.0),
        "TargetZoneTracker": emg.TargetZoneTracker([emg.TargetZone(0.2, 0.5)], 100.0, 10.0),
        "Calibration": emg.Calibration(["gmed", "es"]),
        "RobustFilter": imu.RobustFilter(imu.RobustFilterParams()),
        "MadgwickFilter": imu.MadgwickFilter(beta=0.1),
        "MahonyFilter": imu.MahonyFilter(kp=1.0, ki=0.0),
        "FootEventDetector": gait.FootEventDetector(fs=100.0),
    }
    return objs


def test_no_compiled_class_prints_its_address():
    made = _compiled_instances()
    for name, obj in made.items():
        text = repr(obj)
        assert not ADDRESS.search(text), text
        assert text.startswith(f"{name}(") and len(text) < 400, text
    # every compiled class either was built above or is a value class (config) with a field repr
    for name, cls in vars(_core).items():
        if inspect.isclass(cls) and name not in made:
            assert "__repr__" in vars(cls), name


def test_streaming_reprs_show_settings_and_latency():
    p = _compiled_instances()["EnvelopePipeline"]
    text = repr(p)
    assert "fs=2000" in text and "channels=['gmed', 'es']" in text and "latency_ms=" in text
    f = _compiled_instances()["SosFilter"]
    assert "n_channels=2" in repr(f) and "n_sections=2" in repr(f)
    assert "latency_samples=" in repr(_compiled_instances()["MovingWindow"])


def test_result_reprs_never_show_the_data():
    rng = np.random.default_rng(0)
    env = np.abs(rng.standard_normal((8000, 2))) * 0.1 + 1.0
    env[5000:5600, 0] += 10.0
    table = emg.detect_activations(env, fs=1000.0, channel_names=["gmed", "es"])
    text = repr(table)
    assert text.startswith("ActivationTable(n=1,") and "onset_s=<1 float64>" in text
    assert "channel_names=['gmed', 'es']" in text and "method='threshold'" in text
    indices = emg.sliding_indices(env[:, 0], env[:, 1], fs=1000.0)
    assert re.fullmatch(r"IndexTable\(n=\d+, t_start_s=<\d+ float64>.*\)", repr(indices))
    walk = gait.synthesize_foot_gait(left=(0.7, 0.4), right=(0.7, 0.4), fs=100.0, duration=20.0)
    events = gait.foot_events(walk["left_gyr"], fs=100.0)
    assert "<" in repr(events) and len(repr(events)) < 400
    values = {f"{x:.4g}" for x in walk["left_gyr"].ravel()[:50] if abs(x) > 0.01}
    assert not any(v in repr(events) for v in values)


def test_every_result_dataclass_has_a_short_repr():
    for modname in ("emg", "gait", "imu", "io", "questionnaire", "timebase", "biofeedback", "progress"):
        mod = importlib.import_module(f"kinemyo.{modname}")
        for name, cls in vars(mod).items():
            if inspect.isclass(cls) and dataclasses.is_dataclass(cls) and cls.__module__ == mod.__name__:
                assert cls.__repr__ is not object.__repr__, name
                generated = getattr(cls.__repr__, "__qualname__", "").endswith("__create_fn__.<locals>.__repr__")
                assert not generated, f"{modname}.{name} keeps the dataclass repr that prints every array"


def test_session_result_repr_is_short():
    from kinemyo import datasets
    from kinemyo.analysis import analyze_session

    result = analyze_session(datasets.demo_session_path())
    text = repr(result)
    assert len(text) < 600, len(text)
    assert text.startswith("SessionResult(session=") and "strides" in text and "emg=['GM_L', 'ES_L']" in text


@pytest.mark.parametrize("value, expected", [
    (np.zeros((3, 4)), "<3x4 float64>"), (2.5, "2.5"), (True, "True"), (None, "None"), ("abc", "'abc'"),
    (list(range(100)), "<list of 100>"),
])
def test_summarize(value, expected):
    from kinemyo._repr import summarize

    assert summarize(value) == expected


def test_package_version_is_reachable():  # the module imported above is the package under test
    assert kinemyo.__version__
