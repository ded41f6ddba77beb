"""kinemyo.datasets: the bundled recordings load with their shapes, rates and units, hold what the session analysis
reads, and (where the shared reference data are present) equal their published sources."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("pandas")

from kinemyo import datasets, gait, questionnaire  # noqa: E402
from kinemyo.analysis import analyze_session, read_emg_recording  # noqa: E402
from kinemyo.cli import demo_session_path as cli_demo_session_path  # noqa: E402
from kinemyo.io import read_simple_text  # noqa: E402
from kinemyo.session import load_session  # noqa: E402


@pytest.fixture(scope="module")
def demo():
    return analyze_session(datasets.demo_session_path())


def test_demo_session_path_is_shared_with_the_cli():
    path = datasets.demo_session_path()
    assert path.name == "session.json" and path.is_file()
    assert cli_demo_session_path() == path


def test_demo_emg_is_what_the_session_reads(demo):
    rec = datasets.load_demo_emg()
    assert rec.x.shape == (63880, 2) and rec.x.dtype == np.float64
    assert rec.fs == 1000.0 and rec.channels == ("GM_L", "ES_L") and rec.unit == "adc"
    x, base, gaps = read_emg_recording(load_session(datasets.demo_session_path()).emg[0])
    np.testing.assert_array_equal(rec.x, x)
    assert base.fs == rec.fs and gaps == []
    np.testing.assert_array_equal(demo.emg["GM_L"]["raw"], rec.x[:, 0])  # the session's own copy
    assert 0 <= rec.x.min() and rec.x.max() < 4096  # 12-bit converter counts


def test_demo_emg_equals_the_biosppy_sources(shared_data_dir):
    rec = datasets.load_demo_emg()
    gm = read_simple_text(shared_data_dir / "biosppy" / "emg.txt")
    es = read_simple_text(shared_data_dir / "biosppy" / "emg_1.txt")
    n = rec.x.shape[0]
    np.testing.assert_array_equal(rec.x[:, 0], gm.data.ravel()[:n])
    np.testing.assert_array_equal(rec.x[:, 1], es.data.ravel()[:n])


def test_demo_feet_are_si_and_give_the_session_gait(demo):
    feet = datasets.load_demo_feet()
    assert feet.fs == 204.8
    for a in feet[:4]:
        assert a.shape == (7928, 3)
    # gyroscopes converted from the file's deg/s: a walking foot peaks near 10 rad/s, not 500
    assert 5.0 < np.percentile(np.linalg.norm(feet.left_gyr, axis=1), 99) < 15.0
    assert 9.0 < np.median(np.linalg.norm(feet.left_acc, axis=1)) < 12.0
    np.testing.assert_array_equal(feet.left_gyr[:, 1], demo.gait_signals["left"])  # ml axis y, sign +1
    np.testing.assert_array_equal(feet.right_gyr[:, 1], demo.gait_signals["right"])
    res = gait.analyze_feet(**feet._asdict())
    np.testing.assert_array_equal(res.left.initial_contact, demo.gait.left.initial_contact)
    assert len(res.strides) == demo.summary["gait"]["strides"]


def test_demo_feet_equal_the_gaitmap_source(shared_data_dir):
    import pandas as pd

    raw = pd.read_csv(shared_data_dir / "gaitmap" / "imu_sample.csv", header=[0, 1], index_col=0)
    feet = datasets.load_demo_feet()
    np.testing.assert_allclose(np.degrees(feet.right_gyr), raw["right_sensor"][["gyr_x", "gyr_y", "gyr_z"]].to_numpy(),
                               rtol=1e-12)
    np.testing.assert_array_equal(feet.left_acc, raw["left_sensor"][["acc_x", "acc_y", "acc_z"]].to_numpy())


def test_demo_questionnaires_score_to_the_published_examples(demo):
    answers = datasets.load_demo_questionnaires()
    assert set(answers) == {"csi", "odi"} and len(answers["csi"]) == 25 and answers["odi"][7] is None
    assert questionnaire.score("csi", answers["csi"])["total"].value == 49.0
    assert questionnaire.score("odi", answers["odi"])["total"].value == pytest.approx(100 * 16 / 45)
    assert demo.questionnaires["odi"]["total"].value == questionnaire.score("odi", answers["odi"])["total"].value


def test_biosppy_emg():
    rec = datasets.load_biosppy_emg()
    assert rec.x.shape == (100000, 1) and rec.fs == 1000.0 and rec.channels == ("emg",) and rec.unit == "adc"
    demo = datasets.load_demo_emg()
    np.testing.assert_array_equal(rec.x[: len(demo.x), 0], demo.x[:, 0])  # the demo's GM_L is its first 63.9 s
    assert datasets.biosppy_emg_path().is_file()


def test_biosppy_emg_equals_its_source(shared_data_dir):
    source = read_simple_text(shared_data_dir / "biosppy" / "emg.txt")
    np.testing.assert_array_equal(datasets.load_biosppy_emg().x.ravel(), source.data.ravel())
