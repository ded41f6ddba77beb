"""Command-line entry point (installed by ``pip install .``; also ``python -m kinemyo``).

    kinemyo demo [--out DIR] [--force]      analyse the bundled demo session (public recordings) + real-time check
    kinemyo analyze SESSION [--out DIR] [--force] [--allow-outside]
                                            analyse a session file (JSON or TOML): report.html, summary.json, strides.csv
    kinemyo compare BEFORE AFTER [--mic instrument=value ...]
                                            changes between two summary.json files
    kinemyo cohort SESSION... --out DIR [--scheduler ADDRESS] [--workers 2]
                                            a study on a Dask cluster: Parquet dataset + cohort_report.html
    kinemyo biofeedback [--session S] [--speed 1] [--lsl NAME]
                                            live terminal display of the real-time chain

Every expected failure (a bad or unreadable file, a bad value, an output folder that exists or is in use) ends in
one line on stderr naming the file and field, exit code 2; ``--debug`` (before the command) shows the traceback.
Ctrl-C exits with 130 and leaves any previous results untouched.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import sys

from kinemyo import _core
from kinemyo._jsonutil import strict_json


class ProgressBar:
    """Progress of a long job on ``stream`` (stderr): a bar redrawn in place on a terminal, one line per step
    otherwise (logs, pipes); nothing when ``quiet``. Called as ``bar(done, total, message)``."""

    def __init__(self, quiet: bool = False, stream=None, width: int = 28):
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


def _analyze(session, out: str, quiet: bool, force: bool = False, allow_outside: bool = False) -> int:
    from kinemyo._outdir import check_output
    from kinemyo.analysis import analyze_session
    from kinemyo.report import write_report

    check_output(out, force=force)  # refuse an occupied output folder before the analysis, not after it
    result = analyze_session(session, progress=ProgressBar(quiet), allow_outside=allow_outside)
    paths = write_report(result, out, force=force)
    if not quiet:
        for kind, path in paths.items():
            print(f"{kind}: {path}")
    return 0


def _cohort(args) -> int:
    from kinemyo.cohort import analyze_cohort

    result = analyze_cohort(args.sessions, out=args.out, scheduler=args.scheduler, workers=args.workers,
                            progress=ProgressBar(args.quiet))
    for row in result.failed.itertuples():
        print(f"kinemyo: {row.session_file}: {row.error}", file=sys.stderr)
    if not args.quiet:
        print(f"{result!r}\nreport: {result.report}")
    if len(result.failed):
        print(f"kinemyo: {len(result.failed)} of {len(result.sessions)} sessions failed (recorded in the sessions "
              "table and the report)", file=sys.stderr)
        return 2
    return 0


def _biofeedback(args) -> int:
    from kinemyo import emg
    from kinemyo.biofeedback import lsl_blocks, replay_blocks, run_biofeedback

    try:
        if args.lsl:
            fs, n, blocks = lsl_blocks(args.lsl)
            channels = [emg.ChannelConfig(name=f"ch{i}") for i in range(n)]
        else:
            from kinemyo.analysis import read_emg_recording
            from kinemyo.session import load_session

            session = load_session(args.session or demo_session_path())
            if not session.emg:
                print("kinemyo: session has no EMG recording", file=sys.stderr)
                return 2
            rec = session.emg[0]
            x, base, _gaps = read_emg_recording(rec)
            fs = base.fs
            channels = [emg.ChannelConfig(name=c.name, profile=c.profile) for c in rec.channels]
            blocks = replay_blocks(x, fs, speed=args.speed)
    except RuntimeError as exc:
        print(f"kinemyo: {exc}", file=sys.stderr)
        return 2
    names = [c.name for c in channels]
    pick = lambda name, default: names.index(name) if name in names else default  # noqa: E731
    for opt in (args.numerator, args.denominator):
        if opt is not None and opt not in names:
            print(f"kinemyo: --numerator/--denominator: {opt!r} is not a channel ({', '.join(names)})", file=sys.stderr)
            return 2
    run_biofeedback(blocks, fs, channels, numerator=pick(args.numerator, 0),
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
    analyze = sub.add_parser("analyze", help="analyse a session file (JSON or TOML)")
    analyze.add_argument("session", help="session description file")
    analyze.add_argument("--out", default="kinemyo_output", help="output directory (default: %(default)s)")
    analyze.add_argument("--quiet", action="store_true", help="print nothing")
    analyze.add_argument("--force", action="store_true", help="replace the results already in --out")
    analyze.add_argument("--allow-outside", action="store_true",
                         help="let the session file name recordings outside its own folder")
    compare = sub.add_parser("compare", help="changes between two sessions' summary.json files")
    compare.add_argument("before")
    compare.add_argument("after")
    compare.add_argument("--mic", action="append", default=[], metavar="INSTRUMENT=VALUE",
                         help="minimal important change of a questionnaire, or of any compared row by its 'what' "
                              "(e.g. 'gait step_time_s symmetry_index=5'); repeatable")
    cohort = sub.add_parser("cohort", help="analyse many session files on a Dask cluster into a Parquet dataset")
    cohort.add_argument("sessions", nargs="+", metavar="SESSION", help="session description files")
    cohort.add_argument("--out", required=True, help="dataset folder (a re-run skips the sessions already in it)")
    cohort.add_argument("--scheduler", metavar="ADDRESS",
                        help="an existing Dask scheduler, e.g. tcp://host:8786 (default: a local cluster)")
    cohort.add_argument("--workers", type=int, default=2, help="local cluster worker processes (default: %(default)s)")
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


def _run(args) -> int:
    if args.command == "biofeedback":
        return _biofeedback(args)
    if args.command == "demo":
        from kinemyo.demo import run_emg_demo

        code = _analyze(demo_session_path(), args.out, args.quiet, force=args.force)
        if code == 0:
            run_emg_demo(pathlib.Path(args.out) / "realtime", quiet=args.quiet)
        return code
    if args.command == "analyze":
        return _analyze(args.session, args.out, args.quiet, force=args.force, allow_outside=args.allow_outside)
    if args.command == "cohort":
        return _cohort(args)
    if args.command == "compare":
        from kinemyo.analysis import compare_sessions

        mic = {}
        for item in args.mic:
            key, sep, value = item.partition("=")
            try:
                mic[key] = float(value)
            except ValueError:
                sep = ""
            if not sep:
                print(f"kinemyo: --mic: expected INSTRUMENT=VALUE, got {item!r}", file=sys.stderr)
                return 2
        print(json.dumps(strict_json(compare_sessions(args.before, args.after, mic or None)), indent=1, allow_nan=False))
    return 0

if __name__ == "__main__":
    sys.exit(main())
