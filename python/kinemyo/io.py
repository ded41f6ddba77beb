"""Readers for recording formats.

``read_simple_text`` reads the plain-text format of BioSPPy / OpenSignals exports: ``#`` header lines with
``key:= value`` pairs (the sampling rate among them), then one row of samples per line. ``read_delimited`` reads
CSV/TSV with one header row (one column per channel). ``read_gaitmap_csv`` reads the gaitmap example format (two
header rows: sensor, axis). ``read_c3d`` reads the analog channels of a C3D file (the biomechanics standard) with
``ezc3d``.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import IO, Any

import collections
import contextlib
import itertools
import pathlib
from dataclasses import dataclass, field

import numpy as np

from kinemyo import _repr
from kinemyo._compat import keyword_fs
from kinemyo._validate import finite_positive

__all__ = ["LowerBackTrial", "Recording", "read_c3d", "read_delimited", "read_gaitmap_csv", "read_mobilised_matlab",
           "read_simple_text"]


@_repr.compact
@dataclass(frozen=True)
class Recording:
    """Samples with their sampling rate and provenance.

    Attributes
    ----------
    data : ndarray, shape (n_samples, n_channels)
    fs : float
        Sampling rate in Hz, from the file header.
    labels : list of str
        One name per channel.
    source : str
        Path the recording was read from.
    header : dict
        Every ``key:= value`` pair of the header, as text.
    """

    data: np.ndarray
    fs: float
    labels: list[str]
    source: str
    header: dict[str, str] = field(default_factory=dict)

    @property
    def duration_s(self) -> float:
        return int(self.data.shape[0]) / self.fs


def read_simple_text(path: str | pathlib.Path) -> Recording:
    """Read a BioSPPy "Simple Text Format" file.

    Parameters
    ----------
    path : str or pathlib.Path

    Returns
    -------
    Recording

    Raises
    ------
    ValueError
        If the header has no positive ``Sampling Rate (Hz)``, or the body is empty or not numeric.
    """
    path = pathlib.Path(path)
    with _reading(path) as lines:
        header: dict[str, str] = {}
        first_row: list[str] = []
        for line in lines:
            if not line.startswith("#"):
                first_row = [line]
                break
            key, sep, value = line[1:].partition(":=")
            if sep:
                header[key.strip()] = value.strip()
        rate = header.get("Sampling Rate (Hz)")
        if rate is None:
            raise ValueError(f"{path}: header has no 'Sampling Rate (Hz)' entry")
        try:
            fs = float(rate)
        except ValueError as exc:
            raise ValueError(f"{path}: sampling rate {rate!r} is not a number") from exc
        if not np.isfinite(fs) or fs <= 0:
            raise ValueError(f"{path}: sampling rate must be > 0, got {fs}")
        data = _loadtxt(itertools.chain(first_row, lines), path,
                        "body is not numeric, or its rows differ in length")
        if data.shape[0] == 0:
            raise ValueError(f"{path}: no samples")
        labels = header.get("Labels", "").split()
        if len(labels) != data.shape[1]:
            labels = [f"ch{i}" for i in range(data.shape[1])]
        return Recording(np.ascontiguousarray(_finite_or_missing(data, path)), fs, labels, str(path), header)


def _finite_or_missing(data: np.ndarray, path: pathlib.Path) -> np.ndarray:
    """``data`` if it holds no infinite value (NaN is a missing sample and stays); else a ValueError naming the
    first one: "inf", "1e999" or a C3D float overflow is a corrupt or saturated value, not a measurement."""
    bad = np.isinf(data)
    if bad.any():
        k, c = np.argwhere(bad)[0]
        raise ValueError(f"{path}: sample {k}, column {c}: infinite value (a corrupt or overflowed number)")
    return data


class _FileError(ValueError):
    """A recording file that cannot be read completely (raised by :func:`_lines`; never re-labelled as a parse
    error, and raised to callers as a plain ValueError by :func:`_reading`)."""


# Rows parsed per block: readers hold one block of text at a time, so their peak memory is the samples they return
# plus a few MB, however long the recording (the whole text and its list of cells once took 27x the samples).
_BLOCK_ROWS = 8192


def _lines(path: pathlib.Path) -> Generator[str, None, None]:
    """The lines of a recording file, line ends kept, read as they are consumed (gzip-decompressed when the name
    ends in .gz), with one ValueError naming the file for anything that keeps it from being read completely:
    missing, unreadable, not UTF-8, a corrupt or cut gzip stream, or a last line without its line end, which is how
    a copy cut short looks (a row "2054,2" of a file cut inside "2054,217" would otherwise read as a valid smaller
    number). File contents are never echoed."""
    last = ""
    try:
        if path.suffix == ".gz":
            import gzip

            fh: IO[str] = gzip.open(path, "rt", encoding="utf-8", newline="")
        else:
            fh = path.open("r", encoding="utf-8", newline="")
        with fh:
            for last in fh:
                yield last
    except FileNotFoundError as exc:
        raise _FileError(f"{path}: file not found") from exc
    except UnicodeDecodeError as exc:
        raise _FileError(f"{path}: not UTF-8 text (byte {exc.start} of a read block)") from exc
    except (OSError, EOFError) as exc:  # gzip.BadGzipFile is an OSError; a cut gzip stream raises EOFError
        raise _FileError(f"{path}: cannot be read ({type(exc).__name__}; corrupt or truncated?)") from exc
    if last and not last.endswith(("\n", "\r")):
        raise _FileError(f"{path}: the last line has no line end, so the file may have been cut short; if it is "
                         "complete, end it with a newline")


@contextlib.contextmanager
def _reading(path: pathlib.Path) -> Iterator[Iterator[str]]:
    """:func:`_lines` of ``path``, closed on leaving. A ValueError raised while parsing reads the rest of the file
    first, so a file that is cut, not UTF-8 or unreadable further on reports that, as when the whole text was read
    before parsing (a row cut in two would otherwise read as a short or non-numeric row). Callers see ValueError."""
    lines = _lines(path)
    try:
        try:
            yield lines
        except ValueError:  # after a _FileError the generator is finished and this reads nothing
            collections.deque(lines, maxlen=0)  # raises the file's own error, if it has one
            raise
    except _FileError as exc:
        raise ValueError(str(exc)) from exc.__cause__
    finally:
        lines.close()


def _loadtxt(lines: Iterator[str], path: pathlib.Path, what: str, *, delimiter: str | None = None) -> np.ndarray:
    """numpy.loadtxt over streamed lines (it parses them in chunks; ``#`` starts a comment); a body that does not
    parse gets ``what``. An empty body is an empty array (found by looking ahead, not by silencing loadtxt's
    warning, which would change the process-wide warning filters under other threads)."""
    first = next((ln for ln in lines if ln.split("#", 1)[0].strip()), None)
    if first is None:
        return np.empty((0, 0))
    try:
        return np.loadtxt(itertools.chain([first], lines), dtype=np.float64, ndmin=2, comments="#",
                          delimiter=delimiter)
    except _FileError:
        raise
    except ValueError as exc:
        raise ValueError(f"{path}: {what}") from exc


@keyword_fs("path", "fs", "delimiter")
def read_delimited(path: str | pathlib.Path, *, fs: float, delimiter: str = ",") -> Recording:
    """Read CSV (``delimiter=","``) or TSV (``"\\t"``) with one header row of column names and numeric rows
    (``.gz`` files are decompressed on the fly).

    ``fs`` is the sampling rate in Hz (always explicit). Empty cells and ``nan`` become NaN. Raises ValueError
    naming the file for a missing header, duplicate names, ragged or non-numeric rows.
    """
    import csv

    path = pathlib.Path(path)
    finite_positive(fs, "fs")
    with _reading(path) as lines:
        reader = csv.reader(lines, delimiter=delimiter)
        head = next(reader, None)
        if not head or not any(c.strip() for c in head):
            raise ValueError(f"{path}: no header row")
        labels = [c.strip() for c in head]
        if len(set(labels)) != len(labels):
            raise ValueError(f"{path}: duplicate column names in the header")
        blocks: list[np.ndarray] = []
        n_rows = 0
        while chunk := list(itertools.islice(reader, _BLOCK_ROWS)):
            rows = [r for r in chunk if any(c.strip() for c in r)]
            if rows:
                blocks.append(_parse_rows(rows, len(labels), path, n_rows + 2))
                n_rows += len(rows)
        if n_rows == 0:
            raise ValueError(f"{path}: no samples")
        data = blocks[0] if len(blocks) == 1 else np.concatenate(blocks)
        return Recording(_finite_or_missing(data, path), float(fs), labels, str(path))


def _parse_rows(rows: list[list[str]], n_columns: int, path: pathlib.Path, first_row: int) -> np.ndarray:
    """A block of non-empty CSV rows as floats (empty cells and "nan" are NaN); a ValueError names the first bad
    row, counted as the header row 1 and the non-empty rows after it 2, 3, ..."""
    try:
        return np.array(rows, dtype=np.float64).reshape(len(rows), n_columns)
    except ValueError:
        pass  # an empty cell, a ragged or non-numeric row: parsed row by row below (same float() semantics)
    out = np.empty((len(rows), n_columns))
    for i, r in enumerate(rows):
        if len(r) != n_columns:
            raise ValueError(f"{path}: row {first_row + i} has {len(r)} cells, the header {n_columns}")
        try:
            out[i] = [float(c) if c.strip() else np.nan for c in r]
        except ValueError as exc:
            raise ValueError(f"{path}: row {first_row + i} is not numeric") from exc
    return out


@keyword_fs("path", "fs")
def read_gaitmap_csv(path: str | pathlib.Path, *, fs: float) -> Recording:
    """Read the gaitmap example IMU format: a first header row of sensor names, a second of axes
    (acc_x, ..., gyr_z), an index column, then samples. Labels are ``"<sensor>/<axis>"``. Units as in the file
    (gaitmap: acc m/s^2, gyr deg/s)."""
    import csv

    path = pathlib.Path(path)
    finite_positive(fs, "fs")
    with _reading(path) as lines:
        reader = csv.reader(lines)  # takes the two header lines; loadtxt streams the rest
        try:
            sensors, axes = next(reader), next(reader)
        except StopIteration as exc:
            raise ValueError(f"{path}: needs two header rows (sensor, axis)") from exc
        if len(sensors) != len(axes) or len(sensors) < 2:
            raise ValueError(f"{path}: the two header rows differ in length")
        labels = [f"{s}/{a}" for s, a in zip(sensors[1:], axes[1:])]
        data = _loadtxt(lines, path, "samples are not numeric or rows differ in length", delimiter=",")[:, 1:]
        if data.shape[1] != len(labels):
            raise ValueError(f"{path}: rows have {data.shape[1]} values, the header {len(labels)}")
        return Recording(np.ascontiguousarray(_finite_or_missing(data, path)), float(fs), labels, str(path))


def read_c3d(path: str | pathlib.Path) -> Recording:
    """Analog channels (EMG, IMU, force) of a C3D file, shape (n_samples, n_channels), at the file's analog rate;
    labels from ANALOG:LABELS, units (ANALOG:UNITS) in ``header["units"]``. Needs ``pip install 'kinemyo[c3d]'``.

    The header is checked against the file size first (a truncated copy is an error, not a shorter recording),
    and ezc3d runs in a child process with a time limit, so a malformed file that would crash or hang the C3D
    library raises ValueError naming the file instead.
    """
    from kinemyo._c3d import read_guarded
    from kinemyo._optional import require

    path = pathlib.Path(path)
    # checked here so the error names the missing package, not the child process's failure
    require("ezc3d", f"{path}: reading C3D", ValueError)
    if not path.is_file():
        raise ValueError(f"{path}: file not found")
    data, fs, labels, units = read_guarded(path)
    if not np.isfinite(fs) or fs <= 0:
        raise ValueError(f"{path}: analog rate must be > 0, got {fs}")
    if len(labels) != data.shape[1]:
        labels = [f"ch{i}" for i in range(data.shape[1])]
    return Recording(_finite_or_missing(data, path), fs, labels, str(path), {"units": ",".join(units)})


@_repr.compact
@dataclass(frozen=True)
class LowerBackTrial:
    """One trial of a Mobilise-D ``data.mat`` file: the lower-back sensor in SI units and, where the file has
    it, the reference system's walking bouts and contacts (times in s from the first sample, sample i at i / fs).

    ``acc`` (m/s^2) and ``gyr`` (rad/s) are (n, 3) in the sensor frame of the Mobilise-D convention: x vertical
    (up positive when upright), y medio-lateral, z antero-posterior (forward positive). ``reference`` holds
    ``walking_bouts`` ((k, 2) start/end s), ``initial_contact`` (s), ``initial_contact_side`` ('left'/'right'),
    ``final_contact``, ``final_contact_side``, ``turns`` ((m, 2) start/end s) and ``bout_of_ic`` (the bout of each
    initial contact), or is empty.
    """

    name: str
    fs: float
    acc: np.ndarray
    gyr: np.ndarray
    reference: dict[str, Any] = field(default_factory=dict[str, Any])
    sensor_height_m: float = float("nan")


def _mat_list(value: Any) -> np.ndarray:
    return np.atleast_1d(np.asarray(value, dtype=np.float64)).ravel()


def _mat_sides(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    return [str(v).strip().lower() for v in np.atleast_1d(np.asarray(value, dtype=object)).ravel()]


def read_mobilised_matlab(path: str | pathlib.Path, reference: str = "INDIP") -> list[LowerBackTrial]:
    """Read the lower-back sensor trials of a Mobilise-D ``data.mat`` file (the format of the Mobilise-D technical
    validation study and of mobgap's example data) with the ``reference`` system's micro walking bouts.

    Accelerations are converted from g (9.81 m/s^2, as Mobilise-D's own pipeline does) and rates from deg/s. The
    reference's times (MATLAB, first sample at 1 / fs) are moved to kinemyo's clock (first sample at 0). The
    participant's ``SensorHeight`` (cm) from ``infoForAlgo.mat`` beside the file is read when present.

    Raises
    ------
    ValueError
        The file is not a Mobilise-D data file, or a trial's sensor data are malformed.
    """
    import scipy.io  # type: ignore[import-untyped]  # scipy ships no type hints; scipy-stubs is not a dependency

    path = pathlib.Path(path)
    try:
        content = scipy.io.loadmat(path, simplify_cells=True)
    except (OSError, ValueError, NotImplementedError, TypeError) as exc:
        raise ValueError(f"{path}: not a readable MATLAB file ({exc})") from exc
    if not isinstance(content.get("data"), dict):
        raise ValueError(f"{path}: no 'data' struct (not a Mobilise-D data file)")
    height = float("nan")
    info_path = path.with_name("infoForAlgo.mat")
    if info_path.is_file():
        try:
            info = scipy.io.loadmat(info_path, simplify_cells=True).get("infoForAlgo", {})
            first = next(iter(info.values())) if isinstance(info, dict) and info else {}
            height = float(first.get("SensorHeight", np.nan)) / 100.0
        except (OSError, ValueError, TypeError, StopIteration):
            height = float("nan")
    trials = []

    def walk(node: Any, names: Any) -> None:
        if isinstance(node, dict) and "SU" in node:
            trials.append((names, node))
            return
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, names + [key])

    walk(content["data"], [])
    out = []
    for names, node in trials:
        name = "/".join(names)
        sensor = node["SU"].get("LowerBack") if isinstance(node["SU"], dict) else None
        if not isinstance(sensor, dict) or "Acc" not in sensor or "Gyr" not in sensor:
            continue
        acc = np.asarray(sensor["Acc"], dtype=np.float64)
        gyr = np.asarray(sensor["Gyr"], dtype=np.float64)
        if acc.ndim != 2 or acc.shape[1] != 3 or gyr.shape != acc.shape:
            raise ValueError(f"{path}: {name}: Acc and Gyr must be (n, 3) of equal length")
        fs_field = sensor.get("Fs", {})
        fs = float(fs_field.get("Acc", np.nan) if isinstance(fs_field, dict) else fs_field)
        if not np.isfinite(fs) or fs <= 0:
            raise ValueError(f"{path}: {name}: Fs must be a positive sampling rate")
        ref: dict[str, Any] = {}
        standards = node.get("Standards", {})
        system = standards.get(reference) if isinstance(standards, dict) else None
        if isinstance(system, dict) and "MicroWB" in system:
            bouts = system["MicroWB"]
            bouts = [bouts] if isinstance(bouts, dict) else list(np.atleast_1d(bouts))
            shift = 1.0 / float(system.get("Fs", fs))
            wb: list[tuple[float, float]] = []
            turns: list[tuple[float, float]] = []
            ic: list[float] = []      # initial / final contact times (s) and their sides
            fc: list[float] = []
            ic_side: list[str] = []
            fc_side: list[str] = []
            bout_of_ic: list[int] = []
            for k, b in enumerate(bouts):
                wb.append((float(b["Start"]) - shift, float(b["End"]) - shift))
                times = _mat_list(b["InitialContact_Event"]) - shift
                sides = _mat_sides(b["InitialContact_LeftRight"])
                keep = np.isfinite(times)
                ic.extend(times[keep])
                ic_side.extend(s for s, k2 in zip(sides, keep) if k2)
                bout_of_ic.extend([k] * int(keep.sum()))
                ftimes = _mat_list(b["FinalContact_Event"]) - shift
                fsides = _mat_sides(b["FinalContact_LeftRight"])
                fkeep = np.isfinite(ftimes)
                fc.extend(ftimes[fkeep])
                fc_side.extend(s for s, k2 in zip(fsides, fkeep) if k2)
                for a, e in zip(_mat_list(b.get("Turn_Start", [])), _mat_list(b.get("Turn_End", []))):
                    turns.append((a - shift, e - shift))
            ref = {"walking_bouts": np.array(wb).reshape(-1, 2), "initial_contact": np.array(ic),
                   "initial_contact_side": np.array(ic_side), "final_contact": np.array(fc),
                   "final_contact_side": np.array(fc_side), "turns": np.array(turns).reshape(-1, 2),
                   "bout_of_ic": np.array(bout_of_ic, dtype=np.int64)}
        out.append(LowerBackTrial(name, fs, np.ascontiguousarray(acc * 9.81), np.ascontiguousarray(np.radians(gyr)),
                                  ref, height))
    return out
