#include "kinemyo/dsp/batch_filter.hpp"

#include <algorithm>
#include <string>

#include "check.hpp"
#include "kinemyo/dsp/sos_filter.hpp"

namespace kinemyo::dsp {

template <class T>
void sosfilt(const Sos& sos, std::span<const T> x, std::span<T> y, std::size_t n_channels) {
  validate_sos(sos);
  const std::size_t n_frames = detail::frames_of(x.size(), n_channels);
  detail::require_output_size(x.size(), y.size());
  detail::require_finite_samples(x.data(), x.size(), n_channels);
  SosFilter filter(sos, n_channels, NonFinitePolicy::propagate);
  filter.process_interleaved(x.data(), y.data(), n_frames);
}

std::size_t sosfiltfilt_padlen(const Sos& sos) {
  validate_sos(sos);
  const auto b2_zero = std::count_if(sos.begin(), sos.end(), [](const Section& s) { return s[2] == 0.0; });
  const auto a2_zero = std::count_if(sos.begin(), sos.end(), [](const Section& s) { return s[5] == 0.0; });
  const std::size_t ntaps = 2 * sos.size() + 1 - static_cast<std::size_t>(std::min(b2_zero, a2_zero));
  return 3 * ntaps;
}

template <class T>
void sosfiltfilt(const Sos& sos, std::span<const T> x, std::span<T> y, std::size_t n_channels) {
  const std::size_t edge = sosfiltfilt_padlen(sos);
  const std::size_t n = detail::frames_of(x.size(), n_channels);
  detail::require_output_size(x.size(), y.size());
  const std::size_t C = n_channels;
  if (n <= edge)
    detail::fail("x", "needs more than padlen = " + std::to_string(edge) + " frames for this filter, got " +
                          std::to_string(n));
  detail::require_finite_samples(x.data(), x.size(), n_channels);

  // Odd extension: 2*x[0] - x[edge..1] before, 2*x[n-1] - x[n-2..n-1-edge] after.
  const std::size_t m = n + 2 * edge;
  std::vector<double> ext(m * C);
  for (std::size_t c = 0; c < C; ++c) {
    const double first = static_cast<double>(x[c]);
    const double last = static_cast<double>(x[(n - 1) * C + c]);
    for (std::size_t i = 0; i < edge; ++i) {
      ext[i * C + c] = 2.0 * first - static_cast<double>(x[(edge - i) * C + c]);
      ext[(edge + n + i) * C + c] = 2.0 * last - static_cast<double>(x[(n - 2 - i) * C + c]);
    }
    for (std::size_t t = 0; t < n; ++t) ext[(edge + t) * C + c] = static_cast<double>(x[t * C + c]);
    for (std::size_t i = 0; i < edge; ++i)
      if (!std::isfinite(ext[i * C + c]) || !std::isfinite(ext[(edge + n + i) * C + c]))
        detail::fail("x", "too large: the odd extension 2 * x[0] - x[k] overflows (channel " + std::to_string(c) + ")");
  }
  auto reverse_frames = [&](std::vector<double>& v) {
    for (std::size_t i = 0, j = m - 1; i < j; ++i, --j)
      std::swap_ranges(v.begin() + static_cast<long>(i * C), v.begin() + static_cast<long>((i + 1) * C),
                       v.begin() + static_cast<long>(j * C));
  };
  SosFilter filter(sos, C, NonFinitePolicy::propagate);
  // Each pass starts in the steady state for its first sample, which suppresses the start-up transient. The
  // forward pass starts from the extension, checked finite above; samples near DBL_MAX can overflow the forward
  // pass itself, refused here rather than as an invalid steady-state level of the backward pass.
  filter.reset_steady_state(std::span<const double>(ext.data(), C));
  filter.process_interleaved(ext.data(), ext.data(), m);
  reverse_frames(ext);
  for (std::size_t c = 0; c < C; ++c)
    if (!std::isfinite(ext[c])) detail::fail("x", "too large: the forward pass overflows (channel " + std::to_string(c) + ")");
  filter.reset_steady_state(std::span<const double>(ext.data(), C));
  filter.process_interleaved(ext.data(), ext.data(), m);
  reverse_frames(ext);
  for (std::size_t i = 0; i < n * C; ++i) y[i] = static_cast<T>(ext[edge * C + i]);
}

template void sosfilt(const Sos&, std::span<const float>, std::span<float>, std::size_t);
template void sosfilt(const Sos&, std::span<const double>, std::span<double>, std::size_t);
template void sosfiltfilt(const Sos&, std::span<const float>, std::span<float>, std::size_t);
template void sosfiltfilt(const Sos&, std::span<const double>, std::span<double>, std::size_t);

}  // namespace kinemyo::dsp
