"""A study: many session files analysed on a Dask cluster into one partitioned Parquet dataset.

:func:`analyze_cohort` runs :func:`process_session` once per session file as a Dask task (``dask.distributed``):
on a ``LocalCluster`` of worker processes by default, on an existing scheduler when given its address, so the same
call scales from a laptop to a cluster. Each task analyses ONE session (:func:`kinemyo.analysis.analyze_session`),
turns it into the tidy tables of :mod:`kinemyo.tables` and writes them itself; only a small status record travels
back to the client, so neither the client nor the scheduler ever holds a session's data, and a worker (one thread)
holds one session at a time.

Output folder ``out`` (the dataset; every file is written to a temporary name and renamed, so a reader or a
killed worker never sees half a file)::

    out/<table>/patient=<patient>/<session_id>.parquet   table: sessions, measures, strides, activations,
                                                         questionnaires (schema: kinemyo.tables; 'patient' is
                                                         the partition column, URI-escaped, Hive layout)
    out/_manifest/<slot>.json                            per session file: its session_id, version, status
    out/cohort_report.html                               distributions and per-patient trajectories
    out/_kinemyo_cohort.json                             marks the folder as a kinemyo cohort dataset

``session_id`` is :func:`kinemyo.tables.input_hash` (the session file, its recordings and kinemyo's version). A
session that fails gets a ``sessions`` row with ``status = 'failed'`` and the error text (its session_id is the
SHA-256 of the resolved file path when its inputs cannot even be read) and the others go on. A session's tables
are written sessions-table last, then its manifest: a session is complete when its manifest names its current
input hash. A re-run skips complete sessions whose input hash is unchanged (a failure of unchanged inputs is
deterministic and is kept too; a session whose inputs could not be read, or whose worker died, is retried), so a
run killed at any point resumes where it stopped. Read the dataset with :func:`read_table` (or any Parquet reader:
``pandas.read_parquet(out / 'measures')``).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import pathlib
import resource
import time
import urllib.parse
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, TypedDict, TypeVar, cast

if TYPE_CHECKING:
    import pandas as pd
    from distributed import Client, Future, LocalCluster

    from kinemyo.analysis import SessionResult
    from kinemyo.session import Session

__all__ = ["CohortResult", "analyze_cohort", "parquet_schema", "process_session", "read_table", "write_cohort_report"]

MARKER = "_kinemyo_cohort.json"
MANIFEST_DIR = "_manifest"
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"  # Hive's name for a missing partition value (patient unknown)
# Local cluster defaults: one thread per worker process (the analysis is single-threaded C++ with the GIL released
# only inside kernels; processes give true parallelism) and a memory limit after which the nanny restarts a worker.
LOCAL_WORKERS = 2
LOCAL_MEMORY_LIMIT = "2GiB"
_FLOAT_COLUMNS = {"value", "onset_s", "offset_s", "duration_s"}
_INT_COLUMNS = {"n_answered", "n_items"}
_T = TypeVar("_T")


class TaskOutcome(TypedDict):
    """A session file's row of :attr:`CohortResult.sessions`: what every outcome has, also a task that never
    returned (its worker died repeatedly: ``session_id`` None, status 'failed', the error)."""

    session_file: str
    session_id: str | None
    patient: str | None
    date: str | None
    status: str  # 'ok' | 'failed'
    error: str | None
    skipped: bool  # the earlier run's outcome was kept


class SessionStatus(TaskOutcome):
    """The status record :func:`process_session` returns (its docstring says what each key means)."""

    rows: dict[str, int]
    seconds: float
    cpu_seconds: float
    worker_pid: int
    peak_rss_bytes: int


def parquet_schema(table: str, *, with_patient: bool = True) -> Any:
    """The Arrow schema of one table of the dataset: the columns of :mod:`kinemyo.tables`, with ``patient`` the
    partition column (stored in the folder name, not in the files: ``with_patient=False``)."""
    from kinemyo import tables
    from kinemyo._optional import require

    pa = require("pyarrow", "kinemyo.cohort")

    columns = {"sessions": tables.SESSION_COLUMNS, "measures": tables.MEASURE_COLUMNS,
               "strides": ("session_id", "source", *tables.STRIDE_COLUMNS),
               "activations": tables.ACTIVATION_COLUMNS, "questionnaires": tables.QUESTIONNAIRE_COLUMNS}
    if table not in columns:
        raise ValueError(f"table: expected one of {', '.join(tables.TABLES)}, got {table!r}")
    stride_types = {"float64": pa.float64(), "Int64": pa.int64(), "bool": pa.bool_(), "object": pa.string()}
    fields = []
    for c in columns[table]:
        if c == "patient":
            continue
        if table == "strides" and c in tables.STRIDE_COLUMNS:
            t = stride_types[tables.STRIDE_COLUMNS[c]]
        else:
            t = pa.float64() if c in _FLOAT_COLUMNS else pa.int64() if c in _INT_COLUMNS else pa.string()
        fields.append(pa.field(c, t))
    if with_patient:
        fields.insert(1, pa.field("patient", pa.string()))
    return pa.schema(fields)


def _partition(patient: str | None) -> str:
    return "patient=" + (NULL_PARTITION if patient is None else urllib.parse.quote(patient, safe=""))


def _slot(path: pathlib.Path) -> str:
    """A session file's place in the manifest: the same file (resolved path) always maps to the same slot."""
    return hashlib.sha256(str(path).encode()).hexdigest()[:24]


