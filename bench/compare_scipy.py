"""Time kinemyo against SciPy on the EMG envelope chain, in the same process, single thread.

Chain: 4th-order Butterworth band-pass 20-450 Hz (4 sections), full-wave rectification, 2nd-order 6 Hz low-pass,
on 16 channels x 2 kHz x 10 min float64 (the default). Both libraries get the same (n_samples, n_channels)
C-contiguous array. SciPy is timed as a user calls it (``axis=0``) and on its most favourable layout (channels
first, ``axis=-1``); kinemyo is timed through its batch ``sosfilt`` and through streaming ``SosFilter`` objects
fed 1 s blocks in place, both as two filters with NumPy's abs between them and as one cascade with the rectifier
inside (``rectify_after``), (a block size where Python's per-call cost is negligible; C++ callers use any size, down to
single frames, with identical output). The outputs must agree to rtol 1e-12 (in practice they are bit-identical).

    python bench/compare_scipy.py [--minutes 10] [--channels 16] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
from scipy import signal

import kinemyo
from kinemyo import dsp, emg

FS = 2000.0


def best_of(repeats, fn):
    best, result = np.inf, None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--channels", type=int, default=16)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()

    n = int(args.minutes * 60 * FS)
    x = np.random.default_rng(0).standard_normal((n, args.channels))
    band = signal.butter(4, [20, 450], "bandpass", fs=FS, output="sos")
    low = signal.butter(2, 6.0, "lowpass", fs=FS, output="sos")
    np.testing.assert_allclose(dsp.butterworth_sos(4, (20, 450), "bandpass", fs=FS), band, rtol=1e-10, atol=1e-14)

    def scipy_chain():
        return signal.sosfilt(low, np.abs(signal.sosfilt(band, x, axis=0)), axis=0)

    xt = np.ascontiguousarray(x.T)

    def scipy_chain_channels_first():
        return signal.sosfilt(low, np.abs(signal.sosfilt(band, xt, axis=-1)), axis=-1)

    def kinemyo_chain():
        y = dsp.sosfilt(band, x)
        np.abs(y, out=y)
        return dsp.sosfilt(low, y)

    def kinemyo_streaming():
        fb, fl = dsp.SosFilter(band, args.channels), dsp.SosFilter(low, args.channels)
        out = np.empty_like(x)
        step = int(1.0 * FS)
        for i in range(0, n, step):
            blk = out[i : i + step]
            fb.process(x[i : i + step], out=blk)
            np.abs(blk, out=blk)
            fl.process(blk, out=blk)
        return out

    # The EMG envelope pipeline (limb profile: 4th-order 20 Hz high-pass + 4th-order 450 Hz low-pass, i.e. the
    # same 4 sections as the band-pass above, rectification, 2nd-order 6 Hz envelope), fused per block in C++,
    # against SciPy running exactly the pipeline's filters.
    pipe_pre = emg.EnvelopePipeline(FS, args.channels).prefilter_sos(0)

    def scipy_pipeline_chain():
        return signal.sosfilt(low, np.abs(signal.sosfilt(pipe_pre, x, axis=0)), axis=0)

    def kinemyo_pipeline():
        return emg.EnvelopePipeline(FS, args.channels).process(x)

    def kinemyo_one_cascade():
        # The whole chain as one streaming filter: band-pass sections, rectifier, envelope section.
        f = dsp.SosFilter(np.vstack([band, low]), args.channels, rectify_after=len(band) - 1)
        out = np.empty_like(x)
        step = int(1.0 * FS)
        for i in range(0, n, step):
            f.process(x[i : i + step], out=out[i : i + step])
        return out

    t_scipy, ref = best_of(args.repeats, scipy_chain)
    t_cascade, cascaded = best_of(args.repeats, kinemyo_one_cascade)
    t_scipy_pipe, ref_pipe = best_of(args.repeats, scipy_pipeline_chain)
    t_pipe, got_pipe = best_of(args.repeats, kinemyo_pipeline)
    t_scipy_cf, _ = best_of(args.repeats, scipy_chain_channels_first)
    t_km, got = best_of(args.repeats, kinemyo_chain)
    t_stream, streamed = best_of(args.repeats, kinemyo_streaming)
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-12 * np.abs(ref).max())
    np.testing.assert_allclose(streamed, ref, rtol=1e-12, atol=1e-12 * np.abs(ref).max())
    np.testing.assert_allclose(cascaded, ref, rtol=1e-12, atol=1e-12 * np.abs(ref).max())
    np.testing.assert_allclose(got_pipe, ref_pipe, rtol=1e-12, atol=1e-12 * np.abs(ref_pipe).max())
    identical = bool(np.array_equal(got, ref) and np.array_equal(streamed, ref) and np.array_equal(cascaded, ref) and np.array_equal(got_pipe, ref_pipe))

    print(f"kinemyo {kinemyo.__version__} ({kinemyo.fft_backend} FFT), numpy {np.__version__}, "
          f"scipy {__import__('scipy').__version__}, cpu count {os.cpu_count()}")
    print(f"EMG chain on {args.channels} ch x {FS:.0f} Hz x {args.minutes:g} min float64 "
          f"({n * args.channels / 1e6:.1f} M samples), best of {args.repeats}:")
    print(f"  scipy.signal.sosfilt, axis=0            {t_scipy * 1e3:9.1f} ms")
    print(f"  scipy.signal.sosfilt, channels-first    {t_scipy_cf * 1e3:9.1f} ms")
    print(f"  kinemyo.dsp.sosfilt (batch)             {t_km * 1e3:9.1f} ms   ratio {t_scipy / t_km:5.1f}x "
          f"(vs channels-first {t_scipy_cf / t_km:.1f}x)")
    print(f"  kinemyo.dsp.SosFilter, 1 s blocks       {t_stream * 1e3:9.1f} ms   ratio {t_scipy / t_stream:5.1f}x")
    print(f"  kinemyo.dsp.SosFilter, rectify_after    {t_cascade * 1e3:9.1f} ms   ratio {t_scipy / t_cascade:5.1f}x "
          "(one cascade, 1 s blocks)")
    print(f"  emg.EnvelopePipeline (fused, limb)      {t_pipe * 1e3:9.1f} ms   ratio {t_scipy_pipe / t_pipe:5.1f}x "
          f"(SciPy on the pipeline's own filters: {t_scipy_pipe * 1e3:.1f} ms)")
    print(f"  outputs identical to scipy: {identical} (max |diff| {np.abs(got - ref).max():.3g})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
