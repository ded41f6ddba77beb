"""Mutated recording, session and questionnaire files against kinemyo's readers: every outcome counted (issue 13).

Each mutant (byte flips, insertions, deletions, truncation, duplicated chunks, and for text files numbers
replaced by NaN / inf / huge / text / nothing) is read by the reader for its format. Outcomes:
  ok            read, and every number in the result is finite or NaN-as-missing where the format allows it
  clean error   ValueError / TypeError / OSError (incl. SessionError) with a message
  exception     any other exception (a bug: its type is printed)
  crash         the reading process died (signal)
  hang          no answer within the timeout
Readers run in a worker process that the parent restarts after a crash or hang, so the tally always finishes.

    python bench/mutation_probe.py [--text 1000] [--c3d 50] [--seed 1] [--timeout 20]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("KINEMYO_DATA_DIR", REPO.parent / "shared" / "data"))
FHIR = {"resourceType": "QuestionnaireResponse", "status": "completed",
        "questionnaire": "http://example.org/Questionnaire/odi",
        "item": [{"linkId": str(i), "answer": [{"valueInteger": i % 6}]} for i in range(1, 11)]}


def seeds() -> dict[str, bytes]:
    """One small valid file per format (cut from the shared recordings)."""
    emg = (DATA / "biosppy" / "emg_1.txt").read_bytes().splitlines(keepends=True)
    gaitmap = (DATA / "gaitmap" / "imu_sample.csv").read_bytes().splitlines(keepends=True)
    csv = b"t,a,b\n" + b"".join(b"%d,%d,%d\n" % (i, (i * 7) % 13, (i * 3) % 11) for i in range(400))
    out = {"simple_text": b"".join(emg[:2004]), "csv": csv, "gaitmap_csv": b"".join(gaitmap[:600]),
           "fhir_json": json.dumps(FHIR).encode()}
    out["session_json"] = (REPO / "python" / "kinemyo" / "data" / "demo_session" / "session.json").read_bytes()
    c3d = DATA / "gaitalytics" / "gait_es_emg.c3d"
    if c3d.exists():
        out["c3d"] = c3d.read_bytes()
    return out


NUMBER = re.compile(rb"-?\d+(\.\d+)?([eE][-+]?\d+)?")


def mutate(data: bytes, rng: random.Random, text: bool) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        kind = rng.choice(["flip", "insert", "delete", "truncate", "duplicate"] + (["number"] * 3 if text else []))
        if not b:
            break
        i = rng.randrange(len(b))
        if kind == "flip":
            b[i] = rng.randrange(256)
        elif kind == "insert":
            b[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        elif kind == "delete":
            del b[i:i + rng.randint(1, 64)]
        elif kind == "truncate":
            del b[i:]
        elif kind == "duplicate":
            j = min(len(b), i + rng.randint(1, 256))
            b[j:j] = b[i:j]
        else:
            matches = list(NUMBER.finditer(bytes(b)))
            if matches:
                m = rng.choice(matches)
                b[m.start():m.end()] = rng.choice([b"nan", b"inf", b"-inf", b"1e308", b"1e999", b"x", b"",
                                                   b"4294967301", b"-0", b"1,5"])
    return bytes(b)


def read(fmt: str, path: Path):
    import numpy as np

    from kinemyo import io, questionnaire

    if fmt == "fhir_json":
        return questionnaire.score_questionnaire_response(json.loads(path.read_text(encoding="utf-8")))
    if fmt == "session_json":  # parsed and checked (recordings are named beside it), not analysed
        from kinemyo.session import load_session

        return load_session(path)
    rec = {"simple_text": lambda: io.read_simple_text(path), "csv": lambda: io.read_delimited(path, fs=100.0),
           "gaitmap_csv": lambda: io.read_gaitmap_csv(path, fs=204.8), "c3d": lambda: io.read_c3d(path)}[fmt]()
    data = np.asarray(rec.data, dtype=float)
    if data.size and not np.isfinite(data[~np.isnan(data)]).all():
        raise AssertionError("non-finite values other than NaN in a successful read")
    return rec


def child(jobs_path: str) -> None:
    jobs = json.loads(Path(jobs_path).read_text())
    for k, (fmt, path) in enumerate(jobs):
        print(f"start {k}", flush=True)
        try:
            read(fmt, Path(path))
            outcome = "ok"
        except (ValueError, TypeError, OSError) as exc:
            outcome = "clean error" if str(exc) else f"exception {type(exc).__name__} (empty message)"
        except Exception as exc:  # noqa: BLE001  the point of the probe
            outcome = f"exception {type(exc).__name__}"
        print(f"done {k} {outcome}", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--text", type=int, default=1000, help="text/JSON mutants (spread over the text formats)")
    ap.add_argument("--c3d", type=int, default=50, help="C3D mutants (each read runs the C3D library in a child)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=30.0, help="s per file before it counts as a hang")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child)
        return 0
    rng = random.Random(args.seed)
    base = seeds()
    text_formats = [f for f in base if f != "c3d"]
    with tempfile.TemporaryDirectory() as tmp:
        jobs = []
        plan = [text_formats[i % len(text_formats)] for i in range(args.text)]
        plan += ["c3d"] * (args.c3d if "c3d" in base else 0)
        import shutil

        session_dir = Path(tmp) / "session"  # session mutants sit beside the demo session's recordings
        shutil.copytree(REPO / "python" / "kinemyo" / "data" / "demo_session", session_dir)
        for i, fmt in enumerate(plan):
            p = (session_dir / f"m{i}.json") if fmt == "session_json" else Path(tmp) / f"m{i}.{fmt}"
            p.write_bytes(mutate(base[fmt], rng, fmt != "c3d"))
            jobs.append((fmt, str(p)))
        tally: dict[str, Counter] = {f: Counter() for f in base}
        t0 = time.perf_counter()
        k = 0
        while k < len(jobs):
            job_file = Path(tmp) / "jobs.json"
            job_file.write_text(json.dumps(jobs[k:]))
            proc = subprocess.Popen([sys.executable, __file__, "--child", str(job_file)], stdout=subprocess.PIPE,
                                    text=True)
            current = None
            last = time.monotonic()
            import selectors

            sel = selectors.DefaultSelector()
            sel.register(proc.stdout, selectors.EVENT_READ)
            while True:
                if not sel.select(timeout=1.0):
                    if current is not None and time.monotonic() - last > args.timeout:
                        proc.kill()
                        proc.wait()
                        tally[jobs[k + current][0]]["hang"] += 1
                        k += current + 1
                        break
                    continue
                line = proc.stdout.readline()
                if not line:  # the worker ended: finished, or died on the file it had started
                    proc.wait()
                    if current is not None:
                        tally[jobs[k + current][0]][f"crash (signal {-proc.returncode})"] += 1
                        k += current + 1
                    else:
                        k = len(jobs)
                    break
                word, idx, *rest = line.split(" ", 2)
                if word == "start":
                    current, last = int(idx), time.monotonic()
                else:
                    tally[jobs[k + int(idx)][0]][rest[0].strip()] += 1
                    if k + int(idx) == len(jobs) - 1:
                        current = None
                    else:
                        current = None
        elapsed = time.perf_counter() - t0
    print(f"{len(jobs)} mutated files (seed {args.seed}) in {elapsed:.0f} s")
    bad = 0
    for fmt, counts in tally.items():
        print(f"  {fmt:12s} " + ", ".join(f"{name}: {n}" for name, n in sorted(counts.items())))
        bad += sum(n for name, n in counts.items() if name not in ("ok", "clean error"))
    print("every mutant: a result or a clean error" if bad == 0 else f"{bad} mutants crashed, hung or raised a "
                                                                      "bare exception")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
