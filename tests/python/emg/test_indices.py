"""Muscle indices against direct NumPy evaluations of their definitions."""

from __future__ import annotations

import numpy as np
import pytest

from kinemyo import emg, gait


def test_indices_match_definitions(rng):
    a = np.abs(rng.standard_normal(5000)) * 30
    b = np.abs(rng.standard_normal(5000)) * 50
    assert emg.activation_ratio(a, b) == pytest.approx(a.mean() / b.mean(), rel=1e-12)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    assert emg.rudolph_cci(a, b) == pytest.approx(np.mean(lo / hi * (lo + hi)), rel=1e-12)
    assert emg.falconer_winter_coi(a, b) == pytest.approx(200 * lo.sum() / (a + b).sum(), rel=1e-12)
    assert emg.falconer_winter_coi(a, a) == pytest.approx(100.0)
    assert emg.symmetry_index(a, b) == pytest.approx(100 * (b.mean() - a.mean()) / (0.5 * (a.mean() + b.mean())))
    # one sign convention across the library: emg and gait indices agree on the same left/right means
    assert emg.symmetry_index(a, b) == pytest.approx(gait.symmetry_index(a.mean(), b.mean()), rel=1e-12)
    with pytest.raises(ValueError, match="b"):
        emg.activation_ratio(a, np.zeros_like(a))
    with pytest.raises(ValueError, match="b"):
        emg.rudolph_cci(a, b[:10])


def test_sliding_indices_table(rng):
    fs = 1000.0
    a = np.abs(rng.standard_normal(3000))
    b = np.abs(rng.standard_normal(3000)) + 0.5
    table = emg.sliding_indices(a, b, fs=fs)
    assert len(table) == 21  # 1 s windows every 0.1 s over 3 s
    for i in (0, 7, 20):
        seg = slice(i * 100, i * 100 + 1000)
        assert table.activation_ratio[i] == pytest.approx(a[seg].mean() / b[seg].mean(), rel=1e-12)
        assert table.falconer_winter_coi_pct[i] == pytest.approx(emg.falconer_winter_coi(a[seg], b[seg]), rel=1e-12)
        assert table.rudolph_cci[i] == pytest.approx(emg.rudolph_cci(a[seg], b[seg]), rel=1e-12)
        assert table.symmetry_index_pct[i] == pytest.approx(emg.symmetry_index(a[seg], b[seg]), rel=1e-12)
    frame = table.to_frame()
    assert frame.shape == (21, 6) and frame.t_end_s.iloc[-1] == pytest.approx(3.0)


def test_indices_per_activation(rng):
    fs = 100.0
    a = np.full(1000, 1.0)
    b = np.full(1000, 2.0)
    a[200:400] = 6.0  # two "repetitions" of muscle a
    a[600:700] = 4.0
    rest = 1.0 + rng.normal(0, 0.01, 400)  # 4 s of rest at the baseline level
    table = emg.detect_activations(a, rest, fs=fs, config=emg.OnsetConfig(min_off_s=0.1))
    per = emg.indices_per_activation(a, b, table, fs=fs)
    assert len(per) == 2
    np.testing.assert_allclose(per.activation_ratio, [3.0, 2.0])
    np.testing.assert_allclose(per.symmetry_index_pct, [-100 * 4 / 4, -100 * 2 / 3])


def test_flexion_relaxation_ratio_matches_definition(rng):
    fs = 100.0
    env = np.concatenate([np.linspace(1, 5, 200), np.full(300, 0.4)]) + rng.uniform(0, 0.05, 500)
    frr = emg.flexion_relaxation_ratio(env, fs=fs, flexion=(0.0, 2.0), full_flexion=(2.5, 5.0))
    w = 50
    ma = np.convolve(env[:200], np.ones(w) / w, mode="valid")
    assert frr == pytest.approx(ma.max() / env[250:500].mean(), rel=1e-12)
    with pytest.raises(ValueError, match="flexion_end_s"):
        emg.flexion_relaxation_ratio(env, fs=fs, flexion=(0.0, 0.2), full_flexion=(2.5, 5.0))
