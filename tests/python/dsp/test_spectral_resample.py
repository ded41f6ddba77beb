"""Hilbert envelope, Welch PSD and polyphase resampling against SciPy, computed live."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import signal

import kinemyo
from kinemyo import dsp

from ..conftest import rel_err


@pytest.mark.parametrize("n", [1, 2, 7, 64, 97, 1000, 1023, 4096])
def test_analytic_signal_matches_scipy_hilbert(n, rng):
    x = rng.standard_normal((n, 3))
    assert rel_err(dsp.analytic_signal(x), signal.hilbert(x, axis=0)) < 1e-10
    assert rel_err(dsp.hilbert_envelope(x[:, 0]), np.abs(signal.hilbert(x[:, 0]))) < 1e-10
    assert dsp.analytic_signal(x.astype(np.float32)).dtype == np.complex64


@pytest.mark.parametrize(
    "nperseg,noverlap,nfft,detrend,scaling",
    [
        (256, None, None, "constant", "density"),
        (256, 200, None, "constant", "spectrum"),
        (1000, 500, 1024, "linear", "density"),
        (255, 0, 300, "none", "density"),
        (64, 63, None, "constant", "density"),
    ],
)
def test_welch_matches_scipy(nperseg, noverlap, nfft, detrend, scaling, rng):
    fs = 1000.0
    x = rng.standard_normal((5000, 2)) + np.linspace(0, 3, 5000)[:, None]
    f, p = dsp.welch(x, fs=fs, nperseg=nperseg, noverlap=noverlap, nfft=nfft, detrend=detrend, scaling=scaling)
    fw, pw = signal.welch(x, fs, window="hann", nperseg=nperseg, noverlap=noverlap, nfft=nfft,
                          detrend=False if detrend == "none" else detrend, scaling=scaling, axis=0)
    np.testing.assert_allclose(f, fw, rtol=1e-14)
    assert rel_err(p, pw) < 1e-10


def test_welch_rejects_what_scipy_silently_changes(rng):
    with pytest.raises(ValueError, match="nperseg"):
        dsp.welch(rng.standard_normal(100), fs=1000.0, nperseg=256)
    with pytest.raises(ValueError, match="noverlap"):
        dsp.welch(rng.standard_normal(1000), fs=1000.0, nperseg=256, noverlap=256)
    with pytest.raises(ValueError, match="fs"):
        dsp.welch(rng.standard_normal(1000), fs=0.0, nperseg=256)


@pytest.mark.parametrize("up,down", [(1, 2), (2, 1), (3, 2), (2, 3), (1, 20), (147, 160), (5, 7), (4, 4)])
def test_resample_poly_matches_scipy(up, down, rng):
    x = rng.standard_normal((3001, 3))
    want = signal.resample_poly(x, up, down, axis=0)
    got = dsp.resample_poly(x, up, down)
    assert got.shape == want.shape
    assert rel_err(got, want) < 1e-10
    g = np.gcd(up, down)
    u, d = up // g, down // g
    if (u, d) != (1, 1):
        taps = signal.firwin(2 * 10 * max(u, d) + 1, 1.0 / max(u, d), window=("kaiser", 5.0)) * u
        assert rel_err(dsp.resample_poly_filter(up, down), taps) < 1e-12


def test_resample_poly_validates(rng):
    with pytest.raises(ValueError, match="up"):
        dsp.resample_poly(rng.standard_normal(100), 0, 2)
    with pytest.raises(ValueError, match="down"):
        dsp.resample_poly(rng.standard_normal(100), 1, 0)


def test_package_metadata():
    assert kinemyo.__version__.count(".") == 2
    assert kinemyo.fft_backend in ("fftw", "eigen")


def test_type_stubs_cover_every_compiled_name():
    import ast
    import pathlib

    from kinemyo import _core

    stub = pathlib.Path(_core.__file__).with_name("_core.pyi")
    tree = ast.parse(stub.read_text())
    declared = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    declared |= {t.id for n in tree.body if isinstance(n, ast.AnnAssign) for t in [n.target] if isinstance(t, ast.Name)}
    public = {n for n in dir(_core) if not n.startswith("_")} | {"__version__"}
    assert public <= declared | {"__version__"}, sorted(public - declared)
    for cls in ("SosFilter", "MovingWindow", "TeagerKaiser", "EnvelopePipeline", "ChannelConfig", "NotchConfig",
                "Calibration", "ChannelCalibration", "OnsetConfig", "OnsetDetector", "TargetZone",
                "TargetZoneTracker", "QualityConfig", "EcgRemovalConfig",
                "FeatureThresholds", "FatigueTracker", "EcgRemover", "MissingRule", "RobustFilterParams",
                "RobustFilterState", "RobustFilter", "MadgwickFilter", "MahonyFilter", "SegmentCalibration",
                "FootEventParams", "FootEventDetector"):
        node = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls)
        members = {m.name for m in node.body if isinstance(m, ast.FunctionDef)}
        members |= {m.target.id for m in node.body if isinstance(m, ast.AnnAssign)}
        runtime = {m for m in dir(getattr(_core, cls)) if not m.startswith("_")}
        assert runtime <= members, (cls, sorted(runtime - members))
