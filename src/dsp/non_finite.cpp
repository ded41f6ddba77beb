#include "kinemyo/dsp/non_finite.hpp"

#include <algorithm>

#include "check.hpp"

namespace kinemyo::dsp {

NonFiniteGuard::NonFiniteGuard(std::size_t n_channels, NonFinitePolicy policy) : policy_(policy) {
  detail::require_positive_count("n_channels", n_channels);
  if (policy != NonFinitePolicy::hold_last && policy != NonFinitePolicy::zero &&
      policy != NonFinitePolicy::propagate)
    detail::fail("policy", "unknown NonFinitePolicy value");
  last_.assign(n_channels, 0.0);
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
