#pragma once
// How streaming objects keep one bad sample (NaN, inf, a dropout marker) from poisoning their state.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace kinemyo::dsp {

enum class NonFinitePolicy {
  hold_last,  // replace the sample with the channel's last finite input (0 before any) and count it
  zero,       // replace the sample with 0 and count it
  propagate,  // pass it through: the state becomes non-finite until reset() (for diagnostics only)
};

// Per-channel gate applied to every input sample before it reaches a filter state.
class NonFiniteGuard {
 public:
  NonFiniteGuard(std::size_t n_channels, NonFinitePolicy policy);

  double operator()(double v, std::size_t channel) noexcept {
    if (std::isfinite(v)) {
      last_[channel] = v;
      return v;
    }
    if (policy_ == NonFinitePolicy::propagate) return v;
    ++replaced_;
    return policy_ == NonFinitePolicy::zero ? 0.0 : last_[channel];
  }

  // The same policy over a frame-major block (n_frames x n_channels) in place; one branch-free pass when every
  // sample is finite, which is the common case.
  void apply(double* block, std::size_t n_frames) noexcept;

  // Forget the last finite inputs (they become `level`, 0 by default) and zero the counter.
  void reset() noexcept;
  void reset(std::span<const double> level) noexcept;

  [[nodiscard]] NonFinitePolicy policy() const noexcept { return policy_; }
  [[nodiscard]] std::uint64_t replaced() const noexcept { return replaced_; }

 private:
  std::vector<double> last_;
  NonFinitePolicy policy_;
  std::uint64_t replaced_ = 0;
};

}  // namespace kinemyo::dsp
