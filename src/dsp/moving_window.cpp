#include "kinemyo/dsp/moving_window.hpp"

#include <algorithm>
#include <cmath>

#include "check.hpp"

namespace kinemyo::dsp {
namespace {

// Adds v to the unevaluated sum hi + lo exactly up to one rounding of the low part (TwoSum, Knuth).
inline void dd_add(double& hi, double& lo, double v) noexcept {
  const double s = hi + v;
  const double bp = s - hi;
  const double err = (hi - (s - bp)) + (v - bp);
  const double l = lo + err;
  hi = s + l;
  lo = l - (hi - s);
}

}  // namespace

MovingWindow::MovingWindow(std::size_t window_length, std::size_t n_channels, WindowStatistic statistic,
                           InputPolicy policy)
    : window_(window_length), n_channels_(n_channels), statistic_(statistic), guard_(n_channels, policy) {
  detail::require_positive_count("window_length", window_length);
  if (statistic != WindowStatistic::mean && statistic != WindowStatistic::arv && statistic != WindowStatistic::rms)
    detail::fail("statistic", "unknown WindowStatistic value");
  ring_.assign(window_ * n_channels_, 0.0);
  hi_.assign(n_channels_, 0.0);
  lo_.assign(n_channels_, 0.0);
  fresh_hi_.assign(n_channels_, 0.0);
  fresh_lo_.assign(n_channels_, 0.0);
}

template <class T>
void MovingWindow::run(const T* in, T* out, std::size_t n_frames) noexcept {
  const std::size_t C = n_channels_;
  const double inv_w = 1.0 / static_cast<double>(window_);
  for (std::size_t t = 0; t < n_frames; ++t) {
    double* slot = ring_.data() + pos_ * C;
    const bool window_complete = pos_ + 1 == window_;
    for (std::size_t c = 0; c < C; ++c) {
      double v = guard_(static_cast<double>(in[t * C + c]), c);
      if (statistic_ == WindowStatistic::arv) v = std::abs(v);
      if (statistic_ == WindowStatistic::rms) v = v * v;
      dd_add(hi_[c], lo_[c], v);
      dd_add(hi_[c], lo_[c], -slot[c]);
      slot[c] = v;
      // A second sum restarted every W samples replaces the running one when it covers the whole window: the
      // rounding left by a huge sample that has since left the window (1e24 + x - 1e24) is gone after 2 W samples.
      dd_add(fresh_hi_[c], fresh_lo_[c], v);
      if (window_complete) {
        hi_[c] = fresh_hi_[c];
        lo_[c] = fresh_lo_[c];
        fresh_hi_[c] = fresh_lo_[c] = 0.0;
      }
      const double mean = (hi_[c] + lo_[c]) * inv_w;
      out[t * C + c] = static_cast<T>(statistic_ == WindowStatistic::rms ? std::sqrt(std::max(mean, 0.0)) : mean);
    }
    pos_ = pos_ + 1 == window_ ? 0 : pos_ + 1;
  }
}

void MovingWindow::process_frame(const float* in, float* out) noexcept { run(in, out, 1); }
void MovingWindow::process_frame(const double* in, double* out) noexcept { run(in, out, 1); }
void MovingWindow::process_interleaved(const float* in, float* out, std::size_t n) noexcept { run(in, out, n); }
void MovingWindow::process_interleaved(const double* in, double* out, std::size_t n) noexcept { run(in, out, n); }

void MovingWindow::reset() noexcept {
  std::fill(ring_.begin(), ring_.end(), 0.0);
  std::fill(hi_.begin(), hi_.end(), 0.0);
  std::fill(lo_.begin(), lo_.end(), 0.0);
  std::fill(fresh_hi_.begin(), fresh_hi_.end(), 0.0);
  std::fill(fresh_lo_.begin(), fresh_lo_.end(), 0.0);
  pos_ = 0;
  guard_.reset();
}

template <class T>
void moving_window(std::span<const T> x, std::span<T> y, std::size_t n_channels, std::size_t window_length,
                   WindowStatistic statistic) {
  const std::size_t n = detail::frames_of(x.size(), n_channels);
  detail::require_output_size(x.size(), y.size());
  detail::require_finite_samples(x.data(), x.size(), n_channels);
  MovingWindow w(window_length, n_channels, statistic, NonFinitePolicy::propagate);
  w.process_interleaved(x.data(), y.data(), n);
}

template void moving_window(std::span<const float>, std::span<float>, std::size_t, std::size_t, WindowStatistic);
template void moving_window(std::span<const double>, std::span<double>, std::size_t, std::size_t,
                            WindowStatistic);

}  // namespace kinemyo::dsp
