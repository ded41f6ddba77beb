"""Command-line entry point (installed by ``pip install .``; also ``python -m kinemyo``).

    kinemyo demo [--out DIR] [--force]      analyse the bundled demo session (public recordings) + real-time check
    kinemyo analyze SESSION [--out DIR] [--force] [--allow-outside] [--store PATH | --no-store]
                                            analyse a session file (JSON or TOML): report.html, summary.json, strides.csv,
                                            and record it in the session store (kinemyo.store)
    kinemyo compare A B [C ...] [--format text|csv|html] [--mic name=value ...]
                                            a table of the measures of two or more summary.json files
    kinemyo progress PATIENT [--store PATH] [--baseline DATE] [--format text|csv|html] [--out DIR] [--mic ...]
                                            one patient's measures over the stored sessions (kinemyo.progress)
    kinemyo cohort SESSION... --out DIR [--scheduler ADDRESS] [--workers 2] [--store FILE]
                                            a study on a Dask cluster: Parquet dataset + cohort_report.html
    kinemyo biofeedback [--session S] [--speed 1] [--lsl NAME]
                                            live terminal display of the real-time chain

Every expected failure (a bad or unreadable file, a bad value, an output folder that exists or is in use) ends in
one line on stderr naming the file and field, exit code 2; ``--debug`` (before the command) shows the traceback.
Ctrl-C exits with 130 and leaves any previous results untouched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, TextIO, TypeVar

import argparse
import json
import pathlib
import sys

from kinemyo import _core

if TYPE_CHECKING:
    from kinemyo.session import Session

_T = TypeVar("_T")


class ProgressBar:
    """Progress of a long job on ``stream`` (stderr): a bar redrawn in place on a terminal, one line per step
    otherwise (logs, pipes); nothing when ``quiet``. Called as ``bar(done, total, message)``."""

    def __init__(self, quiet: bool = False, stream: TextIO | None = None, width: int = 28) -> None:
        self.quiet, self.stream, self.width = quiet, stream if stream is not None else sys.stderr, width
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())

    def __call__(self, done: int, total: int, message: str) -> None:
        if self.quiet:
            return
        if not self.tty:
            print(f"[{done}/{total}] {message}", file=self.stream, flush=True)
            return
        filled = self.width * done // max(total, 1)
        line = f"\r[{'#' * filled}{'.' * (self.width - filled)}] {done}/{total} {message[:40]:<40}"
        self.stream.write(line + ("\n" if done >= total else ""))
        self.stream.flush()


def _analyze(session: Session | str | pathlib.Path, out: str, quiet: bool, force: bool = False,
             allow_outside: bool = False, store: str | Literal[False] | None = None) -> int:
    """``store``: a store path, None for the default store, False to record nothing."""
    from kinemyo._outdir import check_output
    from kinemyo.analysis import analyze_session
    from kinemyo.report import write_report

    check_output(out, force=force)  # refuse an occupied output folder before the analysis, not after it
    result = analyze_session(session, progress=ProgressBar(quiet), allow_outside=allow_outside)
    paths = write_report(result, out, force=force)
    if not quiet:
        for kind, path in paths.items():
            print(f"{kind}: {path}")
    if store is not False:
        from kinemyo.store import SessionStore

        with SessionStore(store) as st:
            sid, inserted = st.record(result, report_paths={k: str(pathlib.Path(v).absolute()) for k, v in paths.items()})
            if not quiet:
                print(f"store: {st.path} ({'recorded' if inserted else 'already recorded'}, session {sid[:12]})")
    return 0


def _mic_args(items: list[str]) -> dict[str, float]:
    mic: dict[str, float] = {}
    for item in items:
        key, sep, value = item.rpartition("=")
        try:
            mic[key] = float(value)
        except ValueError:
            sep = ""
        if not sep or not key:
            raise ValueError(f"--mic: expected NAME=VALUE, got {item!r}")
    return mic


def _emit(text: str, out: str | None, name: str) -> None:
    """Print ``text``, or write it to ``out``/``name`` and say where."""
    if out is None:
        sys.stdout.write(text)
        return
    path = pathlib.Path(out) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"{name.split('.')[0]}: {path}")


def _compare(args: argparse.Namespace) -> int:
    from kinemyo.progress import compare_summaries, format_table

    if len(args.summaries) < 2:
        raise ValueError("compare: needs two or more summary.json files")
    table, warnings = compare_summaries(args.summaries, _mic_args(args.mic))
    for w in warnings:
        print(f"kinemyo: warning: {w}", file=sys.stderr)
    text = format_table(table, args.format)
    if args.format == "html":
        text = ("<!doctype html><html><head><meta charset='utf-8'><title>kinemyo compare</title></head><body>"
                + text + "</body></html>\n")
    sys.stdout.write(text)
    return 0


def _progress(args: argparse.Namespace) -> int:
    from kinemyo.progress import format_table, progress

    result = progress(args.patient, store=args.store, baseline=args.baseline, mic=_mic_args(args.mic))
    for w in result.warnings:
        print(f"kinemyo: warning: {w}", file=sys.stderr)
    if args.format == "html":
        print(f"report: {result.write_html(pathlib.Path(args.out or 'kinemyo_progress') / 'progress.html')}")
    elif args.format == "csv":
        _emit(format_table(result.table, "csv"), args.out, "progress.csv")
    else:
        _emit(result.to_text() + "\n", args.out, "progress.txt")
    return 0


def _cohort(args: argparse.Namespace) -> int:
    from kinemyo.cohort import analyze_cohort

    result = analyze_cohort(args.sessions, out=args.out, scheduler=args.scheduler, workers=args.workers,
                            store=args.store, progress=ProgressBar(args.quiet))
    for row in result.failed.itertuples():
        print(f"kinemyo: {row.session_file}: {row.error}", file=sys.stderr)
    if not args.quiet:
        print(f"{result!r}\nreport: {result.report}")
    if len(result.failed):
        print(f"kinemyo: {len(result.failed)} of {len(result.sessions)} sessions failed (recorded in the sessions "
              "table and the report)", file=sys.stderr)
        return 2
    return 0


def _biofeedback(args: argparse.Namespace) -> int:
    from kinemyo import emg
    from kinemyo.biofeedback import lsl_blocks, replay_blocks, run_biofeedback

    try:
        if args.lsl:
            fs, n, blocks = lsl_blocks(args.lsl)
            channels = [emg.ChannelConfig(name=f"ch{i}") for i in range(n)]
        else:
            from kinemyo.analysis import read_emg_recording
            from kinemyo.session import load_session
            from kinemyo.store import _emg_profile

            session = load_session(args.session or demo_session_path())
            if not session.emg:
                print("kinemyo: session has no EMG recording", file=sys.stderr)
                return 2
            rec = session.emg[0]
            x, base, _gaps = read_emg_recording(rec)
            fs = base.fs
            channels = [emg.ChannelConfig(name=c.name, profile=_emg_profile(c.profile)) for c in rec.channels]
            blocks = replay_blocks(x, fs=fs, speed=args.speed)
    except RuntimeError as exc:
        print(f"kinemyo: {exc}", file=sys.stderr)
        return 2
    names = [c.name for c in channels]

    def pick(name: str | None, default: _T) -> int | _T:
        return names.index(name) if name in names else default

    for opt in (args.numerator, args.denominator):
        if opt is not None and opt not in names:
            print(f"kinemyo: --numerator/--denominator: {opt!r} is not a channel ({', '.join(names)})", file=sys.stderr)
            return 2
    run_biofeedback(blocks, channels, fs=fs, numerator=pick(args.numerator, 0),
                    denominator=pick(args.denominator, 1 if len(names) > 1 else None), zone=tuple(args.zone),
                    duration_s=args.duration)
    return 0


def demo_session_path() -> pathlib.Path:
    """The bundled demo session file (:func:`kinemyo.datasets.demo_session_path`)."""
    from kinemyo.datasets import demo_session_path as path

    return path()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kinemyo", description="Muscle and movement analysis for rehabilitation")
    parser.add_argument("--debug", action="store_true", help="show the Python traceback of an error")
    parser.add_argument("--version", action="version", version=f"kinemyo {_core.__version__} ({_core.fft_backend} FFT)")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="analyse the bundled demo session and check the real-time EMG chain")
    demo.add_argument("--out", default="demo_output", help="output directory (default: %(default)s)")
    demo.add_argument("--quiet", action="store_true", help="print nothing")
    demo.add_argument("--force", action="store_true", help="replace the results already in --out")
    demo.add_argument("--store", metavar="PATH", help="also record the demo in this session store")
    analyze = sub.add_parser("analyze", help="analyse a session file (JSON or TOML)")
    analyze.add_argument("session", help="session description file")
    analyze.add_argument("--out", default="kinemyo_output", help="output directory (default: %(default)s)")
    analyze.add_argument("--quiet", action="store_true", help="print nothing")
    analyze.add_argument("--force", action="store_true", help="replace the results already in --out")
    analyze.add_argument("--allow-outside", action="store_true",
                         help="let the session file name recordings outside its own folder")
    where = analyze.add_mutually_exclusive_group()
    where.add_argument("--store", metavar="PATH",
                       help="session store to record into (default: $KINEMYO_STORE or ~/.local/share/kinemyo/sessions.sqlite)")
    where.add_argument("--no-store", action="store_true", help="do not record the session in a store")
    mic_help = ("minimal important change of a questionnaire (e.g. odi=10) or of a measure by its name "
                "(e.g. 'gait step_time_s symmetry_index=5'); repeatable")
    compare = sub.add_parser("compare", help="a table of the measures of two or more sessions' summary.json files")
    compare.add_argument("summaries", nargs="+", metavar="SUMMARY", help="summary.json files, oldest first")
    compare.add_argument("--format", choices=("text", "csv", "html"), default="text")
    compare.add_argument("--mic", action="append", default=[], metavar="NAME=VALUE", help=mic_help)
    prog = sub.add_parser("progress", help="one patient's measures over the sessions in the store")
    prog.add_argument("patient")
    prog.add_argument("--store", metavar="PATH", help="session store (default: $KINEMYO_STORE or "
                      "~/.local/share/kinemyo/sessions.sqlite)")
    prog.add_argument("--baseline", metavar="DATE", help="date (YYYY-MM-DD) of the baseline session (default: the first)")
    prog.add_argument("--format", choices=("text", "csv", "html"), default="text")
    prog.add_argument("--out", metavar="DIR", help="write progress.txt / progress.csv / progress.html here "
                      "(html default: kinemyo_progress)")
    prog.add_argument("--mic", action="append", default=[], metavar="NAME=VALUE", help=mic_help)
    cohort = sub.add_parser("cohort", help="analyse many session files on a Dask cluster into a Parquet dataset")
    cohort.add_argument("sessions", nargs="+", metavar="SESSION", help="session description files")
    cohort.add_argument("--out", required=True, help="dataset folder (a re-run skips the sessions already in it)")
    cohort.add_argument("--scheduler", metavar="ADDRESS",
                        help="an existing Dask scheduler, e.g. tcp://host:8786 (default: a local cluster)")
    cohort.add_argument("--workers", type=int, default=2, help="local cluster worker processes (default: %(default)s)")
    cohort.add_argument("--store", metavar="FILE", help="also record every session into this SQLite session store "
                        "(workers on this machine only)")
    cohort.add_argument("--quiet", action="store_true", help="print nothing but failures")
    bio = sub.add_parser("biofeedback", help="live terminal display of envelopes, muscle ratio and target zone")
    bio.add_argument("--session", help="replay the first EMG recording of this session (default: the demo session)")
    bio.add_argument("--lsl", metavar="STREAM", help="read a Lab Streaming Layer stream instead (needs pylsl)")
    bio.add_argument("--numerator", help="channel name shown against the target zone (default: the first)")
    bio.add_argument("--denominator", help="channel name the ratio divides by (default: the second)")
    bio.add_argument("--zone", nargs=2, type=float, default=(2.0, 10.0), metavar=("LOW", "HIGH"),
                     help="target zone in multiples of the rest level (default: 2 10)")
    bio.add_argument("--speed", type=float, default=1.0, help="replay speed, x real time (0: as fast as possible)")
    bio.add_argument("--duration", type=float, help="stop after this many seconds")
    args = parser.parse_args(argv)
    try:
        return _run(args)
    except KeyboardInterrupt:
        if args.debug:
            raise
        print("kinemyo: interrupted (previous results, if any, are unchanged)", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001  every failure becomes one line; --debug shows the traceback
        if args.debug:
            raise
        print(f"kinemyo: {_one_line(exc)}", file=sys.stderr)
        return 2 if _expected(exc) else 1


def _expected(exc: BaseException) -> bool:
    """Failures of the input or the environment (exit 2), as opposed to a bug in kinemyo (exit 1)."""
    import zlib

    from kinemyo._outdir import OutputLocked
    from kinemyo.session import SessionError

    return isinstance(exc, (SessionError, ValueError, TypeError, OSError, EOFError, zlib.error, OutputLocked,
                            RecursionError, KeyError, json.JSONDecodeError))


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    if not _expected(exc):
        text = f"internal error ({type(exc).__name__}: {text}); rerun with --debug and report it"
    return text[:500]


def _run(args: argparse.Namespace) -> int:
    if args.command == "biofeedback":
        return _biofeedback(args)
    if args.command == "demo":
        from kinemyo.demo import run_emg_demo

        code = _analyze(demo_session_path(), args.out, args.quiet, force=args.force,
                        store=args.store if args.store else False)
        if code == 0:
            run_emg_demo(pathlib.Path(args.out) / "realtime", quiet=args.quiet)
        return code
    if args.command == "analyze":
        return _analyze(args.session, args.out, args.quiet, force=args.force, allow_outside=args.allow_outside,
                        store=False if args.no_store else args.store)
    if args.command == "cohort":
        return _cohort(args)
    if args.command == "compare":
        return _compare(args)
    if args.command == "progress":
        return _progress(args)
    return 0

if __name__ == "__main__":
    sys.exit(main())
