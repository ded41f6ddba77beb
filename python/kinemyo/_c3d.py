"""Guarded C3D input: the header is checked against the file size here, then ezc3d reads the file in a child
process, so a malformed file that crashes or hangs the C3D library ends in a ValueError instead of taking the
caller (a notebook, ``kinemyo analyze``) down with it.

Header layout: C3D User Guide (C3D.org, 2008), chapter 3 "The header section" (16-bit words, 1-based):
word 1 = parameter block | 0x50 key, 2 = 3D points, 3 = analog measurements per 3D frame, 4/5 = first/last frame,
7-8 = scale factor (negative: float data), 9 = first data block, 10 = analog samples per 3D frame, 11-12 = rate.
The processor type (84 Intel, 85 DEC, 86 MIPS) is byte 4 of the parameter section.
"""

from __future__ import annotations

import os
import pathlib
import struct
import subprocess
import sys
import tempfile

import numpy as np

BLOCK = 512
# Seconds the child may take per MB of file (plus a fixed start-up allowance) before it counts as hung.
_SECONDS_PER_MB = 5.0
_STARTUP_S = 30.0


def check_header(path: pathlib.Path) -> None:
    """ValueError naming ``path`` when the header is malformed or the file is shorter than its header says
    (a truncated copy), checked before any C3D library sees the file."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(BLOCK)
        if len(head) < BLOCK or head[1] != 0x50:
            raise ValueError(f"{path}: not a C3D file (no C3D header key in the first block)")
        param_block = head[0]
        if param_block < 2 or (param_block - 1) * BLOCK + 4 > size:
            raise ValueError(f"{path}: C3D parameter section at block {param_block} is outside the file (truncated?)")
        fh.seek((param_block - 1) * BLOCK)
        param = fh.read(4)
    proc = param[3] - 83  # 1 Intel, 2 DEC, 3 MIPS
    if proc not in (1, 2, 3):
        raise ValueError(f"{path}: unknown C3D processor type {param[3]}")
    order = ">" if proc == 3 else "<"
    words = struct.unpack(order + "12H", head[:24])
    points, analog_per_frame, first, last = words[1], words[2], words[3], words[4]
    data_block, analog_samples = words[8], words[9]
    if proc == 2:
        scale_negative = bool(head[13] & 0x80)  # DEC F-float: sign in the first 16-bit word
    else:
        scale_negative = struct.unpack(order + "f", head[12:16])[0] < 0
    if analog_samples and analog_per_frame % analog_samples:
        raise ValueError(f"{path}: C3D header: {analog_per_frame} analog values per frame is not a multiple of "
                         f"{analog_samples} samples per frame")
    if data_block <= param_block:
        raise ValueError(f"{path}: C3D header: data block {data_block} is not after the parameter block")
    if last < first:
        raise ValueError(f"{path}: C3D header: last frame {last} before first frame {first}")
    # Long trials keep the true frame count in the parameters (the 16-bit header word saturates); the size check
    # below is then a lower bound, which still catches a copy cut short.
    frames = last - first + 1
    value_bytes = 4 if scale_negative else 2
    expected = (data_block - 1) * BLOCK + frames * (4 * points + analog_per_frame) * value_bytes
    if size < expected:
        raise ValueError(f"{path}: C3D file is {size} bytes, its header describes {expected} (truncated)")


def read_guarded(path: pathlib.Path) -> tuple[np.ndarray, float, list[str], list[str]]:
    """(analogs (n_samples, n_channels), rate Hz, labels, units) read by ezc3d in a child process."""
    check_header(path)
    timeout = _STARTUP_S + _SECONDS_PER_MB * path.stat().st_size / 1e6
    with tempfile.TemporaryDirectory(prefix="kinemyo-c3d-") as tmp:
        out = pathlib.Path(tmp) / "analogs.npz"
        try:
            proc = subprocess.run([sys.executable, "-m", "kinemyo._c3d", str(path), str(out)], capture_output=True,
                                  text=True, timeout=timeout, env={**os.environ, "PYTHONFAULTHANDLER": ""})
        except subprocess.TimeoutExpired as exc:
            raise ValueError(f"{path}: the C3D reader did not finish within {timeout:.0f} s (malformed file?)") from exc
        if proc.returncode < 0:
            raise ValueError(f"{path}: the C3D reader crashed on this file (signal {-proc.returncode}); the file is "
                             "malformed")
        if proc.returncode != 0:
            last = (proc.stderr.strip().splitlines() or ["unknown error"])[-1]
            raise ValueError(f"{path}: not a readable C3D file: {last[:300]}")
        with np.load(out, allow_pickle=False) as z:
            return (np.ascontiguousarray(z["data"]), float(z["fs"]), [str(x) for x in z["labels"]],
                    [str(x) for x in z["units"]])


def _child(path: str, out: str) -> None:
    import ezc3d  # type: ignore[import-untyped, import-not-found, unused-ignore]  # optional extra, no stubs

    c3d = ezc3d.c3d(path)
    analog = c3d["parameters"]["ANALOG"]
    labels = [str(x).strip() for x in analog["LABELS"]["value"]]
    units = [str(x).strip() for x in analog.get("UNITS", {}).get("value", [])]
    data = np.asarray(c3d["data"]["analogs"], dtype=np.float64)
    if data.ndim != 3 or data.shape[1] == 0 or data.shape[2] == 0:
        raise SystemExit("no analog channels")
    np.savez(out, data=data[0].T, fs=float(c3d["header"]["analogs"]["frame_rate"]), labels=np.array(labels, dtype=str),
             units=np.array(units, dtype=str))


if __name__ == "__main__":
    try:
        _child(sys.argv[1], sys.argv[2])
    except SystemExit:
        raise
    except Exception as exc:  # reported to the parent as one line on stderr
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        sys.exit(1)
