#pragma once
// Moving-window mean, average rectified value (ARV) and root mean square over the last `window_length`
// samples, O(1) per sample. The window sum is carried in double-double arithmetic (error-free TwoSum updates,
// Knuth TAOCP vol. 2 sec. 4.2.2), so there is no running-sum drift: after 24 h at 2 kHz the result still equals
// the directly computed window statistic to ~1e-15 relative, whatever the signal did before. A second sum,
// restarted every W samples, replaces the running one at each ring wrap, so even the rounding left behind by a
// huge sample (up to max_abs) is gone 2 W samples after it: settling time 2 W samples.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "kinemyo/dsp/non_finite.hpp"

namespace kinemyo::dsp {

enum class WindowStatistic {
  mean,  ///< (1/W) sum x
  arv,   ///< (1/W) sum |x|
  rms,   ///< sqrt((1/W) sum x^2)
};

/// Causal window of W samples; samples before the first are zero, so the first W-1 outputs ramp up (the same as
/// scipy.signal.lfilter(np.ones(W) / W, 1, x) for the mean). Group delay (W - 1) / 2 samples.
class MovingWindow {
 public:
  MovingWindow(std::size_t window_length, std::size_t n_channels, WindowStatistic statistic,
               InputPolicy policy = {});

  void process_frame(const float* in, float* out) noexcept;
  void process_frame(const double* in, double* out) noexcept;
  /// Interleaved (frames x channels); `out` may equal `in`.
  void process_interleaved(const float* in, float* out, std::size_t n_frames) noexcept;
  void process_interleaved(const double* in, double* out, std::size_t n_frames) noexcept;
  void reset() noexcept;

  [[nodiscard]] std::size_t window_length() const noexcept { return window_; }
  [[nodiscard]] std::size_t n_channels() const noexcept { return n_channels_; }
  [[nodiscard]] WindowStatistic statistic() const noexcept { return statistic_; }
  [[nodiscard]] double latency_samples() const noexcept { return (static_cast<double>(window_) - 1.0) / 2.0; }
  [[nodiscard]] std::uint64_t replaced_samples() const noexcept { return guard_.replaced(); }

 private:
  template <class T>
  void run(const T* in, T* out, std::size_t n_frames) noexcept;

  std::size_t window_;
  std::size_t n_channels_;
  WindowStatistic statistic_;
  NonFiniteGuard guard_;
  std::vector<double> ring_;     ///< (window, channel) transformed samples
  std::vector<double> hi_, lo_;  ///< double-double window sum per channel
  std::vector<double> fresh_hi_, fresh_lo_;  ///< the same sum restarted at every ring wrap (see run())
  std::size_t pos_ = 0;
};

/// Batch form of MovingWindow (same definition, same numbers) into y (size of x; may be x). Rejects
/// non-finite input.
template <class T>
void moving_window(std::span<const T> x, std::span<T> y, std::size_t n_channels, std::size_t window_length,
                   WindowStatistic statistic);

}  // namespace kinemyo::dsp
