"""Shared fixtures: reproducible random signals and the location of the shared reference recordings."""

from __future__ import annotations

import importlib.util
import os
import pathlib
import sys
import types

import numpy as np
import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(12345)


@pytest.fixture(scope="session")
def shared_data_dir() -> pathlib.Path:
    """``KINEMYO_DATA_DIR`` (default ``../shared/data`` beside the checkout); skips when absent."""
    path = pathlib.Path(os.environ.get("KINEMYO_DATA_DIR", REPO.parent / "shared" / "data"))
    if not path.is_dir():
        pytest.skip(f"shared reference data not found at {path} (set KINEMYO_DATA_DIR)")
    return path


@pytest.fixture(scope="session")
def repo_dir() -> pathlib.Path:
    return REPO


def bench_module(name: str) -> types.ModuleType:
    """The evaluation script ``bench/<name>.py`` as a module (tests share its method and its scoring); skips when
    the source tree's bench/ is not here, e.g. beside an installed wheel."""
    path = REPO / "bench" / f"{name}.py"
    if not path.is_file():
        pytest.skip(f"the evaluation script {path} is not here (installed package without the source tree)")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def rel_err(got: np.ndarray, want: np.ndarray) -> float:
    """max |got - want| / max |want|: relative error on the signal's scale."""
    got = np.asarray(got)
    want = np.asarray(want)
    assert got.shape == want.shape, (got.shape, want.shape)
    scale = np.max(np.abs(want))
    err = np.max(np.abs(got - want)) if got.size else 0.0
    return float(err / scale) if scale > 0 else float(err)


@pytest.fixture(autouse=True)
def _session_store_in_tmp(tmp_path_factory, monkeypatch):
    """`kinemyo analyze` records into the session store by default: every test's store lies under pytest's tmp
    folder, never in the real home."""
    monkeypatch.setenv("KINEMYO_STORE", str(tmp_path_factory.mktemp("store") / "sessions.sqlite"))
