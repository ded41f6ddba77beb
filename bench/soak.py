"""Soak test of the real-time EMG chain: one simulated hour of 16 channels at 2 kHz with faults at random times.

The chain is the one the live biofeedback runs (kinemyo.biofeedback): an EnvelopePipeline with the defaults (limb
channels 0-11; trunk channels 12-15 with streaming ECG removal), an OnsetDetector (threshold method) on the
envelopes and a TargetZoneTracker on the envelopes in multiples of each channel's rest level, fed blocks of 32
frames (16 ms, a typical amplifier packet) as a live stream would. Python drives the compiled objects: the
per-call overhead is a few microseconds, far below the 16 ms a block lasts (an hour runs in about 30 s, 130x
real time, on 2 cores, signal generation included), so no separate C++ program is needed.

Signal: rest EMG (SD 0.01 mV) with a 2 s contraction every 6 s on every channel (SD 0.2-0.42 mV on the limb
channels, 0.05-0.08 mV on the trunk channels, channel c shifted by 0.2 c s; none in the first 10 s, whose second
half gives the rest baselines) plus a 72 bpm ECG on the trunk channels. The reference channel 0 replays the same
minute of noise every minute, so its envelope in the last minute must repeat its envelope in the second (the first
holds the start-up) to rounding: any state that drifts or accumulates shows. Faults (seeded), on average one every
5 s on a random channel 1-15 (channel 0 is the clean reference): one NaN, one +-inf, a +-spike log-uniform in
[10, 1e300] (valid up to the default max_abs 1e12, invalid beyond), a plateau at the ADC rail (2.5 mV) for 10-100
ms, a NaN dropout of 50-500 ms, a 10x burst for 50-300 ms.

Checks (exit status 1 if any fails):
  finite     every envelope sample is finite;
  counted    the pipeline's replaced_samples equals the number of invalid samples injected (non-finite or beyond
             max_abs), and the onset detector, fed envelopes only, replaces none;
  memory     RSS, sampled every simulated minute, grows by less than 1 MB after minute 5;
  drift      the reference channel's envelope in the last minute equals that of minute 2 to 1e-9 of its range,
             it is bit-identical to a fault-free run of that channel (nothing leaks across channels), and it has
             exactly one onset per contraction, within 50 ms of its start;
  heals      channel 1 (faulted) equals its fault-free run to 1e-6 of its envelope range except within 2.5 s
             (the pipeline's documented settling time) after each of its faults.

    python bench/soak.py [--minutes 60] [--seed 1]
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

from kinemyo import emg

FS = 2000.0
N_CH = 16
TRUNK = range(12, 16)
BLOCK = 32
CHUNK = 125 * BLOCK  # 2 s of signal generated at once, fed in 125 blocks
REST_SD = 0.01
PERIOD_S, ACTIVE_S, QUIET_S = 6.0, 2.0, 10.0
RAIL = 2.5
# Contraction SD (mV): limb channels 20-42x rest; trunk channels 5-8x (postural paraspinal activity; beats inside
# a strong contraction stay in the ECG template for template_beats beats, 25 s, and would add residual beats).
LEVEL = np.concatenate([0.2 + 0.02 * np.arange(12), 0.05 + 0.01 * np.arange(4)])
SETTLE_S = 2.5  # EnvelopePipeline (lowpass envelope) settling time after a fault, include/kinemyo/emg
MAX_ABS = 1e12  # the pipeline's default input bound
RSS_BOUND = 1 << 20
DRIFT_TOL = 1e-9
ONSET_CONFIG = dict(k_on=8.0, k_off=4.0)  # a smooth envelope at rest exceeds mean + 3 SD for 25 ms now and then
HEAL_TOL = 1e-6
FAULT_INTERVAL_S = 5.0
KINDS = ("nan", "inf", "spike", "rail", "dropout", "burst")


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def activity(t: np.ndarray) -> np.ndarray:
    """(n, N_CH) amplitude (SD, mV) at times t: rest, plus each channel's 2 s contraction every 6 s after 10 s."""
    local = t[:, None] - 0.2 * np.arange(N_CH)[None, :]
    phase = local % PERIOD_S
    on = (phase >= 3.0) & (phase < 3.0 + ACTIVE_S) & (local - phase + 3.0 >= QUIET_S)  # whole contractions only
    return np.where(on, LEVEL[None, :], REST_SD)


def ecg(t: np.ndarray) -> np.ndarray:
    """A 72 bpm ECG-like pulse train (QRS: a 10 ms wide biphasic pulse of 0.3 mV, T wave 0.05 mV)."""
    u = (t % (60.0 / 72.0)) - 0.3
    return 0.3 * (u / 0.01) * np.exp(-0.5 * (u / 0.01) ** 2) + 0.05 * np.exp(-0.5 * ((u - 0.25) / 0.04) ** 2)


