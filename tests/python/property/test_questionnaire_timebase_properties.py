"""Properties of kinemyo.questionnaire (score, score_frame, change, FHIR input) and kinemyo.timebase: hostile answers,
matrices, JSON and time stamps are refused by name; valid ones give scores inside the documented range and finite
resampled signals."""

from __future__ import annotations

import json
import math

import numpy as np
from hypothesis import given, strategies as st

from kinemyo import questionnaire as qn
from kinemyo.timebase import TimeBase, common_grid, regularize, resample, resample_quaternions

from .conftest import PROFILE, Case, assert_finite, check, outcome, rng_signal, run, scalars, signals

IDS = qn.instrument_ids()
INFO = {i: qn.instrument_info(i) for i in IDS}


def _valid_answers(inst, seed):
    rng = np.random.default_rng(seed)
    return [int(rng.integers(lo, hi + 1)) for lo, hi in INFO[inst]["item_ranges"]]


def _in_range(inst, result):
    for s in INFO[inst]["scores"]:
        v = result.scores[s["name"]].value
        lo, hi = s["range"]
        assert (math.isnan(v) and not result.scores[s["name"]].computable) or lo - 1e-9 <= v <= hi + 1e-9, (s["name"], v)


@PROFILE
@given(st.data())
def test_score(data):
    inst = data.draw(st.sampled_from(IDS))
    answers = _valid_answers(inst, data.draw(st.integers(0, 1000)))
    n = len(answers)
    kind = data.draw(st.sampled_from(["valid", "missing", "out of range", "float", "integral float", "text", "bool",
                                      "too few", "too many", "huge", "nan", "inf", "complex", "instrument", "policy"]))
    case = Case(None, kind, tame=kind in ("valid", "integral float", "missing"),
                invalid=kind in ("out of range", "float", "text", "bool", "too many", "huge", "inf", "complex",
                                 "instrument", "policy"))
    i = data.draw(st.integers(0, n - 1))
    inst_arg, missing = inst, None
    if kind == "missing":
        answers[i] = None
    elif kind == "out of range":
        answers[i] = INFO[inst]["item_ranges"][i][1] + data.draw(st.integers(1, 10**6))
    elif kind == "float":
        answers[i] = answers[i] + 0.5
    elif kind == "integral float":
        answers[i] = float(answers[i])
    elif kind in ("text", "bool", "huge", "nan", "inf", "complex"):
        answers[i] = {"text": "3", "bool": True, "huge": 1e300, "nan": math.nan, "inf": math.inf, "complex": 1j}[kind]
    elif kind == "too few":
        answers = answers[:-1]
    elif kind == "too many":
        answers = answers + [0]
    elif kind == "instrument":
        inst_arg = data.draw(st.sampled_from(["ODI", "", "odi2", None]))
    elif kind == "policy":
        missing = data.draw(st.sampled_from(["no such policy", 3]))
    names = {"instrument": ("instrument", "id"), "policy": ("missing",), "too few": ("answers",),
             "too many": ("answers",)}.get(kind, (f"item {i + 1}", "answers"))
    res = outcome(qn.score, inst_arg, answers, missing, names=names)
    check(res, case)
    if res.ok:
        _in_range(inst, res.value)
        if case.tame and kind == "valid":
            assert all(s.computable for s in res.value.scores.values())


