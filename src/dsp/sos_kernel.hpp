#pragma once
// Private: the inner loop of SosFilter, specialised per instruction set and chosen once at run time.

#include <cstddef>
#include <vector>

namespace kinemyo::detail {

// Runs sections [0, n_sections) of a cascade over a block held frame-major in `work` (n_frames x n_channels),
// in place. If rectify_after < n_sections, that section's output is replaced by its absolute value before the next
// section (a full-wave rectifier inside the cascade); pass n_sections for none. coeffs: per section b0 b1 b2 a1 a2; z0, z1: state, (section, channel). Every implementation performs,
// for every sample, exactly the operations of scipy's sosfilt loop in the same order
//     y = b0 x + z0;  z0 = b1 x - a1 y + z1;  z1 = b2 x - a2 y
// so results are bit-identical across implementations, block sizes and channel groupings.
using SosKernel = void (*)(const double* coeffs, std::size_t n_sections, std::size_t rectify_after, double* z0,
                           double* z1, double* work, std::size_t n_frames, std::size_t n_channels) noexcept;

struct SosKernelChoice {
  SosKernel run;
  const char* name;  // "avx512", "avx2" or "portable"
};

// Every implementation this CPU can run, fastest first (for tests that check they agree bit for bit).
std::vector<SosKernelChoice> available_sos_kernels();

// The fastest implementation this CPU supports (x86-64 with GCC/Clang: AVX-512F, AVX2, else portable).
SosKernelChoice select_sos_kernel() noexcept;

}  // namespace kinemyo::detail
