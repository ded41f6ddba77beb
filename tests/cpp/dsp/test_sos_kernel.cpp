// Every compiled filter kernel the CPU supports (AVX-512, AVX2, portable) must give exactly the bits of the plain
// scalar sosfilt loop, for any channel count (all the SIMD groupings and remainders) and section count.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "dsp/sos_kernel.hpp"
#include "kinemyo/dsp/filter_design.hpp"

namespace dsp = kinemyo::dsp;

namespace {
void reference(const std::vector<double>& coeffs, std::size_t S, std::size_t rectify_after, std::vector<double>& z0,
               std::vector<double>& z1, std::vector<double>& work, std::size_t n, std::size_t C) {
  for (std::size_t t = 0; t < n; ++t)
    for (std::size_t c = 0; c < C; ++c) {
      double x = work[t * C + c];
      for (std::size_t s = 0; s < S; ++s) {
        const double* k = &coeffs[5 * s];
        const double y = k[0] * x + z0[s * C + c];
        z0[s * C + c] = k[1] * x - k[3] * y + z1[s * C + c];
        z1[s * C + c] = k[2] * x - k[4] * y;
        x = s == rectify_after ? std::fabs(y) : y;
      }
      work[t * C + c] = x;
    }
}
}  // namespace

TEST(SosKernel, EveryKernelMatchesScalarLoopBitForBit) {
  const auto kernels = kinemyo::detail::available_sos_kernels();
  ASSERT_FALSE(kernels.empty());
  std::mt19937_64 rng(99);
  std::normal_distribution<double> d;
  for (std::size_t S : {1u, 2u, 3u, 4u, 5u, 7u, 10u}) {
    // Mix unit-ended sections (band-pass) and general ones (the low-pass with its gain in b0).
    auto sos = dsp::butterworth_sos(static_cast<int>((S + 1) / 2), {30.0, 300.0}, dsp::FilterKind::bandpass, 1000.0);
    const auto lp = dsp::butterworth_sos(3, {40.0}, dsp::FilterKind::lowpass, 1000.0);
    sos.insert(sos.end(), lp.begin(), lp.end());
    sos.resize(S);
    std::vector<double> coeffs;
    for (const auto& s : sos) coeffs.insert(coeffs.end(), {s[0], s[1], s[2], s[4], s[5]});
    for (std::size_t C : {1u, 2u, 3u, 4u, 5u, 7u, 8u, 11u, 12u, 16u, 17u, 20u, 24u, 33u}) {
      const std::size_t n = 97;
      std::vector<double> x(n * C), z0(S * C), z1(S * C);
      for (auto& v : x) v = d(rng);
      for (auto& v : z0) v = 0.1 * d(rng);
      for (auto& v : z1) v = 0.1 * d(rng);
      // No rectifier, and a rectifier after each possible section.
      for (std::size_t rect = 0; rect <= S; ++rect) {
        auto rw = x, r0 = z0, r1 = z1;
        reference(coeffs, S, rect, r0, r1, rw, n, C);
        for (const auto& k : kernels) {
          auto w = x, k0 = z0, k1 = z1;
          k.run(coeffs.data(), S, rect, k0.data(), k1.data(), w.data(), n, C);
          EXPECT_EQ(0, std::memcmp(w.data(), rw.data(), w.size() * sizeof(double)))
              << k.name << " S=" << S << " C=" << C << " rectify_after=" << rect;
          EXPECT_EQ(0, std::memcmp(k0.data(), r0.data(), k0.size() * sizeof(double))) << k.name;
          EXPECT_EQ(0, std::memcmp(k1.data(), r1.data(), k1.size() * sizeof(double))) << k.name;
        }
      }
    }
  }
  std::string names;
  for (const auto& k : kernels) names += std::string(k.name) + " ";
  RecordProperty("kernels", names);
  std::printf("kernels checked: %s\n", names.c_str());
}
