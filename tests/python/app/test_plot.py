"""kinemyo.plot on real results: the demo session analysed once (BioSPPy EMG, gaitmap feet, published questionnaire
examples), the Mobilise-D lower-back sample (tests/data/mobgap) and a BROAD trial for the orientation error. Each
function returns a Figure, draws what the result holds, accepts ax=, refuses wrong input naming the parameter and
leaves matplotlib's backend alone."""

from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("matplotlib")
pytest.importorskip("pandas")

import matplotlib  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from kinemyo import emg, gait, imu, plot, questionnaire  # noqa: E402
from kinemyo.analysis import analyze_session  # noqa: E402
from kinemyo.datasets import demo_session_path, load_demo_emg  # noqa: E402


@pytest.fixture(scope="module")
def demo():
    return analyze_session(demo_session_path())


@pytest.fixture(scope="module")
def demo_emg():
    """The demo EMG's envelopes and activations computed directly with the library (the session's onset rule)."""
    from kinemyo.analysis import ONSET_DEFAULTS

    rec = load_demo_emg()
    cfg = [emg.ChannelConfig(name="GM_L"), emg.ChannelConfig(name="ES_L", profile="trunk")]
    env = np.asarray(emg.offline_envelope(rec.x, cfg, fs=rec.fs))
    acts = emg.detect_activations(env, None, fs=rec.fs, config=emg.OnsetConfig(**ONSET_DEFAULTS),
                                  channel_names=list(rec.channels))
    return env, rec.fs, acts


@pytest.fixture(scope="module")
def lower_back(repo_dir):
    data = pd.read_csv(repo_dir / "tests/data/mobgap/ha001_test5_trial1.csv").to_numpy()
    acc, gyr = data[:, :3], data[:, 3:]
    return np.linalg.norm(acc, axis=1) - 9.80665, gait.lower_back_gait(acc, gyr, fs=100.0)


@pytest.fixture(autouse=True)
def backend_unchanged():
    before = matplotlib.get_backend()
    yield
    assert matplotlib.get_backend() == before


def _spans(ax, gid):
    return [p for p in ax.patches if p.get_gid() == gid]


def _marked(ax, gid):
    return np.concatenate([line.get_xdata() for line in ax.lines if line.get_gid() == gid] or [np.empty(0)])


def test_envelopes_shade_every_activation(demo_emg):
    env, fs, acts = demo_emg
    fig = plot.envelopes(env, acts, fs=fs, rest_s=[(4.0, 7.0), (11.0, 14.0)], unit="adc")
    assert isinstance(fig, Figure)
    axes = fig.axes
    assert len(axes) == 2 and len(acts) > 2
    for k, ax in enumerate(axes):
        spans = _spans(ax, "activation")
        assert len(spans) == int(np.sum(acts.channel == k))
        np.testing.assert_array_equal(ax.lines[0].get_ydata(), env[:, k])
        np.testing.assert_allclose(ax.lines[0].get_xdata(), np.arange(len(env)) / fs)
        assert len(_spans(ax, "rest")) == 1
        assert ax.get_title(loc="left") == acts.channel_names[k]
    first = _spans(axes[1], "activation")[0].get_x()
    assert first == pytest.approx(acts.onset_s[acts.channel == 1][0])


def test_envelopes_into_given_axes_on_a_session_clock(demo_emg):
    env, fs, acts = demo_emg
    fig = Figure()
    ax = fig.subplots()
    one = emg.detect_activations(env[:, 1], None, fs=fs, config=emg.OnsetConfig(k_on=8.0, k_off=4.0, min_on_s=0.1))
    assert plot.envelopes(env[:, 1], one, fs=fs, start_s=100.0, ax=ax) is fig
    assert len(_spans(ax, "activation")) == len(one) > 0
    assert _spans(ax, "activation")[0].get_x() == pytest.approx(100.0 + one.onset_s[0])
    assert ax.lines[0].get_xdata()[0] == 100.0


def test_envelopes_refuse_bad_input(demo_emg):
    env, fs, acts = demo_emg
    with pytest.raises(TypeError, match="activations"):
        plot.envelopes(env, {"onsets": [1.0]}, fs=fs)
    with pytest.raises(ValueError, match="activations: channel 1"):
        plot.envelopes(env[:, 0], acts, fs=fs)
    with pytest.raises(ValueError, match="fs"):
        plot.envelopes(env, acts, fs=0.0)
    with pytest.raises(TypeError, match="envelope"):
        plot.envelopes(np.array(["a", "b"]), fs)
    with pytest.raises(ValueError, match="rest_s"):
        plot.envelopes(env, acts, fs=fs, rest_s=(5.0, 1.0))
    with pytest.raises(TypeError, match="ax"):
        plot.envelopes(env, acts, fs=fs, ax="axes")
    with pytest.raises(ValueError, match="ax: 2 Axes"):
        plot.envelopes(env, acts, fs=fs, ax=Figure().subplots())


