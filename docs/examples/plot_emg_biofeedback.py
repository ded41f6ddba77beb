"""
EMG biofeedback chain: streamed in blocks, and offline
======================================================

The demo session's two surface-EMG channels (BioSPPy recordings at 1000 Hz in raw ADC counts; the muscle names
``GM_L`` and ``ES_L`` are demo labels) go through the real-time envelope pipeline in 20 ms blocks, as an
acquisition callback delivers them, and through the zero-phase offline envelope that a report publishes. The
streamed envelope is causal, so it lags; the pipeline states its latency, and the lag measured here against the
offline envelope should match it. The last part normalises the streamed envelope to the rest level and drives a
biofeedback target zone.
"""

import matplotlib.pyplot as plt
import numpy as np

from kinemyo import datasets, emg, plot

rec = datasets.load_demo_emg()
print(f"{rec.x.shape[0] / rec.fs:.1f} s, channels {rec.channels}, {rec.fs:g} Hz, unit {rec.unit!r}")

channels = [emg.ChannelConfig(name="GM_L"), emg.ChannelConfig(name="ES_L", profile="trunk")]

# %%
# Real time: 20 ms blocks in, the envelope out
# --------------------------------------------
# The pipeline validates and allocates at construction; ``process`` accepts any block size and gives the same
# numbers however the input is split.
pipeline = emg.EnvelopePipeline(rec.fs, channels)
block = int(0.020 * rec.fs)
streamed = np.concatenate([pipeline.process(rec.x[i:i + block]) for i in range(0, len(rec.x), block)])
whole = emg.EnvelopePipeline(rec.fs, channels).process(rec.x)
print(f"streamed {streamed.shape}; identical to one call over the whole recording: {np.array_equal(streamed, whole)}")

# %%
# Offline: zero-phase, the envelope to publish
# --------------------------------------------
# The causal envelope lags the zero-phase one by the pipeline's latency. Raw ADC counts sit on a DC offset of about
# 2000 counts, which the causal band-pass sees as a step at the first sample, so the first 3 s (settling) are left
# out of the comparison.
offline = emg.offline_envelope(rec.x, channels, fs=rec.fs)
settled = slice(int(3 * rec.fs), None)


def lag_samples(live: np.ndarray, reference: np.ndarray, max_lag: int) -> int:
    """The delay of ``live`` behind ``reference`` that maximises their cross-correlation."""
    a, b = live - live.mean(), reference - reference.mean()
    return int(np.argmax([np.dot(a[k:], b[: len(b) - k]) for k in range(max_lag)]))


for c, ch in enumerate(channels):
    lag = lag_samples(streamed[settled, c], offline[settled, c], int(0.2 * rec.fs))
    r = np.corrcoef(streamed[settled, c][lag:], offline[settled, c][: len(offline[settled]) - lag])[0, 1]
    print(f"{ch.name}: measured lag {1e3 * lag / rec.fs:.0f} ms, stated latency {pipeline.latency_ms(c):.1f} ms; "
          f"correlation after the shift {r:.3f}")

t = np.arange(len(rec.x)) / rec.fs
fig, ax = plt.subplots(figsize=(8, 3))
window = (t > 10) & (t < 20)
ax.plot(t[window], offline[window, 1], label="offline (zero-phase)")
ax.plot(t[window], streamed[window, 1], label="streamed (20 ms blocks)")
ax.set(xlabel="time (s)", ylabel="envelope (ADC counts)", title="ES_L: causal vs zero-phase envelope")
ax.legend()
fig.tight_layout()

# %%
# Activations on the offline envelope
# -----------------------------------
# Onsets and offsets against each channel's quietest 3 s (the session default when no rest period is given).
quiet = int(3 * rec.fs)
energy = np.convolve(offline[:, 0] + offline[:, 1], np.ones(quiet) / quiet, mode="valid")
start = int(np.argmin(energy))
rest = offline[start:start + quiet]
activations = emg.detect_activations(offline, rest, fs=rec.fs, config=emg.OnsetConfig(k_on=8.0, k_off=4.0, min_on_s=0.1))
print(activations.to_frame().groupby("channel").size().rename("activations"))
envelope_figure = plot.envelopes(offline, activations, fs=rec.fs, channel_names=[c.name for c in channels],
                                 rest_s=(start / rec.fs, (start + quiet) / rec.fs), unit="ADC counts")

# %%
# Biofeedback: a multiple of the rest level in a target zone
# ----------------------------------------------------------
# A display pipeline decimates to 100 Hz (its stated latency includes the decimation hold). The display envelope
# as a multiple of its rest mean drives a zone tracker, which reports each entry and exit with hysteresis and a
# minimum dwell, at a 20 Hz display rate.
display_hz = 100.0
display = emg.EnvelopePipeline(rec.fs, channels, output_rate_hz=display_hz)
shown = np.concatenate([display.process(rec.x[i:i + block]) for i in range(0, len(rec.x), block)])
print(f"display envelope {shown.shape} at {display_hz:g} Hz, latency {display.latency_ms(0):.1f} ms")
step = int(round(rec.fs / display_hz))
relative = shown / shown[start // step:(start + quiet) // step].mean(axis=0)
zones = emg.TargetZoneTracker([emg.TargetZone(3.0, 30.0, hysteresis=0.3, min_dwell_s=0.2)] * len(channels),
                              input_rate_hz=display_hz, display_rate_hz=20.0)
changes = zones.process(relative)
duration = len(relative) / display_hz
for c, ch in enumerate(channels):
    mine = [change for change in changes if change["channel"] == c]
    ends = [change["time_s"] for change in mine[1:]] + [duration]
    inside = sum(end - change["time_s"] for change, end in zip(mine, ends) if change["to"] == "inside")
    entries = sum(1 for change in mine if change["to"] == "inside")
    print(f"{ch.name}: {entries} entries into the zone of 3x to 30x the rest level, {inside:.1f} s inside")
