"""Golden vectors for kinemyo::dsp::resample_poly and resample_poly_filter (tests/data/golden/resample.txt).

Filter cases (id filter_*): up, down, beta, h. Resampling cases (id poly_*): x (frames x channels), up, down,
beta, y.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import signal


def generate(writer) -> None:
    rng = np.random.default_rng(7160)

    for up, down, beta in [(1, 2, 5.0), (2, 1, 5.0), (3, 2, 5.0), (147, 160, 5.0), (5, 7, 8.6), (4, 6, 0.0),
                           (1, 3, 40.0)]:
        g = math.gcd(up, down)
        u, d = up // g, down // g
        max_rate = max(u, d)
        h = signal.firwin(2 * 10 * max_rate + 1, 1.0 / max_rate, window=("kaiser", beta)) * u
        writer.case(f"filter_{up}_{down}_b{beta:g}", up=up, down=down, beta=beta, h=h)

    # (up, down, frames, channels, beta)
    for up, down, n, channels, beta in [(1, 2, 400, 1, 5.0), (2, 1, 300, 1, 5.0), (3, 2, 301, 1, 5.0),
                                        (2, 3, 500, 2, 5.0), (1, 10, 700, 1, 5.0), (147, 160, 600, 1, 5.0),
                                        (5, 7, 350, 3, 5.0), (7, 5, 200, 2, 8.0), (4, 6, 150, 1, 5.0),
                                        (3, 1, 5, 1, 5.0), (1, 4, 3, 2, 5.0)]:
        t = np.arange(n)
        x = rng.standard_normal((n, channels)) + np.sin(0.05 * t)[:, None]
        y = signal.resample_poly(x, up, down, axis=0, window=("kaiser", beta), padtype="constant")
        writer.case(f"poly_{up}_{down}_{n}x{channels}", x=x, up=up, down=down, beta=beta, y=y)
