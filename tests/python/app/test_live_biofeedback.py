"""kinemyo biofeedback: the terminal display's numbers are the real-time chain's, the zone follows the level, the
replay is paced, and a Lab Streaming Layer stream works as input."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from kinemyo import emg
from kinemyo.biofeedback import lsl_blocks, replay_blocks, run_biofeedback
from kinemyo.cli import main


def _signal(fs, seconds, rng, bursts=()):
    n = int(seconds * fs)
    x = rng.standard_normal((n, 2)) * [1.0, 1.0]
    for start, stop, gain in bursts:
        x[int(start * fs):int(stop * fs), 0] *= gain
    return x


def test_levels_are_the_pipeline_envelopes_over_the_rest_level(rng):
    fs = 1000.0
    x = _signal(fs, 12.0, rng, bursts=[(7.0, 9.0, 5.0)])
    channels = [emg.ChannelConfig(name="GM"), emg.ChannelConfig(name="ES")]
    frames = run_biofeedback(replay_blocks(x, fs=fs, speed=0), channels, fs=fs, zone=(2.0, 10.0), show=lambda f: None)
    # Independent: the same pipeline over the whole recording, rest = mean over 1..4 s of its 50 Hz output.
    env = emg.EnvelopePipeline(fs, channels, output_rate_hz=50.0).process(x)
    t_env = (np.arange(len(env)) + 1) * 20 / fs
    rest = env[(t_env > 1.0) & (t_env <= 4.0)].mean(axis=0)
    for f in frames[::7]:
        k = int(round(f.time_s * 50.0)) - 1
        assert f.level["GM"] == pytest.approx(env[k, 0] / rest[0], rel=0.02)
        assert f.ratio == pytest.approx(f.level["GM"] / f.level["ES"])
    during = [f.zone for f in frames if 7.5 < f.time_s < 8.9]
    before = [f.zone for f in frames if 5.0 < f.time_s < 6.9]
    assert set(during) == {"inside"} and set(before) == {"below"}
    assert 10 * 7.0 <= len(frames) <= 10 * 8.1  # 10 Hz display after the 4 s of settling and rest


def test_replay_is_paced():
    x = np.zeros((2000, 1))
    t0 = time.perf_counter()
    n = sum(len(b) for b in replay_blocks(x, fs=1000.0, speed=8.0))
    assert n == 2000 and time.perf_counter() - t0 >= 2.0 / 8.0 * 0.95


def test_cli_replays_the_demo_session(capsys):
    assert main(["biofeedback", "--speed", "0", "--duration", "8"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) >= 30 and "GM_L" in lines[-1] and "ratio" in lines[-1] and "zone:" in lines[-1]
    assert main(["biofeedback", "--speed", "0", "--duration", "5", "--numerator", "XX"]) == 2


def test_lab_streaming_layer_input():
    pylsl = pytest.importorskip("pylsl")
    fs = 500.0
    outlet = pylsl.StreamOutlet(pylsl.StreamInfo("kinemyo_test_emg", "EMG", 2, fs, "float32", "kinemyo-test"))
    stop = threading.Event()

    def push():
        rng = np.random.default_rng(1)
        while not stop.is_set():
            outlet.push_chunk(rng.standard_normal((25, 2)).tolist())
            time.sleep(25 / fs)

    pusher = threading.Thread(target=push, daemon=True)
    pusher.start()
    try:
        rate, n, blocks = lsl_blocks("kinemyo_test_emg", timeout_s=10.0)
        assert (rate, n) == (fs, 2)
        channels = [emg.ChannelConfig(name="a"), emg.ChannelConfig(name="b")]
        frames = run_biofeedback(blocks, channels, fs=rate, rest_s=1.0, settle_s=0.5, duration_s=2.5,
                                 show=lambda f: None)
        assert len(frames) >= 5 and all(np.isfinite(list(f.level.values())).all() for f in frames)
    finally:
        stop.set()
        pusher.join()
