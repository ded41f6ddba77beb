"""The main job: session files, analyze_session, the report and the CLI, on the bundled demo session (public
recordings). Every number the summary reports is checked against the library function that computes it."""

from __future__ import annotations

import base64
import json
import re
import shutil
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

from kinemyo import emg, gait, imu, questionnaire
from kinemyo.analysis import analyze_session
from kinemyo.progress import compare_summaries
from kinemyo.cli import demo_session_path, main
from kinemyo.io import read_delimited, read_gaitmap_csv
from kinemyo.report import write_report
from kinemyo.session import SessionError, load_session


@pytest.fixture(scope="module")
def demo():
    return analyze_session(demo_session_path())


def test_summary_numbers_equal_the_library_functions(demo):
    s = demo.summary
    session = load_session(demo_session_path())
    # Questionnaires.
    assert s["questionnaires"]["csi"]["scores"]["total"]["value"] == questionnaire.score("csi", session.questionnaires["csi"])["total"].value == 49
    assert s["questionnaires"]["odi"]["scores"]["total"]["value"] == pytest.approx(100 * 16 / 45)
    # Gait: the medians are those of analyze_feet's table on the same file.
    rec = read_gaitmap_csv(session.imu[0].file, fs=204.8)
    cols = lambda side, kind: [rec.labels.index(f"{side}_sensor/{kind}_{a}") for a in "xyz"]  # noqa: E731
    res = gait.analyze_feet(np.radians(rec.data[:, cols("left", "gyr")]), rec.data[:, cols("left", "acc")],
                            np.radians(rec.data[:, cols("right", "gyr")]), rec.data[:, cols("right", "acc")], fs=204.8)
    kept = res.strides[~res.strides.excluded]
    assert s["gait"]["median"]["stance_time_s"]["left"] == kept[kept.side == "left"].stance_time_s.median()
    assert s["gait"]["strides_kept"] == len(kept)
    # Foot angle: gait.foot_angle on the same data, its per-stride maximum over the kept strides.
    angle = gait.foot_angle(np.radians(rec.data[:, cols("left", "gyr")]), rec.data[:, cols("left", "acc")],
                            res.left.mid_stance, fs=204.8, anterior=(1.0, 0.0, 0.0))
    np.testing.assert_array_equal(demo.angles["foot left"]["angles"]["sagittal"], angle)
    left = kept[kept.side == "left"]
    peaks = [angle[int(np.ceil(a * 204.8 - 1e-9)):int(np.ceil(b * 204.8 - 1e-9)) + 1].max()
             for a, b in zip(left.initial_contact_s, left.next_initial_contact_s)]
    foot = s["gait"]["foot_angle_deg"]["left"]
    assert foot["max_per_stride_median"] == pytest.approx(np.degrees(np.median(peaks)), rel=1e-12)
    assert foot["median"] == pytest.approx(np.median(np.degrees(angle)), rel=1e-12)
    reps = imu.repetitions(angle, np.radians(10.0))
    assert foot["range_per_repetition"] == np.degrees(reps.range).tolist()
    assert abs(len(reps) - len(left)) <= 4  # one cycle per stride, plus the strides left out (turn, start, end)
    # EMG: the ratio is emg.activation_ratio of the 95th-percentile-normalised, zero-phase envelopes.
    x = read_delimited(session.emg[0].file, fs=1000.0).data
    cfg = [emg.ChannelConfig(name=c.name, profile=c.profile) for c in session.emg[0].channels]
    env = np.clip(np.asarray(emg.offline_envelope(x, cfg, fs=1000.0)), 0.0, None)
    env = env / np.percentile(np.asarray(emg.offline_envelope(x, cfg, fs=1000.0)), 95, axis=0)
    assert s["ratios"]["GM_L:ES_L"]["overall_activation_ratio"] == pytest.approx(emg.activation_ratio(env[:, 0], env[:, 1]))
    # The four known contractions of emg_1.txt are among the ES_L activations (verified onsets and tolerance:
    # tests/data/emg_onsets/references.json; the defaults' onsets lie 40-90 ms early on the zero-phase envelope).
    onsets = np.array(demo.emg["ES_L"]["onsets"])
    for known in (1.500, 15.542, 25.665, 26.449):
        assert np.min(np.abs(onsets - known)) < 0.1
    assert s["emg"]["ES_L"]["activations"] == len(onsets)
    # Activations, quality and the fatigue trend are what the library functions return for the same inputs.
    raw_env = np.asarray(emg.offline_envelope(x, cfg, fs=1000.0))
    for k, ch in enumerate(("GM_L", "ES_L")):
        e = s["emg"][ch]
        rest = slice(int(round(e["rest_window_s"][0] * 1000)), int(round(e["rest_window_s"][1] * 1000)))
        # No rest in the session: the onset baseline is estimated from the envelope's quietest windows.
        acts = emg.detect_activations(raw_env[:, k:k + 1], None, fs=1000.0, config=emg.OnsetConfig(**e["onset_config"]))
        assert demo.emg[ch]["onsets"] == acts.onset_s.tolist() and e["activations"] == len(acts.onset_s)
        mean, sd = emg.estimate_rest(raw_env[:, k], fs=1000.0)
        assert e["onset_baseline"]["mean"] == mean[0] and e["onset_baseline"]["sd"] == sd[0]
        quality = emg.assess_quality(x, fs=1000.0)[k]
        assert e["quality"]["mains_ratio"] == quality["mains_ratio"] and e["quality"]["ok"] == quality["ok"]
        noise = 3.0 * float(np.std(x[rest, k]))
        feats = emg.windowed_features(x[:, k], fs=1000.0, window_s=1.0, step_s=0.5,
                                      thresholds=emg.FeatureThresholds(noise, noise ** 2, noise))
        trend = emg.median_frequency_trend(feats["t_start_s"].to_numpy() + 0.5, feats["mdf_hz"].to_numpy())[0]
        assert e["median_frequency_trend"]["slope"] == trend["slope"]
    assert len(s["sources"]) == 5


