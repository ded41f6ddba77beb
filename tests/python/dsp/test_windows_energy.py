"""Moving windows and the Teager-Kaiser operator against direct NumPy/SciPy computations."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import signal

from kinemyo import dsp

from ..conftest import rel_err


@pytest.mark.parametrize("window", [1, 2, 50, 201])
def test_moving_window_matches_boxcar_filter(window, rng):
    x = rng.standard_normal((5000, 3)) + np.array([0.0, 3.0, -1.0])
    box = np.ones(window) / window
    assert rel_err(dsp.moving_window(x, window, "mean"), signal.lfilter(box, 1.0, x, axis=0)) < 1e-13
    assert rel_err(dsp.moving_window(x, window, "arv"), signal.lfilter(box, 1.0, np.abs(x), axis=0)) < 1e-13
    want = np.sqrt(signal.lfilter(box, 1.0, x * x, axis=0))
    assert rel_err(dsp.moving_window(x, window, "rms"), want) < 1e-13


def test_moving_window_streaming_equals_batch_and_keeps_float32(rng):
    x = rng.standard_normal((10_000, 4)).astype(np.float32)
    want = dsp.moving_window(x, 200, "rms")
    assert want.dtype == np.float32
    m = dsp.MovingWindow(200, 4, "rms")
    got = np.concatenate([m.process(c) for c in np.array_split(x, 37)])
    np.testing.assert_array_equal(got, want)
    assert m.latency_samples == pytest.approx(99.5)
    with pytest.raises(ValueError, match="window_length"):
        dsp.MovingWindow(0, 4, "rms")
    with pytest.raises(ValueError, match="statistic"):
        dsp.moving_window(x, 10, "median")


def test_moving_window_exact_after_huge_dynamic_range(rng):
    # Bursts 1e6 larger than the floor: a running sum would leave residue; the window must still be exact.
    x = np.concatenate([rng.uniform(-1, 1, 200_000) * 1e3 + 500, rng.uniform(-1, 1, 1000) * 1e-3])
    got = dsp.moving_window(x, 100, "rms")[-1]
    want = np.sqrt(np.mean(x[-100:] ** 2))
    assert abs(got - want) <= 1e-12 * want


def test_teager_kaiser_matches_definition(rng):
    x = rng.standard_normal((1000, 2))
    padded = np.vstack([np.zeros((1, 2)), x, np.zeros((1, 2))])
    want = padded[1:-1] ** 2 - padded[:-2] * padded[2:]
    np.testing.assert_allclose(dsp.teager_kaiser(x), want, rtol=1e-15, atol=1e-15)
    # A pure tone A sin(w n) has constant energy A^2 sin^2(w).
    n = np.arange(2000)
    tone = 2.0 * np.sin(0.3 * n)
    np.testing.assert_allclose(dsp.teager_kaiser(tone)[1:-1], 4.0 * np.sin(0.3) ** 2, rtol=1e-10)
    s = dsp.TeagerKaiser(2)
    y = s.process(x)
    assert s.latency_samples == 1
    np.testing.assert_array_equal(y[0], [0.0, 0.0])
    np.testing.assert_array_equal(y[1:], dsp.teager_kaiser(x)[:-1])
