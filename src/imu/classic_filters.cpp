#include "kinemyo/imu/classic_filters.hpp"

#include <cmath>
#include <limits>

#include "dsp/check.hpp"

namespace kinemyo::imu {
namespace {

bool present(const Vec3& v) { return v.allFinite() && (v.x() != 0.0 || v.y() != 0.0 || v.z() != 0.0); }

bool valid_step(double dt, const Vec3& gyr) { return dt > 0.0 && std::isfinite(dt) && gyr.allFinite(); }

// Initial orientation from the first vector samples (never throws: a field parallel to gravity is ignored).
Quaternion initial(const Vec3& acc, const Vec3* mag) {
  const Vec3 up = acc.normalized();
  if (mag && present(*mag) && mag->normalized().cross(up).norm() > 1e-6) return orientation_from_vectors(acc, *mag);
  return Quaternion::FromTwoVectors(up, Vec3::UnitZ());
}

// Gradient, with respect to q = [w, x, y, z], of f(q) = R(q)^T e - s: the objective function of Madgwick's
// paper for an earth-frame reference direction e and its sensor-frame measurement s. With r the vector part,
// R^T e = e (w^2 - r.r) + 2 r (r.e) - 2 w (r x e); the result is J^T f in closed form.
Eigen::Vector4d objective_gradient(const Quaternion& q, const Vec3& e, const Vec3& s) {
  const double w = q.w();
  const Vec3 r = q.vec();
  const Vec3 f = e * (w * w - r.squaredNorm()) + 2.0 * r * r.dot(e) - 2.0 * w * r.cross(e) - s;
  Eigen::Vector4d g;
  g[0] = (2.0 * w * e - 2.0 * r.cross(e)).dot(f);
  g.tail<3>() = -2.0 * r * e.dot(f) + 2.0 * r.dot(e) * f + 2.0 * e * r.dot(f) + 2.0 * w * f.cross(e);
  return g;
}

// Reference field in the earth frame from the current estimate: horizontal part along north (ENU y).
Vec3 field_reference(const Quaternion& q, const Vec3& m) {
  const Vec3 h = q * m;
  return Vec3(0.0, std::hypot(h.x(), h.y()), h.z());
}

Quaternion integrate(const Quaternion& q, const Vec3& w, double dt) {
  const double rate = w.norm(), angle = rate * dt;
  if (!(angle > std::numeric_limits<double>::epsilon())) return q;
  const double s = std::sin(0.5 * angle) / rate;
  return (q * Quaternion(std::cos(0.5 * angle), s * w.x(), s * w.y(), s * w.z())).normalized();
}

}  // namespace

void MadgwickParams::validate() const {
  if (!std::isfinite(beta) || beta < 0.0) kinemyo::detail::fail("beta", "must be finite and >= 0, got " + kinemyo::detail::num(beta));
}

MadgwickFilter::MadgwickFilter(const MadgwickParams& params) : params_(params) { params_.validate(); }

void MadgwickFilter::reset() noexcept {
  q_ = Quaternion::Identity();
  initialised_ = false;
}

void MadgwickFilter::set_quat(const Quaternion& q) {
  if (!q.coeffs().allFinite() || !(q.norm() > 0.0)) kinemyo::detail::fail("q", "must be finite and non-zero");
  q_ = q.normalized();
  initialised_ = true;
}

void MadgwickFilter::update(double dt, const Vec3& gyr, const Vec3& acc) noexcept {
  update(dt, gyr, acc, Vec3::Constant(std::numeric_limits<double>::quiet_NaN()));
}

void MadgwickFilter::update(double dt, const Vec3& gyr, const Vec3& acc, const Vec3& mag) noexcept {
  if (!valid_step(dt, gyr)) return;
  const bool has_acc = present(acc), has_mag = present(mag);
  if (!initialised_ && has_acc) {
    q_ = initial(acc, has_mag ? &mag : nullptr);
    initialised_ = true;
    return;
  }
  // q_dot = 1/2 q (x) (0, w) - beta * grad / |grad|   (Madgwick 2010, eqs. 42-44)
  const Quaternion rate = q_ * Quaternion(0.0, gyr.x(), gyr.y(), gyr.z());
  Eigen::Vector4d qdot = 0.5 * Eigen::Vector4d(rate.w(), rate.x(), rate.y(), rate.z());
  if (has_acc) {
    Eigen::Vector4d grad = objective_gradient(q_, Vec3::UnitZ(), acc.normalized());
    if (has_mag) {
      const Vec3 m = mag.normalized();
      grad += objective_gradient(q_, field_reference(q_, m), m);
    }
    const double n = grad.norm();
    if (n > 0.0) qdot -= params_.beta * grad / n;
  }
  Eigen::Vector4d q(q_.w(), q_.x(), q_.y(), q_.z());
  q += qdot * dt;
  q.normalize();
  q_ = Quaternion(q[0], q[1], q[2], q[3]);
}

void MahonyParams::validate() const {
  if (!std::isfinite(kp) || kp < 0.0) kinemyo::detail::fail("kp", "must be finite and >= 0, got " + kinemyo::detail::num(kp));
  if (!std::isfinite(ki) || ki < 0.0) kinemyo::detail::fail("ki", "must be finite and >= 0, got " + kinemyo::detail::num(ki));
}

MahonyFilter::MahonyFilter(const MahonyParams& params) : params_(params) { params_.validate(); }

void MahonyFilter::reset() noexcept {
  q_ = Quaternion::Identity();
  integral_.setZero();
  initialised_ = false;
}

void MahonyFilter::set_quat(const Quaternion& q) {
  if (!q.coeffs().allFinite() || !(q.norm() > 0.0)) kinemyo::detail::fail("q", "must be finite and non-zero");
  q_ = q.normalized();
  initialised_ = true;
}

void MahonyFilter::update(double dt, const Vec3& gyr, const Vec3& acc) noexcept {
  update(dt, gyr, acc, Vec3::Constant(std::numeric_limits<double>::quiet_NaN()));
}

void MahonyFilter::update(double dt, const Vec3& gyr, const Vec3& acc, const Vec3& mag) noexcept {
  if (!valid_step(dt, gyr)) return;
  const bool has_acc = present(acc), has_mag = present(mag);
  if (!initialised_ && has_acc) {
    q_ = initial(acc, has_mag ? &mag : nullptr);
    initialised_ = true;
    return;
  }
  Vec3 e = Vec3::Zero();
  if (has_acc) {
    const Quaternion inv = q_.conjugate();
    e += acc.normalized().cross(inv * Vec3::UnitZ());  // measured x estimated vertical (sensor frame)
    if (has_mag) {
      const Vec3 m = mag.normalized();
      e += m.cross(inv * field_reference(q_, m));
    }
  }
  if (params_.ki > 0.0) integral_ += e * dt;
  q_ = integrate(q_, gyr + params_.kp * e + params_.ki * integral_, dt);
}

}  // namespace kinemyo::imu