class _TagBalance(HTMLParser):
    """Every element closed in order (void elements excepted), no external resource referenced."""

    VOID = {"meta", "img", "br", "hr", "link", "input"}

    def __init__(self):
        super().__init__()
        self.stack, self.errors, self.external = [], [], []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href") and value and not value.startswith(("data:", "#")):
                self.external.append(value)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


def test_report_files(demo, tmp_path):
    paths = write_report(demo, tmp_path)
    html = paths["report"].read_text()
    check = _TagBalance()
    check.feed(html)
    assert check.errors == [] and check.stack == [] and check.external == []
    figures = dict(re.findall(r"<figure id='(\w+)'>.*?base64,([A-Za-z0-9+/=]+)'", html, re.S))
    assert set(figures) == {"emg", "ratio", "angles", "rom", "gait_events", "gait_bars", "questionnaires"}
    for data in figures.values():
        assert base64.b64decode(data).startswith(b"\x89PNG")
    assert "BioSPPy" in html and "gaitmap" in html
    # Key results: formatted from the summary, which holds the library's numbers.
    table = re.search(r"<table id='key-results'>(.*?)</table>", html, re.S).group(1)
    rows = dict(re.findall(r"<th style='text-align:left'>(.*?)</th><td>(.*?)</td>", table))
    q = demo.summary["questionnaires"]
    assert rows["csi total"] == f"{q['csi']['scores']['total']['value']:.1f} ({q['csi']['scores']['total']['band']})" == "49.0 (moderate)"
    stride = demo.summary["gait"]["median"]["stride_time_s"]
    assert rows["stride time (s)"] == f"left {stride['left']:.3f}, right {stride['right']:.3f}"
    assert rows["gait strides"] == f"{demo.summary['gait']['strides_kept']} of {demo.summary['gait']['strides']} kept"
    assert rows["EMG ES_L (erector_spinae, left)"].startswith(f"{demo.summary['emg']['ES_L']['activations']} activations")
    foot = demo.summary["gait"]["foot_angle_deg"]["right"]
    assert f"heel strike {foot['max_per_stride_median']:.1f}, push-off {foot['min_per_stride_median']:.1f}" in rows["foot angle right (deg)"]
    assert "date" not in html.split("<h2>")[0]  # the demo has no date: not shown as 'None'
    assert json.loads(paths["summary"].read_text()) == json.loads(json.dumps(demo.summary, default=float))
    strides = pd.read_csv(paths["strides"])
    assert len(strides) == len(demo.gait.strides) and "stride_length_m" in strides


