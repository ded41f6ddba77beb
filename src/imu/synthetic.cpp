#include "kinemyo/imu/synthetic.hpp"

#include <cmath>
#include <random>
#include <string>

#include "dsp/check.hpp"

namespace kinemyo::imu {

void SyntheticImuOptions::validate() const {
  using kinemyo::detail::fail;
  if (!std::isfinite(gravity) || gravity < 0.0) fail("gravity", "must be finite and >= 0");
  if (!field.allFinite()) fail("field", "must be finite");
  for (const auto& [name, v] : {std::pair{"gyr_noise", gyr_noise}, {"acc_noise", acc_noise}, {"mag_noise", mag_noise}})
    if (!std::isfinite(v) || v < 0.0) fail(name, "must be finite and >= 0, got " + kinemyo::detail::num(v));
  if (!gyr_bias.allFinite()) fail("gyr_bias", "must be finite");
  for (const auto& d : disturbances)
    if (!std::isfinite(d.start) || !std::isfinite(d.stop) || d.stop < d.start || !d.field.allFinite())
      fail("disturbances", "each needs finite start <= stop and a finite field");
}

SyntheticImu synthesize_imu(std::span<const double> quat, const SampleTimes& times, std::span<const double> linear_acc,
                            const SyntheticImuOptions& options) {
  options.validate();
  if (quat.size() % 4 != 0 || quat.empty()) kinemyo::detail::fail("quat", "must be n x 4 with n >= 1");
  const std::size_t n = quat.size() / 4;
  if (!linear_acc.empty() && linear_acc.size() != 3 * n)
    kinemyo::detail::fail("linear_acc", "must be n x 3 like quat, or empty");
  const auto dt = time_steps(times, n);
  std::vector<Quaternion> q(n);
  for (std::size_t i = 0; i < n; ++i) {
    q[i] = from_wxyz(&quat[4 * i]);
    if (!q[i].coeffs().allFinite() || std::abs(q[i].norm() - 1.0) > 1e-6)
      kinemyo::detail::fail("quat", "row " + std::to_string(i) + " is not a finite unit quaternion");
  }
  std::mt19937_64 rng(options.seed);
  std::normal_distribution<double> normal;
  const auto noise = [&](double sd) { return Vec3(sd * normal(rng), sd * normal(rng), sd * normal(rng)); };

  SyntheticImu out{std::vector<double>(3 * n), std::vector<double>(3 * n), std::vector<double>(3 * n)};
  double t = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0) t += dt[i];
    const Quaternion inv = q[i].conjugate();
    const Vec3 rate = i == 0 ? Vec3::Zero() : Vec3(to_rotation_vector(q[i - 1].conjugate() * q[i]) / dt[i]);
    Vec3 specific = Vec3(0.0, 0.0, options.gravity);
    if (!linear_acc.empty()) specific += Vec3(linear_acc[3 * i], linear_acc[3 * i + 1], linear_acc[3 * i + 2]);
    Vec3 field_earth = options.field, field_sensor = Vec3::Zero();
    for (const auto& d : options.disturbances)
      if (t >= d.start && t < d.stop) (d.attached ? field_sensor : field_earth) += d.field;
    const Vec3 g = rate + options.gyr_bias + noise(options.gyr_noise);
    const Vec3 a = inv * specific + noise(options.acc_noise);
    const Vec3 m = inv * field_earth + field_sensor + noise(options.mag_noise);
    for (int k = 0; k < 3; ++k) {
      out.gyr[3 * i + k] = g[k];
      out.acc[3 * i + k] = a[k];
      out.mag[3 * i + k] = m[k];
    }
  }
  return out;
}

}  // namespace kinemyo::imu
