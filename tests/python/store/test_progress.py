"""kinemyo.progress and the progress / compare commands: values, changes and statuses taken from the stored
sessions (checked against each session's own summary), MIC bands and questionnaire bands in the HTML, clean
errors."""

from __future__ import annotations

import base64
import json
import re

import numpy as np
import pytest

import kinemyo
from kinemyo import questionnaire
from kinemyo.analysis import analyze_session
from kinemyo.cli import main
from kinemyo.progress import change_status, compare_summaries, format_table, plain_line, progress
from kinemyo.store import SessionStore

from .conftest import DEMO

CSI = json.loads((DEMO / "session.json").read_text())["questionnaires"]["csi"]
WEEKS = (("2024-01-08", None, [2, 2, 2, 2, 2, 2, 1, None, 2, 1], 0),
         ("2024-01-22", 50000, [1, 1, 1, 1, 2, 1, 1, None, 1, 1], 1),
         ("2024-02-05", 40000, [1, 0, 1, 0, 1, 1, 0, None, 1, 0], 3))


@pytest.fixture(scope="module")
def three_weeks(tmp_path_factory):
    """Patient P01 in three weekly sessions (shorter EMG, lower ODI and CSI answers each time), recorded."""
    from .conftest import make_session

    root = tmp_path_factory.mktemp("weeks")
    results = []
    with SessionStore(root / "store.sqlite") as st:
        for i, (date, rows, odi, less) in enumerate(WEEKS):
            path = make_session(root / f"w{i}", date=date, emg_rows=rows, odi=odi, csi=[max(0, a - less) for a in CSI])
            results.append(analyze_session(path))
            st.record(results[-1])
    return root / "store.sqlite", results


def test_table_values_changes_and_statuses(three_weeks):
    store, results = three_weeks
    mic = {"gait step_time_s symmetry_index": 0.5, "csi": 7.0}
    p = progress("P01", store=store, mic=mic)
    t = p.table
    assert list(dict.fromkeys(t.date)) == [w[0] for w in WEEKS] and p.baseline_date == "2024-01-08"
    assert len(t) == sum(len(t[t.date == d]) for d in t.date.unique()) and t.session_id.nunique() == 3
    for r, date in zip(results, (w[0] for w in WEEKS)):
        rows = t[t.date == date].set_index("measure")
        s = r.summary
        assert rows.loc["odi total", "value"] == s["questionnaires"]["odi"]["scores"]["total"]["value"]
        assert rows.loc["ratio GM_L:ES_L", "value"] == s["ratios"]["GM_L:ES_L"]["median_windowed_ratio"]
        assert rows.loc["emg ES_L activations", "value"] == s["emg"]["ES_L"]["activations"]
    last = p.latest().set_index("measure")
    first = results[0].summary["questionnaires"]
    for inst, m in (("odi", 10.0), ("csi", 7.0)):  # odi's MIC from the session file, csi's given
        before, after = first[inst]["scores"]["total"]["value"], results[-1].summary["questionnaires"][inst]["scores"]["total"]["value"]
        row = last.loc[f"{inst} total"]
        assert row["baseline_value"] == before and row["change"] == pytest.approx(after - before) and row["mic"] == m
        assert row["status"] == questionnaire.change(inst, before, after, mic=m).status == "improved"
    assert last.loc["gait step_time_s symmetry_index", "status"] == "no important change"  # same feet recording
    assert last.loc["ratio GM_L:ES_L", "status"] == "no MIC defined"
    assert (t[t.date == "2024-01-08"].status == "baseline").all()
    lines = {line.split(" ")[0] + " " + line.split(" ")[1]: line for line in p.lines}
    odi_b = first["odi"]["scores"]["total"]["value"]
    assert lines["ODI total"] == (f"ODI total {odi_b:.3g} points → {last.loc['odi total', 'value']:.3g} points, "
                                  "improved beyond the MIC of 10 points")
    assert "no MIC defined" in lines["muscle ratio"]
    assert p.warnings == []


