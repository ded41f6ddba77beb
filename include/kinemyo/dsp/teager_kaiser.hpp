#pragma once
// Teager-Kaiser energy operator psi[n] = x[n]^2 - x[n-1] x[n+1] (Kaiser, ICASSP 1990), used to condition EMG
// for onset detection (Li, Zhou & Aruin 2007; Solnik et al. 2010). Samples outside the signal count as zero.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "kinemyo/dsp/non_finite.hpp"

namespace kinemyo::dsp {

/// Batch operator into y (size of x, interleaved frames x channels; y may be x). Rejects non-finite input.
template <class T>
void teager_kaiser(std::span<const T> x, std::span<T> y, std::size_t n_channels);

/// Streaming operator: psi[n] needs x[n+1], so the output lags the input by exactly one sample
/// (latency_samples() == 1): the value written for input frame n is psi[n-1], and psi[-1] = 0 for the first frame.
class TeagerKaiser {
 public:
  explicit TeagerKaiser(std::size_t n_channels, InputPolicy policy = {});
  void process_frame(const float* in, float* out) noexcept;
  void process_frame(const double* in, double* out) noexcept;
  void process_interleaved(const float* in, float* out, std::size_t n_frames) noexcept;
  void process_interleaved(const double* in, double* out, std::size_t n_frames) noexcept;
  void reset() noexcept;
  [[nodiscard]] static constexpr std::size_t latency_samples() noexcept { return 1; }
  [[nodiscard]] std::size_t n_channels() const noexcept { return prev_.size(); }
  [[nodiscard]] std::uint64_t replaced_samples() const noexcept { return guard_.replaced(); }

 private:
  template <class T>
  void run(const T* in, T* out, std::size_t n_frames) noexcept;
  NonFiniteGuard guard_;
  std::vector<double> prev_, cur_;  ///< x[n-2], x[n-1] per channel
};

}  // namespace kinemyo::dsp
