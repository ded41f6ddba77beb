#pragma once
// Bounds on sizes a caller asks for, checked before anything of that size is allocated, so that an absurd argument
// is refused by name instead of failing in the allocator.

#include <cstddef>

namespace kinemyo {

/// Largest channel count or window length (in samples) an argument may ask for: 2^24 = 16777216.
inline constexpr std::size_t kMaxCount = std::size_t{1} << 24;

}  // namespace kinemyo
