"""Questionnaire scoring with the rules cited per instrument (no item wording is shipped).

Built in: Central Sensitization Inventory Part A (``csi``), Oswestry Disability Index 2.1a (``odi``),
Roland-Morris Disability Questionnaire (``rmdq``), Keele STarT Back Screening Tool (``start_back``), Pain
Catastrophizing Scale (``pcs``), Tampa Scale for Kinesiophobia (``tsk17``, ``tsk11``).
Missing answers are never 0: each score has a named missing-data rule (the published one, or ``strict``), which
:class:`MissingRule` overrides. Scores are unrounded; bands and cut-offs apply to the unrounded value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from kinemyo._core import MissingRule, _score, _score_batch, instrument_ids, instrument_info

__all__ = ["MissingRule", "ScoreResult", "ScoreValue", "instrument_ids", "instrument_info", "score", "score_frame"]


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


@dataclass(frozen=True)
class ScoreResult:
    instrument: str
    scores: dict[str, ScoreValue]
    classification: str
    warnings: list[str]

    def __getitem__(self, name: str) -> ScoreValue:
        return self.scores[name]

    def to_frame(self):
        """One row per score as a pandas DataFrame."""
        import pandas as pd

        rows = [{"instrument": self.instrument, **{k: v for k, v in s.__dict__.items() if k != "cutoffs"},
                 **{f"cutoff_{c}": p for c, p in s.cutoffs.items()}} for s in self.scores.values()]
        return pd.DataFrame(rows)


def score(instrument: str, answers, missing: dict[str, MissingRule] | None = None) -> ScoreResult:
    """Score one administration.

    Parameters
    ----------
    instrument : str
        One of :func:`instrument_ids`.
    answers : sequence of int or None
        Item 1 first; None (or NaN) is missing. Answers outside an item's response set raise ValueError naming
        the item.
    missing : dict of score name -> MissingRule, optional
        Overrides the published missing-data rules.
    """
    clean = [None if a is None or (isinstance(a, float) and np.isnan(a)) else _as_int(a, i) for i, a in
             enumerate(answers, start=1)]
    values, classification, warnings = _score(instrument, clean, missing)
    scores = {v["name"]: ScoreValue(**v) for v in values}
    return ScoreResult(instrument, scores, classification, list(warnings))


def _as_int(a, item: int) -> int:
    if isinstance(a, (bool, np.bool_)):
        raise TypeError(f"item {item}: expected an integer answer, got {a!r}")
    if isinstance(a, (int, np.integer)):
        return int(a)
    if isinstance(a, (float, np.floating)) and float(a).is_integer():
        return int(a)
    raise ValueError(f"item {item}: answer must be an integer or missing, got {a!r}")


def score_frame(instrument: str, answers, missing: dict[str, MissingRule] | None = None):
    """Score many respondents at once: a 2-D array or DataFrame (one row per respondent, one column per item,
    NaN = missing) in, a DataFrame out with one column per score plus its band and cut-off decisions.
    """
    import pandas as pd

    index = answers.index if isinstance(answers, pd.DataFrame) else None
    data = np.asarray(answers, dtype=np.float64)
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
