#include "kinemyo/emg/calibration.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "dsp/check.hpp"
#include "json_limits.hpp"
#include "kinemyo/dsp/moving_window.hpp"

namespace kinemyo::emg {
namespace {

using detail::num;

const char* kind_name(ReferenceKind k) {
  switch (k) {
    case ReferenceKind::mvc: return "mvc";
    case ReferenceKind::submaximal: return "submaximal";
    case ReferenceKind::none: break;
  }
  return "none";
}

ReferenceKind kind_from(const std::string& s) {
  if (s == "mvc") return ReferenceKind::mvc;
  if (s == "submaximal") return ReferenceKind::submaximal;
  if (s == "none") return ReferenceKind::none;
  detail::fail("reference_kind", "must be 'mvc', 'submaximal' or 'none', got '" + s + "'");
}

// Validates an envelope block and returns its frame count.
std::size_t check_envelope(std::span<const double> envelope, std::size_t n_channels, double fs) {
  detail::require_positive_finite("fs", fs);
  const std::size_t n = detail::frames_of(envelope.size(), n_channels);
  if (n == 0) detail::fail("envelope", "must not be empty");
  detail::require_finite_samples(envelope.data(), envelope.size(), n_channels, "envelope");
  for (std::size_t i = 0; i < envelope.size(); ++i)
    if (envelope[i] < 0.0)
      detail::fail("envelope", "must be non-negative (an envelope), got " + num(envelope[i]) + " at frame " +
                                   std::to_string(i / n_channels) + ", channel " + std::to_string(i % n_channels));
  return n;
}

}  // namespace

Calibration::Calibration(std::vector<std::string> channel_names) {
  if (channel_names.empty()) detail::fail("channel_names", "needs at least one channel");
  for (auto& name : channel_names) {
    ChannelCalibration ch;
    ch.name = std::move(name);
    channels_.push_back(std::move(ch));
  }
}

const ChannelCalibration& Calibration::channel(std::size_t i) const {
  if (i >= channels_.size())
    detail::fail("channel", "must be < " + std::to_string(channels_.size()) + ", got " + std::to_string(i));
  return channels_[i];
}

void Calibration::set_rest(std::span<const double> envelope, double fs) {
  const std::size_t C = channels_.size();
  const std::size_t n = check_envelope(envelope, C, fs);
  const double duration = static_cast<double>(n) / fs;
  if (duration < min_rest_s)
    detail::fail("envelope", "rest recording must last at least " + num(min_rest_s) + " s, got " + num(duration) + " s");
  for (std::size_t c = 0; c < C; ++c) {
    // Two-pass mean and variance (no cancellation for envelopes with a large offset), on samples divided by their
    // largest magnitude so that neither the sum nor the squares overflow (an SD of inf once could not be saved).
    double peak = 0.0;
    for (std::size_t t = 0; t < n; ++t) peak = std::max(peak, std::abs(envelope[t * C + c]));
    int exponent = 0;
    (void)std::frexp(peak, &exponent);
    const double scale = std::ldexp(1.0, exponent - 1);  // a power of two (<= 2^1023): dividing by it is exact
    double sum = 0.0;
    for (std::size_t t = 0; t < n; ++t) sum += envelope[t * C + c] / scale;
    const double mean = sum / static_cast<double>(n);
    double ss = 0.0;
    for (std::size_t t = 0; t < n; ++t) {
      const double d = envelope[t * C + c] / scale - mean;
      ss += d * d;
    }
    channels_[c].rest_mean = mean * scale;
    channels_[c].rest_sd = std::sqrt(ss / static_cast<double>(n - 1)) * scale;
    channels_[c].rest_duration_s = duration;
  }
}

void Calibration::add_reference_trial(std::span<const double> envelope, double fs, ReferenceKind kind,
                                      const std::string& task) {
  const std::size_t C = channels_.size();
  const std::size_t n = check_envelope(envelope, C, fs);
  const double window = std::round(reference_window_s * fs);
  if (!(window >= 1.0))
    detail::fail("fs", num(fs) + " Hz is too low for the " + num(reference_window_s) + " s reference window");
  if (static_cast<double>(n) < window)
    detail::fail("envelope", "a reference trial must last at least " + num(reference_window_s) + " s, got " +
                                 num(static_cast<double>(n) / fs) + " s");
  const auto w = static_cast<std::size_t>(window);
  for (const auto& ch : channels_)
    if (ch.reference_kind != ReferenceKind::none && ch.reference_kind != kind)
      detail::fail("reference", std::string("this calibration already holds a ") + kind_name(ch.reference_kind) +
                                    " reference; start a new calibration for a " + kind_name(kind) + " reference");
  // Peak of the trailing 0.5 s moving average, over complete windows only.
  std::vector<double> averaged(envelope.size());
  dsp::moving_window<double>(envelope, averaged, C, w, dsp::WindowStatistic::mean);
  for (std::size_t c = 0; c < C; ++c) {
    double peak = 0.0;
    for (std::size_t t = w - 1; t < n; ++t) peak = std::max(peak, averaged[t * C + c]);
    auto& ch = channels_[c];
    ch.reference = ch.reference ? std::max(*ch.reference, peak) : peak;
    ch.reference_kind = kind;
    ch.reference_trials += 1;
    if (kind == ReferenceKind::submaximal) ch.reference_task = task;
  }
}

void Calibration::add_mvc_trial(std::span<const double> envelope, double fs) {
  add_reference_trial(envelope, fs, ReferenceKind::mvc, "");
}

void Calibration::add_submaximal_trial(std::span<const double> envelope, double fs, const std::string& task) {
  if (task.empty()) detail::fail("task", "describe the submaximal task (it is part of the report)");
  add_reference_trial(envelope, fs, ReferenceKind::submaximal, task);
}

std::vector<double> Calibration::normalise(std::span<const double> envelope) const {
  const std::size_t C = channels_.size();
  detail::frames_of(envelope.size(), C);
  for (const auto& ch : channels_)
    if (!ch.reference || *ch.reference <= 0.0)
      throw std::domain_error("reference: channel '" + ch.name + "' has no positive MVC or submaximal reference");
  std::vector<double> out(envelope.size());
  for (std::size_t i = 0; i < envelope.size(); ++i) out[i] = 100.0 * envelope[i] / *channels_[i % C].reference;
  return out;
}

std::string Calibration::to_json() const {
  nlohmann::json j;
  j["format"] = "kinemyo.emg.Calibration/1";
  j["method"] = {{"rest", "mean and sample SD of the envelope over >= 3 s of rest"},
                 {"reference", "maximum over trials of the peak of the envelope's trailing 0.5 s moving average"},
                 {"normalisation", "100 * envelope / reference (% of reference)"}};
  j["channels"] = nlohmann::json::array();
  for (const auto& ch : channels_) {
    nlohmann::json c;
    c["name"] = ch.name;
    c["rest_mean"] = ch.rest_mean ? nlohmann::json(*ch.rest_mean) : nlohmann::json(nullptr);
    c["rest_sd"] = ch.rest_sd ? nlohmann::json(*ch.rest_sd) : nlohmann::json(nullptr);
    c["rest_duration_s"] = ch.rest_duration_s;
    c["reference_kind"] = kind_name(ch.reference_kind);
    c["reference"] = ch.reference ? nlohmann::json(*ch.reference) : nlohmann::json(nullptr);
    c["reference_trials"] = ch.reference_trials;
    c["reference_task"] = ch.reference_task;
    j["channels"].push_back(c);
  }
  return j.dump(2);
}

Calibration Calibration::from_json(const std::string& text) {
  const nlohmann::json j = detail::parse_json_bounded(text, "json");
  if (!j.is_object() || !j.contains("format") || j["format"] != "kinemyo.emg.Calibration/1")
    detail::fail("json", "not a kinemyo.emg.Calibration/1 document");
  if (!j.contains("channels") || !j["channels"].is_array() || j["channels"].empty())
    detail::fail("json.channels", "must be a non-empty array");
  std::vector<std::string> names;
  for (const auto& c : j["channels"]) {
    if (!c.is_object() || (c.contains("name") && !c["name"].is_string()))
      detail::fail("json.channels", "every channel must be an object, its name a string");
    names.push_back(c.value("name", ""));
  }
  Calibration cal(names);
  try {
    for (std::size_t i = 0; i < cal.channels_.size(); ++i) {
      const auto& c = j["channels"][i];
      auto& ch = cal.channels_[i];
      auto opt = [&](const char* key) -> std::optional<double> {
        if (!c.contains(key) || c[key].is_null()) return std::nullopt;
        return c[key].get<double>();
      };
      const std::string where = "json.channels[" + std::to_string(i) + "].";
      // The values a calibration can hold: a document that another tool edited gets the same bounds as one made
      // here (a negative SD or a denormal reference would give nonsense thresholds or infinite %MVC).
      auto non_negative = [&](const char* key, std::optional<double> v) {
        if (v && !(std::isfinite(*v) && *v >= 0.0)) detail::fail(where + key, "must be finite and >= 0, got " + num(*v));
        return v;
      };
      ch.rest_mean = non_negative("rest_mean", opt("rest_mean"));
      ch.rest_sd = non_negative("rest_sd", opt("rest_sd"));
      ch.rest_duration_s = *non_negative("rest_duration_s", c.value("rest_duration_s", 0.0));
      if (ch.rest_mean.has_value() != ch.rest_sd.has_value())
        detail::fail(where + "rest_sd", "rest_mean and rest_sd come together (both or neither)");
      ch.reference_kind = kind_from(c.value("reference_kind", "none"));
      ch.reference = opt("reference");
      if (ch.reference && !(std::isnormal(*ch.reference) && *ch.reference > 0.0))
        detail::fail(where + "reference", "must be a positive normal number, got " + num(*ch.reference));
      const int trials = c.contains("reference_trials") ? detail::checked_int(c["reference_trials"], where + "reference_trials") : 0;
      if (trials < 0) detail::fail(where + "reference_trials", "must be >= 0, got " + std::to_string(trials));
      ch.reference_trials = static_cast<std::size_t>(trials);
      if (ch.reference.has_value() != (ch.reference_kind != ReferenceKind::none) ||
          ch.reference.has_value() != (trials > 0))
        detail::fail(where + "reference", "reference, reference_kind and reference_trials disagree (a reference needs "
                                          "its kind and at least one trial; none needs neither)");
      ch.reference_task = c.value("reference_task", "");
    }
  } catch (const nlohmann::json::exception& e) {
    detail::fail("json.channels", std::string("wrong value type: ") + e.what());
  }
  return cal;
}

}  // namespace kinemyo::emg