def contraction_starts(channel: int, t1: float) -> np.ndarray:
    """Start times (s) of the contractions of `channel` before t1."""
    k = np.arange(int(t1 // PERIOD_S) + 2)
    s = k * PERIOD_S + 3.0 + 0.2 * channel
    return s[(s - 0.2 * channel >= QUIET_S) & (s < t1)]


def fault_schedule(rng: np.random.Generator, n_frames: int) -> list[tuple[int, int, str, int, float]]:
    """(start frame, channel, kind, length, value) sorted by start, from QUIET_S on."""
    faults = []
    t = QUIET_S + rng.exponential(FAULT_INTERVAL_S)
    while t * FS < n_frames:
        kind = KINDS[rng.integers(len(KINDS))]
        sign = rng.choice([-1.0, 1.0])
        length, value = 1, np.nan
        if kind == "inf":
            value = sign * np.inf
        elif kind == "spike":
            value = sign * 10.0 ** rng.uniform(1.0, 300.0)
        elif kind == "rail":
            length, value = int(rng.uniform(0.01, 0.1) * FS), sign * RAIL
        elif kind == "dropout":
            length = int(rng.uniform(0.05, 0.5) * FS)
        elif kind == "burst":
            length, value = int(rng.uniform(0.05, 0.3) * FS), 10.0
        faults.append((int(t * FS), int(rng.integers(1, N_CH)), kind, length, value))
        t += rng.exponential(FAULT_INTERVAL_S)
    return faults


def run(minutes: float, seed: int) -> int:
    n_frames = int(round(minutes * 60.0 * FS / CHUNK)) * CHUNK
    minute_frames = int(60 * FS)
    if n_frames < 3 * minute_frames:
        print("soak: --minutes must be at least 3 (the drift check compares minute 2 with the last minute)")
        return 2
    rng = np.random.default_rng(seed)
    ref_noise = np.random.default_rng([seed, 1]).standard_normal(minute_frames)
    ref_minute2 = np.empty(minute_frames)
    ref_onsets: list[float] = []
    faults = fault_schedule(rng, n_frames)
    channels = [emg.ChannelConfig(name=f"limb{c}") for c in range(12)]
    channels += [emg.ChannelConfig(name=f"trunk{c}", profile="trunk", remove_ecg=True) for c in TRUNK]
    pipeline = emg.EnvelopePipeline(FS, channels)
    shadow = emg.EnvelopePipeline(FS, channels[:2])  # channels 0 and 1, fault-free
    onsets = emg.OnsetDetector(N_CH, FS, emg.OnsetConfig(**ONSET_CONFIG))
    zones = None
    rest_env = np.empty((int(5 * FS), N_CH))
    onset_count = np.zeros(N_CH, dtype=np.int64)
    zone_events = 0

    injected = {k: 0 for k in KINDS}
    invalid_injected = 0
    ch1_faults: list[tuple[int, int]] = []  # [start, end + settling) in frames
    next_fault = 0
    active: list[tuple[int, int, str, int, float]] = []
    finite = True
    max_dev_ref = 0.0
    max_dev_heal = 0.0
    heal_scale = None
    drift = 0.0
    rss: list[int] = []
    out = np.empty((CHUNK, N_CH))
    out_shadow = np.empty((CHUNK, 2))

    wall0 = time.perf_counter()
    for c0 in range(0, n_frames, CHUNK):
        if c0 % minute_frames == 0:
            rss.append(rss_bytes())
        t = (c0 + np.arange(CHUNK)) / FS
        clean = rng.standard_normal((CHUNK, N_CH)) * activity(t)
        phase = c0 % minute_frames
        clean[:, 0] = ref_noise[phase:phase + CHUNK] * activity(t)[:, 0]
        clean[:, TRUNK.start:TRUNK.stop] += ecg(t)[:, None]
        x = clean.copy()
        # Faults overlapping this chunk (a long one may continue from the previous chunk).
        while next_fault < len(faults) and faults[next_fault][0] < c0 + CHUNK:
            f = faults[next_fault]
            active.append(f)
            injected[f[2]] += 1
            if f[1] == 1:
                ch1_faults.append((f[0], f[0] + f[3] + int(SETTLE_S * FS)))
            next_fault += 1
        still = []
        for f in active:
            start, ch, kind, length, value = f
            lo, hi = max(start, c0) - c0, min(start + length, c0 + CHUNK) - c0
            if kind == "burst":
                x[lo:hi, ch] *= value
            else:
                x[lo:hi, ch] = value
            if start + length > c0 + CHUNK:
                still.append(f)
        active = still
        invalid_injected += int(np.count_nonzero(~(np.abs(x) <= MAX_ABS)))

        for b0 in range(0, CHUNK, BLOCK):
            out[b0:b0 + BLOCK] = pipeline.process(x[b0:b0 + BLOCK])
            out_shadow[b0:b0 + BLOCK] = shadow.process(clean[b0:b0 + BLOCK, :2])
            frame = c0 + b0
            if zones is not None:
                env = out[b0:b0 + BLOCK]
                for e in onsets.process(env):
                    onset_count[e["channel"]] += e["kind"] == "onset"
                    if e["channel"] == 0 and e["kind"] == "onset":
                        ref_onsets.append(QUIET_S + e["time_s"])
                zone_events += len(zones.process(env / rest_level))
            elif frame >= int(QUIET_S * FS) - len(rest_env) and frame < int(QUIET_S * FS):
                k = frame - (int(QUIET_S * FS) - len(rest_env))
                rest_env[k:k + BLOCK] = out[b0:b0 + BLOCK]
                if k + BLOCK == len(rest_env):  # the rest baseline is complete: start the detectors
                    onsets.set_baseline(rest_env)
                    rest_level = rest_env.mean(axis=0)
                    zones = emg.TargetZoneTracker([emg.TargetZone(3.0, 20.0, 0.5, 0.2)] * N_CH, FS, 10.0)

        finite &= bool(np.all(np.isfinite(out)))
        max_dev_ref = max(max_dev_ref, float(np.max(np.abs(out[:, 0] - out_shadow[:, 0]))))
        if heal_scale is None and c0 + CHUNK >= int(2 * QUIET_S * FS):
            heal_scale = float(np.ptp(out_shadow[:, 1]))  # a contraction is under way at 18-20 s on channel 1
        if heal_scale is not None:
            unsettled = np.zeros(CHUNK, dtype=bool)
            for s, e in ch1_faults:
                if e > c0 and s < c0 + CHUNK:
                    unsettled[max(s, c0) - c0:min(e, c0 + CHUNK) - c0] = True
            ch1_faults = [(s, e) for s, e in ch1_faults if e > c0 + CHUNK]
            dev = np.abs(out[:, 1] - out_shadow[:, 1])[~unsettled]
            if dev.size:
                max_dev_heal = max(max_dev_heal, float(np.max(dev)) / heal_scale)
        if minute_frames <= c0 < 2 * minute_frames:
            ref_minute2[phase:phase + CHUNK] = out[:, 0]
        elif c0 >= n_frames - minute_frames:
            drift = max(drift, float(np.max(np.abs(out[:, 0] - ref_minute2[phase:phase + CHUNK]))))
    wall = time.perf_counter() - wall0
    rss.append(rss_bytes())

    simulated = n_frames / FS
    drift /= float(np.ptp(ref_minute2))
    starts = contraction_starts(0, simulated - 0.5)
    onset_error = (float(np.max(np.abs(np.array(ref_onsets) - starts))) if len(ref_onsets) == len(starts)
                   else np.inf)
    after5 = rss[5:] if len(rss) > 6 else rss[-2:]
    growth = max(after5) - after5[0]
    counted = pipeline.replaced_samples
    n_contractions = sum(len(contraction_starts(c, simulated - 0.5)) for c in range(N_CH))

    checks = {
        "finite": finite,
        "counted": counted == invalid_injected and onsets.replaced_samples == 0,
        "memory": growth < RSS_BOUND,
        "drift": drift <= DRIFT_TOL and max_dev_ref == 0.0 and onset_error < 0.05,
        "heals": heal_scale is not None and max_dev_heal <= HEAL_TOL,
    }
    rows = [
        ("simulated time", f"{simulated / 60:.1f} min ({n_frames:,} frames x {N_CH} channels, blocks of {BLOCK})"),
        ("wall time", f"{wall:.1f} s"),
        ("real-time factor", f"{simulated / wall:.0f}x"),
        ("RSS start / end", f"{rss[0] / 2**20:.1f} / {rss[-1] / 2**20:.1f} MB"),
        (f"RSS growth after minute {min(5, len(rss) - 2)}", f"{growth / 2**10:.0f} kB (bound {RSS_BOUND >> 10} kB)"),
        ("drift, reference channel", f"{drift:.3g} of its range, last minute vs minute 2 (bound {DRIFT_TOL:g})"),
        ("max deviation, reference", f"{max_dev_ref:.3g} (vs its fault-free run; must be 0)"),
        ("max deviation, faulted ch 1", f"{max_dev_heal:.3g} of its range outside {SETTLE_S} s after faults "
                                        f"(bound {HEAL_TOL:g})"),
        ("faults injected", ", ".join(f"{k} {v}" for k, v in injected.items()) + f"; total {sum(injected.values())}"),
        ("invalid samples injected / counted", f"{invalid_injected:,} / {counted:,}"),
        ("onsets, reference channel", f"{len(ref_onsets)} for {len(starts)} contractions, "
                                      f"max error {1e3 * onset_error:.0f} ms"),
        ("onsets, all channels", f"{int(onset_count.sum())} for {n_contractions} contractions and "
                                 f"{sum(injected[k] for k in ('spike', 'rail', 'burst'))} spikes, plateaus, bursts"),
        ("zone events", f"{zone_events}"),
    ]
    width = max(len(k) for k, _ in rows)
    print("kinemyo soak: EnvelopePipeline (12 limb + 4 trunk with ECG removal) -> OnsetDetector, TargetZoneTracker")
    for k, v in rows:
        print(f"  {k:<{width}}  {v}")
    print("  checks: " + ", ".join(f"{k} {'ok' if v else 'FAILED'}" for k, v in checks.items()))
    return 0 if all(checks.values()) else 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=60.0, help="simulated minutes (default 60)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the signals and the fault schedule (default 1)")
    args = ap.parse_args()
    return run(args.minutes, args.seed)


if __name__ == "__main__":
    sys.exit(main())
