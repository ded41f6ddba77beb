"""A session whose only IMU is at the lower back (the sensor a low-back-pain clinic uses): the summary, steps.csv
and the report come from gait.lower_back_gait on the same recording (Mobilise-D lab data, HA/001 Test5 Trial1,
mobgap example data, Apache-2.0), moved on the session clock; the comparison reads the lower-back rows."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest

from kinemyo import gait
from kinemyo.analysis import analyze_session, plan_steps
from kinemyo.progress import compare_summaries
from kinemyo.report import write_report
from kinemyo.session import load_session

SAMPLE = "tests/data/mobgap/ha001_test5_trial1.csv"


@pytest.fixture()
def session_file(tmp_path, repo_dir):
    shutil.copy(repo_dir / SAMPLE, tmp_path / "back.csv")
    spec = {"name": "lower back only", "subject": "HA001", "date": "2020-12-10",
            "imu": [{"file": "back.csv", "format": "csv", "fs": 100.0, "placement": "lower_back", "start_s": 2.0,
                     "gyr": ["gyr_x", "gyr_y", "gyr_z"], "acc": ["acc_x", "acc_y", "acc_z"]}]}
    path = tmp_path / "session.json"
    path.write_text(json.dumps(spec))
    return path


def test_lower_back_only_session(session_file, tmp_path, repo_dir):
    assert plan_steps(load_session(session_file)) == ["gait (lower back)"]
    result = analyze_session(session_file)
    data = pd.read_csv(repo_dir / SAMPLE).to_numpy()
    direct = gait.lower_back_gait(data[:, :3], data[:, 3:], fs=100.0)
    np.testing.assert_allclose(result.lower_back.initial_contact, direct.initial_contact + 2.0)
    s = result.summary["gait_lower_back"]
    kept = direct.steps[~direct.steps.excluded]
    assert s["steps"] == len(direct.steps) and s["steps_kept"] == len(kept) and s["walking_bouts"] == 1
    assert s["median"]["step_time_s"]["left"] == kept[kept.side == "left"].step_time_s.median()
    si = next(r["value"] for r in s["asymmetry"] if r["parameter"] == "step_time_s" and r["index"] == "symmetry_index")
    assert si == pytest.approx(gait.symmetry_index(kept[kept.side == "left"].step_time_s.median(),
                                                   kept[kept.side == "right"].step_time_s.median()))
    assert s["vertical_axis"] == "+x" and "gait" not in result.summary
    paths = write_report(result, tmp_path / "out")
    steps = pd.read_csv(paths["steps"])
    np.testing.assert_allclose(steps.start_s, direct.steps.start_s + 2.0)
    html = paths["report"].read_text()
    assert "id='lower_back'" in html and "Gait asymmetry from the lower back" in html
    assert "lower-back gait" in html and "NaN" not in paths["summary"].read_text()
    table, _ = compare_summaries([result.summary, result.summary], mic={"gait (lower back) step_time_s symmetry_index": 5})
    row = table.set_index("measure").loc["gait (lower back) step_time_s symmetry_index"]
    assert row["change"] == 0 and row["status"] == "no important change"
