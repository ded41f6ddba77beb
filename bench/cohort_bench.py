"""Sessions per minute of a cohort study, serial against Dask (a LocalCluster of 2 single-thread worker processes)
on the same sessions in the same run, and the peak memory (RSS) of each worker process; then what a study of
``--patients`` x ``--visits`` sessions needs, extrapolated from the measured rate per worker core.

The cohort is built from the real recordings in ``KINEMYO_DATA_DIR`` (tests/python/cohort/build_cohort.py: resampled,
moved in time, 4-5 visits per patient). The serial run is one fresh process analysing the sessions one after the
other (kinemyo.cohort.process_session, the same function each Dask task runs); its time excludes the interpreter's
start. The Dask time is analyze_cohort's wall time on a running cluster from
submitting the tasks to the last one's end (the cluster's start and the report are shown apart). Both runs have
imported kinemyo's modules first.

The table also gives the CPU time per session (of the thread that ran it), which a busy machine does not
change much, and the extrapolation uses it: a dedicated core analyses 60 / (CPU s per session) sessions a minute.

    python bench/cohort_bench.py [--sessions 24] [--workers 2] [--patients 300 --visits 12]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import multiprocessing
import os
import pathlib
import resource
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.python.cohort.build_cohort import build_cohort, default_data_dir  # noqa: E402


def _warm() -> None:
    """Import what a session's analysis imports, so that both runs time the analyses, not the imports."""
    import kinemyo.analysis  # noqa: F401
    import kinemyo.cohort  # noqa: F401
    import kinemyo.tables  # noqa: F401
    import pyarrow.parquet  # noqa: F401


def _serial(paths: list[str], out: str) -> tuple[float, int, list[dict]]:
    """In a fresh process: the sessions one after the other; (seconds, peak RSS bytes, statuses)."""
    from kinemyo.cohort import process_session

    _warm()
    t0 = time.perf_counter()
    statuses = [process_session(p, out) for p in paths]
    return time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, statuses


def _patients_for(n: int) -> int:
    """Fewest builder patients giving n usable sessions (the builder gives 5 visits to every third patient, else 4)."""
    total, p = 0, 0
    while total < n:
        total += 5 if p % 3 == 0 else 4
        p += 1
    return p


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=24, help="sessions in the benchmark cohort (default: %(default)s)")
    ap.add_argument("--workers", type=int, default=2, help="Dask worker processes (default: %(default)s)")
    ap.add_argument("--patients", type=int, default=300, help="study size for the extrapolation: patients")
    ap.add_argument("--visits", type=int, default=12, help="study size for the extrapolation: sessions per patient")
    ap.add_argument("--data", default=None, help="shared data folder (default: KINEMYO_DATA_DIR or ../shared/data)")
    a = ap.parse_args()
    if a.sessions < 1 or a.workers < 1:
        ap.error("--sessions and --workers must be positive")
    load0 = os.getloadavg()[0]
    data = pathlib.Path(a.data) if a.data else default_data_dir()
    if not data.is_dir():
        print(f"cohort_bench: shared data not found at {data} (set KINEMYO_DATA_DIR)", file=sys.stderr)
        return 2
    from distributed import Client, LocalCluster

    from kinemyo.cohort import LOCAL_MEMORY_LIMIT, analyze_cohort

    with tempfile.TemporaryDirectory(prefix="kinemyo-cohort-bench-") as tmp:
        tmp = pathlib.Path(tmp)
        t0 = time.perf_counter()
        cohort = build_cohort(tmp / "sessions", data, patients=_patients_for(a.sessions), broken=0)
        paths = [str(p) for p in cohort.sessions[:a.sessions]]
        build_s = time.perf_counter() - t0
        with concurrent.futures.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            serial_s, serial_rss, serial_status = pool.submit(_serial, paths, str(tmp / "serial")).result()
        t0 = time.perf_counter()
        with LocalCluster(n_workers=a.workers, threads_per_worker=1, processes=True, memory_limit=LOCAL_MEMORY_LIMIT,
                          dashboard_address=":0") as cluster, Client(cluster) as client:
            client.run(_warm)
            start_s = time.perf_counter() - t0
            marks = []  # the first progress call comes once every task is submitted, the last as the last ends
            t0 = time.perf_counter()
            result = analyze_cohort(paths, out=tmp / "dask", client=client,
                                    progress=lambda done, total, msg: marks.append(time.perf_counter()))
            report_s = time.perf_counter() - marks[-1]
            dask_s = marks[-1] - t0
        s = result.sessions
        failed = int((s.status != "ok").sum()) + sum(st["status"] != "ok" for st in serial_status)
        peaks = s.groupby("worker_pid").peak_rss_bytes.max() / 2**20
        task_s = s.seconds.mean()
        n = len(paths)
        serial_rate, dask_rate = 60 * n / serial_s, 60 * n / dask_s
        serial_cpu = sum(st["cpu_seconds"] for st in serial_status) / n
        dask_cpu = s.cpu_seconds.mean()
        print(f"Cohort benchmark: {n} sessions of {len(set(s.patient))} patients built from the real recordings in "
              f"{build_s:.1f} s; {os.cpu_count()} cores here, load average {os.getloadavg()[0]:.1f} at the end "
              f"({load0:.1f} at the start)")
        print(f"{'run':<24}{'wall s':>8}{'sessions/min':>14}{'CPU s/session':>15}{'peak RSS/process MiB':>23}")
        print(f"{'serial (1 process)':<24}{serial_s:>8.1f}{serial_rate:>14.1f}{serial_cpu:>15.2f}"
              f"{serial_rss / 2**20:>23.0f}")
        print(f"{f'Dask LocalCluster x{a.workers}':<24}{dask_s:>8.1f}{dask_rate:>14.1f}{dask_cpu:>15.2f}"
              f"{' / '.join(f'{v:.0f}' for v in peaks):>23}")
        print(f"speed-up {dask_rate / serial_rate:.2f}x on {a.workers} workers; not counted: cluster start and imports "
              f"{start_s:.1f} s, cohort_report.html {report_s:.1f} s; mean task {task_s:.2f} s; worker memory limit "
              f"{LOCAL_MEMORY_LIMIT}; failed sessions: {failed}")
        # capacity of a dedicated core from the CPU time per session (a shared machine's wall time says more about
        # the other processes than about kinemyo)
        per_core = 60.0 / dask_cpu
        study = a.patients * a.visits
        print(f"Study of {a.patients} patients x {a.visits} sessions = {study} sessions at {per_core:.0f} sessions/min "
              "per dedicated worker core (linear extrapolation; the shared filesystem must keep up):")
        for machines, cores in ((1, a.workers), (1, 8), (4, 8), (16, 8)):
            print(f"  {machines:>2} machine(s) x {cores} cores: {study / (per_core * machines * cores):7.1f} min")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
