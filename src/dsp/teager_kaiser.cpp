#include "kinemyo/dsp/teager_kaiser.hpp"

#include <algorithm>

#include "check.hpp"

namespace kinemyo::dsp {

template <class T>
void teager_kaiser(std::span<const T> x, std::span<T> y, std::size_t n_channels) {
  const std::size_t n = detail::frames_of(x.size(), n_channels);
  detail::require_output_size(x.size(), y.size());
  detail::require_finite_samples(x.data(), x.size(), n_channels);
  const std::size_t C = n_channels;
  for (std::size_t c = 0; c < C; ++c) {
    // x[t+1] is read before y[t] is written, so y may alias x.
    double before = 0.0, v = static_cast<double>(x[c]);
    for (std::size_t t = 0; t < n; ++t) {
      const double after = t + 1 < n ? static_cast<double>(x[(t + 1) * C + c]) : 0.0;
      y[t * C + c] = static_cast<T>(v * v - before * after);
      before = v;
      v = after;
    }
  }
}

template void teager_kaiser(std::span<const float>, std::span<float>, std::size_t);
template void teager_kaiser(std::span<const double>, std::span<double>, std::size_t);

TeagerKaiser::TeagerKaiser(std::size_t n_channels, InputPolicy policy)
    : guard_(n_channels, policy), prev_(n_channels, 0.0), cur_(n_channels, 0.0) {}

template <class T>
void TeagerKaiser::run(const T* in, T* out, std::size_t n_frames) noexcept {
  const std::size_t C = prev_.size();
  for (std::size_t t = 0; t < n_frames; ++t)
    for (std::size_t c = 0; c < C; ++c) {
      const double next = guard_(static_cast<double>(in[t * C + c]), c);
      out[t * C + c] = static_cast<T>(cur_[c] * cur_[c] - prev_[c] * next);
      prev_[c] = cur_[c];
      cur_[c] = next;
    }
}

void TeagerKaiser::process_frame(const float* in, float* out) noexcept { run(in, out, 1); }
void TeagerKaiser::process_frame(const double* in, double* out) noexcept { run(in, out, 1); }
void TeagerKaiser::process_interleaved(const float* in, float* out, std::size_t n) noexcept { run(in, out, n); }
void TeagerKaiser::process_interleaved(const double* in, double* out, std::size_t n) noexcept { run(in, out, n); }

void TeagerKaiser::reset() noexcept {
  std::fill(prev_.begin(), prev_.end(), 0.0);
  std::fill(cur_.begin(), cur_.end(), 0.0);
  guard_.reset();
}

}  // namespace kinemyo::dsp