def test_session_errors_name_the_field(tmp_path):
    base = json.loads(demo_session_path().read_text())
    for name in ("emg.csv.gz", "feet.csv.gz"):
        shutil.copy(demo_session_path().parent / name, tmp_path / name)

    def check(mutate, match):
        data = json.loads(json.dumps(base))
        mutate(data)
        path = tmp_path / "s.json"
        path.write_text(json.dumps(data))
        with pytest.raises(SessionError, match=match):
            analyze_session(path)

    check(lambda d: d.pop("name"), r"^name: is required")
    check(lambda d: d.update(colour="red"), r"^colour: unknown key")
    check(lambda d: d["emg"][0].update(fs=-1), r"^emg\[0\]\.fs: must be finite and > 0")
    check(lambda d: d["emg"][0].update(fs=float("inf")), r"^emg\[0\]\.fs: must be finite and > 0, got inf")
    check(lambda d: d.update(mic={"odi": float("inf")}), r"^mic\.odi: must be a finite number > 0")
    check(lambda d: d.update(mic={"odi": True}), r"^mic\.odi: must be a finite number > 0")
    check(lambda d: d["emg"][0]["channels"][1].update(column="XX"), r"XX.*is not a column of emg\.csv\.gz")
    check(lambda d: d["emg"][0].update(units="volts"), r"^emg\[0\]\.units: must be one of")
    check(lambda d: d["imu"][0].pop("side"), r"^imu\[0\]\.side: is required for a foot sensor")
    check(lambda d: d["imu"][1].update(file="missing.csv"), r"^imu\[1\]\.file: file not found")
    check(lambda d: d["ratios"][0].update(numerator="GM_R"), r"^ratios\[0\]\.numerator: 'GM_R' is not an EMG channel")
    check(lambda d: d["questionnaires"].update(csi=[9] * 25), r"^questionnaires\.csi: item 1")
    check(lambda d: d["questionnaires"].update(sf36=[1]), r"^questionnaires\.sf36: must be one of")
    (tmp_path / "bad.json").write_text("{name: ")
    with pytest.raises(SessionError, match="not valid JSON"):
        load_session(tmp_path / "bad.json")


def test_toml_session_and_cli(tmp_path, capsys):
    for name in ("emg.csv.gz", "feet.csv.gz"):
        shutil.copy(demo_session_path().parent / name, tmp_path / name)
    (tmp_path / "session.toml").write_text('''
name = "toml demo"
affected_side = "left"
[[emg]]
file = "emg.csv.gz"
format = "csv"
fs = 1000.0
units = "adc"
channels = [{ name = "ES_L", column = "ES_L", profile = "trunk" }]
[questionnaires]
rmdq = [1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
''')
    assert main(["analyze", str(tmp_path / "session.toml"), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    assert capsys.readouterr().err == ""
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["questionnaires"]["rmdq"]["scores"]["total"]["value"] == 3
    assert "gait" not in summary and not (tmp_path / "out" / "strides.csv").exists()
    # A bad file: one clear error, exit code 2.
    (tmp_path / "bad.toml").write_text('name = "x"\n[[emg]]\nformat = "csv"\n')
    assert main(["analyze", str(tmp_path / "bad.toml"), "--out", str(tmp_path / "o2")]) == 2
    assert "emg[0].fs: is required" in capsys.readouterr().err


def test_compare_sessions_against_the_minimal_important_change(demo, tmp_path, capsys):
    after = json.loads(json.dumps(demo.summary, default=float))
    after["questionnaires"]["odi"]["scores"]["total"]["value"] = 20.0
    after["questionnaires"]["csi"]["scores"]["total"]["value"] = 45.0

    def compare(a, b, mic):
        table, warnings = compare_summaries([a, b], mic)
        assert warnings == []
        return {r["measure"]: r for r in table.to_dict("records")}

    rows = compare(demo.summary, after, {"odi": 10.0, "csi": 7.0})
    assert rows["odi total"]["status"] == "improved" and rows["odi total"]["change"] == pytest.approx(20 - 100 * 16 / 45)
    assert rows["csi total"]["status"] == "no important change"
    assert "ratio GM_L:ES_L" in rows and "gait stance_time_s left" in rows
    # Asymmetry improves toward zero: step-time SI from +0.83 % to -0.2 % against a 0.5 % MIC.
    si = "gait step_time_s symmetry_index"
    before_si = next(r["value"] for r in demo.summary["gait"]["asymmetry"]
                     if (r["parameter"], r["index"]) == ("step_time_s", "symmetry_index"))
    for r in after["gait"]["asymmetry"]:
        if (r["parameter"], r["index"]) == ("step_time_s", "symmetry_index"):
            r["value"] = -0.2
    after["gait"]["foot_angle_deg"]["left"]["max_per_stride_median"] += 3.0
    angle = "foot angle left max_per_stride_median"
    rows = compare(demo.summary, after, {si: 0.5, angle: 2.0})
    assert rows[si]["change"] == pytest.approx(-0.2 - before_si) and rows[si]["status"] == "improved"
    assert rows[angle]["status"] == "changed" and rows[angle]["change"] == pytest.approx(3.0)
    assert rows["gait stance_time_s left"]["status"] == "no MIC defined"
    assert compare(after, demo.summary, {si: 0.5})[si]["status"] == "worsened"
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps(demo.summary, default=float))
    b.write_text(json.dumps(after))
    assert main(["compare", str(a), str(b), "--mic", "odi=10"]) == 0
    odi = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("odi total"))
    assert odi.split()[-1] == "improved" and " 10 " in odi  # the compare table: status and MIC on the row


