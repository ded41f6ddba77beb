#pragma once
// Synthetic bilateral foot-sensor gait with known events, for tests and for studying the metrics: each foot's
// sagittal angular velocity is built stride by stride (a foot-flat bump after initial contact, rest, a push-off
// rise to its peak at toe-off, a swing trough, and the upward zero crossing at the next initial contact), so the
// true contacts, stance and swing times per side are known exactly.

#include <cstdint>
#include <vector>

namespace kinemyo::gait {

struct SyntheticSide {
  double stance_time = 0.7;  ///< s
  double swing_time = 0.4;   ///< s (stride = stance + swing, equal for both sides)
};
struct SyntheticGaitOptions {
  double duration = 60.0;        ///< s
  double first_contact = 0.5;    ///< s, the left foot's first initial contact
  double right_offset = 0.55;    ///< s from a left contact to the next right contact (the right step time)
  double push_off_peak = 7.0;    ///< rad/s
  double swing_trough = 5.0;     ///< rad/s (depth)
  double noise = 0.0;            ///< rad/s, Gaussian, all axes
  std::uint64_t seed = 1;
};
struct SyntheticGait {
  std::vector<double> left_gyr, right_gyr;  ///< n x 3 (sagittal rate on axis 1, toes down positive)
  std::vector<double> left_ic, left_tc, right_ic, right_tc;  ///< true event times, s
};
/// Throws std::invalid_argument if the two sides' strides differ or a parameter is out of range.
SyntheticGait synthesize_foot_gait(double fs, const SyntheticSide& left, const SyntheticSide& right,
                                   const SyntheticGaitOptions& options = {});

}  // namespace kinemyo::gait
