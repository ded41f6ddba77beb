"""kinemyo.store: one transaction per session (a killed writer leaves nothing half-written), idempotent records,
analyses of two kinemyo versions side by side, schema migration, many writing processes at once, hostile files."""

from __future__ import annotations

import copy
import dataclasses
import json
import multiprocessing
import os
import signal
import sqlite3
import time

import numpy as np
import pandas as pd
import pytest

from kinemyo import _core, emg
from kinemyo.analysis import analyze_session
from kinemyo.store import MIGRATIONS, SCHEMA_VERSION, SessionStore, StoreError, default_store_path
from kinemyo.tables import content_hash, input_hash, session_tables

from .conftest import make_session

FORK = multiprocessing.get_context("fork")


def fake_hash(i: int) -> str:
    return f"{i:064x}"


def counts(path) -> dict:
    with sqlite3.connect(path) as db:
        return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("sessions", "measures", "strides", "activations", "questionnaires", "parameters")}


def test_round_trip_equals_the_tables(demo_result, store_env):
    with SessionStore() as st:
        assert st.path == store_env
        sid, inserted = st.record(demo_result, patient="P01", date="2024-01-08",
                                  report_paths={"report": "/r/report.html", "summary": "/r/summary.json"})
        assert inserted and sid == input_hash(demo_result.session)
        want = session_tables(demo_result, input_hash=sid, patient="P01", date="2024-01-08")
        for name, reader in (("measures", st.measures), ("activations", st.activations),
                             ("questionnaires", st.questionnaires), ("strides", st.strides)):
            got = reader("P01")[list(want[name].columns)]
            # strings may come back as pandas' string dtype; the numbers must be identical, typed alike
            pd.testing.assert_frame_equal(got, want[name], check_dtype=False, check_exact=True, obj=name)
            for col in want[name].columns:
                if not pd.api.types.is_string_dtype(want[name][col]) and want[name][col].dtype != object:
                    assert got[col].dtype == want[name][col].dtype or name == "questionnaires", (name, col)
        row = st.sessions("P01").iloc[0]
        assert row.content_hash == content_hash(demo_result.session) and row.status == "ok"
        assert st.report_paths(sid) == {"report": "/r/report.html", "summary": "/r/summary.json"}
        params = st.parameters(sid)
        assert params["mic"] == {"odi": 10.0}
        chain = emg.EnvelopePipeline(1000.0, [emg.ChannelConfig(name="GM_L", profile="limb"),
                                              emg.ChannelConfig(name="ES_L", profile="trunk")])
        assert params["emg_processing"][0]["isek_report"] == emg.processing_report_dict(chain)
        assert params["emg_onset"]["GM_L"]["onset_config"] == demo_result.summary["emg"]["GM_L"]["onset_config"]
        assert st.has(sid) and st.has(sid, _core.__version__) and not st.has(sid, "0.0.0")
        assert st.patients() == ["P01"] and st.integrity_check() == "ok" and st.schema_version == SCHEMA_VERSION


def test_same_inputs_twice_is_a_no_op_and_a_new_version_sits_beside(demo_result, store_env):
    with SessionStore() as st:
        sid, _ = st.record(demo_result, patient="P01", date="2024-01-08")
        before = counts(store_env)
        assert st.record(demo_result, patient="P01", date="2024-01-08") == (sid, False)
        assert counts(store_env) == before
        newer = dataclasses.replace(demo_result, summary={**copy.deepcopy(demo_result.summary),
                                                          "kinemyo_version": "9.9.9"})
        sid2, inserted = st.record(newer, patient="P01", date="2024-01-08")
        assert inserted and sid2 != sid
        s = st.sessions("P01")
        assert sorted(s.kinemyo_version) == sorted([_core.__version__, "9.9.9"])
        assert s.content_hash.nunique() == 1
        m = st.measures("P01")
        assert len(m) == 2 * before["measures"]
        assert (m.groupby("measure").value.nunique(dropna=False) == 1).all()  # the same values under both


