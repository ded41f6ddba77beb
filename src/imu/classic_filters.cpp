#include "kinemyo/imu/classic_filters.hpp"

#include <cmath>
#include <limits>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "dsp/check.hpp"
#include "imu/common.hpp"

namespace kinemyo::imu {
namespace {

using detail::present;

// Madgwick's fast path: a sample is usable when its squared norm (needed anyway) is finite and positive (NaN
// fails both comparisons).
bool usable(double squared_norm) { return squared_norm > 0.0 && squared_norm <= std::numeric_limits<double>::max(); }

// 1 / sqrt of two values at once (one SIMD square root and division where available; IEEE-exact either way, so
// results do not depend on the path).
inline void inverse_sqrt2(double a, double b, double& ia, double& ib) {
#if defined(__SSE2__)
  alignas(16) double out[2];
  _mm_store_pd(out, _mm_div_pd(_mm_set1_pd(1.0), _mm_sqrt_pd(_mm_set_pd(b, a))));
  ia = out[0];
  ib = out[1];
#else
  ia = 1.0 / std::sqrt(a);
  ib = 1.0 / std::sqrt(b);
#endif
}

// Initial orientation from the first vector samples (never throws: a field parallel to gravity is ignored).
Quaternion initial(const Vec3& acc, const Vec3* mag) {
  const Vec3 up = acc.normalized();
  if (mag && present(*mag) && mag->normalized().cross(up).norm() > 1e-6) return orientation_from_vectors(acc, *mag);
  return Quaternion::FromTwoVectors(up, Vec3::UnitZ());
}

// Madgwick's paper works in an earth frame with x north and z up (NWU); the filter keeps its quaternion there.
Quaternion enu_to_nwu() { return earth_frame_rotation(EarthFrame::enu, EarthFrame::nwu); }

// Reference field in the earth frame from the current estimate: horizontal part along north (ENU y).
Vec3 field_reference(const Quaternion& q, const Vec3& m) {
  const Vec3 h = q * m;
  return Vec3(0.0, std::sqrt(h.x() * h.x() + h.y() * h.y()), h.z());
}

// q + 1/2 q (x) (0, w) dt, renormalised (first order, as in Mahony et al. 2008's discrete implementation).
Quaternion integrate(const Quaternion& q, const Vec3& w, double dt) {
  const Quaternion rate = q * Quaternion(0.0, w.x(), w.y(), w.z());
  Quaternion out;
  out.coeffs() = q.coeffs() + (0.5 * dt) * rate.coeffs();
  return out.normalized();
}

}  // namespace

constexpr double kMaxGain = 1e6;  // Madgwick beta, Mahony kp and ki

void MadgwickParams::validate() const {
  // Upper bound: far beyond any useful gain (1e6 rad/s corrects fully within a microsecond) and far below the
  // values whose correction step overflows to inf/NaN (1e300 did).
  if (!std::isfinite(beta) || beta < 0.0 || beta > kMaxGain)
    kinemyo::detail::fail("beta", "must be finite, >= 0 and <= 1e6, got " + kinemyo::detail::num(beta));
  limits.validate();
}

MadgwickFilter::MadgwickFilter(const MadgwickParams& params) : params_(params) {
  params_.validate();
  reset();
}

void MadgwickFilter::reset() noexcept {
  q_ = enu_to_nwu();  // identity in ENU
  initialised_ = false;
  skipped_ = 0;
}

Quaternion MadgwickFilter::quat() const noexcept { return enu_to_nwu().conjugate() * q_; }

void MadgwickFilter::set_quat(const Quaternion& q) {
  if (!q.coeffs().allFinite() || !(q.norm() > 0.0)) kinemyo::detail::fail("q", "must be finite and non-zero");
  q_ = enu_to_nwu() * q.normalized();
  initialised_ = true;
}

void MadgwickFilter::update(double dt, const Vec3& gyr, const Vec3& acc) noexcept {
  update(dt, gyr, acc, Vec3::Constant(std::numeric_limits<double>::quiet_NaN()));
}

void MadgwickFilter::update(double dt, const Vec3& gyr, const Vec3& acc, const Vec3& mag) noexcept {
  if (!detail::usable_step(dt, gyr, params_.limits.gyr)) {
    ++skipped_;
    return;
  }
  const double acc_n2 = acc.squaredNorm(), mag_n2 = mag.squaredNorm();
  const bool has_acc = usable(acc_n2) && acc_n2 <= params_.limits.acc * params_.limits.acc;
  const bool has_mag = usable(mag_n2) && mag_n2 <= params_.limits.mag * params_.limits.mag;
  if (!initialised_ && has_acc) {  // start from the first vector sample, then update as usual
    q_ = enu_to_nwu() * initial(acc, has_mag ? &mag : nullptr);
    initialised_ = true;
  }
  // The paper's equations in its own earth frame (x north, z up), q = [q1 q2 q3 q4] scalar first:
  // q_dot = 1/2 q (x) (0, w) - beta * grad / |grad| with grad = J_g^T f_g + J_b^T f_b (eqs. 25-26, 29-34, 43-46).
  const double q1 = q_.w(), q2 = q_.x(), q3 = q_.y(), q4 = q_.z();
  double d1 = 0.5 * (-q2 * gyr.x() - q3 * gyr.y() - q4 * gyr.z());
  double d2 = 0.5 * (q1 * gyr.x() + q3 * gyr.z() - q4 * gyr.y());
  double d3 = 0.5 * (q1 * gyr.y() - q2 * gyr.z() + q4 * gyr.x());
  double d4 = 0.5 * (q1 * gyr.z() + q2 * gyr.y() - q3 * gyr.x());
  if (has_acc) {
    double inv_acc = 0.0, inv_mag = 0.0;
    inverse_sqrt2(acc_n2, has_mag ? mag_n2 : 1.0, inv_acc, inv_mag);
    const Vec3 a = acc * inv_acc;
    // Shared products (the objective functions and Jacobians reuse them).
    const double q1q2 = q1 * q2, q1q3 = q1 * q3, q1q4 = q1 * q4, q2q3 = q2 * q3, q2q4 = q2 * q4, q3q4 = q3 * q4;
    const double q2q2 = q2 * q2, q3q3 = q3 * q3, q4q4 = q4 * q4;
    const double t1 = 2.0 * q1, t2 = 2.0 * q2, t3 = 2.0 * q3, t4 = 2.0 * q4;
    // Gravity: f_g and J_g.
    const double fg1 = 2.0 * (q2q4 - q1q3) - a.x();
    const double fg2 = 2.0 * (q1q2 + q3q4) - a.y();
    const double fg3 = 2.0 * (0.5 - q2q2 - q3q3) - a.z();
    double g1 = -t3 * fg1 + t2 * fg2;
    double g2 = t4 * fg1 + t1 * fg2 - 2.0 * t2 * fg3;
    double g3 = -t1 * fg1 + t4 * fg2 - 2.0 * t3 * fg3;
    double g4 = t2 * fg1 + t3 * fg2;
    if (has_mag) {
      // Earth-frame field h = q m q*, reference b = [sqrt(hx^2 + hy^2), 0, hz] (eqs. 45-46; the full bx, not
      // half of it as in the widely copied code). m normalised; h rotated from the raw field in parallel.
      const double inv_norm = inv_mag;
      const Vec3 h = q_ * mag;
      const Vec3 m = mag * inv_norm;
      const double bx2 = 2.0 * std::sqrt(h.x() * h.x() + h.y() * h.y()) * inv_norm, bz2 = 2.0 * h.z() * inv_norm;
      const double fb1 = bx2 * (0.5 - q3q3 - q4q4) + bz2 * (q2q4 - q1q3) - m.x();
      const double fb2 = bx2 * (q2q3 - q1q4) + bz2 * (q1q2 + q3q4) - m.y();
      const double fb3 = bx2 * (q1q3 + q2q4) + bz2 * (0.5 - q2q2 - q3q3) - m.z();
      // J_b^T f_b with 2 bx = bx2, 2 bz = bz2.
      g1 += -bz2 * q3 * fb1 + (-bx2 * q4 + bz2 * q2) * fb2 + bx2 * q3 * fb3;
      g2 += bz2 * q4 * fb1 + (bx2 * q3 + bz2 * q1) * fb2 + (bx2 * q4 - 2.0 * bz2 * q2) * fb3;
      g3 += (-2.0 * bx2 * q3 - bz2 * q1) * fb1 + (bx2 * q2 + bz2 * q4) * fb2 + (bx2 * q1 - 2.0 * bz2 * q3) * fb3;
      g4 += (-2.0 * bx2 * q4 + bz2 * q2) * fb1 + (-bx2 * q1 + bz2 * q3) * fb2 + bx2 * q2 * fb3;
    }
    const double n2 = g1 * g1 + g2 * g2 + g3 * g3 + g4 * g4;
    if (n2 > 0.0) {
      // q_new = p - s g with p the gyroscope step and s = dt beta / |g|; |q_new|^2 = |p|^2 - 2 s p.g + s^2 |g|^2
      // is formed from terms computed alongside 1 / |g|, which shortens the dependency chain of the update.
      const double pw = q1 + d1 * dt, px = q2 + d2 * dt, py = q3 + d3 * dt, pz = q4 + d4 * dt;
      const double pp = pw * pw + px * px + py * py + pz * pz, pg = pw * g1 + px * g2 + py * g3 + pz * g4;
      const double step = dt * params_.beta / std::sqrt(n2);
      const double inv = 1.0 / std::sqrt(pp - 2.0 * step * pg + step * step * n2);
      q_ = Quaternion((pw - step * g1) * inv, (px - step * g2) * inv, (py - step * g3) * inv, (pz - step * g4) * inv);
      return;
    }
  }
  const double w = q1 + d1 * dt, x = q2 + d2 * dt, y = q3 + d3 * dt, z = q4 + d4 * dt;
  const double inv = 1.0 / std::sqrt(w * w + x * x + y * y + z * z);
  q_ = Quaternion(w * inv, x * inv, y * inv, z * inv);
}

void MahonyParams::validate() const {
  if (!std::isfinite(kp) || kp < 0.0 || kp > kMaxGain)
    kinemyo::detail::fail("kp", "must be finite, >= 0 and <= 1e6, got " + kinemyo::detail::num(kp));
  if (!std::isfinite(ki) || ki < 0.0 || ki > kMaxGain)
    kinemyo::detail::fail("ki", "must be finite, >= 0 and <= 1e6, got " + kinemyo::detail::num(ki));
  limits.validate();
}

MahonyFilter::MahonyFilter(const MahonyParams& params) : params_(params) { params_.validate(); }

void MahonyFilter::reset() noexcept {
  q_ = Quaternion::Identity();
  integral_.setZero();
  initialised_ = false;
  skipped_ = 0;
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
  if (!detail::usable_step(dt, gyr, params_.limits.gyr)) {
    ++skipped_;
    return;
  }
  const bool has_acc = detail::usable_vector(acc, params_.limits.acc);
  const bool has_mag = detail::usable_vector(mag, params_.limits.mag);
  if (!initialised_ && has_acc) {  // start from the first vector sample, then update as usual
    q_ = initial(acc, has_mag ? &mag : nullptr);
    initialised_ = true;
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
