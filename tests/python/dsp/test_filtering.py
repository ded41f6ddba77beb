"""Batch and streaming filtering against scipy.signal.sosfilt / sosfiltfilt, computed live."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from scipy import signal

from kinemyo import dsp

from ..conftest import rel_err

FS = 2000.0


def emg_band():
    return dsp.butterworth_sos(4, (20, 450), "bandpass", fs=FS)


@pytest.mark.parametrize("shape", [(5000,), (5000, 1), (3000, 4), (777, 16)])
@pytest.mark.parametrize("design", ["band", "low6", "high30_notch"])
def test_sosfilt_and_sosfiltfilt_match_scipy(shape, design, rng):
    if design == "band":
        sos = emg_band()
    elif design == "low6":
        sos = dsp.butterworth_sos(2, 6.0, "lowpass", fs=FS)
    else:
        sos = np.vstack([dsp.butterworth_sos(4, 30.0, "highpass", fs=FS), dsp.notch_sos(50.0, 30.0, fs=FS)])
    x = rng.standard_normal(shape) * 1e-3 + 0.5
    got = dsp.sosfilt(sos, x)
    want = signal.sosfilt(sos, x, axis=0)
    assert got.shape == want.shape and got.dtype == np.float64
    assert rel_err(got, want) <= 1e-12
    assert rel_err(dsp.sosfiltfilt(sos, x), signal.sosfiltfilt(sos, x, axis=0)) <= 1e-10


def test_dtype_is_preserved_and_layout_is_irrelevant(rng):
    sos = emg_band()
    x64 = rng.standard_normal((4000, 3))
    x32 = x64.astype(np.float32)
    y32 = dsp.sosfilt(sos, x32)
    assert y32.dtype == np.float32
    want = signal.sosfilt(sos, x32.astype(np.float64), axis=0).astype(np.float32)
    np.testing.assert_array_equal(y32, want)
    # Fortran order, a strided view and integer input all give the same numbers as a C-contiguous float64 array.
    xf = np.asfortranarray(x64)
    np.testing.assert_array_equal(dsp.sosfilt(sos, xf), dsp.sosfilt(sos, x64))
    big = np.zeros((4000, 6))
    big[:, ::2] = x64
    np.testing.assert_array_equal(dsp.sosfilt(sos, big[:, ::2]), dsp.sosfilt(sos, x64))
    xi = (x64 * 1000).astype(np.int32)
    np.testing.assert_array_equal(dsp.sosfilt(sos, xi), dsp.sosfilt(sos, xi.astype(np.float64)))
    assert dsp.sosfiltfilt(sos, x32).dtype == np.float32


def test_batch_rejects_non_finite_with_location(rng):
    x = rng.standard_normal((100, 2))
    x[42, 1] = np.nan
    with pytest.raises(ValueError, match="frame 42, channel 1"):
        dsp.sosfilt(emg_band(), x)
    with pytest.raises(ValueError, match="padlen"):
        dsp.sosfiltfilt(emg_band(), x[:20])
    with pytest.raises(ValueError, match="empty"):
        dsp.sosfilt(emg_band(), np.zeros((0, 2)))
    with pytest.raises(ValueError, match="dimensions"):
        dsp.sosfilt(emg_band(), np.zeros((4, 4, 4)))
    with pytest.raises(TypeError, match="complex"):
        dsp.sosfilt(emg_band(), np.zeros(10, complex))


def test_streaming_random_chunks_bit_identical_to_scipy(rng):
    sos = np.vstack([emg_band(), dsp.butterworth_sos(2, 6.0, "lowpass", fs=FS)])
    x = rng.standard_normal((50_000, 8))
    want = signal.sosfilt(sos, x, axis=0)
    f = dsp.SosFilter(sos, 8)
    out = np.empty_like(x)
    i = 0
    while i < len(x):
        n = int(rng.integers(1, 4097))
        out[i : i + n] = f.process(x[i : i + n])
        i += n
    np.testing.assert_array_equal(out, want)
    # Planar input (channels x frames) and in-place operation give the same bits.
    g = dsp.SosFilter(sos, 8)
    np.testing.assert_array_equal(g.process_planar(np.ascontiguousarray(x.T)).T, want)
    h = dsp.SosFilter(sos, 8)
    y = x.copy()
    assert h.process(y, out=y) is not None
    np.testing.assert_array_equal(y, want)


def test_streaming_non_finite_policies(rng):
    sos = emg_band()
    x = rng.standard_normal((3000, 2))
    bad = x.copy()
    bad[500, 0] = np.nan
    bad[1500, 1] = np.inf
    held = x.copy()
    held[500, 0] = x[499, 0]
    held[1500, 1] = x[1499, 1]
    f = dsp.SosFilter(sos, 2)
    np.testing.assert_array_equal(f.process(bad), signal.sosfilt(sos, held, axis=0))
    assert f.replaced_samples == 2
    zeroed = x.copy()
    zeroed[500, 0] = zeroed[1500, 1] = 0.0
    z = dsp.SosFilter(sos, 2, non_finite="zero")
    np.testing.assert_array_equal(z.process(bad), signal.sosfilt(sos, zeroed, axis=0))
    p = dsp.SosFilter(sos, 2, non_finite="propagate")
    assert np.isnan(p.process(bad)[-1, 0])
    with pytest.raises(ValueError, match="non_finite"):
        dsp.SosFilter(sos, 2, non_finite="ignore")


def test_streaming_state_and_steady_state(rng):
    sos = dsp.butterworth_sos(4, 5.0, "lowpass", fs=1000.0)
    f = dsp.SosFilter(sos, 2)
    f.reset_steady_state([2.0, -1.0])
    np.testing.assert_allclose(f.state, np.stack([signal.sosfilt_zi(sos) * 2.0, signal.sosfilt_zi(sos) * -1.0], 1))
    y = f.process(np.tile([2.0, -1.0], (50, 1)))
    np.testing.assert_allclose(y, np.tile([2.0, -1.0], (50, 1)), rtol=1e-12)
    x = rng.standard_normal((1000, 2))
    a = dsp.SosFilter(sos, 2)
    a.process(x[:400])
    b = dsp.SosFilter(sos, 2)
    b.state = a.state
    np.testing.assert_array_equal(b.process(x[400:]), signal.sosfilt(sos, x, axis=0)[400:])
    with pytest.raises(ValueError, match="x: expected shape"):
        a.process(np.zeros((10, 3)))
    with pytest.raises(ValueError, match="level"):
        a.reset_steady_state([1.0, 2.0, 3.0])


def test_gil_is_released_during_compute(rng):
    """The main Python thread keeps running while another thread is inside a long kinemyo call."""
    sos = emg_band()
    x = rng.standard_normal((2_000_000, 8))
    done = threading.Event()
    span = {}

    def worker():
        t0 = time.perf_counter()
        dsp.sosfiltfilt(sos, x)
        span["call"] = time.perf_counter() - t0
        done.set()

    t = threading.Thread(target=worker)
    last = time.perf_counter()
    max_gap = 0.0
    t.start()
    while not done.is_set():
        now = time.perf_counter()
        max_gap = max(max_gap, now - last)
        last = now
    t.join()
    # Holding the GIL would freeze this loop for the whole call; released, it never stalls for long.
    assert span["call"] > 0.2, span
    assert max_gap < 0.5 * span["call"], (max_gap, span)
