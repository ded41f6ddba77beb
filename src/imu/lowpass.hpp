#pragma once
// Second-order Butterworth low-pass with a time constant, for the orientation filters (private).

#include <cmath>
#include <numbers>

#include "kinemyo/imu/robust_filter.hpp"

namespace kinemyo::imu::detail {

template <std::size_t N>
void set_steady(LowPass2State<N>& s, const LowPass2Coeffs& c, const double* y) noexcept {
  for (std::size_t i = 0; i < N; ++i) {
    s.z[i][1] = (c.b0 - c.a2) * y[i];
    s.z[i][0] = (2.0 * c.b0 - c.a1) * y[i] + s.z[i][1];
  }
}

// Filters x into y (may alias). During the first tau seconds the output is the running mean of the input, which
// then becomes the filter's steady state (no start-up transient from zero).
template <std::size_t N>
void lowpass(LowPass2State<N>& s, const LowPass2Coeffs& c, const double* x, double* y) noexcept {
  if (s.time >= 0.0) {
    ++s.count;
    for (std::size_t i = 0; i < N; ++i) {
      s.sum[i] += x[i];
      y[i] = s.sum[i] / static_cast<double>(s.count);
    }
    s.time += c.dt;
    if (s.time >= c.tau) {
      s.time = -1.0;
      set_steady(s, c, y);
    }
    return;
  }
  if (c.pass) {
    for (std::size_t i = 0; i < N; ++i) y[i] = x[i];
    set_steady(s, c, y);
    return;
  }
  for (std::size_t i = 0; i < N; ++i) {
    const double in = x[i];
    const double out = c.b0 * in + s.z[i][0];
    s.z[i][0] = 2.0 * c.b0 * in - c.a1 * out + s.z[i][1];
    s.z[i][1] = c.b0 * in - c.a2 * out;
    y[i] = out;
  }
}

}  // namespace kinemyo::imu::detail
