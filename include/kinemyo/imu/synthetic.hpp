#pragma once
// Synthetic IMU data from a known orientation trajectory, for testing and for studying filters: the gyroscope
// gives the body rate between consecutive orientations (exactly what strapdown integration inverts), the
// accelerometer the specific force (gravity reaction plus linear acceleration) and the magnetometer the earth
// field, all in sensor coordinates, with optional Gaussian noise, a constant gyroscope bias and magnetic
// disturbances over time intervals.

#include <cstdint>
#include <span>
#include <vector>

#include "kinemyo/imu/batch.hpp"

namespace kinemyo::imu {

struct MagneticDisturbance {
  double start = 0.0, stop = 0.0;  ///< s from the first sample, [start, stop)
  Vec3 field = Vec3::Zero();        ///< added field, magnetometer units
  bool attached = false;            ///< true: fixed in the sensor frame (a magnet on the sensor); false: earth frame
};

struct SyntheticImuOptions {
  double gravity = 9.81;                   ///< m/s^2
  Vec3 field = Vec3(0.0, 20.0, -40.0);     ///< earth field in ENU, uT (about 45 uT, 63 deg dip)
  double gyr_noise = 0.0;                  ///< rad/s, standard deviation per sample
  double acc_noise = 0.0;                  ///< m/s^2
  double mag_noise = 0.0;                  ///< field units
  Vec3 gyr_bias = Vec3::Zero();            ///< rad/s, added to every gyroscope sample
  std::vector<MagneticDisturbance> disturbances;
  std::uint64_t seed = 1;
  void validate() const;
};

struct SyntheticImu {
  std::vector<double> gyr, acc, mag;  ///< n x 3 each, row-major
};

/// quat: n x 4 sensor-to-earth orientations [w, x, y, z]; linear_acc: n x 3 earth-frame linear acceleration of the
/// sensor (m/s^2) or empty. Sample 0 has zero rate; sample i carries the rotation from orientation i-1 to i.
SyntheticImu synthesize_imu(std::span<const double> quat, const SampleTimes& times, std::span<const double> linear_acc,
                            const SyntheticImuOptions& options = {});

}  // namespace kinemyo::imu
