#include "sos_kernel.hpp"

#include <cmath>
#include <cstring>
#include <type_traits>

// The recursions are latency-bound: one section's state update is a chain of four dependent floating-point
// operations per frame. Throughput comes from running many independent recursions at once: channel groups in
// SIMD registers and, where registers allow (AVX-512 has 32), K consecutive sections as a wavefront (section k
// handles frame t - k at step t), with all their state held in registers for a whole block.

// (-Wpsabi: these vector types would be passed differently per instruction set; all helpers are always inlined.)
#pragma GCC diagnostic ignored "-Wpsabi"

namespace kinemyo::detail {
namespace {

typedef double v8d __attribute__((vector_size(64)));
typedef double v4d __attribute__((vector_size(32)));

template <class V>
[[gnu::always_inline]] inline V load(const double* p) noexcept {
  V v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
template <class V>
[[gnu::always_inline]] inline void store(double* p, V v) noexcept {
  std::memcpy(p, &v, sizeof v);
}

// |v| by clearing sign bits: exactly fabs, -0.0 included, for scalars and SIMD values alike.
template <class V>
[[gnu::always_inline]] inline V magnitude(V v) noexcept {
  if constexpr (std::is_same_v<V, double>) {
    return std::fabs(v);
  } else {
    typedef long long Bits __attribute__((vector_size(sizeof(V))));
    Bits b;
    std::memcpy(&b, &v, sizeof v);
    b &= 0x7fffffffffffffffLL;
    std::memcpy(&v, &b, sizeof v);
    return v;
  }
}

// One section at one frame for one SIMD value of channels. Coefficients are scalars, so the compiler can use
// broadcast memory operands. Sections whose b0 and b2 are exactly 1 (most Butterworth sections) skip those two
// multiplications: 1 * x == x exactly in IEEE arithmetic, so the result bits are unchanged and the kernel, which
// is bound by multiplier throughput, does 40 % fewer multiplications there.
// `rectify` stores |y| instead of y (a full-wave rectifier between this section and the next).
template <class V>
[[gnu::always_inline]] inline void step(const double* c, bool unit_ends, bool rectify, V& r0, V& r1,
                                        double* x) noexcept {
  const V xi = load<V>(x);
  V y;
  if (unit_ends) {
    y = xi + r0;
    r0 = c[1] * xi - c[3] * y + r1;
    r1 = xi - c[4] * y;
  } else {
    y = c[0] * xi + r0;
    r0 = c[1] * xi - c[3] * y + r1;
    r1 = c[2] * xi - c[4] * y;
  }
  store<V>(x, rectify ? magnitude(y) : y);
}

// Sections [s0, s0 + K) for G SIMD values of channels starting at channel ch, over the block, as a wavefront.
template <class V, int G, int K>
[[gnu::always_inline]] inline void wave(const double* coeffs, std::size_t s0, std::size_t rectify_after, double* z0,
                                        double* z1, double* work, std::size_t n_frames, std::size_t C,
                                        std::size_t ch) noexcept {
  constexpr std::size_t L = sizeof(V) / sizeof(double);
  V r0[K][G], r1[K][G];
  for (int k = 0; k < K; ++k)
    for (int g = 0; g < G; ++g) {
      r0[k][g] = load<V>(z0 + (s0 + k) * C + ch + g * L);
      r1[k][g] = load<V>(z1 + (s0 + k) * C + ch + g * L);
    }
  const double* c = coeffs + 5 * s0;
  bool unit[K], rect[K];
  for (int k = 0; k < K; ++k) {
    unit[k] = c[5 * k] == 1.0 && c[5 * k + 2] == 1.0;
    rect[k] = s0 + k == rectify_after;
  }
  auto section_at = [&](int k, std::size_t t) {
    double* x = work + t * C + ch;
    for (int g = 0; g < G; ++g) step<V>(c + 5 * k, unit[k], rect[k], r0[k][g], r1[k][g], x + g * L);
  };
  // Ramp up (not all sections have a frame yet), steady state, ramp down.
  const std::size_t steps = n_frames + K - 1;
  const std::size_t steady_begin = K - 1, steady_end = n_frames;  // steps where every section is active
  for (std::size_t t = 0; t < steps; ++t) {
    if (t >= steady_begin && t < steady_end) {
      for (int k = 0; k < K; ++k) section_at(k, t - k);
    } else {
      for (int k = 0; k < K; ++k)
        if (t >= static_cast<std::size_t>(k) && t - k < n_frames) section_at(k, t - k);
    }
  }
  for (int k = 0; k < K; ++k)
    for (int g = 0; g < G; ++g) {
      store<V>(z0 + (s0 + k) * C + ch + g * L, r0[k][g]);
      store<V>(z1 + (s0 + k) * C + ch + g * L, r1[k][g]);
    }
}

// All sections for channels [ch, ch + G * lanes(V)), K sections at a time (the last chunk may be shorter).
template <class V, int G, int K>
[[gnu::always_inline]] inline void all_sections(const double* coeffs, std::size_t n_sections, std::size_t rectify_after,
                                                double* z0, double* z1, double* work, std::size_t n_frames,
                                                std::size_t C, std::size_t ch) noexcept {
  std::size_t s = 0;
  for (; s + K <= n_sections; s += K) wave<V, G, K>(coeffs, s, rectify_after, z0, z1, work, n_frames, C, ch);
  if constexpr (K >= 4) {
    if (s + 3 <= n_sections) {
      wave<V, G, 3>(coeffs, s, rectify_after, z0, z1, work, n_frames, C, ch);
      s += 3;
    }
  }
  if constexpr (K >= 3) {
    if (s + 2 <= n_sections) {
      wave<V, G, 2>(coeffs, s, rectify_after, z0, z1, work, n_frames, C, ch);
      s += 2;
    }
  }
  if constexpr (K >= 2) {
    if (s < n_sections) wave<V, G, 1>(coeffs, s, rectify_after, z0, z1, work, n_frames, C, ch);
  }
}

// Channel decomposition shared by every instruction set: G values of V with K sections in flight, then single
// values of V with more sections in flight, then half-width values, then single channels. (G, K) are chosen per
// instruction set so that the state (2 G K values) stays in its register file.
template <class V, int G, int K>
[[gnu::always_inline]] inline void run(const double* coeffs, std::size_t n_sections, std::size_t rectify_after,
                                       double* z0, double* z1, double* work, std::size_t n_frames,
                                       std::size_t C) noexcept {
  constexpr std::size_t lanes = sizeof(V) / sizeof(double);
  std::size_t ch = 0;
  for (; ch + G * lanes <= C; ch += G * lanes)
    all_sections<V, G, K>(coeffs, n_sections, rectify_after, z0, z1, work, n_frames, C, ch);
  for (; ch + lanes <= C; ch += lanes) all_sections<V, 1, 4>(coeffs, n_sections, rectify_after, z0, z1, work, n_frames, C, ch);
  if constexpr (lanes == 8) {
    for (; ch + 4 <= C; ch += 4) all_sections<v4d, 1, 4>(coeffs, n_sections, rectify_after, z0, z1, work, n_frames, C, ch);
  }
  for (; ch < C; ++ch) all_sections<double, 1, 4>(coeffs, n_sections, rectify_after, z0, z1, work, n_frames, C, ch);
}

#if defined(KINEMYO_X86_DISPATCH)
__attribute__((target("avx512f"))) void run_avx512(const double* coeffs, std::size_t n_sections, std::size_t rectify_after, double* z0,
                                                   double* z1, double* work, std::size_t n_frames,
                                                   std::size_t C) noexcept {
  // 16 channels (2 zmm) x 2 sections in flight: 8 zmm of state (measured best on Zen 4 among 1-4 sections).
  run<v8d, 2, 2>(coeffs, n_sections, rectify_after, z0, z1, work, n_frames, C);
}

__attribute__((target("avx2"))) void run_avx2(const double* coeffs, std::size_t n_sections, std::size_t rectify_after, double* z0, double* z1,
                                              double* work, std::size_t n_frames, std::size_t C) noexcept {
  // 16 channels (4 ymm) x 1 section: 8 ymm of state out of 16.
  run<v4d, 4, 1>(coeffs, n_sections, rectify_after, z0, z1, work, n_frames, C);
}
#endif

void run_portable(const double* coeffs, std::size_t n_sections, std::size_t rectify_after, double* z0, double* z1, double* work,
                  std::size_t n_frames, std::size_t C) noexcept {
  run<v4d, 2, 1>(coeffs, n_sections, rectify_after, z0, z1, work, n_frames, C);
}

}  // namespace

std::vector<SosKernelChoice> available_sos_kernels() {
  std::vector<SosKernelChoice> all;
#if defined(KINEMYO_X86_DISPATCH)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) all.push_back({run_avx512, "avx512"});
  if (__builtin_cpu_supports("avx2")) all.push_back({run_avx2, "avx2"});
#endif
  all.push_back({run_portable, "portable"});
  return all;
}

SosKernelChoice select_sos_kernel() noexcept {
#if defined(KINEMYO_X86_DISPATCH)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return {run_avx512, "avx512"};
  if (__builtin_cpu_supports("avx2")) return {run_avx2, "avx2"};
#endif
  return {run_portable, "portable"};
}

}  // namespace kinemyo::detail
