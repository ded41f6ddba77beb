#include "kinemyo/imu/batch.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <limits>
#include <string>

#include "dsp/check.hpp"
#include "imu/common.hpp"
#include "imu/lowpass.hpp"

namespace kinemyo::imu {
namespace {

using kinemyo::detail::fail;

void require_size(const char* name, std::span<const double> s, std::size_t n, std::size_t width) {
  if (!s.empty() && s.size() != n * width)
    fail(name, "must hold " + std::to_string(n) + " x " + std::to_string(width) + " values, got " +
                   std::to_string(s.size()));
}
template <class T>
void require_out(const char* name, std::span<T> s, std::size_t n, std::size_t width) {
  if (!s.empty() && s.size() != n * width)
    fail(name, "must hold " + std::to_string(n) + " x " + std::to_string(width) + " values, got " +
                   std::to_string(s.size()));
}

using detail::row;

// The offline heading estimate is kept continuous, so innovations can be any multiple of 2 pi away.
double wrap_pi(double a) { return std::remainder(a, 2.0 * std::numbers::pi); }

void check_outputs(const RobustOutput& out, std::size_t n) {
  require_out("quat_6d", out.quat_6d, n, 4);
  require_out("quat_9d", out.quat_9d, n, 4);
  require_out("bias", out.bias, n, 3);
  require_out("bias_sigma", out.bias_sigma, n, 1);
  require_out("delta", out.delta, n, 1);
  require_out("rest", out.rest, n, 1);
  require_out("mag_disturbed", out.mag_disturbed, n, 1);
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();


struct Run {
  std::vector<Vec3> bias;
  std::vector<Eigen::Matrix3d> p;
  // disturbed: flagged against an accepted field (not "none yet"); deviating: off it now (not the wait for clean
  // field after a deviation); ref_norm / ref_dip: the accepted field (norm 0: none yet)
  std::vector<std::uint8_t> rest, disturbed, deviating;
  std::vector<double> ref_norm, ref_dip;
};

// One causal pass; backward runs see the samples in reverse order with the gyroscope negated, so their bias
// estimate is negated back. Sample i covers t[i-1]..t[i] forward and t[i]..t[i+1] backward.
Run run(const ImuRecording& data, const std::vector<double>& dt, const RobustFilterParams& params, bool backward) {
  const std::size_t n = dt.size();
  Run r{std::vector<Vec3>(n),         std::vector<Eigen::Matrix3d>(n), std::vector<std::uint8_t>(n),
        std::vector<std::uint8_t>(n), std::vector<std::uint8_t>(n),      std::vector<double>(n),
        std::vector<double>(n)};
  RobustFilter f(params);
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = backward ? n - 1 - k : k;
    const double step = backward ? dt[std::min(i + 1, n - 1)] : dt[i];
    const double sign = backward ? -1.0 : 1.0;
    f.update(step, sign * row(data.gyr, i), row(data.acc, i), row(data.mag, i));
    r.bias[i] = sign * f.bias();
    r.p[i] = f.state().bias_p;
    r.rest[i] = f.rest();
    r.disturbed[i] = f.mag_disturbed() && f.state().mag_ref_norm > 0.0;
    r.deviating[i] = r.disturbed[i] && f.state().mag_undisturbed_time == 0.0;
    r.ref_norm[i] = f.state().mag_ref_norm;
    r.ref_dip[i] = f.state().mag_ref_dip;
  }
  return r;
}

// Heading offset: random-walk Kalman filter (steady gain dt / tau_mag) and RTS smoother over the samples in `use`;
// the innovation is wrapped, the estimate kept continuous. has_mag: some sample was used.
struct HeadingOffset {
  std::vector<double> delta;
  bool has_mag = false;
};
HeadingOffset smooth_heading_offset(const std::vector<double>& implied, const std::vector<std::uint8_t>& use,
                                    const std::vector<double>& dt, double tau_mag) {
  const std::size_t n = implied.size();
  std::vector<double> x_f(n), p_f(n), p_pred(n);
  double x = 0.0, p = 1e12;
  const double tau = tau_mag > 0.0 ? tau_mag : 1e-9;
  for (std::size_t i = 0; i < n; ++i) {
    p += (dt[i] / tau) * (dt[i] / tau);
    p_pred[i] = p;
    if (use[i]) {
      const double k = p / (p + 1.0);
      x += k * wrap_pi(implied[i] - x);
      p *= 1.0 - k;
    }
    x_f[i] = x;
    p_f[i] = p;
  }
  HeadingOffset h{std::vector<double>(n), p_f[n - 1] < 1e11};
  h.delta[n - 1] = x_f[n - 1];
  for (std::size_t k = n - 1; k-- > 0;) h.delta[k] = x_f[k] + p_f[k] / p_pred[k + 1] * (h.delta[k + 1] - x_f[k]);
  return h;
}

// Offline magnetic disturbance. First, either run's flag rejects a sample, each run's wait for clean field after a
// disturbance included: taking only what both flag, as offline VQF does, lets a magnet at either end of a
// recording through (the run that starts inside it accepts it as its field). The two runs wait on opposite sides
// of a disturbance, so this also rejects clean field on both sides of it (BROAD trial 26, a phone vibrating).
// Second, a sample rejected only for a wait, where both runs hold the same accepted field, is taken back when the
// heading it implies agrees with the heading offset smoothed over the first selection within 3 robust SDs of that
// selection's own residuals, and at most mag_dip_threshold (innovation gating). The wait cannot simply be dropped:
// inside a magnet on the sensor the field's norm and dip look right at moments as the sensor turns, and only the
// wait rejected those; their heading rarely agrees (a field sitting at the norm threshold, flagged on and off,
// does leak a little: tests/cpp/imu/test_orientation.cpp).
std::vector<std::uint8_t> offline_disturbance(const Run& fwd, const Run& bwd, const std::vector<double>& implied,
                                              const std::vector<double>& dt, const RobustFilterParams& params) {
  const std::size_t n = implied.size();
  std::vector<std::uint8_t> d(n), use(n);
  for (std::size_t i = 0; i < n; ++i) {
    d[i] = fwd.disturbed[i] || bwd.disturbed[i];
    use[i] = std::isfinite(implied[i]) && !d[i];
  }
  const HeadingOffset first = smooth_heading_offset(implied, use, dt, params.tau_mag);
  if (!first.has_mag) return d;
  std::vector<double> residual;
  for (std::size_t i = 0; i < n; ++i)
    if (use[i]) residual.push_back(std::abs(wrap_pi(implied[i] - first.delta[i])));
  auto mid = residual.begin() + static_cast<std::ptrdiff_t>(residual.size() / 2);
  std::nth_element(residual.begin(), mid, residual.end());
  // 3 SD, the SD from the median absolute residual; never wider than the dip test's own tolerance, so that where
  // the unflagged samples scatter widely (an undetected disturbance among them) nothing is taken back on their word
  const double gate = std::min(3.0 * 1.4826 * *mid, params.mag_dip_threshold);
  for (std::size_t i = 0; i < n; ++i) {
    if (!d[i] || !std::isfinite(implied[i]) || fwd.deviating[i] || bwd.deviating[i]) continue;
    const bool same_field = fwd.ref_norm[i] > 0.0 && bwd.ref_norm[i] > 0.0 &&
                            std::abs(fwd.ref_norm[i] - bwd.ref_norm[i]) < params.mag_norm_threshold * fwd.ref_norm[i] &&
                            std::abs(fwd.ref_dip[i] - bwd.ref_dip[i]) < params.mag_dip_threshold;
    if (same_field && std::abs(wrap_pi(implied[i] - first.delta[i])) <= gate) d[i] = 0;
  }
  return d;
}

// Zero-phase second-order Butterworth low-pass (forward then backward) of a vector series; rows with NaN are
// skipped (the output holds the previous value).
std::vector<Vec3> zero_phase_lowpass(const std::vector<Vec3>& x, const std::vector<double>& dt, double tau) {
  const std::size_t n = x.size();
  std::vector<Vec3> y(n, Vec3::Constant(kNaN));
  for (int pass = 0; pass < 2; ++pass) {
    LowPass2State<3> s;
    detail::LowPass2Coeffs c;
    Vec3 last = Vec3::Constant(kNaN);
    for (std::size_t k = 0; k < n; ++k) {
      const std::size_t i = pass == 0 ? k : n - 1 - k;
      const Vec3& in = pass == 0 ? x[i] : y[i];
      if (in.allFinite()) {
        c.update(tau, pass == 0 ? dt[i] : dt[std::min(i + 1, n - 1)]);
        detail::lowpass(s, c, in.data(), last.data());
      }
      y[i] = last;
    }
  }
  return y;
}

}  // namespace

std::vector<double> time_steps(const SampleTimes& times, std::size_t n) {
  const bool has_fs = times.fs != 0.0, has_t = !times.t.empty();
  if (has_fs == has_t) fail("fs", "give either a sampling rate fs or timestamps t (exactly one)");
  if (has_fs) {
    kinemyo::detail::require_positive_finite("fs", times.fs);
    if (!(1.0 / times.fs <= kMaxTimeStep))  // the filters would skip every sample as a dropout
      fail("fs", kinemyo::detail::num(times.fs) + " Hz is too low: its sample interval 1 / fs exceeds " +
                     kinemyo::detail::num(kMaxTimeStep) + " s");
    return std::vector<double>(n, 1.0 / times.fs);
  }
  if (times.t.size() != n)
    fail("t", "needs one timestamp per sample (" + std::to_string(n) + "), got " + std::to_string(times.t.size()));
  if (n < 2) fail("t", "at least two timestamps are needed to know the time step");
  std::vector<double> dt(n);
  for (std::size_t i = 1; i < n; ++i) {
    dt[i] = times.t[i] - times.t[i - 1];
    if (!std::isfinite(times.t[i]) || !std::isfinite(times.t[i - 1]) || !(dt[i] > 0.0))
      fail("t", "timestamps must be finite and strictly increasing; t[" + std::to_string(i) + "] = " +
                    kinemyo::detail::num(times.t[i]) + " after " + kinemyo::detail::num(times.t[i - 1]));
    if (dt[i] > kMaxTimeStep)
      fail("t", "a step of " + kinemyo::detail::num(dt[i]) + " s before t[" + std::to_string(i) +
                    "] is longer than " + kinemyo::detail::num(kMaxTimeStep) + " s; split the recording there");
  }
  dt[0] = dt[1];
  return dt;
}

std::size_t ImuRecording::n_samples() const {
  if (gyr.size() % 3 != 0) fail("gyr", "must have 3 columns");
  const std::size_t n = gyr.size() / 3;
  require_size("acc", acc, n, 3);
  if (acc.empty()) fail("acc", "is required");
  require_size("mag", mag, n, 3);
  return n;
}

void estimate_orientation(RobustFilter& filter, const ImuRecording& data, const SampleTimes& times,
                          const RobustOutput& out) {
  const std::size_t n = data.n_samples();
  const auto dt = time_steps(times, n);
  check_outputs(out, n);
  for (std::size_t i = 0; i < n; ++i) {
    filter.update(dt[i], row(data.gyr, i), row(data.acc, i), row(data.mag, i));
    if (!out.quat_6d.empty()) to_wxyz(filter.quat_6d(), &out.quat_6d[4 * i]);
    if (!out.quat_9d.empty()) to_wxyz(filter.quat_9d(), &out.quat_9d[4 * i]);
    if (!out.bias.empty())
      for (int k = 0; k < 3; ++k) out.bias[3 * i + k] = filter.bias()[k];
    if (!out.bias_sigma.empty()) out.bias_sigma[i] = filter.bias_sigma();
    if (!out.delta.empty()) out.delta[i] = filter.delta();
    if (!out.rest.empty()) out.rest[i] = filter.rest();
    if (!out.mag_disturbed.empty()) out.mag_disturbed[i] = filter.mag_disturbed();
  }
}

void estimate_orientation(MadgwickFilter& filter, const ImuRecording& data, const SampleTimes& times,
                          std::span<double> quat) {
  const std::size_t n = data.n_samples();
  const auto dt = time_steps(times, n);
  require_out("quat", quat, n, 4);
  for (std::size_t i = 0; i < n; ++i) {
    filter.update(dt[i], row(data.gyr, i), row(data.acc, i), row(data.mag, i));
    if (!quat.empty()) to_wxyz(filter.quat(), &quat[4 * i]);
  }
}

void estimate_orientation(MahonyFilter& filter, const ImuRecording& data, const SampleTimes& times,
                          std::span<double> quat, std::span<double> bias) {
  const std::size_t n = data.n_samples();
  const auto dt = time_steps(times, n);
  require_out("quat", quat, n, 4);
  require_out("bias", bias, n, 3);
  for (std::size_t i = 0; i < n; ++i) {
    filter.update(dt[i], row(data.gyr, i), row(data.acc, i), row(data.mag, i));
    if (!quat.empty()) to_wxyz(filter.quat(), &quat[4 * i]);
    if (!bias.empty())
      for (int k = 0; k < 3; ++k) bias[3 * i + k] = filter.bias()[k];
  }
}

void estimate_orientation_offline(const ImuRecording& data, const SampleTimes& times, const RobustFilterParams& params,
                                  const RobustOutput& out) {
  params.validate();
  const std::size_t n = data.n_samples();
  const auto dt = time_steps(times, n);
  check_outputs(out, n);
  const Run fwd = run(data, dt, params, false);
  const Run bwd = run(data, dt, params, true);

  // Bias: inverse-covariance fusion of the two runs.
  std::vector<Vec3> bias(n);
  std::vector<Eigen::Matrix3d> bias_p(n);
  for (std::size_t i = 0; i < n; ++i) {
    const Eigen::Matrix3d inf_f = fwd.p[i].inverse(), inf_b = bwd.p[i].inverse();
    bias_p[i] = (inf_f + inf_b).inverse();
    bias[i] = bias_p[i] * (inf_f * fwd.bias[i] + inf_b * bwd.bias[i]);
  }

  // Gyroscope strapdown with the fused bias; accelerometer in that frame, low-passed with zero phase.
  std::vector<Quaternion> q_gyr(n);
  std::vector<Vec3> acc_i(n);
  Quaternion q = Quaternion::Identity();
  for (std::size_t i = 0; i < n; ++i) {
    // the causal filter's sample rules (a 1e300 rad/s sample once made every later offline estimate NaN)
    const Vec3 g = row(data.gyr, i);
    if (detail::usable_step(dt[i], g, params.limits.gyr)) {
      const Vec3 w = g - bias[i];
      q = detail::rotate_by_rate(q, w, w.norm(), dt[i]);
    }
    q_gyr[i] = q;
    const Vec3 a = row(data.acc, i);
    acc_i[i] = detail::usable_vector(a, params.limits.acc) ? Vec3(q * a) : Vec3::Constant(kNaN);
  }
  const auto acc_lp = zero_phase_lowpass(acc_i, dt, params.tau_acc);

  // 6D: the inclination correction is carried from sample to sample, each step the shortest rotation taking the
  // smoothed vertical to +z (Laidig & Seel 2023, offline VQF). Recomputing the whole correction from the
  // almost-inertial vertical at each sample instead lets its heading part wander with the strapdown drift: 6D RMSE
  // 2.339 vs 2.308 deg on the BROAD trials, mostly trials 21 and 28 (bench/orientation_cv.py).
  std::vector<Quaternion> q6(n);
  Quaternion acc_quat = Quaternion::Identity();
  for (std::size_t i = 0; i < n; ++i) {
    if (acc_lp[i].allFinite() && acc_lp[i].norm() > 0.0)
      acc_quat = (Quaternion::FromTwoVectors(acc_quat * acc_lp[i], Vec3::UnitZ()) * acc_quat).normalized();
    q6[i] = (acc_quat * q_gyr[i]).normalized();
  }

  // Heading offset, from the heading each usable magnetometer sample implies in the 6D frame.
  std::vector<double> implied(n, kNaN);
  for (std::size_t i = 0; i < n; ++i) {
    const Vec3 m = row(data.mag, i);
    if (detail::usable_vector(m, params.limits.mag)) {
      const Vec3 m6 = q6[i] * m;
      implied[i] = std::atan2(m6.x(), m6.y());
    }
  }
  std::vector<std::uint8_t> disturbed(n, 0);
  if (params.mag_disturbance_rejection) disturbed = offline_disturbance(fwd, bwd, implied, dt, params);
  std::vector<std::uint8_t> use(n);
  for (std::size_t i = 0; i < n; ++i) use[i] = std::isfinite(implied[i]) && !disturbed[i];
  const HeadingOffset heading = smooth_heading_offset(implied, use, dt, params.tau_mag);
  const bool has_mag = heading.has_mag;
  const std::vector<double>& delta = heading.delta;

  for (std::size_t i = 0; i < n; ++i) {
    const double d = has_mag ? delta[i] : 0.0;
    if (!out.quat_6d.empty()) to_wxyz(q6[i], &out.quat_6d[4 * i]);
    if (!out.quat_9d.empty()) to_wxyz((heading_rotation(d) * q6[i]).normalized(), &out.quat_9d[4 * i]);
    if (!out.bias.empty())
      for (int k = 0; k < 3; ++k) out.bias[3 * i + k] = bias[i][k];
    if (!out.bias_sigma.empty()) {
      double bound = 0.0;
      for (int r = 0; r < 3; ++r) bound = std::max(bound, bias_p[i].row(r).cwiseAbs().sum());
      out.bias_sigma[i] = std::sqrt(bound);
    }
    if (!out.delta.empty()) out.delta[i] = wrap_pi(d);
    if (!out.rest.empty()) out.rest[i] = fwd.rest[i] && bwd.rest[i];
    if (!out.mag_disturbed.empty()) out.mag_disturbed[i] = disturbed[i];
  }
}

}  // namespace kinemyo::imu
