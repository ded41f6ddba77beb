"""Notebook safety (issue 16, first part): writing a report leaves matplotlib's backend and pyplot state alone,
and every documented module is reachable from `import kinemyo`."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest


def test_write_report_keeps_the_backend_and_opens_no_pyplot_figure(tmp_path):
    pytest.importorskip("matplotlib")
    pytest.importorskip("pandas")
    # In a fresh process with a non-Agg interactive-style backend named, as a notebook has (inline / widget);
    # 'svg' stands in for it: a backend that is not Agg and needs no display.
    code = textwrap.dedent(f"""
        import matplotlib
        matplotlib.use("svg")
        import matplotlib.pyplot as plt
        from kinemyo.analysis import analyze_session
        from kinemyo.cli import demo_session_path
        from kinemyo.report import write_report
        write_report(analyze_session(demo_session_path()), {str(tmp_path / "out")!r})
        assert matplotlib.get_backend() == "svg", matplotlib.get_backend()
        assert plt.get_fignums() == [], plt.get_fignums()
        print("ok")
    """)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0 and run.stdout.strip().endswith("ok"), run.stderr[-2000:]
    assert (tmp_path / "out" / "report.html").stat().st_size > 10_000


def test_documented_modules_are_attributes_of_the_package():
    code = ("import kinemyo, sys; loaded = 'kinemyo.analysis' in sys.modules; "
            "f = kinemyo.analysis.analyze_session; assert callable(f) and not loaded; "
            "assert set(kinemyo.__all__) >= {'analysis', 'io', 'report', 'session', 'timebase'}; "
            "assert 'analysis' in dir(kinemyo); print('ok')")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stderr[-2000:]
    import kinemyo

    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        kinemyo.nonexistent  # noqa: B018


def test_configuration_objects_print_their_fields():
    import inspect

    import kinemyo._core as core
    from kinemyo import emg, imu

    assert repr(emg.OnsetConfig(k_on=5.0)).startswith("OnsetConfig(method='threshold', k_on=5.0, k_off=2.0")
    assert "tau_acc=2.5" in repr(imu.RobustFilterParams()) and "limits=SensorLimits(gyr=100.0" in repr(imu.RobustFilterParams())
    checked = 0
    for name, cls in vars(core).items():
        if inspect.isclass(cls) and name.endswith(("Config", "Params", "Options", "Thresholds", "Limits")):
            try:
                obj = cls()
            except TypeError:
                continue
            assert "object at 0x" not in repr(obj) and repr(obj).startswith(name + "("), (name, repr(obj))
            checked += 1
    assert checked >= 8
