"""The notebook workflow as a script: load a session, analyse it, look at the pandas tables, plot, export.

    python examples/python/notebook_workflow.py [SESSION] [--out DIR]

Without SESSION it uses the bundled demo session.
"""

from __future__ import annotations

import argparse
import pathlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from kinemyo import gait  # noqa: E402
from kinemyo.analysis import analyze_session  # noqa: E402
from kinemyo.cli import demo_session_path  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("session", nargs="?", default=str(demo_session_path()))
    ap.add_argument("--out", default="notebook_output")
    args = ap.parse_args()
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    result = analyze_session(args.session)                         # 1. load and analyse
    strides = result.gait.strides                                   # 2. pandas: one row per stride
    kept = strides[~strides.excluded]
    print(kept.groupby("side")[["stride_time_s", "stance_time_s", "stride_length_m"]].median().round(3))
    summary = gait.asymmetry_summary(strides, affected=result.session.affected_side, bootstrap=500)
    print(summary[summary["index"] == "symmetry_index"][["parameter", "value", "ci_low", "ci_high"]].round(2))

    fig, ax = plt.subplots(figsize=(8, 3))                          # 3. plot: stance time per stride and side
    for side, rows in kept.groupby("side"):
        ax.plot(rows.initial_contact_s, rows.stance_time_s, "o-", label=side)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("stance time (s)")
    ax.legend()
    fig.savefig(out / "stance_per_stride.png", dpi=100, bbox_inches="tight")

    strides.to_csv(out / "strides.csv", index=False)                # 4. export
    summary.to_csv(out / "asymmetry.csv", index=False)
    emg = result.emg["ES_L"]
    np.savetxt(out / "es_l_envelope.csv", np.column_stack([emg["t"][::10], emg["envelope"][::10]]), delimiter=",",
               header="t_s,envelope", comments="")
    print(f"wrote {out}/strides.csv, asymmetry.csv, es_l_envelope.csv, stance_per_stride.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
