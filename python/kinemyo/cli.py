"""Command-line entry point: ``kinemyo demo`` (installed by ``pip install .``; also ``python -m kinemyo``)."""

from __future__ import annotations

import argparse
import sys

from kinemyo import _core


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kinemyo", description="Muscle and movement analysis for rehabilitation")
    parser.add_argument("--version", action="version", version=f"kinemyo {_core.__version__} ({_core.fft_backend} FFT)")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="run the bundled real EMG recording through the real-time chain")
    demo.add_argument("--out", default="demo_output", help="output directory (default: %(default)s)")
    demo.add_argument("--quiet", action="store_true", help="print nothing")
    args = parser.parse_args(argv)
    if args.command == "demo":
        from kinemyo.demo import run_emg_demo

        run_emg_demo(args.out, quiet=args.quiet)
    return 0


if __name__ == "__main__":
    sys.exit(main())
