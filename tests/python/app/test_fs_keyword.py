"""One convention for the sampling rate: ``fs`` keyword-only in every public function, the 0.1 positional forms
mapped with a DeprecationWarning naming the new call, and an array where fs goes refused briefly."""

import importlib
import inspect
import warnings

import numpy as np
import pytest

from kinemyo import dsp, emg, gait
from kinemyo._compat import REMOVAL_VERSION

MODULES = ["dsp", "emg", "imu", "gait", "biofeedback", "io", "plot", "timebase", "analysis"]


def _public_functions_with_fs():
    for name in MODULES:
        mod = importlib.import_module(f"kinemyo.{name}")
        for attr in getattr(mod, "__all__", [n for n in dir(mod) if not n.startswith("_")]):
            f = getattr(mod, attr)
            if inspect.isbuiltin(f):  # a bare compiled function: its first doc line is its signature
                head = (f.__doc__ or "").lstrip().split("\n", 1)[0]
                if " fs:" in head:  # keyword-only in the binding when a bare * comes before it
                    yield f"{name}.{attr}", "keyword" if "*," in head.split(" fs:")[0] else None
            elif inspect.isfunction(f):
                sig = inspect.signature(f)
                if "fs" in sig.parameters:
                    yield f"{name}.{attr}", sig


FUNCTIONS = list(_public_functions_with_fs())


def test_every_public_function_takes_fs_by_keyword_only():
    assert len(FUNCTIONS) >= 40, FUNCTIONS  # the walk found the functions (a broken walk would pass vacuously)
    positional = [name for name, sig in FUNCTIONS
                  if sig is None or (sig != "keyword" and sig.parameters["fs"].kind is not inspect.Parameter.KEYWORD_ONLY)]
    assert positional == []


@pytest.mark.parametrize("old, new", [
    (lambda x: emg.offline_envelope(1000.0, 2, x), lambda x: emg.offline_envelope(x, 2, fs=1000.0)),
    (lambda x: emg.estimate_rest(np.abs(x), 1000.0), lambda x: emg.estimate_rest(np.abs(x), fs=1000.0)),
    (lambda x: dsp.welch(x, 1000.0, 256), lambda x: dsp.welch(x, fs=1000.0, nperseg=256)),
    (lambda x: dsp.butterworth_sos(4, 20.0, "highpass", 1000.0),
     lambda x: dsp.butterworth_sos(4, 20.0, "highpass", fs=1000.0)),
])
def test_old_positional_form_warns_and_gives_the_same_result(old, new):
    x = np.random.default_rng(0).standard_normal((4000, 2))
    with pytest.warns(DeprecationWarning, match=rf"removed in kinemyo {REMOVAL_VERSION}; call .*fs=\.\.\.") as rec:
        a = old(x)
    assert rec[0].filename == __file__  # the warning points at the caller's line
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        b = new(x)
    for u, v in zip(a if isinstance(a, tuple) else (a,), b if isinstance(b, tuple) else (b,)):
        np.testing.assert_array_equal(u, v)


def test_old_detect_activations_form_maps_every_argument():
    rng = np.random.default_rng(1)
    env = np.abs(rng.standard_normal((8000, 1))) * 0.1
    env[5000:5500] += 5.0
    rest = env[:3500]
    cfg = emg.OnsetConfig(k_on=5.0)
    with pytest.warns(DeprecationWarning, match=r"detect_activations\(x, rest, fs, config, channel_names\)"):
        old = emg.detect_activations(env, rest, 1000.0, cfg, ["gmed"])
    new = emg.detect_activations(env, rest, fs=1000.0, config=cfg, channel_names=["gmed"])
    assert old.channel_names == new.channel_names == ["gmed"] and len(old) == len(new) == 1
    np.testing.assert_array_equal(old.onset_s, new.onset_s)


def test_too_many_or_duplicated_positional_arguments_are_type_errors():
    x = np.zeros((100, 1))
    with pytest.raises(TypeError, match="at most 4 positional"):
        emg.estimate_rest(x, 1000.0, 0.25, 0.2, 7)
    with pytest.raises(TypeError, match="multiple values for fs"):
        emg.estimate_rest(x, 1000.0, fs=1000.0)


@pytest.mark.parametrize("call", [
    lambda x: emg.offline_envelope(x, 2, x),                       # old order with the array where fs was
    lambda x: emg.detect_activations(x, None, fs=x),
    lambda x: emg.detect_activations(x, x, x),
    lambda x: dsp.welch(x, x, 256),
    lambda x: gait.lower_back_gait(x, None, fs=x),
    lambda x: emg.windowed_features(x, fs=[1000.0], window_s=1.0, step_s=1.0, 
                                    thresholds=emg.FeatureThresholds(1e-6, 1e-12, 1e-6)),
])
def test_array_where_fs_goes_is_a_short_type_error_naming_fs(call):
    x = np.full((5000, 2), 0.123456789)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with pytest.raises(TypeError) as err:
            call(x)
    msg = str(err.value)
    assert msg.startswith("fs: expected the sampling rate in Hz as a number")
    assert len(msg) < 200 and "0.1234" not in msg


def test_numpy_scalars_and_zero_d_arrays_are_numbers():
    x = np.random.default_rng(2).standard_normal(2000)
    for fs in (np.float32(1000.0), np.int64(1000), np.array(1000.0)):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            f, _ = dsp.welch(x, fs=fs, nperseg=200)
        assert f[-1] == pytest.approx(500.0)


def test_demo_analysis_and_report_raise_no_deprecation_warning(tmp_path):
    # The package's own code uses the keyword form everywhere: the whole demo session, its report and figures
    # run with DeprecationWarning as an error.
    from kinemyo import datasets, report
    from kinemyo.analysis import analyze_session

    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        result = analyze_session(datasets.demo_session_path())
        report.write_report(result, tmp_path)
    assert any(tmp_path.iterdir())
