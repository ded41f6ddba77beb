// Python bindings for kinemyo::dsp. Docstrings are numpydoc; kinemyo/dsp.py re-exports everything here.
#include <pybind11/complex.h>
#include <pybind11/stl.h>

#include <kinemyo/dsp.hpp>

#include "common.hpp"

namespace kinemyo::python {
namespace {

using namespace kinemyo::dsp;

FilterKind parse_kind(const std::string& kind) {
  if (kind == "lowpass") return FilterKind::lowpass;
  if (kind == "highpass") return FilterKind::highpass;
  if (kind == "bandpass") return FilterKind::bandpass;
  if (kind == "bandstop") return FilterKind::bandstop;
  throw py::value_error("kind: must be 'lowpass', 'highpass', 'bandpass' or 'bandstop', got '" + kind + "'");
}

std::string policy_name(NonFinitePolicy p) {
  switch (p) {
    case NonFinitePolicy::hold_last: return "hold_last";
    case NonFinitePolicy::zero: return "zero";
    case NonFinitePolicy::propagate: return "propagate";
  }
  return "?";
}

WindowStatistic parse_statistic(const std::string& s) {
  if (s == "mean") return WindowStatistic::mean;
  if (s == "arv") return WindowStatistic::arv;
  if (s == "rms") return WindowStatistic::rms;
  throw py::value_error("statistic: must be 'mean', 'arv' or 'rms', got '" + s + "'");
}

Sos to_sos(py::handle obj) {
  auto arr = real_array(obj, "sos");
  if ( arr.ndim() != 2 || arr.shape(1) != 6)
    throw py::value_error("sos: expected an array of shape (n_sections, 6)");
  Sos sos(static_cast<std::size_t>(arr.shape(0)));
  for (std::size_t i = 0; i < sos.size(); ++i)
    for (std::size_t j = 0; j < 6; ++j) sos[i][j] = arr.at(static_cast<py::ssize_t>(i), static_cast<py::ssize_t>(j));
  validate_sos(sos);
  return sos;
}

py::array_t<double> from_sos(const Sos& sos) {
  std::vector<double> flat;
  for (const auto& s : sos) flat.insert(flat.end(), s.begin(), s.end());
  return to_array(std::move(flat), {static_cast<py::ssize_t>(sos.size()), 6});
}

std::vector<double> to_cutoffs(py::handle cutoff) {
  if (py::isinstance<py::float_>(cutoff) || py::isinstance<py::int_>(cutoff)) return {cutoff.cast<double>()};
  auto arr = real_array(cutoff, "cutoff_hz");
  if ( arr.ndim() > 1) throw py::value_error("cutoff_hz: expected a frequency or a (low, high) pair");
  return {arr.data(), arr.data() + arr.size()};
}

// Applies a batch function fn(x_span, y_span, n_channels) with the GIL released. The output is allocated by
// NumPy (which backs large arrays with huge pages), shaped like x.
template <class Fn>
py::object batch_same_shape(py::handle x, Fn&& fn) {
  return dispatch_real(x, "x", [&](auto tag) -> py::object {
    using T = decltype(tag);
    const auto s = as_signal<T>(x, "x");
    py::array_t<T> out = empty_like_signal(s);
    std::span<T> y(out.mutable_data(), s.n_frames * s.n_channels);
    {
      py::gil_scoped_release nogil;
      fn(s.span(), y, s.n_channels);
    }
    return out;
  });
}

// Streaming process(x, out=None) for objects with process_interleaved(const T*, T*, n_frames).
template <class Obj>
py::object stream_process(Obj& obj, py::handle x, py::object out) {
  return dispatch_real(x, "x", [&](auto tag) -> py::object {
    using T = decltype(tag);
    const auto s = as_signal<T>(x, "x");
    if (s.n_channels != obj.n_channels() || (s.one_d && obj.n_channels() != 1))
      throw py::value_error("x: expected shape (n_samples, " + std::to_string(obj.n_channels()) +
                            ")" + (obj.n_channels() == 1 ? " or (n_samples,)" : ""));
    py::array_t<T> result;
    if (out.is_none()) {
      result = empty_like_signal(s);
    } else {
      if (!py::isinstance<py::array_t<T>>(out))
        throw py::type_error("out: must be a NumPy array of the same dtype as x");
      result = out.cast<py::array_t<T>>();
      if (!(result.flags() & py::array::c_style) || !result.writeable() || result.size() != s.array.size())
        throw py::value_error("out: must be a writeable C-contiguous array with the shape of x");
    }
    T* dst = result.mutable_data();
    {
      py::gil_scoped_release nogil;
      obj.process_interleaved(s.array.data(), dst, s.n_frames);
    }
    return result;
  });
}

}  // namespace

void bind_dsp(py::module_& m) {
  m.def("butterworth_sos",
        [](int order, py::handle cutoff_hz, const std::string& kind, double fs) {
          return from_sos(butterworth_sos(order, to_cutoffs(cutoff_hz), parse_kind(kind), fs));
        },
        py::arg("order"), py::arg("cutoff_hz"), py::arg("kind"), py::arg("fs"), R"doc(
Digital Butterworth filter as second-order sections.

Identical to ``scipy.signal.butter(order, cutoff_hz, kind, output='sos', fs=fs)``.

Parameters
----------
order : int
    Filter order, 1 to 24 (band filters have ``2 * order`` poles).
cutoff_hz : float or (float, float)
    -3 dB frequency in Hz, or ``(low, high)`` for 'bandpass' / 'bandstop'; each in (0, fs/2).
kind : {'lowpass', 'highpass', 'bandpass', 'bandstop'}
fs : float
    Sampling rate in Hz.

Returns
-------
sos : ndarray, shape (n_sections, 6)
    Rows ``[b0, b1, b2, 1, a1, a2]``.

Raises
------
ValueError
    Naming the invalid parameter.
)doc");

  m.def("notch_sos", [](double f0, double q, double fs) { return from_sos(notch_sos(f0, q, fs)); }, py::arg("f0_hz"),
        py::arg("q"), py::arg("fs"), R"doc(
Second-order notch at ``f0_hz`` with quality factor ``q = f0 / bandwidth(-3 dB)``.

Identical to ``scipy.signal.iirnotch(f0_hz, q, fs)`` as one section, shape (1, 6).
)doc");
  m.def("peak_sos", [](double f0, double q, double fs) { return from_sos(peak_sos(f0, q, fs)); }, py::arg("f0_hz"),
        py::arg("q"), py::arg("fs"), R"doc(
Second-order resonator (peak) at ``f0_hz``; identical to ``scipy.signal.iirpeak``. Shape (1, 6).
)doc");

  m.def("sosfilt_zi",
        [](py::handle sos) {
          std::vector<double> flat;
          for (const auto& z : sosfilt_zi(to_sos(sos))) flat.insert(flat.end(), z.begin(), z.end());
          const auto n = static_cast<py::ssize_t>(flat.size() / 2);
          return to_array(std::move(flat), {n, 2});
        },
        py::arg("sos"), R"doc(
Steady-state initial conditions for a unit step, shape (n_sections, 2); equals ``scipy.signal.sosfilt_zi``.
)doc");

  m.def("sos_frequency_response",
        [](py::handle sos_obj, py::handle f_obj, double fs) {
          const Sos sos = to_sos(sos_obj);
          const auto f_hz = real_array(f_obj, "f_hz");
          std::vector<std::complex<double>> h;
          for (py::ssize_t i = 0; i < f_hz.size(); ++i) h.push_back(sos_frequency_response(sos, f_hz.data()[i], fs));
          return to_array(std::move(h), std::vector<py::ssize_t>(f_hz.shape(), f_hz.shape() + f_hz.ndim()));
        },
        py::arg("sos"), py::arg("f_hz"), py::arg("fs"), R"doc(
Complex frequency response of the cascade at ``f_hz`` (array-like, Hz); equals ``scipy.signal.sosfreqz``.
)doc");

  m.def("sos_group_delay",
        [](py::handle sos_obj, py::handle f_obj, double fs) {
          const Sos sos = to_sos(sos_obj);
          const auto f_hz = real_array(f_obj, "f_hz");
          std::vector<double> d;
          for (py::ssize_t i = 0; i < f_hz.size(); ++i) d.push_back(sos_group_delay(sos, f_hz.data()[i], fs));
          return to_array(std::move(d), std::vector<py::ssize_t>(f_hz.shape(), f_hz.shape() + f_hz.ndim()));
        },
        py::arg("sos"), py::arg("f_hz"), py::arg("fs"), R"doc(
Group delay in seconds at ``f_hz``. Raises ValueError where the response is zero (delay undefined).
)doc");

  m.def("sosfilt",
        [](py::handle sos_obj, py::handle x) {
          const Sos sos = to_sos(sos_obj);
          return batch_same_shape(x, [&](auto span, auto y, std::size_t c) { sosfilt(sos, span, y, c); });
        },
        py::arg("sos"), py::arg("x"), R"doc(
Causal SOS filtering along axis 0 from zero state.

Identical to ``scipy.signal.sosfilt(sos, x, axis=0)``, except that float32 input gives float32 output
(computed with float64 state).

Parameters
----------
sos : array_like, shape (n_sections, 6)
x : array_like, shape (n_samples,) or (n_samples, n_channels)
    Must be finite; ValueError names the first bad sample.

Returns
-------
ndarray
    Same shape as ``x``; float32 if ``x`` is float32, else float64.
)doc");

  m.def("sosfiltfilt",
        [](py::handle sos_obj, py::handle x) {
          const Sos sos = to_sos(sos_obj);
          return batch_same_shape(x, [&](auto span, auto y, std::size_t c) { sosfiltfilt(sos, span, y, c); });
        },
        py::arg("sos"), py::arg("x"), R"doc(
Zero-phase forward-backward SOS filtering along axis 0.

Identical to ``scipy.signal.sosfiltfilt(sos, x, axis=0)`` (odd extension, default padlen). The net
magnitude response is ``|H|**2``: a Butterworth low-pass is -6 dB at its design cutoff.

Parameters
----------
sos : array_like, shape (n_sections, 6)
x : array_like, shape (n_samples,) or (n_samples, n_channels)
    Finite, longer than the pad length ``3 * (2 * n_sections + 1)`` (less for first-order sections).
)doc");

  m.def("moving_window",
        [](py::handle x, std::size_t window_length, const std::string& statistic) {
          bounded_count(window_length, "window_length");
          const auto stat = parse_statistic(statistic);
          return batch_same_shape(x, [&](auto span, auto y, std::size_t c) { moving_window(span, y, c, window_length, stat); });
        },
        py::arg("x"), py::arg("window_length"), py::arg("statistic"), R"doc(
Causal moving-window mean, ARV or RMS over ``window_length`` samples, along axis 0.

Samples before the start count as zero, so the first ``window_length - 1`` outputs ramp up
(the mean equals ``scipy.signal.lfilter(np.ones(W) / W, 1, x, axis=0)``). Sums are kept in
double-double precision: no drift over arbitrarily long recordings.

Parameters
----------
x : array_like, shape (n_samples,) or (n_samples, n_channels)
window_length : int
    Window in samples (>= 1); e.g. ``round(0.1 * fs)`` for 100 ms.
statistic : {'mean', 'arv', 'rms'}
)doc");

  m.def("teager_kaiser",
        [](py::handle x) {
          return batch_same_shape(x, [&](auto span, auto y, std::size_t c) { teager_kaiser(span, y, c); });
        },
        py::arg("x"), R"doc(
Teager-Kaiser energy operator ``x[n]**2 - x[n-1] * x[n+1]`` along axis 0, zeros assumed outside the signal.
)doc");

  m.def("analytic_signal",
        [](py::handle x) {
          return dispatch_real(x, "x", [&](auto tag) -> py::object {
            using T = decltype(tag);
            const auto s = as_signal<T>(x, "x");
            std::vector<std::complex<T>> out;
            {
              py::gil_scoped_release nogil;
              out = analytic_signal(s.span(), s.n_channels);
            }
            if (s.one_d) return to_array(std::move(out), {static_cast<py::ssize_t>(s.n_frames)});
            return to_array(std::move(out),
                            {static_cast<py::ssize_t>(s.n_frames), static_cast<py::ssize_t>(s.n_channels)});
          });
        },
        py::arg("x"), R"doc(
Analytic signal ``x + 1j * hilbert(x)`` along axis 0; equals ``scipy.signal.hilbert(x, axis=0)``.

Returns complex64 for float32 input, complex128 otherwise.
)doc");

  m.def("hilbert_envelope",
        [](py::handle x) {
          return batch_same_shape(x, [&](auto span, auto y, std::size_t c) { hilbert_envelope(span, y, c); });
        },
        py::arg("x"), R"doc(
Instantaneous amplitude ``abs(scipy.signal.hilbert(x, axis=0))``.
)doc");

  m.def("welch",
        [](py::handle x, double fs, std::size_t nperseg, std::optional<std::size_t> noverlap,
           std::optional<std::size_t> nfft, const std::string& detrend, const std::string& scaling) {
          WelchOptions opt;
          opt.nperseg = nperseg;
          opt.noverlap = noverlap;
          opt.nfft = nfft;
          if (detrend == "constant") opt.detrend = Detrend::constant;
          else if (detrend == "linear") opt.detrend = Detrend::linear;
          else if (detrend == "none") opt.detrend = Detrend::none;
          else throw py::value_error("detrend: must be 'constant', 'linear' or 'none', got '" + detrend + "'");
          if (scaling == "density") opt.scaling = SpectralScaling::density;
          else if (scaling == "spectrum") opt.scaling = SpectralScaling::spectrum;
          else throw py::value_error("scaling: must be 'density' or 'spectrum', got '" + scaling + "'");
          return dispatch_real(x, "x", [&](auto tag) -> py::object {
            using T = decltype(tag);
            const auto s = as_signal<T>(x, "x");
            WelchResult<T> r;
            {
              py::gil_scoped_release nogil;
              r = welch(s.span(), s.n_channels, fs, opt);
            }
            const auto nf = r.frequencies_hz.size();
            auto freqs = to_array(std::move(r.frequencies_hz), {static_cast<py::ssize_t>(nf)});
            return py::make_tuple(freqs, shaped_like(std::move(r.psd), s, nf));
          });
        },
        py::arg("x"), py::arg("fs"), py::arg("nperseg"), py::arg("noverlap") = py::none(),
        py::arg("nfft") = py::none(), py::arg("detrend") = "constant", py::arg("scaling") = "density", R"doc(
Welch power spectral density along axis 0 with a periodic Hann window and mean averaging.

Identical to ``scipy.signal.welch(x, fs, 'hann', nperseg, noverlap, nfft, detrend, scaling=scaling, axis=0)``,
except that ``nperseg`` larger than the signal is an error instead of being shrunk silently.

Parameters
----------
x : array_like, shape (n_samples,) or (n_samples, n_channels)
fs : float
    Sampling rate in Hz.
nperseg : int
    Segment length in samples.
noverlap : int, optional
    Overlap in samples, default ``nperseg // 2``.
nfft : int, optional
    FFT length (zero padding), default ``nperseg``.
detrend : {'constant', 'linear', 'none'}
scaling : {'density', 'spectrum'}
    'density' gives units**2/Hz, 'spectrum' units**2.

Returns
-------
f : ndarray, shape (nfft // 2 + 1,)
    Frequencies in Hz.
pxx : ndarray, shape (n_freqs,) or (n_freqs, n_channels)
)doc");

  m.def("resample_poly",
        [](py::handle x, std::size_t up, std::size_t down, double kaiser_beta) {
          return dispatch_real(x, "x", [&](auto tag) -> py::object {
            using T = decltype(tag);
            const auto s = as_signal<T>(x, "x");
            std::vector<T> out;
            {
              py::gil_scoped_release nogil;
              out = resample_poly(s.span(), s.n_channels, up, down, kaiser_beta);
            }
            const std::size_t n_out = out.size() / s.n_channels;
            return shaped_like(std::move(out), s, n_out);
          });
        },
        py::arg("x"), py::arg("up"), py::arg("down"), py::arg("kaiser_beta") = 5.0, R"doc(
Polyphase resampling by ``up / down`` along axis 0.

Identical to ``scipy.signal.resample_poly(x, up, down, axis=0)`` (Kaiser window, beta 5, zero padding).
For example EMG at 2000 Hz to an IMU's 100 Hz is ``up=1, down=20``.
)doc");

  m.def("resample_poly_filter", &resample_poly_filter, py::arg("up"), py::arg("down"), py::arg("kaiser_beta") = 5.0,
        "Anti-aliasing FIR taps that resample_poly uses (after reducing up/down by their gcd).");

  py::class_<SosFilter>(m, "SosFilter", R"doc(
Streaming multichannel SOS filter (transposed direct form II, float64 state).

Any split of a signal into ``process`` calls gives bit-identical output, equal to
``scipy.signal.sosfilt`` on the whole signal. Non-finite input samples are handled by ``non_finite``:
'hold_last' (default) repeats the channel's last finite input, 'zero' uses 0, 'propagate' lets NaN
through (the state then stays NaN until ``reset``).

Parameters
----------
sos : array_like, shape (n_sections, 6)
n_channels : int
non_finite : {'hold_last', 'zero', 'propagate'}
    What replaces an invalid sample (non-finite, or beyond ``max_abs``); every one is counted in
    ``replaced_samples``.
rectify_after : int, optional
    Index of a section whose output is full-wave rectified before the next section: with the band-pass
    sections followed by an envelope low-pass, one filter computes the EMG linear envelope in one pass
    (equal to ``sosfilt(low, abs(sosfilt(band, x)))``).
max_abs : float
    Samples beyond this magnitude (input units) are invalid, like NaN (default 1e12; set the sensor's range to
    reject spikes). After a fault the output rejoins a clean run as the filter's slowest pole decays.
)doc")
      .def(py::init([](py::handle sos, std::size_t n_channels, const std::string& non_finite,
                       std::optional<std::size_t> rectify_after, double max_abs) {
             return SosFilter(to_sos(sos), bounded_count(n_channels, "n_channels"), parse_policy(non_finite, max_abs),
                              rectify_after);
           }),
           py::arg("sos"), py::arg("n_channels"), py::arg("non_finite") = "hold_last",
           py::arg("rectify_after") = py::none(), py::arg("max_abs") = dsp::kDefaultMaxAbs)
      .def("process", [](SosFilter& f, py::handle x, py::object out) { return stream_process(f, x, out); },
           py::arg("x"), py::arg("out") = py::none(), R"doc(
Filter the next block, shape (n_frames, n_channels) (or (n_frames,) for one channel).

``out`` may be ``x`` itself (in place). float32 in gives float32 out.
)doc")
      .def("process_planar",
           [](SosFilter& f, py::handle x) {
             return dispatch_real(x, "x", [&](auto tag) -> py::object {
               using T = decltype(tag);
               const auto s = as_signal<T>(x, "x");
               if (s.one_d || s.n_frames != f.n_channels())
                 throw py::value_error("x: expected shape (" + std::to_string(f.n_channels()) + ", n_frames)");
               const auto n = s.n_channels;  // columns are frames here
               py::array_t<T> out({static_cast<py::ssize_t>(f.n_channels()), static_cast<py::ssize_t>(n)});
               T* dst = out.mutable_data();
               {
                 py::gil_scoped_release nogil;
                 f.process_planar(s.array.data(), n, dst, n, n);
               }
               return out;
             });
           },
           py::arg("x"), "Filter the next block given channel-major, shape (n_channels, n_frames).")
      .def("reset", &SosFilter::reset, "Zero the state and the non-finite counter.")
      .def("reset_steady_state",
           [](SosFilter& f, py::handle level_obj) {
             const auto level = real_array(level_obj, "level");
             if (level.ndim() == 0) return f.reset_steady_state(*level.data());
             f.reset_steady_state(std::span<const double>(level.data(), static_cast<std::size_t>(level.size())));
           },
           py::arg("level"), "Set the state to the steady state for a constant input (scalar or one per channel).")
      .def_property(
          "state",
          [](const SosFilter& f) {
            auto s = f.state();
            return to_array(std::move(s), {static_cast<py::ssize_t>(f.n_sections()),
                                           static_cast<py::ssize_t>(f.n_channels()), 2});
          },
          [](SosFilter& f, py::handle s_obj) {
            const auto s = real_array(s_obj, "state");
            f.set_state(std::span<const double>(s.data(), static_cast<std::size_t>(s.size())));
          },
          "Filter state, shape (n_sections, n_channels, 2).")
      .def("group_delay", &SosFilter::group_delay, py::arg("f_hz"), py::arg("fs"), "Group delay in seconds at f_hz.")
      .def_property_readonly("n_channels", &SosFilter::n_channels)
      .def_property_readonly("n_sections", &SosFilter::n_sections)
      .def_property_readonly("sos", [](const SosFilter& f) { return from_sos(f.sos()); })
      .def_property_readonly("non_finite", [](const SosFilter& f) { return policy_name(f.policy()); })
      .def_property_readonly("rectify_after", &SosFilter::rectify_after)
      .def_property_readonly("kernel", [](const SosFilter& f) { return std::string(f.kernel()); },
                             "Inner loop chosen for this CPU: 'avx512', 'avx2' or 'portable' (same bits, different speed).")
      .def_property_readonly("replaced_samples", &SosFilter::replaced_samples,
                             "Non-finite input samples replaced since construction or reset().");

  py::class_<MovingWindow>(m, "MovingWindow", R"doc(
Streaming moving-window mean, ARV or RMS; same numbers as :func:`moving_window`.

Parameters
----------
window_length : int
    Samples in the window.
n_channels : int
statistic : {'mean', 'arv', 'rms'}
non_finite : {'hold_last', 'zero', 'propagate'}
)doc")
      .def(py::init([](std::size_t w, std::size_t c, const std::string& stat, const std::string& nf, double max_abs) {
             return MovingWindow(bounded_count(w, "window_length"), bounded_count(c, "n_channels"), parse_statistic(stat),
                                 parse_policy(nf, max_abs));
           }),
           py::arg("window_length"), py::arg("n_channels"), py::arg("statistic"), py::arg("non_finite") = "hold_last",
           py::arg("max_abs") = dsp::kDefaultMaxAbs)
      .def("process", [](MovingWindow& w, py::handle x, py::object out) { return stream_process(w, x, out); },
           py::arg("x"), py::arg("out") = py::none(), "Process the next block, shape (n_frames, n_channels).")
      .def("reset", &MovingWindow::reset)
      .def_property_readonly("window_length", &MovingWindow::window_length)
      .def_property_readonly("n_channels", &MovingWindow::n_channels)
      .def_property_readonly("latency_samples", &MovingWindow::latency_samples, "Group delay (W - 1) / 2 samples.")
      .def_property_readonly("replaced_samples", &MovingWindow::replaced_samples);

  py::class_<TeagerKaiser>(m, "TeagerKaiser", R"doc(
Streaming Teager-Kaiser energy operator; output lags input by one sample (``latency_samples == 1``).
)doc")
      .def(py::init([](std::size_t c, const std::string& nf, double max_abs) {
             return TeagerKaiser(bounded_count(c, "n_channels"), parse_policy(nf, max_abs));
           }),
           py::arg("n_channels"), py::arg("non_finite") = "hold_last", py::arg("max_abs") = dsp::kDefaultMaxAbs)
      .def("process", [](TeagerKaiser& t, py::handle x, py::object out) { return stream_process(t, x, out); },
           py::arg("x"), py::arg("out") = py::none())
      .def("reset", &TeagerKaiser::reset)
      .def_property_readonly("n_channels", &TeagerKaiser::n_channels)
      .def_property_readonly_static("latency_samples", [](py::object) { return TeagerKaiser::latency_samples(); })
      .def_property_readonly("replaced_samples", &TeagerKaiser::replaced_samples);
}

}  // namespace kinemyo::python
