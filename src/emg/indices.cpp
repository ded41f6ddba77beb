#include "kinemyo/emg/indices.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "dsp/check.hpp"

namespace kinemyo::emg {
namespace {

void check_pair(std::span<const double> a, std::span<const double> b, const char* name_a = "a",
                const char* name_b = "b") {
  if (a.empty()) detail::fail(name_a, "must not be empty");
  if (a.size() != b.size())
    detail::fail(name_b, std::string("must have the length of ") + name_a + " (" + std::to_string(a.size()) +
                             "), got " + std::to_string(b.size()));
  for (const auto* v : {&a, &b}) {
    const char* name = v == &a ? name_a : name_b;
    for (std::size_t i = 0; i < v->size(); ++i)
      if (!std::isfinite((*v)[i]) || (*v)[i] < 0.0)
        detail::fail(name, "envelopes must be finite and >= 0; bad value at sample " + std::to_string(i));
  }
}

double ratio_unchecked(std::span<const double> a, std::span<const double> b) {
  double sa = 0.0, sb = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    sa += a[i];
    sb += b[i];
  }
  return sb == 0.0 ? std::numeric_limits<double>::quiet_NaN() : sa / sb;
}

double rudolph_unchecked(std::span<const double> a, std::span<const double> b) {
  double s = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double lo = std::min(a[i], b[i]), hi = std::max(a[i], b[i]);
    if (hi > 0.0) s += lo / hi * (lo + hi);
  }
  return s / static_cast<double>(a.size());
}

double winter_unchecked(std::span<const double> a, std::span<const double> b) {
  double common = 0.0, total = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    common += std::min(a[i], b[i]);
    total += a[i] + b[i];
  }
  return total == 0.0 ? std::numeric_limits<double>::quiet_NaN() : 200.0 * common / total;
}

double symmetry_unchecked(std::span<const double> left, std::span<const double> right) {
  double sl = 0.0, sr = 0.0;
  for (std::size_t i = 0; i < left.size(); ++i) {
    sl += left[i];
    sr += right[i];
  }
  return sl + sr == 0.0 ? std::numeric_limits<double>::quiet_NaN() : 100.0 * (sr - sl) / (0.5 * (sl + sr));
}

}  // namespace

double symmetry_index(std::span<const double> left, std::span<const double> right) {
  check_pair(left, right, "left", "right");
  const double s = symmetry_unchecked(left, right);
  if (std::isnan(s)) throw std::domain_error("left: both envelopes are 0, the symmetry index is undefined");
  return s;
}

double flexion_relaxation_ratio(std::span<const double> envelope, double fs, double flexion_start_s,
                                double flexion_end_s, double full_flexion_start_s, double full_flexion_end_s,
                                double window_s) {
  if (envelope.empty()) detail::fail("envelope", "must not be empty");
  for (std::size_t i = 0; i < envelope.size(); ++i)
    if (!std::isfinite(envelope[i]) || envelope[i] < 0.0)
      detail::fail("envelope", "must be finite and >= 0; bad value at sample " + std::to_string(i));
  detail::require_positive_finite("fs", fs);
  detail::require_positive_finite("window_s", window_s);
  const double duration = static_cast<double>(envelope.size()) / fs;
  auto index = [&](const char* name, double t) {
    if (!std::isfinite(t) || t < 0.0 || t > duration)
      detail::fail(name, "must lie in [0, " + detail::num(duration) + "] s, got " + detail::num(t));
    return static_cast<std::size_t>(std::llround(t * fs));
  };
  const std::size_t f0 = index("flexion_start_s", flexion_start_s), f1 = index("flexion_end_s", flexion_end_s);
  const std::size_t r0 = index("full_flexion_start_s", full_flexion_start_s);
  const std::size_t r1 = index("full_flexion_end_s", full_flexion_end_s);
  const auto w = std::max<std::size_t>(1, static_cast<std::size_t>(std::llround(window_s * fs)));
  if (f1 < f0 + w) detail::fail("flexion_end_s", "the flexion phase must last at least window_s");
  if (r1 <= r0) detail::fail("full_flexion_end_s", "must be after full_flexion_start_s");
  double peak = 0.0, sum = 0.0;
  for (std::size_t k = f0; k < f0 + w; ++k) sum += envelope[k];
  peak = sum;
  for (std::size_t k = f0 + w; k < f1; ++k) {
    sum += envelope[k] - envelope[k - w];
    peak = std::max(peak, sum);
  }
  double rest = 0.0;
  for (std::size_t k = r0; k < r1; ++k) rest += envelope[k];
  rest /= static_cast<double>(r1 - r0);
  if (rest == 0.0) throw std::domain_error("full_flexion_start_s: the envelope is 0 in full flexion, the ratio is undefined");
  return peak / static_cast<double>(w) / rest;
}

double activation_ratio(std::span<const double> a, std::span<const double> b) {
  check_pair(a, b);
  const double r = ratio_unchecked(a, b);
  if (std::isnan(r)) throw std::domain_error("b: mean is 0, the ratio is undefined");
  return r;
}

double rudolph_cci(std::span<const double> a, std::span<const double> b) {
  check_pair(a, b);
  return rudolph_unchecked(a, b);
}

double falconer_winter_coi(std::span<const double> a, std::span<const double> b) {
  check_pair(a, b);
  const double c = winter_unchecked(a, b);
  if (std::isnan(c)) throw std::domain_error("a: both envelopes are 0, the co-contraction is undefined");
  return c;
}

std::vector<IndexRow> sliding_indices(std::span<const double> a, std::span<const double> b, double fs,
                                      double window_s, double step_s) {
  check_pair(a, b);
  detail::require_positive_finite("fs", fs);
  detail::require_positive_finite("window_s", window_s);
  detail::require_positive_finite("step_s", step_s);
  const auto w = static_cast<std::size_t>(std::llround(window_s * fs));
  const auto step = static_cast<std::size_t>(std::llround(step_s * fs));
  if (w < 1) detail::fail("window_s", "is shorter than one sample");
  if (step < 1) detail::fail("step_s", "is shorter than one sample");
  std::vector<IndexRow> rows;
  for (std::size_t start = 0; start + w <= a.size(); start += step) {
    const auto wa = a.subspan(start, w), wb = b.subspan(start, w);
    rows.push_back({static_cast<double>(start) / fs, static_cast<double>(start + w) / fs, ratio_unchecked(wa, wb),
                    rudolph_unchecked(wa, wb), winter_unchecked(wa, wb), symmetry_unchecked(wa, wb)});
  }
  return rows;
}

}  // namespace kinemyo::emg
