#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "golden.hpp"
#include "kinemyo/dsp/moving_window.hpp"
#include "kinemyo/dsp/teager_kaiser.hpp"

namespace dsp = kinemyo::dsp;
using kinemyo::test::load_golden;
using kinemyo::test::max_rel_error;

TEST(MovingWindow, MatchesBoxcarLfilterGolden) {
  std::vector<double> x;
  int checked = 0;
  for (const auto& c : load_golden("filters")) {
    if (c.id == "input") x = c.at("x").values;
    if (c.id.rfind("window", 0) != 0) continue;
    const auto w = static_cast<std::size_t>(c.at("window").scalar());
    EXPECT_LT(max_rel_error(kinemyo::test::into<double>(x, [&](auto xs, auto ys) { dsp::moving_window(xs, ys, 3, w, dsp::WindowStatistic::mean); }), c.at("mean").values),
              1e-13);
    EXPECT_LT(max_rel_error(kinemyo::test::into<double>(x, [&](auto xs, auto ys) { dsp::moving_window(xs, ys, 3, w, dsp::WindowStatistic::arv); }), c.at("arv").values),
              1e-13);
    EXPECT_LT(max_rel_error(kinemyo::test::into<double>(x, [&](auto xs, auto ys) { dsp::moving_window(xs, ys, 3, w, dsp::WindowStatistic::rms); }), c.at("rms").values),
              1e-13);
    ++checked;
  }
  EXPECT_EQ(checked, 4);
}

TEST(MovingWindow, ChunkedStreamingEqualsBatch) {
  const std::size_t C = 4, N = 10000, W = 123;
  std::mt19937_64 rng(3);
  std::normal_distribution<double> d;
  std::vector<double> x(N * C);
  for (auto& v : x) v = d(rng);
  for (auto stat : {dsp::WindowStatistic::mean, dsp::WindowStatistic::arv, dsp::WindowStatistic::rms}) {
    const auto ref = kinemyo::test::into<double>(x, [&](auto xs, auto ys) { dsp::moving_window(xs, ys, C, W, stat); });
    dsp::MovingWindow m(W, C, stat);
    std::vector<double> y(x.size());
    std::uniform_int_distribution<std::size_t> chunk(1, 700);
    for (std::size_t done = 0; done < N;) {
      const std::size_t n = std::min(chunk(rng), N - done);
      m.process_interleaved(x.data() + done * C, y.data() + done * C, n);
      done += n;
    }
    ASSERT_EQ(y, ref);
  }
}

// 24 h at 2 kHz = 172.8 million samples, with bursts 10^6 times larger than the quiet floor so that a plain
// running sum loses everything. The final window must still equal the exactly computed statistic.
TEST(MovingWindow, NoDriftAfter24HoursAt2kHz) {
  const std::size_t W = 200, N = 24ull * 3600ull * 2000ull;
  dsp::MovingWindow rms(W, 1, dsp::WindowStatistic::rms);
  dsp::MovingWindow mean(W, 1, dsp::WindowStatistic::mean);
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  constexpr std::size_t block = 4096;
  std::vector<double> x(block), y(block), z(block), tail;
  double naive = 0.0;
  std::vector<double> naive_ring(W, 0.0);
  std::size_t naive_pos = 0;
  for (std::size_t done = 0; done < N;) {
    const std::size_t n = std::min(block, N - done);
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t t = done + i;
      const bool burst = (t / 100000) % 7 == 3;  // bursts of 100 000 samples
      x[i] = (burst ? 1e3 : 1e-3) * u(rng) + (burst ? 5e2 : 0.0);
      naive += x[i] * x[i] - naive_ring[naive_pos];
      naive_ring[naive_pos] = x[i] * x[i];
      naive_pos = (naive_pos + 1) % W;
    }
    rms.process_interleaved(x.data(), y.data(), n);
    mean.process_interleaved(x.data(), z.data(), n);
    done += n;
    if (done == N) tail.assign(x.begin() + static_cast<long>(n - W), x.begin() + static_cast<long>(n));
  }
  // Exact reference over the last window (the last block ends in a quiet stretch).
  long double sq = 0.0L, s = 0.0L;
  for (double v : tail) {
    sq += static_cast<long double>(v) * v;
    s += v;
  }
  const double want_rms = std::sqrt(static_cast<double>(sq / W));
  const double want_mean = static_cast<double>(s / W);
  const std::size_t last = (N % block == 0 ? block : N % block) - 1;
  EXPECT_NEAR(y[last], want_rms, 1e-9 * want_rms);
  EXPECT_NEAR(z[last], want_mean, 1e-9 * std::abs(want_mean) + 1e-18);
  // The same test is sensitive: a plain running sum is far off by now.
  const double naive_rms = std::sqrt(std::max(naive / W, 0.0));
  EXPECT_GT(std::abs(naive_rms - want_rms), 1e-6 * want_rms);
}

TEST(MovingWindow, Validates) {
  EXPECT_THROW(dsp::MovingWindow(0, 1, dsp::WindowStatistic::mean), std::invalid_argument);
  EXPECT_THROW(dsp::MovingWindow(5, 0, dsp::WindowStatistic::mean), std::invalid_argument);
  EXPECT_DOUBLE_EQ(dsp::MovingWindow(5, 1, dsp::WindowStatistic::rms).latency_samples(), 2.0);
}

TEST(TeagerKaiser, MatchesDefinitionAndStreamingLagsByOne) {
  std::vector<double> x, want;
  for (const auto& c : load_golden("filters")) {
    if (c.id == "input") x = c.at("x").values;
    if (c.id == "tkeo") want = c.at("tkeo").values;
  }
  const auto got = kinemyo::test::into<double>(x, [](auto xs, auto ys) { dsp::teager_kaiser(xs, ys, 3); });
  EXPECT_LT(max_rel_error(got, want), 1e-15);
  dsp::TeagerKaiser s(3);
  std::vector<double> y(x.size());
  s.process_interleaved(x.data(), y.data(), x.size() / 3);
  for (std::size_t c = 0; c < 3; ++c) EXPECT_EQ(y[c], 0.0);
  // Interior samples agree exactly; the batch's last sample uses x[n] = 0, which the stream has not seen yet.
  for (std::size_t i = 3; i < x.size(); ++i) ASSERT_EQ(y[i], got[i - 3]) << i;
}
