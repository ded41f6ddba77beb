#pragma once
// Whole recordings through the orientation filters. Arrays are row-major (n_samples x 3) for sensors and
// (n_samples x 4) [w, x, y, z] for quaternions; the filter's state carries on, so recordings can be split.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "kinemyo/imu/classic_filters.hpp"
#include "kinemyo/imu/robust_filter.hpp"

namespace kinemyo::imu {

/// Sample times: a constant rate fs (Hz), or one timestamp per sample (s, finite, strictly increasing; sample i
/// covers t[i-1]..t[i], the first sample the first interval). Exactly one of the two.
struct SampleTimes {
  double fs = 0.0;
  std::span<const double> t;
};
/// Per-sample time steps; throws std::invalid_argument naming fs or t.
std::vector<double> time_steps(const SampleTimes& times, std::size_t n_samples);

struct ImuRecording {
  std::span<const double> gyr;  ///< rad/s
  std::span<const double> acc;  ///< m/s^2; NaN or zero rows = no sample
  std::span<const double> mag;  ///< any unit; may be empty; NaN or zero rows = no sample (lower-rate magnetometer)
  [[nodiscard]] std::size_t n_samples() const;  ///< validates the shapes
};

/// Outputs, each sized for n_samples or empty (not wanted).
struct RobustOutput {
  std::span<double> quat_6d{}, quat_9d{};   // n x 4
  std::span<double> bias{};                 // n x 3, rad/s
  std::span<double> bias_sigma{};           // n
  std::span<double> delta{};                // n, heading offset 9D - 6D, rad
  std::span<std::uint8_t> rest{}, mag_disturbed{};  // n
};

void estimate_orientation(RobustFilter& filter, const ImuRecording& data, const SampleTimes& times,
                          const RobustOutput& out);
/// Offline (acausal) robust estimate for recorded sessions: the robust filter runs forward and backward in time;
/// the two gyroscope-bias estimates are fused by their covariances; the gyroscope is re-integrated with that bias;
/// the accelerometer is low-passed with zero phase in the almost-inertial frame and corrects the inclination
/// sample by sample; the heading offset is a Kalman filter plus Rauch-Tung-Striebel smoother over the magnetometer
/// samples that are not disturbed: those neither run flags, and those a run flags only for its wait for clean field
/// after a disturbance (both runs holding the same field) whose heading agrees with that smoothed over the others
/// within 3 robust SDs of their residuals (at most mag_dip_threshold). Fills the same outputs as the causal filter
/// (rest: detected by both runs; mag_disturbed: usable magnetometer samples judged disturbed and so left out of the
/// heading smoother).
void estimate_orientation_offline(const ImuRecording& data, const SampleTimes& times, const RobustFilterParams& params,
                                  const RobustOutput& out);
void estimate_orientation(MadgwickFilter& filter, const ImuRecording& data, const SampleTimes& times,
                          std::span<double> quat);
void estimate_orientation(MahonyFilter& filter, const ImuRecording& data, const SampleTimes& times,
                          std::span<double> quat, std::span<double> bias = {});

}  // namespace kinemyo::imu
