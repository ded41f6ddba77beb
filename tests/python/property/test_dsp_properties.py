"""Properties of kinemyo.dsp: every entry point either refuses a hostile argument with a ValueError/TypeError naming
it, or returns an array of the documented shape and dtype, finite whenever the inputs were tame."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, strategies as st

from kinemyo import dsp

from .conftest import PROFILE, Case, assert_finite, assert_real_dtype, check, case_of, one_hostile, outcome, scalars, signals, vals

FS = 1000.0
SOS = dsp.butterworth_sos(4, 20.0, "highpass", fs=FS)
ORDER = scalars([1, 2, 4, 8], integer=True, invalid_extra=[("float-order", 4.0)])
FS_S = scalars([FS, 2000.0])
KIND = st.sampled_from([("unknown", "bandpas"), ("empty", ""), ("none", None), ("int", 3)]).map(
    lambda p: Case(p[1], p[0], invalid=True))
SOS_S = st.one_of(
    st.sampled_from([
        ("1-d", np.ones(6)), ("5 cols", np.ones((2, 5))), ("empty", np.zeros((0, 6))), ("nan", np.full((1, 6), np.nan)),
        ("a0 zero", np.array([[1.0, 0, 0, 0.0, 0, 0]])), ("complex", SOS + 1j), ("text", np.full((1, 6), "1")),
        ("unstable", np.array([[1.0, 0, 0, 1, -2.5, 1.0]])), ("inf", np.full((1, 6), np.inf)),
    ]).map(lambda p: Case(p[1], p[0], invalid=p[0] not in ("unstable", "a0 zero"))),
    st.sampled_from([("float32", SOS.astype(np.float32)), ("list", SOS.tolist())]).map(lambda p: Case(p[1], p[0], tame=True)),
)


@PROFILE
@given(st.data())
def test_butterworth_sos(data):
    args, which = one_hostile(data.draw, {"order": 4, "cutoff_hz": 20.0, "kind": "highpass", "fs": FS}, {
        "order": ORDER,
        "cutoff_hz": st.one_of(scalars([10.0, 100.0]), st.sampled_from([
            ("pair", [20.0, 10.0]), ("3", [1.0, 2.0, 3.0]), ("above nyquist", 600.0), ("pair nan", [np.nan, 10.0])]).map(
                lambda p: Case(p[1], p[0], invalid=True))),
        "kind": KIND,
        "fs": FS_S,
    })
    v = vals(args)
    # D4: the design reports cutoff_hz by its C++ name 'cutoffs_hz' (pinned by tests/python/dsp/test_filter_design.py)
    res = outcome(dsp.butterworth_sos, v["order"], v["cutoff_hz"], v["kind"], fs=v["fs"], names=(which or "order",) + (
        ("cutoff_hz", "cutoffs_hz") if which == "fs" else ()) + (("fs", "cutoffs_hz") if which == "cutoff_hz" else ()))
    check(res, case_of(args, which))
    if res.ok:
        sos = res.value
        assert sos.dtype == np.float64 and sos.ndim == 2 and sos.shape[1] == 6 and sos.shape[0] >= 1
        assert_finite(sos)


@PROFILE
@given(st.data())
def test_notch_and_peak_sos(data):
    fn = data.draw(st.sampled_from([dsp.notch_sos, dsp.peak_sos]))
    args, which = one_hostile(data.draw, {"f0_hz": 50.0, "q": 30.0, "fs": FS}, {
        "f0_hz": scalars([50.0, 60.0, 5.0], invalid_extra=[("nyquist", 500.0)]), "q": scalars([1.0, 30.0]),
        "fs": FS_S})
    v = vals(args)
    names = (which,) if which else ("f0_hz",)
    if which == "fs":
        names += ("f0_hz",)
    res = outcome(fn, v["f0_hz"], v["q"], fs=v["fs"], names=names)
    check(res, case_of(args, which))
    if res.ok:
        assert res.value.shape == (1, 6) and res.value.dtype == np.float64
        assert_finite(res.value)


@PROFILE
@given(st.data())
def test_sos_analysis_functions(data):
    args, which = one_hostile(data.draw, {"sos": SOS, "f_hz": np.array([1.0, 20.0, 100.0]), "fs": FS}, {
        "sos": SOS_S, "f_hz": signals(n=(0, 8), one_d=True, two_d=False), "fs": FS_S})
    v = vals(args)
    zi = outcome(dsp.sosfilt_zi, v["sos"], names="sos")
    fr = outcome(dsp.sos_frequency_response, v["sos"], v["f_hz"], fs=v["fs"], names=which or "sos")
    # a huge fs puts every f_hz near 0 Hz, where a highpass has no group delay: naming f_hz is right then
    gd = outcome(dsp.sos_group_delay, v["sos"], v["f_hz"], fs=v["fs"],
                 names=(which or "sos",) + (("f_hz",) if which == "fs" else ()))
    c = case_of(args, which)
    if which == "f_hz" and c.label == "3d":
        c = Case(c.value, c.label)  # frequencies are evaluated element by element: any shape is accepted
    check(fr, c)
    if which == "f_hz" and fr.ok and np.any(np.abs(fr.value) < 1e-6):
        check(gd, Case(c.value, c.label))  # near 0 Hz the highpass response vanishes: no group delay, may refuse
    else:
        check(gd, c)
    if which != "sos":
        check(zi, Case(None, "valid", tame=True))
    if zi.ok and c.tame:
        assert zi.value.shape == (np.asarray(v["sos"]).shape[0], 2)
        assert_finite(zi.value)
    for r, kind in ((fr, "c"), (gd, "f")):
        if r.ok:
            f = np.asarray(v["f_hz"])
            assert r.value.shape == f.shape and r.value.dtype.kind == kind
            if c.tame and np.all(np.abs(f) < FS / 2):
                assert_finite(r.value)


def _same_shape_property(data, fn, *, min_n=64, extra=None, names_extra=()):
    x = data.draw(signals(n=(min_n, 300)))
    res = outcome(fn, x.value, names=("x",) + names_extra)
    check(res, x)
    if res.ok:
        out = res.value
        assert out.shape == np.shape(x.value), (out.shape, np.shape(x.value))
        assert_real_dtype(out, np.asarray(x.value).dtype if not isinstance(x.value, list) else np.float64)
        if x.tame:
            assert_finite(out)
    return x, res


@PROFILE
@given(st.data())
def test_sosfilt_and_sosfiltfilt(data):
    fn = data.draw(st.sampled_from([dsp.sosfilt, dsp.sosfiltfilt]))
    _same_shape_property(data, lambda x: fn(SOS, x))


@PROFILE
@given(st.data())
def test_sosfilt_sos_argument(data):
    sos = data.draw(SOS_S)
    fn = data.draw(st.sampled_from([dsp.sosfilt, dsp.sosfiltfilt]))
    x = np.random.default_rng(0).standard_normal(300)
    res = outcome(fn, sos.value, x, names="sos")
    check(res, sos)
    if res.ok:
        assert res.value.shape == x.shape


@PROFILE
@given(st.data())
def test_moving_window(data):
    stat = data.draw(st.sampled_from(["mean", "arv", "rms"]))
    w = data.draw(scalars([1, 5, 32], integer=True))
    x = data.draw(signals(n=(64, 300), hostile=w.tame))
    res = outcome(dsp.moving_window, x.value, w.value, stat, names=("x", "window_length") if w.tame else "window_length")
    check(res, x if w.tame else w)
    if res.ok:
        assert res.value.shape == np.shape(x.value)
        assert_real_dtype(res.value, np.asarray(x.value).dtype)
        if x.tame and w.tame:
            assert_finite(res.value)
    bad = outcome(dsp.moving_window, np.ones(10), 3, data.draw(st.sampled_from(["median", "", "RMS"])), names="statistic")
    assert not bad.ok


@PROFILE
@given(st.data())
def test_teager_kaiser_and_hilbert(data):
    fn = data.draw(st.sampled_from([dsp.teager_kaiser, dsp.hilbert_envelope]))
    _same_shape_property(data, fn)


@PROFILE
@given(st.data())
def test_analytic_signal(data):
    x = data.draw(signals(n=(16, 200)))
    res = outcome(dsp.analytic_signal, x.value, names="x")
    check(res, x)
    if res.ok:
        assert res.value.shape == np.shape(x.value) and res.value.dtype.kind == "c"
        if x.tame:
            assert_finite(res.value)


@PROFILE
@given(st.data())
def test_welch(data):
    args, which = one_hostile(data.draw, {"x": np.random.default_rng(3).standard_normal(512), "fs": FS, "nperseg": 128,
                                          "noverlap": None, "nfft": None}, {
        "x": signals(n=(128, 600)), "fs": FS_S,
        "nperseg": scalars([64, 128], integer=True, invalid_extra=[("longer than x", 10**6)]),
        "noverlap": scalars([0, 64], integer=True, positive=False, allow_none=True,
                            invalid_extra=[("= nperseg", 128), ("negative", -1)]),
        "nfft": scalars([128, 256], integer=True, allow_none=True, invalid_extra=[("< nperseg", 64)]),
    })
    v = vals(args)
    res = outcome(dsp.welch, v["x"], fs=v["fs"], nperseg=v["nperseg"], noverlap=v["noverlap"], nfft=v["nfft"],
                  names=(which or "x",) + (("nperseg",) if which in ("x", "noverlap", "nfft") else ()))
    c = case_of(args, which)
    check(res, c)
    if res.ok:
        f, p = res.value
        nfft = v["nfft"] if isinstance(v["nfft"], int) and not isinstance(v["nfft"], bool) else int(v["nperseg"])
        assert f.dtype == np.float64 and f.shape == (nfft // 2 + 1,)
        x = np.asarray(v["x"])
        assert p.shape == (f.size,) + x.shape[1:]
        assert_real_dtype(p, x.dtype)
        if c.tame:
            assert_finite(f)
            assert_finite(p)


@PROFILE
@given(st.data())
def test_resample_poly(data):
    args, which = one_hostile(data.draw, {"x": np.random.default_rng(4).standard_normal(200), "up": 2, "down": 3,
                                          "kaiser_beta": 5.0}, {
        "x": signals(n=(16, 300)),
        "up": scalars([1, 2, 5], integer=True, invalid_extra=[("absurd", 10**9)]),
        "down": scalars([1, 3, 7], integer=True, invalid_extra=[("absurd", 10**9)]),
        "kaiser_beta": scalars([0.0, 5.0, 8.6], positive=False),
    })
    v = vals(args)
    c = case_of(args, which)
    res = outcome(dsp.resample_poly, v["x"], v["up"], v["down"], v["kaiser_beta"], names=which or "x")
    check(res, c)
    if res.ok:
        x = np.asarray(v["x"])
        n_out = -(-x.shape[0] * int(v["up"]) // int(v["down"]))
        assert res.value.shape == (n_out,) + x.shape[1:]
        assert_real_dtype(res.value, x.dtype)
        if c.tame:
            assert_finite(res.value)
    if which in ("up", "down", "kaiser_beta"):
        h = outcome(dsp.resample_poly_filter, v["up"], v["down"], v["kaiser_beta"], names=which)
        assert h.ok == res.ok, (h, res)
        if h.ok:
            assert all(math.isfinite(t) for t in h.value)


def _stream_values(data, cls, ctor, n_channels, names_ctor):
    x = data.draw(signals(n=(1, 200), channels=n_channels, one_d=n_channels == 1))
    policy = data.draw(st.sampled_from(["hold_last", "zero", "propagate"]))
    obj = ctor(policy)
    res = outcome(obj.process, x.value, names="x")
    check(res, x)
    if res.ok:
        out = res.value
        assert out.shape == np.shape(x.value)
        assert_real_dtype(out, np.asarray(x.value).dtype)
        # documented: non-finite or |x| > max_abs samples are replaced unless the policy is 'propagate'
        if policy != "propagate" or x.tame:
            assert_finite(out)
        if x.label in ("nonfinite", "huge") and policy != "propagate":
            assert obj.replaced_samples > 0
        # and the object keeps working on clean data afterwards
        clean = np.random.default_rng(9).standard_normal((50, n_channels))
        again = obj.process(clean if np.ndim(x.value) == 2 else clean[:, 0])
        assert np.all(np.isfinite(again)) or policy == "propagate"


@PROFILE
@given(st.data())
def test_streaming_sos_filter(data):
    c = data.draw(st.integers(1, 3))
    _stream_values(data, dsp.SosFilter, lambda p: dsp.SosFilter(SOS, c, non_finite=p), c, ())


@PROFILE
@given(st.data())
def test_streaming_moving_window_and_teager_kaiser(data):
    c = data.draw(st.integers(1, 3))
    w = data.draw(st.sampled_from([1, 4, 50]))
    stat = data.draw(st.sampled_from(["mean", "arv", "rms"]))
    if data.draw(st.booleans()):
        _stream_values(data, dsp.MovingWindow, lambda p: dsp.MovingWindow(w, c, stat, non_finite=p), c, ())
    else:
        _stream_values(data, dsp.TeagerKaiser, lambda p: dsp.TeagerKaiser(c, non_finite=p), c, ())


@PROFILE
@given(st.data())
def test_streaming_constructors(data):
    which = data.draw(st.sampled_from(["n_channels", "window_length", "non_finite", "max_abs", "sos", "rectify_after"]))
    n_channels = data.draw(scalars([1, 4], integer=True)) if which == "n_channels" else Case(2, "valid", tame=True)
    window = data.draw(scalars([1, 8], integer=True)) if which == "window_length" else Case(8, "valid", tame=True)
    policy = (data.draw(st.sampled_from([("bad", "hold"), ("none", None), ("int", 0)]).map(lambda p: Case(p[1], p[0], invalid=True)))
              if which == "non_finite" else Case("hold_last", "valid", tame=True))
    max_abs = (data.draw(scalars([1.0, 1e12, math.inf], invalid_extra=[("nan", math.nan)])) if which == "max_abs"
               else Case(1e12, "valid", tame=True))
    if which == "max_abs" and max_abs.label == "inf":
        max_abs = Case(math.inf, "valid", tame=True)  # documented: inf means only non-finite samples are invalid
    sos = data.draw(SOS_S) if which == "sos" else Case(SOS, "valid", tame=True)
    rect = (data.draw(scalars([0, 1], integer=True, positive=False, allow_none=True, invalid_extra=[("beyond", 99), ("negative", -1)]))
            if which == "rectify_after" else Case(None, "valid", tame=True))
    kinds = {"n_channels": n_channels, "window_length": window, "non_finite": policy, "max_abs": max_abs, "sos": sos,
             "rectify_after": rect}
    c = kinds[which]
    builders = [(lambda: dsp.SosFilter(sos.value, n_channels.value, policy.value, rect.value, max_abs.value),
                 which != "window_length")]
    builders += [(lambda: dsp.MovingWindow(window.value, n_channels.value, "rms", policy.value, max_abs.value),
                  which not in ("sos", "rectify_after")),
                 (lambda: dsp.TeagerKaiser(n_channels.value, policy.value, max_abs.value),
                  which not in ("sos", "rectify_after", "window_length"))]
    for build, uses in builders:
        res = outcome(build, names=which)
        check(res, c if uses else None)
        if res.ok:
            nc = res.value.n_channels
            out = res.value.process(np.ones((5, nc)))
            assert out.shape == (5, nc)
