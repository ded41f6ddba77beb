"""The session store: every analysed session's tidy tables (:mod:`kinemyo.tables`) in one local SQLite file.

Why SQLite from the standard library rather than DuckDB: no extra dependency, one file to copy or back up, ACID
transactions, and safe writes from many processes at once (write-ahead log + a busy timeout: writers queue for
the lock, readers never block); DuckDB allows one writing process per file, which fits a cohort run by many
worker processes worse. Its analytical speed is not needed for one clinic's sessions, and the cohort's Parquet
files (the same tables) serve the large analyses.

Layout: the tables of :mod:`kinemyo.tables` (``sessions`` with the inputs' ``content_hash`` added, ``measures``,
``strides``, ``activations``, ``questionnaires``), plus ``parameters`` (processing parameters as JSON by name: the
ISEK-style EMG processing report, onset settings, the session file's MICs) and ``reports`` (paths of the report
files). A session is keyed by ``session_id`` = :func:`kinemyo.tables.input_hash` (its inputs and kinemyo's
version), with its patient and date: recording the same inputs with the same version again changes nothing; a new
version adds a second analysis beside the first.

Every session is written in one ``BEGIN IMMEDIATE`` transaction, so a crash or a killed process leaves either the
whole session or none of it. The schema version is ``PRAGMA user_version``; opening an older store migrates it
in order (:data:`MIGRATIONS`), a store from a newer kinemyo is refused. Default location: ``$KINEMYO_STORE``,
else ``$XDG_DATA_HOME/kinemyo/sessions.sqlite`` (``~/.local/share/kinemyo/sessions.sqlite``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterable, Literal, NoReturn

import datetime
import json
import os
import pathlib
import random
import sqlite3
import time

from kinemyo._jsonutil import strict_json
from kinemyo.tables import (ACTIVATION_COLUMNS, MEASURE_COLUMNS, QUESTIONNAIRE_COLUMNS, SESSION_COLUMNS,
                            STRIDE_COLUMNS, content_hash, session_tables, versioned_hash)

if TYPE_CHECKING:
    import pandas as pd

    from kinemyo.analysis import SessionResult
    from kinemyo.session import Session

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "SessionStore", "StoreError", "default_store_path"]

APPLICATION_ID = 0x4B4D594F  # 'KMYO' in the SQLite header: tells a kinemyo store from another SQLite file
BUSY_TIMEOUT_S = 60.0        # a writer waits this long for another process's transaction before giving up

# Each entry brings the schema from version i to i + 1; never edit a released entry, append a new one.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (  # 1: the tidy tables of one session
        """CREATE TABLE sessions (session_id TEXT PRIMARY KEY, content_hash TEXT NOT NULL, patient TEXT, date TEXT,
           kinemyo_version TEXT NOT NULL, name TEXT, session_file TEXT, affected_side TEXT,
           analysed_at TEXT NOT NULL, status TEXT NOT NULL CHECK (status IN ('ok', 'failed')), error TEXT)""",
        "CREATE INDEX sessions_by_patient ON sessions (patient, date)",
        """CREATE TABLE measures (session_id TEXT NOT NULL REFERENCES sessions ON DELETE CASCADE,
           measure TEXT NOT NULL, "group" TEXT, label TEXT, value REAL, unit TEXT, direction TEXT,
           PRIMARY KEY (session_id, measure))""",
        """CREATE TABLE strides (session_id TEXT NOT NULL REFERENCES sessions ON DELETE CASCADE,
           row INTEGER NOT NULL, source TEXT, side TEXT, bout INTEGER, initial_contact_s REAL,
           terminal_contact_s REAL, next_initial_contact_s REAL, start_s REAL, end_s REAL, stride_time_s REAL,
           stance_time_s REAL, swing_time_s REAL, step_time_s REAL, initial_double_support_s REAL,
           single_support_s REAL, terminal_double_support_s REAL, cadence_steps_per_min REAL, stride_length_m REAL,
           gait_speed_m_per_s REAL, turning_angle_rad REAL, side_confidence REAL, excluded INTEGER, qc_flags TEXT,
           PRIMARY KEY (session_id, row))""",
        """CREATE TABLE activations (session_id TEXT NOT NULL REFERENCES sessions ON DELETE CASCADE,
           row INTEGER NOT NULL, channel TEXT, muscle TEXT, side TEXT, onset_s REAL, offset_s REAL,
           duration_s REAL, PRIMARY KEY (session_id, row))""",
        """CREATE TABLE questionnaires (session_id TEXT NOT NULL REFERENCES sessions ON DELETE CASCADE,
           instrument TEXT NOT NULL, score TEXT NOT NULL, value REAL, unit TEXT, band TEXT, n_answered INTEGER,
           n_items INTEGER, PRIMARY KEY (session_id, instrument, score))""",
    ),
    (  # 2: processing parameters and report files
        """CREATE TABLE parameters (session_id TEXT NOT NULL REFERENCES sessions ON DELETE CASCADE,
           name TEXT NOT NULL, value_json TEXT NOT NULL, PRIMARY KEY (session_id, name))""",
        """CREATE TABLE reports (session_id TEXT NOT NULL REFERENCES sessions ON DELETE CASCADE,
           kind TEXT NOT NULL, path TEXT NOT NULL, PRIMARY KEY (session_id, kind))""",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


class StoreError(ValueError):
    """A store file that cannot be used (not a kinemyo store, from a newer kinemyo, unreadable); names the file."""


def default_store_path() -> pathlib.Path:
    """``$KINEMYO_STORE``, else ``$XDG_DATA_HOME/kinemyo/sessions.sqlite`` (XDG default ``~/.local/share``)."""
    if os.environ.get("KINEMYO_STORE"):
        return pathlib.Path(os.environ["KINEMYO_STORE"]).expanduser()
    data = os.environ.get("XDG_DATA_HOME") or str(pathlib.Path.home() / ".local" / "share")
    return pathlib.Path(data) / "kinemyo" / "sessions.sqlite"


def _sql_value(v: Any) -> Any:
    """A DataFrame cell as an SQLite value: missing (NaN, NA, None) -> NULL, NumPy scalars -> Python."""
    import pandas as pd

    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    return v.item() if hasattr(v, "item") else v


def default_parameters(result: SessionResult) -> dict[str, Any]:
    """The processing parameters of an analysed session, by name: ``emg_processing`` (the ISEK-style processing
    report of each EMG recording's envelope chain, :func:`kinemyo.emg.processing_report_dict`), ``emg_onset`` (the
    onset settings and rest baseline per channel) and ``mic`` (the session file's minimal important changes)."""
    from kinemyo import emg

    summary = result.summary.get("emg", {})
    reports = []
    for rec in result.session.emg:
        fs = summary[rec.channels[0].name]["fs_hz"]
        chain = emg.EnvelopePipeline(fs, [emg.ChannelConfig(name=c.name, profile=_emg_profile(c.profile))
                                          for c in rec.channels])
        reports.append({"file": rec.file.name, "fs_hz": fs, "isek_report": emg.processing_report_dict(chain)})
    out: dict[str, Any] = {}
    if reports:
        out["emg_processing"] = reports
        out["emg_onset"] = {ch: {"onset_config": e["onset_config"], "onset_baseline": e["onset_baseline"],
                                 "rest_window_s": e["rest_window_s"]} for ch, e in summary.items()}
    if result.session.mic:
        out["mic"] = dict(result.session.mic)
    return out


def _emg_profile(profile: str) -> Literal["limb", "trunk"]:
    """A session channel's pre-filter profile (a ``str`` in :class:`kinemyo.session.EmgChannel`, validated to one
    of these when the session file was read) as the literal :class:`kinemyo.emg.ChannelConfig` takes."""
    if profile == "limb":
        return "limb"
    if profile == "trunk":
        return "trunk"
    raise ValueError(f"profile: expected 'limb' or 'trunk', got {profile!r}")


class SessionStore:
    """A session store file (created on first use). Use as a context manager or call :meth:`close`.

    ``SessionStore(path=None)``: ``path`` defaults to :func:`default_store_path`.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = pathlib.Path(path).expanduser() if path is not None else default_store_path()
        if self.path.is_dir():
            raise StoreError(f"store: {self.path}: is a folder, not a store file")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"store: {self.path}: cannot be opened ({exc})") from exc
        try:
            self._open()
        except sqlite3.OperationalError as exc:  # locked past the busy timeout, read-only, disk full, ...
            self._db.close()
            raise StoreError(f"store: {self.path}: cannot be used ({exc})") from exc
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise StoreError(f"store: {self.path}: not a readable kinemyo session store ({exc})") from exc
        except BaseException:
            self._db.close()
            raise

    # --- opening and migrating -------------------------------------------------------------------------------
    def _version(self) -> tuple[int, int]:
        return (self._db.execute("PRAGMA application_id").fetchone()[0],
                self._db.execute("PRAGMA user_version").fetchone()[0])

    def _check(self, app: int, version: int) -> None:
        if version > SCHEMA_VERSION:
            raise StoreError(f"store: {self.path}: written by a newer kinemyo (schema {version}; this kinemyo "
                             f"reads up to {SCHEMA_VERSION}); upgrade kinemyo or use another --store")
        tables = self._db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if app not in (0, APPLICATION_ID) or (app == 0 and tables):
            raise StoreError(f"store: {self.path}: an SQLite file that is not a kinemyo session store")

    def _open(self) -> None:
        self._db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        # refuse a foreign or newer file before changing anything in it; read in one transaction, so a migration
        # another process commits meanwhile is seen whole or not at all (not an application_id of 0 beside tables)
        self._db.execute("BEGIN")
        try:
            self._check(*self._version())
        finally:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
        self._wal()
        self._db.execute("PRAGMA synchronous = NORMAL")  # with WAL: a crashed process never corrupts or loses commits
        self._db.execute("PRAGMA foreign_keys = ON")
        if self._version()[1] < SCHEMA_VERSION:
            self._migrate(SCHEMA_VERSION)

    def _wal(self) -> None:
        """Switch the file to write-ahead logging. The switch upgrades the pragma's read lock to a write lock, and
        SQLite does not wait (busy timeout) for that while another connection holds a lock: 'database is locked' at
        once when processes open a new store together. Retried here, within the same timeout."""
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                if self._db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    self._db.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "database is locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(random.uniform(0.005, 0.05))

    def _migrate(self, target: int) -> None:
        """Apply the migrations from the file's version up to ``target`` in one transaction (a process that
        opens the store at the same time waits, then finds it migrated)."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            app, version = self._version()
            self._check(app, version)
            for statements in MIGRATIONS[version:target]:
                for sql in statements:
                    self._db.execute(sql)
            self._db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            self._db.execute(f"PRAGMA user_version = {max(version, target)}")
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    @property
    def schema_version(self) -> int:
        return self._version()[1]

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> SessionStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SessionStore({str(self.path)!r})"

    # --- writing -------------------------------------------------------------------------------------------
    def _insert(self, table: str, frame: pd.DataFrame, columns: Iterable[str],
                extra: dict[str, Any] | None = None) -> None:
        cols = list(columns) + list(extra or {})
        rows = [[_sql_value(v) for v in row] + list((extra or {}).values())
                for row in frame[list(columns)].itertuples(index=False, name=None)]
        if rows:
            names = ", ".join(f'"{c}"' for c in cols)
            self._db.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(cols))})", rows)

    def _write(self, session_id: str, write: Callable[[], None], *, replace_failure: bool) -> bool:
        """Run ``write()`` in one transaction unless the session is stored already: as analysed ('ok'), or as
        failed and not ``replace_failure``. True when written."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"store: {self.path}: session not recorded ({exc})") from exc
        try:
            row = self._db.execute("SELECT status FROM sessions WHERE session_id = ?", (session_id,)).fetchone()
            if row is not None and (row[0] == "ok" or not replace_failure):
                self._db.execute("ROLLBACK")
                return False
            if row is not None:
                self._db.execute("DELETE FROM sessions WHERE session_id = ?", (session_id,))  # cascades
            write()
            self._db.execute("COMMIT")
            return True
        except BaseException as exc:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.DatabaseError):
                raise StoreError(f"store: {self.path}: session not recorded ({exc})") from exc
            raise

    def record(self, result: SessionResult, *, report_paths: dict[str, Any] | None = None,
               parameters: dict[str, Any] | None = None, patient: str | None = None, date: str | None = None,
               content_hash: str | None = None, tables: dict[str, pd.DataFrame] | None = None) -> tuple[str, bool]:
        """Record an analysed session (a :class:`~kinemyo.analysis.SessionResult`): all its tables, its processing
        ``parameters`` (default :func:`default_parameters`) and ``report_paths`` (kind -> path, as
        :func:`kinemyo.report.write_report` returns), in one transaction. ``patient``/``date`` default to the
        session's subject/date; ``content_hash`` to :func:`kinemyo.tables.content_hash` of the session's files.
        ``tables``: the session's tables when already built (:func:`kinemyo.tables.session_tables` of ``result``
        with ``input_hash`` this session's id, as the cohort writes them to Parquet), stored as they are instead of
        being built again; their patient and date are stored, so ``patient``/``date`` are not given with them.
        Returns ``(session_id, inserted)``; ``inserted`` is False when these inputs analysed by this kinemyo
        version are already stored."""
        s = result.session
        ch = _content(s, content_hash)
        version = str(result.summary["kinemyo_version"])
        sid = versioned_hash(ch, version)
        if tables is None:
            tables = session_tables(result, input_hash=sid, patient=s.subject if patient is None else patient,
                                    date=s.date if date is None else date)
        else:
            _check_tables(tables, sid, patient, date)
        params = default_parameters(result) if parameters is None else parameters
        params_json = {str(name): json.dumps(strict_json(value), allow_nan=False, default=_json_default(name))
                       for name, value in params.items()}  # NaN written as null, as in summary.json

        def ok() -> None:
            self._insert("sessions", tables["sessions"], SESSION_COLUMNS, {"content_hash": ch})
            self._insert("measures", tables["measures"], MEASURE_COLUMNS)
            for name, cols in (("strides", ["session_id", "source", *STRIDE_COLUMNS]),
                               ("activations", ACTIVATION_COLUMNS)):
                frame = tables[name].assign(row=range(len(tables[name])))
                self._insert(name, frame, [*cols, "row"])
            self._insert("questionnaires", tables["questionnaires"], QUESTIONNAIRE_COLUMNS)
            self._db.executemany("INSERT INTO parameters VALUES (?, ?, ?)",
                                 [(sid, k, v) for k, v in params_json.items()])
            self._db.executemany("INSERT INTO reports VALUES (?, ?, ?)",
                                 [(sid, str(k), str(v)) for k, v in (report_paths or {}).items()])

        return sid, self._write(sid, ok, replace_failure=True)

    def record_failure(self, session: Session | str | pathlib.Path, error: BaseException | str, *,
                       patient: str | None = None, date: str | None = None, kinemyo_version: str | None = None,
                       content_hash: str | None = None) -> tuple[str, bool]:
        """Record that analysing ``session`` (a Session or a session file path) failed with ``error`` (an
        exception or its text): a ``sessions`` row with status 'failed' and the error, nothing else. A stored
        successful analysis of the same inputs is kept (``inserted`` False); a later :meth:`record` replaces the
        failure. Inputs that cannot be read are keyed by the session file's bytes (or its path)."""
        from kinemyo import _core
        from kinemyo.session import Session, load_session

        version = kinemyo_version or _core.__version__
        s: Session | None
        if isinstance(session, Session):
            s, path = session, session.path
        else:
            try:  # patient, date and name from the session file when it can still be read
                s = load_session(session, allow_outside=True)
            except (OSError, ValueError):
                s = None
            path = s.path if s is not None else pathlib.Path(session)
        ch = _content(s, content_hash) if content_hash is not None or s is not None else _unreadable_hash(path)
        sid = versioned_hash(ch, version)
        text = " ".join(f"{type(error).__name__}: {error}".split()) if isinstance(error, BaseException) else str(error)
        row = {"session_id": sid, "content_hash": ch, "patient": patient if patient is not None else
               (s.subject if s else None), "date": date if date is not None else (s.date if s else None),
               "kinemyo_version": version, "name": s.name if s else None, "session_file": str(path),
               "affected_side": s.affected_side if s else None, "analysed_at": _now(), "status": "failed",
               "error": text}

        def failure() -> None:
            self._db.execute(f"INSERT INTO sessions ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                             list(row.values()))

        return sid, self._write(sid, failure, replace_failure=False)

    # --- reading -------------------------------------------------------------------------------------------
    def has(self, input_hash: str, version: str | None = None, *, include_failed: bool = False) -> bool:
        """True when the session ``input_hash`` (:func:`kinemyo.tables.input_hash`) is stored as analysed (or,
        with ``include_failed``, as failed), by kinemyo ``version`` when given."""
        sql = "SELECT 1 FROM sessions WHERE session_id = ?" + ("" if include_failed else " AND status = 'ok'")
        args: list[Any] = [input_hash]
        if version is not None:
            sql += " AND kinemyo_version = ?"
            args.append(version)
        return self._db.execute(sql, args).fetchone() is not None

    def _frame(self, sql: str, args: Iterable[str] = ()) -> pd.DataFrame:
        import pandas as pd

        return pd.read_sql_query(sql, self._db, params=list(args))

    def sessions(self, patient: str | None = None) -> pd.DataFrame:
        """The ``sessions`` table (every analysis, failed ones too), by patient, date and analysis time."""
        where, args = ("WHERE patient = ?", [patient]) if patient is not None else ("", list[str]())
        return self._frame(f"SELECT * FROM sessions {where} ORDER BY patient, date, analysed_at", args)

    def patients(self) -> list[str]:
        """The patients with at least one analysed session."""
        rows = self._db.execute("SELECT DISTINCT patient FROM sessions WHERE status = 'ok' AND patient IS NOT NULL "
                                "ORDER BY patient").fetchall()
        return [r[0] for r in rows]

    def _by_session(self, table: str, patient: str | None, session_id: str | None, order: str) -> pd.DataFrame:
        cond, args = ["s.status = 'ok'"], list[str]()
        if patient is not None:
            cond.append("s.patient = ?")
            args.append(patient)
        if session_id is not None:
            cond.append("s.session_id = ?")
            args.append(session_id)
        return self._frame(f"SELECT s.patient, s.date, s.kinemyo_version, s.analysed_at, s.content_hash, t.* "
                           f"FROM {table} t JOIN sessions s USING (session_id) WHERE {' AND '.join(cond)} "
                           f"ORDER BY s.date, s.analysed_at, {order}", args)

    def measures(self, patient: str | None = None, *, session_id: str | None = None) -> pd.DataFrame:
        """Every measure of the analysed sessions (of ``patient`` / ``session_id`` when given) with the session's
        patient, date, kinemyo_version, analysed_at and content_hash: one row per session x measure."""
        return self._by_session("measures", patient, session_id, "t.rowid")

    def strides(self, patient: str | None = None, *, session_id: str | None = None) -> pd.DataFrame:
        """The per-stride / per-step tables (:data:`kinemyo.tables.STRIDE_COLUMNS`)."""
        frame = self._by_session("strides", patient, session_id, "t.row").drop(columns="row")
        for col, dtype in STRIDE_COLUMNS.items():  # a column NULL throughout comes back untyped
            frame[col] = frame[col].astype(dtype) if dtype != "object" else frame[col].astype(object)
        return frame

    def activations(self, patient: str | None = None, *, session_id: str | None = None) -> pd.DataFrame:
        return self._by_session("activations", patient, session_id, "t.row").drop(columns="row")

    def questionnaires(self, patient: str | None = None, *, session_id: str | None = None) -> pd.DataFrame:
        return self._by_session("questionnaires", patient, session_id, "t.rowid")

    def parameters(self, session_id: str) -> dict[str, Any]:
        """The processing parameters of one session, by name (decoded JSON)."""
        rows = self._db.execute("SELECT name, value_json FROM parameters WHERE session_id = ?", (session_id,))
        return {name: json.loads(value) for name, value in rows}

    def report_paths(self, session_id: str) -> dict[str, str]:
        rows = self._db.execute("SELECT kind, path FROM reports WHERE session_id = ?", (session_id,))
        return dict(rows.fetchall())

    def integrity_check(self) -> str:
        """SQLite's own check of the file ('ok' when sound)."""
        return str(self._db.execute("PRAGMA integrity_check").fetchone()[0])  # text: 'ok' or the problems found


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def _json_default(name: str) -> Callable[[object], NoReturn]:
    def default(x: object) -> NoReturn:
        raise TypeError(f"parameters.{name}: {type(x).__name__} is not JSON data")
    return default


def _check_tables(tables: dict[str, pd.DataFrame], session_id: str, patient: str | None, date: str | None) -> None:
    """Already-built tables given to :meth:`SessionStore.record`: those of :func:`kinemyo.tables.session_tables`,
    of this session (one ``sessions`` row, every row keyed by ``session_id``)."""
    from kinemyo.tables import TABLES

    if patient is not None or date is not None:
        raise ValueError("patient/date: the tables already hold them; give them to session_tables, not with tables")
    if not isinstance(tables, dict) or sorted(tables) != sorted(TABLES):
        got = sorted(tables) if isinstance(tables, dict) else type(tables).__name__
        raise ValueError(f"tables: expected the tables of kinemyo.tables.session_tables ({', '.join(TABLES)}), "
                         f"got {got}")
    if len(tables["sessions"]) != 1:
        raise ValueError(f"tables: expected one sessions row, got {len(tables['sessions'])}")
    for name, frame in tables.items():
        if not (frame["session_id"] == session_id).all():
            raise ValueError(f"tables: {name}: built for another session_id than this session's {session_id[:12]} "
                             "(session_tables(result, input_hash=...) with the session's input hash)")


def _content(session: Session | None, given: str | None) -> str:
    if given is None:
        if session is None:
            raise ValueError("content_hash: required for a session whose file cannot be read")
        return content_hash(session)
    if not (isinstance(given, str) and len(given) == 64 and all(c in "0123456789abcdef" for c in given)):
        raise ValueError(f"content_hash: expected 64 lowercase hex digits, got {given!r}")
    return given


def _unreadable_hash(path: pathlib.Path) -> str:
    """The key of a session file that does not load: its bytes, else its path (a failure must still be recorded
    under a stable key)."""
    import hashlib

    try:
        return hashlib.sha256(b"unreadable session " + path.read_bytes()).hexdigest()
    except OSError:
        return hashlib.sha256(b"missing session " + str(path.resolve()).encode()).hexdigest()
