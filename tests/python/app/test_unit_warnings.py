"""kinemyo.UnitWarning: gyroscope data in deg/s and accelerometer data in g, given to functions that expect rad/s and
m/s^2, are flagged, on real recordings in both units: the gaitmap feet of the demo session (stored in deg/s), BROAD
(rad/s, m/s^2; the fastest trials stay clear of the bound) and the Mobilise-D lower-back sample (where the
lower-back pipeline keeps refusing such data with an error). Also: every public module and name of the package
resolves from `import kinemyo`."""

from __future__ import annotations

import json
import pathlib
import warnings

import numpy as np
import pytest

import kinemyo
from kinemyo import UnitWarning, datasets, gait, imu
from kinemyo._validate import GYR_MAX_RAD_PER_S, check_imu_units

G = 9.80665


@pytest.fixture(scope="module")
def feet():
    return datasets.load_demo_feet()


def _unit_warnings(record) -> list[str]:
    return [str(w.message) for w in record if issubclass(w.category, UnitWarning)]


def _run(fn, *args, **kw) -> list[str]:
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        fn(*args, **kw)
    return _unit_warnings(record)


def test_unit_warning_is_a_user_warning_of_the_package():
    assert issubclass(kinemyo.UnitWarning, UserWarning) and "UnitWarning" in kinemyo.__all__


def test_gyroscope_in_deg_per_s_is_flagged(feet):
    gyr_deg = np.degrees(feet.left_gyr)  # the values as stored in the gaitmap file
    for fn in (imu.robust_orientation, imu.madgwick, imu.mahony):
        msgs = _run(fn, gyr_deg, feet.left_acc, fs=feet.fs)
        assert len(msgs) == 1 and msgs[0].startswith("gyr:") and "deg/s" in msgs[0], (fn.__name__, msgs)
        assert _run(fn, feet.left_gyr, feet.left_acc, fs=feet.fs) == []
    assert len(_run(gait.foot_events, gyr_deg, fs=feet.fs)) == 1
    assert len(_run(gait.shank_events, gyr_deg[:, 1], fs=feet.fs)) == 1
    assert _run(gait.foot_events, feet.left_gyr, fs=feet.fs) == []


def test_acceleration_in_g_is_flagged(feet):
    msgs = _run(imu.robust_orientation, feet.left_gyr, feet.left_acc / G, fs=feet.fs)
    assert len(msgs) == 1 and msgs[0].startswith("acc:") and "look like g" in msgs[0]
    both = _run(imu.madgwick, np.degrees(feet.left_gyr), feet.left_acc / G, fs=feet.fs)
    assert [m.split(":")[0] for m in both] == ["gyr", "acc"]


def test_compound_entry_points_warn_once_naming_the_array(feet):
    msgs = _run(gait.analyze_feet, np.degrees(feet.left_gyr), feet.left_acc, feet.right_gyr, feet.right_acc / G,
                fs=feet.fs)
    assert [m.split(":")[0] for m in msgs] == ["left_gyr", "right_acc"]
    ev = gait.foot_events(feet.left_gyr, fs=feet.fs)
    assert len(_run(gait.foot_angle, np.degrees(feet.left_gyr), feet.left_acc, ev.mid_stance, fs=feet.fs)) == 1
    assert len(_run(gait.zupt_strides, feet.left_gyr, feet.left_acc / G, ev.mid_stance, fs=feet.fs)) == 1
    assert len(_run(gait.foot_events, np.degrees(feet.left_gyr), fs=feet.fs, ml_axis="auto")) == 1
    assert _run(gait.analyze_feet, **feet._asdict()) == []


def test_the_warning_points_at_the_caller(feet):
    with pytest.warns(UnitWarning) as record:
        imu.madgwick(np.degrees(feet.left_gyr[:500]), feet.left_acc[:500], fs=feet.fs)
    assert pathlib.Path(record[0].filename).name == pathlib.Path(__file__).name


def test_broad_in_si_units_is_not_flagged_and_in_deg_per_s_is(shared_data_dir):
    root = shared_data_dir / "broad"
    trials = json.loads((root / "trials.json").read_text())
    for name in ("06_undisturbed_fast_rotation_A", "21_undisturbed_fast_combined", "10_undisturbed_slow_translation_A"):
        data = np.loadtxt(root / f"{name}.csv", delimiter=",", skiprows=1, usecols=range(6))
        fs = trials[name]["sampling_rate_hz"]
        gyr, acc = data[:, :3], data[:, 3:6]
        assert np.percentile(np.linalg.norm(gyr, axis=1), 99) < GYR_MAX_RAD_PER_S / 2  # fast rotation: ~13 rad/s
        assert _run(imu.madgwick, gyr, acc, fs=fs) == []
        assert [m.split(":")[0] for m in _run(imu.madgwick, np.degrees(gyr), acc / G, fs=fs)] == ["gyr", "acc"]


def test_lower_back_keeps_refusing_wrong_units(repo_dir):
    import pandas as pd

    data = pd.read_csv(repo_dir / "tests/data/mobgap/ha001_test5_trial1.csv").to_numpy()
    acc, gyr = data[:, :3], data[:, 3:]
    assert _run(gait.lower_back_gait, acc, gyr, fs=100.0) == []
    with pytest.raises(ValueError, match="acc"):
        gait.lower_back_gait(acc / G, gyr, fs=100.0)
    with pytest.raises(ValueError, match="gyr"):
        gait.lower_back_gait(acc, np.degrees(gyr), fs=100.0)


def test_malformed_input_keeps_its_own_error(feet):
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnitWarning)
        with pytest.raises((ValueError, TypeError), match="gyr"):
            imu.madgwick(np.degrees(feet.left_gyr[:, :2]), feet.left_acc, fs=feet.fs)
        check_imu_units([[1, 2], [3]], "text")  # unreadable arrays are left to the function's own checks
        check_imu_units(np.full((10, 3), np.nan), np.zeros((10, 3)))  # missing rows only: nothing to judge


def test_every_public_module_and_name_resolves():
    package = pathlib.Path(kinemyo.__file__).parent
    modules = {p.stem for p in package.glob("*.py") if not p.stem.startswith("_")}
    assert modules <= set(kinemyo.__all__), f"public modules missing from kinemyo.__all__: {modules - set(kinemyo.__all__)}"
    assert len(kinemyo.__all__) == len(set(kinemyo.__all__))
    for name in kinemyo.__all__:
        assert getattr(kinemyo, name) is not None, name
        assert not name.startswith("_") or name == "__version__", name
        assert name in dir(kinemyo)
    for module in ("plot", "datasets", "emg", "imu", "gait"):
        m = getattr(kinemyo, module)
        for name in m.__all__:
            assert not name.startswith("_") and hasattr(m, name), (module, name)
