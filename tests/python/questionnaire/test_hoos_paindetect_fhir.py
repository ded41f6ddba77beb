"""HOOS and painDETECT against independent NumPy formulas, CSI Part B, change against a MIC, FHIR round trip."""

from __future__ import annotations

import json

import numpy as np
import pytest

from kinemyo import questionnaire as q

HOOS_SUBSCALES = {"symptoms": range(0, 5), "pain": range(5, 15), "adl": range(15, 32),
                  "sport_recreation": range(32, 36), "qol": range(36, 40)}


def hoos_reference(data, min_answered):
    """koos.nu 2013 instructions: 100 - mean(answered) / 4 * 100 with a minimum of answered items."""
    out = {}
    for name, cols in HOOS_SUBSCALES.items():
        block = data[:, list(cols)]
        answered = (~np.isnan(block)).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            value = 100.0 - np.nansum(block, axis=1) / answered / 4.0 * 100.0
        out[name] = np.where(answered >= min_answered[name], value, np.nan)
    return out


@pytest.mark.parametrize("policy,min_answered", [
    (None, {"symptoms": 3, "pain": 5, "adl": 9, "sport_recreation": 2, "qol": 2}),
    ("hoos2003", {"symptoms": 3, "pain": 8, "adl": 15, "sport_recreation": 2, "qol": 2}),
])
def test_hoos_batch_matches_the_published_formula(rng, policy, min_answered):
    data = rng.integers(0, 5, size=(5000, 40)).astype(float)
    data[rng.random(data.shape) < 0.3] = np.nan
    frame = q.score_frame("hoos", data, missing=policy)
    ref = hoos_reference(data, min_answered)
    for name in HOOS_SUBSCALES:
        np.testing.assert_allclose(frame[name].to_numpy(), ref[name], rtol=0, atol=1e-12, equal_nan=True)
        assert np.isnan(ref[name]).any() and (~np.isnan(ref[name])).any()  # both branches exercised
    single = q.score("hoos", [None if np.isnan(v) else int(v) for v in data[0]], missing=policy)
    for name in HOOS_SUBSCALES:
        assert single[name].computable == (not np.isnan(ref[name][0]))
    with pytest.raises(ValueError, match="hoos1999"):
        q.score_frame("hoos", data, missing="hoos1999")


def test_hoos_subscale_with_too_few_answers_is_not_computable():
    answers = [1] * 40
    for i in range(5, 11):  # 6 of the 10 pain items missing: fewer than half answered
        answers[i] = None
    r = q.score("hoos", answers)
    assert not r["pain"].computable and "6 of 10 items missing" in r["pain"].reason
    assert r["symptoms"].value == 75.0 and r["qol"].computable
    assert q.instrument_info("hoos")["direction"] == "higher_is_better"


def test_paindetect_bands_and_recorded_pain_ratings():
    r = q.score("paindetect", [3, 3, 3, 2, 2, 2, 2, 1, 1], recorded={"pain_now": 6, "pain_average_4_weeks": 5})
    assert r["sensory"].value == 17 and r["total"].value == 20 and r["total"].band == "positive"
    assert r.recorded == {"pain_now": 6, "pain_average_4_weeks": 5}
    assert q.score("paindetect", [2, 2, 2, 2, 2, 2, 0, 0, 0])["total"].band == "negative"
    assert q.score("paindetect", [2, 2, 2, 2, 2, 2, 0, 1, 0])["total"].band == "unclear"
    with pytest.raises(ValueError, match="item 9"):
        q.score("paindetect", [0] * 8 + [2])
    with pytest.raises(ValueError, match="pain_now"):
        q.score("paindetect", [0] * 9, recorded={"pain_now": 11})


def test_csi_part_b_is_stored_not_scored():
    answers = [2] * 25
    plain = q.score("csi", answers)
    with_b = q.score("csi", answers, recorded={"part_b_fibromyalgia": 1, "part_b_fibromyalgia_year": 2018})
    assert plain["total"].value == with_b["total"].value == 50
    assert with_b.recorded["part_b_fibromyalgia_year"] == 2018
    assert {"schuttert2023_female", "neblett2013"} <= set(with_b["total"].cutoffs)


def test_change_follows_the_instrument_direction():
    before, after = q.score("odi", [3] * 10), q.score("odi", [2] * 6 + [1] * 4)
    c = q.change("odi", before, after, mic=10)
    assert c.delta == pytest.approx(-28.0) and c.status == "improved"
    assert q.change("hoos", 60.0, 55.0, mic=10, score="pain").status == "no important change"
    assert q.change("hoos", 60.0, 45.0, mic=10, score="pain").status == "worsened"
    assert q.change("csi", float("nan"), 30.0, mic=7).status == "not computable"
    with pytest.raises(ValueError, match="mic"):
        q.change("odi", 30.0, 20.0, mic=-1)
    with pytest.raises(ValueError, match="must be of"):
        q.change("csi", before, after, mic=10)


def _response(url, answers, link_ids):
    items = []
    for link, a in zip(link_ids, answers):
        item = {"linkId": link}
        if a is not None:
            item["answer"] = [{"valueCoding": {"system": "http://loinc.org", "code": f"LA-{a}", "extension": [
                {"url": "http://hl7.org/fhir/StructureDefinition/ordinalValue", "valueDecimal": a}]}}]
        items.append(item)
    return {"resourceType": "QuestionnaireResponse", "id": "qr-9", "status": "completed", "questionnaire": url,
            "subject": {"reference": "Patient/42"}, "authored": "2026-11-24", "item": items}


@pytest.mark.parametrize("instrument", ["csi", "odi", "start_back", "hoos", "pcs", "tsk17", "paindetect"])
def test_fhir_round_trip_matches_direct_scoring(rng, instrument):
    info = q.instrument_info(instrument)
    answers = [int(rng.integers(lo, hi + 1)) for lo, hi in info["item_ranges"]]
    answers[1] = None
    response = _response(info["questionnaire_urls"][0], answers, info["link_ids"])
    fhir = q.score_questionnaire_response(json.dumps(response), instrument=instrument)
    direct = q.score(instrument, answers)
    obs = fhir.observation
    assert obs["resourceType"] == "Observation" and obs["derivedFrom"][0]["reference"] == "QuestionnaireResponse/qr-9"
    assert obs["subject"] == {"reference": "Patient/42"} and obs["effectiveDateTime"] == "2026-11-24"
    by_code = {c["code"]["coding"][0]["code"]: c for c in obs["component"]}
    for s in info["scores"]:
        value = direct[s["name"]]
        assert fhir.result[s["name"]].computable == value.computable
        comp = by_code[s["loinc"] or f"{instrument}-{s['name']}"]
        if value.computable:
            assert comp["valueQuantity"]["value"] == pytest.approx(value.value, abs=1e-12)
        else:
            assert "dataAbsentReason" in comp and "not computable" in comp["dataAbsentReason"]["text"]


def test_fhir_errors_are_clear():
    good = _response("http://loinc.org/q/97908-8", [1] * 10, [str(i) for i in range(1, 11)])
    with pytest.raises(ValueError, match="json"):
        q.score_questionnaire_response(json.dumps(good)[:-5])
    with pytest.raises(ValueError, match="is for odi, not csi"):
        q.score_questionnaire_response(good, instrument="csi")
    bad = dict(good, item=good["item"] + [{"linkId": "99", "answer": [{"valueInteger": 1}]}])
    with pytest.raises(ValueError, match="item 99"):
        q.score_questionnaire_response(bad)
    draft = dict(good, status="in-progress")
    assert any("in-progress" in w for w in q.score_questionnaire_response(draft).result.warnings)
