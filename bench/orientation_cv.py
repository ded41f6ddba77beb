"""Cross-validated choice of the robust orientation filter's defaults on the BROAD trials (protocol:
docs/validation.md).

The 10 BROAD trials in ../shared/data/broad (Laidig et al., Data 6:72, 2021; CC BY 4.0) fall into four groups of
motion: slow rotation, fast rotation, translation, disturbed. For each group in turn, the parameter set with the
lowest mean error on the other three groups is chosen from a fixed grid and scored on the held-out group
(leave-one-group-out); the cross-validated figure of a trial is its error under the set chosen without it. The
shipped default is the set chosen on all 10 trials; its in-sample figures are printed beside the cross-validated
ones. PyPI `vqf` (published defaults, not tuned here) runs in the same process on the same trials.

Errors (BROAD definitions, movement == 1 samples, RMSE in degrees): 9D total / inclination; 6D total after
removing the trial's constant heading offset (a 6D estimate has no absolute heading; the offset is the circular
mean of the signed heading error) and 6D inclination; 6D heading drift in deg/min (slope of a straight line
through the signed, unwrapped 6D heading error).

    python bench/orientation_cv.py [--data DIR] [--json out.json] [--quick]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from broad_eval import DEG, load, score  # noqa: E402

from kinemyo import imu  # noqa: E402

GROUPS = {"slow rotation": ("01_", "04_"), "fast rotation": ("06_", "21_"), "translation": ("10_", "15_"),
          "disturbed": ("24_", "26_", "28_", "32_")}
# The grid: VQF's published value and the earlier default for tau_acc and tau_mag, and the mechanism added for
# issue 14 (off or on at two scales). The rest keep VQF's published values, for these reasons (measured with them
# in a 192-point grid, see docs/validation.md): bias_sigma_motion 0.1 deg/s -- with 0.03 in the grid, leaving the
# slow rotations out picks 0.03, which then costs those trials 1.1 deg of 6D error (and 20 further BROAD trials
# showed the same loss, issue 14); mag_norm_threshold 0.1, mag_min_undisturbed_time 0.5 s and
# mag_rejection_factor 2 -- free (96 sets), they cross-validate to the same figures (9D 2.133 deg causal, 2.427
# offline), and the norm threshold of 0.2 most folds take lets a 19 uT magnet on the sensor through (C++ test).
GRID = {
    "tau_acc": (2.5, 3.0),
    "tau_mag": (9.0, 15.0),
    "bias_motion_rate_ref": (0.0, 1.5, 4.0),
}
QUICK = {"tau_acc": (2.5, 3.0), "tau_mag": (15.0,), "bias_motion_rate_ref": (0.0, 1.5)}
# Parameters that change the 6D estimate (the rest only act on the magnetometer): 6D runs are cached by these.
SIX_D = ("tau_acc", "bias_motion_rate_ref")
METRICS = ("9D total", "9D incl", "6D total", "6D incl", "6D drift")


def group_of(name: str) -> str:
    return next(g for g, prefixes in GROUPS.items() if name.startswith(prefixes))


def cost(m):
    """The selection criterion: mean of the four RMSEs (9D and 6D, total and inclination), degrees."""
    return (m["9D total"] + m["9D incl"] + m["6D total"] + m["6D incl"]) / 4.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=os.environ.get("KINEMYO_DATA_DIR", str(Path(__file__).parents[1].parent /
                                                                                "shared" / "data")))
    ap.add_argument("--json", help="write every configuration's per-trial figures here")
    ap.add_argument("--quick", action="store_true", help="a 4-point grid (CI smoke run)")
    args = ap.parse_args()
    broad = Path(args.data) / "broad"
    trials = json.loads((broad / "trials.json").read_text())
    grid = QUICK if args.quick else GRID
    configs = [dict(zip(grid, values)) for values in itertools.product(*grid.values())]
    t0 = time.perf_counter()
    data = {name: load(broad / f"{name}.csv") for name in trials}
    # results[variant][config index][trial] = metrics
    results: dict[str, list[dict[str, dict[str, float]]]] = {"causal": [], "offline": []}
    cache6: dict[tuple, dict[str, np.ndarray]] = {}
    for i, cfg in enumerate(configs):
        p = imu.RobustFilterParams(**cfg)
        for variant in results:
            offline = variant == "offline"
            key = (variant,) + tuple(cfg[k] for k in SIX_D)
            if key not in cache6:
                cache6[key] = {name: imu.robust_orientation(g, a, fs=trials[name]["sampling_rate_hz"], params=p,
                                                            offline=offline).quat_6d
                               for name, (g, a, m, ref, mov) in data.items()}
            per_trial = {}
            for name, (g, a, m, ref, mov) in data.items():
                fs = trials[name]["sampling_rate_hz"]
                q9 = imu.robust_orientation(g, a, m, fs=fs, params=p, offline=offline).quat_9d
                per_trial[name] = score(q9, cache6[key][name], ref, mov, fs)
            results[variant].append(per_trial)
        if (i + 1) % 16 == 0:
            print(f"  {i + 1}/{len(configs)} parameter sets, {time.perf_counter() - t0:.0f} s", flush=True)
    peer = {}
    try:
        import vqf

        for variant in ("causal", "offline"):
            peer[variant] = {}
            for name, (g, a, m, ref, mov) in data.items():
                fs = trials[name]["sampling_rate_hz"]
                if variant == "causal":
                    out9 = vqf.VQF(1.0 / fs).updateBatch(g, a, m)
                    out6 = vqf.VQF(1.0 / fs).updateBatch(g, a)
                else:
                    out9 = vqf.offlineVQF(g, a, m, 1.0 / fs)
                    out6 = vqf.offlineVQF(g, a, None, 1.0 / fs)
                peer[variant][name] = score(out9["quat9D"], out6["quat6D"], ref, mov, fs)
    except ImportError:
        print("vqf not installed: no peer column")

    names = list(trials)

    def choose(train: list[str]) -> int:
        # One parameter set for both variants: the lowest mean criterion over the training trials, causal and
        # offline together.
        totals = [np.mean([cost(results[v][i][n]) for v in results for n in train]) for i in range(len(configs))]
        return int(np.argmin(totals))

    cv = {v: {} for v in results}
    chosen_per_group = {}
    for group in GROUPS:
        held = [n for n in names if group_of(n) == group]
        best = choose([n for n in names if n not in held])
        chosen_per_group[group] = configs[best]
        for v in results:
            for n in held:
                cv[v][n] = results[v][best][n]
    final = choose(names)
    insample = {v: results[v][final] for v in results}

    def fmt_cfg(c):
        return ", ".join(f"{k}={v / DEG:.3g} deg/s" if k == "bias_sigma_motion" else f"{k}={v:g}" for k, v in c.items())

    print(f"{len(configs)} parameter sets x {len(names)} trials x 2 variants in {time.perf_counter() - t0:.0f} s")
    for group, c in chosen_per_group.items():
        print(f"  chosen without '{group}': {fmt_cfg(c)}")
    print(f"  chosen on all trials (the shipped default): {fmt_cfg(configs[final])}")
    ok = True
    for v in results:
        print(f"\n{v}: RMSE deg (9D total, 9D incl, 6D total, 6D incl) and 6D heading drift deg/min")
        head = "".join(f"{m:>10s}" for m in METRICS)
        print(f"{'trial':42s}{'':16s}{head}")
        for n in names:
            for label, src in (("CV", cv[v]), ("VQF", peer.get(v, {}))):
                if n in src:
                    print(f"{n[:40] if label == 'CV' else '':42s}{label:16s}" +
                          "".join(f"{src[n][m]:10.2f}" for m in METRICS))
        for label, src in (("mean CV", cv[v]), ("mean in-sample", insample[v]), ("mean VQF", peer.get(v, {}))):
            if src:
                print(f"{'':42s}{label:16s}" + "".join(f"{np.mean([src[n][m] for n in names]):10.3f}"
                                                        for m in METRICS))
        if v in peer:
            worst = max(cv[v][n][m] - peer[v][n][m] for n in names for m in ("9D total", "6D total"))
            print(f"{'':42s}worst single-trial total-RMSE excess over VQF (CV): {worst:+.2f} deg")
            for m in ("9D total", "9D incl", "6D total", "6D incl"):
                ok &= np.mean([cv[v][n][m] for n in names]) < np.mean([peer[v][n][m] for n in names])
            ok &= worst <= 0.3
    print(f"\ntarget (CV better than VQF on every mean, no trial worse by > 0.3 deg): {'met' if ok else 'NOT met'}")
    if args.json:
        Path(args.json).write_text(json.dumps({"configs": configs, "results": results, "vqf": peer,
                                               "cv": cv, "final": final}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
