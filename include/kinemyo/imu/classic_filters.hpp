#pragma once
// Classic complementary orientation filters, streaming, per-sample dt, ENU, sensor-to-earth quaternions.
//  - Madgwick (Madgwick, Harrison & Vaidyanathan, IEEE ICORR 2011; report 2010): gradient-descent correction of
//    the gyroscope rate, IMU and MARG. The magnetometer step implements the paper's objective function (the
//    widely copied C code halves the reference field, a known factor-of-2 error).
//  - Mahony (Mahony, Hamel & Pflimlin, IEEE TAC 53:1203, 2008): explicit complementary filter with
//    proportional and integral feedback of the vector-measurement error.
// Both start from the first accelerometer (and magnetometer) sample, skip a sample whose time step is outside
// (0, kMaxTimeStep], whose gyroscope is not finite or exceeds limits.gyr (counted in skipped(); the state is
// untouched, so there is nothing to settle), and skip only the correction whose accelerometer or magnetometer is
// NaN, all zero or beyond its limit (see sensor_limits.hpp).

#include <cstdint>

#include "kinemyo/imu/quaternion.hpp"
#include "kinemyo/imu/sensor_limits.hpp"

namespace kinemyo::imu {

struct MadgwickParams {
  double beta = 0.1;  ///< rad/s, gradient-descent gain (gyroscope measurement error); at most 1e6
  SensorLimits limits;
  void validate() const;
};

class MadgwickFilter {
 public:
  explicit MadgwickFilter(const MadgwickParams& params = {});
  void update(double dt, const Vec3& gyr, const Vec3& acc) noexcept;
  void update(double dt, const Vec3& gyr, const Vec3& acc, const Vec3& mag) noexcept;
  [[nodiscard]] Quaternion quat() const noexcept;  ///< ENU
  void set_quat(const Quaternion& q);             ///< ENU
  [[nodiscard]] const MadgwickParams& params() const noexcept { return params_; }
  [[nodiscard]] std::uint64_t skipped() const noexcept { return skipped_; }  // samples skipped (see above)
  void reset() noexcept;

 private:
  MadgwickParams params_;
  Quaternion q_ = Quaternion::Identity();  ///< in the paper's earth frame (x north, y west, z up)
  bool initialised_ = false;
  std::uint64_t skipped_ = 0;
};

struct MahonyParams {
  double kp = 1.0;  ///< 1/s, proportional gain; at most 1e6 (ki too)
  double ki = 0.0;  ///< 1/s^2, integral gain (the integral is a gyroscope-bias estimate)
  SensorLimits limits;
  void validate() const;
};

class MahonyFilter {
 public:
  explicit MahonyFilter(const MahonyParams& params = {});
  void update(double dt, const Vec3& gyr, const Vec3& acc) noexcept;
  void update(double dt, const Vec3& gyr, const Vec3& acc, const Vec3& mag) noexcept;
  [[nodiscard]] const Quaternion& quat() const noexcept { return q_; }
  [[nodiscard]] Vec3 bias() const noexcept { return -params_.ki * integral_; }  // rad/s
  void set_quat(const Quaternion& q);
  [[nodiscard]] const MahonyParams& params() const noexcept { return params_; }
  [[nodiscard]] std::uint64_t skipped() const noexcept { return skipped_; }  // samples skipped (see above)
  void reset() noexcept;

 private:
  MahonyParams params_;
  Quaternion q_ = Quaternion::Identity();
  Vec3 integral_ = Vec3::Zero();
  bool initialised_ = false;
  std::uint64_t skipped_ = 0;
};

}  // namespace kinemyo::imu
