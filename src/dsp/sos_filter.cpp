#include "kinemyo/dsp/sos_filter.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "check.hpp"
#include "simd.hpp"

namespace kinemyo::dsp {
namespace {

// Four channels in one SIMD value (GCC/Clang vector extension: AVX2 in the avx2 clone, two SSE2 halves in the
// baseline clone). Lane-wise IEEE arithmetic, so each channel gets exactly the scalar result.
// (-Wpsabi: the baseline clone passes v4d by memory; every helper below is always inlined, so no ABI is involved.)
#pragma GCC diagnostic ignored "-Wpsabi"
typedef double v4d __attribute__((vector_size(32)));

[[gnu::always_inline]] inline v4d load4(const double* p) noexcept {
  v4d v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
[[gnu::always_inline]] inline void store4(double* p, v4d v) noexcept { std::memcpy(p, &v, sizeof v); }

// One section over a block for G groups of four adjacent channels, state held in registers. The G recursions
// are independent, which hides the arithmetic latency; the operations per sample are scipy's sosfilt loop:
//   y = b0 x + z0;  z0 = b1 x - a1 y + z1;  z1 = b2 x - a2 y.
template <int G>
[[gnu::always_inline]] inline void section_groups(const double* c, double* z0, double* z1, double* work, std::size_t n_frames,
                           std::size_t stride) noexcept {
  const v4d b0 = {c[0], c[0], c[0], c[0]}, b1 = {c[1], c[1], c[1], c[1]}, b2 = {c[2], c[2], c[2], c[2]};
  const v4d a1 = {c[3], c[3], c[3], c[3]}, a2 = {c[4], c[4], c[4], c[4]};
  v4d r0[G], r1[G];
  for (int g = 0; g < G; ++g) {
    r0[g] = load4(z0 + 4 * g);
    r1[g] = load4(z1 + 4 * g);
  }
  for (std::size_t t = 0; t < n_frames; ++t) {
    double* x = work + t * stride;
    for (int g = 0; g < G; ++g) {
      const v4d xi = load4(x + 4 * g);
      const v4d y = b0 * xi + r0[g];
      r0[g] = b1 * xi - a1 * y + r1[g];
      r1[g] = b2 * xi - a2 * y;
      store4(x + 4 * g, y);
    }
  }
  for (int g = 0; g < G; ++g) {
    store4(z0 + 4 * g, r0[g]);
    store4(z1 + 4 * g, r1[g]);
  }
}

// One section over a block for a single channel (the 1-3 channels left over after groups of four).
[[gnu::always_inline]] inline void section_single(const double* c, double* z0, double* z1, double* work, std::size_t n_frames,
                           std::size_t stride) noexcept {
  double r0 = *z0, r1 = *z1;
  for (std::size_t t = 0; t < n_frames; ++t) {
    const double xi = work[t * stride];
    const double y = c[0] * xi + r0;
    r0 = c[1] * xi - c[3] * y + r1;
    r1 = c[2] * xi - c[4] * y;
    work[t * stride] = y;
  }
  *z0 = r0;
  *z1 = r1;
}

// Runs every section over a block held frame-major in `work` (n_frames x n_channels), in place, section by
// section, channels in register-resident groups of 16, 12, 8, 4, then singly. The order of operations on each
// sample never depends on the block or group split, so output is bit-identical for any chunking.
KINEMYO_HOT void run_sections(const double* coeffs, std::size_t n_sections, double* z0, double* z1,
                              double* work, std::size_t n_frames, std::size_t n_channels) noexcept {
  for (std::size_t s = 0; s < n_sections; ++s) {
    const double* c = coeffs + 5 * s;
    double* s0 = z0 + s * n_channels;
    double* s1 = z1 + s * n_channels;
    std::size_t ch = 0;
    for (; ch + 16 <= n_channels; ch += 16) section_groups<4>(c, s0 + ch, s1 + ch, work + ch, n_frames, n_channels);
    switch ((n_channels - ch) / 4) {
      case 3: section_groups<3>(c, s0 + ch, s1 + ch, work + ch, n_frames, n_channels); ch += 12; break;
      case 2: section_groups<2>(c, s0 + ch, s1 + ch, work + ch, n_frames, n_channels); ch += 8; break;
      case 1: section_groups<1>(c, s0 + ch, s1 + ch, work + ch, n_frames, n_channels); ch += 4; break;
      default: break;
    }
    for (; ch < n_channels; ++ch) section_single(c, s0 + ch, s1 + ch, work + ch, n_frames, n_channels);
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
    for (std::size_t i = 0; i < n * C; ++i) work_[i] = static_cast<double>(src[i]);
    guard_.apply(work_.data(), n);
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
      for (std::size_t t = 0; t < n; ++t) work_[t * C + c] = static_cast<double>(src[t]);
    }
    guard_.apply(work_.data(), n);
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