def test_python_example_scripts_run(tmp_path, repo_dir):
    import subprocess
    import sys

    script = repo_dir / "examples" / "python" / "notebook_workflow.py"
    run = subprocess.run([sys.executable, str(script), "--out", str(tmp_path)], capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "stance_per_stride.png").read_bytes().startswith(b"\x89PNG")
    strides = pd.read_csv(tmp_path / "strides.csv")
    assert {"side", "stance_time_s", "excluded"} <= set(strides.columns)
    assert "symmetry_index" in pd.read_csv(tmp_path / "asymmetry.csv")["index"].values


def test_c3d_emg_gives_the_same_analysis_as_csv(tmp_path):
    ezc3d = pytest.importorskip("ezc3d")
    rec = read_delimited(demo_session_path().parent / "emg.csv.gz", fs=1000.0)
    n = 20000  # 20 s
    c3d = ezc3d.c3d()
    c3d["parameters"]["POINT"]["RATE"]["value"] = [100]
    c3d["parameters"]["POINT"]["LABELS"]["value"] = ("marker",)
    c3d["parameters"]["ANALOG"]["RATE"]["value"] = [1000]
    c3d["parameters"]["ANALOG"]["LABELS"]["value"] = ("GM_L", "ES_L")
    c3d["data"]["points"] = np.ones((4, 1, n // 10))
    c3d["data"]["analogs"] = rec.data[:n].T[None, :, :]
    c3d.write(str(tmp_path / "emg.c3d"))
    with open(tmp_path / "emg.csv", "w") as fh:
        fh.write("GM_L,ES_L\n" + "".join(f"{a:g},{b:g}\n" for a, b in rec.data[:n]))
    channels = [{"name": "ES_L", "column": "ES_L", "profile": "trunk"}]
    for fmt, name in (("c3d", "emg.c3d"), ("csv", "emg.csv")):
        (tmp_path / f"{fmt}.json").write_text(json.dumps({"name": fmt, "emg": [
            {"file": name, "format": fmt, "fs": 1000.0, "units": "adc", "channels": channels}]}))
    a, b = analyze_session(tmp_path / "c3d.json"), analyze_session(tmp_path / "csv.json")
    assert a.emg["ES_L"]["onsets"] == b.emg["ES_L"]["onsets"] and len(a.emg["ES_L"]["onsets"]) >= 2
    np.testing.assert_array_equal(a.emg["ES_L"]["envelope"], b.emg["ES_L"]["envelope"])
    (tmp_path / "bad.json").write_text(json.dumps({"name": "x", "emg": [
        {"file": "emg.c3d", "format": "c3d", "fs": 2000.0, "units": "adc", "channels": channels}]}))
    with pytest.raises(SessionError, match=r"emg\[0\]\.fs: 2000.0 Hz in the session, 1000.0 Hz in the file"):
        analyze_session(tmp_path / "bad.json")


def test_progress_bar_on_a_terminal_lines_in_a_log_and_nothing_when_quiet(tmp_path, capsys):
    import io

    from kinemyo.analysis import plan_steps
    from kinemyo.cli import ProgressBar

    calls = []
    analyze_session(demo_session_path(), progress=lambda *a: calls.append(a))
    plan = plan_steps(load_session(demo_session_path()))
    assert plan == ["EMG emg.csv.gz", "gait (feet)", "foot angle left", "foot angle right", "questionnaire csi",
                    "questionnaire odi"]
    assert calls == [(k, len(plan), m) for k, m in enumerate(plan)] + [(len(plan), len(plan), "done")]

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    term, log = Terminal(), io.StringIO()
    for bar in (ProgressBar(stream=term, width=10), ProgressBar(stream=log)):
        for call in calls:
            bar(*call)
    assert term.getvalue().count("\r") == len(calls) and term.getvalue().endswith("\n")
    assert f"\r[#####.....] 3/6 {plan[3]}" in term.getvalue() and "\r[##########] 6/6 done" in term.getvalue()
    assert log.getvalue().splitlines()[0] == "[0/6] EMG emg.csv.gz" and log.getvalue().splitlines()[-1] == "[6/6] done"
    assert main(["analyze", str(demo_session_path()), "--out", str(tmp_path / "o")]) == 0
    err = capsys.readouterr().err
    assert "[1/6] gait (feet)" in err and err.rstrip().endswith("[6/6] done")
    assert main(["analyze", str(demo_session_path()), "--out", str(tmp_path / "q"), "--quiet"]) == 0
    assert capsys.readouterr().err == ""
