#include "kinemyo/dsp/sos_filter.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "check.hpp"
#include "simd.hpp"

namespace kinemyo::dsp {
namespace {

// Runs every section over a block held frame-major in `work` (n_frames x n_channels), in place. Section by
// section keeps one section's coefficients in registers and vectorises across channels; each sample still
// sees exactly the operations of scipy's sosfilt loop, in the same order.
KINEMYO_HOT void run_sections(const double* coeffs, std::size_t n_sections, double* z0, double* z1,
                              double* work, std::size_t n_frames, std::size_t n_channels) noexcept {
  for (std::size_t s = 0; s < n_sections; ++s) {
    const double b0 = coeffs[5 * s], b1 = coeffs[5 * s + 1], b2 = coeffs[5 * s + 2];
    const double a1 = coeffs[5 * s + 3], a2 = coeffs[5 * s + 4];
    double* __restrict s0 = z0 + s * n_channels;
    double* __restrict s1 = z1 + s * n_channels;
    if (n_channels == 1) {  // keep the state in registers for the latency-bound single-channel case
      double r0 = s0[0], r1 = s1[0];
      for (std::size_t t = 0; t < n_frames; ++t) {
        const double xi = work[t];
        const double y = b0 * xi + r0;
        r0 = b1 * xi - a1 * y + r1;
        r1 = b2 * xi - a2 * y;
        work[t] = y;
      }
      s0[0] = r0;
      s1[0] = r1;
      continue;
    }
    for (std::size_t t = 0; t < n_frames; ++t) {
      double* __restrict x = work + t * n_channels;
      for (std::size_t c = 0; c < n_channels; ++c) {
        const double xi = x[c];
        const double y = b0 * xi + s0[c];
        s0[c] = b1 * xi - a1 * y + s1[c];
        s1[c] = b2 * xi - a2 * y;
        x[c] = y;
      }
    }
  }
}

}  // namespace

SosFilter::SosFilter(Sos sos, std::size_t n_channels, NonFinitePolicy policy)
    : sos_(std::move(sos)),
      n_channels_(n_channels),
      n_sections_(sos_.size()),
      guard_((validate_sos(sos_), n_channels), policy) {
  // About 32 KiB of scratch: large enough to amortise the per-section loop, small enough for L1/L2.
  block_frames_ = std::clamp<std::size_t>(4096 / n_channels, 8, 1024);
  coeffs_.reserve(5 * n_sections_);
  for (const auto& c : sos_) coeffs_.insert(coeffs_.end(), {c[0], c[1], c[2], c[4], c[5]});
  z0_.assign(n_sections_ * n_channels_, 0.0);
  z1_.assign(n_sections_ * n_channels_, 0.0);
  work_.assign(block_frames_ * n_channels_, 0.0);
}

template <class T>
void SosFilter::run_interleaved(const T* in, T* out, std::size_t n_frames) noexcept {
  const std::size_t C = n_channels_;
  for (std::size_t done = 0; done < n_frames;) {
    const std::size_t n = std::min(block_frames_, n_frames - done);
    const T* src = in + done * C;
    for (std::size_t t = 0; t < n; ++t)
      for (std::size_t c = 0; c < C; ++c) work_[t * C + c] = guard_(static_cast<double>(src[t * C + c]), c);
    run_sections(coeffs_.data(), n_sections_, z0_.data(), z1_.data(), work_.data(), n, C);
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
      for (std::size_t t = 0; t < n; ++t) work_[t * C + c] = guard_(static_cast<double>(src[t]), c);
    }
    run_sections(coeffs_.data(), n_sections_, z0_.data(), z1_.data(), work_.data(), n, C);
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
