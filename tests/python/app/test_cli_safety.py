"""Results never mixed or half-written, clean one-line errors, recordings confined to the session folder
(issue 13)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from kinemyo._outdir import RUN_MARKER, OutputExists, OutputLocked, result_folder
from kinemyo.cli import demo_session_path, main


def test_result_folder_replaces_only_with_force_and_leaves_old_results_on_failure(tmp_path):
    out = tmp_path / "out"
    with result_folder(out) as tmp:
        (tmp / "summary.json").write_text("{}")
        (tmp / "strides.csv").write_text("a\n")
    assert sorted(p.name for p in out.iterdir()) == sorted([RUN_MARKER, "strides.csv", "summary.json"])
    with pytest.raises(OutputExists, match="already holds results; use --force"):
        with result_folder(out):
            pass
    with pytest.raises(RuntimeError, match="boom"):  # a failing run: the previous results stay, no temp left
        with result_folder(out, force=True) as tmp:
            (tmp / "summary.json").write_text('{"new": 1}')
            raise RuntimeError("boom")
    assert (out / "strides.csv").exists() and (out / "summary.json").read_text() == "{}"
    with result_folder(out, force=True) as tmp:  # a questionnaire-only run: no stale strides.csv beside it
        (tmp / "summary.json").write_text('{"new": 1}')
    assert not (out / "strides.csv").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.tmp")] == []
    mine = tmp_path / "mine"  # a folder kinemyo did not write is never replaced, even with force
    mine.mkdir()
    (mine / "thesis.tex").write_text("x")
    with pytest.raises(OutputExists, match="holds no kinemyo results"):
        with result_folder(mine, force=True):
            pass
    assert (mine / "thesis.tex").read_text() == "x"
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputExists, match="exists and is not a folder"):
        with result_folder(tmp_path / "file"):
            pass


def test_a_second_run_into_the_same_folder_is_refused_while_the_first_writes(tmp_path):
    out = tmp_path / "out"
    with result_folder(out) as _tmp:
        with pytest.raises(OutputLocked, match="another kinemyo run is writing"):
            with result_folder(out, force=True):
                pass


def test_cli_errors_are_one_line_with_exit_code_2(tmp_path, capsys):
    bad = tmp_path / "s.json"
    bad.write_text("[" * 100_000)
    assert main(["analyze", str(bad), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("kinemyo: session: s.json") and "\n" not in err and "Traceback" not in err
    latin = tmp_path / "l.toml"
    latin.write_bytes(b'name = "\xe9"\n')
    assert main(["analyze", str(latin), "--out", str(tmp_path / "o")]) == 2
    assert "not UTF-8" in capsys.readouterr().err
    for content in ("", "[]", '{"kinemyo_version": "x", "questionnaires": 5}', "\x00\x01"):
        p = tmp_path / "summary.json"
        p.write_text(content)
        assert main(["compare", str(p), str(p)]) == 2, content
        err = capsys.readouterr().err.strip()
        assert err.startswith("kinemyo: ") and "\n" not in err
    assert main(["compare", str(tmp_path / "missing.json"), str(p)]) == 2
    assert "file not found" in capsys.readouterr().err
    with pytest.raises(ValueError):  # --debug: the exception itself
        main(["--debug", "compare", str(p), str(p)])


def test_analyze_refuses_an_occupied_folder_before_analysing(tmp_path, capsys):
    out = tmp_path / "o"
    out.mkdir()
    (out / "old.txt").write_text("keep")
    assert main(["analyze", str(demo_session_path()), "--out", str(out), "--quiet"]) == 2
    assert "use --force" in capsys.readouterr().err
    assert (out / "old.txt").read_text() == "keep"


def test_recording_paths_are_confined_to_the_session_folder(tmp_path):
    from kinemyo.session import SessionError, load_session

    secret = tmp_path / "secret.csv"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n")
    folder = tmp_path / "session"
    folder.mkdir()
    data = json.loads(demo_session_path().read_text())
    for name in ("emg.csv.gz", "feet.csv.gz"):
        shutil.copy(demo_session_path().parent / name, folder / name)
    data["emg"][0]["file"] = "../secret.csv"
    (folder / "s.json").write_text(json.dumps(data))
    with pytest.raises(SessionError, match=r"emg\[0\]\.file: '\.\./secret\.csv' lies outside the session file's folder"):
        load_session(folder / "s.json")
    os.symlink(secret, folder / "link.csv")
    data["emg"][0]["file"] = "link.csv"
    (folder / "s.json").write_text(json.dumps(data))
    with pytest.raises(SessionError, match="lies outside"):
        load_session(folder / "s.json")
    data["emg"][0]["file"] = str(secret)
    (folder / "s.json").write_text(json.dumps(data))
    with pytest.raises(SessionError, match="lies outside"):
        load_session(folder / "s.json")
    assert load_session(folder / "s.json", allow_outside=True).emg[0].file == secret


@pytest.mark.skipif(sys.platform != "linux", reason="signals to a child process")
def test_ctrl_c_during_a_run_leaves_the_previous_results(tmp_path):
    out = tmp_path / "o"
    assert main(["analyze", str(demo_session_path()), "--out", str(out), "--quiet"]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    interrupted = 0
    # The signal lands while the run writes its results (its temporary folder exists), the window that matters;
    # waiting for it rather than a fixed delay keeps the test independent of how loaded the machine is.
    for delay in (0.0, 0.3, 1.0):
        proc = subprocess.Popen([sys.executable, "-m", "kinemyo", "analyze", str(demo_session_path()), "--out",
                                 str(out), "--force", "--quiet"], stderr=subprocess.PIPE, text=True)
        while proc.poll() is None and not any(".o.tmp-" in p.name for p in tmp_path.iterdir()):
            time.sleep(0.005)
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
        after = {p.name: p.read_bytes() for p in out.iterdir()}
        if proc.returncode == 130:
            interrupted += 1
            assert after == before and "Traceback" not in err
        else:  # finished before the signal (or as it exited): a complete new folder
            assert proc.returncode in (0, -signal.SIGINT) and set(after) == set(before), (proc.returncode, err)
            before = after
    assert interrupted >= 1  # at least the signal sent as the folder appeared lands before the run ends
    assert [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name or ".old-" in p.name] == []


def test_compare_survives_mutated_summaries(tmp_path, capsys):
    """Structure-level mutants of a real summary.json (keys dropped, values of the wrong type, NaN/huge numbers,
    nesting changed): `kinemyo compare` answers with a table (0) or one clean line (2), never an internal error."""
    import random

    out = tmp_path / "o"
    assert main(["analyze", str(demo_session_path()), "--out", str(out), "--quiet"]) == 0
    good = json.loads((out / "summary.json").read_text())
    rng = random.Random(3)
    weird = [None, "x", -1, 1e308, [], {}, [1, "a"], {"a": None}, True, float("nan")]

    def paths(node, prefix=()):
        yield prefix
        if isinstance(node, dict):
            for k, v in node.items():
                yield from paths(v, prefix + (k,))
        elif isinstance(node, list):
            for i, v in enumerate(node[:3]):
                yield from paths(v, prefix + (i,))

    all_paths = [p for p in paths(good) if p]
    codes = {0: 0, 2: 0}
    for k in range(150):
        doc = json.loads(json.dumps(good))
        for _ in range(rng.randint(1, 3)):
            path = rng.choice(all_paths)
            parent = doc
            try:
                for key in path[:-1]:
                    parent = parent[key]
                if rng.random() < 0.3 and isinstance(parent, dict):
                    parent.pop(path[-1], None)
                else:
                    parent[path[-1]] = rng.choice(weird)
            except (KeyError, IndexError, TypeError):
                continue
        p = tmp_path / f"m{k}.json"
        p.write_text(json.dumps(doc))
        code = main(["compare", str(out / "summary.json"), str(p)])
        err = capsys.readouterr().err
        assert code in (0, 2) and "Traceback" not in err, (code, err[-500:])
        codes[code] += 1
    assert codes[2] > 0 and codes[0] > 0  # both outcomes occur: the mutants are neither all fatal nor all ignored
