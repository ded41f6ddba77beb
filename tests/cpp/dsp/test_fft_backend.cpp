// The private FFT interface against a direct O(n^2) DFT, for power-of-two, composite and prime lengths.

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <numbers>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "dsp/fft_backend.hpp"

namespace {

using cplx = std::complex<double>;
using kinemyo::detail::FftPlan;

// Direct DFT in long double; the twiddle angle uses (k t mod n) so it stays exact for large k t.
std::vector<cplx> direct_dft(const std::vector<cplx>& x, int sign) {
  const std::size_t n = x.size();
  std::vector<cplx> out(n);
  for (std::size_t k = 0; k < n; ++k) {
    long double re = 0.0L, im = 0.0L;
    for (std::size_t t = 0; t < n; ++t) {
      const long double angle = sign * 2.0L * std::numbers::pi_v<long double> *
                                static_cast<long double>((k * t) % n) / static_cast<long double>(n);
      const long double c = std::cos(angle), s = std::sin(angle);
      re += x[t].real() * c - x[t].imag() * s;
      im += x[t].real() * s + x[t].imag() * c;
    }
    out[k] = cplx(static_cast<double>(re), static_cast<double>(im));
  }
  return out;
}

double rel_error(const std::vector<cplx>& a, const std::vector<cplx>& b) {
  double num = 0.0, den = 0.0;
  for (std::size_t i = 0; i < b.size(); ++i) {
    num = std::max(num, std::abs(a[i] - b[i]));
    den = std::max(den, std::abs(b[i]));
  }
  return den == 0.0 ? num : num / den;
}

std::vector<cplx> random_complex(std::size_t n, unsigned seed) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> dist;
  std::vector<cplx> x(n);
  for (auto& v : x) v = cplx(dist(gen), dist(gen));
  return x;
}

class FftBackendLengths : public ::testing::TestWithParam<std::size_t> {};

TEST_P(FftBackendLengths, ForwardMatchesDirectDft) {
  const std::size_t n = GetParam();
  const auto x = random_complex(n, 11 + n);
  FftPlan plan(n);
  EXPECT_EQ(plan.size(), n);
  std::vector<cplx> y(n);
  plan.forward(x.data(), y.data());
  EXPECT_LT(rel_error(y, direct_dft(x, -1)), 1e-12) << "n = " << n;
}

TEST_P(FftBackendLengths, InverseMatchesDirectDftOverN) {
  const std::size_t n = GetParam();
  const auto x = random_complex(n, 23 + n);
  FftPlan plan(n);
  std::vector<cplx> y(n);
  plan.inverse(x.data(), y.data());
  auto ref = direct_dft(x, +1);
  for (auto& v : ref) v /= static_cast<double>(n);
  EXPECT_LT(rel_error(y, ref), 1e-12) << "n = " << n;
}

TEST_P(FftBackendLengths, ForwardRealMatchesHalfOfDirectDft) {
  const std::size_t n = GetParam();
  const auto z = random_complex(n, 37 + n);
  std::vector<double> x(n);
  std::vector<cplx> xc(n);
  for (std::size_t i = 0; i < n; ++i) {
    x[i] = z[i].real();
    xc[i] = cplx(x[i], 0.0);
  }
  FftPlan plan(n);
  // A guard element after the n/2 + 1 outputs must survive.
  std::vector<cplx> y(n / 2 + 2, cplx(-7.0, 7.0));
  plan.forward_real(x.data(), y.data());
  EXPECT_EQ(y.back(), cplx(-7.0, 7.0));
  y.pop_back();
  auto ref = direct_dft(xc, -1);
  ref.resize(n / 2 + 1);
  EXPECT_LT(rel_error(y, ref), 1e-12) << "n = " << n;
}

TEST_P(FftBackendLengths, RoundTripAndInPlace) {
  const std::size_t n = GetParam();
  const auto x = random_complex(n, 41 + n);
  FftPlan plan(n);
  std::vector<cplx> y = x;
  plan.forward(y.data(), y.data());
  std::vector<cplx> ref(n);
  plan.forward(x.data(), ref.data());
  EXPECT_LT(rel_error(y, ref), 1e-15);
  plan.inverse(y.data(), y.data());
  EXPECT_LT(rel_error(y, x), 1e-13);
}

INSTANTIATE_TEST_SUITE_P(FftBackend, FftBackendLengths,
                         ::testing::Values(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 16, 18, 64, 97, 100, 210, 1000,
                                           1021, 1024));

TEST(FftBackend, NameIsKnown) {
  const std::string name = kinemyo::detail::fft_backend_name();
  EXPECT_TRUE(name == "fftw" || name == "eigen") << name;
}

TEST(FftBackend, ZeroLengthRejected) {
  try {
    FftPlan plan(0);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()).rfind("n: ", 0), 0u) << e.what();
  }
}

TEST(FftBackend, UnalignedBuffers) {
  // Offsetting into a buffer by one complex gives storage that is only 8- or 16-byte aligned.
  const std::size_t n = 64;
  const auto x = random_complex(n + 1, 5);
  std::vector<cplx> out(n + 1);
  FftPlan plan(n);
  plan.forward(x.data() + 1, out.data() + 1);
  const std::vector<cplx> xs(x.begin() + 1, x.end());
  const std::vector<cplx> ys(out.begin() + 1, out.end());
  EXPECT_LT(rel_error(ys, direct_dft(xs, -1)), 1e-12);
  std::vector<double> r(n + 1, 0.5);
  plan.forward_real(r.data() + 1, out.data() + 1);
  EXPECT_NEAR(out[1].real(), 0.5 * n, 1e-12);
}

TEST(FftBackend, ConcurrentPlansAgree) {
  // Plans are created, used and destroyed on several threads at once; each result must equal the serial one.
  const std::vector<std::size_t> sizes = {97, 128, 1000, 243};
  std::vector<std::vector<cplx>> inputs, expected;
  for (std::size_t s : sizes) {
    inputs.push_back(random_complex(s, static_cast<unsigned>(s)));
    FftPlan plan(s);
    std::vector<cplx> y(s);
    plan.forward(inputs.back().data(), y.data());
    expected.push_back(y);
  }
  std::vector<int> ok(8, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      bool good = true;
      for (int rep = 0; rep < 20; ++rep) {
        const std::size_t i = static_cast<std::size_t>(t + rep) % sizes.size();
        FftPlan plan(sizes[i]);
        std::vector<cplx> y(sizes[i]);
        plan.forward(inputs[i].data(), y.data());
        good = good && y == expected[i];
      }
      ok[static_cast<std::size_t>(t)] = good ? 1 : 0;
    });
  }
  for (auto& th : threads) th.join();
  for (int v : ok) EXPECT_EQ(v, 1);
}

}  // namespace
