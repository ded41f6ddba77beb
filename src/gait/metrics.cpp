#include "kinemyo/gait/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <numbers>
#include <random>
#include <string>

#include "dsp/check.hpp"

namespace kinemyo::gait {
namespace {

using kinemyo::detail::fail;
using kinemyo::detail::require_positive_finite;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<double> finite(std::span<const double> v) {
  std::vector<double> out;
  for (double x : v)
    if (std::isfinite(x)) out.push_back(x);
  return out;
}

double aggregate(std::vector<double> v, Aggregation a) {
  if (v.empty()) return kNaN;
  if (a == Aggregation::mean) {
    double s = 0.0;
    for (double x : v) s += x;
    return s / static_cast<double>(v.size());
  }
  std::sort(v.begin(), v.end());
  const std::size_t h = v.size() / 2;
  return v.size() % 2 ? v[h] : 0.5 * (v[h - 1] + v[h]);
}

double mean_of(std::span<const double> v) {
  double s = 0.0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

double sd_of(std::span<const double> v) {
  if (v.size() < 2) return kNaN;
  const double m = mean_of(v);
  double ss = 0.0;
  for (double x : v) ss += (x - m) * (x - m);
  return std::sqrt(ss / static_cast<double>(v.size() - 1));
}

double percentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

std::vector<double> harmonic_amplitudes(std::span<const double> x, std::size_t harmonics) {
  const std::size_t n = x.size();
  if (harmonics < 1) fail("harmonics", "must be >= 1");  // 0 gave 0 / 0
  if (n < 4) fail("stride", "needs at least 4 samples");
  kinemyo::detail::require_finite_samples(x.data(), n, 1, "stride");
  const std::size_t kmax = std::min(harmonics, (n - 1) / 2);
  std::vector<double> a(kmax + 1, 0.0);
  for (std::size_t k = 1; k <= kmax; ++k) {
    std::complex<double> s = 0.0;
    for (std::size_t i = 0; i < n; ++i)
      s += x[i] * std::polar(1.0, -2.0 * std::numbers::pi * static_cast<double>(k * i % n) / static_cast<double>(n));
    a[k] = std::abs(s);
  }
  return a;
}

// Normalised autocorrelation of the mean-removed signal up to max_lag; unbiased (1 / (N - m)) or biased (1 / N).
std::vector<double> autocorrelation(std::span<const double> x, std::size_t max_lag, bool unbiased) {
  const std::size_t n = x.size();
  const double m = mean_of(x);
  std::vector<double> c(n);
  for (std::size_t i = 0; i < n; ++i) c[i] = x[i] - m;
  double zero = 0.0;
  for (double v : c) zero += v * v;
  zero /= static_cast<double>(n);
  if (!(zero > 0.0)) fail("signal", "has no variance");
  std::vector<double> r(max_lag + 1);
  for (std::size_t lag = 0; lag <= max_lag; ++lag) {
    double s = 0.0;
    for (std::size_t i = 0; i + lag < n; ++i) s += c[i] * c[i + lag];
    r[lag] = s / static_cast<double>(unbiased ? n - lag : n) / zero;
  }
  return r;
}

std::size_t argmax_in(const std::vector<double>& r, double lo, double hi) {
  const auto a = static_cast<std::size_t>(std::max(1.0, std::floor(lo)));
  const auto b = std::min(r.size() - 1, static_cast<std::size_t>(std::ceil(hi)));
  if (b < a) fail("step_time", "lag window outside the signal");
  return static_cast<std::size_t>(std::max_element(r.begin() + static_cast<std::ptrdiff_t>(a), r.begin() + static_cast<std::ptrdiff_t>(b) + 1) - r.begin());
}

}  // namespace

double symmetry_index(double l, double r) { return 100.0 * (r - l) / (0.5 * (r + l)); }
double symmetry_index_max(double l, double r) { return 100.0 * (r - l) / std::max(l, r); }
double symmetry_ratio(double l, double r) { return l / r; }
double gait_asymmetry(double swing_l, double swing_r) {
  if (!(swing_l > 0.0) || !(swing_r > 0.0)) return kNaN;
  return 100.0 * std::abs(std::log(std::min(swing_l, swing_r) / std::max(swing_l, swing_r)));
}
double symmetry_angle(double l, double r) {
  if (!std::isfinite(l) || !std::isfinite(r) || (l == 0.0 && r == 0.0)) return kNaN;
  const double theta = r == 0.0 ? std::copysign(90.0, l) : std::atan(l / r) * 180.0 / std::numbers::pi;
  const double d = 45.0 - theta;
  return (d > 90.0 ? d - 180.0 : d) / 90.0 * 100.0;
}

IndexResult side_index(PairIndex index, std::span<const double> left_values, std::span<const double> right_values,
                       Aggregation aggregation, Side affected, std::size_t bootstrap, double confidence,
                       std::uint64_t seed) {
  if (!(confidence > 0.0 && confidence < 1.0)) fail("confidence", "must be in (0, 1)");
  // Bounded work: a percentile interval settles long before this many resamples (and a call cannot be interrupted).
  if (bootstrap > kMaxBootstrap)
    fail("bootstrap_samples", "at most " + std::to_string(kMaxBootstrap) + ", got " + std::to_string(bootstrap));
  auto lv = finite(left_values), rv = finite(right_values);
  const bool swap = affected == Side::left;  // the affected side takes the right's place: positive = affected larger
  const auto compute = [&](double l, double r) {
    if (swap) std::swap(l, r);
    switch (index) {
      case PairIndex::symmetry_index: return symmetry_index(l, r);
      case PairIndex::symmetry_index_max: return symmetry_index_max(l, r);
      case PairIndex::symmetry_ratio: return affected == Side::unknown ? symmetry_ratio(l, r) : symmetry_ratio(r, l);
      case PairIndex::gait_asymmetry: return gait_asymmetry(l, r);
      case PairIndex::symmetry_angle: return symmetry_angle(l, r);
      case PairIndex::absolute_difference: return std::abs(l - r);
    }
    return kNaN;
  };
  IndexResult out;
  out.n_left = lv.size();
  out.n_right = rv.size();
  out.left = aggregate(lv, aggregation);
  out.right = aggregate(rv, aggregation);
  out.value = lv.empty() || rv.empty() ? kNaN : compute(out.left, out.right);
  out.ci_low = out.ci_high = kNaN;
  if (bootstrap > 0 && !lv.empty() && !rv.empty()) {
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<std::size_t> pick_l(0, lv.size() - 1), pick_r(0, rv.size() - 1);
    std::vector<double> stats, bl(lv.size()), br(rv.size());
    for (std::size_t b = 0; b < bootstrap; ++b) {
      for (auto& x : bl) x = lv[pick_l(rng)];
      for (auto& x : br) x = rv[pick_r(rng)];
      const double v = compute(aggregate(bl, aggregation), aggregate(br, aggregation));
      if (std::isfinite(v)) stats.push_back(v);
    }
    if (!stats.empty()) {
      out.ci_low = percentile(stats, 0.5 * (1.0 - confidence));
      out.ci_high = percentile(stats, 1.0 - 0.5 * (1.0 - confidence));
    }
  }
  return out;
}

PhaseCoordination phase_coordination_index(std::span<const double> left, std::span<const double> right, Side reference) {
  if (reference == Side::unknown) fail("reference", "name the reference (long-swing) leg: left or right");
  const auto ref = finite(reference == Side::left ? left : right);
  auto other = finite(reference == Side::left ? right : left);
  std::sort(other.begin(), other.end());
  std::vector<double> phi;
  for (std::size_t i = 0; i + 1 < ref.size(); ++i) {
    const auto it = std::upper_bound(other.begin(), other.end(), ref[i]);
    if (it == other.end() || *it >= ref[i + 1]) continue;
    phi.push_back(360.0 * (*it - ref[i]) / (ref[i + 1] - ref[i]));
  }
  PhaseCoordination p;
  p.reference = reference;
  p.n = phi.size();
  if (phi.size() < 2) {
    p.pci = p.phi_cv = p.phi_abs = p.p_phi_abs = p.mean_phase = kNaN;
    return p;
  }
  p.mean_phase = mean_of(phi);
  p.phi_cv = 100.0 * sd_of(phi) / p.mean_phase;
  double abs_sum = 0.0;
  for (double v : phi) abs_sum += std::abs(v - 180.0);
  p.phi_abs = abs_sum / static_cast<double>(phi.size());
  p.p_phi_abs = 100.0 * p.phi_abs / 180.0;
  p.pci = p.phi_cv + p.p_phi_abs;
  return p;
}

double harmonic_ratio(std::span<const double> stride, Axis axis, std::size_t harmonics) {
  const auto a = harmonic_amplitudes(stride, harmonics);
  double even = 0.0, odd = 0.0;
  for (std::size_t k = 1; k < a.size(); ++k) (k % 2 ? odd : even) += a[k];
  return axis == Axis::mediolateral ? odd / even : even / odd;
}

double improved_harmonic_ratio(std::span<const double> stride, Axis axis, std::size_t harmonics) {
  const auto a = harmonic_amplitudes(stride, harmonics);
  double even = 0.0, odd = 0.0;
  for (std::size_t k = 1; k < a.size(); ++k) (k % 2 ? odd : even) += a[k] * a[k];
  return 100.0 * (axis == Axis::mediolateral ? odd : even) / (even + odd);
}

Regularity autocorrelation_regularity(std::span<const double> x, double fs, double step_time) {
  require_positive_finite("fs", fs);
  require_positive_finite("step_time", step_time);
  kinemyo::detail::require_finite_samples(x.data(), x.size(), 1, "signal");
  const double step = step_time * fs;
  const auto max_lag = static_cast<std::size_t>(std::ceil(1.4 * 2.0 * step));
  if (x.size() < 2 * max_lag) fail("signal", "too short: needs at least " + std::to_string(2 * max_lag) + " samples");
  const auto r = autocorrelation(x, max_lag, true);
  Regularity g;
  const std::size_t m1 = argmax_in(r, 0.6 * step, 1.4 * step), m2 = argmax_in(r, 1.2 * step, 2.8 * step);
  g.step_regularity = r[m1];
  g.stride_regularity = r[m2];
  g.step_symmetry = g.step_regularity / g.stride_regularity;
  g.regularity_index = 1.0 - 2.0 * std::abs(g.stride_regularity - g.step_regularity) / (g.step_regularity + g.stride_regularity);
  g.step_lag = static_cast<double>(m1) / fs;
  g.stride_lag = static_cast<double>(m2) / fs;
  return g;
}

double gait_symmetry_index(std::span<const double> acc, double fs, double step_time) {
  require_positive_finite("fs", fs);
  require_positive_finite("step_time", step_time);
  if (acc.size() % 3 != 0 || acc.empty()) fail("acc", "must be n x 3");
  const std::size_t n = acc.size() / 3;
  const double stride = 2.0 * step_time * fs;
  const auto max_lag = static_cast<std::size_t>(std::ceil(1.4 * stride));
  if (n < 2 * max_lag) fail("acc", "too short: needs at least " + std::to_string(2 * max_lag) + " samples");
  std::vector<double> c(max_lag + 1, 0.0), axis(n);
  for (int a = 0; a < 3; ++a) {
    for (std::size_t i = 0; i < n; ++i) axis[i] = acc[3 * i + static_cast<std::size_t>(a)];
    kinemyo::detail::require_finite_samples(axis.data(), n, 1, "acc");
    const auto r = autocorrelation(axis, max_lag, false);
    for (std::size_t m = 0; m <= max_lag; ++m) c[m] += r[m];
  }
  const std::size_t ms = argmax_in(c, 0.6 * stride, 1.4 * stride);
  const auto half = static_cast<std::size_t>(std::llround(0.5 * static_cast<double>(ms)));
  return std::sqrt(std::max(c[half], 0.0)) / std::sqrt(3.0);
}

double coefficient_of_variation(std::span<const double> values) {
  const auto v = finite(values);
  if (v.size() < 2) return kNaN;
  return 100.0 * sd_of(v) / mean_of(v);
}

double combined_sd(std::span<const double> left, std::span<const double> right) {
  const auto l = finite(left), r = finite(right);
  const double sl = sd_of(l), sr = sd_of(r);
  return std::sqrt(0.5 * (sl * sl + sr * sr));
}

}  // namespace kinemyo::gait
