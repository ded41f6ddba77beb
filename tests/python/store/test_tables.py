"""kinemyo.tables: the tidy tables of one session hold exactly the values of the analysis they came from, with a
fixed schema, and input_hash changes with any input byte or kinemyo's version but not with the folder's place."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest

from kinemyo import _core
from kinemyo.analysis import analyze_session
from kinemyo.tables import (ACTIVATION_COLUMNS, MEASURE_COLUMNS, QUESTIONNAIRE_COLUMNS, SESSION_COLUMNS,
                            STRIDE_COLUMNS, TABLES, input_hash, session_tables)

from .conftest import DEMO, make_session

H = "ab" * 32


def by_measure(measures: pd.DataFrame) -> dict:
    assert measures["measure"].is_unique
    return dict(zip(measures["measure"], measures["value"]))


def test_schema_of_every_table(demo_result):
    t = session_tables(demo_result, input_hash=H, patient="P01", date="2024-01-08")
    assert tuple(t) == TABLES
    assert tuple(t["sessions"].columns) == SESSION_COLUMNS
    assert tuple(t["measures"].columns) == MEASURE_COLUMNS
    assert tuple(t["activations"].columns) == ACTIVATION_COLUMNS
    assert tuple(t["questionnaires"].columns) == QUESTIONNAIRE_COLUMNS
    assert list(t["strides"].columns) == ["session_id", "source", *STRIDE_COLUMNS]
    for name, frame in t.items():
        assert (frame["session_id"] == H).all(), name
    row = t["sessions"].iloc[0]
    assert (row.patient, row.date, row.status, row.kinemyo_version, row["name"]) == \
        ("P01", "2024-01-08", "ok", _core.__version__, "demo")
    assert row.error is None and row.affected_side == "left"
    assert set(t["measures"]["direction"]) <= {"higher_is_better", "lower_is_better", "zero_is_best", "none"}


def test_measures_are_the_summary_values(demo_result):
    s = demo_result.summary
    m = session_tables(demo_result, input_hash=H, patient="P01", date=None)["measures"]
    v = by_measure(m)
    assert v["ratio GM_L:ES_L"] == s["ratios"]["GM_L:ES_L"]["median_windowed_ratio"]
    assert v["ratio GM_L:ES_L overall"] == s["ratios"]["GM_L:ES_L"]["overall_activation_ratio"]
    si = {(r["parameter"], r["index"]): r["value"] for r in s["gait"]["asymmetry"]}
    assert v["gait step_time_s symmetry_index"] == si[("step_time_s", "symmetry_index")]
    assert v["gait stance_time_s symmetry_index"] == si[("stance_time_s", "symmetry_index")]
    assert v["gait swing_time_s gait_asymmetry"] == si[("swing_time_s", "gait_asymmetry")]
    assert v["gait gait_speed_m_per_s left"] == s["gait"]["median"]["gait_speed_m_per_s"]["left"]
    assert v["foot angle right range_per_repetition"] == \
        np.median(s["gait"]["foot_angle_deg"]["right"]["range_per_repetition"])
    assert v["csi total"] == 49.0 and v["odi total"] == pytest.approx(16 / 45 * 100)
    assert v["emg ES_L activations"] == s["emg"]["ES_L"]["activations"] == 10
    assert v["emg GM_L active_fraction"] == pytest.approx(100 * s["emg"]["GM_L"]["active_fraction"])
    row = m.set_index("measure")
    assert row.loc["gait step_time_s symmetry_index", "unit"] == "%"
    assert row.loc["gait step_time_s symmetry_index", "direction"] == "zero_is_best"
    assert row.loc["gait gait_speed_m_per_s left", ["unit", "direction"]].tolist() == ["m/s", "higher_is_better"]
    assert row.loc["gait cadence_steps_per_min left", "unit"] == "steps/min"
    assert row.loc["odi total", ["unit", "direction"]].tolist() == ["points", "lower_is_better"]
    assert row.loc["foot angle left max_per_stride_median", "unit"] == "deg"
    # every asymmetry row of the summary that is a symmetry index is a measure, and no other
    n_si = sum(r["index"] in ("symmetry_index", "gait_asymmetry") for r in s["gait"]["asymmetry"])
    assert (m["group"] == "gait").sum() == n_si + 2 * len(s["gait"]["median"])


def test_activations_and_their_timing(demo_result):
    t = session_tables(demo_result, input_hash=H, patient="P01", date=None)
    a, v = t["activations"], by_measure(t["measures"])
    for ch, d in demo_result.emg.items():
        mine = a[a.channel == ch]
        assert len(mine) == demo_result.summary["emg"][ch]["activations"]
        np.testing.assert_array_equal(mine.onset_s, d["onsets"])
        np.testing.assert_allclose(mine.duration_s, np.subtract(d["offsets"], d["onsets"]))
        assert v[f"emg {ch} activation_duration_s"] == pytest.approx(np.median(mine.duration_s))
        assert v[f"emg {ch} first_onset_s"] == d["onsets"][0]
    assert set(a.muscle) == {"gluteus_medius", "erector_spinae"}


def test_strides_are_the_gait_table(demo_result):
    st = session_tables(demo_result, input_hash=H, patient="P01", date=None)["strides"]
    g = demo_result.gait.strides
    assert len(st) == len(g) == demo_result.summary["gait"]["strides"] and (st.source == "feet").all()
    for col in ("initial_contact_s", "step_time_s", "stride_length_m", "excluded", "qc_flags", "side"):
        np.testing.assert_array_equal(st[col].to_numpy(), g[col].to_numpy())
    assert st["start_s"].isna().all() and st["bout"].isna().all()
    assert st["excluded"].dtype == bool and st["bout"].dtype == "Int64"


def test_lower_back_session(tmp_path, repo_dir):
    shutil.copy(repo_dir / "tests/data/mobgap/ha001_test5_trial1.csv", tmp_path / "back.csv")
    spec = {"name": "lb", "subject": "HA001", "date": "2020-12-10",
            "imu": [{"file": "back.csv", "format": "csv", "fs": 100.0, "placement": "lower_back", "start_s": 2.0,
                     "gyr": ["gyr_x", "gyr_y", "gyr_z"], "acc": ["acc_x", "acc_y", "acc_z"]}]}
    (tmp_path / "session.json").write_text(json.dumps(spec))
    r = analyze_session(tmp_path / "session.json")
    t = session_tables(r, input_hash=input_hash(tmp_path / "session.json"), patient="HA001", date="2020-12-10")
    st, v = t["strides"], by_measure(t["measures"])
    steps = r.lower_back.steps
    assert len(st) == len(steps) and (st.source == "lower_back").all()
    np.testing.assert_array_equal(st.start_s, steps.start_s)
    np.testing.assert_array_equal(st.bout.to_numpy(dtype=float), steps.bout.to_numpy(dtype=float))
    assert st["initial_contact_s"].isna().all()
    lb = r.summary["gait_lower_back"]
    si = next(x["value"] for x in lb["asymmetry"] if x["parameter"] == "step_time_s" and x["index"] == "symmetry_index")
    assert v["gait (lower back) step_time_s symmetry_index"] == si
    assert v["gait (lower back) step_time_s left"] == lb["median"]["step_time_s"]["left"]
    assert t["activations"].empty and t["questionnaires"].empty and "gait" not in set(t["measures"]["group"])


def test_questionnaire_rows_and_a_score_that_cannot_be_computed(tmp_path):
    answers = json.loads((DEMO / "session.json").read_text())["questionnaires"]["csi"]
    path = make_session(tmp_path / "s", csi=[None] + answers[1:])  # CSI's rule: no missing answer allowed
    r = analyze_session(path)
    t = session_tables(r, input_hash=input_hash(path), patient="P01", date="2024-01-08")
    q = t["questionnaires"].set_index("instrument")
    assert np.isnan(q.loc["csi", "value"]) and pd.isna(q.loc["csi", "band"]) and q.loc["csi", "n_answered"] == 24
    assert q.loc["odi", "value"] == r.summary["questionnaires"]["odi"]["scores"]["total"]["value"]
    assert q.loc["odi", "band"] == "moderate disability"
    assert np.isnan(by_measure(t["measures"])["csi total"])


def test_input_hash_follows_every_input_and_the_version(tmp_path, monkeypatch):
    a = make_session(tmp_path / "a")
    h = input_hash(a)
    assert len(h) == 64 and h == input_hash(a)
    shutil.copytree(tmp_path / "a", tmp_path / "elsewhere" / "b")
    assert input_hash(tmp_path / "elsewhere" / "b" / "session.json") == h  # paths relative to the session file
    c = make_session(tmp_path / "c", emg_rows=30000)
    assert input_hash(c) != h
    d = make_session(tmp_path / "d", date="2024-01-09")
    assert input_hash(d) != h
    feet = tmp_path / "a" / "feet.csv.gz"
    data = bytearray(feet.read_bytes())
    data[-1] ^= 1
    feet.write_bytes(bytes(data))
    assert input_hash(a) != h
    feet.write_bytes(bytes(data[:-1]) + bytes([data[-1] ^ 1]))
    assert input_hash(a) == h
    monkeypatch.setattr(_core, "__version__", _core.__version__ + ".post1")
    assert input_hash(a) != h


def test_bad_arguments_name_the_parameter(demo_result):
    with pytest.raises(ValueError, match="date"):
        session_tables(demo_result, input_hash=H, patient="P01", date="08.01.2024")
    with pytest.raises(ValueError, match="date"):
        session_tables(demo_result, input_hash=H, patient="P01", date="2024-02-30")
    with pytest.raises(ValueError, match="input_hash"):
        session_tables(demo_result, input_hash="abc", patient="P01", date=None)
    with pytest.raises(ValueError, match="patient"):
        session_tables(demo_result, input_hash=H, patient=" ", date=None)
    with pytest.raises(TypeError, match="result"):
        session_tables(demo_result.summary, input_hash=H, patient="P01", date=None)
