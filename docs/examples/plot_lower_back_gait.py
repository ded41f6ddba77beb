"""
Lower-back gait: contacts, sides and a step table from one sensor
=================================================================

One IMU at L4-L5 (a Mobilise-D lab recording bundled in ``tests/data/mobgap``: participant HA/001, a straight
walk at 100 Hz, acceleration in m/s^2 and angular rate in rad/s in the sensor's own frame) gives walking bouts,
initial contacts with their sides, final contacts and a step table. The INDIP reference system's contacts for the
same walk are in the reference file beside it; matching them gives the recall, the timing error and the share of
correct sides for this walk.
"""

import pathlib

import numpy as np
import pandas as pd

from kinemyo import gait, plot


def find_data_dir() -> pathlib.Path:
    """tests/data/mobgap of this checkout (the example runs from docs/examples)."""
    here = pathlib.Path(__file__).resolve() if "__file__" in globals() else pathlib.Path.cwd()
    for folder in (here, *here.parents):
        if (folder / "tests" / "data" / "mobgap").is_dir():
            return folder / "tests" / "data" / "mobgap"
    raise FileNotFoundError("tests/data/mobgap not found above " + str(here))


data_dir = find_data_dir()
data = pd.read_csv(data_dir / "ha001_test5_trial1.csv").to_numpy()
reference = pd.read_csv(data_dir / "ha001_test5_trial1_reference.csv")
fs = 100.0
acc, gyr = data[:, :3], data[:, 3:]
print(f"{len(data) / fs:.1f} s at {fs:g} Hz")

walk = gait.lower_back_gait(acc, gyr, fs=fs)
print(walk.bouts.to_string())
print(walk.steps[["side", "step_time_s", "stride_time_s", "cadence_steps_per_min", "excluded"]].round(3).to_string())

# %%
# Against the reference contacts
# ------------------------------
# A detected contact counts when it lies within 0.25 s of a reference contact (each matched once).
ref_ic = reference[reference["event"] == "initial_contact"]
ref_times = ref_ic["time_s"].to_numpy()
found = np.asarray(walk.initial_contact)
sides = np.asarray(walk.initial_contact_side)
matched, errors, sides_right = 0, [], 0
used = np.zeros(len(found), dtype=bool)
for t_ref, side_ref in zip(ref_times, ref_ic["side"]):
    distance = np.where(used, np.inf, np.abs(found - t_ref))
    k = int(np.argmin(distance)) if len(found) else -1
    if k >= 0 and distance[k] <= 0.25:
        used[k] = True
        matched += 1
        errors.append(found[k] - t_ref)
        sides_right += sides[k] == side_ref
print(f"reference contacts found: {matched}/{len(ref_times)}, extra detections: {int((~used).sum())}")
print(f"timing: median {1e3 * np.median(errors):+.0f} ms, mean absolute {1e3 * np.mean(np.abs(errors)):.0f} ms; "
      f"side correct for {sides_right}/{matched}")

# %%
# The contacts on the vertical acceleration
# -----------------------------------------
# Coloured by side; the sensor's vertical is found from gravity, so here the norm minus gravity is drawn.
events_figure = plot.gait_events(np.linalg.norm(acc, axis=1) - 9.81, walk, fs=fs, ylabel="|acc| - g (m/s^2)")
