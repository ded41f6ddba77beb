"""Writes the small lower-back test recording from the Mobilise-D lab data in ../shared/data/mobgap (mobgap
example data, Apache-2.0, (c) 2024 Bjoern Eskofier, MaD-Lab FAU, for the Mobilise-D consortium):
HA/001 TimeMeasure1/Test5/Trial1, the lower-back sensor in m/s^2 and rad/s (9 significant digits), and its INDIP
reference contacts on kinemyo's clock (first sample at 0 s).

    python tests/data/mobgap/make_sample.py [--data DIR]
"""

import argparse
import os
from pathlib import Path

import numpy as np

from kinemyo import io

here = Path(__file__).parent
ap = argparse.ArgumentParser()
ap.add_argument("--data", default=os.environ.get("KINEMYO_DATA_DIR", str(here.parents[3] / "shared" / "data")))
trial = next(t for t in io.read_mobilised_matlab(Path(ap.parse_args().data) / "mobgap/lab/HA/001/data.mat")
             if t.name == "TimeMeasure1/Test5/Trial1")
np.savetxt(here / "ha001_test5_trial1.csv", np.c_[trial.acc, trial.gyr], fmt="%.9g", delimiter=",",
           header="acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z", comments="")
ref = trial.reference
with open(here / "ha001_test5_trial1_reference.csv", "w") as f:
    f.write("event,time_s,side\n")
    for t, s in zip(ref["initial_contact"], ref["initial_contact_side"]):
        f.write(f"initial_contact,{t:.4f},{s}\n")
    for t, s in zip(ref["final_contact"], ref["final_contact_side"]):
        f.write(f"final_contact,{t:.4f},{s}\n")
