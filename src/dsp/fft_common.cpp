#include <climits>
#include <string>

#include "check.hpp"
#include "fft_backend.hpp"

namespace kinemyo::detail {

void validate_fft_length(std::size_t n) {
  require_positive_count("n", n);
  if (n > static_cast<std::size_t>(INT_MAX))
    fail("n", "must be <= " + std::to_string(INT_MAX) + ", got " + std::to_string(n));
}

}  // namespace kinemyo::detail
