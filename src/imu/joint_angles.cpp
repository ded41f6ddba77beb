#include "kinemyo/imu/joint_angles.hpp"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "dsp/check.hpp"

namespace kinemyo::imu {
namespace {

using kinemyo::detail::fail;

Quaternion from_axes(const Vec3& x, const Vec3& y, const Vec3& z) {
  Eigen::Matrix3d r;
  r.col(0) = x;
  r.col(1) = y;
  r.col(2) = z;
  return Quaternion(r).normalized();
}

// Horizontal direction of a sensor-frame hint in the earth frame.
Vec3 horizontal(const Quaternion& q, const Vec3& hint, const std::string& name) {
  if (!hint.allFinite() || !(hint.norm() > 0.0)) fail(name, "must be a finite non-zero vector");
  const Vec3 a = q * hint.normalized();
  const Vec3 h(a.x(), a.y(), 0.0);
  if (h.norm() < 0.1) fail(name, "points (nearly) vertically in the calibration pose; give a horizontal axis");
  return h.normalized();
}

// Z-X-Y Cardan angles of R = Rz(a) Rx(b) Ry(c).
Vec3 zxy(const Eigen::Matrix3d& r) {
  const double b = std::asin(std::clamp(r(2, 1), -1.0, 1.0));
  return Vec3(std::atan2(-r(0, 1), r(1, 1)), b, std::atan2(-r(2, 0), r(2, 2)));
}

Eigen::Matrix3d relative(const Quaternion& proximal, const Quaternion& distal) {
  return (proximal.conjugate() * distal).toRotationMatrix();
}

Vec3 principal_axis(const Eigen::Matrix3d& scatter) {
  Eigen::SelfAdjointEigenSolver<Eigen::Matrix3d> es(scatter);
  return es.eigenvectors().col(2);  // eigenvalues ascending
}

double heading_of_x(const Quaternion& q) {
  const Vec3 x = q * Vec3::UnitX();
  return std::atan2(x.y(), x.x());
}

}  // namespace

Quaternion mean_orientation(std::span<const double> quat) {
  if (quat.empty() || quat.size() % 4 != 0) fail("quat", "must be n x 4 with n >= 1");
  Eigen::Matrix4d m = Eigen::Matrix4d::Zero();
  for (std::size_t i = 0; i < quat.size(); i += 4) {
    const Eigen::Vector4d q(quat[i], quat[i + 1], quat[i + 2], quat[i + 3]);
    if (!q.allFinite() || !(q.norm() > 0.0)) fail("quat", "row " + std::to_string(i / 4) + " is not finite and non-zero");
    m += q.normalized() * q.normalized().transpose();
  }
  Eigen::SelfAdjointEigenSolver<Eigen::Matrix4d> es(m);
  Eigen::Vector4d v = es.eigenvectors().col(3);
  if (v[0] < 0.0) v = -v;
  return Quaternion(v[0], v[1], v[2], v[3]).normalized();
}

std::vector<SegmentCalibration> calibrate_static_pose(std::span<const Quaternion> sensors, std::span<const Vec3> hints,
                                                      std::size_t pelvis, bool shared_heading) {
  if (sensors.empty() || hints.size() != sensors.size())
    fail("anterior_hints", "needs one hint per sensor (" + std::to_string(sensors.size()) + ")");
  if (pelvis >= sensors.size()) fail("pelvis_index", "out of range");
  for (const auto& q : sensors)
    if (!q.coeffs().allFinite() || std::abs(q.norm() - 1.0) > 1e-6) fail("sensor_orientations", "must be unit quaternions");
  // Every hint is checked, also those a shared heading does not use: a NaN there is a caller's error, not a default.
  for (std::size_t k = 0; k < hints.size(); ++k)
    if (!hints[k].allFinite() || !(hints[k].norm() > 0.0))
      fail("anterior_hints[" + std::to_string(k) + "]", "must be a finite non-zero vector");
  const Vec3 forward = horizontal(sensors[pelvis], hints[pelvis], "anterior_hints[pelvis]");
  const Vec3 up = Vec3::UnitZ();
  const Quaternion segment = from_axes(forward, up, forward.cross(up));  // x anterior, y up, z right
  std::vector<SegmentCalibration> out(sensors.size());
  for (std::size_t k = 0; k < sensors.size(); ++k) {
    double offset = 0.0;
    if (!shared_heading && k != pelvis) {
      const Vec3 own = horizontal(sensors[k], hints[k], "anterior_hints[" + std::to_string(k) + "]");
      offset = std::atan2(forward.y(), forward.x()) - std::atan2(own.y(), own.x());
      offset = std::remainder(offset, 2.0 * std::numbers::pi);
    }
    out[k].heading_offset = offset;
    out[k].sensor_to_segment = ((heading_rotation(offset) * sensors[k]).conjugate() * segment).normalized();
    out[k].static_orientation = sensors[k];
    out[k].forward_heading = std::atan2(forward.y(), forward.x());
    out[k].shared_heading = shared_heading;
  }
  return out;
}

Vec3 functional_axis(std::span<const double> gyr_p, std::span<const double> gyr_d, std::span<const double> quat_p,
                     std::span<const double> quat_d, const Vec3& hint) {
  const std::size_t n = gyr_d.size() / 3;
  if (gyr_d.size() != 3 * n || gyr_p.size() != 3 * n || quat_p.size() != 4 * n || quat_d.size() != 4 * n || n < 2)
    fail("gyr_distal", "gyroscopes n x 3 and orientations n x 4 of equal n >= 2 are needed");
  if (!hint.allFinite() || !(hint.norm() > 0.0)) fail("hint", "must be a finite non-zero vector");
  Eigen::Matrix3d scatter = Eigen::Matrix3d::Zero();
  for (std::size_t i = 0; i < n; ++i) {
    const Quaternion qp = from_wxyz(&quat_p[4 * i]), qd = from_wxyz(&quat_d[4 * i]);
    const Vec3 wp(&gyr_p[3 * i]), wd(&gyr_d[3 * i]);
    if (!wp.allFinite() || !wd.allFinite() || !qp.coeffs().allFinite() || !qd.coeffs().allFinite()) continue;
    const Vec3 rel = wd - (qd.conjugate() * qp) * wp;  // relative angular velocity, distal sensor frame
    scatter += rel * rel.transpose();
  }
  if (!(scatter.trace() > 0.0)) fail("gyr_distal", "no relative rotation in the data");
  Vec3 axis = principal_axis(scatter).normalized();
  if (axis.dot(hint) < 0.0) axis = -axis;
  return axis;
}

SegmentCalibration refine_with_functional_axis(const SegmentCalibration& c, const Vec3& axis, bool axis_is_flexion) {
  if (!axis.allFinite() || !(axis.norm() > 0.0)) fail("axis", "must be a finite non-zero vector");
  const Eigen::Matrix3d b = c.sensor_to_segment.toRotationMatrix();  // columns: segment axes in sensor frame
  const Vec3 y = b.col(1);
  Vec3 a = axis.normalized() - axis.normalized().dot(y) * y;
  if (a.norm() < 0.2) fail("axis", "is (nearly) parallel to the segment's long axis");
  a.normalize();
  SegmentCalibration out = c;
  out.sensor_to_segment = axis_is_flexion ? from_axes(y.cross(a), y, a) : from_axes(a, y, a.cross(y));
  if (!c.shared_heading) {
    const Vec3 x = c.static_orientation * (out.sensor_to_segment * Vec3::UnitX());
    out.heading_offset = std::remainder(c.forward_heading - std::atan2(x.y(), x.x()), 2.0 * std::numbers::pi);
  }
  return out;
}

Quaternion segment_orientation(const Quaternion& q, const SegmentCalibration& c) {
  return (heading_rotation(c.heading_offset) * q * c.sensor_to_segment).normalized();
}

HipAngles hip_angles(const Quaternion& pelvis, const Quaternion& thigh, Side side) {
  const Vec3 a = zxy(relative(pelvis, thigh));
  const double mirror = side == Side::right ? 1.0 : -1.0;
  return {a[0], mirror * a[1], mirror * a[2]};
}

LumboPelvicAngles lumbopelvic_angles(const Quaternion& pelvis, const Quaternion& lower_back) {
  const Vec3 a = zxy(relative(pelvis, lower_back));
  return {-a[0], a[1], a[2]};
}

double inclination(const Quaternion& segment) {
  const double norm = segment.norm();
  // A zero or non-finite quaternion is no orientation; acos of its clamped zero would read as "lying flat".
  if (!(norm > 0.0) || !std::isfinite(norm)) fail("segment", "must be a non-zero finite quaternion");
  return std::acos(std::clamp((segment * Vec3::UnitY()).z(), -1.0, 1.0));
}

double axis_elevation(const Quaternion& orientation, const Vec3& axis) {
  const double norm = axis.norm();
  if (!(norm > 0.0) || !std::isfinite(norm)) fail("axis", "must be a non-zero finite vector");
  return std::asin(std::clamp((orientation * axis).z() / norm, -1.0, 1.0));
}

std::vector<double> align_relative_heading(std::span<const double> proximal, std::span<const double> distal,
                                           std::span<const std::uint8_t> rest, double fs, double tolerance, double tau) {
  const std::size_t n = rest.size();
  if (proximal.size() != 4 * n || distal.size() != 4 * n) fail("distal_segment", "n x 4 orientations and n rest flags");
  kinemyo::detail::require_positive_finite("fs", fs);
  kinemyo::detail::require_positive_finite("tolerance", tolerance);
  kinemyo::detail::require_positive_finite("tau", tau);
  const double k = 1.0 - std::exp(-1.0 / (fs * tau));
  double correction = 0.0;
  std::vector<double> out(4 * n);
  for (std::size_t i = 0; i < n; ++i) {
    const Quaternion qp = from_wxyz(&proximal[4 * i]), qd = from_wxyz(&distal[4 * i]);
    if (rest[i] && inclination(qp) < tolerance && inclination(qd) < tolerance) {
      const double error = std::remainder(heading_of_x(qd) - correction - heading_of_x(qp), 2.0 * std::numbers::pi);
      correction += k * error;
    }
    to_wxyz((heading_rotation(-correction) * qd).normalized(), &out[4 * i]);
  }
  return out;
}

std::vector<Repetition> repetitions(std::span<const double> angle, double min_range) {
  kinemyo::detail::require_positive_finite("min_range", min_range);
  // Alternating extrema with hysteresis ("zig-zag"): an extreme is confirmed once the signal has left it by
  // min_range; the first sample that does so is the running extreme of the new direction.
  std::vector<std::pair<std::size_t, bool>> extrema;  // (index, is_peak)
  int trend = 0;                                      // 0 unknown, +1 rising (tracking a peak), -1 falling
  std::size_t hi = 0, lo = 0, ext = 0;
  bool started = false;
  for (std::size_t i = 0; i < angle.size(); ++i) {
    const double v = angle[i];
    if (!std::isfinite(v)) continue;
    if (!started) {
      hi = lo = ext = i;
      started = true;
      continue;
    }
    if (trend == 0) {
      if (v > angle[hi]) hi = i;
      if (v < angle[lo]) lo = i;
      if (v - angle[lo] >= min_range) {
        extrema.emplace_back(lo, false);
        trend = 1;
        ext = i;
      } else if (angle[hi] - v >= min_range) {
        extrema.emplace_back(hi, true);
        trend = -1;
        ext = i;
      }
    } else if (trend == 1) {
      if (v > angle[ext]) ext = i;
      else if (angle[ext] - v >= min_range) {
        extrema.emplace_back(ext, true);
        trend = -1;
        ext = i;
      }
    } else {
      if (v < angle[ext]) ext = i;
      else if (v - angle[ext] >= min_range) {
        extrema.emplace_back(ext, false);
        trend = 1;
        ext = i;
      }
    }
  }
  if (trend == -1) extrema.emplace_back(ext, false);  // the final return, held to the end
  std::vector<Repetition> reps;
  for (std::size_t j = 0; j + 2 < extrema.size(); ++j) {
    if (extrema[j].second || !extrema[j + 1].second || extrema[j + 2].second) continue;
    Repetition r;
    r.start = extrema[j].first;
    r.peak = extrema[j + 1].first;
    r.end = extrema[j + 2].first;
    r.minimum = std::min(angle[r.start], angle[r.end]);
    r.maximum = angle[r.peak];
    r.range = r.maximum - r.minimum;
    reps.push_back(r);
  }
  return reps;
}

}  // namespace kinemyo::imu