def test_ratio_over_time_equals_the_index_table(demo_emg):
    env, fs, _ = demo_emg
    a, b = (np.clip(env[:, k], 0, None) / np.percentile(env[:, k], 95) for k in (0, 1))
    table = emg.sliding_indices(a, b, fs=fs, window_s=1.0, step_s=0.25)
    fig = plot.ratio(table, label="GM_L:ES_L")
    ax = fig.axes[0]
    line = next(line for line in ax.lines if line.get_label() == "GM_L:ES_L")
    np.testing.assert_array_equal(line.get_ydata(), table.activation_ratio)
    np.testing.assert_allclose(line.get_xdata(), (table.t_start_s + table.t_end_s) / 2)
    assert [line.get_gid() for line in ax.lines].count("reference") == 1
    plot.ratio(table, index="rudolph_cci", label="cci", ax=ax)  # overlay: still one reference line
    assert [line.get_gid() for line in ax.lines].count("reference") == 1
    with pytest.raises(ValueError, match="index"):
        plot.ratio(table, index="median")
    with pytest.raises(TypeError, match="table"):
        plot.ratio(table.to_frame())


def test_joint_angles_in_degrees(demo):
    d = demo.angles["foot left"]
    fs = demo.gait_base.fs
    fig = plot.joint_angles(d["angles"], fs=fs, title="foot left")
    ax = fig.axes[0]
    np.testing.assert_allclose(ax.lines[0].get_ydata(), np.degrees(d["angles"]["sagittal"]))
    np.testing.assert_allclose(ax.lines[0].get_xdata(), d["t"], atol=1e-9)
    assert "deg" in ax.get_ylabel() and ax.lines[0].get_label() == "sagittal"
    hip = {"flexion": np.radians([10.0, 20.0, 30.0]), "internal_rotation": np.radians([0.0, -5.0, 5.0])}
    ax2 = Figure().subplots()
    assert plot.joint_angles(hip, fs=100.0, ax=ax2) is ax2.figure
    assert [line.get_label() for line in ax2.lines] == ["flexion", "internal rotation"]
    np.testing.assert_allclose(ax2.lines[0].get_ydata(), [10.0, 20.0, 30.0])
    with pytest.raises(TypeError, match="angles"):
        plot.joint_angles(np.zeros(10), fs=100.0)
    with pytest.raises(ValueError, match="angles: the series differ"):
        plot.joint_angles({"a": np.zeros(3), "b": np.zeros(4)}, fs=100.0)
    with pytest.raises(ValueError, match="angles"):
        plot.joint_angles({}, fs=100.0)


def test_gait_events_on_the_feet(demo):
    fs, w = demo.gait_base.fs, demo.gait_signals["left"]
    ev = demo.gait.left
    fig = plot.gait_events(w, ev, fs=fs)
    ax = fig.axes[0]
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), w)
    np.testing.assert_allclose(_marked(ax, "initial_contact"), ev.initial_contact)
    np.testing.assert_allclose(_marked(ax, "final_contact"), ev.terminal_contact)
    ax2 = Figure().subplots()
    plot.gait_events(w, ev, fs=fs, span_s=(0.0, 12.0), ax=ax2)
    assert len(_marked(ax2, "initial_contact")) == int(np.sum(ev.initial_contact <= 12.0)) > 5
    assert ax2.lines[0].get_xdata()[-1] <= 12.0
    with pytest.raises(TypeError, match="events"):
        plot.gait_events(w, demo.gait, fs=fs)
    with pytest.raises(ValueError, match="span_s"):
        plot.gait_events(w, ev, fs=fs, span_s=(500.0, 600.0))
    with pytest.raises(ValueError, match="signal"):
        plot.gait_events(np.zeros((10, 3)), ev, fs=fs)


def test_gait_events_from_the_lower_back(lower_back):
    signal, lb = lower_back
    fig = plot.gait_events(signal, lb, fs=100.0)
    ax = fig.axes[0]
    np.testing.assert_allclose(np.sort(_marked(ax, "initial_contact")), lb.initial_contact)
    np.testing.assert_allclose(np.sort(_marked(ax, "final_contact")), lb.final_contact)
    labels = {line.get_label() for line in ax.lines if line.get_gid() == "initial_contact"}
    assert labels >= {"initial contact left", "initial contact right"}
    assert len(_spans(ax, "turn")) == len(lb.turns)
    assert "m/s^2" in ax.get_ylabel()


