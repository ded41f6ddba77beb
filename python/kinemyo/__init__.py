"""kinemyo: muscle and movement analysis for hip and low-back pain rehabilitation.

Modules
-------
kinemyo.dsp
    Filter design, streaming and zero-phase filtering, moving windows, Teager-Kaiser energy, Hilbert
    envelope, Welch PSD and polyphase resampling, each checked against SciPy.
kinemyo.emg
    Real-time EMG envelope pipeline (profiles, notches, envelopes, decimation, latency, ISEK report) and the
    offline zero-phase envelope, calibration, onsets, indices, fatigue, quality, ECG removal, biofeedback.
kinemyo.imu
    Orientation from gyroscope/accelerometer/magnetometer (robust filter with bias estimation and magnetic
    disturbance rejection, offline variant, Madgwick, Mahony), BROAD evaluation, synthetic IMU data,
    sensor-to-segment calibration, ISB hip and lumbo-pelvic joint angles, range of motion per repetition.
kinemyo.gait
    Gait events from foot, shank and lower-back sensors (offline and streaming), per-stride tables with
    quality flags, stride length, asymmetry/regularity/variability indices, evaluation against references.
kinemyo.questionnaire
    Questionnaire scoring (CSI, ODI, RMDQ, STarT Back, PCS, TSK, HOOS, painDETECT) with the published rules,
    longitudinal change and FHIR R4 input/output.
kinemyo.analysis, kinemyo.report, kinemyo.session, kinemyo.io, kinemyo.timebase
    A session file analysed end to end, its report, the file readers and the session clock (loaded on first use,
    as are the modules below and kinemyo.biofeedback, kinemyo.cli and kinemyo.demo).
kinemyo.plot
    Figures of the results (envelopes with activations, muscle ratio, joint angles, gait events, left/right
    metrics, questionnaire bands, orientation error): bare matplotlib Figures, no global backend switch.
kinemyo.store, kinemyo.progress, kinemyo.tables
    Every analysed session in a local SQLite store (one transaction per session, safe for many processes), one
    patient's progress over weeks (``kinemyo.progress(patient)``: tidy table, plain-language lines, HTML report)
    and the tidy per-session tables they share.
kinemyo.datasets
    The bundled public recordings (demo session EMG, foot IMUs, questionnaire answers; BioSPPy EMG), with fs and
    units.

``kinemyo.UnitWarning`` flags gyroscope data that look like deg/s and accelerometer data that look like g.

Conventions: SI units, arrays shaped (n_samples, n_channels), float32 stays float32 and every other real
dtype is computed as float64, and the sampling rate ``fs`` is always an explicit argument.
"""

from kinemyo._core import __version__, fft_backend
from kinemyo._validate import UnitWarning
from kinemyo import _repr, dsp, emg, gait, imu, questionnaire

_repr.install()

# Every other public module (no leading underscore) -- those needing pandas / matplotlib / the file readers --
# loads on first use, so `import kinemyo` stays light while `kinemyo.analysis.analyze_session(...)` works without a
# separate import. They are found in the package folder, so a new module is reachable without being listed here.
def _public_modules() -> tuple[str, ...]:
    import pkgutil

    eager = {"dsp", "emg", "gait", "imu", "questionnaire"}
    return tuple(sorted(m.name for m in pkgutil.iter_modules(__path__)
                        if not m.name.startswith("_") and m.name not in eager))


_LAZY = _public_modules()

__all__ = ["UnitWarning", "__version__", "dsp", "emg", "fft_backend", "gait", "imu", "questionnaire", *_LAZY]


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        return importlib.import_module(f"kinemyo.{name}")
    raise AttributeError(f"module 'kinemyo' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
