"""Sessions for the store tests: copies of the bundled demo session with another patient, date, questionnaire
answers or a shortened EMG recording (different inputs, so a different input hash and different results). Every
test here writes its store under tmp_path (KINEMYO_STORE is pointed there), never into the real home."""

from __future__ import annotations

import gzip
import json
import pathlib
import shutil

import pytest

DEMO = pathlib.Path(__file__).resolve().parents[3] / "python" / "kinemyo" / "data" / "demo_session"


def make_session(folder: pathlib.Path, *, subject: str | None = "P01", date: str | None = "2024-01-08",
                 csi: list | None = None, odi: list | None = None, emg_rows: int | None = None,
                 mic: dict | None = None) -> pathlib.Path:
    """A copy of the demo session in ``folder`` (created) with the given subject/date; ``csi``/``odi`` replace
    the answers, ``emg_rows`` keeps only the first rows of the EMG recording. Returns the session file."""
    folder.mkdir(parents=True, exist_ok=True)
    spec = json.loads((DEMO / "session.json").read_text())
    for name in ("emg.csv.gz", "feet.csv.gz"):
        shutil.copy(DEMO / name, folder / name)
    if emg_rows is not None:
        lines = gzip.decompress((DEMO / "emg.csv.gz").read_bytes()).decode().splitlines()
        (folder / "emg.csv.gz").write_bytes(gzip.compress(("\n".join(lines[:emg_rows + 1]) + "\n").encode(), mtime=0))
    for key, value in (("subject", subject), ("date", date)):
        if value is None:
            spec.pop(key, None)
        else:
            spec[key] = value
    if csi is not None:
        spec["questionnaires"]["csi"] = csi
    if odi is not None:
        spec["questionnaires"]["odi"] = odi
    if mic is not None:
        spec["mic"] = mic
    path = folder / "session.json"
    path.write_text(json.dumps(spec, indent=1))
    return path


@pytest.fixture()
def store_env(tmp_path, monkeypatch) -> pathlib.Path:
    """KINEMYO_STORE pointed at a fresh path under tmp_path (returned)."""
    path = tmp_path / "store" / "sessions.sqlite"
    monkeypatch.setenv("KINEMYO_STORE", str(path))
    return path


@pytest.fixture(scope="session")
def demo_result():
    from kinemyo.analysis import analyze_session

    return analyze_session(DEMO / "session.json")
