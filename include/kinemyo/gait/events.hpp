#pragma once
// Gait events from wearable IMUs. Times are seconds from the first sample; thresholds are in physical units and
// seconds; the sampling rate is always explicit.
//
// Foot sensor: the sagittal angular velocity (rate about the medio-lateral axis, positive when the toes go down)
// pushes off to a positive peak at toe-off, swings negative while the foot dorsiflexes, and crosses zero upward
// at heel strike, then the foot flattens (mid-stance: least rotation). Terminal contact is the push-off peak
// before the swing, initial contact the upward zero crossing after it (swing-phase pattern as used by Mariani et
// al. 2013 and Rampp et al. 2015; here validated against motion capture on the gaitmap recordings).
// Shank sensor: Salarian et al. (IEEE TBME 51:1434, 2004; after Aminian et al. 2002): mid-swing peaks of the
// sagittal rate, initial contact the minimum after a peak, terminal contact the minimum before it.
// Lower back: see lower_back.hpp.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace kinemyo::gait {

enum class Side : std::uint8_t { left, right, unknown };
enum class EventType : std::uint8_t { initial_contact, terminal_contact, mid_stance, mid_swing };

struct GaitEvent {
  double time = 0.0;  ///< s from the first sample (sub-sample where interpolated)
  EventType type = EventType::initial_contact;
  Side side = Side::unknown;
};

/// --- Foot-mounted sensor -------------------------------------------------------------------------------------
/// A swing counts only when the rate stays below zero for min_swing_time from its onset and reaches
/// -min_swing_peak: the impact transient after heel strike (a positive spike with ringing) and the rate bouncing
/// back across zero just after toe-off are then no swings (a swing that dips below zero again within
/// min_swing_time of such a bounce goes on from its first onset). Toe-off is reported once its swing is confirmed, and
/// only later than the previous event, so events come out sorted by construction.
struct FootEventParams {
  double swing_threshold = 1.0;       ///< rad/s: a swing begins when the sagittal rate falls below -swing_threshold
  double push_off_window = 0.4;       ///< s before the swing onset in which toe-off (the rate's maximum) is sought
  double max_swing_time = 1.0;        ///< s from swing onset to initial contact, else the swing is abandoned
  double min_stance_time = 0.15;      ///< s from initial contact before the next swing can begin
  double mid_stance_window = 0.1;     ///< s, window of least gyroscope energy (offline mid-stance)
  double min_swing_time = 0.15;       ///< s the rate must stay negative from the swing onset
  double min_swing_peak = 1.5;        ///< rad/s the swing must reach (-min_swing_peak)
  void validate() const;              ///< std::invalid_argument naming the parameter
};

/// Streaming detector: push one sagittal-rate sample at a time; events come out with a bounded delay
/// (max_latency(): toe-off is reported when its swing is confirmed, at most push_off_window + min_swing_time
/// after it happened; initial contact one sample after the zero crossing). No allocation after construction;
/// never throws in push. Settling time after a fault (NaN, spike, rail, dropout; measured in
/// tests/python/app/test_streaming_faults.py, at most 0.29 s): only events within push_off_window of it differ.
class FootEventDetector {
 public:
  FootEventDetector(double fs, const FootEventParams& params = {});
  /// Returns the number of events written to out (0, 1 or 2; out must hold 2). NaN samples are ignored.
  std::size_t push(double sagittal_rate, GaitEvent* out) noexcept;
  [[nodiscard]] double max_latency() const noexcept;  ///< s
  void reset() noexcept;

 private:
  double fs_;
  FootEventParams p_;
  std::vector<double> ring_;  ///< last push_off_window + min_swing_time of samples
  std::size_t head_ = 0, count_ = 0;
  std::uint64_t n_ = 0;       ///< samples seen
  bool in_swing_ = false, confirmed_ = false;
  std::uint64_t swing_start_ = 0, last_ic_ = 0;
  bool have_bounce_ = false;       ///< an unconfirmed swing went back above zero at bounce_at_ ...
  std::uint64_t bounce_at_ = 0;    ///< ... and resumes if the rate dips again within min_swing_time
  double trough_ = 0.0;
  double pending_toe_off_ = -1.0;  ///< s, toe-off of the current swing, reported on confirmation (< 0: none)
  double last_event_ = -1.0;       ///< s, time of the last event reported
  bool have_ic_ = false;
  double prev_ = 0.0;
  bool have_prev_ = false;
};

/// Offline: the streaming detector over the whole recording plus mid-stance (centre of the window of least
/// gyroscope energy between each initial contact and the next toe-off). gyr is n x 3 (rad/s); the sagittal rate is
/// gyr . ml_direction, the sensor-frame medio-lateral axis about which the toes go down (normalised here; e.g.
/// {0, 1, 0} for a frame with x to the toes, y to the left and z up, or a foot-specific axis of a rolled sensor).
struct FootEvents {
  std::vector<double> initial_contact, terminal_contact, mid_stance;  ///< s, each sorted
};
FootEvents detect_foot_events(std::span<const double> gyr, double fs, const std::array<double, 3>& ml_direction,
                              const FootEventParams& params = {});

/// The medio-lateral axis of a foot sensor from walking data: the principal axis of the rotation (gyr n x 3, rad/s,
/// samples faster than 1 rad/s), signed so that the long, deep swing lobe is negative (more samples below -2 rad/s
/// than above +2: push-off and heel rocker are short, the swing is long). Throws std::invalid_argument when there
/// is too little motion to tell (fewer than fs / 2 samples faster than 2 rad/s).
std::array<double, 3> estimate_foot_ml_axis(std::span<const double> gyr, double fs);

/// --- Shank-mounted sensor (Salarian 2004) --------------------------------------------------------------------
struct ShankEventParams {
  double mid_swing_threshold = 50.0 * 3.14159265358979323846 / 180.0;  ///< rad/s, minimum mid-swing peak
  double min_stride_time = 0.5;     ///< s between mid-swing peaks
  double search_window = 0.5;       ///< s after / before the peak for initial / terminal contact minima
  void validate() const;
};
struct ShankEvents {
  std::vector<double> mid_swing, initial_contact, terminal_contact;
};
/// sagittal_rate: rad/s, positive when the shank swings forward (mid-swing peak positive).
ShankEvents detect_shank_events(std::span<const double> sagittal_rate, double fs, const ShankEventParams& params = {});

}  // namespace kinemyo::gait
