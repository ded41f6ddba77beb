#include "kinemyo/gait/synthetic.hpp"

#include <cmath>
#include <numbers>
#include <random>

#include "dsp/check.hpp"

namespace kinemyo::gait {
namespace {

// Sagittal rate at time t for a foot whose contacts are ic0 + k * stride, toe-offs ic + stance.
double foot_rate(double t, double ic0, double stance, double swing, double peak, double trough) {
  const double stride = stance + swing;
  double u = std::fmod(t - ic0, stride);
  if (u < 0.0) u += stride;
  const double pi = std::numbers::pi;
  if (u < stance) {
    const double s = u / stance;
    if (s < 0.15) return 0.4 * peak * std::pow(std::sin(pi * s / 0.15), 2);          // foot-flat bump
    if (s < 0.75) return 0.0;                                                       // mid-stance
    return peak * std::pow(std::sin(0.5 * pi * (s - 0.75) / 0.25), 2);               // push-off to toe-off
  }
  const double w = (u - stance) / swing;
  if (w < 0.15) return peak * std::cos(0.5 * pi * w / 0.15);                          // leaving the peak
  return -trough * std::sin(pi * (w - 0.15) / 0.85);                                  // swing, up-crossing at contact
}

}  // namespace

SyntheticGait synthesize_foot_gait(double fs, const SyntheticSide& left, const SyntheticSide& right,
                                   const SyntheticGaitOptions& o) {
  using kinemyo::detail::fail;
  kinemyo::detail::require_positive_finite("fs", fs);
  for (double v : {left.stance_time, left.swing_time, right.stance_time, right.swing_time, o.duration,
                   o.push_off_peak, o.swing_trough})
    if (!(v > 0.0) || !std::isfinite(v)) fail("options", "times, duration and amplitudes must be finite and > 0");
  const double stride = left.stance_time + left.swing_time;
  if (std::abs(stride - (right.stance_time + right.swing_time)) > 1e-9)
    fail("right", "stance + swing must equal the left side's stride (steady walking)");
  if (!(o.right_offset > 0.0 && o.right_offset < stride)) fail("right_offset", "must be inside (0, stride)");
  if (!(o.first_contact >= 0.0) || !(o.noise >= 0.0)) fail("options", "first_contact and noise must be >= 0");
  const auto n = static_cast<std::size_t>(std::floor(o.duration * fs));
  SyntheticGait g;
  g.left_gyr.assign(3 * n, 0.0);
  g.right_gyr.assign(3 * n, 0.0);
  std::mt19937_64 rng(o.seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  const double right0 = o.first_contact + o.right_offset - stride;  // a right contact before the first left one
  for (std::size_t i = 0; i < n; ++i) {
    const double t = static_cast<double>(i) / fs;
    g.left_gyr[3 * i + 1] = foot_rate(t, o.first_contact, left.stance_time, left.swing_time, o.push_off_peak, o.swing_trough);
    g.right_gyr[3 * i + 1] = foot_rate(t, right0, right.stance_time, right.swing_time, o.push_off_peak, o.swing_trough);
    if (o.noise > 0.0)
      for (int k = 0; k < 3; ++k) {
        g.left_gyr[3 * i + static_cast<std::size_t>(k)] += o.noise * normal(rng);
        g.right_gyr[3 * i + static_cast<std::size_t>(k)] += o.noise * normal(rng);
      }
  }
  const double end = static_cast<double>(n) / fs;
  for (double t = o.first_contact; t < end; t += stride) {
    g.left_ic.push_back(t);
    if (t + left.stance_time < end) g.left_tc.push_back(t + left.stance_time);
  }
  for (double t = right0; t < end; t += stride) {
    if (t >= 0.0) g.right_ic.push_back(t);
    if (t + right.stance_time >= 0.0 && t + right.stance_time < end) g.right_tc.push_back(t + right.stance_time);
  }
  return g;
}

}  // namespace kinemyo::gait
