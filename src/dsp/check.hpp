#pragma once
// Argument checks shared by the implementation: every message names the offending parameter.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <cstddef>
#include <stdexcept>
#include <string>

namespace kinemyo::detail {

[[noreturn]] inline void fail(const std::string& parameter, const std::string& what) {
  throw std::invalid_argument(parameter + ": " + what);
}

inline std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

inline void require_positive_finite(const char* parameter, double v) {
  if (!std::isfinite(v) || v <= 0.0) fail(parameter, "must be finite and > 0, got " + num(v));
}

inline void require_positive_count(const char* parameter, std::size_t v) {
  if (v == 0) fail(parameter, "must be >= 1");
}

// Interleaved (frames x channels) buffers must hold a whole number of frames.
inline std::size_t frames_of(std::size_t size, std::size_t n_channels) {
  require_positive_count("n_channels", n_channels);
  if (size % n_channels != 0)
    fail("x", "size " + std::to_string(size) + " is not a multiple of n_channels = " + std::to_string(n_channels));
  return size / n_channels;
}

// Batch outputs shaped like their input.
inline void require_output_size(std::size_t x_size, std::size_t y_size) {
  if (x_size != y_size)
    fail("y", "must have the size of x (" + std::to_string(x_size) + "), got " + std::to_string(y_size));
}

// Batch functions reject NaN/inf and name the parameter and the first offending sample. The scan is branch-free per
// chunk (it vectorises); the exact location is searched only once a chunk fails.
template <class T>
void require_finite_samples(const T* x, std::size_t size, std::size_t n_channels, const char* parameter = "x") {
  constexpr std::size_t chunk = 4096;
  const T limit = std::numeric_limits<T>::max();
  for (std::size_t start = 0; start < size; start += chunk) {
    const std::size_t stop = std::min(size, start + chunk);
    bool finite = true;
    for (std::size_t i = start; i < stop; ++i) finite &= std::abs(x[i]) <= limit;
    if (finite) continue;
    for (std::size_t i = start; i < stop; ++i)
      if (!std::isfinite(x[i]))
        fail(parameter, "non-finite value at frame " + std::to_string(i / n_channels) + ", channel " +
                      std::to_string(i % n_channels));
  }
}

}  // namespace kinemyo::detail