@PROFILE
@given(st.data())
def test_score_frame(data):
    inst = data.draw(st.sampled_from(IDS))
    rows = np.array([_valid_answers(inst, s) for s in range(4)], dtype=float)
    n_items = rows.shape[1]
    hostile = signals(n=(4, 4), channels=n_items, one_d=False).map(
        lambda c: Case(rows.astype(np.asarray(c.value).dtype) if np.asarray(c.value).dtype.kind in "fi" else rows,
                       c.label, tame=True) if c.tame else c)

    def post(frame, v, case):
        a = np.asarray(v["answers"])
        assert len(frame) == (a.shape[0] if a.ndim == 2 else 1)
        for s in INFO[inst]["scores"]:
            col = frame[s["name"]].to_numpy(dtype=float)
            lo, hi = s["range"]
            ok = np.isnan(col) | ((col >= lo - 1e-9) & (col <= hi + 1e-9))
            assert ok.all(), (s["name"], col)
            if case.tame:
                assert np.all(np.isfinite(col))

    run(data.draw, qn.score_frame, {"instrument": inst, "answers": rows}, {
        "answers": st.one_of(hostile, st.sampled_from([
            ("out of range", rows + 100, True), ("half", rows + 0.5, True), ("wrong width", rows[:, :-1], True),
            ("nan", np.where(np.eye(4, n_items) > 0, np.nan, rows), False), ("huge", np.full_like(rows, 1e300), True),
            ("neg", -rows - 1, True)]).map(lambda p: Case(p[1], p[0], invalid=p[2]))),
        "instrument": st.sampled_from(["ODI", "", "x"]).map(lambda p: Case(p, "bad", invalid=True)),
    }, post, aliases={"answers": ("item", "column", "row"), "instrument": ("id",)})


@PROFILE
@given(st.data())
def test_change(data):
    inst = data.draw(st.sampled_from(IDS))

    def post(c, v, case):
        assert c.status in ("improved", "worsened", "no important change", "not computable")
        if case.tame and math.isfinite(v["before"]) and math.isfinite(v["after"]):
            assert math.isfinite(c.delta)
        else:
            assert math.isfinite(c.delta) or c.status == "not computable"

    run(data.draw, qn.change, {"instrument": inst, "before": 10.0, "after": 5.0, "mic": 2.0,
                               "score": INFO[inst]["scores"][0]["name"]}, {
        # a NaN score is documented ("not computable"), so NaN before/after is valid
        "before": scalars([3.0, 10.0, math.nan], positive=False).map(_nan_ok),
        "after": scalars([3.0, 10.0, math.nan], positive=False).map(_nan_ok),
        "mic": scalars([1.0, 2.0]),
        "score": st.sampled_from(["nope", ""]).map(lambda p: Case(p, "bad", invalid=True)),
    }, post)


def _nan_ok(c: Case) -> Case:
    return Case(c.value, c.label, c.tame, c.invalid and c.label not in ("nan", "inf", "-inf"))


def _fhir(inst, answers, url=None):
    items = [{"linkId": lid, "answer": [{"valueInteger": a}]} for lid, a in zip(INFO[inst]["link_ids"], answers)]
    return {"resourceType": "QuestionnaireResponse", "status": "completed",
            "questionnaire": url or INFO[inst]["questionnaire_urls"][0], "item": items}


@PROFILE
@given(st.data())
def test_score_questionnaire_response(data):
    inst = data.draw(st.sampled_from([i for i in IDS if INFO[i]["questionnaire_urls"]]))
    doc = _fhir(inst, _valid_answers(inst, 3))
    kind = data.draw(st.sampled_from(["valid", "string", "truncated", "not json", "deep", "wrong type", "huge int",
                                      "text answer", "url", "instrument mismatch", "no items", "nan"]))
    response, instrument, invalid = doc, None, True
    if kind == "valid":
        invalid = False
    elif kind == "string":
        response, invalid = json.dumps(doc), False
    elif kind == "truncated":
        response = json.dumps(doc)[: data.draw(st.integers(1, len(json.dumps(doc)) - 1))]
    elif kind == "not json":
        response = "QuestionnaireResponse"
    elif kind == "deep":
        response = "[" * 100000 + "]" * 100000
    elif kind == "wrong type":
        response = {**doc, "resourceType": "Patient"}
    elif kind == "huge int":
        doc["item"][0]["answer"][0]["valueInteger"] = 10**30
    elif kind == "text answer":
        doc["item"][0]["answer"][0] = {"valueString": "three"}
    elif kind == "url":
        response = {**doc, "questionnaire": "http://example.org/unknown"}
    elif kind == "instrument mismatch":
        instrument = data.draw(st.sampled_from([i for i in IDS if i != inst]))
    elif kind == "no items":
        response, invalid = {**doc, "item": []}, False  # all missing: computed as not computable
    elif kind == "nan":
        response = json.dumps(doc).replace('"valueInteger": ' + str(doc["item"][0]["answer"][0]["valueInteger"]),
                                           '"valueInteger": NaN', 1)
    res = outcome(qn.score_questionnaire_response, response, instrument,
                  names=("response", "json", "instrument", "questionnaire", "item", "resourceType", "answer",
                         "valueInteger", "linkId"))
    check(res, Case(None, kind, tame=not invalid, invalid=invalid))
    if res.ok:
        assert res.value.result.instrument == inst
        json.dumps(res.value.observation, allow_nan=False)  # standard JSON out