def _rows(path) -> dict:
    """Every row of every table of a store file, sessions.analysed_at (the wall clock) left out."""
    with sqlite3.connect(path) as db:
        out = {}
        for t in ("sessions", "measures", "strides", "activations", "questionnaires", "parameters", "reports"):
            cur = db.execute(f"SELECT * FROM {t} ORDER BY rowid")
            names = [d[0] for d in cur.description]
            out[t] = [tuple(v for n, v in zip(names, row) if n != "analysed_at") for row in cur.fetchall()]
        return out


def test_record_of_built_tables_stores_what_record_builds(demo_result, tmp_path):
    sid = input_hash(demo_result.session)
    built = session_tables(demo_result, input_hash=sid, patient="P01", date="2024-01-08")
    built["sessions"]["analysed_at"] = "2000-01-01T00:00:00+00:00"  # marks the rows as the ones given
    paths = {"report": "/r/report.html"}
    with SessionStore(tmp_path / "given.sqlite") as given, SessionStore(tmp_path / "own.sqlite") as own:
        assert given.record(demo_result, tables=built, report_paths=paths) == (sid, True)
        assert own.record(demo_result, patient="P01", date="2024-01-08", report_paths=paths) == (sid, True)
        # the tables given are stored as they are (their analysis time too), not built again
        assert given.sessions().analysed_at.tolist() == ["2000-01-01T00:00:00+00:00"]
        assert given.record(demo_result, tables=built) == (sid, False)
    a, b = _rows(tmp_path / "given.sqlite"), _rows(tmp_path / "own.sqlite")
    assert all(a[t] for t in ("sessions", "measures", "strides", "activations", "questionnaires", "parameters"))
    assert a == b


def test_record_refuses_tables_of_another_session(demo_result, tmp_path):
    sid = input_hash(demo_result.session)
    other = session_tables(demo_result, input_hash=fake_hash(1), patient="P01", date=None)
    mine = session_tables(demo_result, input_hash=sid, patient="P01", date=None)
    with SessionStore(tmp_path / "s.sqlite") as st:
        with pytest.raises(ValueError, match="tables: sessions: built for another session_id"):
            st.record(demo_result, tables=other)
        with pytest.raises(ValueError, match="tables: measures: built for another session_id"):
            st.record(demo_result, tables={**mine, "measures": other["measures"]})
        with pytest.raises(ValueError, match="tables: expected the tables of kinemyo.tables.session_tables"):
            st.record(demo_result, tables={k: v for k, v in mine.items() if k != "strides"})
        with pytest.raises(ValueError, match="patient/date: the tables already hold them"):
            st.record(demo_result, tables=mine, patient="P02")
    assert counts(tmp_path / "s.sqlite")["sessions"] == 0


def test_failures_are_recorded_and_replaced_by_a_success(tmp_path, store_env):
    path = make_session(tmp_path / "s")
    with SessionStore() as st:
        sid, inserted = st.record_failure(path, RuntimeError("disk\nfull"))
        assert inserted and sid == input_hash(path)
        row = st.sessions().iloc[0]
        assert (row.status, row.error, row.patient, row.date) == ("failed", "RuntimeError: disk full", "P01",
                                                                  "2024-01-08")
        assert not st.has(sid) and st.has(sid, include_failed=True) and st.patients() == []
        assert st.record_failure(path, "again")[1] is False
        assert st.record(analyze_session(path)) == (sid, True)
        assert st.sessions().status.tolist() == ["ok"]
        assert st.record_failure(path, "late")[1] is False and st.sessions().status.tolist() == ["ok"]
        # a session file that does not even load is still recorded, keyed by its bytes
        bad = tmp_path / "bad.json"
        bad.write_text("{not json")
        sid_bad, inserted = st.record_failure(bad, ValueError("session: bad.json is not valid JSON"))
        assert inserted and st.sessions().set_index("session_id").loc[sid_bad, "session_file"] == str(bad)


