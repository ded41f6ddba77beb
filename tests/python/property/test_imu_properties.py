"""Properties of kinemyo.imu: orientation filters, quaternion helpers, joint angles and calibration refuse hostile
arguments by name or return finite unit quaternions / angles of the documented shape (float32 kept where documented)."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, strategies as st

from kinemyo import imu

from .conftest import PROFILE, Case, assert_finite, check, outcome, rng_signal, run, scalars, signals

FS = 100.0
N = 200


def _gyr(seed=1, n=N):
    return rng_signal(seed, (n, 3), 0.2)


def _acc(seed=2, n=N):
    return np.array([0.0, 0.0, 9.81]) + rng_signal(seed, (n, 3), 0.05)


def _mag(seed=3, n=N):
    return np.array([0.0, 20.0, -40.0]) + rng_signal(seed, (n, 3), 0.5)


def _quats(seed=4, n=N):
    q = rng_signal(seed, (n, 4))
    return q / np.linalg.norm(q, axis=1, keepdims=True)


def unit_quats(case: Case) -> Case:
    """Tame quaternion arrays normalised row-wise (other cases as they are)."""
    if case.tame:
        q = np.asarray(case.value, dtype=np.float64)
        if q.ndim == 2 and q.shape[1] == 4:
            n = np.linalg.norm(q, axis=1, keepdims=True)
            n[n == 0] = 1.0
            q = q / n
            q[np.all(q == 0, axis=1)] = [1.0, 0, 0, 0]
            dt = np.asarray(case.value).dtype
            return Case(q.astype(dt) if dt.kind == "f" else q, case.label, tame=True)
    return case


def sensor(seed_fn, n=N):
    return signals(n=(n, n), channels=3, one_d=False).map(
        lambda c: Case(seed_fn() + (np.asarray(c.value, dtype=float) * 0 if c.tame and np.asarray(c.value).dtype.kind in "fi"
                                    else 0), c.label, tame=True) if c.tame else c)


def _assert_unit(q, case):
    q = np.asarray(q)
    assert q.ndim == 2 and q.shape[1] == 4
    # documented: invalid gyroscope samples are skipped and invalid acc/mag rows are missing, so the estimate
    # stays finite even for hostile samples
    assert_finite(q, "orientation")
    assert np.allclose(np.linalg.norm(q.astype(np.float64), axis=1), 1.0, atol=1e-5)


FILTERS = {
    "robust": lambda **kw: imu.robust_orientation(**kw).quat_9d,
    "robust_offline": lambda **kw: imu.robust_orientation(**kw, offline=True).quat_9d,
    "madgwick": lambda **kw: imu.madgwick(**kw),
    "mahony": lambda **kw: imu.mahony(**kw)[0],
}


@PROFILE
@given(st.data())
def test_orientation_from_recordings(data):
    name = data.draw(st.sampled_from(sorted(FILTERS)))
    fn = FILTERS[name]
    t = np.arange(N) / FS

    def post(q, v, case):
        n = np.shape(v["gyr"])[0]
        assert q.shape == (n, 4)
        ins = [np.asarray(v[k]) for k in ("gyr", "acc", "mag") if v.get(k) is not None]
        if all(a.dtype == np.float32 for a in ins):
            assert q.dtype == np.float32, "float32 input gives float32 output (documented)"
        _assert_unit(q, case)

    use_t = data.draw(st.booleans())
    valid = {"gyr": _gyr(), "acc": _acc(), "mag": _mag() if data.draw(st.booleans()) else None}
    valid.update({"t": t} if use_t else {"fs": FS})
    hostile = {
        "gyr": signals(n=(N, N), channels=3, one_d=False, scales=(0.2,)),
        "acc": signals(n=(N, N), channels=3, one_d=False, scales=(9.81,)),
        "mag": signals(n=(N, N), channels=3, one_d=False, scales=(40.0,)),
    }
    if use_t:
        hostile["t"] = st.sampled_from([("reversed", t[::-1].copy()), ("repeated", np.zeros(N)), ("nan", np.full(N, np.nan)),
                                        ("short", t[:10]), ("text", np.full(N, "a")), ("2d", t[:, None] * [1, 1])]).map(
            lambda p: Case(p[1], p[0], invalid=True))
    else:
        hostile["fs"] = scalars([FS, 50.0])
    run(data.draw, fn, valid, hostile, post,
        aliases={"acc": ("gyr",), "mag": ("gyr",), "t": ("gyr",), "gyr": ("acc", "mag")})


@PROFILE
@given(st.data())
def test_filter_update_step(data):
    kind = data.draw(st.sampled_from(["robust", "madgwick", "mahony"]))
    f = {"robust": imu.RobustFilter, "madgwick": imu.MadgwickFilter, "mahony": imu.MahonyFilter}[kind]()
    vec = lambda base: st.one_of(  # noqa: E731
        st.sampled_from([("nan", [math.nan] * 3), ("inf", [math.inf, 0, 0]), ("huge", [1e300, 0, 0]), ("zero", [0.0] * 3),
                         ("float32", np.array(base, np.float32))]).map(lambda p: Case(p[1], p[0])),
        st.sampled_from([("2", [1.0, 2.0]), ("4", [1.0, 2, 3, 4]), ("text", "abc"), ("complex", [1j, 0, 0]), ("none", None),
                         ("nested", [[1.0, 2, 3]])]).map(lambda p: Case(p[1], p[0], invalid=p[0] != "nested")),
    )
    for _ in range(3):
        f.update(0.01, [0.1, 0.0, 0.0], [0.0, 0.0, 9.81])
    # documented: a dt that is not finite and > 0 skips the sample (update never throws), so it may be accepted
    skip_dt = ("nan", "inf", "-inf", "zero", "negative", "tiny-neg")
    run(data.draw, f.update, {"dt": 0.01, "gyr": [0.1, 0.0, 0.0], "acc": [0.0, 0.0, 9.81], "mag": None}, {
        "dt": scalars([0.01, 0.002]).map(lambda c: Case(c.value, c.label) if c.label in skip_dt else c), "gyr": vec([0.1, 0, 0]),
        # documented: acc and mag may be absent (None), which skips only their correction
        "acc": vec([0, 0, 9.81]).map(lambda c: Case(c.value, c.label, tame=c.label == "none", invalid=c.invalid and c.label != "none")),
        "mag": vec([0, 20, -40]).map(lambda c: Case(c.value, c.label, tame=c.label == "none", invalid=c.invalid and c.label != "none")),
    })
    q = f.quat_9d if kind == "robust" else f.quat
    _assert_unit(np.asarray(q)[None, :], None)


@PROFILE
@given(st.data())
def test_filter_constructors(data):
    kind = data.draw(st.sampled_from(["madgwick", "mahony", "limits", "robust_params"]))
    if kind == "madgwick":
        res, *_ = run(data.draw, imu.MadgwickFilter, {"beta": 0.1}, {"beta": scalars([0.0, 0.1], positive=False,
                                                                                     invalid_extra=[("negative", -1.0)])})
    elif kind == "mahony":
        res, *_ = run(data.draw, imu.MahonyFilter, {"kp": 1.0, "ki": 0.0}, {
            "kp": scalars([0.0, 1.0], positive=False, invalid_extra=[("negative", -1.0)]),
            "ki": scalars([0.0, 0.1], positive=False, invalid_extra=[("negative", -1.0)])})
    elif kind == "limits":
        res, *_ = run(data.draw, imu.SensorLimits, {"gyr": 100.0, "acc": 4000.0, "mag": 1e5}, {
            # inf is documented as "no limit"
            "gyr": scalars([100.0, math.inf]).map(_inf_ok), "acc": scalars([4000.0]).map(_inf_ok),
            "mag": scalars([1e5]).map(_inf_ok)})
        return
    else:
        name = data.draw(st.sampled_from(["tau_acc", "tau_mag", "rest_min_time", "bias_sigma_init", "mag_norm_threshold"]))
        # documented >= 0 (0: no low-pass / no minimum): zero is valid for these three
        at_least_zero = name in ("tau_acc", "tau_mag", "rest_min_time")
        case = data.draw(scalars([1.0, 3.0] + ([0.0] if at_least_zero else []), positive=not at_least_zero,
                                 invalid_extra=[("negative", -1.0)] if at_least_zero else []))
        res = outcome(lambda: imu.RobustFilter(imu.RobustFilterParams(**{name: case.value})), names=name)
        check(res, case)
    if res.ok:
        f = res.value
        q = f.process(_gyr(), _acc(), fs=FS)
        q = q[0] if isinstance(q, tuple) else (q["quat_9d"] if isinstance(q, dict) else q)
        _assert_unit(q, None)


@PROFILE
@given(st.data())
def test_quaternion_helpers(data):
    quat = data.draw(signals(n=(1, 50), channels=4, one_d=False).map(unit_quats))
    which = data.draw(st.sampled_from(["mean_orientation", "inclination", "axis_elevation", "orientation_errors",
                                       "hip_angles", "lumbopelvic_angles", "segment_orientations"]))
    n = np.shape(quat.value)[0] if np.ndim(quat.value) else 0
    other = _quats(9, n) if n else np.zeros((0, 4))
    calls = {
        "mean_orientation": (lambda q: imu.mean_orientation(q), "quat"),
        "inclination": (lambda q: imu.inclination(q), "segment"),
        "axis_elevation": (lambda q: imu.axis_elevation(q, [0.0, 1.0, 0.0]), "quat"),
        "orientation_errors": (lambda q: imu.orientation_errors(q, other), "estimate"),
        "hip_angles": (lambda q: imu.hip_angles(q, other, "right"), "pelvis"),
        "lumbopelvic_angles": (lambda q: imu.lumbopelvic_angles(other, q), "lower_back"),
        "segment_orientations": (lambda q: imu.segment_orientations(q, _calibration()), "quat"),
    }
    fn, name = calls[which]
    res = outcome(fn, quat.value, names=name if isinstance(name, tuple) else (name,))
    check(res, quat)
    if res.ok:
        out = res.value
        arrays = list(out.values()) if isinstance(out, dict) else [out]
        for a in arrays:
            a = np.asarray(a)
            if which == "mean_orientation":
                assert a.shape == (4,)
            elif which == "segment_orientations":
                assert a.shape == (n, 4)
            else:
                assert a.shape == (n,)
            if quat.tame:
                assert_finite(a, which)


def _inf_ok(c: Case) -> Case:
    return Case(c.value, c.label, c.tame or c.label == "inf", c.invalid and c.label != "inf")


def _calibration():
    q = np.array([[1.0, 0, 0, 0], [1.0, 0, 0, 0]])
    return imu.calibrate_static_pose(q, np.array([[1.0, 0, 0], [1.0, 0, 0]]), shared_heading=True)[1]


@PROFILE
@given(st.data())
def test_quaternion_helper_second_arguments(data):
    which = data.draw(st.sampled_from(["axis", "side", "frames", "acc"]))
    q = _quats(5, 20)
    if which == "axis":
        axis = data.draw(st.sampled_from([("zero", [0.0, 0, 0]), ("nan", [math.nan, 0, 0]), ("2", [1.0, 0]),
                                          ("text", "y")]).map(lambda p: Case(p[1], p[0], invalid=True)))
        res = outcome(imu.axis_elevation, q, axis.value, names="axis")
        check(res, axis)
    elif which == "side":
        side = data.draw(st.sampled_from(["Right", "", "both", None, 1]))
        res = outcome(imu.hip_angles, q, q, side, names="side")
        assert not res.ok
    elif which == "frames":
        a, b = data.draw(st.sampled_from([("enu", "ned"), ("nwu", "enu"), ("ENU", "ned"), ("enu", "xyz"), (None, "ned")]))
        res = outcome(imu.earth_frame_rotation, a, b, names=("from_frame", "to_frame"))
        valid = a in ("enu", "ned", "nwu") and b in ("enu", "ned", "nwu")
        check(res, Case(None, "", tame=valid, invalid=not valid))
        if res.ok:
            assert res.value.shape == (4,) and np.isclose(np.linalg.norm(res.value), 1.0)
    else:
        acc = data.draw(st.sampled_from([("ok", [0.0, 0, 9.81]), ("tilted", [1.0, 2.0, 9.0]), ("zero", [0.0, 0, 0]),
                                         ("nan", [math.nan, 0, 9.81]), ("inf", [math.inf, 0, 0]), ("2", [0.0, 9.81]),
                                         ("denormal", [1e-310, 0, 0])]))
        mag = data.draw(st.sampled_from([None, [0.0, 20.0, -40.0], [0.0, 0.0, 0.0], [0.0, 0.0, 5.0]]))
        res = outcome(imu.orientation_from_vectors, acc[1], mag, names=("acc", "mag"))
        if acc[0] in ("ok", "tilted") and (mag is None or mag[1] == 20.0):
            check(res, Case(None, "", tame=True))
        if acc[0] in ("zero", "nan", "inf", "2"):
            check(res, Case(None, "", invalid=True))
        if res.ok:
            _assert_unit(res.value[None, :], None)


def _hint_may_be_vertical(case: Case) -> Case:
    """A random sensor orientation can turn the anterior hint [1, 0, 0] (nearly) vertical, which is rightly refused:
    such a tame case becomes one that may be refused."""
    if case.tame:
        w, x, y, z = np.asarray(case.value, dtype=np.float64).T
        if np.any(np.abs(2 * (x * z - w * y)) > 0.8):  # earth z of the sensor's x axis
            return Case(case.value, case.label)
    return case


@PROFILE
@given(st.data())
def test_calibrate_static_pose(data):
    k = 3
    q = _quats(6, k)

    def post(cals, v, case):
        assert len(cals) == k
        for c in cals:
            _assert_unit(np.asarray(c.sensor_to_segment)[None, :], None)
            assert math.isfinite(c.heading_offset)

    run(data.draw, imu.calibrate_static_pose, {"sensor_orientations": q, "anterior_hints": np.tile([1.0, 0, 0], (k, 1)),
                                               "pelvis_index": 0, "shared_heading": True}, {
        "sensor_orientations": signals(n=(k, k), channels=4, one_d=False).map(unit_quats).map(_hint_may_be_vertical),
        "anterior_hints": signals(n=(k, k), channels=3, one_d=False).map(
            lambda c: Case(np.tile([1.0, 0, 0], (k, 1)), c.label, tame=True) if c.tame else c),
        "pelvis_index": scalars([0, 2], integer=True, positive=False, invalid_extra=[("beyond", k), ("negative", -1)]),
    }, post, aliases={"anterior_hints": ("sensor_orientations",), "sensor_orientations": ("anterior_hints",)})


@PROFILE
@given(st.data())
def test_repetitions_and_rmse(data):
    t = np.linspace(0, 6 * np.pi, 300)

    def post(table, v, case):
        assert table.start.dtype == np.int64 and table.range.dtype == np.float64
        if case.tame:
            assert np.all(np.isfinite(table.range))
            assert np.all(table.range >= float(v["min_range"]) - 1e-12)

    run(data.draw, imu.repetitions, {"angle": np.sin(t), "min_range": 0.5}, {
        "angle": signals(n=(10, 300), channels=1, two_d=False),
        "min_range": scalars([0.1, 0.5]),
    }, post)
    e = data.draw(signals(n=(1, 50), channels=1, two_d=False))
    res = outcome(imu.rmse_deg, e.value, names=("errors", "mask"))
    check(res, e)
    if res.ok and e.tame:
        assert math.isfinite(res.value)


@PROFILE
@given(st.data())
def test_synthesize_imu(data):
    q = _quats(7, 50)

    def post(out, v, case):
        for key in ("gyr", "acc", "mag"):
            assert out[key].shape == (50, 3)
            if case.tame:
                assert_finite(out[key], key)

    run(data.draw, imu.synthesize_imu, {"quat": q, "fs": FS}, {
        "quat": signals(n=(50, 50), channels=4, one_d=False).map(unit_quats),
        "fs": scalars([FS, 200.0]),
        "gravity": scalars([9.81, 0.0], positive=False), "gyr_noise": scalars([0.0, 0.01], positive=False,
                                                                               invalid_extra=[("negative", -1.0)]),
        "seed": scalars([1, 2], integer=True, positive=False, invalid_extra=[("negative", -1)]),
    }, post)
