// libFuzzer harness for the calibration reader, kinemyo::emg::Calibration::from_json (kinemyo/emg/calibration.hpp).
// The input is the JSON text. std::invalid_argument is the reader's error; anything else — a crash, a sanitizer
// report, another exception, a leak — is a finding. A document it accepts must hold only values a calibration can
// hold, and must survive to_json -> from_json unchanged.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "kinemyo/emg/calibration.hpp"

namespace emg = kinemyo::emg;

namespace {

[[noreturn]] void finding(const std::string& what) {
  std::fprintf(stderr, "fuzz_calibration: invariant broken: %s\n", what.c_str());
  std::abort();
}

bool same_value(const std::optional<double>& a, const std::optional<double>& b) {
  return a.has_value() == b.has_value() && (!a || (std::signbit(*a) == std::signbit(*b) && *a == *b));
}

bool same(const emg::ChannelCalibration& a, const emg::ChannelCalibration& b) {
  return a.name == b.name && same_value(a.rest_mean, b.rest_mean) && same_value(a.rest_sd, b.rest_sd) &&
         same_value(a.rest_duration_s, b.rest_duration_s) && a.reference_kind == b.reference_kind &&
         same_value(a.reference, b.reference) && a.reference_trials == b.reference_trials &&
         a.reference_task == b.reference_task;
}

void check_values(const emg::ChannelCalibration& ch) {
  const auto bounded = [](const std::optional<double>& v) { return !v || (std::isfinite(*v) && *v >= 0.0); };
  if (!bounded(ch.rest_mean) || !bounded(ch.rest_sd) || !bounded(ch.rest_duration_s))
    finding("channel '" + ch.name + "': negative or non-finite rest value accepted");
  if (ch.rest_mean.has_value() != ch.rest_sd.has_value()) finding("rest_mean without rest_sd or the reverse");
  const bool has_kind = ch.reference_kind != emg::ReferenceKind::none;
  if (ch.reference.has_value() != has_kind || ch.reference.has_value() != (ch.reference_trials > 0))
    finding("channel '" + ch.name + "': reference, kind and trial count disagree");
  if (ch.reference && !(std::isnormal(*ch.reference) && *ch.reference > 0.0))
    finding("channel '" + ch.name + "': reference is not a positive normal number");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::optional<emg::Calibration> cal;
  try {
    cal.emplace(emg::Calibration::from_json(text));
  } catch (const std::invalid_argument&) {
    return 0;
  }
  if (cal->n_channels() == 0) finding("a calibration without channels was accepted");
  for (const auto& ch : cal->channels()) check_values(ch);

  // Round trip: what to_json writes, from_json reads back unchanged (and writes identically).
  const std::string written = cal->to_json();
  const emg::Calibration back = emg::Calibration::from_json(written);
  if (back.n_channels() != cal->n_channels()) finding("round trip changed the channel count");
  for (std::size_t c = 0; c < cal->n_channels(); ++c)
    if (!same(cal->channel(c), back.channel(c))) finding("round trip changed channel " + std::to_string(c));
  if (back.to_json() != written) finding("round trip changed the JSON");

  // normalise: the documented std::domain_error exactly when a channel has no reference.
  bool all_referenced = true;
  std::vector<double> envelope;
  for (const auto& ch : cal->channels()) {
    all_referenced = all_referenced && ch.reference.has_value();
    envelope.push_back(ch.reference.value_or(1.0));
  }
  try {
    const auto pct = cal->normalise(envelope);
    if (!all_referenced) finding("normalise without a reference on every channel");
    if (pct.size() != envelope.size()) finding("normalise changed the size");
  } catch (const std::domain_error&) {
    if (all_referenced) finding("normalise refused a calibration with every reference");
  }
  return 0;
}
