"""IMU orientation estimation and evaluation.

Conventions (one place, README "Conventions"): Hamilton quaternions, scalar first ``[w, x, y, z]``, rotating
sensor coordinates into earth coordinates; earth frame ENU unless stated (``earth_frame_rotation`` converts to
NED / NWU); gyroscope rad/s, accelerometer m/s², magnetometer in any consistent unit (µT typical). Sensor arrays
are (n_samples, 3); the time base is always explicit: ``fs`` (Hz) or per-sample timestamps ``t`` (s).

Filters: :class:`RobustFilter` (gyroscope-bias estimation at rest and in motion, rest detection, magnetic
disturbance rejection; 6D and 9D from one run), :class:`MadgwickFilter`, :class:`MahonyFilter`.
"""

from __future__ import annotations

import numpy as np

from kinemyo._core import (MadgwickFilter, MahonyFilter, RobustFilter, RobustFilterParams, RobustFilterState,
                           _orientation_errors, earth_frame_rotation, orientation_from_vectors)

__all__ = ["MadgwickFilter", "MahonyFilter", "RobustFilter", "RobustFilterParams", "RobustFilterState",
           "earth_frame_rotation", "orientation_errors", "orientation_from_vectors", "rmse_deg"]


def orientation_errors(estimate, reference) -> dict[str, np.ndarray]:
    """Per-sample errors (radians) of estimated against reference orientations in the earth frame.

    With q_err = q_est ⊗ q_ref⁻¹ (BROAD, Laidig et al., Data 6:72, 2021): ``total`` = 2 acos|w|, ``heading`` =
    2 atan|z/w|, ``inclination`` = 2 acos sqrt(w² + z²). Rows where either quaternion is NaN give NaN.
    """
    est = np.ascontiguousarray(estimate, dtype=np.float64)
    ref = np.ascontiguousarray(reference, dtype=np.float64)
    e = _orientation_errors(est, ref)
    return {"total": e[:, 0], "heading": e[:, 1], "inclination": e[:, 2]}


def rmse_deg(errors: np.ndarray, mask=None) -> float:
    """Root mean square of per-sample errors (radians) in degrees, over ``mask`` and ignoring NaN rows."""
    e = np.asarray(errors, dtype=np.float64)
    keep = ~np.isnan(e) if mask is None else (np.asarray(mask, dtype=bool) & ~np.isnan(e))
    if not keep.any():
        raise ValueError("mask: no samples with a valid error")
    return float(np.degrees(np.sqrt(np.mean(e[keep] ** 2))))
