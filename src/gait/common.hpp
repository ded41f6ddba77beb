#pragma once
// Private helpers shared by the gait sources.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace kinemyo::gait::detail {

// A duration in whole samples (negative durations count as 0); more than 2^40 samples is refused (an absurd fs
// would otherwise overflow the conversion or the allocation that follows).
inline std::size_t samples(double seconds, double fs) {
  const double n = std::max(0.0, seconds) * fs;
  if (!(n <= 1099511627776.0))
    throw std::invalid_argument("fs: " + std::to_string(fs) + " Hz makes a " + std::to_string(seconds) +
                                " s window too many samples (at most 2^40)");
  return static_cast<std::size_t>(std::llround(n));
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