@PROFILE
@given(st.data())
def test_timebase_regularize_and_resample(data):
    fs = 100.0
    t0 = np.arange(300) / fs + 5.0
    x0 = rng_signal(1, (300, 2))

    def post(r, v, case):
        samples, base, gaps = r
        assert isinstance(base, TimeBase) and samples.shape[0] == base.n
        if case.tame:
            assert_finite(samples)
            assert all(math.isfinite(a) and math.isfinite(b) for a, b in gaps)

    stamps = signals(n=(300, 300), channels=1, two_d=False, scales=(1e-3,)).map(
        lambda c: Case(t0 + np.asarray(c.value, dtype=float) * 0 if c.tame else c.value, c.label, c.tame, c.invalid))
    run(data.draw, regularize, {"t": t0, "x": x0, "fs": fs}, {
        "t": st.one_of(stamps, st.sampled_from([("reversed", t0[::-1].copy()), ("ms", t0 * 1000), ("repeat", np.zeros(300)),
                                                ("one", t0[:1])]).map(lambda p: Case(p[1], p[0], invalid=True))),
        "x": signals(n=(300, 300), channels=2, one_d=False),
        "fs": scalars([fs], invalid_extra=[("wrong rate", 1000.0)]),
        "rate_tolerance": scalars([0.02, 0.1]), "gap_factor": scalars([2.0, 3.0]),
    }, post, aliases={"fs": ("t",), "x": ("t",), "t": ("x",)})

    # resample / resample_quaternions onto another grid
    base = TimeBase(0.0, fs, 300)
    target = data.draw(st.sampled_from([TimeBase(0.0, 50.0, 150), TimeBase(0.5, 200.0, 400), TimeBase(0.0, fs, 300)]))
    x = data.draw(signals(n=(300, 300), channels=2))
    res = outcome(resample, x.value, base, target, names="x")
    check(res, x)
    if res.ok:
        assert res.value.shape[0] == target.n or res.value.shape[0] <= target.n
        if x.tame:
            assert_finite(res.value)
    q = rng_signal(2, (300, 4))
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    rq = outcome(resample_quaternions, q, base, target, names="q")
    assert rq.ok
    assert_finite(rq.value)
    assert np.allclose(np.linalg.norm(rq.value, axis=1), 1.0)


@PROFILE
@given(st.data())
def test_timebase_construction(data):
    field = data.draw(st.sampled_from(["start_s", "fs", "n"]))
    case = data.draw({"start_s": scalars([0.0, 3.5], positive=False), "fs": scalars([100.0]),
                      "n": scalars([1, 100], integer=True)}[field])
    kw = {"start_s": 0.0, "fs": 100.0, "n": 10, field: case.value}
    res = outcome(TimeBase, **kw, names=field)
    check(res, case)
    if res.ok:
        assert np.all(np.isfinite(res.value.times())) or not case.tame
        g = outcome(common_grid, [res.value, TimeBase(0.0, 100.0, 10)], names=("recordings", "fs", "bases"))
        if g.ok and case.tame:
            assert g.value.n >= 1
