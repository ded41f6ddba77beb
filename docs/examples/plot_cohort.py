"""
A cohort: many sessions on a Dask cluster into one Parquet dataset
==================================================================

Four sessions of two patients, built from the demo session: the same recordings with each visit's own
questionnaire answers (ODI and CSI falling over six weeks of rehabilitation). :func:`kinemyo.cohort.analyze_cohort`
runs one Dask task per session file on a local cluster of worker processes; each task analyses its session and
writes its tables into a Hive-partitioned Parquet dataset (one folder per patient). The tables are then read back
with pandas, and a re-run skips the sessions whose inputs did not change.
"""

import json
import pathlib
import shutil
import tempfile

import matplotlib.pyplot as plt

from kinemyo import cohort, datasets

demo = datasets.demo_session_path()
template = json.loads(demo.read_text())
work = pathlib.Path(tempfile.mkdtemp(prefix="kinemyo-cohort-"))
visits = {  # patient -> (date, ODI answers, CSI answers) per visit; None = unanswered
    "P01": [("2024-03-04", [3, 3, 2, 3, 2, 3, 2, None, 3, 2], [2] * 25),
            ("2024-04-15", [2, 1, 1, 2, 1, 1, 1, None, 2, 1], [1] * 25)],
    "P02": [("2024-03-11", [2, 2, 2, 2, 2, 2, 1, None, 2, 1], [3, 2] * 12 + [3]),
            ("2024-04-22", [1, 2, 1, 2, 1, 1, 1, 1, 1, 1], [2, 2] * 12 + [2])],
}
paths = []
for patient, sessions in visits.items():
    for date, odi, csi in sessions:
        folder = work / "sessions" / f"{patient}_{date}"
        folder.mkdir(parents=True)
        for recording in ("emg.csv.gz", "feet.csv.gz"):
            shutil.copy(demo.parent / recording, folder / recording)
        session = {**template, "name": f"{patient} {date}", "subject": patient, "date": date,
                   "questionnaires": {"odi": odi, "csi": csi}}
        (folder / "session.json").write_text(json.dumps(session))
        paths.append(folder / "session.json")
print(f"{len(paths)} session files")

# %%
# Analyse on a Dask cluster
# -------------------------
# By default ``analyze_cohort`` starts a local cluster of two single-thread worker processes (a script doing that
# needs the usual ``if __name__ == "__main__":`` guard, since the workers are spawned processes);
# ``scheduler="tcp://..."`` runs the same call on a cluster. Inside the documentation build an in-process cluster
# is given as ``client`` instead.
from distributed import Client, LocalCluster

out = work / "dataset"
with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
        Client(cluster) as client:
    result = cohort.analyze_cohort(paths, out=out, client=client)
    print(result.sessions[["patient", "date", "status"]].to_string())
    print(sorted(p.relative_to(out).as_posix() for p in (out / "sessions").rglob("*.parquet"))[:2])
    again = cohort.analyze_cohort(paths, out=out, client=client)       # a re-run skips what is unchanged
    print(f"skipped on re-run: {int(again.sessions['skipped'].sum())} of {len(paths)}")

# %%
# Read the tables back
# --------------------
# Each table carries ``session_id``; the sessions table gives its patient and date.
sessions = cohort.read_table(out, "sessions")
questionnaires = cohort.read_table(out, "questionnaires").merge(sessions[["session_id", "date"]], on="session_id")
totals = questionnaires[questionnaires["score"] == "total"].sort_values("date")
print(totals[["patient", "date", "instrument", "value", "band"]].to_string(index=False))

fig, axes = plt.subplots(1, 2, figsize=(8, 3))
for ax, instrument in zip(axes, ("odi", "csi")):
    for patient, rows in totals[totals["instrument"] == instrument].groupby("patient"):
        ax.plot(rows["date"].astype(str), rows["value"], marker="o", label=patient)
    ax.set(title=instrument.upper(), xlabel="visit", ylabel="score")
    ax.legend()
fig.tight_layout()

shutil.rmtree(work)
