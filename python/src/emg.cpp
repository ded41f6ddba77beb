// Python bindings for kinemyo::emg. kinemyo/emg.py re-exports everything here.
#include <optional>

#include <pybind11/complex.h>
#include <pybind11/stl.h>

#include <kinemyo/emg/biofeedback.hpp>
#include <kinemyo/emg/calibration.hpp>
#include <kinemyo/emg/ecg_removal.hpp>
#include <kinemyo/emg/envelope_pipeline.hpp>
#include <kinemyo/emg/features.hpp>
#include <kinemyo/emg/indices.hpp>
#include <kinemyo/emg/onsets.hpp>
#include <kinemyo/emg/quality.hpp>

#include "common.hpp"

namespace kinemyo::python {
namespace {

using namespace kinemyo::emg;

Profile parse_profile(const std::string& s) {
  if (s == "limb") return Profile::limb;
  if (s == "trunk") return Profile::trunk;
  throw py::value_error("profile: must be 'limb' or 'trunk', got '" + s + "'");
}
std::string profile_str(Profile p) { return p == Profile::trunk ? "trunk" : "limb"; }

EnvelopeKind parse_envelope(const std::string& s) {
  if (s == "lowpass") return EnvelopeKind::lowpass;
  if (s == "moving_rms") return EnvelopeKind::moving_rms;
  if (s == "moving_arv") return EnvelopeKind::moving_arv;
  throw py::value_error("envelope: must be 'lowpass', 'moving_rms' or 'moving_arv', got '" + s + "'");
}
std::string envelope_str(EnvelopeKind k) {
  return k == EnvelopeKind::lowpass ? "lowpass" : k == EnvelopeKind::moving_rms ? "moving_rms" : "moving_arv";
}

// channels: an int (that many default limb channels) or a sequence of ChannelConfig.
PipelineConfig make_config(double fs, py::handle channels, double output_rate_hz, const std::string& non_finite,
                           double max_abs = dsp::kDefaultMaxAbs) {
  PipelineConfig cfg;
  if (!PyBool_Check(channels.ptr()) && PyIndex_Check(channels.ptr())) {  // Python or NumPy integer
    const py::int_ n(py::reinterpret_borrow<py::object>(channels));
    if (n < py::int_(1)) throw py::value_error("channels: must be >= 1, got " + py::str(n).cast<std::string>());
    cfg = PipelineConfig::uniform(fs, bounded_count(n, "channels"));
  } else {
    cfg.fs = fs;
    try {
      if (PyUnicode_Check(channels.ptr()) || channels.is_none()) throw py::cast_error();
      cfg.channels = channels.cast<std::vector<ChannelConfig>>();
    } catch (const py::cast_error&) {
      throw py::type_error("channels: expected a channel count (int) or a sequence of ChannelConfig, got " +
                           py::str(py::type::handle_of(channels).attr("__name__")).cast<std::string>());
    }
  }
  cfg.output_rate_hz = output_rate_hz;
  const dsp::InputPolicy input = parse_policy(non_finite, max_abs);
  cfg.non_finite = input.non_finite;
  cfg.max_abs = input.max_abs;
  return cfg;
}

// Offline bursts as (channel, onset_sample, offset_sample, onset_s, offset_s, complete) rows.
py::list burst_rows(const std::vector<ActivationBurst>& bursts) {
  py::list out;
  for (const auto& b : bursts)
    out.append(py::make_tuple(b.channel, b.onset_sample, b.offset_sample, b.onset_s, b.offset_s, b.complete));
  return out;
}

py::array_t<double> design_sos(const dsp::Sos& sos) {
  std::vector<double> flat;
  for (const auto& s : sos) flat.insert(flat.end(), s.begin(), s.end());
  return to_array(std::move(flat), {static_cast<py::ssize_t>(sos.size()), 6});
}

// An envelope block as a C-contiguous float64 (frames x channels) span with the expected channel count.
py::array_t<double, py::array::c_style | py::array::forcecast> envelope_block(py::handle x, std::size_t n_channels) {
  auto s = as_signal<double>(x, "envelope");
  if (s.n_channels != n_channels || (s.one_d && n_channels != 1))
    throw py::value_error("envelope: expected shape (n_samples, " + std::to_string(n_channels) + ")");
  return s.array;
}

OnsetMethod parse_method(const std::string& s) {
  if (s == "threshold") return OnsetMethod::threshold;
  if (s == "tkeo") return OnsetMethod::tkeo;
  if (s == "hodges_bui") return OnsetMethod::hodges_bui;
  if (s == "bonato") return OnsetMethod::bonato;
  throw py::value_error("method: must be 'threshold', 'tkeo', 'hodges_bui' or 'bonato', got '" + s + "'");
}
std::string method_str(OnsetMethod m) {
  return m == OnsetMethod::tkeo ? "tkeo" : m == OnsetMethod::hodges_bui ? "hodges_bui"
                                        : m == OnsetMethod::bonato   ? "bonato"
                                                                     : "threshold";
}

std::string zone_str(ZoneState z) {
  switch (z) {
    case ZoneState::below: return "below";
    case ZoneState::inside: return "inside";
    case ZoneState::above: return "above";
    case ZoneState::unknown: break;
  }
  return "unknown";
}

py::dict features_dict(const WindowFeatures& f) {
  py::dict d;
  d["mav"] = f.mav;
  d["rms"] = f.rms;
  d["wl"] = f.wl;
  d["zc"] = f.zc;
  d["ssc"] = f.ssc;
  d["wamp"] = f.wamp;
  d["var"] = f.var;
  d["iav"] = f.iav;
  d["log_detector"] = f.log_detector;
  d["mnf_hz"] = f.mnf_hz;
  d["mdf_hz"] = f.mdf_hz;
  d["peak_frequency_hz"] = f.peak_frequency_hz;
  d["mean_power"] = f.mean_power;
  d["dasdv"] = f.dasdv;
  d["mfl"] = f.mfl;
  d["msr"] = f.msr;
  d["ls"] = f.ls;
  d["skewness"] = f.skewness;
  d["kurtosis"] = f.kurtosis;
  return d;
}

LogDetector parse_log_detector(const std::string& s) {
  if (s == "nonzero") return LogDetector::nonzero;
  if (s == "offset_one") return LogDetector::offset_one;
  if (s == "strict") return LogDetector::strict;
  throw py::value_error("log_detector: must be 'nonzero', 'offset_one' or 'strict', got '" + s + "'");
}
std::string log_detector_str(LogDetector k) {
  return k == LogDetector::offset_one ? "offset_one" : k == LogDetector::strict ? "strict" : "nonzero";
}
SpectralWindow parse_spectral_window(const std::string& s) {
  if (s == "hann") return SpectralWindow::hann;
  if (s == "rectangular") return SpectralWindow::rectangular;
  throw py::value_error("window: must be 'hann' or 'rectangular', got '" + s + "'");
}
SpectrumForm parse_spectrum_form(const std::string& s) {
  if (s == "one_sided_density") return SpectrumForm::one_sided_density;
  if (s == "first_half_power") return SpectrumForm::first_half_power;
  throw py::value_error("spectrum: must be 'one_sided_density' or 'first_half_power', got '" + s + "'");
}
MedianFrequency parse_median(const std::string& s) {
  if (s == "interpolated") return MedianFrequency::interpolated;
  if (s == "first_bin") return MedianFrequency::first_bin;
  throw py::value_error("median_frequency: must be 'interpolated' or 'first_bin', got '" + s + "'");
}
SampleEntropyCount parse_sampen_count(const std::string& s) {
  if (s == "richman_moorman") return SampleEntropyCount::richman_moorman;
  if (s == "libemg") return SampleEntropyCount::libemg;
  throw py::value_error("count: must be 'richman_moorman' or 'libemg', got '" + s + "'");
}
FeatureOptions options_or_default(const std::optional<FeatureOptions>& o) { return o ? *o : FeatureOptions{}; }

// n_windows x n_channels (x n_values when n_values > 1) array of WindowedValues.
py::array_t<double> windowed_array(WindowedValues&& v, bool per_value_axis) {
  std::vector<py::ssize_t> shape{static_cast<py::ssize_t>(v.n_windows), static_cast<py::ssize_t>(v.n_channels)};
  if (per_value_axis) shape.push_back(static_cast<py::ssize_t>(v.n_values));
  return to_array(std::move(v.values), shape);
}

std::string reference_kind_str(ReferenceKind k) {
  return k == ReferenceKind::mvc ? "mvc" : k == ReferenceKind::submaximal ? "submaximal" : "none";
}

}  // namespace

void bind_emg(py::module_& m) {
  py::class_<NotchConfig>(m, "NotchConfig", R"doc(
Mains notch at ``f0_hz`` and its harmonics (``harmonics`` notches in all), quality factor ``q`` as in
``scipy.signal.iirnotch``.
)doc")
      .def(py::init([](double f0, double q, int h) { return NotchConfig{f0, q, h}; }), py::arg("f0_hz") = 50.0,
           py::arg("q") = 30.0, py::arg("harmonics") = 1)
      .def_readwrite("f0_hz", &NotchConfig::f0_hz)
      .def_readwrite("q", &NotchConfig::q)
      .def_readwrite("harmonics", &NotchConfig::harmonics)
      .def("__repr__", [](const NotchConfig& n) {
        return "NotchConfig(f0_hz=" + std::to_string(n.f0_hz) + ", q=" + std::to_string(n.q) +
               ", harmonics=" + std::to_string(n.harmonics) + ")";
      });

  py::class_<ChannelConfig>(m, "ChannelConfig", R"doc(
Configuration of one EMG channel.

Parameters
----------
name : str
profile : {'limb', 'trunk'}
    'limb': high-pass 20 Hz; 'trunk': high-pass 30 Hz (against ECG, Drake & Callaghan 2006). Both low-pass at
    min(450 Hz, 0.45 fs), 4th-order Butterworth.
highpass_hz, lowpass_hz : float, optional
    Override the profile's cutoffs.
prefilter_order : int
notch : NotchConfig, optional
envelope : {'lowpass', 'moving_rms', 'moving_arv'}
envelope_cutoff_hz : float
    Linear-envelope low-pass cutoff (default 6 Hz).
envelope_order : int
    Linear-envelope low-pass order (default 2).
window_s : float
    Moving RMS / ARV window in seconds (default 0.1).
remove_ecg : bool
    Streaming ECG removal before the pre-filter (trunk channels); adds its ~0.3 s delay to ``latency_ms``.
ecg : EcgRemovalConfig, optional
)doc")
      .def(py::init([](std::string name, const std::string& profile, std::optional<double> hp, std::optional<double> lp,
                       int order, std::optional<NotchConfig> notch, const std::string& envelope, double cutoff,
                       int env_order, double window_s, bool remove_ecg, std::optional<EcgRemovalConfig> ecg) {
             ChannelConfig c;
             c.name = std::move(name);
             c.profile = parse_profile(profile);
             c.highpass_hz = hp;
             c.lowpass_hz = lp;
             c.prefilter_order = order;
             c.notch = notch;
             c.envelope = parse_envelope(envelope);
             c.envelope_cutoff_hz = cutoff;
             c.envelope_order = env_order;
             c.window_s = window_s;
             c.remove_ecg = remove_ecg;
             if (ecg) c.ecg = *ecg;
             return c;
           }),
           py::arg("name") = "", py::arg("profile") = "limb", py::arg("highpass_hz") = py::none(),
           py::arg("lowpass_hz") = py::none(), py::arg("prefilter_order") = 4, py::arg("notch") = py::none(),
           py::arg("envelope") = "lowpass", py::arg("envelope_cutoff_hz") = 6.0, py::arg("envelope_order") = 2,
           py::arg("window_s") = 0.1, py::arg("remove_ecg") = false, py::arg("ecg") = py::none())
      .def_readwrite("name", &ChannelConfig::name)
      .def_property("profile", [](const ChannelConfig& c) { return profile_str(c.profile); },
                    [](ChannelConfig& c, const std::string& s) { c.profile = parse_profile(s); })
      .def_readwrite("highpass_hz", &ChannelConfig::highpass_hz)
      .def_readwrite("lowpass_hz", &ChannelConfig::lowpass_hz)
      .def_readwrite("prefilter_order", &ChannelConfig::prefilter_order)
      .def_readwrite("notch", &ChannelConfig::notch)
      .def_property("envelope", [](const ChannelConfig& c) { return envelope_str(c.envelope); },
                    [](ChannelConfig& c, const std::string& s) { c.envelope = parse_envelope(s); })
      .def_readwrite("envelope_cutoff_hz", &ChannelConfig::envelope_cutoff_hz)
      .def_readwrite("envelope_order", &ChannelConfig::envelope_order)
      .def_readwrite("window_s", &ChannelConfig::window_s)
      .def_readwrite("remove_ecg", &ChannelConfig::remove_ecg)
      .def_readwrite("ecg", &ChannelConfig::ecg)
      .def("__repr__", [](const ChannelConfig& c) {
        return "ChannelConfig(name='" + c.name + "', profile='" + profile_str(c.profile) + "', envelope='" +
               envelope_str(c.envelope) + "')";
      });

  py::class_<EnvelopePipeline>(m, "EnvelopePipeline", R"doc(
Real-time EMG envelope: pre-filter, rectification, envelope, optional decimation.

Parameters
----------
fs : float
    Sampling rate in Hz.
channels : int or sequence of ChannelConfig
    An int gives that many channels with the default limb configuration.
output_rate_hz : float
    0 (default) outputs every sample; otherwise ``fs / output_rate_hz`` must be an integer D and every D-th
    envelope sample is output.
non_finite : {'hold_last', 'zero', 'propagate'}

Notes
-----
``process`` accepts blocks of any size and gives bit-identical output however a recording is split; the
'lowpass' envelope equals ``sosfilt(env, abs(sosfilt(prefilter, x)))`` computed with SciPy.
)doc")
      .def(py::init([](double fs, py::handle channels, double output_rate_hz, const std::string& non_finite,
                       double max_abs) {
             return EnvelopePipeline(make_config(fs, channels, output_rate_hz, non_finite, max_abs));
           }),
           py::arg("fs"), py::arg("channels"), py::arg("output_rate_hz") = 0.0, py::arg("non_finite") = "hold_last",
           py::arg("max_abs") = dsp::kDefaultMaxAbs)
      .def("process",
           [](EnvelopePipeline& p, py::handle x) {
             return dispatch_real(x, "x", [&](auto tag) -> py::object {
               using T = decltype(tag);
               const auto s = as_signal<T>(x, "x");
               if (s.n_channels != p.n_channels() || (s.one_d && p.n_channels() != 1))
                 throw py::value_error("x: expected shape (n_samples, " + std::to_string(p.n_channels()) + ")");
               const std::size_t n_out = p.output_frames_for(s.n_frames);
               std::vector<py::ssize_t> shape{static_cast<py::ssize_t>(n_out)};
               if (!s.one_d) shape.push_back(static_cast<py::ssize_t>(p.n_channels()));
               py::array_t<T> out(shape);
               T* dst = out.mutable_data();
               {
                 py::gil_scoped_release nogil;
                 p.process(s.array.data(), s.n_frames, dst, n_out);
               }
               return out;
             });
           },
           py::arg("x"), R"doc(
Process the next block, shape (n_samples, n_channels) (or (n_samples,) for one channel); returns the
envelope frames produced, shape (n_out, n_channels) (or (n_out,)); n_out == n_samples without decimation.
float32 stays float32.
)doc")
      .def("reset", &EnvelopePipeline::reset)
      .def("latency_ms", &EnvelopePipeline::latency_ms, py::arg("channel") = 0,
           "Envelope delay in ms: band-pass group delay at its centre + envelope delay at DC + decimation hold.")
      .def("frequency_response",
           [](const EnvelopePipeline& p, std::size_t ch, py::handle f_obj) {
             const auto f = real_array(f_obj, "f_hz");
             std::vector<std::complex<double>> h;
             for (py::ssize_t i = 0; i < f.size(); ++i) h.push_back(p.frequency_response(ch, f.data()[i]));
             return to_array(std::move(h), std::vector<py::ssize_t>(f.shape(), f.shape() + f.ndim()));
           },
           py::arg("channel"), py::arg("f_hz"), "Complex response of the linear pre-filter at f_hz.")
      .def("envelope_frequency_response",
           [](const EnvelopePipeline& p, std::size_t ch, py::handle f_obj) {
             const auto f = real_array(f_obj, "f_hz");
             std::vector<std::complex<double>> h;
             for (py::ssize_t i = 0; i < f.size(); ++i) h.push_back(p.envelope_frequency_response(ch, f.data()[i]));
             return to_array(std::move(h), std::vector<py::ssize_t>(f.shape(), f.shape() + f.ndim()));
           },
           py::arg("channel"), py::arg("f_hz"), "Complex response of the envelope stage at f_hz.")
      .def("prefilter_sos", [](const EnvelopePipeline& p, std::size_t ch) { return design_sos(p.design(ch).prefilter); },
           py::arg("channel"), "The channel's pre-filter as SOS (high-pass, low-pass, notches).")
      .def("envelope_sos", [](const EnvelopePipeline& p, std::size_t ch) { return design_sos(p.design(ch).envelope); },
           py::arg("channel"), "The channel's envelope low-pass as SOS (empty for moving windows).")
      .def("processing_report", &EnvelopePipeline::processing_report, "ISEK-style description as text.")
      .def("processing_report_json", &EnvelopePipeline::processing_report_json, "ISEK-style description as JSON text.")
      .def_property_readonly("n_channels", &EnvelopePipeline::n_channels)
      .def_property_readonly("fs", &EnvelopePipeline::fs)
      .def_property_readonly("output_rate_hz", &EnvelopePipeline::output_rate_hz)
      .def_property_readonly("decimation", &EnvelopePipeline::decimation)
      .def_property_readonly("channels", [](const EnvelopePipeline& p) { return p.config().channels; })
      .def_property_readonly("replaced_samples", &EnvelopePipeline::replaced_samples);

  m.def("offline_envelope",
        [](double fs, py::handle channels, py::handle x) {
          const PipelineConfig cfg = make_config(fs, channels, 0.0, "hold_last");
          return dispatch_real(x, "x", [&](auto tag) -> py::object {
            using T = decltype(tag);
            const auto s = as_signal<T>(x, "x");
            if (s.n_channels != cfg.channels.size())
              throw py::value_error("x: expected " + std::to_string(cfg.channels.size()) + " channels, got " +
                                    std::to_string(s.n_channels));
            std::vector<T> out;
            {
              py::gil_scoped_release nogil;
              out = offline_envelope(cfg, s.span());
            }
            return shaped_like(std::move(out), s, s.n_frames);
          });
        },
        py::arg("fs"), py::arg("channels"), py::arg("x"), R"doc(
Zero-phase envelope of a whole recording for publication: the channel configurations' filters run forward and
backward with Winter's cutoff correction (each filter -3 dB at its configured cutoff), centred moving windows.
)doc");

  py::class_<ChannelCalibration>(m, "ChannelCalibration", "Calibration values of one channel (read-only).")
      .def_readonly("name", &ChannelCalibration::name)
      .def_readonly("rest_mean", &ChannelCalibration::rest_mean)
      .def_readonly("rest_sd", &ChannelCalibration::rest_sd)
      .def_readonly("rest_duration_s", &ChannelCalibration::rest_duration_s)
      .def_property_readonly("reference_kind",
                             [](const ChannelCalibration& c) { return reference_kind_str(c.reference_kind); })
      .def_readonly("reference", &ChannelCalibration::reference)
      .def_readonly("reference_trials", &ChannelCalibration::reference_trials)
      .def_readonly("reference_task", &ChannelCalibration::reference_task)
      .def("__repr__", [](const ChannelCalibration& c) {
        return "ChannelCalibration(name='" + c.name + "', reference_kind='" + reference_kind_str(c.reference_kind) +
               "')";
      });

  py::class_<Calibration>(m, "Calibration", R"doc(
Rest baseline and reference contraction per channel, to express envelopes in % of the reference.

The reference is an MVC or a standardised submaximal task (CEDE matrix, Besomi et al. 2020), never the
trial's own maximum: the maximum over trials of the peak of the envelope's 0.5 s moving average. The rest
baseline is the mean and sample SD of the envelope over at least 3 s.

Parameters
----------
channel_names : sequence of str
)doc")
      .def(py::init<std::vector<std::string>>(), py::arg("channel_names"))
      .def("set_rest",
           [](Calibration& c, py::handle env, double fs) {
             auto a = envelope_block(env, c.n_channels());
             c.set_rest(std::span<const double>(a.data(), static_cast<std::size_t>(a.size())), fs);
           },
           py::arg("envelope"), py::arg("fs"), "Rest baseline from >= 3 s of envelope, shape (n, n_channels).")
      .def("add_mvc_trial",
           [](Calibration& c, py::handle env, double fs) {
             auto a = envelope_block(env, c.n_channels());
             c.add_mvc_trial(std::span<const double>(a.data(), static_cast<std::size_t>(a.size())), fs);
           },
           py::arg("envelope"), py::arg("fs"), "Add one MVC trial (>= 0.5 s of envelope).")
      .def("add_submaximal_trial",
           [](Calibration& c, py::handle env, double fs, const std::string& task) {
             auto a = envelope_block(env, c.n_channels());
             c.add_submaximal_trial(std::span<const double>(a.data(), static_cast<std::size_t>(a.size())), fs, task);
           },
           py::arg("envelope"), py::arg("fs"), py::arg("task"), "Add one trial of a standardised submaximal task.")
      .def("normalise",
           [](const Calibration& c, py::handle env) {
             auto s = as_signal<double>(env, "envelope");
             if (s.n_channels != c.n_channels())
               throw py::value_error("envelope: expected " + std::to_string(c.n_channels()) + " channels");
             auto out = c.normalise(s.span());
             return shaped_like(std::move(out), s, s.n_frames);
           },
           py::arg("envelope"), "Envelope in % of each channel's reference.")
      .def("to_json", &Calibration::to_json)
      .def_static("from_json", &Calibration::from_json, py::arg("json"))
      .def_property_readonly("channels", &Calibration::channels)
      .def_property_readonly("n_channels", &Calibration::n_channels);

  py::class_<OnsetConfig>(m, "OnsetConfig", R"doc(
Onset/offset detection settings, all durations in seconds.

Parameters
----------
method : {'threshold', 'tkeo', 'hodges_bui', 'bonato'}
    'threshold' works on an envelope; 'tkeo' (Li 2007, Solnik 2010) and 'hodges_bui' (Hodges & Bui 1996) on
    band-passed EMG, with baseline statistics in their conditioned domain; 'bonato' (Bonato et al. 1998,
    double threshold on pairs of samples, offline only) on band-passed EMG with bonato_pfa, bonato_m,
    bonato_r0.
k_on, k_off : float
    Onset threshold mean + k_on SD, offset threshold mean + k_off SD of the rest baseline (k_off <= k_on).
min_on_s, min_off_s : float
    Time above / below the threshold needed for an onset / offset (defaults 25 ms / 50 ms).
lowpass_hz : float
    Smoothing low-pass of the rectified conditioned signal ('tkeo', 'hodges_bui').
window_s : float
    'hodges_bui' window whose mean must exceed the threshold.
)doc")
      .def(py::init([](const std::string& method, double k_on, double k_off, double min_on_s, double min_off_s,
                       double lowpass_hz, double window_s, double bonato_pfa, int bonato_m, int bonato_r0) {
             return OnsetConfig{parse_method(method), k_on,       k_off,      min_on_s, min_off_s, lowpass_hz,
                                window_s,             bonato_pfa, bonato_m,   bonato_r0};
           }),
           py::arg("method") = "threshold", py::arg("k_on") = 3.0, py::arg("k_off") = 2.0, py::arg("min_on_s") = 0.025,
           py::arg("min_off_s") = 0.050, py::arg("lowpass_hz") = 50.0, py::arg("window_s") = 0.025,
           py::arg("bonato_pfa") = 0.05, py::arg("bonato_m") = 5, py::arg("bonato_r0") = 1)
      .def_property("method", [](const OnsetConfig& c) { return method_str(c.method); },
                    [](OnsetConfig& c, const std::string& s) { c.method = parse_method(s); })
      .def_readwrite("k_on", &OnsetConfig::k_on)
      .def_readwrite("k_off", &OnsetConfig::k_off)
      .def_readwrite("min_on_s", &OnsetConfig::min_on_s)
      .def_readwrite("min_off_s", &OnsetConfig::min_off_s)
      .def_readwrite("lowpass_hz", &OnsetConfig::lowpass_hz)
      .def_readwrite("window_s", &OnsetConfig::window_s)
      .def_readwrite("bonato_pfa", &OnsetConfig::bonato_pfa)
      .def_readwrite("bonato_m", &OnsetConfig::bonato_m)
      .def_readwrite("bonato_r0", &OnsetConfig::bonato_r0);

  py::class_<OnsetDetector>(m, "OnsetDetector", R"doc(
Streaming onset/offset detector. Give it a rest baseline (``set_baseline``), then feed blocks; ``process``
returns the decided events as a list of dicts with channel, kind ('onset'/'offset'), sample, time_s,
detected_at and detection_delay_s. Invalid input samples (non-finite or beyond ``max_abs``) are replaced as
``non_finite`` says before any conditioning and counted in ``replaced_samples``.
)doc")
      .def(py::init([](std::size_t n, double fs, const OnsetConfig& c, const std::string& nf, double max_abs) {
             return OnsetDetector(bounded_count(n, "n_channels"), fs, c, parse_policy(nf, max_abs));
           }),
           py::arg("n_channels"), py::arg("fs"), py::arg("config") = OnsetConfig{},
           py::arg("non_finite") = "hold_last", py::arg("max_abs") = dsp::kDefaultMaxAbs)
      .def("set_baseline",
           [](OnsetDetector& d, py::handle rest) {
             auto s = as_signal<double>(rest, "rest");
             if (s.n_channels != d.n_channels())  // e.g. a channels-first array: never reinterleaved silently
               throw py::value_error("rest: expected shape (n_samples, " + std::to_string(d.n_channels()) +
                                     "), got " + std::to_string(s.n_frames) + " x " + std::to_string(s.n_channels));
             d.set_baseline(s.span());
           },
           py::arg("rest"), "Rest recording (>= 3 s) in the detector's input domain.")
      .def("set_baseline_stats",
           [](OnsetDetector& d, std::vector<double> mean, std::vector<double> sd) { d.set_baseline_stats(mean, sd); },
           py::arg("mean"), py::arg("sd"))
      .def("process",
           [](OnsetDetector& d, py::handle x) {
             auto s = as_signal<double>(x, "x");
             const std::size_t C = d.n_channels();
             if (s.n_channels != C)
               throw py::value_error("x: expected shape (n_samples, " + std::to_string(C) + "), got " +
                                     std::to_string(s.n_frames) + " x " + std::to_string(s.n_channels));
             // At most one decision per channel every min(min_on, min_off) samples, plus one.
             std::vector<OnsetEvent> events(s.n_frames * s.n_channels + s.n_channels);
             std::size_t n = 0;
             {
               py::gil_scoped_release nogil;
               n = d.process(s.array.data(), s.n_frames, events.data(), events.size());
             }
             py::list out;
             for (std::size_t i = 0; i < n; ++i) {
               const auto& e = events[i];
               py::dict item;
               item["channel"] = e.channel;
               item["kind"] = e.onset ? "onset" : "offset";
               item["sample"] = e.sample;
               item["time_s"] = e.time_s;
               item["detected_at"] = e.detected_at;
               item["detection_delay_s"] = e.detection_delay_s;
               out.append(item);
             }
             return out;
           },
           py::arg("x"))
      .def("reset", &OnsetDetector::reset)
      .def("active", &OnsetDetector::active, py::arg("channel"))
      .def_property_readonly("has_baseline", &OnsetDetector::has_baseline)
      .def_property_readonly("n_channels", &OnsetDetector::n_channels)
      .def_property_readonly("baseline_mean", &OnsetDetector::baseline_mean)
      .def_property_readonly("baseline_sd", &OnsetDetector::baseline_sd)
      .def_property_readonly("dropped_events", &OnsetDetector::dropped_events)
      .def_property_readonly("replaced_samples", &OnsetDetector::replaced_samples)
      .def_property_readonly("minimum_detection_delay_s", &OnsetDetector::minimum_detection_delay_s)
      .def_property_readonly("conditioning_delay_s", &OnsetDetector::conditioning_delay_s);

  m.def("_detect_activations",
        [](py::handle x, py::handle rest, double fs, const OnsetConfig& config) {
          auto s = as_signal<double>(x, "x");
          auto r = as_signal<double>(rest, "rest");
          if (r.n_channels != s.n_channels) throw py::value_error("rest: must have the channels of x");
          std::vector<ActivationBurst> bursts;
          {
            py::gil_scoped_release nogil;
            bursts = detect_activations(s.span(), r.span(), s.n_channels, fs, config);
          }
          return burst_rows(bursts);
        },
        py::arg("x"), py::arg("rest"), py::arg("fs"), py::arg("config"));
  m.def("_detect_activations_from_baseline",
        [](py::handle x, py::handle baseline_mean, py::handle baseline_sd, double fs, const OnsetConfig& config) {
          auto s = as_signal<double>(x, "x");
          const auto mean = small_vector(baseline_mean, "baseline_mean", s.n_channels);
          const auto sd = small_vector(baseline_sd, "baseline_sd", s.n_channels);
          std::vector<ActivationBurst> bursts;
          {
            py::gil_scoped_release nogil;
            bursts = detect_activations(s.span(), mean, sd, s.n_channels, fs, config);
          }
          return burst_rows(bursts);
        },
        py::arg("x"), py::arg("baseline_mean"), py::arg("baseline_sd"), py::arg("fs"), py::arg("config"));

  auto pair = [](py::handle a, py::handle b, const char* name_a = "a", const char* name_b = "b") {
    return std::make_pair(as_channel<double>(a, name_a), as_channel<double>(b, name_b));
  };
  m.def("activation_ratio",
        [pair](py::handle a, py::handle b) {
          auto [sa, sb] = pair(a, b);
          return activation_ratio(sa.span(), sb.span());
        },
        py::arg("a"), py::arg("b"), "mean(a) / mean(b) of two normalised envelopes (e.g. gluteus medius : paraspinal).");
  m.def("rudolph_cci",
        [pair](py::handle a, py::handle b) {
          auto [sa, sb] = pair(a, b);
          return rudolph_cci(sa.span(), sb.span());
        },
        py::arg("a"), py::arg("b"),
        "Rudolph et al. (2000) co-contraction: mean over samples of (lower/higher) * (lower + higher).");
  m.def("falconer_winter_coi",
        [pair](py::handle a, py::handle b) {
          auto [sa, sb] = pair(a, b);
          return falconer_winter_coi(sa.span(), sb.span());
        },
        py::arg("a"), py::arg("b"), "Falconer & Winter (1985) co-contraction: 200 * sum(min(a, b)) / sum(a + b), in %.");
  m.def("symmetry_index",
        [pair](py::handle left, py::handle right) {
          auto [sa, sb] = pair(left, right, "left", "right");
          return symmetry_index(sa.span(), sb.span());
        },
        py::arg("left"), py::arg("right"),
        "Robinson (1987) symmetry index of two envelopes' means, 100 (R - L) / (0.5 (L + R)), in %, positive when "
        "right is larger.");
  m.def("flexion_relaxation_ratio",
        [](py::handle envelope, double fs, std::pair<double, double> flexion, std::pair<double, double> full_flexion,
           double window_s) {
          auto s = as_channel<double>(envelope, "envelope");
          return flexion_relaxation_ratio(s.span(), fs, flexion.first, flexion.second, full_flexion.first,
                                          full_flexion.second, window_s);
        },
        py::arg("envelope"), py::arg("fs"), py::arg("flexion"), py::arg("full_flexion"), py::arg("window_s") = 0.5,
        R"doc(
Flexion-relaxation ratio (Watson et al. 1997) of a paraspinal envelope: the largest ``window_s`` moving average
during the ``flexion`` phase over the mean during ``full_flexion``; phases are (start_s, end_s).
)doc");
  m.def("_sliding_indices",
        [pair](py::handle a, py::handle b, double fs, double window_s, double step_s) {
          auto [sa, sb] = pair(a, b);
          const auto rows = sliding_indices(sa.span(), sb.span(), fs, window_s, step_s);
          std::vector<double> cols[6];
          for (const auto& r : rows) {
            cols[0].push_back(r.t_start_s);
            cols[1].push_back(r.t_end_s);
            cols[2].push_back(r.activation_ratio);
            cols[3].push_back(r.rudolph_cci);
            cols[4].push_back(r.falconer_winter_coi);
            cols[5].push_back(r.symmetry_index);
          }
          py::tuple out(6);
          for (int i = 0; i < 6; ++i) {
            const auto n = static_cast<py::ssize_t>(cols[i].size());
            out[i] = to_array(std::move(cols[i]), {n});
          }
          return out;
        },
        py::arg("a"), py::arg("b"), py::arg("fs"), py::arg("window_s"), py::arg("step_s"));

  py::class_<TargetZone>(m, "TargetZone", R"doc(
Biofeedback target zone for one channel: inside means ``lower <= value <= upper``; a state is left only when
the value passes a bound by ``hysteresis``; a new state is reported after it has lasted ``min_dwell_s``.
)doc")
      .def(py::init([](double lower, double upper, double hysteresis, double min_dwell_s) {
             return TargetZone{lower, upper, hysteresis, min_dwell_s};
           }),
           py::arg("lower"), py::arg("upper"), py::arg("hysteresis") = 0.0, py::arg("min_dwell_s") = 0.0)
      .def_readwrite("lower", &TargetZone::lower)
      .def_readwrite("upper", &TargetZone::upper)
      .def_readwrite("hysteresis", &TargetZone::hysteresis)
      .def_readwrite("min_dwell_s", &TargetZone::min_dwell_s);

  py::class_<TargetZoneTracker>(m, "TargetZoneTracker", R"doc(
Debounced below / inside / above states of live values (e.g. % reference envelopes, or a gluteus medius :
paraspinal ratio), one zone per channel, evaluated at ``display_rate_hz``. ``process`` returns the state
changes as dicts (channel, from, to, sample, time_s).
)doc")
      .def(py::init<std::vector<TargetZone>, double, double>(), py::arg("zones"), py::arg("input_rate_hz"),
           py::arg("display_rate_hz"))
      .def("process",
           [](TargetZoneTracker& z, py::handle values) {
             auto s = as_signal<double>(values, "values");
             if (s.n_channels != z.n_channels())
               throw py::value_error("values: expected " + std::to_string(z.n_channels()) + " channels");
             std::vector<ZoneEvent> events(s.n_frames * s.n_channels + s.n_channels);
             const std::size_t n = z.process(s.array.data(), s.n_frames, events.data(), events.size());
             py::list out;
             for (std::size_t i = 0; i < n; ++i) {
               py::dict d;
               d["channel"] = events[i].channel;
               d["from"] = zone_str(events[i].from);
               d["to"] = zone_str(events[i].to);
               d["sample"] = events[i].sample;
               d["time_s"] = events[i].time_s;
               out.append(d);
             }
             return out;
           },
           py::arg("values"))
      .def("state", [](const TargetZoneTracker& z, std::size_t c) { return zone_str(z.state(c)); }, py::arg("channel"))
      .def("reset", &TargetZoneTracker::reset)
      .def_property_readonly("n_channels", &TargetZoneTracker::n_channels)
      .def_property_readonly("dropped_events", &TargetZoneTracker::dropped_events);

  py::class_<QualityConfig>(m, "QualityConfig", R"doc(
Signal-quality thresholds (engineering defaults, all configurable): clipping share > 0.1 % of samples at the ADC
rails (when ``adc_min``/``adc_max`` are given), flat line when SD <= ``flat_sd``, mains when the power within
+-1 Hz of ``mains_hz`` and its harmonics exceeds 20 % of the 20-450 Hz power, motion when the power below
``motion_cutoff_hz`` exceeds 30 % of the total; ECG (blocks >= 5 s, ``check_ecg``) when ``remove_ecg``'s
contamination index exceeds ``max_ecg_pct`` and its beats correlate with their template >= ``min_ecg_correlation``.
)doc")
      .def(py::init([](std::optional<double> adc_min, std::optional<double> adc_max, double max_clipped_fraction,
                       double flat_sd, double mains_hz, double max_mains_ratio, double max_motion_ratio,
                       double motion_cutoff_hz, bool check_ecg, double max_ecg_pct, double min_ecg_correlation) {
             return QualityConfig{adc_min,          adc_max,   max_clipped_fraction, flat_sd,
                                  mains_hz,         max_mains_ratio, max_motion_ratio, motion_cutoff_hz,
                                  check_ecg,        max_ecg_pct,     min_ecg_correlation};
           }),
           py::arg("adc_min") = py::none(), py::arg("adc_max") = py::none(), py::arg("max_clipped_fraction") = 0.001,
           py::arg("flat_sd") = 0.0, py::arg("mains_hz") = 50.0, py::arg("max_mains_ratio") = 0.2,
           py::arg("max_motion_ratio") = 0.3, py::arg("motion_cutoff_hz") = 20.0, py::arg("check_ecg") = true,
           py::arg("max_ecg_pct") = 5.0, py::arg("min_ecg_correlation") = 0.3)
      .def_readwrite("adc_min", &QualityConfig::adc_min)
      .def_readwrite("adc_max", &QualityConfig::adc_max)
      .def_readwrite("max_clipped_fraction", &QualityConfig::max_clipped_fraction)
      .def_readwrite("flat_sd", &QualityConfig::flat_sd)
      .def_readwrite("mains_hz", &QualityConfig::mains_hz)
      .def_readwrite("max_mains_ratio", &QualityConfig::max_mains_ratio)
      .def_readwrite("max_motion_ratio", &QualityConfig::max_motion_ratio)
      .def_readwrite("motion_cutoff_hz", &QualityConfig::motion_cutoff_hz)
      .def_readwrite("check_ecg", &QualityConfig::check_ecg)
      .def_readwrite("max_ecg_pct", &QualityConfig::max_ecg_pct)
      .def_readwrite("min_ecg_correlation", &QualityConfig::min_ecg_correlation);

  m.def("assess_quality",
        [](py::handle block, double fs, const QualityConfig& config) {
          auto s = as_signal<double>(block, "block");
          std::vector<QualityReport> reports;
          {
            py::gil_scoped_release nogil;
            reports = assess_quality(s.span(), s.n_channels, fs, config);
          }
          py::list out;
          for (const auto& r : reports) {
            py::dict d;
            d["clipped_fraction"] = r.clipped_fraction;
            d["sd"] = r.sd;
            d["mains_ratio"] = r.mains_ratio;
            d["motion_ratio"] = r.motion_ratio;
            d["ecg_contamination_pct"] = r.ecg_contamination_pct;
            d["ecg_beat_correlation"] = r.ecg_beat_correlation;
            d["ecg"] = r.ecg;
            d["clipping"] = r.clipping;
            d["flat"] = r.flat;
            d["mains"] = r.mains;
            d["motion"] = r.motion;
            d["ok"] = r.ok();
            out.append(d);
          }
          return out;
        },
        py::arg("block"), py::arg("fs"), py::arg("config") = QualityConfig{}, R"doc(
Quality flags of a raw EMG block (>= 1 s), one dict per channel: clipped_fraction, sd, mains_ratio,
motion_ratio and the booleans clipping, flat, mains, motion, ok. Spectra are Welch with 1 s Hann segments.
)doc");

  py::class_<EcgRemovalConfig>(m, "EcgRemovalConfig", R"doc(
ECG removal settings: method 'template' (running average of aligned beats, subtracted) or 'gating'
(interpolation across each QRS); beat window pre_s/post_s around the R peak; template_beats averaged;
max_shift_s alignment range; QRS detection band qrs_low_hz-qrs_high_hz, integration_s, threshold_fraction of
the 99th percentile, refractory_s.
)doc")
      .def(py::init([](const std::string& method, double pre_s, double post_s, std::size_t template_beats,
                       double max_shift_s, double gate_half_width_s, std::size_t min_beats) {
             EcgRemovalConfig c;
             if (method == "template") c.method = EcgRemovalMethod::template_subtraction;
             else if (method == "gating") c.method = EcgRemovalMethod::gating;
             else throw py::value_error("method: must be 'template' or 'gating', got '" + method + "'");
             c.pre_s = pre_s;
             c.post_s = post_s;
             c.template_beats = template_beats;
             c.max_shift_s = max_shift_s;
             c.gate_half_width_s = gate_half_width_s;
             c.min_beats = min_beats;
             return c;
           }),
           py::arg("method") = "template", py::arg("pre_s") = 0.10, py::arg("post_s") = 0.15,
           py::arg("template_beats") = 30, py::arg("max_shift_s") = 0.010, py::arg("gate_half_width_s") = 0.05,
           py::arg("min_beats") = 5)
      .def_readwrite("qrs_low_hz", &EcgRemovalConfig::qrs_low_hz)
      .def_readwrite("qrs_high_hz", &EcgRemovalConfig::qrs_high_hz)
      .def_readwrite("integration_s", &EcgRemovalConfig::integration_s)
      .def_readwrite("threshold_fraction", &EcgRemovalConfig::threshold_fraction)
      .def_readwrite("refractory_s", &EcgRemovalConfig::refractory_s);

  m.def("detect_qrs",
        [](py::handle x, double fs, const EcgRemovalConfig& config) {
          auto s = as_channel<double>(x, "signal");
          auto peaks = detect_qrs(s.span(), fs, config);
          std::vector<std::int64_t> out(peaks.begin(), peaks.end());
          const auto n = static_cast<py::ssize_t>(out.size());
          return to_array(std::move(out), {n});
        },
        py::arg("signal"), py::arg("fs"), py::arg("config") = EcgRemovalConfig{},
        "R-peak sample indices (Pan-Tompkins-style band-pass, squared derivative, integration, threshold).");

  py::class_<EcgRemover>(m, "EcgRemover", R"doc(
Streaming ECG removal for trunk channels: causal R-peak detection per channel and subtraction of the scaled
running average of aligned beats, output delayed by ``latency_s`` (beat window + alignment + detection).
``process`` returns the cleaned, 1 Hz high-passed input of ``latency_samples`` frames earlier.
)doc")
      .def(py::init([](std::size_t n, double fs, const EcgRemovalConfig& c, const std::string& nf, double max_abs) {
             return EcgRemover(bounded_count(n, "n_channels"), fs, c, parse_policy(nf, max_abs));
           }),
           py::arg("n_channels"), py::arg("fs"), py::arg("config") = EcgRemovalConfig{},
           py::arg("non_finite") = "hold_last", py::arg("max_abs") = dsp::kDefaultMaxAbs)
      .def("process",
           [](EcgRemover& r, py::handle x) {
             auto s = as_signal<double>(x, "x");
             if (s.n_channels != r.n_channels())
               throw py::value_error("x: expected " + std::to_string(r.n_channels()) + " channels");
             py::array_t<double> out = empty_like_signal(s);
             double* dst = out.mutable_data();
             {
               py::gil_scoped_release nogil;
               r.process(s.array.data(), dst, s.n_frames);
             }
             return out;
           },
           py::arg("x"))
      .def("reset", &EcgRemover::reset)
      .def("beats", &EcgRemover::beats, py::arg("channel"))
      .def("late_beats", &EcgRemover::late_beats, py::arg("channel"))
      .def_property_readonly("replaced_samples", &EcgRemover::replaced_samples)
      .def_property_readonly("latency_samples", &EcgRemover::latency_samples)
      .def_property_readonly("latency_s", &EcgRemover::latency_s)
      .def_property_readonly("n_channels", &EcgRemover::n_channels);

  m.def("_remove_ecg",
        [](py::handle x, double fs, py::object reference, const EcgRemovalConfig& config) {
          auto s = as_signal<double>(x, "emg");
          std::optional<Signal<double>> ref;
          if (!reference.is_none()) ref = as_signal<double>(reference, "ecg_reference");
          std::optional<std::span<const double>> ref_span;
          if (ref) ref_span = ref->span();
          auto r = remove_ecg(s.span(), s.n_channels, fs, ref_span, config);
          std::vector<std::int64_t> peaks(r.r_peaks.begin(), r.r_peaks.end());
          const auto np = static_cast<py::ssize_t>(peaks.size());
          std::vector<bool> gated = r.gated;
          return py::make_tuple(shaped_like(std::move(r.cleaned), s, s.n_frames),
                                shaped_like(std::move(r.ecg_estimate), s, s.n_frames), to_array(std::move(peaks), {np}),
                                r.contamination_pct, gated, r.beat_correlation);
        },
        py::arg("emg"), py::arg("fs"), py::arg("ecg_reference"), py::arg("config"));

  py::class_<FeatureThresholds>(m, "FeatureThresholds", R"doc(
Thresholds of the count features in signal units (no defaults: they depend on gain and noise floor):
``zero_crossing`` and ``willison_amplitude`` on |x[i] - x[i+1]|, ``slope_sign_change`` on
(x[i] - x[i-1]) * (x[i] - x[i+1]).
)doc")
      .def(py::init([](double zc, double ssc, double wamp) { return FeatureThresholds{zc, ssc, wamp}; }),
           py::arg("zero_crossing"), py::arg("slope_sign_change"), py::arg("willison_amplitude"))
      .def_readwrite("zero_crossing", &FeatureThresholds::zero_crossing)
      .def_readwrite("slope_sign_change", &FeatureThresholds::slope_sign_change)
      .def_readwrite("willison_amplitude", &FeatureThresholds::willison_amplitude);

  py::class_<FeatureOptions>(m, "FeatureOptions", R"doc(
Definition choices of the window features; the defaults are kinemyo's documented definitions.

``log_detector``: 'nonzero' (default: geometric mean of the nonzero |x|, so windows of integer data with zeros stay
informative), 'offset_one' (exp(mean(log(|x| + 1))), LibEMG) or 'strict' (0 if any sample is 0).
``var_ddof``: var = sum x^2 / (N - var_ddof), about zero (default 1; 0 as LibEMG's MATLAB reference).
Spectral features: ``window`` 'hann' (default, periodic) or 'rectangular'; ``remove_mean`` (default True);
``nfft`` (0: the window length; larger zero-pads); ``spectrum`` 'one_sided_density' (default, units^2/Hz) or
'first_half_power' (|X[k]|^2 / N^2 for k < nfft/2, LibEMG); ``median_frequency`` 'interpolated' (default) or
'first_bin' (LibEMG).
)doc")
      .def(py::init([](const std::string& ld, double ddof, const std::string& window, bool remove_mean,
                       std::size_t nfft, const std::string& spectrum, const std::string& median) {
             FeatureOptions o;
             o.log_detector = parse_log_detector(ld);
             o.var_ddof = ddof;
             o.spectral.window = parse_spectral_window(window);
             o.spectral.remove_mean = remove_mean;
             o.spectral.nfft = nfft;
             o.spectral.form = parse_spectrum_form(spectrum);
             o.spectral.median = parse_median(median);
             return o;
           }),
           py::kw_only(), py::arg("log_detector") = "nonzero", py::arg("var_ddof") = 1.0, py::arg("window") = "hann",
           py::arg("remove_mean") = true, py::arg("nfft") = 0, py::arg("spectrum") = "one_sided_density",
           py::arg("median_frequency") = "interpolated")
      .def_property("log_detector", [](const FeatureOptions& o) { return log_detector_str(o.log_detector); },
                    [](FeatureOptions& o, const std::string& v) { o.log_detector = parse_log_detector(v); })
      .def_readwrite("var_ddof", &FeatureOptions::var_ddof)
      .def_property(
          "window",
          [](const FeatureOptions& o) { return std::string(o.spectral.window == SpectralWindow::hann ? "hann" : "rectangular"); },
          [](FeatureOptions& o, const std::string& v) { o.spectral.window = parse_spectral_window(v); })
      .def_property(
          "remove_mean", [](const FeatureOptions& o) { return o.spectral.remove_mean; },
          [](FeatureOptions& o, bool v) { o.spectral.remove_mean = v; })
      .def_property(
          "nfft", [](const FeatureOptions& o) { return o.spectral.nfft; },
          [](FeatureOptions& o, std::size_t v) { o.spectral.nfft = v; })
      .def_property(
          "spectrum",
          [](const FeatureOptions& o) {
            return std::string(o.spectral.form == SpectrumForm::one_sided_density ? "one_sided_density" : "first_half_power");
          },
          [](FeatureOptions& o, const std::string& v) { o.spectral.form = parse_spectrum_form(v); })
      .def_property(
          "median_frequency",
          [](const FeatureOptions& o) {
            return std::string(o.spectral.median == MedianFrequency::interpolated ? "interpolated" : "first_bin");
          },
          [](FeatureOptions& o, const std::string& v) { o.spectral.median = parse_median(v); });

  m.def("window_features",
        [](py::handle x, double fs, const FeatureThresholds& th, const std::optional<FeatureOptions>& options) {
          auto s = as_channel<double>(x, "x");
          return features_dict(window_features(s.span(), fs, th, options_or_default(options)));
        },
        py::arg("x"), py::arg("fs"), py::arg("thresholds"), py::arg("options") = py::none(), R"doc(
Features of one window of one channel: mav, rms, wl, zc, ssc, wamp, var, iav, log_detector (Phinyomark et al.
2012), mnf_hz, mdf_hz, peak_frequency_hz, mean_power from its spectrum (default: Hann periodogram), and dasdv, mfl,
msr, ls, skewness, kurtosis. ``options`` (FeatureOptions) selects the definition variants.
)doc");

  m.def("_windowed_features",
        [](py::handle x, double fs, double window_s, double step_s, const FeatureThresholds& th,
           const std::optional<FeatureOptions>& options) {
          auto s = as_signal<double>(x, "x");
          const FeatureOptions o = options_or_default(options);
          std::vector<FeatureRow> rows;
          {
            py::gil_scoped_release nogil;
            rows = windowed_features(s.span(), s.n_channels, fs, window_s, step_s, th, o);
          }
          py::list out;
          for (const auto& r : rows) {
            py::dict d = features_dict(r.f);
            d["channel"] = r.channel;
            d["t_start_s"] = r.t_start_s;
            d["t_end_s"] = r.t_end_s;
            out.append(d);
          }
          return out;
        },
        py::arg("x"), py::arg("fs"), py::arg("window_s"), py::arg("step_s"), py::arg("thresholds"),
        py::arg("options") = py::none());

  m.def("ar_coefficients",
        [](py::handle x, std::size_t order) {
          auto s = as_channel<double>(x, "x");
          auto a = ar_coefficients(s.span(), order);
          const auto n = static_cast<py::ssize_t>(a.size());
          return to_array(std::move(a), {n});
        },
        py::arg("x"), py::arg("order") = 4, R"doc(
Yule-Walker AR coefficients a1..a_order of one window (biased autocorrelation, mean not removed, Levinson-Durbin),
in the prediction-error convention of MATLAB lpc/aryule: x[t] + a1 x[t-1] + ... + ap x[t-p] = e[t].
)doc");

  m.def("windowed_ar_coefficients",
        [](py::handle x, double fs, double window_s, double step_s, std::size_t order) {
          auto s = as_signal<double>(x, "x");
          WindowedValues v;
          {
            py::gil_scoped_release nogil;
            v = windowed_ar_coefficients(s.span(), s.n_channels, fs, window_s, step_s, order);
          }
          return windowed_array(std::move(v), true);
        },
        py::arg("x"), py::arg("fs"), py::arg("window_s"), py::arg("step_s"), py::arg("order") = 4, R"doc(
ar_coefficients of every channel on the windows of windowed_features: shape (n_windows, n_channels, order).
)doc");

  m.def("sample_entropy",
        [](py::handle x, std::size_t dimension, double tolerance, const std::string& count) {
          auto s = as_channel<double>(x, "x");
          return sample_entropy(s.span(), SampleEntropyOptions{dimension, tolerance, parse_sampen_count(count)});
        },
        py::arg("x"), py::arg("dimension") = 2, py::arg("tolerance") = 0.2, py::arg("count") = "richman_moorman",
        R"doc(
Sample entropy of one window (Richman & Moorman 2000): templates of ``dimension`` samples, tolerance r =
``tolerance`` x the window's sample SD (N - 1). ``count`` 'richman_moorman' (default) or 'libemg' (LibEMG's count).
)doc");

  m.def("windowed_sample_entropy",
        [](py::handle x, double fs, double window_s, double step_s, std::size_t dimension, double tolerance,
           const std::string& count) {
          auto s = as_signal<double>(x, "x");
          const SampleEntropyOptions o{dimension, tolerance, parse_sampen_count(count)};
          WindowedValues v;
          {
            py::gil_scoped_release nogil;
            v = windowed_sample_entropy(s.span(), s.n_channels, fs, window_s, step_s, o);
          }
          return windowed_array(std::move(v), false);
        },
        py::arg("x"), py::arg("fs"), py::arg("window_s"), py::arg("step_s"), py::arg("dimension") = 2,
        py::arg("tolerance") = 0.2, py::arg("count") = "richman_moorman", R"doc(
sample_entropy of every channel on the windows of windowed_features: shape (n_windows, n_channels).
)doc");

  py::class_<FatigueTracker>(m, "FatigueTracker", R"doc(
Streaming mean and median frequency for fatigue tracking: windows of ``window_s`` (default 1 s) every
``update_s`` (default 0.5 s, 50 % overlap). ``process`` returns (t_s, mnf_hz, mdf_hz), each shaped
(n_updates, n_channels); t_s is the window centre.
)doc")
      .def(py::init([](std::size_t n, double fs, double window_s, double update_s) {
             return FatigueTracker(bounded_count(n, "n_channels"), fs, window_s, update_s);
           }),
           py::arg("n_channels"), py::arg("fs"), py::arg("window_s") = 1.0, py::arg("update_s") = 0.5)
      .def("process",
           [](FatigueTracker& f, py::handle x) {
             auto s = as_signal<double>(x, "x");
             if (s.n_channels != f.n_channels())
               throw py::value_error("x: expected " + std::to_string(f.n_channels()) + " channels");
             std::vector<SpectralFatiguePoint> pts(f.output_points_for(s.n_frames));
             std::size_t n = 0;
             {
               py::gil_scoped_release nogil;
               n = f.process(s.array.data(), s.n_frames, pts.data(), pts.size());
             }
             const std::size_t C = f.n_channels();
             std::vector<double> t(n), mnf(n), mdf(n);
             for (std::size_t i = 0; i < n; ++i) {
               t[i] = pts[i].t_s;
               mnf[i] = pts[i].mnf_hz;
               mdf[i] = pts[i].mdf_hz;
             }
             const std::vector<py::ssize_t> shape{static_cast<py::ssize_t>(n / C), static_cast<py::ssize_t>(C)};
             return py::make_tuple(to_array(std::move(t), shape), to_array(std::move(mnf), shape),
                                   to_array(std::move(mdf), shape));
           },
           py::arg("x"))
      .def("reset", &FatigueTracker::reset)
      .def_property_readonly("n_channels", &FatigueTracker::n_channels)
      .def_property_readonly("window_samples", &FatigueTracker::window_samples)
      .def_property_readonly("update_samples", &FatigueTracker::update_samples);

  m.def("linear_trend",
        [](py::handle t, py::handle y) {
          auto st = as_signal<double>(t, "t");
          auto sy = as_signal<double>(y, "y");
          const auto r = linear_trend(st.span(), sy.span());
          py::dict d;
          d["slope"] = r.slope;
          d["intercept"] = r.intercept;
          d["r"] = r.r;
          d["stderr_slope"] = r.stderr_slope;
          d["p_value"] = r.p_value;
          d["n"] = r.n;
          return d;
        },
        py::arg("t"), py::arg("y"),
        "Least-squares line y = intercept + slope * t with r, two-sided p-value and slope SE (as scipy.stats.linregress).");

  m.def("winter_correction", &winter_correction, py::arg("order"),
        "Winter's factor C = (sqrt(2) - 1) ** (1 / (2 order)) for a Butterworth run forward and backward.");
}

}  // namespace kinemyo::python
