#include "kinemyo/dsp/sos_filter.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <type_traits>

#include "check.hpp"
#include "sos_kernel.hpp"

namespace kinemyo::dsp {
SosFilter::SosFilter(Sos sos, std::size_t n_channels, InputPolicy policy,
                     std::optional<std::size_t> rectify_after)
    : sos_(std::move(sos)),
      n_channels_(n_channels),
      n_sections_(sos_.size()),
      guard_((validate_sos(sos_), n_channels), policy) {
  if (rectify_after && *rectify_after >= n_sections_)
    detail::fail("rectify_after", "must be a section index < " + std::to_string(n_sections_) + ", got " +
                                      std::to_string(*rectify_after));
  rectify_after_ = rectify_after.value_or(n_sections_);
  // About 32 KiB of scratch: large enough to amortise the per-section loop, small enough for L1/L2.
  block_frames_ = std::clamp<std::size_t>(4096 / n_channels, 8, 1024);
  const auto choice = detail::select_sos_kernel();
  kernel_ = choice.run;
  kernel_name_ = choice.name;
  coeffs_.reserve(5 * n_sections_);
  for (const auto& c : sos_) coeffs_.insert(coeffs_.end(), {c[0], c[1], c[2], c[4], c[5]});
  z0_.assign(n_sections_ * n_channels_, 0.0);
  z1_.assign(n_sections_ * n_channels_, 0.0);
  work_.assign(block_frames_ * n_channels_, 0.0);
}

template <class T>
void SosFilter::run_interleaved(const T* in, T* out, std::size_t n_frames) noexcept {
  const std::size_t C = n_channels_;
  if constexpr (std::is_same_v<T, double>) {
    // Double data is filtered where it lies, block by block (no scratch copies; `out` may equal `in`).
    for (std::size_t done = 0; done < n_frames;) {
      const std::size_t n = std::min(block_frames_, n_frames - done);
      double* dst = out + done * C;
      if (dst != in + done * C) std::memmove(dst, in + done * C, n * C * sizeof(double));
      guard_.apply(dst, n);
      kernel_(coeffs_.data(), n_sections_, rectify_after_, z0_.data(), z1_.data(), dst, n, C);
      done += n;
    }
    return;
  }
  for (std::size_t done = 0; done < n_frames;) {
    const std::size_t n = std::min(block_frames_, n_frames - done);
    const T* src = in + done * C;
    for (std::size_t i = 0; i < n * C; ++i) work_[i] = static_cast<double>(src[i]);
    guard_.apply(work_.data(), n);
    kernel_(coeffs_.data(), n_sections_, rectify_after_, z0_.data(), z1_.data(), work_.data(), n, C);
    T* dst = out + done * C;
    for (std::size_t i = 0; i < n * C; ++i) dst[i] = static_cast<T>(work_[i]);
    done += n;
  }
}

template <class T>
void SosFilter::run_planar(const T* in, std::size_t in_stride, T* out, std::size_t out_stride,
                           std::size_t n_frames) noexcept {
  const std::size_t C = n_channels_;
  for (std::size_t done = 0; done < n_frames;) {
    const std::size_t n = std::min(block_frames_, n_frames - done);
    for (std::size_t c = 0; c < C; ++c) {
      const T* src = in + c * in_stride + done;
      for (std::size_t t = 0; t < n; ++t) work_[t * C + c] = static_cast<double>(src[t]);
    }
    guard_.apply(work_.data(), n);
    kernel_(coeffs_.data(), n_sections_, rectify_after_, z0_.data(), z1_.data(), work_.data(), n, C);
    for (std::size_t c = 0; c < C; ++c) {
      T* dst = out + c * out_stride + done;
      for (std::size_t t = 0; t < n; ++t) dst[t] = static_cast<T>(work_[t * C + c]);
    }
    done += n;
  }
}

void SosFilter::process_frame(const float* in, float* out) noexcept { run_interleaved(in, out, 1); }
void SosFilter::process_frame(const double* in, double* out) noexcept { run_interleaved(in, out, 1); }
void SosFilter::process_interleaved(const float* in, float* out, std::size_t n) noexcept {
  run_interleaved(in, out, n);
}
void SosFilter::process_interleaved(const double* in, double* out, std::size_t n) noexcept {
  run_interleaved(in, out, n);
}
void SosFilter::process_planar(const float* in, std::size_t is, float* out, std::size_t os, std::size_t n) noexcept {
  run_planar(in, is, out, os, n);
}
void SosFilter::process_planar(const double* in, std::size_t is, double* out, std::size_t os,
                               std::size_t n) noexcept {
  run_planar(in, is, out, os, n);
}

void SosFilter::reset() noexcept {
  std::fill(z0_.begin(), z0_.end(), 0.0);
  std::fill(z1_.begin(), z1_.end(), 0.0);
  guard_.reset();
}

void SosFilter::reset_steady_state(std::span<const double> level) {
  if (level.size() != n_channels_)
    detail::fail("level", "needs one value per channel (" + std::to_string(n_channels_) + "), got " +
                              std::to_string(level.size()));
  for (double v : level)
    if (!std::isfinite(v)) detail::fail("level", "must be finite");
  const auto zi = sosfilt_zi(sos_);
  for (std::size_t s = 0; s < n_sections_; ++s)
    for (std::size_t c = 0; c < n_channels_; ++c) {
      z0_[s * n_channels_ + c] = zi[s][0] * level[c];
      z1_[s * n_channels_ + c] = zi[s][1] * level[c];
    }
  guard_.reset(level);
}

void SosFilter::reset_steady_state(double level) {
  const std::vector<double> levels(n_channels_, level);
  reset_steady_state(levels);
}

std::vector<double> SosFilter::state() const {
  std::vector<double> out(n_sections_ * n_channels_ * 2);
  for (std::size_t i = 0; i < n_sections_ * n_channels_; ++i) {
    out[2 * i] = z0_[i];
    out[2 * i + 1] = z1_[i];
  }
  return out;
}

void SosFilter::set_state(std::span<const double> state) {
  if (state.size() != n_sections_ * n_channels_ * 2)
    detail::fail("state", "needs n_sections * n_channels * 2 = " + std::to_string(n_sections_ * n_channels_ * 2) +
                              " values, got " + std::to_string(state.size()));
  for (double v : state)
    if (!std::isfinite(v)) detail::fail("state", "must be finite");
  for (std::size_t i = 0; i < n_sections_ * n_channels_; ++i) {
    z0_[i] = state[2 * i];
    z1_[i] = state[2 * i + 1];
  }
}

}  // namespace kinemyo::dsp
