#pragma once
// Biofeedback target zones: turns a live value per channel (a normalised envelope in % of reference, or a muscle
// ratio) into debounced "below / inside / above target" states, evaluated at a display rate, so an app can say
// "paraspinals over target" without writing its own hysteresis.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace kinemyo::emg {

enum class ZoneState { unknown, below, inside, above };

struct TargetZone {
  double lower = 0.0;       ///< inside means lower <= value <= upper
  double upper = 0.0;
  double hysteresis = 0.0;  ///< a state is left only when the value passes the bound by this much (value units)
  double min_dwell_s = 0.0; ///< a new state must persist this long before it is reported
};

struct ZoneEvent {
  std::size_t channel = 0;
  ZoneState from = ZoneState::unknown;
  ZoneState to = ZoneState::unknown;
  std::uint64_t sample = 0;  ///< input sample at which the change was reported (since reset)
  double time_s = 0.0;
};

/// One zone per channel. Values arrive at input_rate_hz; states are evaluated every input_rate/display_rate samples
/// (display_rate_hz must divide the input rate). The first evaluation reports unknown -> state. process() never
/// allocates or throws; events beyond the capacity are counted in dropped_events(). Settling time after a fault: one
/// display period + min_dwell_s (no other state; measured in tests/python/app/test_streaming_faults.py).
class TargetZoneTracker {
 public:
  TargetZoneTracker(std::vector<TargetZone> zones, double input_rate_hz, double display_rate_hz);
  ~TargetZoneTracker();
  TargetZoneTracker(TargetZoneTracker&&) noexcept;
  TargetZoneTracker& operator=(TargetZoneTracker&&) noexcept;

  /// Interleaved values (frames x channels). Non-finite values are ignored (the state holds).
  std::size_t process(const double* values, std::size_t n_frames, ZoneEvent* events, std::size_t capacity) noexcept;
  void reset() noexcept;
  [[nodiscard]] ZoneState state(std::size_t channel) const;
  [[nodiscard]] std::size_t n_channels() const noexcept;
  [[nodiscard]] std::uint64_t dropped_events() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kinemyo::emg
