"""Questionnaire scoring with the rules cited per instrument (no item wording is shipped).

Built in: Central Sensitization Inventory Part A (``csi``), Oswestry Disability Index 2.1a (``odi``),
Roland-Morris Disability Questionnaire (``rmdq``), Keele STarT Back Screening Tool (``start_back``), Pain
Catastrophizing Scale (``pcs``), Tampa Scale for Kinesiophobia (``tsk17``, ``tsk11``), Hip disability and
Osteoarthritis Outcome Score (``hoos``), painDETECT (``paindetect``).
Missing answers are never 0: each score has a named missing-data rule (the published one, or ``strict``); pass
another published policy by name (``missing="hoos2003"``) or your own :class:`MissingRule` per score. Scores are
unrounded; bands and cut-offs apply to the unrounded value. FHIR R4: :func:`score_questionnaire_response` reads a
QuestionnaireResponse and returns the result with an Observation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from typing import Any

import numpy as np

from kinemyo import _repr
from kinemyo._validate import number, real_array
from kinemyo import _core
from kinemyo._core import MissingRule, _change, _score, _score_batch, _score_fhir

__all__ = ["Change", "FhirScore", "MissingRule", "ScoreResult", "ScoreValue", "change", "instrument_ids",
           "instrument_info", "score", "score_frame", "score_questionnaire_response"]


@_repr.compact
@dataclass(frozen=True)
class ScoreValue:
    """One score of one administration. ``value`` is NaN when not computable (see ``reason``)."""

    name: str
    value: float
    computable: bool
    reason: str
    n_items: int
    n_answered: int
    prorated: bool
    band: str
    cutoffs: dict[str, bool] = field(default_factory=dict)


@_repr.compact
@dataclass(frozen=True)
class ScoreResult:
    """The scores of one administration (:func:`score`): each :class:`ScoreValue` by name (``result["total"]``),
    the overall ``classification``, ``warnings`` (e.g. prorated scores) and the unscored ``recorded`` answers."""

    instrument: str
    scores: dict[str, ScoreValue]
    classification: str
    warnings: list[str]
    recorded: dict[str, int] = field(default_factory=dict)  # unscored answers (e.g. CSI Part B), as given

    def __getitem__(self, name: str) -> ScoreValue:
        return self.scores[name]

    def to_frame(self) -> Any:
        """One row per score as a pandas DataFrame."""
        import pandas as pd

        rows = [{"instrument": self.instrument, **{k: v for k, v in s.__dict__.items() if k != "cutoffs"},
                 **{f"cutoff_{c}": p for c, p in s.cutoffs.items()}} for s in self.scores.values()]
        return pd.DataFrame(rows)


Missing = str | dict[str, MissingRule] | None


def score(instrument: str, answers: Any, missing: Missing = None, recorded: dict[str, int] | None = None) -> ScoreResult:
    """Score one administration.

    Parameters
    ----------
    instrument : str
        One of :func:`instrument_ids`.
    answers : sequence of int or None
        Item 1 first; None (or NaN) is missing. Answers outside an item's response set raise ValueError naming
        the item.
    missing : str or dict of score name -> MissingRule, optional
        A published policy by name (``instrument_info(id)["missing_policies"]``, the first is the default) or
        rules of your own per score.
    recorded : dict of str -> int, optional
        Unscored answers (``instrument_info(id)["recorded"]``: CSI Part B, painDETECT pain ratings); validated
        and returned in the result.

    Returns
    -------
    ScoreResult
        Each score in the instrument's score units (points or %, ``instrument_info(id)["scores"]``) with its band
        and cut-off decisions; ``to_frame()`` for a DataFrame.

    Raises
    ------
    ValueError
        An unknown instrument, a wrong number of answers, an answer outside its item's response set (naming the
        item), an unknown missing policy.
    TypeError
        A non-integer answer.
    """
    clean = [None if a is None or (isinstance(a, float) and np.isnan(a)) else _as_int(a, i) for i, a in
             enumerate(answers, start=1)]
    return _result(instrument, _score(instrument, clean, missing, dict(recorded or {})))


def _result(instrument: str, raw: Any) -> ScoreResult:
    values, classification, warnings, recorded = raw
    scores = {v["name"]: ScoreValue(**v) for v in values}
    return ScoreResult(instrument, scores, classification, list(warnings), dict(recorded))


@_repr.compact
@dataclass(frozen=True)
class Change:
    """Change of one score between two administrations; ``status`` is "improved", "worsened", "no important
    change" (|delta| < mic) or "not computable". Improvement follows the instrument's direction."""

    score: str
    before: float
    after: float
    delta: float
    mic: float
    status: str


def change(instrument: str, before: Any, after: Any, mic: float, score: str = "total") -> Change:
    """Change between two administrations, flagged against a minimal important change. There is no default MIC:
    published values depend on population and method.

    Parameters
    ----------
    instrument : str
        One of :func:`instrument_ids`.
    before, after : ScoreResult or float
        The two administrations, or their score values in score units.
    mic : float
        Minimal important change in score units (points or %).
    score : str
        Which score of the instrument.

    Returns
    -------
    Change
        ``delta`` (after - before, score units) and ``status``: 'improved', 'worsened', 'no important change'
        (|delta| < mic) or 'not computable'; improvement follows the instrument's direction.

    Raises
    ------
    ValueError
        Results of another instrument, an unknown score, mic not > 0.
    """
    b = before[score].value if isinstance(before, ScoreResult) else number(before, "before")
    a = after[score].value if isinstance(after, ScoreResult) else number(after, "after")
    mic = number(mic, "mic")
    for r in (before, after):
        if isinstance(r, ScoreResult) and r.instrument != instrument:
            raise ValueError(f"before/after: results must be of {instrument}, got {r.instrument}")
    delta, status = _change(instrument, score, b, a, float(mic))
    return Change(score, b, a, delta, float(mic), status)


