#include "kinemyo/imu/quaternion.hpp"
#include "kinemyo/imu/sensor_limits.hpp"

#include <cmath>
#include <numbers>

#include "dsp/check.hpp"

namespace kinemyo::imu {
namespace {

// Rotation taking ENU coordinates to `to` coordinates.
Quaternion from_enu(EarthFrame to) {
  const double h = std::numbers::sqrt2 / 2.0;
  switch (to) {
    case EarthFrame::enu: return Quaternion::Identity();
    case EarthFrame::ned: return Quaternion(0.0, h, h, 0.0);   // (e, n, u) -> (n, e, -u): pi about (x + y)
    case EarthFrame::nwu: return Quaternion(h, 0.0, 0.0, -h);  // (e, n, u) -> (n, -e, u): -pi/2 about z
  }
  return Quaternion::Identity();
}

Vec3 unit(const Vec3& v, const char* name) {
  const double n = v.norm();
  if (!v.allFinite() || !(n > 0.0)) kinemyo::detail::fail(name, "must be finite and non-zero");
  return v / n;
}

}  // namespace

Quaternion earth_frame_rotation(EarthFrame from, EarthFrame to) { return from_enu(to) * from_enu(from).conjugate(); }

Quaternion from_rotation_vector(const Vec3& v) {
  const double angle = v.norm();
  if (angle < 1e-12) return Quaternion(1.0, 0.5 * v.x(), 0.5 * v.y(), 0.5 * v.z()).normalized();
  const double s = std::sin(0.5 * angle) / angle;
  return Quaternion(std::cos(0.5 * angle), s * v.x(), s * v.y(), s * v.z());
}

Vec3 to_rotation_vector(const Quaternion& q) {
  Quaternion p = q.normalized();
  if (p.w() < 0.0) p.coeffs() = -p.coeffs();
  const double s = p.vec().norm();
  if (s < 1e-12) return 2.0 * p.vec();
  return p.vec() * (2.0 * std::atan2(s, p.w()) / s);
}

Quaternion orientation_from_vectors(const Vec3& acc) {
  return Quaternion::FromTwoVectors(unit(acc, "acc"), Vec3::UnitZ());
}

Quaternion orientation_from_vectors(const Vec3& acc, const Vec3& mag) {
  const Vec3 up = unit(acc, "acc");
  const Vec3 east_raw = unit(mag, "mag").cross(up);
  if (!(east_raw.norm() > 1e-9)) kinemyo::detail::fail("mag", "must not be parallel to acc");
  const Vec3 east = east_raw.normalized();
  const Vec3 north = up.cross(east);
  Eigen::Matrix3d r;  // rows: earth axes in sensor coordinates -> sensor-to-earth rotation
  r.row(0) = east;
  r.row(1) = north;
  r.row(2) = up;
  return Quaternion(r).normalized();
}

OrientationError orientation_error(const Quaternion& estimate, const Quaternion& reference) {
  const Quaternion e = estimate * reference.conjugate();
  const double w = e.w(), z = e.z();
  OrientationError out;
  out.total = 2.0 * std::acos(std::min(1.0, std::abs(w)));
  out.heading = 2.0 * std::atan(std::abs(z / w));
  out.inclination = 2.0 * std::acos(std::min(1.0, std::sqrt(w * w + z * z)));
  return out;
}

void SensorLimits::validate() const {
  const auto positive = [](const char* name, double v) {
    if (!(v > 0.0)) kinemyo::detail::fail(name, "must be > 0 (inf: no limit), got " + kinemyo::detail::num(v));
  };
  positive("limits.gyr", gyr);
  positive("limits.acc", acc);
  positive("limits.mag", mag);
}

}  // namespace kinemyo::imu