def test_default_path_honours_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("KINEMYO_STORE", str(tmp_path / "a.sqlite"))
    assert default_store_path() == tmp_path / "a.sqlite"
    monkeypatch.delenv("KINEMYO_STORE")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_store_path() == tmp_path / "xdg" / "kinemyo" / "sessions.sqlite"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_store_path() == tmp_path / "home" / ".local" / "share" / "kinemyo" / "sessions.sqlite"


def test_a_version_1_store_migrates(tmp_path, demo_result):
    path = tmp_path / "v1.sqlite"
    with sqlite3.connect(path) as db:  # the store as the first schema wrote it, with one session in it
        for sql in MIGRATIONS[0]:
            db.execute(sql)
        db.execute("PRAGMA user_version = 1")
        db.execute("PRAGMA application_id = 1263360335")
        db.execute("INSERT INTO sessions (session_id, content_hash, patient, date, kinemyo_version, analysed_at, "
                   "status) VALUES (?, ?, 'P09', '2023-05-01', '0.0.9', '2023-05-01T10:00:00+00:00', 'ok')",
                   (fake_hash(1), fake_hash(2)))
        db.execute("INSERT INTO measures VALUES (?, 'odi total', 'questionnaire', 'ODI total', 40.0, 'points', "
                   "'lower_is_better')", (fake_hash(1),))
    with SessionStore(path) as st:
        assert st.schema_version == SCHEMA_VERSION == 2
        assert st.measures("P09").value.tolist() == [40.0]
        assert st.parameters(fake_hash(1)) == {} and st.report_paths(fake_hash(1)) == {}
        sid, inserted = st.record(demo_result, patient="P09", date="2023-06-01", report_paths={"report": "x.html"})
        assert inserted and st.report_paths(sid) == {"report": "x.html"} and len(st.sessions("P09")) == 2


def test_hostile_store_files(tmp_path):
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(os.urandom(4096))
    with pytest.raises(StoreError, match=r"junk\.sqlite: not a readable kinemyo session store"):
        SessionStore(junk)
    text = tmp_path / "notes.txt"
    text.write_text("these are not sessions\n" * 100)
    with pytest.raises(StoreError, match="notes.txt"):
        SessionStore(text)
    assert text.read_text() == "these are not sessions\n" * 100  # left as it was
    newer = tmp_path / "newer.sqlite"
    with sqlite3.connect(newer) as db:
        db.execute("CREATE TABLE future (x)")
        db.execute("PRAGMA application_id = 1263360335")
        db.execute("PRAGMA user_version = 99")
    with pytest.raises(StoreError, match=r"newer\.sqlite: written by a newer kinemyo \(schema 99"):
        SessionStore(newer)
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE patients (name TEXT)")
    with pytest.raises(StoreError, match=r"other\.sqlite: an SQLite file that is not a kinemyo session store"):
        SessionStore(other)
    with sqlite3.connect(other) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 0  # not migrated into
    with pytest.raises(StoreError, match="is a folder"):
        SessionStore(tmp_path)
    truncated = tmp_path / "truncated.sqlite"
    with SessionStore(truncated):
        pass
    truncated.write_bytes(truncated.read_bytes()[:100])
    with pytest.raises(StoreError, match="truncated.sqlite"):
        SessionStore(truncated).sessions()


def test_bad_arguments(demo_result, tmp_path):
    with SessionStore(tmp_path / "s.sqlite") as st:
        with pytest.raises(ValueError, match="content_hash"):
            st.record(demo_result, content_hash="xyz")
        with pytest.raises(ValueError, match="date"):
            st.record(demo_result, date="1 March")
        with pytest.raises(TypeError, match="parameters.odd: object"):
            st.record(demo_result, parameters={"odd": object()})
        assert counts(tmp_path / "s.sqlite")["sessions"] == 0


