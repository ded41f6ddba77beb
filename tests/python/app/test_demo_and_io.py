"""The demo (README main job) and the recording reader, on the real BioSPPy recordings."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import signal

from kinemyo import dsp
from kinemyo.cli import main
from kinemyo.demo import bundled_emg_path
from kinemyo.io import read_simple_text


def test_bundled_recording_is_the_shared_biosppy_file(shared_data_dir):
    bundled = read_simple_text(bundled_emg_path())
    shared = read_simple_text(shared_data_dir / "biosppy" / "emg.txt")
    assert bundled.fs == shared.fs == 1000.0
    assert bundled.data.shape == (100_000, 1)
    np.testing.assert_array_equal(bundled.data, shared.data)
    assert bundled.labels == ["EMG"]


def test_reader_rejects_files_without_rate(tmp_path):
    p = tmp_path / "bad.txt"
    p.write_text("# Labels:= EMG\n1\n2\n")
    with pytest.raises(ValueError, match="Sampling Rate"):
        read_simple_text(p)
    p.write_text("# Sampling Rate (Hz):= 0\n1\n")
    with pytest.raises(ValueError, match="> 0"):
        read_simple_text(p)


def test_demo_writes_consistent_summary_and_plot(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path), ]) == 0
    assert "EMG demo" in capsys.readouterr().out
    assert (tmp_path / "report.html").is_file()  # the session report (tests/python/app/test_session.py)
    summary = json.loads((tmp_path / "realtime" / "summary.json").read_text())
    png = (tmp_path / "realtime" / "emg_demo.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 50_000

    rec = read_simple_text(bundled_emg_path())
    fs = rec.fs
    assert summary["recording"]["sampling_rate_hz"] == fs
    assert summary["recording"]["duration_s"] == pytest.approx(100.0)
    # The reported delay is the library's group delay, and the measured lag of the causal envelope behind the
    # zero-phase one agrees with it within 10 ms.
    lp = dsp.butterworth_sos(2, 6.0, "lowpass", fs=fs)
    predicted = 1e3 * dsp.sos_group_delay(lp, [0.0], fs=fs)[0]
    assert summary["latency"]["envelope_group_delay_at_dc_ms"] == pytest.approx(predicted)
    assert abs(summary["latency"]["measured_lag_vs_zero_phase_ms"] - predicted) < 10.0
    # The envelope statistics equal an independent SciPy computation of the same chain.
    x = rec.data[:, 0]
    band = np.vstack([signal.butter(4, 20.0, "highpass", fs=fs, output="sos"),
                      signal.butter(4, 450.0, "lowpass", fs=fs, output="sos")])
    zi = signal.sosfilt_zi(band) * x[0]
    filtered, _ = signal.sosfilt(band, x, zi=zi)
    envelope = signal.sosfilt(signal.butter(2, 6.0, fs=fs, output="sos"), np.abs(filtered))
    assert summary["envelope"]["peak"] == pytest.approx(envelope.max(), rel=1e-9)
    assert summary["envelope"]["median"] == pytest.approx(np.median(envelope), rel=1e-9)
    f, pxx = signal.welch(filtered, fs, nperseg=int(fs))
    band_mask = (f >= 20) & (f <= 450)
    mean_f = np.sum(f[band_mask] * pxx[band_mask]) / np.sum(pxx[band_mask])
    assert summary["spectrum"]["mean_frequency_hz"] == pytest.approx(mean_f, rel=1e-9)
    assert 20.0 < summary["spectrum"]["median_frequency_hz"] < 450.0
    assert summary["performance"]["real_time_factor"] > 1.0


def _write_rows(path, header: str, rows: np.ndarray, *, delimiter=",", gz=False) -> None:
    import gzip

    text = header + "".join(delimiter.join(f"{v:.9g}" for v in r) + "\n" for r in rows)
    path.write_bytes(gzip.compress(text.encode()) if gz else text.encode())


@pytest.mark.parametrize("gz", [False, True])
def test_readers_stream_in_bounded_memory(tmp_path, gz):
    # The readers parse a block of lines at a time: their peak memory (numpy and Python objects, as tracemalloc
    # counts them) stays near the samples they return. Reading the whole text first took 7-15x the samples.
    import tracemalloc

    from kinemyo import io

    x = np.random.default_rng(3).standard_normal((150_000, 4))
    sfx = ".gz" if gz else ""
    _write_rows(tmp_path / f"a.csv{sfx}", "a,b,c,d\n", x, gz=gz)
    _write_rows(tmp_path / f"a.txt{sfx}", "# Sampling Rate (Hz):= 1000\n", x, delimiter=" ", gz=gz)
    _write_rows(tmp_path / f"g.csv{sfx}", "i,s,s,s,s\ni,acc_x,acc_y,acc_z,gyr_x\n",
                np.column_stack([np.arange(len(x)), x]), gz=gz)
    readers = {"read_delimited": lambda: io.read_delimited(tmp_path / f"a.csv{sfx}", fs=1000.0),
               "read_simple_text": lambda: io.read_simple_text(tmp_path / f"a.txt{sfx}"),
               "read_gaitmap_csv": lambda: io.read_gaitmap_csv(tmp_path / f"g.csv{sfx}", fs=1000.0)}
    for name, read in readers.items():
        tracemalloc.start()
        try:
            r = read()
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        np.testing.assert_allclose(r.data, x, rtol=1e-8, err_msg=name)
        assert peak < 2.5 * r.data.nbytes + 4e6, f"{name}: peak {peak / 1e6:.1f} MB for {r.data.nbytes / 1e6:.1f} MB"


def test_delimited_reader_across_blocks(tmp_path, monkeypatch):
    # blank lines, empty cells and errors after the first block keep their meaning and their row number
    from kinemyo import io

    monkeypatch.setattr(io, "_BLOCK_ROWS", 7)
    p = tmp_path / "b.csv"
    body = [f"{i},{i * 0.5}\n" if i % 5 else f"{i},\n" for i in range(40)]
    body.insert(13, "\n")
    p.write_text("t,v\n" + "".join(body))
    r = io.read_delimited(p, fs=10.0)
    assert r.data.shape == (40, 2) and r.labels == ["t", "v"]
    np.testing.assert_array_equal(r.data[:, 0], np.arange(40))
    assert np.isnan(r.data[::5, 1]).all() and r.data[1, 1] == 0.5 and r.data[39, 1] == 19.5
    body[30] = "29,x\n"  # the 30th data row (the blank line before it is not counted): row 31, the header row 1
    p.write_text("t,v\n" + "".join(body))
    with pytest.raises(ValueError, match=r"b.csv: row 31 is not numeric"):
        io.read_delimited(p, fs=10.0)
    body[30] = "29,1,2\n"
    p.write_text("t,v\n" + "".join(body))
    with pytest.raises(ValueError, match=r"b.csv: row 31 has 3 cells, the header 2"):
        io.read_delimited(p, fs=10.0)
    p.write_text("t,v\n\n\n")
    with pytest.raises(ValueError, match="b.csv: no samples"):
        io.read_delimited(p, fs=10.0)


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_readers_accept_every_line_end(tmp_path, end):
    from kinemyo import io

    (tmp_path / "a.csv").write_bytes(end.join(["a,b", "1,2", "3,4", ""]).encode())
    (tmp_path / "a.txt").write_bytes(end.join(["# Sampling Rate (Hz):= 100", "1 2", "3 4", ""]).encode())
    (tmp_path / "g.csv").write_bytes(end.join(["i,s,s", "i,acc_x,acc_y", "0,1,2", "1,3,4", ""]).encode())
    for r in (io.read_delimited(tmp_path / "a.csv", fs=1.0), io.read_simple_text(tmp_path / "a.txt"),
              io.read_gaitmap_csv(tmp_path / "g.csv", fs=1.0)):
        np.testing.assert_array_equal(r.data, [[1.0, 2.0], [3.0, 4.0]])


def test_a_cut_file_is_reported_as_cut_and_every_error_closes_it(tmp_path, monkeypatch):
    # A row cut in two parses as a short or non-numeric row; the readers read on to the end first, so the file's
    # own error ("cut short") is the one reported, at any block boundary, as when the whole text was read first.
    import gc
    import os

    from kinemyo import io

    monkeypatch.setattr(io, "_BLOCK_ROWS", 4)
    files = {"a.csv": ("a,b\n" + "".join(f"{i},{i}.5\n" for i in range(7)) + "7", lambda p: io.read_delimited(p, fs=1.0)),
             "a.txt": ("# Sampling Rate (Hz):= 10\n1 2\n3 4\n5 ", io.read_simple_text),
             "g.csv": ("i,s,s\ni,acc_x,acc_y\n0,1,2\n1,3,", lambda p: io.read_gaitmap_csv(p, fs=1.0))}
    for name, (text, read) in files.items():
        (tmp_path / name).write_text(text)
        with pytest.raises(ValueError, match=f"{name}: the last line has no line end"):
            read(tmp_path / name)
    (tmp_path / "late.txt").write_bytes(b"# Labels:= EMG\n1\n2\n\xe9\n")  # no rate, and not UTF-8 further on
    with pytest.raises(ValueError, match="late.txt: not UTF-8 text"):
        io.read_simple_text(tmp_path / "late.txt")
    (tmp_path / "dup.csv").write_text("a,a\n1,2\n")
    fds = set(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None
    errors = []
    for bad in ("dup.csv", "late.txt"):  # the exception (and its traceback) kept alive, as pytest.raises does
        try:
            (io.read_delimited(tmp_path / bad, fs=1.0) if bad.endswith(".csv") else io.read_simple_text(tmp_path / bad))
        except ValueError as exc:
            errors.append(exc)
            assert type(exc) is ValueError  # never a private subclass (stores record the type's name)
    gc.collect()
    if fds is not None:
        opened = {os.readlink(f"/proc/self/fd/{fd}") for fd in set(os.listdir("/proc/self/fd")) - fds
                  if os.path.exists(f"/proc/self/fd/{fd}")}
        assert not {o for o in opened if str(tmp_path) in o}, opened
    assert len(errors) == 2
