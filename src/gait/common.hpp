#pragma once
// Private helpers shared by the gait sources.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

namespace kinemyo::gait::detail {

// A duration in whole samples (negative durations count as 0).
inline std::size_t samples(double seconds, double fs) {
  return static_cast<std::size_t>(std::llround(std::max(0.0, seconds) * fs));
}

// Median of the finite values (the mean of the two middle ones for an even count); NaN when there is none.
inline double median(std::vector<double> v) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return !std::isfinite(x); }), v.end());
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  const std::size_t h = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(h), v.end());
  const double hi = v[h];
  if (v.size() % 2) return hi;
  return 0.5 * (hi + *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(h)));
}

}  // namespace kinemyo::gait::detail
