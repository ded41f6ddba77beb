"""Static types: the package ships ``py.typed``, so its annotations and ``_core.pyi`` must pass ``mypy --strict``,
the whole package (the compiled core's stubs, the analysis modules and the app modules built on them)."""

import importlib.util
import pathlib
import shutil
import subprocess
import sys
import tempfile

import pytest

import kinemyo

pytestmark = pytest.mark.skipif(importlib.util.find_spec("mypy") is None,
                                reason="mypy is not installed (pip install mypy pandas-stubs; .ci/install-deps.sh does)")


def _mypy(*targets: str) -> subprocess.CompletedProcess:
    # Check the imported (installed) package's source and stubs, copied alone into a scratch folder: run in
    # site-packages itself, mypy would take its neighbours (typing_extensions.py, ...) for user modules.
    with tempfile.TemporaryDirectory() as scratch:
        shutil.copytree(pathlib.Path(kinemyo.__file__).resolve().parent, pathlib.Path(scratch) / "kinemyo",
                        ignore=shutil.ignore_patterns("__pycache__", "*.so", "data"))
        return subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", *targets],
                              cwd=scratch, capture_output=True, text=True, timeout=600)


def test_a_type_error_is_reported(tmp_path):
    # the check can fail: a call with a wrong argument type against the stubs is an error
    bad = tmp_path / "bad_call.py"
    bad.write_text("from kinemyo import dsp\n\ndsp.butterworth_sos('4', 20.0, 'lowpass', fs=1000.0)\n")
    r = _mypy(str(bad))
    assert r.returncode != 0 and "butterworth_sos" in r.stdout


def test_whole_package_passes_mypy_strict():
    r = _mypy("-p", "kinemyo")
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
    assert "Success: no issues found" in r.stdout