def _writer(path, result, first: int, n: int) -> None:
    with SessionStore(path) as st:  # every process opens (and may migrate) the fresh store at the same time
        for i in range(first, first + n):
            st.record(result, patient=f"P{i % 3}", date=f"2024-02-{1 + i % 28:02d}", content_hash=fake_hash(i))
    os._exit(0)


def test_concurrent_writers(demo_result, tmp_path):
    path = tmp_path / "shared.sqlite"
    procs = [FORK.Process(target=_writer, args=(path, demo_result, 10 * k, 10)) for k in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0] * 4
    one = session_tables(demo_result, input_hash=fake_hash(0), patient="P0", date=None)
    assert counts(path) == {"sessions": 40, "measures": 40 * len(one["measures"]), "strides": 40 * len(one["strides"]),
                            "activations": 40 * len(one["activations"]),
                            "questionnaires": 40 * len(one["questionnaires"]), "parameters": 40 * 3}
    with SessionStore(path) as st:
        assert st.integrity_check() == "ok" and st.schema_version == SCHEMA_VERSION
        assert st.sessions().content_hash.tolist() != [] and st.sessions().content_hash.nunique() == 40
        m = st.measures()
        assert (m.groupby("measure").value.nunique() == 1).all()


def _killed_writer(path, result, marker) -> None:
    original = SessionStore._insert

    def slow_insert(self, table, *args, **kw):
        original(self, table, *args, **kw)
        if table == "strides":  # sessions, measures and strides written, the transaction still open
            marker.write_text("in transaction")
            time.sleep(60)

    SessionStore._insert = slow_insert
    with SessionStore(path) as st:
        st.record(result, patient="P02", date="2024-03-01")
    os._exit(0)


def test_a_writer_killed_mid_transaction_leaves_no_half_session(demo_result, tmp_path):
    path, marker = tmp_path / "store.sqlite", tmp_path / "marker"
    with SessionStore(path) as st:
        st.record(demo_result, patient="P01", date="2024-03-01", content_hash=fake_hash(7))
    before = counts(path)
    p = FORK.Process(target=_killed_writer, args=(path, demo_result, marker))
    p.start()
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert marker.exists()
    with sqlite3.connect(path) as db:  # the half-written rows are there, uncommitted, in the writer's transaction
        assert db.execute("SELECT count(*) FROM sessions").fetchone()[0] == before["sessions"]
    os.kill(p.pid, signal.SIGKILL)
    p.join(10)
    assert p.exitcode == -signal.SIGKILL
    assert counts(path) == before  # nothing of the killed session
    with SessionStore(path) as st:
        assert st.integrity_check() == "ok" and st.patients() == ["P01"]
        sid, inserted = st.record(demo_result, patient="P02", date="2024-03-01")
        assert inserted and len(st.measures("P02")) == before["measures"]
    assert counts(path)["strides"] == 2 * before["strides"]


def _opener(path, barrier, results) -> None:
    barrier.wait()  # every process opens the same new file at the same instant
    try:
        with SessionStore(path) as st:
            results.put(st.schema_version)
    except Exception as exc:  # reported to the parent, which shows it
        results.put(repr(exc))
    results.close()
    results.join_thread()  # flush the queue before os._exit skips the feeder thread
    os._exit(0)


def test_fresh_store_opened_by_many_processes_at_once(tmp_path):
    # Before the fix, about 1 open in 50 failed here: 'not a kinemyo session store' (a migration half seen) or
    # 'database is locked' (the switch to WAL does not wait for the busy timeout).
    outcomes = []
    for trial in range(25):
        barrier, results = FORK.Barrier(8), FORK.Queue()
        procs = [FORK.Process(target=_opener, args=(tmp_path / f"s{trial}.sqlite", barrier, results)) for _ in range(8)]
        for p in procs:
            p.start()
        outcomes += [results.get(timeout=60) for _ in procs]
        for p in procs:
            p.join(60)
    assert [o for o in outcomes if o != SCHEMA_VERSION] == []
