"""Result folders that are never mixed or half-written.

A run writes into a fresh temporary folder beside the target and renames it into place at the end, so the
target holds either the previous complete results or the new complete results, never a mix: an interrupted or
failed run leaves the previous folder untouched (and removes its temporary one). A folder that already holds
results is replaced only with ``force``, and only when it holds an earlier run's marker (a folder that kinemyo did
not write is never replaced); a lock file beside it (``.<name>.lock``, flock) refuses a second run
into the same folder while the first is writing. Every completed folder carries ``.kinemyo-run.json`` (the
kinemyo version and the time the run finished).
"""

from __future__ import annotations

from typing import Any

import contextlib
import datetime
import json
import os
import pathlib
import shutil
import signal
import tempfile
import threading

__all__ = ["OutputExists", "OutputLocked", "check_output", "result_folder", "RUN_MARKER"]

RUN_MARKER = ".kinemyo-run.json"


class OutputExists(FileExistsError):
    """The output folder already holds results and ``force`` was not given."""


class OutputLocked(RuntimeError):
    """Another run is writing the same output folder."""


@contextlib.contextmanager
def _lock(path: pathlib.Path) -> Any:
    import fcntl

    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise OutputLocked(f"{path.parent / path.name[1:-5]}: another kinemyo run is writing this folder") from exc
        yield
    finally:
        os.close(fd)  # releases the lock


@contextlib.contextmanager
def _signals_deferred() -> Any:
    """SIGINT/SIGTERM held back for the two renames that swap the folders (main thread only)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def check_output(out: str | os.PathLike[str], *, force: bool = False) -> pathlib.Path:
    """``out`` as an absolute path, or OutputExists when it is a file or (without ``force``) a non-empty folder;
    cheap, so a command can refuse before a long analysis rather than after it."""
    out = pathlib.Path(out).absolute()
    if out.exists() and not out.is_dir():
        raise OutputExists(f"{out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()):
        if not force:
            raise OutputExists(f"{out}: already holds results; use --force (force=True) to replace them")
        # --force replaces earlier kinemyo results, never a folder of something else (a mistyped --out ~)
        if not (out / RUN_MARKER).is_file():
            raise OutputExists(f"{out}: is not empty and holds no kinemyo results ({RUN_MARKER}); not replaced "
                               "even with --force")
    return out


@contextlib.contextmanager
def result_folder(out: str | os.PathLike[str], *, force: bool = False, version: str = "") -> Any:
    """Context manager yielding a temporary folder to write results into; on normal exit it becomes ``out``."""
    out = check_output(out, force=force)
    out.parent.mkdir(parents=True, exist_ok=True)
    with _lock(out.parent / f".{out.name}.lock"):
        check_output(out, force=force)  # again under the lock: a concurrent run may have finished meanwhile
        tmp = pathlib.Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
        try:
            yield tmp
            marker = {"kinemyo_version": version,
                      "finished": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")}
            (tmp / RUN_MARKER).write_text(json.dumps(marker), encoding="utf-8")
            old = out.parent / f".{out.name}.old-{os.getpid()}"
            with _signals_deferred():
                if out.exists():
                    os.rename(out, old)
                os.rename(tmp, out)
            shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
