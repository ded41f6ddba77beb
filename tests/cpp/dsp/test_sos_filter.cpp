#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "golden.hpp"
#include "kinemyo/dsp/batch_filter.hpp"
#include "kinemyo/dsp/sos_filter.hpp"

namespace dsp = kinemyo::dsp;
using kinemyo::test::load_golden;
using kinemyo::test::max_rel_error;

namespace {

std::vector<double> noise(std::size_t n, unsigned seed, double scale = 1.0) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> d(0.0, scale);
  std::vector<double> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

dsp::Sos emg_chain(double fs) {
  auto sos = dsp::butterworth_sos(4, {20.0, 450.0}, dsp::FilterKind::bandpass, fs);
  const auto lp = dsp::butterworth_sos(2, {6.0}, dsp::FilterKind::lowpass, fs);
  sos.insert(sos.end(), lp.begin(), lp.end());
  return sos;
}

bool bit_identical(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

}  // namespace

TEST(SosFilter, MatchesScipySosfiltGolden) {
  const auto cases = load_golden("filters");
  std::vector<double> input;
  for (const auto& c : cases)
    if (c.id == "input") input = c.at("x").values;
  ASSERT_FALSE(input.empty());
  int checked = 0;
  for (const auto& c : cases) {
    if (c.id.rfind("filter", 0) != 0) continue;
    dsp::Sos sos(c.at("sos").shape[0]);
    for (std::size_t i = 0; i < sos.size(); ++i)
      for (std::size_t j = 0; j < 6; ++j) sos[i][j] = c.at("sos").values[6 * i + j];
    dsp::SosFilter f(sos, 3);
    std::vector<double> y(input.size());
    f.process_interleaved(input.data(), y.data(), input.size() / 3);
    EXPECT_LT(max_rel_error(y, c.at("sosfilt").values), 1e-12) << c.id;
    ++checked;
  }
  EXPECT_EQ(checked, 4);
}

TEST(SosFilter, ChunkSizeInvariantBitIdentical) {
  const std::size_t C = 5, N = 60000;
  const auto sos = emg_chain(2000.0);
  const auto x = noise(N * C, 1);
  dsp::SosFilter whole(sos, C);
  std::vector<double> ref(x.size());
  whole.process_interleaved(x.data(), ref.data(), N);

  std::mt19937 rng(7);
  std::uniform_int_distribution<std::size_t> chunk(1, 4096);
  for (int trial = 0; trial < 5; ++trial) {
    dsp::SosFilter f(sos, C);
    std::vector<double> y(x.size());
    for (std::size_t done = 0; done < N;) {
      const std::size_t n = std::min(chunk(rng), N - done);
      f.process_interleaved(x.data() + done * C, y.data() + done * C, n);
      done += n;
    }
    EXPECT_TRUE(bit_identical(y, ref)) << "trial " << trial;
  }
  // Frame by frame, in place.
  dsp::SosFilter per_frame(sos, C);
  std::vector<double> y = x;
  for (std::size_t t = 0; t < N; ++t) per_frame.process_frame(&y[t * C], &y[t * C]);
  EXPECT_TRUE(bit_identical(y, ref));
  // Planar (channels x frames) with random chunks, in place.
  std::vector<double> planar(x.size());
  for (std::size_t t = 0; t < N; ++t)
    for (std::size_t c = 0; c < C; ++c) planar[c * N + t] = x[t * C + c];
  dsp::SosFilter pf(sos, C);
  for (std::size_t done = 0; done < N;) {
    const std::size_t n = std::min(chunk(rng), N - done);
    pf.process_planar(planar.data() + done, N, planar.data() + done, N, n);
    done += n;
  }
  std::vector<double> back(x.size());
  for (std::size_t t = 0; t < N; ++t)
    for (std::size_t c = 0; c < C; ++c) back[t * C + c] = planar[c * N + t];
  EXPECT_TRUE(bit_identical(back, ref));
}

TEST(SosFilter, SingleChannelPathEqualsMultichannelPath) {
  const std::size_t N = 20000;
  const auto sos = emg_chain(1000.0);
  const auto x = noise(N, 3);
  dsp::SosFilter one(sos, 1);
  std::vector<double> y1(N);
  one.process_interleaved(x.data(), y1.data(), N);
  std::vector<double> x2(2 * N);
  for (std::size_t t = 0; t < N; ++t) x2[2 * t] = x2[2 * t + 1] = x[t];
  dsp::SosFilter two(sos, 2);
  std::vector<double> y2(2 * N);
  two.process_interleaved(x2.data(), y2.data(), N);
  for (std::size_t t = 0; t < N; ++t) ASSERT_EQ(y1[t], y2[2 * t]) << t;
}

TEST(SosFilter, FloatInputUsesDoubleStateAndMatchesDoubleRun) {
  const std::size_t C = 3, N = 5000;
  const auto sos = emg_chain(2000.0);
  const auto xd = noise(N * C, 5);
  std::vector<float> xf(xd.begin(), xd.end());
  std::vector<double> xfd(xf.begin(), xf.end());
  dsp::SosFilter fd(sos, C), ff(sos, C);
  std::vector<double> yd(xd.size());
  std::vector<float> yf(xd.size());
  fd.process_interleaved(xfd.data(), yd.data(), N);
  ff.process_interleaved(xf.data(), yf.data(), N);
  for (std::size_t i = 0; i < yd.size(); ++i) ASSERT_EQ(yf[i], static_cast<float>(yd[i]));
}

TEST(SosFilter, NonFiniteInputNeverPoisonsState) {
  const std::size_t C = 2, N = 4000;
  const auto sos = emg_chain(1000.0);
  auto x = noise(N * C, 11);
  auto bad = x;
  bad[100 * C + 0] = std::numeric_limits<double>::quiet_NaN();
  bad[2000 * C + 1] = std::numeric_limits<double>::infinity();
  bad[2001 * C + 1] = -std::numeric_limits<double>::infinity();

  // hold_last: identical to feeding the previous finite value instead.
  auto held = x;
  held[100 * C + 0] = x[99 * C + 0];
  held[2000 * C + 1] = x[1999 * C + 1];
  held[2001 * C + 1] = x[1999 * C + 1];
  dsp::SosFilter f(sos, C), g(sos, C);
  std::vector<double> y(bad.size()), want(bad.size());
  f.process_interleaved(bad.data(), y.data(), N);
  g.process_interleaved(held.data(), want.data(), N);
  EXPECT_TRUE(bit_identical(y, want));
  EXPECT_EQ(f.replaced_samples(), 3u);
  for (double v : y) ASSERT_TRUE(std::isfinite(v));

  // zero policy: identical to feeding 0.
  auto zeroed = x;
  zeroed[100 * C + 0] = zeroed[2000 * C + 1] = zeroed[2001 * C + 1] = 0.0;
  dsp::SosFilter fz(sos, C, dsp::NonFinitePolicy::zero), gz(sos, C);
  fz.process_interleaved(bad.data(), y.data(), N);
  gz.process_interleaved(zeroed.data(), want.data(), N);
  EXPECT_TRUE(bit_identical(y, want));
  EXPECT_EQ(fz.replaced_samples(), 3u);

  // propagate: the NaN reaches the output (and stays until reset), by request.
  dsp::SosFilter fp(sos, C, dsp::NonFinitePolicy::propagate);
  fp.process_interleaved(bad.data(), y.data(), N);
  EXPECT_TRUE(std::isnan(y[(N - 1) * C]));
  EXPECT_EQ(fp.replaced_samples(), 0u);
  fp.reset();
  fp.process_interleaved(x.data(), y.data(), N);
  for (double v : y) ASSERT_TRUE(std::isfinite(v));
}

TEST(SosFilter, SteadyStateResetGivesConstantOutput) {
  const auto lp = dsp::butterworth_sos(4, {5.0}, dsp::FilterKind::lowpass, 1000.0);
  dsp::SosFilter f(lp, 2);
  const std::vector<double> level{3.5, -2.0};
  f.reset_steady_state(level);
  for (int i = 0; i < 100; ++i) {
    double in[2] = {3.5, -2.0}, out[2];
    f.process_frame(in, out);
    EXPECT_NEAR(out[0], 3.5, 1e-12);
    EXPECT_NEAR(out[1], -2.0, 1e-12);
  }
  EXPECT_THROW(f.reset_steady_state(std::vector<double>{1.0}), std::invalid_argument);
}

TEST(SosFilter, StateRoundTripResumesExactly) {
  const std::size_t C = 3, N = 3000;
  const auto sos = emg_chain(2000.0);
  const auto x = noise(N * C, 13);
  dsp::SosFilter a(sos, C);
  std::vector<double> ya(x.size()), yb(x.size());
  a.process_interleaved(x.data(), ya.data(), N);
  dsp::SosFilter b(sos, C), c(sos, C);
  b.process_interleaved(x.data(), yb.data(), N / 2);
  c.set_state(b.state());
  c.process_interleaved(x.data() + (N / 2) * C, yb.data() + (N / 2) * C, N - N / 2);
  EXPECT_TRUE(bit_identical(ya, yb));
  EXPECT_THROW(c.set_state(std::vector<double>(3, 0.0)), std::invalid_argument);
}

TEST(SosFilter, ConstructorValidates) {
  EXPECT_THROW(dsp::SosFilter({}, 1), std::invalid_argument);
  EXPECT_THROW(dsp::SosFilter(emg_chain(1000.0), 0), std::invalid_argument);
  try {
    dsp::SosFilter(emg_chain(1000.0), 0);
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("n_channels"), std::string::npos);
  }
}

TEST(SosFilter, GroupDelayOfLowPassAtDc) {
  // 2nd-order Butterworth low-pass: group delay at DC is sqrt(2) / (2 pi fc) for the analog prototype; the
  // bilinear transform changes it by well under 1 % at 6 Hz / 2 kHz.
  const auto lp = dsp::butterworth_sos(2, {6.0}, dsp::FilterKind::lowpass, 2000.0);
  dsp::SosFilter f(lp, 1);
  EXPECT_NEAR(f.group_delay(0.0, 2000.0), std::sqrt(2.0) / (2.0 * M_PI * 6.0), 2e-4);
}
