#include "kinemyo/emg/biofeedback.hpp"

#include <cmath>
#include <string>

#include "dsp/check.hpp"

namespace kinemyo::emg {

struct TargetZoneTracker::Impl {
  std::vector<TargetZone> zones;
  double fs;
  std::size_t decimation = 1;
  std::size_t dwell_ticks_default = 0;
  std::vector<std::size_t> dwell;      // display ticks a new state must persist, per channel
  std::vector<ZoneState> state, candidate;
  std::vector<std::size_t> candidate_ticks;
  std::uint64_t sample = 0;
  std::uint64_t dropped = 0;

  // The state a value indicates, given the current state (the hysteresis band keeps the current state).
  static ZoneState classify(const TargetZone& z, ZoneState current, double v) {
    const double h = current == ZoneState::unknown ? 0.0 : z.hysteresis;
    if (v > z.upper + (current == ZoneState::above ? -h : h)) return ZoneState::above;
    if (v < z.lower - (current == ZoneState::below ? -h : h)) return ZoneState::below;
    return ZoneState::inside;
  }

  void reset() {
    state.assign(zones.size(), ZoneState::unknown);
    candidate.assign(zones.size(), ZoneState::unknown);
    candidate_ticks.assign(zones.size(), 0);
    sample = 0;
    dropped = 0;
  }
};

TargetZoneTracker::TargetZoneTracker(std::vector<TargetZone> zones, double input_rate_hz, double display_rate_hz)
    : impl_(std::make_unique<Impl>()) {
  auto& m = *impl_;
  if (zones.empty()) detail::fail("zones", "needs one zone per channel (at least one)");
  detail::require_positive_finite("input_rate_hz", input_rate_hz);
  detail::require_positive_finite("display_rate_hz", display_rate_hz);
  const double ratio = input_rate_hz / display_rate_hz;
  if (ratio < 1.0 - 1e-9 || std::abs(ratio - std::round(ratio)) > 1e-9 * ratio)
    detail::fail("display_rate_hz", "must divide input_rate_hz (" + detail::num(input_rate_hz) + "), got " +
                                        detail::num(display_rate_hz));
  m.decimation = static_cast<std::size_t>(std::llround(ratio));
  for (std::size_t i = 0; i < zones.size(); ++i) {
    const auto& z = zones[i];
    const std::string at = "zones[" + std::to_string(i) + "].";
    if (!std::isfinite(z.lower) || !std::isfinite(z.upper) || !(z.lower < z.upper))
      detail::fail(at + "upper", "must be finite with lower < upper, got [" + detail::num(z.lower) + ", " +
                                     detail::num(z.upper) + "]");
    if (!std::isfinite(z.hysteresis) || z.hysteresis < 0.0 || 2.0 * z.hysteresis >= z.upper - z.lower)
      detail::fail(at + "hysteresis", "must be >= 0 and less than half the zone width, got " + detail::num(z.hysteresis));
    if (!std::isfinite(z.min_dwell_s) || z.min_dwell_s < 0.0)
      detail::fail(at + "min_dwell_s", "must be >= 0, got " + detail::num(z.min_dwell_s));
    m.dwell.push_back(static_cast<std::size_t>(std::llround(z.min_dwell_s * display_rate_hz)));
  }
  m.zones = std::move(zones);
  m.fs = input_rate_hz;
  m.reset();
}

TargetZoneTracker::~TargetZoneTracker() = default;
TargetZoneTracker::TargetZoneTracker(TargetZoneTracker&&) noexcept = default;
TargetZoneTracker& TargetZoneTracker::operator=(TargetZoneTracker&&) noexcept = default;

std::size_t TargetZoneTracker::process(const double* values, std::size_t n_frames, ZoneEvent* events,
                                       std::size_t capacity) noexcept {
  auto& m = *impl_;
  const std::size_t C = m.zones.size();
  std::size_t written = 0;
  for (std::size_t t = 0; t < n_frames; ++t, ++m.sample) {
    if (m.sample % m.decimation != 0) continue;  // evaluate at display ticks only
    for (std::size_t c = 0; c < C; ++c) {
      const double v = values[t * C + c];
      if (!std::isfinite(v)) continue;
      const ZoneState next = Impl::classify(m.zones[c], m.state[c], v);
      if (next == m.state[c]) {
        m.candidate_ticks[c] = 0;
        continue;
      }
      if (next != m.candidate[c]) {
        m.candidate[c] = next;
        m.candidate_ticks[c] = 0;
      }
      // The first state is reported at once; later changes after persisting min_dwell_s.
      if (m.state[c] != ZoneState::unknown && ++m.candidate_ticks[c] <= m.dwell[c]) continue;
      if (written < capacity) {
        events[written++] = ZoneEvent{c, m.state[c], next, m.sample, static_cast<double>(m.sample) / m.fs};
      } else {
        ++m.dropped;
      }
      m.state[c] = next;
      m.candidate_ticks[c] = 0;
    }
  }
  return written;
}

void TargetZoneTracker::reset() noexcept { impl_->reset(); }
std::size_t TargetZoneTracker::n_channels() const noexcept { return impl_->zones.size(); }
std::uint64_t TargetZoneTracker::dropped_events() const noexcept { return impl_->dropped; }

ZoneState TargetZoneTracker::state(std::size_t channel) const {
  if (channel >= impl_->zones.size()) detail::fail("channel", "must be < " + std::to_string(impl_->zones.size()));
  return impl_->state[channel];
}

}  // namespace kinemyo::emg