def test_left_right_bars_and_symmetry_index(demo):
    fig = plot.left_right(demo.gait, affected="left")
    ax = fig.axes[0]
    kept = demo.gait.strides[~demo.gait.strides.excluded]
    params = ["step_time_s", "stance_time_s", "swing_time_s", "single_support_s"]
    bars = {c.get_label(): [p.get_height() for p in c.patches] for c in ax.containers}
    for side in ("left", "right"):
        np.testing.assert_allclose(bars[side], [kept.loc[kept.side == side, p].median() for p in params])
    texts = [t.get_text() for t in ax.texts if t.get_gid() == "symmetry_index"]
    summary = {r["parameter"]: r["value"] for r in demo.summary["gait"]["asymmetry"] if r["index"] == "symmetry_index"}
    assert texts == [f"SI {summary[p]:+.1f} %" for p in params]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["step time", "stance time", "swing time", "single support"]
    lengths = plot.left_right(demo.gait.strides, parameters=["stride_length_m"])
    assert lengths.axes[0].get_ylabel() == "median (m)"
    with pytest.raises(ValueError, match="parameters: one unit"):
        plot.left_right(demo.gait, parameters=["stride_time_s", "stride_length_m"])
    with pytest.raises(ValueError, match="parameters: nonsense_s"):
        plot.left_right(demo.gait, parameters=["nonsense_s"])
    with pytest.raises(TypeError, match="strides"):
        plot.left_right(demo.gait.strides.to_dict())
    with pytest.raises(ValueError, match="affected"):
        plot.left_right(demo.gait, affected="both")


def test_left_right_from_a_lower_back_step_table(lower_back):
    _, lb = lower_back
    ax = Figure().subplots()
    plot.left_right(lb, ax=ax)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["step time", "stride time"]
    assert len([t for t in ax.texts if t.get_gid() == "symmetry_index"]) == 2


def test_questionnaire_bands_are_named(demo):
    fig = plot.questionnaire_bands(demo.questionnaires)
    ax = fig.axes[0]
    names = [t.get_text() for t in ax.texts if t.get_gid() == "band_label"]
    for inst in ("csi", "odi"):
        for band in questionnaire.instrument_info(inst)["scores"][0]["bands"]:
            assert band["label"] in names
    marks = [line for line in ax.lines if line.get_gid() == "score"]
    assert len(marks) == 2
    csi = demo.questionnaires["csi"]["total"]
    assert marks[0].get_xdata()[0] == pytest.approx(csi.value / 100.0)  # CSI 0-100: worked example 49
    assert any(t.get_text() == f"{csi.value:.1f} {csi.band}" for t in ax.texts)
    one = plot.questionnaire_bands(demo.questionnaires["odi"])
    assert [t.get_text() for t in one.axes[0].get_yticklabels()] == ["odi total"]
    with pytest.raises(TypeError, match="results"):
        plot.questionnaire_bands({"odi": 35.6})
    with pytest.raises(TypeError, match="results"):
        plot.questionnaire_bands([])


def test_orientation_error_against_the_optical_reference(shared_data_dir):
    root = shared_data_dir / "broad"
    name = "01_undisturbed_slow_rotation_A"
    fs = json.loads((root / "trials.json").read_text())[name]["sampling_rate_hz"]
    data = np.loadtxt(root / f"{name}.csv", delimiter=",", skiprows=1, max_rows=20000)
    gyr, acc, mag, ref, moving = data[:, 0:3], data[:, 3:6], data[:, 6:9], data[:, 9:13], data[:, 13] == 1
    est = imu.robust_orientation(gyr, acc, mag, fs=fs).quat_9d
    fig = plot.orientation_error(est, ref, fs=fs, mask=moving)
    ax = fig.axes[0]
    errors = imu.orientation_errors(est, ref)
    lines = {line.get_label(): line for line in ax.lines}
    assert set(lines) == {"total_deg", "heading_deg", "inclination_deg"}
    for k in ("total", "heading", "inclination"):
        np.testing.assert_allclose(lines[f"{k}_deg"].get_ydata(), np.degrees(errors[k]))
    assert f"total {imu.rmse_deg(errors['total'], moving):.2f}" in ax.get_title(loc="left")
    assert "deg" in ax.get_ylabel()
    with pytest.raises(TypeError, match="OrientationEstimate"):
        plot.orientation_error(imu.robust_orientation(gyr[:100], acc[:100], fs=fs), ref[:100], fs=fs)
    with pytest.raises(ValueError, match="estimate/reference"):
        plot.orientation_error(est[:, :3], ref, fs=fs)
    with pytest.raises(ValueError, match="mask"):
        plot.orientation_error(est, ref, fs=fs, mask=moving[:10])


def test_figures_are_bare_and_never_touch_pyplot(demo):
    import subprocess
    import sys

    code = ("import matplotlib; matplotlib.use('svg'); import matplotlib.pyplot as plt\n"
            "from kinemyo import plot\nfrom kinemyo.analysis import analyze_session\n"
            "from kinemyo.datasets import demo_session_path\n"
            "r = analyze_session(demo_session_path())\n"
            "figs = [plot.left_right(r.gait), plot.questionnaire_bands(r.questionnaires),"
            " plot.joint_angles(r.angles['foot left']['angles'], r.gait_base.fs)]\n"
            "assert matplotlib.get_backend() == 'svg' and plt.get_fignums() == []\n"
            "print(type(figs[0]).__name__)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0 and run.stdout.strip() == "Figure", run.stderr[-2000:]
