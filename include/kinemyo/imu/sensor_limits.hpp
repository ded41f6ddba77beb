#pragma once
// Largest plausible magnitudes of the inertial sensor vectors. A sample beyond them (a spike, a dropout marker, a
// saturated burst, a unit error) is treated like a non-finite one: a gyroscope sample is skipped, an
// accelerometer or magnetometer sample is treated as absent, and both are counted. The defaults lie above every
// MEMS range in production (gyroscopes to 70 rad/s = 4000 deg/s, accelerometers to 400 g) and accept the
// magnetic field in uT or nT, so real data never trips them while a 1e12 spike cannot rotate the estimate.

#include <cmath>
#include <string>

#include "kinemyo/imu/quaternion.hpp"

namespace kinemyo::imu {

/// Longest time step (s) an orientation filter integrates over: a longer one (a timestamp jump, a sensor that was
/// off for days, dt = 1 / 1e-300 Hz) is a dropout, and the sample is skipped like one with a non-finite gyroscope.
inline constexpr double kMaxTimeStep = 1e6;

struct SensorLimits {
  double gyr = 100.0;   ///< rad/s (5730 deg/s)
  double acc = 4000.0;  ///< m/s^2 (408 g)
  double mag = 1e5;     ///< field units as given (Earth's field is 25-65 uT = 25 000-65 000 nT)

  void validate() const;  ///< std::invalid_argument naming the limit

  [[nodiscard]] static bool within(const Vec3& v, double limit) noexcept {
    const double n2 = v.squaredNorm();  // NaN fails both tests; inf (or an overflowing norm) fails the second
    return n2 <= limit * limit && n2 <= 1.7976931348623157e308;
  }
};

}  // namespace kinemyo::imu
