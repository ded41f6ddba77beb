#pragma once
// Argument checks shared by the implementation: every message names the offending parameter.

#include <cmath>
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

// Batch functions reject NaN/inf and name the first offending sample.
template <class T>
void require_finite_samples(const T* x, std::size_t size, std::size_t n_channels) {
  for (std::size_t i = 0; i < size; ++i) {
    if (!std::isfinite(x[i]))
      fail("x", "non-finite value at frame " + std::to_string(i / n_channels) + ", channel " +
                    std::to_string(i % n_channels));
  }
}

}  // namespace kinemyo::detail
