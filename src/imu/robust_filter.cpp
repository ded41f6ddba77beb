#include "kinemyo/imu/robust_filter.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "dsp/check.hpp"
#include "imu/common.hpp"
#include "imu/lowpass.hpp"

namespace kinemyo::imu {

namespace detail {
void LowPass2Coeffs::update(double new_tau, double new_dt) noexcept {
  if (new_dt == dt && new_tau == tau) return;
  tau = new_tau;
  dt = new_dt;
  const double fc = std::numbers::sqrt2 / (2.0 * std::numbers::pi * tau);
  pass = !(tau > 0.0) || fc * dt >= 0.45;
  if (pass) return;
  const double k = std::tan(std::numbers::pi * fc * dt);
  const double norm = 1.0 / (1.0 + std::numbers::sqrt2 * k + k * k);
  b0 = k * k * norm;
  a1 = 2.0 * (k * k - 1.0) * norm;
  a2 = (1.0 - std::numbers::sqrt2 * k + k * k) * norm;
}
}  // namespace detail

namespace {

using detail::present;

// Wrap to (-pi, pi] for angles within (-3 pi, 3 pi) -- a difference of two wrapped angles; branches instead of
// std::remainder, which costs a library call twice per magnetometer sample on the hot path.
double wrap_pi(double a) {
  if (a > std::numbers::pi) a -= 2.0 * std::numbers::pi;
  else if (a < -std::numbers::pi) a += 2.0 * std::numbers::pi;
  return a;
}

// Kalman filter variances of the bias (Laidig & Seel 2023, Sec. 3.3): the process noise grows the std from 0 to
// 0.1 deg/s in bias_forgetting_time; measurement noise chosen so that the steady-state posterior variance is
// sigma^2 (scalar Riccati fixed point: W = p^2 / v + p).
using detail::BiasNoise;
BiasNoise bias_noise(const RobustFilterParams& p, double dt) {
  const double v = std::pow(0.1 * kDegree, 2) * dt / p.bias_forgetting_time;
  const double pm = p.bias_sigma_motion * p.bias_sigma_motion;
  const double pr = p.bias_sigma_rest * p.bias_sigma_rest;
  const double wm = pm * pm / v + pm;
  return {v, wm, wm / std::max(p.bias_vertical_forgetting_factor, 1e-10), pr * pr / v + pr};
}

}  // namespace

void RobustFilterParams::validate() const {
  using kinemyo::detail::fail;
  using kinemyo::detail::num;
  const auto positive = [](const char* name, double v) {
    if (!std::isfinite(v) || v <= 0.0) fail(name, "must be finite and > 0, got " + num(v));
  };
  const auto non_negative = [](const char* name, double v) {
    if (!std::isfinite(v) || v < 0.0) fail(name, "must be finite and >= 0, got " + num(v));
  };
  non_negative("tau_acc", tau_acc);
  non_negative("tau_mag", tau_mag);
  positive("bias_sigma_init", bias_sigma_init);
  positive("bias_forgetting_time", bias_forgetting_time);
  positive("bias_clip", bias_clip);
  positive("bias_sigma_motion", bias_sigma_motion);
  non_negative("bias_vertical_forgetting_factor", bias_vertical_forgetting_factor);
  positive("bias_sigma_rest", bias_sigma_rest);
  positive("rest_bias_gate", rest_bias_gate);
  non_negative("bias_motion_rate_ref", bias_motion_rate_ref);
  non_negative("rest_gate_recovery_time", rest_gate_recovery_time);
  positive("mag_bias_noise_factor", mag_bias_noise_factor);
  non_negative("rest_min_time", rest_min_time);
  non_negative("rest_filter_tau", rest_filter_tau);
  positive("rest_threshold_gyr", rest_threshold_gyr);
  positive("rest_threshold_acc", rest_threshold_acc);
  non_negative("mag_current_tau", mag_current_tau);
  positive("mag_ref_tau", mag_ref_tau);
  positive("mag_norm_threshold", mag_norm_threshold);
  positive("mag_dip_threshold", mag_dip_threshold);
  non_negative("mag_new_time", mag_new_time);
  non_negative("mag_new_first_time", mag_new_first_time);
  non_negative("mag_new_min_gyr", mag_new_min_gyr);
  non_negative("mag_min_undisturbed_time", mag_min_undisturbed_time);
  non_negative("mag_max_rejection_time", mag_max_rejection_time);
  if (!std::isfinite(mag_rejection_factor) || mag_rejection_factor < 1.0)
    fail("mag_rejection_factor", "must be finite and >= 1, got " + num(mag_rejection_factor));
  limits.validate();
}

RobustFilter::RobustFilter(const RobustFilterParams& params) : params_(params) {
  params_.validate();
  reset();
}

void RobustFilter::reset() noexcept {
  state_ = RobustFilterState{};
  state_.bias_p = Eigen::Matrix3d::Identity() * (params_.bias_sigma_init * params_.bias_sigma_init);
  state_.mag_reject_time = params_.mag_max_rejection_time;  // no accepted field yet: heading slowed, not frozen
}

void RobustFilter::set_bias(const Vec3& bias, double sigma) {
  if (!bias.allFinite()) kinemyo::detail::fail("bias", "must be finite");
  kinemyo::detail::require_positive_finite("sigma", sigma);
  state_.bias = bias;
  state_.bias_p = Eigen::Matrix3d::Identity() * (sigma * sigma);
}

Quaternion RobustFilter::quat_6d() const noexcept { return state_.acc_quat * state_.gyr_quat; }

Quaternion RobustFilter::quat_9d() const noexcept { return heading_rotation(state_.delta) * quat_6d(); }

double RobustFilter::bias_sigma() const noexcept {
  const auto& p = state_.bias_p;
  double bound = 0.0;
  for (int i = 0; i < 3; ++i) bound = std::max(bound, p.row(i).cwiseAbs().sum());
  return std::sqrt(bound);
}

void RobustFilter::update(double dt, const Vec3& gyr, const Vec3& acc) noexcept {
  update(dt, gyr, acc, Vec3::Constant(std::numeric_limits<double>::quiet_NaN()));
}

void RobustFilter::update(double dt, const Vec3& gyr, const Vec3& acc, const Vec3& mag) noexcept {
  const SensorLimits& lim = params_.limits;
  if (!detail::usable_step(dt, gyr, lim.gyr)) {
    ++state_.skipped;
    return;
  }
  state_.acc_dt += dt;
  state_.mag_dt += dt;
  if (state_.heading_rate_time >= 0.0) state_.heading_rate_time += dt;
  update_gyr(dt, gyr);
  if (present(acc)) {
    if (SensorLimits::within(acc, lim.acc))
      update_acc(gyr, acc);
    else
      ++state_.rejected;
  }
  if (present(mag)) {
    if (SensorLimits::within(mag, lim.mag))
      update_mag(mag);
    else
      ++state_.rejected;
  }
}

void RobustFilter::update_gyr(double dt, const Vec3& gyr) noexcept {
  auto& s = state_;
  if (params_.rest_bias_estimation || params_.motion_bias_estimation) {
    // Rest detection, gyroscope half: deviation from its low-pass, and a low-pass inside the bias range.
    rest_c_.update(params_.rest_filter_tau, dt);
    double lp[3];
    detail::lowpass(s.rest_gyr_lp, rest_c_, gyr.data(), lp);
    s.rest_gyr = Vec3(lp[0], lp[1], lp[2]);
    if ((gyr - s.rest_gyr).squaredNorm() >= params_.rest_threshold_gyr * params_.rest_threshold_gyr ||
        s.rest_gyr.cwiseAbs().maxCoeff() > params_.bias_clip) {
      s.rest_time = 0.0;
      s.rest = false;
    }
  }
  // Strapdown integration with the exact rotation over dt.
  const Vec3 w = gyr - s.bias;
  s.last_gyr_norm = w.norm();
  if (params_.bias_motion_rate_ref > 0.0) {  // first-order low-pass over tau_acc (exact for the time step)
    if (dt != motion_rate_dt_) {  // the gain is recomputed only when the time step changes, not per sample
      motion_rate_dt_ = dt;
      motion_rate_a_ = params_.tau_acc > 0.0 ? 1.0 - std::exp(-dt / params_.tau_acc) : 1.0;
    }
    s.motion_rate += motion_rate_a_ * (s.last_gyr_norm - s.motion_rate);
  }
  s.gyr_quat = detail::rotate_by_rate(s.gyr_quat, w, s.last_gyr_norm, dt);
}

void RobustFilter::update_acc(const Vec3& gyr, const Vec3& acc) noexcept {
  (void)gyr;
  auto& s = state_;
  const double dt = s.acc_dt;
  s.acc_dt = 0.0;
  const bool bias_est = params_.rest_bias_estimation || params_.motion_bias_estimation;
  if (bias_est) {
    // Rest detection, accelerometer half.
    rest_c_.update(params_.rest_filter_tau, dt);
    double lp[3];
    detail::lowpass(s.rest_acc_lp, rest_c_, acc.data(), lp);
    if ((acc - Vec3(lp[0], lp[1], lp[2])).squaredNorm() >= params_.rest_threshold_acc * params_.rest_threshold_acc) {
      s.rest_time = 0.0;
      s.rest = false;
    } else {
      s.rest_time += dt;
      if (s.rest_time >= params_.rest_min_time) s.rest = true;
    }
  }

  // Accelerometer in the almost-inertial frame, low-passed there, then in the inclination-corrected frame.
  acc_c_.update(params_.tau_acc, dt);
  const Vec3 acc_i = s.gyr_quat * acc;
  double lp[3];
  detail::lowpass(s.acc_lp, acc_c_, acc_i.data(), lp);
  Vec3 acc_e = s.acc_quat * Vec3(lp[0], lp[1], lp[2]);
  const double n = acc_e.norm();
  if (!(n > 0.0)) return;
  acc_e /= n;
  // Shortest rotation taking the measured vertical to +z, applied in full.
  const double qw = std::sqrt(std::max(0.0, (acc_e.z() + 1.0) * 0.5));
  Quaternion corr = qw > 1e-6 ? Quaternion(qw, 0.5 * acc_e.y() / qw, -0.5 * acc_e.x() / qw, 0.0)
                              : Quaternion(0.0, 1.0, 0.0, 0.0);
  s.acc_quat = corr * s.acc_quat;
  s.acc_quat.normalize();

  if (!bias_est) return;
  // Bias Kalman filter. Motion measurement: the inclination correction rate is the low-passed, earth-frame
  // effect of the bias error, so LP(R) b_true ~ [-a_y, a_x] / dt + LP(R b_hat) for its horizontal part.
  const Eigen::Matrix3d r = quat_6d().toRotationMatrix();
  Eigen::Matrix<double, 3, 3, Eigen::RowMajor> r_row = r;
  double r_lp[9];
  detail::lowpass(s.motion_r_lp, acc_c_, r_row.data(), r_lp);
  const Vec3 rb = r * s.bias;
  double rb_lp[3];
  detail::lowpass(s.motion_bias_lp, acc_c_, rb.data(), rb_lp);
  const Eigen::Map<const Eigen::Matrix<double, 3, 3, Eigen::RowMajor>> r_f(r_lp);

  if (dt != noise_dt_) {
    noise_ = bias_noise(params_, dt);
    noise_dt_ = dt;
  }
  const BiasNoise& noise = noise_;
  if (s.bias_p(0, 0) < params_.bias_sigma_init * params_.bias_sigma_init) s.bias_p.diagonal().array() += noise.v;

  Eigen::Matrix3d h;
  Vec3 e;
  Vec3 w;
  // Rest measurement, gated: a slow rotation (below the rest thresholds) must not be learnt as bias, so the
  // low-passed gyroscope has to agree with the estimate within rest_bias_gate standard deviations.
  const Vec3 rest_e = s.rest_gyr - s.bias;
  bool rest_ok = (rest_e.array().abs() <=
                  params_.rest_bias_gate * (s.bias_p.diagonal().array().sqrt() + params_.bias_sigma_rest))
                     .all();
  if (s.rest && params_.rest_bias_estimation && !rest_ok) {
    s.rest_refused_time += dt;
    if (params_.rest_gate_recovery_time > 0.0 && s.rest_refused_time >= params_.rest_gate_recovery_time) {
      // A long, steady rest that still disagrees: the estimate diverged; widen its covariance to the
      // disagreement so the rest measurement pulls it back.
      s.bias_p.diagonal() += rest_e.cwiseAbs2();
      rest_ok = true;
    }
  }
  if (!s.rest || rest_ok) s.rest_refused_time = 0.0;
  if (s.rest && params_.rest_bias_estimation && rest_ok) {
    h.setIdentity();
    e = rest_e;
    w.setConstant(noise.w_rest);
  } else if (s.rest && params_.rest_bias_estimation) {
    return;  // rest flagged but the gyroscope disagrees with the bias: neither measurement applies
  } else if (params_.motion_bias_estimation && s.acc_lp.time < 0.0) {
    // (Not during the accelerometer low-pass's initial averaging: corrections then are initial alignment.)
    h = r_f;
    const Vec3 hb = h * s.bias;
    e = Vec3(-acc_e.y() / dt + rb_lp[0] - hb.x(), acc_e.x() / dt + rb_lp[1] - hb.y(), -hb.z());
    w = Vec3(noise.w_motion, noise.w_motion, noise.w_vertical);
    if (params_.bias_motion_rate_ref > 0.0) {
      const double r = s.motion_rate / params_.bias_motion_rate_ref;
      w *= 1.0 + r * r;
    }
    // Vertical part from the magnetometer: with an undisturbed field tracked for tau_mag, the heading offset
    // moves against the 6D heading drift, so LP(R) b_true ~ -d(delta)/dt + LP(R b_hat) for the vertical too.
    if (params_.mag_bias_estimation && s.heading_rate_time >= 0.0 && s.heading_rate_time < 1.0 &&
        (!params_.mag_disturbance_rejection || s.mag_undisturbed_time >= params_.tau_mag)) {
      e.z() = -s.heading_rate + rb_lp[2] - hb.z();
      w.z() = noise.w_motion * params_.mag_bias_noise_factor;
    }
  } else {
    return;
  }
  e = e.cwiseMax(-params_.bias_clip).cwiseMin(params_.bias_clip);
  const Eigen::Matrix3d hp = h * s.bias_p;
  Eigen::Matrix3d innovation = hp * h.transpose();
  innovation.diagonal() += w;
  const Eigen::Matrix3d k = hp.transpose() * innovation.inverse();
  s.bias += k * e;
  s.bias_p -= k * hp;
  s.bias = s.bias.cwiseMax(-params_.bias_clip).cwiseMin(params_.bias_clip);
}

void RobustFilter::update_mag(const Vec3& mag) noexcept {
  auto& s = state_;
  const double dt = s.mag_dt;
  s.mag_dt = 0.0;
  const Vec3 m6 = quat_6d() * mag;
  if (dt != mag_gain_dt_) {  // first-order gains, recomputed only when the time step changes
    mag_gain_dt_ = dt;
    mag_k_ = params_.tau_mag > 0.0 ? 1.0 - std::exp(-dt / params_.tau_mag) : 1.0;
    mag_k_ref_ = 1.0 - std::exp(-dt / params_.mag_ref_tau);
  }
  double k = mag_k_;

  if (params_.mag_disturbance_rejection) {
    const double norm = m6.norm();
    double nd[2] = {norm, std::asin(std::clamp(m6.z() / norm, -1.0, 1.0))};
    mag_c_.update(params_.mag_current_tau, dt);
    detail::lowpass(s.mag_norm_dip_lp, mag_c_, nd, nd);
    const double k_ref = mag_k_ref_;
    const auto close = [&](double ref_norm, double ref_dip) {
      return std::abs(nd[0] - ref_norm) < params_.mag_norm_threshold * ref_norm &&
             std::abs(nd[1] - ref_dip) < params_.mag_dip_threshold;
    };
    if (s.mag_ref_norm > 0.0 && close(s.mag_ref_norm, s.mag_ref_dip)) {
      s.mag_undisturbed_time += dt;
      if (s.mag_undisturbed_time >= params_.mag_min_undisturbed_time) {
        s.mag_disturbed = false;
        s.mag_ref_norm += k_ref * (nd[0] - s.mag_ref_norm);
        s.mag_ref_dip += k_ref * (nd[1] - s.mag_ref_dip);
      }
    } else {
      s.mag_undisturbed_time = 0.0;
      s.mag_disturbed = true;
    }
    // A new homogeneous field: a candidate that stays within the thresholds while the sensor moves.
    if (s.mag_candidate_norm > 0.0 && close(s.mag_candidate_norm, s.mag_candidate_dip)) {
      s.mag_candidate_norm += k_ref * (nd[0] - s.mag_candidate_norm);
      s.mag_candidate_dip += k_ref * (nd[1] - s.mag_candidate_dip);
      // A new field counts only time in motion (at rest a disturbance cannot be told from a field); the first
      // field, with nothing to compare against, counts any time.
      if (s.mag_disturbed && (s.mag_ref_norm == 0.0 || s.last_gyr_norm >= params_.mag_new_min_gyr)) {
        s.mag_candidate_time += dt;
        const double needed = s.mag_ref_norm > 0.0 ? params_.mag_new_time : params_.mag_new_first_time;
        if (s.mag_candidate_time >= needed) {
          s.mag_ref_norm = s.mag_candidate_norm;
          s.mag_ref_dip = s.mag_candidate_dip;
          s.mag_disturbed = false;
          s.mag_undisturbed_time = params_.mag_min_undisturbed_time;
        }
      }
    } else {
      s.mag_candidate_norm = nd[0];
      s.mag_candidate_dip = nd[1];
      s.mag_candidate_time = 0.0;
    }
    if (s.mag_disturbed) {
      if (s.mag_reject_time <= params_.mag_max_rejection_time) {
        s.mag_reject_time += dt;
        k = 0.0;
      } else {
        k /= params_.mag_rejection_factor;
      }
    } else {
      s.mag_reject_time = std::max(s.mag_reject_time - dt * params_.mag_rejection_factor, 0.0);
    }
  }
  // Fast start: the first samples set the heading (gains 1, 1/2, 1/3, ...) until the regular gain takes over.
  if (s.mag_init_k > 0.0) {
    k = std::max(k, s.mag_init_k);
    s.mag_init_k = s.mag_init_k / (s.mag_init_k + 1.0);
    if (s.mag_init_k * params_.tau_mag < dt) s.mag_init_k = 0.0;
  }
  const double disagreement = wrap_pi(std::atan2(m6.x(), m6.y()) - s.delta);
  s.delta = wrap_pi(s.delta + k * disagreement);
  // Heading-offset rate for the vertical bias, low-passed like the accelerometer; only regular updates count.
  if (k > 0.0 && k <= mag_k_ && !s.mag_disturbed) {
    const double rate = k * disagreement / dt;
    const double a = dt / (params_.tau_acc + dt);
    s.heading_rate = s.heading_rate_time < 0.0 ? rate : s.heading_rate + a * (rate - s.heading_rate);
    s.heading_rate_time = 0.0;
  }
}

}  // namespace kinemyo::imu
