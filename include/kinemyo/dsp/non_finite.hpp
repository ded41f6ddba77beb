#pragma once
// How streaming objects keep one bad sample (NaN, inf, a dropout marker, an impossible spike) from poisoning their
// state. A sample is invalid when it is not finite or its magnitude exceeds `max_abs`; invalid samples are handled
// by one policy and counted. The default bound, 1e12, is a thousand times any biosignal, force or motion value in
// the units in use (V, mV, uV, 24-bit ADC counts, N, m/s^2, rad/s) and far below where squares (moving RMS, Teager
// energy) or filter states overflow, so no finite sample can turn a state into inf or NaN.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace kinemyo::dsp {

enum class NonFinitePolicy {
  hold_last,  ///< replace the sample with the channel's last valid input (0 before any) and count it
  zero,       ///< replace the sample with 0 and count it
  propagate,  ///< pass it through: the state becomes non-finite until reset() (for diagnostics only)
};

inline constexpr double kDefaultMaxAbs = 1e12;

/// The input rule of a streaming object: what to do with an invalid sample and where "impossible" starts. Converts
/// implicitly from a NonFinitePolicy (with the default bound).
struct InputPolicy {
  NonFinitePolicy non_finite = NonFinitePolicy::hold_last;
  double max_abs = kDefaultMaxAbs;  ///< > 0; samples with |x| > max_abs are invalid (inf: only non-finite ones)
  InputPolicy(NonFinitePolicy policy = NonFinitePolicy::hold_last, double max_abs_ = kDefaultMaxAbs)  ///< NOLINT
      : non_finite(policy), max_abs(max_abs_) {}
};

/// Per-channel gate applied to every input sample before it reaches a filter state.
class NonFiniteGuard {
 public:
  NonFiniteGuard(std::size_t n_channels, InputPolicy policy);

  double operator()(double v, std::size_t channel) noexcept {
    if (std::abs(v) <= max_abs_) {  // false for NaN
      last_[channel] = v;
      return v;
    }
    if (policy_ == NonFinitePolicy::propagate) return v;
    ++replaced_;
    return policy_ == NonFinitePolicy::zero ? 0.0 : last_[channel];
  }

  /// The same policy over a frame-major block (n_frames x n_channels) in place; one branch-free pass when every
  /// sample is finite, which is the common case.
  void apply(double* block, std::size_t n_frames) noexcept;

  /// Forget the last finite inputs (they become `level`, 0 by default) and zero the counter.
  void reset() noexcept;
  void reset(std::span<const double> level) noexcept;

  [[nodiscard]] NonFinitePolicy policy() const noexcept { return policy_; }
  [[nodiscard]] double max_abs() const noexcept { return max_abs_; }
  [[nodiscard]] std::uint64_t replaced() const noexcept { return replaced_; }

 private:
  std::vector<double> last_;
  NonFinitePolicy policy_;
  double max_abs_;
  std::uint64_t replaced_ = 0;
};

}  // namespace kinemyo::dsp
