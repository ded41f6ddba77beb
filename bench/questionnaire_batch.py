"""Time batch questionnaire scoring of a 100 000-respondent cohort (CSI, 25 items, 1 % missing answers).

    python bench/questionnaire_batch.py
"""

from __future__ import annotations

import time

import numpy as np

from kinemyo import questionnaire as q


def main() -> int:
    rng = np.random.default_rng(0)
    n = 100_000
    data = rng.integers(0, 5, size=(n, 25)).astype(float)
    data[rng.random((n, 25)) < 0.01] = np.nan
    best = np.inf
    for _ in range(3):
        t0 = time.perf_counter()
        frame = q.score_frame("csi", data)
        best = min(best, time.perf_counter() - t0)
    print(f"CSI batch scoring, {n} respondents: {best * 1e3:.1f} ms (best of 3), "
          f"{frame['total'].notna().sum()} computable, bands and cut-off included")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