def _atomic_write(path: pathlib.Path, write: Callable[[pathlib.Path], None]) -> None:
    # the temporary name starts with '.', which Parquet dataset readers skip, and is unique per writer
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _write_parquet(frame: pd.DataFrame, table: str, path: pathlib.Path) -> None:
    from kinemyo._optional import require

    pa, pq = require("pyarrow", "kinemyo.cohort"), require("pyarrow.parquet", "kinemyo.cohort")

    schema = parquet_schema(table, with_patient=False)
    data = pa.Table.from_pandas(frame.drop(columns=["patient"], errors="ignore"), schema=schema, preserve_index=False)
    _atomic_write(path, lambda tmp: pq.write_table(data, tmp))


def _read_manifest(path: pathlib.Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # absent or unreadable: the session is simply redone
    return data if isinstance(data, dict) else None


def _failed_tables(session_id: str, patient: str | None, date: str | None, name: str | None, path: pathlib.Path,
                   error: str) -> dict[str, pd.DataFrame]:
    import pandas as pd

    from kinemyo import _core, tables

    row = {"session_id": session_id, "patient": patient, "date": date, "kinemyo_version": _core.__version__,
           "name": name, "session_file": str(path), "affected_side": None,
           "analysed_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
           "status": "failed", "error": error}
    return {"sessions": pd.DataFrame([row], columns=tables.SESSION_COLUMNS)}


def _one_line(exc: BaseException) -> str:
    return (" ".join(str(exc).split()) or type(exc).__name__)[:1000]


def process_session(path: str | os.PathLike[str], out: str | os.PathLike[str],
                    store: str | os.PathLike[str] | None = None) -> SessionStatus:
    """Analyse one session file into the dataset at ``out`` (one Dask task; also the serial path) and, when given,
    the SQLite session ``store`` (:class:`kinemyo.store.SessionStore`, one transaction); return its status record:
    session_file, session_id, patient, date, status ('ok' | 'failed'), error, skipped (the earlier run's outcome
    was kept), seconds (wall) and cpu_seconds (of the thread that ran it), worker_pid, peak_rss_bytes (of the
    process so far), rows (per table).

    Any failure of the session itself (unreadable, invalid, an analysis error) is recorded, never raised; only a
    failure to write ``out`` or the store raises."""
    from kinemyo import _core
    from kinemyo.analysis import analyze_session
    from kinemyo.session import load_session
    from kinemyo.tables import content_hash, session_tables, versioned_hash

    t0, cpu0 = time.perf_counter(), time.thread_time()
    path, out = pathlib.Path(path).resolve(), pathlib.Path(out)
    manifest_path = out / MANIFEST_DIR / f"{_slot(path)}.json"
    old = _read_manifest(manifest_path) or {}
    patient: str | None = None
    date: str | None = None
    state, skipped = "ok", False
    error: str | None = None
    rows: dict[str, int]  # per table
    s: Session | None
    try:
        s = load_session(path)
        patient, date = s.subject, s.date
        content = content_hash(s)
    except Exception as exc:  # noqa: BLE001  an unusable session is recorded, and the cohort goes on
        state, error = "failed", _one_line(exc)
        s, content = None, hashlib.sha256(b"unreadable " + str(path).encode()).hexdigest()
    session_id = versioned_hash(content, _core.__version__)  # = tables.input_hash when readable
    stored = store is None or _store_has(store, session_id)
    if s is not None and stored and old.get("session_id") == session_id \
            and old.get("kinemyo_version") == _core.__version__:
        state, error, skipped, rows = old.get("status", "ok"), old.get("error"), True, old.get("rows", {})
    else:
        result: SessionResult | None = None
        tables: dict[str, pd.DataFrame] | None = None
        if s is not None:
            try:
                result = analyze_session(s)
                tables = session_tables(result, input_hash=session_id, patient=s.subject, date=s.date)
            except Exception as exc:  # noqa: BLE001
                state, error = "failed", _one_line(exc)
                result = tables = None
        if tables is None:
            if error is None:  # every path that leaves the session without tables sets error
                raise RuntimeError(f"{path}: neither analysed nor failed with an error")
            tables = (_failed_tables(session_id, s.subject, s.date, s.name, path, error) if s is not None
                      else _failed_tables(session_id, None, None, None, path, error))
        files = [f"{t}/{_partition(patient)}/{session_id}.parquet" for t in tables]
        # an earlier run's files of this session file that the new outcome does not overwrite (changed inputs,
        # another patient) go first: a crash from here on leaves the session absent, never twice in the dataset
        for f in set(old.get("files", [])) - set(files):
            (out / f).unlink(missing_ok=True)
        for t in sorted(tables, key=lambda t: t == "sessions"):  # sessions last: its row says the rest is there
            _write_parquet(tables[t], t, out / f"{t}/{_partition(patient)}/{session_id}.parquet")
        if store is not None:
            _record(store, result, tables, s or path, error, patient, date, content)
        rows = {t: len(frame) for t, frame in tables.items()}
        record = {"session_file": str(path), "session_id": session_id, "kinemyo_version": _core.__version__,
                  "status": state, "error": error, "files": files, "rows": rows}
        if s is not None:  # inputs that could not be read are retried on every run (a missing file may turn up)
            _atomic_write(manifest_path, lambda tmp: _write_text(tmp, json.dumps(record)))
        else:
            manifest_path.unlink(missing_ok=True)
    return {"session_file": str(path), "session_id": session_id, "patient": patient, "date": date, "status": state,
            "error": error, "skipped": skipped, "rows": rows, "seconds": time.perf_counter() - t0,
            "cpu_seconds": time.thread_time() - cpu0, "worker_pid": os.getpid(),
            "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}


def _write_text(path: pathlib.Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _store_has(store: str | os.PathLike[str], session_id: str) -> bool:
    from kinemyo.store import SessionStore

    with SessionStore(store) as st:
        return st.has(session_id, include_failed=True)


def _record(store: str | os.PathLike[str], result: SessionResult | None, tables: dict[str, pd.DataFrame],
            session: Session | pathlib.Path, error: str | None, patient: str | None, date: str | None,
            content: str) -> None:
    """The session's outcome into the SQLite store in one transaction (the store's own; WAL + busy timeout let the
    worker processes of one machine write concurrently): its analysis ``result`` with the ``tables`` just written
    to Parquet (the same rows, not built twice), else its failure ``error``."""
    from kinemyo.store import SessionStore

    with SessionStore(store) as st:
        if result is not None:
            st.record(result, content_hash=content, tables=tables)
        else:
            if error is None:
                raise RuntimeError(f"{session}: a failed session without an error")
            st.record_failure(session, error, patient=patient, date=date, content_hash=content)


def read_table(out: str | os.PathLike[str], table: str, columns: list[str] | None = None) -> pd.DataFrame:
    """One table of a cohort dataset as a pandas DataFrame (``patient`` from the partition folders)."""
    import pandas as pd

    from kinemyo._optional import require

    pa, ds = require("pyarrow", "kinemyo.cohort"), require("pyarrow.dataset", "kinemyo.cohort")

    schema = parquet_schema(table)
    folder = pathlib.Path(out) / table
    if not folder.is_dir():
        return cast("pd.DataFrame", schema.empty_table().to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get))
    part = ds.HivePartitioning(pa.schema([("patient", pa.string())]), null_fallback=NULL_PARTITION,
                               segment_encoding="uri")
    data = ds.dataset(folder, format="parquet", schema=schema, partitioning=part).to_table(columns=columns)
    return cast("pd.DataFrame", data.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get))  # pyarrow: untyped


@dataclass
class CohortResult:
    out: pathlib.Path
    sessions: pd.DataFrame  # one status row (TaskOutcome / SessionStatus) per session file, in the order given
    report: pathlib.Path

    @property
    def failed(self) -> pd.DataFrame:
        return self.sessions[self.sessions.status == "failed"]

    def __repr__(self) -> str:
        s = self.sessions
        return (f"CohortResult({len(s)} sessions: {int((s.status == 'ok').sum())} ok, {len(self.failed)} failed, "
                f"{int(s.skipped.sum())} unchanged since an earlier run; out={str(self.out)!r})")


def _check_paths(paths: Any) -> list[pathlib.Path]:
    if isinstance(paths, (str, bytes, os.PathLike)):
        raise TypeError("paths: expected a list of session files, got a single path (wrap it in a list)")
    try:
        items = list(paths)
    except TypeError:
        raise TypeError(f"paths: expected a list of session files, got {type(paths).__name__}") from None
    if not items:
        raise ValueError("paths: no session files given")
    seen: dict[pathlib.Path, int] = {}
    out = []
    for i, p in enumerate(items):
        if not isinstance(p, (str, os.PathLike)):
            raise TypeError(f"paths[{i}]: expected a path, got {type(p).__name__}")
        r = pathlib.Path(p).resolve()
        if not r.exists():
            raise ValueError(f"paths[{i}]: {p}: file not found")
        if not r.is_file():
            raise ValueError(f"paths[{i}]: {p}: is a folder, not a session file")
        if r in seen:
            raise ValueError(f"paths[{i}]: {p} is the same file as paths[{seen[r]}]")
        seen[r] = i
        out.append(r)
    return out


def _check_out(given: object) -> pathlib.Path:
    from kinemyo import _core

    if not isinstance(given, (str, os.PathLike)):
        raise TypeError(f"out: expected a folder path, got {type(given).__name__}")
    out = pathlib.Path(given).absolute()
    if out.exists() and not out.is_dir():
        raise ValueError(f"out: {out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise ValueError(f"out: {out} is not empty and is not a kinemyo cohort dataset ({MARKER}); "
                         "choose an empty or new folder")
    out.mkdir(parents=True, exist_ok=True)
    if not (out / MARKER).is_file():
        (out / MARKER).write_text(json.dumps({"kinemyo_version": _core.__version__, "layout": 1}), encoding="utf-8")
    return out


# --- dask.distributed, typed here once: distributed leaves these calls unannotated (no-untyped-call) --------------
def _connect(address: str | LocalCluster) -> Client:
    """A client of the scheduler at ``address`` or of a local cluster."""
    from distributed import Client

    return Client(address)  # type: ignore[no-untyped-call]  # Client.__init__ is unannotated


def _local_client(workers: int) -> tuple[Client, LocalCluster]:
    from distributed import LocalCluster

    cluster = LocalCluster(n_workers=workers, threads_per_worker=1,  # type: ignore[no-untyped-call]  # unannotated
                           processes=True, memory_limit=LOCAL_MEMORY_LIMIT, dashboard_address=":0")
    return _connect(cluster), cluster


def _as_completed(futures: list[Future[_T]]) -> Iterator[Future[_T]]:
    from distributed import as_completed

    return iter(as_completed(futures))  # type: ignore[no-untyped-call]  # as_completed.__init__ is unannotated


def _release(future: Future[Any]) -> None:
    future.release()  # type: ignore[no-untyped-call]  # Future.release is unannotated


def _close(client: Client) -> None:
    client.close()  # type: ignore[no-untyped-call]  # Client.close is unannotated


def analyze_cohort(paths: Iterable[str | os.PathLike[str]], *, out: str | os.PathLike[str],
                   client: Client | None = None, scheduler: str | None = None, workers: int = LOCAL_WORKERS,
                   store: str | os.PathLike[str] | None = None,
                   progress: Callable[[int, int, str], None] | None = None) -> CohortResult:
    """Analyse every session file of ``paths`` on a Dask cluster into the dataset at ``out`` (see the module
    docstring) and write ``out/cohort_report.html``.

    The cluster: ``client`` (a ``distributed.Client`` you made), else the scheduler at ``scheduler``
    (``"tcp://host:8786"``; the workers need kinemyo installed and ``out`` on a filesystem they share), else a
    ``LocalCluster`` of ``workers`` processes with one thread each, closed at the end. ``progress(done, total,
    message)`` is called as sessions finish. A task whose worker dies is re-run elsewhere by Dask; one that
    still cannot finish is reported failed (and retried by the next run).

    ``store``: a SQLite session store file (:mod:`kinemyo.store`) that every worker also records its session into,
    in one transaction each; only with workers on this machine, since SQLite's locking is not safe over a network
    filesystem (on a real cluster the Parquet dataset is the output; fill a store from it on one machine). A
    session missing from the store is analysed again even when the dataset holds it.
    """
    import pandas as pd

    from kinemyo._optional import require

    for module in ("distributed", "pyarrow"):  # before a cluster starts; _local_client and _run import them too
        require(module, "kinemyo.cohort.analyze_cohort")

    files = _check_paths(paths)
    if client is not None and scheduler is not None:
        raise ValueError("scheduler: give a client or a scheduler address, not both")
    if scheduler is not None and not isinstance(scheduler, str):
        raise TypeError(f"scheduler: expected an address such as 'tcp://host:8786', got {type(scheduler).__name__}")
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers: expected a positive integer, got {workers!r}")
    if store is not None and not isinstance(store, (str, os.PathLike)):
        raise TypeError(f"store: expected a file path, got {type(store).__name__}")
    folder = _check_out(out)
    store_file = pathlib.Path(store).absolute() if store is not None else None
    from kinemyo._outdir import _lock

    with _lock(folder.parent / f".{folder.name}.lock"):
        own_client = own_cluster = None  # what this call opened, and closes at the end
        if client is None:
            if scheduler is not None:
                client = own_client = _connect(scheduler)
            else:
                client, own_cluster = _local_client(workers)
                own_client = client
        try:
            if store_file is not None:
                _check_local(client)
            statuses = _run(client, files, folder, store_file, progress)
        finally:
            if own_client is not None:
                _close(own_client)
            if own_cluster is not None:
                own_cluster.close()
        report = write_cohort_report(folder)
    return CohortResult(folder, pd.DataFrame(statuses), report)


def _check_local(client: Client) -> None:
    import socket

    me = {"127.0.0.1", "localhost", "::1", socket.gethostname()}
    try:
        me |= set(socket.gethostbyname_ex(socket.gethostname())[2])
    except OSError:
        pass
    hosts = {urllib.parse.urlparse(a).hostname for a in client.scheduler_info()["workers"]}
    if not hosts <= me:
        raise ValueError(f"store: workers on {', '.join(sorted(hosts - me))} cannot share a SQLite file safely; "
                         "run without a store (the Parquet dataset is the output) and fill the store on one machine")


def _run(client: Client, files: list[pathlib.Path], out: pathlib.Path, store: pathlib.Path | None,
         progress: Callable[[int, int, str], None] | None) -> list[TaskOutcome]:
    order = {}
    futures = []
    for i, f in enumerate(files):
        fut = client.submit(process_session, str(f), str(out), None if store is None else str(store), key=f"kinemyo-session-{f.parent.name}-{uuid.uuid4().hex}")
        order[fut.key] = i
        futures.append(fut)
    statuses: list[TaskOutcome | None] = [None] * len(files)
    if progress is not None:
        progress(0, len(files), f"{len(files)} sessions on {len(client.scheduler_info()['workers'])} workers")
    for done, fut in enumerate(_as_completed(futures), start=1):
        i = order[fut.key]
        st: TaskOutcome
        try:
            st = fut.result()
        except Exception as exc:  # noqa: BLE001  the worker died repeatedly, or out could not be written
            st = {"session_file": str(files[i]), "session_id": None, "patient": None, "date": None,
                  "status": "failed", "error": f"{type(exc).__name__}: {_one_line(exc)}", "skipped": False}
        _release(fut)  # the status is all the client keeps
        statuses[i] = st
        if progress is not None:
            note = "unchanged" if st.get("skipped") else st["status"]
            progress(done, len(files), f"{files[i].parent.name}/{files[i].name} {note}")
    done_statuses = [st for st in statuses if st is not None]
    if len(done_statuses) != len(files):  # as_completed yields every future once
        raise RuntimeError(f"{len(files) - len(done_statuses)} of {len(files)} session tasks never completed")
    return done_statuses


def write_cohort_report(out: str | os.PathLike[str]) -> pathlib.Path:
    """``out/cohort_report.html`` from the dataset at ``out``: counts, failed sessions, the distribution of each
    key measure over sessions and each patient's trajectory over dates (self-contained HTML, PNG figures)."""
    out = pathlib.Path(out)
    path = out / "cohort_report.html"
    text = _render_report(read_table(out, "sessions"),
                          read_table(out, "measures", ["session_id", "measure", "label", "value", "unit"]))
    _atomic_write(path, lambda tmp: _write_text(tmp, text))
    return path


# Key measures of the report, in this order when present: questionnaire totals (HOOS has subscales only), walking
# speed and stride time from the feet, cadence and step-time symmetry from the lower back, muscle ratios, EMG
# activity.
KEY_MEASURES = (r"\S+ total", r"hoos (pain|adl)", r"gait gait_speed_m_per_s left", r"gait stride_time_s left",
                r"gait \(lower back\) cadence_steps_per_min left", r"gait( \(lower back\))? step_time_s symmetry_index",
                r"ratio [^ ]+", r"emg \S+ active_fraction")
MAX_DISTRIBUTIONS = 12
MAX_TRAJECTORIES = 6


def _key_measures(measures: pd.DataFrame) -> list[str]:
    import re

    names = measures.dropna(subset=["value"]).groupby("measure").size()
    names = names[names >= 2]
    chosen = []
    for pattern in KEY_MEASURES:
        chosen += sorted(n for n in names.index if re.fullmatch(pattern, n) and n not in chosen)
    return chosen[:MAX_DISTRIBUTIONS]


def _render_report(sessions: pd.DataFrame, measures: pd.DataFrame) -> str:
    import html

    import numpy as np
    import pandas as pd

    from kinemyo.report import _png, _subplots

    ok = sessions[sessions.status == "ok"]
    failed = sessions[sessions.status == "failed"]
    m = measures[measures.session_id.isin(ok.session_id)].merge(ok[["session_id", "patient", "date"]], on="session_id")
    keys = _key_measures(m)
    dates = ok.date.dropna()
    parts = ["<!doctype html><html><head><meta charset='utf-8'><title>kinemyo cohort</title>",
             "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
             "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 8px}"
             "figure{margin:1.5em 0}figcaption{font-weight:bold;margin-bottom:.3em}img{max-width:100%}</style>",
             "</head><body><h1>Cohort</h1>",
             f"<p id='counts'>{len(sessions)} sessions of {ok.patient.nunique()} patients: {len(ok)} analysed, "
             f"{len(failed)} failed" + (f"; dates {dates.min()} to {dates.max()}" if len(dates) else "")
             + f"; kinemyo {', '.join(sorted(sessions.kinemyo_version.dropna().unique()))}.</p>"]
    if len(failed):
        parts.append("<h2>Failed sessions</h2><table id='failed'><tr><th>session file</th><th>error</th></tr>"
                     + "".join(f"<tr><td>{html.escape(str(r.session_file))}</td><td>{html.escape(str(r.error))}</td>"
                               "</tr>" for r in failed.itertuples()) + "</table>")
    if keys:
        cols = 3
        rows = -(-len(keys) // cols)
        fig, axes = _subplots(rows, cols, figsize=(12, 3 * rows), constrained_layout=True, squeeze=False)
        for ax, key in zip(axes.flat, keys):
            v = m[m.measure == key].value.dropna().to_numpy()
            unit = m[m.measure == key].unit.iloc[0]
            ax.hist(v, bins=min(20, max(5, len(v) // 3)), color="#4477aa")
            ax.set_title(f"{m[m.measure == key].label.iloc[0]}\n(n = {len(v)}, median {np.median(v):.3g})",
                         fontsize=9)
            ax.set_xlabel(unit if unit != "1" else "ratio")
        for ax in list(axes.flat)[len(keys):]:
            ax.set_visible(False)
        parts.append("<figure id='distributions'><figcaption>Key measures over all analysed sessions</figcaption>"
                     f"<img alt='distributions' src='data:image/png;base64,{_png(fig)}'></figure>")
        dated = m.dropna(subset=["date", "value"])
        per_patient = dated.groupby(["measure", "patient"]).date.nunique()
        repeated = set(per_patient[per_patient >= 2].index.get_level_values(0))  # measures of a patient on 2+ dates
        trajectories = [k for k in keys if k in repeated][:MAX_TRAJECTORIES]
        if trajectories:
            rows = -(-len(trajectories) // 2)
            fig, axes = _subplots(rows, 2, figsize=(12, 3.4 * rows), constrained_layout=True, squeeze=False)
            for ax, key in zip(axes.flat, trajectories):
                d = dated[dated.measure == key]
                for patient, g in d.groupby("patient"):
                    g = g.sort_values("date")
                    ax.plot(pd.to_datetime(g.date), g.value, marker="o", ms=3, lw=1, label=patient)
                ax.set_title(d.label.iloc[0], fontsize=9)
                ax.set_ylabel(d.unit.iloc[0] if d.unit.iloc[0] != "1" else "ratio")
                ax.tick_params(axis="x", labelrotation=30, labelsize=7)
                if d.patient.nunique() <= 12:
                    ax.legend(fontsize=6, ncol=2)
            for ax in list(axes.flat)[len(trajectories):]:
                ax.set_visible(False)
            parts.append("<figure id='trajectories'><figcaption>Per-patient trajectories over the session dates"
                         f"</figcaption><img alt='trajectories' src='data:image/png;base64,{_png(fig)}'></figure>")
        table = (m[m.measure.isin(keys)].groupby(["measure"], sort=False).value
                 .describe(percentiles=[0.25, 0.5, 0.75]).loc[keys])
        parts.append("<h2>Key measures</h2><table id='key-measures'><tr><th>measure</th><th>n</th><th>median</th>"
                     "<th>25 %</th><th>75 %</th><th>min</th><th>max</th></tr>" + "".join(
                         f"<tr><td>{html.escape(str(k))}</td><td>{int(r['count'])}</td>" + "".join(
                             f"<td>{r[c]:.4g}</td>" for c in ("50%", "25%", "75%", "min", "max")) + "</tr>"
                         for k, r in table.iterrows()) + "</table>")
    parts.append("<p>Data: the Parquet dataset beside this file (sessions, measures, strides, activations, "
                 "questionnaires; partitioned by patient).</p></body></html>")
    return "\n".join(parts)
