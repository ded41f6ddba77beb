#pragma once
// Orientation conventions, in one place. Quaternions are Hamilton (i*j = k), stored scalar first [w, x, y, z] in
// every kinemyo array, unit norm, and rotate sensor coordinates into earth coordinates: v_E = q (x) v_S (x) q*.
// Eigen::Quaterniond is Hamilton too (its storage is x, y, z, w; use from_wxyz / to_wxyz at array boundaries).
// The earth frame is ENU (x east, y north, z up) unless stated; NED and NWU are exact constant rotations.
// Angles are radians; rates rad/s; accelerations m/s^2; magnetic fields in any consistent unit (uT typical).

#include <Eigen/Geometry>

namespace kinemyo::imu {

using Quaternion = Eigen::Quaterniond;
using Vec3 = Eigen::Vector3d;

enum class EarthFrame { enu, ned, nwu };

inline Quaternion from_wxyz(const double* p) { return Quaternion(p[0], p[1], p[2], p[3]); }
inline void to_wxyz(const Quaternion& q, double* out) {
  out[0] = q.w();
  out[1] = q.x();
  out[2] = q.y();
  out[3] = q.z();
}

/// The rotation r with q_to = r (x) q_from for sensor-to-earth quaternions (earth coordinates change, sensor's not).
Quaternion earth_frame_rotation(EarthFrame from, EarthFrame to);
inline Quaternion change_earth_frame(const Quaternion& q, EarthFrame from, EarthFrame to) {
  return earth_frame_rotation(from, to) * q;
}

/// Exact rotation-vector exponential (axis * angle -> quaternion) and its inverse (angle in [0, pi]).
Quaternion from_rotation_vector(const Vec3& v);
Vec3 to_rotation_vector(const Quaternion& q);

/// Rotation by `angle` about the earth vertical (z, up in ENU and NWU).
inline Quaternion heading_rotation(double angle) {
  return Quaternion(std::cos(0.5 * angle), 0.0, 0.0, std::sin(0.5 * angle));
}

/// Orientation from one accelerometer sample (gravity points up in the earth frame when the sensor is at rest) and
/// optionally a magnetometer sample (its horizontal part points north); without a magnetometer the heading is the
/// one with the smallest rotation. ENU. Throws std::invalid_argument for zero or non-finite vectors.
Quaternion orientation_from_vectors(const Vec3& acc);
Quaternion orientation_from_vectors(const Vec3& acc, const Vec3& mag);

/// Error of an estimate against a reference in the earth frame, q_err = q_est (x) q_ref^-1 (BROAD, Laidig et al.,
/// Data 6:72, 2021): total = 2 acos|w|, heading = 2 atan|z / w|, inclination = 2 acos sqrt(w^2 + z^2), radians.
struct OrientationError {
  double total = 0.0;
  double heading = 0.0;
  double inclination = 0.0;
};
OrientationError orientation_error(const Quaternion& estimate, const Quaternion& reference);

}  // namespace kinemyo::imu
