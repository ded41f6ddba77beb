#include "kinemyo/emg/envelope_pipeline.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <numbers>
#include <sstream>
#include <stdexcept>
#include <type_traits>

#include "dsp/check.hpp"
#include "kinemyo/dsp/batch_filter.hpp"
#include "kinemyo/dsp/filter_design.hpp"
#include "kinemyo/limits.hpp"
#include "kinemyo/version.hpp"

namespace kinemyo::emg {
namespace {

using detail::num;
using dsp::FilterKind;

constexpr double kDefaultLowpassHz = 450.0;
constexpr double kMaxLowpassFraction = 0.45;  // low-pass edges stay below 0.45 fs
constexpr int kMaxOrder = 12;

std::string channel_field(std::size_t i, const std::string& field) {
  return "channels[" + std::to_string(i) + "]." + field;
}

[[noreturn]] void fail_channel(std::size_t i, const std::string& field, const std::string& what) {
  detail::fail(channel_field(i, field), what);
}

const char* profile_name(Profile p) { return p == Profile::trunk ? "trunk" : "limb"; }

const char* envelope_name(EnvelopeKind k) {
  switch (k) {
    case EnvelopeKind::lowpass: return "lowpass";
    case EnvelopeKind::moving_rms: return "moving_rms";
    case EnvelopeKind::moving_arv: return "moving_arv";
  }
  return "?";
}

void append(dsp::Sos& to, const dsp::Sos& from) { to.insert(to.end(), from.begin(), from.end()); }

// Resolves one channel. `winter` selects the offline (forward-backward) design with corrected cutoffs.
ChannelDesign design_one(const ChannelConfig& c, std::size_t i, double fs, bool winter) {
  if (c.profile != Profile::limb && c.profile != Profile::trunk) fail_channel(i, "profile", "unknown Profile value");
  if (c.prefilter_order < 1 || c.prefilter_order > kMaxOrder)
    fail_channel(i, "prefilter_order", "must be in [1, 12], got " + std::to_string(c.prefilter_order));
  const double hp = c.highpass_hz.value_or(c.profile == Profile::trunk ? 30.0 : 20.0);
  const double lp = c.lowpass_hz.value_or(std::min(kDefaultLowpassHz, kMaxLowpassFraction * fs));
  // Checked here to name the channel's field (the designs below would name only their cutoffs_hz argument).
  dsp::require_cutoff(channel_field(i, "highpass_hz"), hp, fs);
  dsp::require_cutoff(channel_field(i, "lowpass_hz"), lp, fs);
  if (!(hp < lp)) fail_channel(i, "highpass_hz", "must be below lowpass_hz (" + num(lp) + "), got " + num(hp));

  ChannelDesign d;
  const double cp = winter ? winter_correction(c.prefilter_order) : 1.0;
  d.highpass_hz = hp * cp;
  d.lowpass_hz = std::min(lp / cp, winter ? kMaxLowpassFraction * fs : lp);
  d.prefilter = dsp::butterworth_sos(c.prefilter_order, {d.highpass_hz}, FilterKind::highpass, fs);
  append(d.prefilter, dsp::butterworth_sos(c.prefilter_order, {d.lowpass_hz}, FilterKind::lowpass, fs));
  if (c.notch) {
    const auto& n = *c.notch;
    if (!std::isfinite(n.f0_hz) || n.f0_hz <= 0.0) fail_channel(i, "notch.f0_hz", "must be > 0, got " + num(n.f0_hz));
    if (!std::isfinite(n.q) || n.q <= 0.0) fail_channel(i, "notch.q", "must be > 0, got " + num(n.q));
    if (n.harmonics < 1 || n.f0_hz * n.harmonics >= fs / 2.0)
      fail_channel(i, "notch.harmonics", "must be >= 1 with harmonics * f0 < fs/2 = " + num(fs / 2.0) + ", got " +
                                             std::to_string(n.harmonics));
    for (int h = 1; h <= n.harmonics; ++h) {
      d.notch_hz.push_back(n.f0_hz * h);
      append(d.prefilter, dsp::notch_sos(n.f0_hz * h, n.q, fs));
    }
  }
  switch (c.envelope) {
    case EnvelopeKind::lowpass: {
      if (c.envelope_order < 1 || c.envelope_order > kMaxOrder)
        fail_channel(i, "envelope_order", "must be in [1, 12], got " + std::to_string(c.envelope_order));
      const double fc = c.envelope_cutoff_hz;
      dsp::require_cutoff(channel_field(i, "envelope_cutoff_hz"), fc, fs);
      const double design = winter ? fc / winter_correction(c.envelope_order) : fc;
      if (design >= fs / 2.0) fail_channel(i, "envelope_cutoff_hz", "too close to fs/2 for a zero-phase design");
      d.envelope = dsp::butterworth_sos(c.envelope_order, {design}, FilterKind::lowpass, fs);
      break;
    }
    case EnvelopeKind::moving_rms:
    case EnvelopeKind::moving_arv: {
      if (!std::isfinite(c.window_s) || c.window_s <= 0.0)
        fail_channel(i, "window_s", "must be > 0, got " + num(c.window_s));
      const double w = std::round(c.window_s * fs);
      if (w < 1.0) fail_channel(i, "window_s", "is shorter than one sample at fs = " + num(fs));
      if (w > static_cast<double>(kMaxCount))  // checked before the integer cast (and the window's allocation)
        fail_channel(i, "window_s", "is longer than " + std::to_string(kMaxCount) + " samples at fs = " + num(fs) +
                                        ", got " + num(c.window_s));
      d.window_samples = static_cast<std::size_t>(w);
      break;
    }
    default: fail_channel(i, "envelope", "unknown EnvelopeKind value");
  }
  return d;
}

bool same_ecg(const EcgRemovalConfig& a, const EcgRemovalConfig& b) {
  return a.method == b.method && a.pre_s == b.pre_s && a.post_s == b.post_s && a.template_beats == b.template_beats &&
         a.max_shift_s == b.max_shift_s && a.gate_half_width_s == b.gate_half_width_s && a.min_beats == b.min_beats &&
         a.qrs_low_hz == b.qrs_low_hz && a.qrs_high_hz == b.qrs_high_hz && a.integration_s == b.integration_s &&
         a.threshold_fraction == b.threshold_fraction && a.refractory_s == b.refractory_s;
}

bool same_design(const ChannelConfig& a, const ChannelDesign& da, const ChannelConfig& b, const ChannelDesign& db) {
  return a.envelope == b.envelope && da.prefilter == db.prefilter && da.envelope == db.envelope &&
         da.window_samples == db.window_samples && a.remove_ecg == b.remove_ecg &&
         (!a.remove_ecg || same_ecg(a.ecg, b.ecg));
}

std::size_t decimation_factor(const PipelineConfig& config) {
  if (config.output_rate_hz == 0.0) return 1;
  if (!std::isfinite(config.output_rate_hz) || config.output_rate_hz < 0.0 || config.output_rate_hz > config.fs)
    detail::fail("output_rate_hz", "must be 0 (input rate) or in (0, fs], got " + num(config.output_rate_hz));
  const double ratio = config.fs / config.output_rate_hz;
  // Checked before the integer cast: a ratio past any buffer size is a configuration error, not a factor.
  if (!(ratio <= 1e9)) detail::fail("output_rate_hz", "fs / output_rate_hz must be at most 1e9, got " + num(ratio));
  const double rounded = std::round(ratio);
  if (std::abs(ratio - rounded) > 1e-9 * ratio)
    detail::fail("output_rate_hz", "fs / output_rate_hz must be an integer, got " + num(ratio));
  return static_cast<std::size_t>(rounded);
}

void validate_config(const PipelineConfig& config) {
  detail::require_positive_finite("fs", config.fs);
  if (config.channels.empty()) detail::fail("channels", "needs at least one channel");
}

}  // namespace

double winter_correction(int order) {
  if (order < 1) detail::fail("order", "must be >= 1, got " + std::to_string(order));
  return std::pow(std::sqrt(2.0) - 1.0, 1.0 / (2.0 * order));
}

PipelineConfig PipelineConfig::uniform(double fs, std::size_t n_channels, const ChannelConfig& channel) {
  PipelineConfig c;
  c.fs = fs;
  for (std::size_t i = 0; i < n_channels; ++i) {
    c.channels.push_back(channel);
    c.channels.back().name = channel.name.empty() ? "ch" + std::to_string(i) : channel.name + std::to_string(i);
  }
  return c;
}

std::vector<ChannelDesign> design_channels(const PipelineConfig& config) {
  validate_config(config);
  decimation_factor(config);  // first: an output rate that cannot be reached is the error to report
  std::vector<ChannelDesign> out;
  for (std::size_t i = 0; i < config.channels.size(); ++i) out.push_back(design_one(config.channels[i], i, config.fs, false));
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Streaming pipeline

struct EnvelopePipeline::Impl {
  // Channels whose designs are identical run through one multichannel filter.
  // Linear envelopes run as one cascade, pre-filter + envelope low-pass with the rectifier between them, so
  // each block makes one pass through the data; moving windows follow the pre-filter.
  struct Group {
    std::vector<std::size_t> channels;
    dsp::SosFilter filter;
    std::optional<dsp::MovingWindow> window;
    std::optional<EcgRemover> ecg;
    std::vector<double> buf;  // (block, group channels)
  };

  PipelineConfig config;
  std::vector<ChannelDesign> designs;
  std::vector<Group> groups;
  std::size_t n_channels = 0;
  std::size_t decimation = 1;
  std::size_t phase = 0;               // input frames since the last output frame
  static constexpr std::size_t block = 256;
  std::vector<double> env;             // (block, n_channels)

  explicit Impl(PipelineConfig c) : config(std::move(c)) {
    designs = design_channels(config);
    decimation = decimation_factor(config);
    n_channels = config.channels.size();
    std::vector<bool> assigned(n_channels, false);
    for (std::size_t i = 0; i < n_channels; ++i) {
      if (assigned[i]) continue;
      std::vector<std::size_t> members;
      for (std::size_t j = i; j < n_channels; ++j)
        if (!assigned[j] && same_design(config.channels[i], designs[i], config.channels[j], designs[j])) {
          members.push_back(j);
          assigned[j] = true;
        }
      const ChannelDesign& d = designs[i];
      const std::size_t m = members.size();
      const EnvelopeKind kind = config.channels[i].envelope;
      dsp::Sos cascade = d.prefilter;
      std::optional<std::size_t> rectify_after;
      if (kind == EnvelopeKind::lowpass) {
        rectify_after = cascade.size() - 1;
        cascade.insert(cascade.end(), d.envelope.begin(), d.envelope.end());
      }
      Group g{members, dsp::SosFilter(std::move(cascade), m, {config.non_finite, config.max_abs}, rectify_after), {}, {}, {}};
      if (config.channels[i].remove_ecg)
        g.ecg.emplace(m, config.fs, config.channels[i].ecg, dsp::InputPolicy{config.non_finite, config.max_abs});
      // Only the cascade sees raw samples; what follows it is already cleaned (or NaN by request).
      if (kind != EnvelopeKind::lowpass)
        g.window.emplace(d.window_samples, m,
                         kind == EnvelopeKind::moving_rms ? dsp::WindowStatistic::rms : dsp::WindowStatistic::arv,
                         dsp::NonFinitePolicy::propagate);
      g.buf.assign(block * m, 0.0);
      groups.push_back(std::move(g));
    }
    env.assign(block * n_channels, 0.0);
  }

  // Runs one group over n frames held in `buf` (n x group channels), in place.
  static void filter_group(Group& g, double* buf, std::size_t n) noexcept {
    if (g.ecg) g.ecg->process(buf, buf, n);
    g.filter.process_interleaved(buf, buf, n);
    if (g.window) g.window->process_interleaved(buf, buf, n);
  }

  // Envelope of n <= block frames into `dst` (n x n_channels); `at(t, c)` reads input sample (t, c) as double.
  template <class Reader>
  void run_block(std::size_t n, double* dst, Reader&& at) noexcept {
    if (groups.size() == 1) {  // every channel shares one design: filter in the output rows directly
      for (std::size_t t = 0; t < n; ++t)
        for (std::size_t c = 0; c < n_channels; ++c) dst[t * n_channels + c] = at(t, c);
      filter_group(groups.front(), dst, n);
      return;
    }
    for (auto& g : groups) {
      const std::size_t m = g.channels.size();
      for (std::size_t t = 0; t < n; ++t)
        for (std::size_t k = 0; k < m; ++k) g.buf[t * m + k] = at(t, g.channels[k]);
      filter_group(g, g.buf.data(), n);
      for (std::size_t t = 0; t < n; ++t)
        for (std::size_t k = 0; k < m; ++k) dst[t * n_channels + g.channels[k]] = g.buf[t * m + k];
    }
  }

  template <class T, class Reader>
  std::size_t run(std::size_t n_frames, T* out, std::size_t capacity, Reader&& at) noexcept {
    if ((phase + n_frames) / decimation > capacity) return 0;
    std::size_t written = 0;
    for (std::size_t done = 0; done < n_frames;) {
      const std::size_t n = std::min(block, n_frames - done);
      auto reader = [&](std::size_t t, std::size_t c) { return at(done + t, c); };
      if constexpr (std::is_same_v<T, double>) {
        if (decimation == 1) {  // double output at the input rate: compute straight into the caller's rows
          run_block(n, out + written * n_channels, reader);
          written += n;
          done += n;
          continue;
        }
      }
      run_block(n, env.data(), reader);
      for (std::size_t t = 0; t < n; ++t) {
        if (++phase < decimation) continue;
        phase = 0;
        for (std::size_t c = 0; c < n_channels; ++c)
          out[written * n_channels + c] = static_cast<T>(env[t * n_channels + c]);
        ++written;
      }
      done += n;
    }
    return written;
  }
};

EnvelopePipeline::EnvelopePipeline(PipelineConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}
EnvelopePipeline::~EnvelopePipeline() = default;
EnvelopePipeline::EnvelopePipeline(EnvelopePipeline&&) noexcept = default;
EnvelopePipeline& EnvelopePipeline::operator=(EnvelopePipeline&&) noexcept = default;

std::size_t EnvelopePipeline::process(const float* in, std::size_t n, float* out, std::size_t cap) noexcept {
  const std::size_t C = impl_->n_channels;
  return impl_->run(n, out, cap, [&](std::size_t t, std::size_t c) { return static_cast<double>(in[t * C + c]); });
}
std::size_t EnvelopePipeline::process(const double* in, std::size_t n, double* out, std::size_t cap) noexcept {
  const std::size_t C = impl_->n_channels;
  return impl_->run(n, out, cap, [&](std::size_t t, std::size_t c) { return in[t * C + c]; });
}
std::size_t EnvelopePipeline::process_planar(const double* in, std::size_t stride, std::size_t n, double* out,
                                             std::size_t cap) noexcept {
  return impl_->run(n, out, cap, [&](std::size_t t, std::size_t c) { return in[c * stride + t]; });
}
bool EnvelopePipeline::process_frame(const double* in, double* out) noexcept { return process(in, 1, out, 1) == 1; }
bool EnvelopePipeline::process_frame(const float* in, float* out) noexcept { return process(in, 1, out, 1) == 1; }

std::size_t EnvelopePipeline::output_frames_for(std::size_t n) const noexcept {
  return (impl_->phase + n) / impl_->decimation;
}

void EnvelopePipeline::reset() noexcept {
  for (auto& g : impl_->groups) {
    g.filter.reset();
    if (g.window) g.window->reset();
    if (g.ecg) g.ecg->reset();
  }
  impl_->phase = 0;
}

std::size_t EnvelopePipeline::n_channels() const noexcept { return impl_->n_channels; }
double EnvelopePipeline::fs() const noexcept { return impl_->config.fs; }
double EnvelopePipeline::output_rate_hz() const noexcept {
  return impl_->config.fs / static_cast<double>(impl_->decimation);
}
std::size_t EnvelopePipeline::decimation() const noexcept { return impl_->decimation; }
const PipelineConfig& EnvelopePipeline::config() const noexcept { return impl_->config; }

const ChannelDesign& EnvelopePipeline::design(std::size_t channel) const {
  if (channel >= impl_->n_channels)
    detail::fail("channel", "must be < n_channels = " + std::to_string(impl_->n_channels) + ", got " +
                                std::to_string(channel));
  return impl_->designs[channel];
}

double EnvelopePipeline::latency_ms(std::size_t channel) const {
  const ChannelDesign& d = design(channel);
  const double fs = impl_->config.fs;
  const double centre = std::sqrt(d.highpass_hz * d.lowpass_hz);
  double seconds = dsp::sos_group_delay(d.prefilter, centre, fs);
  if (!d.envelope.empty())
    seconds += dsp::sos_group_delay(d.envelope, 0.0, fs);
  else
    seconds += (static_cast<double>(d.window_samples) - 1.0) / 2.0 / fs;
  seconds += (static_cast<double>(impl_->decimation) - 1.0) / 2.0 / fs;
  for (const auto& g : impl_->groups)
    if (g.ecg && std::find(g.channels.begin(), g.channels.end(), channel) != g.channels.end())
      seconds += g.ecg->latency_s();
  return 1e3 * seconds;
}

std::complex<double> EnvelopePipeline::frequency_response(std::size_t channel, double f_hz) const {
  return dsp::sos_frequency_response(design(channel).prefilter, f_hz, impl_->config.fs);
}

std::complex<double> EnvelopePipeline::envelope_frequency_response(std::size_t channel, double f_hz) const {
  const ChannelDesign& d = design(channel);
  if (!d.envelope.empty()) return dsp::sos_frequency_response(d.envelope, f_hz, impl_->config.fs);
  if (!std::isfinite(f_hz)) detail::fail("f_hz", "must be finite");
  // Moving average of W samples: (1/W) sum_k exp(-j w k).
  const double w = 2.0 * std::numbers::pi * f_hz / impl_->config.fs;
  std::complex<double> h(0.0, 0.0);
  for (std::size_t k = 0; k < d.window_samples; ++k) h += std::polar(1.0, -w * static_cast<double>(k));
  return h / static_cast<double>(d.window_samples);
}

std::uint64_t EnvelopePipeline::replaced_samples() const noexcept {
  std::uint64_t n = 0;
  // On ECG-removal channels the remover applies the input rule first; the cascade then sees only valid samples.
  for (const auto& g : impl_->groups) n += g.filter.replaced_samples() + (g.ecg ? g.ecg->replaced_samples() : 0);
  return n;
}

namespace {

// One channel's report entry. `stated` holds the cutoffs as configured; `built` the filters actually designed
// (equal in real time; Winter-corrected offline).
nlohmann::json channel_json(const ChannelConfig& c, const ChannelDesign& stated, const ChannelDesign& built, double fs,
                            bool offline) {
  const std::string passes = offline ? "zero-phase (forward-backward)" : "causal";
  auto filter = [&](double cutoff, double design, int order, const char* type) {
    nlohmann::json f = {{"type", type}, {"order", order}, {"cutoff_hz", cutoff}, {"implementation", passes}};
    if (offline) f["design_cutoff_hz"] = design;
    return f;
  };
  nlohmann::json j;
  j["name"] = c.name;
  j["profile"] = profile_name(c.profile);
  j["high_pass"] = filter(stated.highpass_hz, built.highpass_hz, c.prefilter_order, "Butterworth high-pass");
  j["low_pass"] = filter(stated.lowpass_hz, built.lowpass_hz, c.prefilter_order, "Butterworth low-pass");
  if (c.notch) {
    j["notch"] = {{"type", "IIR notch (Orfanidis 1996; scipy.signal.iirnotch)"},
                  {"frequencies_hz", built.notch_hz},
                  {"q", c.notch->q},
                  {"implementation", passes}};
  } else {
    j["notch"] = nullptr;
  }
  j["envelope_kind"] = envelope_name(c.envelope);
  j["ecg_removal"] = c.remove_ecg ? nlohmann::json(offline ? "template subtraction (offline remove_ecg)"
                                                            : "streaming template subtraction (EcgRemover)")
                                  : nlohmann::json(nullptr);
  j["rectification"] = c.envelope == EnvelopeKind::moving_rms ? "squared (root mean square)" : "full-wave";
  if (c.envelope == EnvelopeKind::lowpass) {
    const double design = offline ? c.envelope_cutoff_hz / winter_correction(c.envelope_order) : c.envelope_cutoff_hz;
    j["envelope"] = filter(c.envelope_cutoff_hz, design, c.envelope_order, "linear envelope, Butterworth low-pass");
  } else {
    j["envelope"] = {{"type", c.envelope == EnvelopeKind::moving_rms ? "moving RMS" : "moving average rectified value"},
                     {"window_s", static_cast<double>(built.window_samples) / fs},
                     {"window_samples", built.window_samples},
                     {"alignment", offline ? "centred" : "trailing (causal)"}};
  }
  return j;
}

}  // namespace

std::string EnvelopePipeline::processing_report_json() const {
  const auto& cfg = impl_->config;
  nlohmann::json j;
  j["software"] = std::string("kinemyo ") + KINEMYO_VERSION_STRING;
  j["standard"] = "ISEK Standards for Reporting EMG Data (Merletti 1999)";
  j["sampling_rate_hz"] = cfg.fs;
  j["output_rate_hz"] = output_rate_hz();
  j["non_finite_samples"] = cfg.non_finite == dsp::NonFinitePolicy::hold_last ? "replaced by the last finite value"
                            : cfg.non_finite == dsp::NonFinitePolicy::zero    ? "replaced by zero"
                                                                              : "propagated";
  j["normalisation"] = "none (envelope in input units)";
  j["channels"] = nlohmann::json::array();
  for (std::size_t i = 0; i < impl_->n_channels; ++i) {
    const auto& c = cfg.channels[i];
    const ChannelDesign& rt_design = impl_->designs[i];
    auto rt = channel_json(c, rt_design, rt_design, cfg.fs, false);
    rt["latency_ms"] = latency_ms(i);
    const ChannelDesign off = design_one(c, i, cfg.fs, true);
    auto ofl = channel_json(c, rt_design, off, cfg.fs, true);
    ofl["winter_correction_prefilter"] = winter_correction(c.prefilter_order);
    ofl["low_pass_design_clamped_to_0.45_fs"] =
        off.lowpass_hz < rt_design.lowpass_hz / winter_correction(c.prefilter_order);
    j["channels"].push_back({{"real_time", rt}, {"offline", ofl}});
  }
  return j.dump(2);
}

std::string EnvelopePipeline::processing_report() const {
  const auto& cfg = impl_->config;
  std::ostringstream s;
  s << "EMG processing (kinemyo " << KINEMYO_VERSION_STRING << "), sampling rate " << num(cfg.fs) << " Hz";
  if (impl_->decimation > 1) s << ", envelope output at " << num(output_rate_hz()) << " Hz";
  s << ".\n";
  for (std::size_t i = 0; i < impl_->n_channels; ++i) {
    const auto& c = cfg.channels[i];
    const auto& d = impl_->designs[i];
    s << "- " << c.name << " (" << profile_name(c.profile) << " profile): causal Butterworth high-pass "
      << num(d.highpass_hz) << " Hz and low-pass " << num(d.lowpass_hz) << " Hz, order " << c.prefilter_order
      << " each";
    if (c.remove_ecg) s << "; ECG removed by streaming template subtraction";
    if (c.notch) {
      s << "; IIR notch Q " << num(c.notch->q) << " at";
      for (double f : d.notch_hz) s << " " << num(f);
      s << " Hz";
    }
    switch (c.envelope) {
      case EnvelopeKind::lowpass:
        s << "; full-wave rectification; linear envelope by causal Butterworth low-pass " << num(c.envelope_cutoff_hz)
          << " Hz, order " << c.envelope_order;
        break;
      case EnvelopeKind::moving_rms:
        s << "; moving RMS over " << num(1e3 * static_cast<double>(d.window_samples) / cfg.fs) << " ms ("
          << d.window_samples << " samples)";
        break;
      case EnvelopeKind::moving_arv:
        s << "; full-wave rectification; moving average over "
          << num(1e3 * static_cast<double>(d.window_samples) / cfg.fs) << " ms (" << d.window_samples << " samples)";
        break;
    }
    char delay[32];
    std::snprintf(delay, sizeof delay, "%.1f", latency_ms(i));
    s << "; envelope delay " << delay << " ms; no amplitude normalisation.\n";
  }
  s << "Offline analysis uses the same filters forward and backward (zero phase) with cutoffs corrected for the "
       "doubled order (Winter), so each filter is -3 dB at its stated cutoff.\n";
  return s.str();
}

// ---------------------------------------------------------------------------------------------------------------
// Offline envelope

template <class T>
std::vector<T> offline_envelope(const PipelineConfig& config, std::span<const T> x) {
  validate_config(config);
  const std::size_t C = config.channels.size();
  const std::size_t n = detail::frames_of(x.size(), C);
  if (n == 0) detail::fail("x", "must not be empty");
  detail::require_finite_samples(x.data(), x.size(), C);
  std::vector<T> out(x.size());
  std::vector<double> col(n);
  for (std::size_t c = 0; c < C; ++c) {
    const ChannelDesign d = design_one(config.channels[c], c, config.fs, true);
    for (std::size_t t = 0; t < n; ++t) col[t] = static_cast<double>(x[t * C + c]);
    if (config.channels[c].remove_ecg) col = remove_ecg(col, 1, config.fs, std::nullopt, config.channels[c].ecg).cleaned;
    dsp::sosfiltfilt<double>(d.prefilter, col, col, 1);
    const EnvelopeKind kind = config.channels[c].envelope;
    if (kind == EnvelopeKind::lowpass) {
      for (auto& v : col) v = std::abs(v);
      dsp::sosfiltfilt<double>(d.envelope, col, col, 1);
    } else {
      // Centred window: the causal window applied to the signal followed by h zeros, advanced by h samples.
      const std::size_t h = (d.window_samples - 1) / 2;
      std::vector<double> padded(col);
      padded.resize(n + h, 0.0);
      std::vector<double> y(padded.size());
      dsp::moving_window<double>(padded, y, 1, d.window_samples,
                                 kind == EnvelopeKind::moving_rms ? dsp::WindowStatistic::rms
                                                                  : dsp::WindowStatistic::arv);
      std::copy(y.begin() + static_cast<long>(h), y.end(), col.begin());
    }
    for (std::size_t t = 0; t < n; ++t) out[t * C + c] = static_cast<T>(col[t]);
  }
  return out;
}

template std::vector<float> offline_envelope(const PipelineConfig&, std::span<const float>);
template std::vector<double> offline_envelope(const PipelineConfig&, std::span<const double>);

}  // namespace kinemyo::emg
