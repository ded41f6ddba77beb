#include "kinemyo/dsp/non_finite.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "check.hpp"

namespace kinemyo::dsp {

NonFiniteGuard::NonFiniteGuard(std::size_t n_channels, InputPolicy policy)
    : policy_(policy.non_finite), max_abs_(policy.max_abs) {
  detail::require_positive_count("n_channels", n_channels);
  if (policy_ != NonFinitePolicy::hold_last && policy_ != NonFinitePolicy::zero &&
      policy_ != NonFinitePolicy::propagate)
    detail::fail("policy", "unknown NonFinitePolicy value");
  if (!(max_abs_ > 0.0)) detail::fail("max_abs", "must be > 0 (inf allows every finite sample)");
  max_abs_ = std::min(max_abs_, std::numeric_limits<double>::max());  // inf itself stays invalid
  last_.assign(n_channels, 0.0);
}

void NonFiniteGuard::apply(double* block, std::size_t n_frames) noexcept {
  const std::size_t C = last_.size();
  const std::size_t size = n_frames * C;
  if (size == 0 || policy_ == NonFinitePolicy::propagate) return;  // nothing to replace or remember
  bool finite = true;
  for (std::size_t i = 0; i < size; ++i) finite &= std::abs(block[i]) <= max_abs_;
  if (finite) {
    std::copy_n(block + size - C, C, last_.begin());
    return;
  }
  for (std::size_t t = 0; t < n_frames; ++t)
    for (std::size_t c = 0; c < C; ++c) block[t * C + c] = (*this)(block[t * C + c], c);
}

void NonFiniteGuard::reset() noexcept {
  std::fill(last_.begin(), last_.end(), 0.0);
  replaced_ = 0;
}

void NonFiniteGuard::reset(std::span<const double> level) noexcept {
  std::copy_n(level.begin(), std::min(level.size(), last_.size()), last_.begin());
  replaced_ = 0;
}

}  // namespace kinemyo::dsp
