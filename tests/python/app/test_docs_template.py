"""docs/session_template.toml (the commented session-file template of the documentation) must stay a valid
session that documents every key: it is loaded with kinemyo.session.load_session after its recording paths are
pointed at the bundled demo recordings."""

from __future__ import annotations

import json
import math
import pathlib
import re
import shutil

import pytest

from kinemyo import datasets, session

tomllib = pytest.importorskip("tomllib")  # Python >= 3.11; kinemyo itself falls back to tomli

ROOT = pathlib.Path(__file__).resolve().parents[3]
TEMPLATE = ROOT / "docs" / "session_template.toml"
DEMO = datasets.demo_session_path().parent


def _template() -> dict:
    return tomllib.loads(TEMPLATE.read_text(encoding="utf-8"))


def _odi_response(answers) -> dict:
    """A FHIR R4 QuestionnaireResponse carrying the demo ODI answers (a missing answer: no answer element)."""
    items = [{"linkId": str(i + 1), **({} if a is None else {"answer": [{"valueInteger": a}]})}
             for i, a in enumerate(answers)]
    return {"resourceType": "QuestionnaireResponse", "status": "completed",
            "questionnaire": "http://loinc.org/q/97908-8", "item": items}


def _pointed_at_demo(tmp_path: pathlib.Path) -> pathlib.Path:
    """The template in a folder with the demo recordings: EMG files -> the demo EMG, IMU CSV files -> the demo
    feet file, FHIR -> the demo ODI answers as a QuestionnaireResponse. Everything else is the template's."""
    shutil.copy(DEMO / "emg.csv.gz", tmp_path / "emg.csv.gz")
    shutil.copy(DEMO / "feet.csv.gz", tmp_path / "feet.csv.gz")
    text = TEMPLATE.read_text(encoding="utf-8")
    data = _template()
    for rec in data["emg"]:
        text = text.replace(f'file = "{rec["file"]}"', 'file = "emg.csv.gz"')
    for sensor in data["imu"]:
        text = text.replace(f'file = "{sensor["file"]}"', 'file = "feet.csv.gz"')
    (tmp_path / "odi.json").write_text(json.dumps(_odi_response(datasets.load_demo_questionnaires()["odi"])))
    for name in data["fhir"]:
        text = text.replace(f'"{name}"', '"odi.json"')
    path = tmp_path / "session.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_template_loads_with_the_demo_recordings(tmp_path):
    s = session.load_session(_pointed_at_demo(tmp_path))
    data = _template()
    assert s.name == data["name"] and s.subject == data["subject"] and s.affected_side == data["affected_side"]
    assert s.static_pose == tuple(data["static_pose"])
    assert [r.file.name for r in s.emg] == ["emg.csv.gz"] * len(data["emg"])
    assert {r.file.name for r in s.imu} == {"feet.csv.gz"} and [f.name for f in s.fhir] == ["odi.json"]
    rec = s.emg[0]
    assert rec.fs == data["emg"][0]["fs"] and rec.units == data["emg"][0]["units"]
    assert [c.name for c in rec.channels] == [c["name"] for c in data["emg"][0]["channels"]]
    assert rec.onset == data["emg"][0]["onset"]
    assert (rec.timing.time_column, rec.timing.time_units) == (data["emg"][0]["time_column"], data["emg"][0]["time_units"])
    assert s.ratios == [(r["numerator"], r["denominator"]) for r in data["ratios"]]
    assert [x.placement for x in s.imu] == [x["placement"] for x in data["imu"]]
    assert [x.fs for x in s.imu] == [x["fs"] for x in data["imu"]]
    thigh = next(x for x in s.imu if x.placement == "thigh")
    assert (thigh.gyr_units, thigh.acc_units, thigh.anterior, thigh.timing.start_s) == ("deg/s", "g", (0.0, 0.0, 1.0), 0.25)
    back = next(x for x in s.imu if x.placement == "lower_back")
    assert back.anterior == (0.0, 0.0, -1.0) and back.timing.time_units == "us"
    assert math.isnan(s.questionnaires["hoos"][-1])        # TOML's missing answer
    assert s.mic == {k: float(v) for k, v in data["mic"].items()}


def test_template_questionnaires_score(tmp_path):
    from kinemyo import questionnaire

    for instrument, answers in _template()["questionnaires"].items():
        result = questionnaire.score(instrument, [None if isinstance(a, float) and math.isnan(a) else a
                                                  for a in answers])
        assert result.scores and all(v.computable and math.isfinite(v.value) for v in result.scores.values()), instrument


def _documented_keys() -> set[str]:
    """Every key the session module's docstring lists (``key`` or ``key?``), from its 'Keys' section."""
    keys_section = session.__doc__.split("Keys (")[1]
    return {m.group(1) for m in re.finditer(r"``([a-z_]+)\??``", keys_section)}


def _template_keys(value, found: set[str]) -> set[str]:
    if isinstance(value, dict):
        for key, sub in value.items():
            found.add(key)
            _template_keys(sub, found)
    elif isinstance(value, list):
        for sub in value:
            _template_keys(sub, found)
    return found


def test_template_shows_every_documented_key():
    data = _template()
    shown = _template_keys({k: v for k, v in data.items() if k not in ("questionnaires", "mic")}, set())
    shown |= {"questionnaires", "mic"}
    documented = _documented_keys()
    assert {"name", "static_pose", "time_column", "anterior", "ml_sign", "fhir"} <= documented  # the parse works
    assert documented - shown == set()

