"""Questionnaire scoring: published worked examples, strict validation, batch scoring speed and agreement."""

from __future__ import annotations

import numpy as np
import pytest

from kinemyo import questionnaire as q

CSI_EXAMPLE = [0, 1, 4, 2, 2, 3, 3, 0, 0, 0, 0, 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 0, 3, 4, 4]  # = 49


def test_csi_worked_example_and_missing_rules():
    r = q.score("csi", CSI_EXAMPLE)
    assert r["total"].value == 49 and r["total"].band == "moderate" and r["total"].cutoffs["neblett2013"]
    answers = [2] * 25
    answers[7] = None
    assert not q.score("csi", answers)["total"].computable  # missing is never 0
    pro = q.score("csi", answers, missing={"total": q.MissingRule("prorate_max_2", 2, prorate=True)})
    assert pro["total"].value == 50.0 and pro["total"].band == "severe" and pro["total"].prorated
    assert pro.warnings and "not a developer rule" in pro.warnings[0]
    frame = r.to_frame()
    assert frame.loc[0, "value"] == 49 and bool(frame.loc[0, "cutoff_neblett2013"])


def test_odi_examples_and_start_back_risk():
    assert q.score("odi", [2, 2, 2, 2, 2, 2, 1, 1, 1, 1])["total"].value == pytest.approx(32.0)
    assert q.score("odi", [2, 2, 2, 2, 2, 2, 1, None, 2, 1])["total"].value == pytest.approx(100 * 16 / 45)
    assert not q.score("odi", [2, 2, 2, 2, 2, 2, 1, None, None, 1])["total"].computable
    assert q.score("start_back", [0, 0, 0, 0, 1, 1, 1, 0, 3]).classification == "high"
    assert q.score("start_back", [1, 1, 1, 1, 1, 1, 1, 0, 2]).classification == "medium"
    assert q.score("rmdq", [1] * 10 + [0] * 14)["total"].value == 10


@pytest.mark.parametrize("answers,match", [
    (CSI_EXAMPLE[:24] + [5], "item 25"),
    (CSI_EXAMPLE[:24] + [2.5], "item 25"),
    (CSI_EXAMPLE[:20], "answers"),
])
def test_invalid_answers_name_the_item(answers, match):
    with pytest.raises(ValueError, match=match):
        q.score("csi", answers)


def test_unknown_instrument_and_info():
    with pytest.raises(ValueError, match="unknown id"):
        q.score("sf36", [1])
    info = q.instrument_info("odi")
    assert info["n_items"] == 10 and info["scores"][0]["missing_rule"]["max_missing"] == 1
    assert "Fairbank" in info["citation"]


def test_batch_scoring_of_a_large_cohort_matches_single_scoring(rng):
    n = 100_000
    data = rng.integers(0, 5, size=(n, 25)).astype(float)
    data[rng.random((n, 25)) < 0.01] = np.nan
    frame = q.score_frame("csi", data)
    complete = ~np.isnan(data).any(axis=1)
    np.testing.assert_array_equal(frame["total"].to_numpy()[complete], data[complete].sum(axis=1))
    assert np.isnan(frame["total"].to_numpy()[~complete]).all()
    for i in rng.choice(n, 50, replace=False):
        row = [None if np.isnan(v) else int(v) for v in data[i]]
        single = q.score("csi", row)["total"]
        assert (np.isnan(frame["total"][i]) and not single.computable) or frame["total"][i] == single.value
        assert frame["total_band"][i] == single.band


def test_pcs_and_tsk_in_batch_respect_their_cutoff_comparators():
    tsk = np.full((3, 17), 2.0)
    tsk[0, 0] = 1.0  # total 37: not above 37
    tsk[2, :] = 4.0  # total 56
    frame = q.score_frame("tsk17", tsk)
    np.testing.assert_array_equal(frame["total"], [37.0, 38.0, 56.0])
    np.testing.assert_array_equal(frame["total_vlaeyen1995_positive"], [0.0, 1.0, 1.0])
    pcs = q.score("pcs", [4] * 8 + [0] * 5)
    assert pcs["helplessness"].value == 20 and pcs["rumination"].value == 4 and pcs["total"].value == 32
    assert pcs["total"].cutoffs["sullivan_manual"]
