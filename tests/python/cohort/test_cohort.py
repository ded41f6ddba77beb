"""A study on a Dask cluster (issue 15): 54 sessions built from the real recordings (build_cohort.py) analysed on a
LocalCluster of 2 worker processes give exactly the tables of the serial run; a worker killed mid-run loses no
session; failures are recorded and the others go on; a re-run skips unchanged sessions and redoes a changed one;
hostile arguments are refused naming the parameter."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys

import pandas as pd
import pytest

distributed = pytest.importorskip("distributed", reason="the cohort needs dask[distributed] (pip install .[cohort])")
pytest.importorskip("pyarrow", reason="the cohort dataset needs pyarrow (pip install .[cohort])")

from kinemyo import tables  # noqa: E402
from kinemyo.cohort import analyze_cohort, parquet_schema, process_session, read_table  # noqa: E402

from .build_cohort import build_cohort  # noqa: E402

# analysed_at is the wall-clock time of each analysis; everything else must be identical
VOLATILE = ["analysed_at"]
SORT = {"sessions": ["session_id"], "measures": ["session_id", "measure"],
        "strides": ["session_id", "source", "side", "initial_contact_s", "start_s"],
        "activations": ["session_id", "channel", "onset_s"], "questionnaires": ["session_id", "instrument", "score"]}


def _table(out, name):
    frame = read_table(out, name).drop(columns=VOLATILE, errors="ignore")
    return frame.sort_values(SORT[name], kind="stable").reset_index(drop=True)


def _local_cluster(n=2):
    return distributed.LocalCluster(n_workers=n, threads_per_worker=1, processes=True, memory_limit="2GiB",
                                    dashboard_address=":0")


@pytest.fixture(scope="module")
def cohort(shared_data_dir, tmp_path_factory):
    return build_cohort(tmp_path_factory.mktemp("cohort"), shared_data_dir)


@pytest.fixture(scope="module")
def client():
    with _local_cluster() as cluster, distributed.Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def serial(cohort, tmp_path_factory):
    out = tmp_path_factory.mktemp("serial")
    return out, [process_session(p, out) for p in cohort.sessions]


@pytest.fixture(scope="module")
def on_dask(cohort, client, tmp_path_factory):
    out = tmp_path_factory.mktemp("dask") / "study"
    seen = []
    result = analyze_cohort(cohort.sessions, out=out, client=client, progress=lambda *a: seen.append(a))
    return result, seen


def test_cohort_is_big_and_varied(cohort):
    usable = [p for p in cohort.sessions if p not in cohort.broken]
    assert len(cohort.sessions) >= 50 and len(usable) >= 50 and len(cohort.patients) >= 10
    specs = [json.loads(p.read_text()) for p in usable]
    assert len({s["subject"] for s in specs}) == len(cohort.patients)
    assert len({s["date"] for s in specs}) > 40
    assert len({r["fs"] for s in specs for r in s["imu"]}) >= 5 and len({s["emg"][0]["fs"] for s in specs}) >= 3
    assert len({r.get("start_s") for s in specs for r in s["emg"]}) == len(specs)


def test_dask_gives_exactly_the_serial_tables(cohort, serial, on_dask):
    out_serial, statuses = serial
    result, seen = on_dask
    assert list(result.sessions.session_file) == [str(p.resolve()) for p in cohort.sessions]
    assert sorted(result.failed.session_file) == sorted(str(p.resolve()) for p in cohort.broken)
    assert (result.sessions.status == "ok").sum() == len(cohort.sessions) - len(cohort.broken)
    assert [s["status"] for s in statuses] == list(result.sessions.status)
    for name in tables.TABLES:
        a, b = _table(out_serial, name), _table(result.out, name)
        assert len(a) > 0, name
        pd.testing.assert_frame_equal(a, b, check_exact=True, obj=name)
    sessions = read_table(result.out, "sessions")
    assert sessions.session_file.is_unique and len(sessions) == len(cohort.sessions)
    assert set(sessions.patient.dropna()) == set(cohort.patients)
    # progress: a first call, then one per finished session
    assert seen[0][0] == 0 and [d for d, _, _ in seen[1:]] == list(range(1, len(cohort.sessions) + 1))


def test_failing_sessions_are_recorded_and_the_rest_goes_on(cohort, on_dask):
    result, _ = on_dask
    failed = result.failed.set_index("session_file").error
    missing, truncated = (str(p.resolve()) for p in cohort.broken)
    assert "emg[0].file: file not found" in failed[missing]
    assert "back.csv" in failed[truncated] and "cut short" in failed[truncated]
    rows = read_table(result.out, "sessions").set_index("session_file")
    assert rows.loc[truncated, "status"] == "failed" and rows.loc[truncated, "patient"] == "P02"
    assert pd.isna(rows.loc[missing, "patient"])  # the session file named a recording that is not there
    assert rows.loc[missing, "error"] == failed[missing]
    report = result.report.read_text()
    assert result.report == result.out / "cohort_report.html"
    assert "id='distributions'" in report and "id='trajectories'" in report and "id='failed'" in report
    assert f"{len(cohort.sessions)} sessions of {len(cohort.patients)} patients" in report


def test_rerun_skips_unchanged_sessions(cohort, client, on_dask):
    result, _ = on_dask
    before = read_table(result.out, "sessions")
    again = analyze_cohort(cohort.sessions, out=result.out, client=client)
    unreadable = str(cohort.broken[0].resolve())  # inputs that cannot be read are retried every run
    skipped = again.sessions.set_index("session_file").skipped
    assert not skipped[unreadable] and skipped.drop(unreadable).all()
    after = read_table(result.out, "sessions")
    keep = before.session_file != unreadable
    pd.testing.assert_frame_equal(before[keep].sort_values("session_id").reset_index(drop=True),
                                  after[after.session_file != unreadable].sort_values("session_id")
                                  .reset_index(drop=True))  # analysed_at too: nothing was redone


def test_changed_session_is_redone_and_its_old_rows_go(cohort, client, tmp_path):
    folders = [cohort.sessions[i].parent for i in (0, 5, 9)]  # P01_1, P02_1, P03_1
    paths = []
    for f in folders:
        shutil.copytree(f, tmp_path / f.name)
        paths.append(tmp_path / f.name / "session.json")
    out = tmp_path / "study"
    first = analyze_cohort(paths, out=out, client=client)
    assert (first.sessions.status == "ok").all()
    spec = json.loads(paths[1].read_text())
    spec["questionnaires"]["odi"][0] = 5 - (spec["questionnaires"]["odi"][0] or 0)
    spec["subject"] = "P02b"  # a corrected patient id moves the session to another partition
    paths[1].write_text(json.dumps(spec))
    second = analyze_cohort(paths, out=out, client=client)
    assert list(second.sessions.skipped) == [True, False, True]
    old_id, new_id = first.sessions.session_id[1], second.sessions.session_id[1]
    assert old_id != new_id
    for name in tables.TABLES:
        ids = set(read_table(out, name).session_id)
        assert old_id not in ids, name
    sessions = read_table(out, "sessions")
    assert len(sessions) == 3 and sessions.set_index("session_id").patient[new_id] == "P02b"
    assert not list((out / "sessions" / "patient=P02").glob("*.parquet"))


def test_killed_worker_loses_no_session(cohort, serial, tmp_path):
    paths = cohort.sessions[:24]
    out = tmp_path / "study"
    killed = []
    with _local_cluster() as cluster, distributed.Client(cluster) as c:
        def kill_one_worker(done, total, message):
            if done == 3 and not killed:
                busy = {w: keys for w, keys in c.processing().items() if keys}
                victim = sorted(busy)[0]
                pid = c.run(os.getpid, workers=[victim])[victim]
                os.kill(pid, signal.SIGKILL)
                killed.append((pid, busy[victim]))

        result = analyze_cohort(paths, out=out, client=c, progress=kill_one_worker)
    assert killed, "no worker was killed"
    pid, keys = killed[0]
    interrupted = {k.split("-")[2] for k in keys}  # kinemyo-session-<folder>-<uuid>
    by_folder = result.sessions.assign(folder=[p.split("/")[-2] for p in result.sessions.session_file])
    by_folder = by_folder.set_index("folder")
    for folder in interrupted:  # the sessions the dead worker held were redone by another worker process
        assert by_folder.status[folder] in ("ok", "failed") and by_folder.worker_pid[folder] != pid
    expected = {str(p.resolve()) for p in paths}
    assert set(result.sessions.session_file) == expected
    assert ((result.sessions.status == "ok") | result.sessions.session_file.isin(
        [str(p.resolve()) for p in cohort.broken])).all()
    out_serial, _ = serial
    for name in tables.TABLES:  # exactly once each, and the same rows as the serial run
        got = _table(out, name)
        want = _table(out_serial, name)
        ids = set(read_table(out, "sessions").session_id)
        want = want[want.session_id.isin(ids)].reset_index(drop=True)
        pd.testing.assert_frame_equal(got, want, check_exact=True, obj=name)
    assert read_table(out, "sessions").session_file.is_unique


def test_schema_follows_the_tables_module():
    assert parquet_schema("sessions").names == list(tables.SESSION_COLUMNS)
    assert parquet_schema("measures").names == [tables.MEASURE_COLUMNS[0], "patient", *tables.MEASURE_COLUMNS[1:]]
    assert parquet_schema("strides", with_patient=False).names == ["session_id", "source", *tables.STRIDE_COLUMNS]
    with pytest.raises(ValueError, match="table"):
        parquet_schema("steps")


def test_hostile_arguments(cohort, tmp_path):
    good = cohort.sessions[0]
    out = tmp_path / "out"
    with pytest.raises(ValueError, match="paths: no session files"):
        analyze_cohort([], out=out)
    with pytest.raises(ValueError, match=r"paths\[1\]: .*file not found"):
        analyze_cohort([good, tmp_path / "nope.json"], out=out)
    with pytest.raises(ValueError, match=r"paths\[0\]: .*is a folder"):
        analyze_cohort([good.parent], out=out)
    with pytest.raises(ValueError, match=r"paths\[1\]: .* same file as paths\[0\]"):
        analyze_cohort([good, good.parent / ".." / good.parent.name / "session.json"], out=out)
    with pytest.raises(TypeError, match="paths: .*single path"):
        analyze_cohort(str(good), out=out)
    with pytest.raises(TypeError, match=r"paths\[0\]: expected a path"):
        analyze_cohort([3], out=out)
    with pytest.raises(TypeError, match="paths"):
        analyze_cohort(None, out=out)
    with pytest.raises(ValueError, match="scheduler: .*not both"):
        analyze_cohort([good], out=out, client=object(), scheduler="tcp://127.0.0.1:1")
    with pytest.raises(ValueError, match="workers"):
        analyze_cohort([good], out=out, workers=0)
    with pytest.raises(TypeError, match="out"):
        analyze_cohort([good], out=None)
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match="out: .*not a folder"):
        analyze_cohort([good], out=tmp_path / "file")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match="out: .*not a kinemyo cohort dataset"):
        analyze_cohort([good], out=tmp_path / "other")
    assert not out.exists()  # refused before anything was written


def test_cli_cohort(cohort, tmp_path, repo_dir):
    paths = [str(cohort.sessions[0]), str(cohort.broken[1])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    run = subprocess.run([sys.executable, "-m", "kinemyo", "cohort", *paths, "--out", str(tmp_path / "study"),
                          "--workers", "1"], capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 2, run.stderr
    assert "1 of 2 sessions failed" in run.stderr and "P02_truncated" in run.stderr
    assert "[2/2]" in run.stderr
    assert len(read_table(tmp_path / "study", "sessions")) == 2
    assert (tmp_path / "study" / "cohort_report.html").is_file()


def test_store_is_filled_by_the_workers(cohort, client, tmp_path):
    from kinemyo.store import SessionStore

    paths = []
    for f in [cohort.sessions[i].parent for i in (0, 5)] + [cohort.broken[1].parent]:
        shutil.copytree(f, tmp_path / f.name)
        paths.append(tmp_path / f.name / "session.json")
    out, store = tmp_path / "study", tmp_path / "sessions.sqlite"
    first = analyze_cohort(paths, out=out, client=client, store=store)
    assert list(first.sessions.status) == ["ok", "ok", "failed"]
    with SessionStore(store) as st:
        stored = st.sessions().set_index("session_id")
        assert set(stored.index) == set(first.sessions.session_id)
        assert dict(stored.status) == dict(zip(first.sessions.session_id, first.sessions.status))
        assert stored.error[first.sessions.session_id[2]] == first.sessions.error[2]
        for name, key in (("measures", ["session_id", "measure"]), ("questionnaires", ["session_id", "score"])):
            a = getattr(st, name)().sort_values(key).reset_index(drop=True)
            b = read_table(out, name).sort_values(key).reset_index(drop=True)
            pd.testing.assert_series_equal(a.value, b.value, check_names=False)
            assert list(a.session_id) == list(b.session_id)
        # the store holds the tables the worker wrote to Parquet (built once), their analysis time too
        ok = read_table(out, "sessions").query("status == 'ok'").set_index("session_id")
        assert len(ok) == 2 and dict(stored.analysed_at[ok.index]) == dict(ok.analysed_at)
    again = analyze_cohort(paths, out=out, client=client, store=store)
    assert again.sessions.skipped.all()
    # a new store beside an existing dataset: the sessions it lacks are analysed again and recorded
    fresh = tmp_path / "fresh.sqlite"
    third = analyze_cohort(paths, out=out, client=client, store=fresh)
    assert not third.sessions.skipped.any()
    with SessionStore(fresh) as st:
        assert len(st.sessions()) == 3


def test_store_refuses_remote_workers(cohort, tmp_path):
    class RemoteWorkers:  # what a real cluster's client reports
        def scheduler_info(self):
            return {"workers": {"tcp://10.255.0.7:40000": {}, "tcp://127.0.0.1:40001": {}}}

    with pytest.raises(ValueError, match="store: workers on 10.255.0.7"):
        analyze_cohort([cohort.sessions[0]], out=tmp_path / "study", client=RemoteWorkers(),
                       store=tmp_path / "s.sqlite")
    with pytest.raises(TypeError, match="store"):
        analyze_cohort([cohort.sessions[0]], out=tmp_path / "study", store=3)


def test_scheduler_address_connects_to_a_running_cluster(cohort, client, tmp_path):
    address = client.scheduler.address  # as `kinemyo cohort --scheduler tcp://...` would be given
    result = analyze_cohort(cohort.sessions[:2], out=tmp_path / "study", scheduler=address)
    assert list(result.sessions.status) == ["ok", "ok"]
    assert len(client.scheduler_info()["workers"]) == 2  # the cluster outlives the run's own connection