def test_baseline_and_unmatched_mic(three_weeks):
    store, results = three_weeks
    p = progress("P01", store=store, baseline="2024-01-22", mic={"nothing here": 2.0})
    assert p.warnings == ["--mic nothing here: matches no measure of P01"]
    mid = p.table[p.table.date == "2024-01-22"]
    assert (mid.status == "baseline").all()
    later = p.latest().set_index("measure")
    want = results[1].summary["questionnaires"]["odi"]["scores"]["total"]["value"]
    assert later.loc["odi total", "baseline_value"] == want
    with pytest.raises(ValueError, match=r"baseline: no session of P01 on '2023-01-01' \(dates: 2024-01-08, "):
        progress("P01", store=store, baseline="2023-01-01")
    with pytest.raises(ValueError, match=r"patient 'P99': not in the store .* \(patients: P01\)"):
        progress("P99", store=store)
    with pytest.raises(ValueError, match="mic.odi"):
        progress("P01", store=store, mic={"odi": -1})


def test_a_newer_analysis_replaces_the_older_in_the_progress(three_weeks, tmp_path):
    import dataclasses

    store, results = three_weeks
    copy_path = tmp_path / "s.sqlite"
    copy_path.write_bytes(store.read_bytes())
    newer = dataclasses.replace(results[0], summary={**results[0].summary, "kinemyo_version": "9.9.9"})
    with SessionStore(copy_path) as st:
        assert st.record(newer)[1] and len(st.sessions("P01")) == 4
    t = progress("P01", store=copy_path).table
    assert t.session_id.nunique() == 3 and set(t[t.date == "2024-01-08"].kinemyo_version) == {"9.9.9"}


def test_html_report(three_weeks, tmp_path):
    store, _ = three_weeks
    p = kinemyo.progress("P01", store=store, mic={"csi": 7.0})  # the module is callable
    text = p.write_html(tmp_path / "r" / "progress.html").read_text()
    images = re.findall(r"src='data:image/png;base64,([^']+)'", text)
    assert len(images) == p.table[p.table.key.notna()].measure.nunique()
    assert all(base64.b64decode(i).startswith(b"\x89PNG") for i in images)
    assert "http" not in text.replace("http-equiv", "")  # self-contained
    assert "Mayer TG et al. Pain Pract 2012" in text and "improved beyond the MIC of 7 points" in text
    for line in p.lines:
        assert line.replace("→", "&rarr;") in text or line in text


def test_change_status_rules():
    assert change_status(14.0, 6.0, 5.0, "zero_is_best") == "improved"
    assert change_status(-14.0, 6.0, 5.0, "zero_is_best") == "improved"
    assert change_status(2.0, -8.0, 5.0, "zero_is_best") == "worsened"
    assert change_status(1.0, 1.4, 0.5, "higher_is_better") == "no important change"
    assert change_status(1.0, 1.5, 0.5, "higher_is_better") == "improved"  # |change| = MIC counts
    assert change_status(40.0, 50.0, 10.0, "lower_is_better") == "worsened"
    assert change_status(1.0, 3.0, 1.0, "none") == "changed"
    assert change_status(1.0, float("nan"), 1.0, "none") == "not computable"
    assert change_status(1.0, 2.0, None, "none") == "no MIC defined"
    assert plain_line("step-time asymmetry", 14.0, 6.0, "%", 5.0, "improved") == \
        "step-time asymmetry 14 % → 6 %, improved beyond the MIC of 5 points"


