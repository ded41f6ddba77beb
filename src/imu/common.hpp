#pragma once
// Small helpers shared by the orientation filters and their batch and offline drivers (private).

#include <cmath>
#include <limits>
#include <span>

#include "kinemyo/imu/quaternion.hpp"
#include "kinemyo/imu/sensor_limits.hpp"

namespace kinemyo::imu::detail {

// A vector sample is present when finite and not all zero (zero rows mark "no sample", e.g. a slower sensor).
inline bool present(const Vec3& v) { return v.allFinite() && (v.x() != 0.0 || v.y() != 0.0 || v.z() != 0.0); }

// The sample rules every orientation filter shares (causal and offline): a sample is integrated when its time
// step lies in (0, kMaxTimeStep] and its gyroscope within the limit (NaN fails both); an accelerometer or
// magnetometer sample is used when present and within its limit.
inline bool usable_step(double dt, const Vec3& gyr, double gyr_limit) {
  return dt > 0.0 && dt <= kMaxTimeStep && SensorLimits::within(gyr, gyr_limit);
}
inline bool usable_vector(const Vec3& v, double limit) { return present(v) && SensorLimits::within(v, limit); }

// Row i of an n x 3 array, or NaN when the array is empty (a sensor that is not there).
inline Vec3 row(std::span<const double> s, std::size_t i) {
  if (s.empty()) return Vec3::Constant(std::numeric_limits<double>::quiet_NaN());
  return Vec3(s[3 * i], s[3 * i + 1], s[3 * i + 2]);
}

// Strapdown step: q (x) exp(w dt), the exact rotation over dt at rate w (rad/s, norm `rate` = |w|), renormalised;
// q unchanged for a rotation below machine epsilon.
inline Quaternion rotate_by_rate(const Quaternion& q, const Vec3& w, double rate, double dt) {
  const double angle = rate * dt;
  if (!(angle > std::numeric_limits<double>::epsilon())) return q;
  const double s = std::sin(0.5 * angle) / rate;
  return (q * Quaternion(std::cos(0.5 * angle), s * w.x(), s * w.y(), s * w.z())).normalized();
}

}  // namespace kinemyo::imu::detail
