"""Standard JSON out of results that hold NumPy values and NaN."""

from __future__ import annotations

from typing import Any

import numpy as np


def strict_json(x: Any) -> Any:
    """``x`` with NumPy scalars and arrays as Python values and every non-finite number as None, so that
    ``json.dumps(..., allow_nan=False)`` writes standard JSON (NaN is not JSON; summary files say null)."""
    if isinstance(x, dict):
        return {k: strict_json(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [strict_json(v) for v in x]
    if isinstance(x, np.ndarray):
        return strict_json(x.tolist())
    if isinstance(x, (np.bool_, bool)):
        return bool(x)
    if isinstance(x, (np.integer, int)):
        return int(x)
    if isinstance(x, (np.floating, float)):
        return float(x) if np.isfinite(x) else None
    return x