def test_progress_command(three_weeks, tmp_path, capsys):
    store, _ = three_weeks
    assert main(["progress", "P01", "--store", str(store)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Progress of P01: 3 session(s) from 2024-01-08 to 2024-02-05") and "ODI total" in out
    assert main(["progress", "P01", "--store", str(store), "--format", "csv", "--out", str(tmp_path)]) == 0
    import pandas as pd

    csv = pd.read_csv(tmp_path / "progress.csv")
    assert len(csv) == len(progress("P01", store=store).table) and "status" in csv
    assert main(["progress", "P01", "--store", str(store), "--format", "html", "--out", str(tmp_path / "h")]) == 0
    assert (tmp_path / "h" / "progress.html").read_text().startswith("<!doctype html>")
    capsys.readouterr()
    assert main(["progress", "P02", "--store", str(store)]) == 2
    assert capsys.readouterr().err.strip() == f"kinemyo: patient 'P02': not in the store {store} (patients: P01)"
    assert main(["progress", "P02", "--store", str(tmp_path / "empty.sqlite")]) == 2
    assert "store is empty" in capsys.readouterr().err
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"\x00garbage" * 200)
    assert main(["progress", "P01", "--store", str(junk)]) == 2
    err = capsys.readouterr().err.strip()
    assert "junk.sqlite" in err and "\n" not in err


def test_analyze_records_and_demo_does_not(tmp_path, store_env, capsys, monkeypatch):
    import kinemyo.demo

    from .conftest import make_session

    monkeypatch.setattr(kinemyo.demo, "run_emg_demo", lambda *a, **k: None)  # the real-time part is not at issue
    path = make_session(tmp_path / "s")
    assert main(["demo", "--out", str(tmp_path / "d"), "--quiet"]) == 0
    assert not store_env.exists()
    assert main(["analyze", str(path), "--out", str(tmp_path / "o"), "--no-store", "--quiet"]) == 0
    assert not store_env.exists()
    assert main(["analyze", str(path), "--out", str(tmp_path / "o2")]) == 0
    assert f"store: {store_env} (recorded" in capsys.readouterr().out
    with SessionStore() as st:
        sid = st.sessions().session_id.iloc[0]
        assert st.report_paths(sid)["summary"] == str((tmp_path / "o2" / "summary.json").absolute())
    other = tmp_path / "other.sqlite"
    assert main(["analyze", str(path), "--out", str(tmp_path / "o3"), "--store", str(other), "--quiet"]) == 0
    assert main(["analyze", str(path), "--out", str(tmp_path / "o3"), "--force", "--store", str(other)]) == 0
    assert "(already recorded" in capsys.readouterr().out
    with SessionStore(other) as st:
        assert len(st.sessions()) == 1


def test_compare_table_over_three_summaries(three_weeks, tmp_path, capsys):
    _, results = three_weeks
    paths = []
    for i, r in enumerate(results):
        p = tmp_path / f"s{i}.json"
        p.write_text(json.dumps(r.summary, default=float))
        paths.append(str(p))
    table, warnings = compare_summaries(paths, {"odi": 10.0, "bogus": 1.0})
    assert warnings == ["--mic bogus: matches no compared row"]
    assert list(table.columns) == ["measure", "unit", "2024-01-08", "2024-01-22", "2024-02-05", "change", "mic",
                                   "status"]
    row = table.set_index("measure").loc["odi total"]
    vals = [r.summary["questionnaires"]["odi"]["scores"]["total"]["value"] for r in results]
    assert [row[d] for d in ("2024-01-08", "2024-01-22", "2024-02-05")] == vals
    assert row["change"] == pytest.approx(vals[-1] - vals[0]) and row["status"] == "improved"
    assert table.status.notna().all() and (table.status != "").all()
    assert main(["compare", *paths, "--mic", "odi=10", "--mic", "bogus=1"]) == 0
    cap = capsys.readouterr()
    assert cap.err.strip() == "kinemyo: warning: --mic bogus: matches no compared row"
    assert re.search(r"^odi total\s+points\s+35\.56\s+", cap.out, re.M) and cap.out.count("\n") == len(table) + 2
    assert main(["compare", *paths, "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "measure,unit,2024-01-08,2024-01-22,2024-02-05,change,mic,status"
    assert main(["compare", *paths[:2], "--format", "html"]) == 0
    assert "<table" in capsys.readouterr().out
    assert main(["compare", paths[0]]) == 2
    assert "two or more" in capsys.readouterr().err
    (tmp_path / "bad.json").write_text("{\"kinemyo_version\": ")
    assert main(["compare", paths[0], str(tmp_path / "bad.json")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("kinemyo: summary 2: ") and "not valid JSON" in err and "\n" not in err
    assert main(["compare", paths[0], paths[1], "--mic", "odi"]) == 2
    assert "--mic: expected NAME=VALUE" in capsys.readouterr().err
    assert format_table(table.head(2), "csv").count("\n") == 3
    with pytest.raises(ValueError, match="format"):
        format_table(table, "xml")
    assert np.isnan(table.set_index("measure").loc["ratio GM_L:ES_L", "mic"])
