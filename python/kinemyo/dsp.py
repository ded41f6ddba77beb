"""Signal-processing primitives (the compiled kinemyo core, checked against SciPy).

Every array argument is (n_samples,) or (n_samples, n_channels) with time along axis 0. float32 input gives
float32 output (computed in float64); other real dtypes are computed and returned as float64.

Filter design: :func:`butterworth_sos`, :func:`notch_sos`, :func:`peak_sos`, :func:`sosfilt_zi`,
:func:`sos_frequency_response`, :func:`sos_group_delay`.
Filtering: :func:`sosfilt`, :func:`sosfiltfilt`, streaming :class:`SosFilter`.
Envelopes and energy: :func:`moving_window` / :class:`MovingWindow`, :func:`teager_kaiser` /
:class:`TeagerKaiser`, :func:`analytic_signal`, :func:`hilbert_envelope`.
Spectra and rates: :func:`welch`, :func:`resample_poly`, :func:`resample_poly_filter`.
"""

from kinemyo._core import (
    MovingWindow,
    SosFilter,
    TeagerKaiser,
    analytic_signal,
    butterworth_sos,
    hilbert_envelope,
    moving_window,
    notch_sos,
    peak_sos,
    resample_poly,
    resample_poly_filter,
    sos_frequency_response,
    sos_group_delay,
    sosfilt,
    sosfilt_zi,
    sosfiltfilt,
    teager_kaiser,
    welch,
)

__all__ = [
    "MovingWindow",
    "SosFilter",
    "TeagerKaiser",
    "analytic_signal",
    "butterworth_sos",
    "hilbert_envelope",
    "moving_window",
    "notch_sos",
    "peak_sos",
    "resample_poly",
    "resample_poly_filter",
    "sos_frequency_response",
    "sos_group_delay",
    "sosfilt",
    "sosfilt_zi",
    "sosfiltfilt",
    "teager_kaiser",
    "welch",
]