@_repr.compact
@dataclass(frozen=True)
class FhirScore:
    """A scored FHIR QuestionnaireResponse (:func:`score_questionnaire_response`): the :class:`ScoreResult` and
    the FHIR R4 Observation written from it."""

    result: ScoreResult
    observation: dict[str, Any]  # FHIR R4 Observation resource


def score_questionnaire_response(response: str | dict[str, Any], instrument: str | None = None, missing: Missing = None) -> FhirScore:
    """Score a FHIR R4 QuestionnaireResponse (a JSON string or a dict) and write the result as an Observation.

    The instrument comes from the response's ``questionnaire`` URL (``instrument_info(id)["questionnaire_urls"]``);
    with ``instrument`` given, a response for another questionnaire raises ValueError. Answers are matched by
    linkId (``instrument_info(id)["link_ids"]`` or the item number) as valueInteger, valueCoding with an
    ordinalValue/itemWeight extension, valueBoolean or an integral valueDecimal.

    Parameters
    ----------
    response : str or dict
        A FHIR R4 QuestionnaireResponse as JSON text or parsed.
    instrument : str, optional
        The expected instrument (default: from the ``questionnaire`` URL).
    missing : str or dict of score name -> MissingRule, optional
        As in :func:`score`.

    Returns
    -------
    FhirScore
        ``result`` (:class:`ScoreResult`) and ``observation``, a FHIR R4 Observation resource (dict).

    Raises
    ------
    ValueError
        Malformed JSON or resource, an unknown questionnaire, a response for another instrument than
        ``instrument``, an answer outside its response set.
    """
    text = response if isinstance(response, str) else json.dumps(response)
    instrument_id, raw, observation = _score_fhir(text, instrument or "", missing)
    return FhirScore(_result(instrument_id, raw), json.loads(observation))


def _as_int(a: Any, item: int) -> int:
    if isinstance(a, (bool, np.bool_)):
        raise TypeError(f"item {item}: expected an integer answer, got {a!r}")
    if isinstance(a, (int, np.integer)):
        return int(a)
    if isinstance(a, (float, np.floating)) and float(a).is_integer():
        return int(a)
    raise ValueError(f"item {item}: answer must be an integer or missing, got {a!r}")


def score_frame(instrument: str, answers: Any, missing: Missing = None) -> Any:
    """Score many respondents at once.

    Parameters
    ----------
    instrument : str
        One of :func:`instrument_ids`.
    answers : array_like or DataFrame, shape (n_respondents, n_items)
        One row per respondent, one column per item (item 1 first), NaN = missing.
    missing : str or dict of score name -> MissingRule, optional
        As in :func:`score`.

    Returns
    -------
    DataFrame
        One row per respondent, one column per score (score units) plus its band and cut-off decisions.

    Raises
    ------
    ValueError
        An unknown instrument, a wrong number of items, an answer outside its response set.
    """
    import pandas as pd

    index = answers.index if isinstance(answers, pd.DataFrame) else None
    data = real_array(answers, "answers")
    values = _score_batch(instrument, data, missing)
    info = instrument_info(instrument)
    out = {}
    for j, s in enumerate(info["scores"]):
        v = values[:, j]
        out[s["name"]] = v
        if s["bands"]:
            labels = np.full(v.shape, "", dtype=object)
            for b in s["bands"]:
                lo = v >= b["lower"] if b["lower_inclusive"] else v > b["lower"]
                hi = v <= b["upper"] if b["upper_inclusive"] else v < b["upper"]
                labels[lo & hi] = b["label"]
            out[f"{s['name']}_band"] = labels
        for c in s["cutoffs"]:
            positive = v >= c["threshold"] if c["inclusive"] else v > c["threshold"]
            out[f"{s['name']}_{c['name']}_positive"] = np.where(np.isnan(v), np.nan, positive)
    return pd.DataFrame(out, index=index)


def instrument_ids() -> list[str]:
    """The questionnaires that can be scored.

    Parameters
    ----------
    None

    Returns
    -------
    list of str
        Instrument ids (e.g. 'csi', 'odi', 'rmdq', 'start_back', 'pcs', 'tsk17', 'tsk11', 'hoos', 'paindetect').
    """
    return _core.instrument_ids()


def instrument_info(id: str) -> dict[str, Any]:
    """An instrument's definition: items, response sets, scores, missing rules, bands, cut-offs, citation.

    Parameters
    ----------
    id : str
        One of :func:`instrument_ids`.

    Returns
    -------
    dict
        ``id``, ``title``, ``version``, ``citation``, ``licence``, ``direction``, ``n_items``, ``item_ranges``
        (answer points), ``scores`` (items, transform, range in score units, bands, cut-offs), ``classification``, ``recorded``,
        ``missing_policies``, ``questionnaire_urls``, ``link_ids``, ``loinc``.

    Raises
    ------
    ValueError
        An unknown id.
    """
    return _core.instrument_info(id)
