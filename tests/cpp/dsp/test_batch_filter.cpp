#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "golden.hpp"
#include "kinemyo/dsp/batch_filter.hpp"

namespace dsp = kinemyo::dsp;
using kinemyo::test::load_golden;
using kinemyo::test::max_rel_error;

namespace {
struct Fixture {
  std::vector<double> x;
  std::vector<std::pair<dsp::Sos, kinemyo::test::GoldenCase>> filters;
};

Fixture load() {
  Fixture f;
  for (const auto& c : load_golden("filters")) {
    if (c.id == "input") f.x = c.at("x").values;
    if (c.id.rfind("filter", 0) != 0) continue;
    dsp::Sos sos(c.at("sos").shape[0]);
    for (std::size_t i = 0; i < sos.size(); ++i)
      for (std::size_t j = 0; j < 6; ++j) sos[i][j] = c.at("sos").values[6 * i + j];
    f.filters.emplace_back(sos, c);
  }
  return f;
}
}  // namespace

TEST(BatchFilter, SosfiltAndSosfiltfiltMatchScipy) {
  const auto f = load();
  ASSERT_EQ(f.filters.size(), 4u);
  for (const auto& [sos, c] : f.filters) {
    EXPECT_LT(max_rel_error(kinemyo::test::into<double>(f.x, [&](auto xs, auto ys) { dsp::sosfilt(sos, xs, ys, 3); }), c.at("sosfilt").values), 1e-12) << c.id;
    EXPECT_LT(max_rel_error(kinemyo::test::into<double>(f.x, [&](auto xs, auto ys) { dsp::sosfiltfilt(sos, xs, ys, 3); }), c.at("sosfiltfilt").values), 1e-10) << c.id;
  }
}

TEST(BatchFilter, FloatInputKeepsFloatOutput) {
  const auto f = load();
  const std::vector<float> xf(f.x.begin(), f.x.end());
  const std::vector<double> xfd(xf.begin(), xf.end());
  for (const auto& [sos, c] : f.filters) {
    const auto yf = kinemyo::test::into<float>(xf, [&](auto xs, auto ys) { dsp::sosfiltfilt(sos, xs, ys, 3); });
    const auto yd = kinemyo::test::into<double>(xfd, [&](auto xs, auto ys) { dsp::sosfiltfilt(sos, xs, ys, 3); });
    for (std::size_t i = 0; i < yf.size(); ++i) ASSERT_EQ(yf[i], static_cast<float>(yd[i]));
  }
}

TEST(BatchFilter, RejectsBadInputWithLocation) {
  const auto sos = dsp::butterworth_sos(2, {10.0}, dsp::FilterKind::lowpass, 100.0);
  std::vector<double> x(40, 1.0);
  x[13] = std::numeric_limits<double>::quiet_NaN();
  try {
    kinemyo::test::into<double>(x, [&](auto xs, auto ys) { dsp::sosfilt(sos, xs, ys, 2); });
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("frame 6, channel 1"), std::string::npos) << e.what();
  }
  const std::vector<double> five(5, 0.0), nine(9, 0.0), ten(10, 0.0);
  auto filt = [&](const std::vector<double>& v, std::size_t c) {
    return kinemyo::test::into<double>(v, [&](auto xs, auto ys) { dsp::sosfilt(sos, xs, ys, c); });
  };
  auto filtfilt = [&](const std::vector<double>& v, std::size_t c) {
    return kinemyo::test::into<double>(v, [&](auto xs, auto ys) { dsp::sosfiltfilt(sos, xs, ys, c); });
  };
  EXPECT_THROW(filt(five, 2), std::invalid_argument);
  // padlen for 1 section = 3 * 3 = 9: 9 frames are too few, 10 are enough.
  EXPECT_EQ(dsp::sosfiltfilt_padlen(sos), 9u);
  EXPECT_THROW(filtfilt(nine, 1), std::invalid_argument);
  EXPECT_NO_THROW(filtfilt(ten, 1));
}

TEST(BatchFilter, ZeroPhaseHasNoDelay) {
  // A slow sine through a zero-phase low-pass keeps its phase: the peak stays where it was.
  const double fs = 1000.0;
  const auto sos = dsp::butterworth_sos(4, {20.0}, dsp::FilterKind::lowpass, fs);
  std::vector<double> x(4000);
  for (std::size_t t = 0; t < x.size(); ++t) x[t] = std::sin(2 * M_PI * 2.0 * static_cast<double>(t) / fs);
  const auto y = kinemyo::test::into<double>(x, [&](auto xs, auto ys) { dsp::sosfiltfilt(sos, xs, ys, 1); });
  for (std::size_t t = 500; t < 3500; ++t) ASSERT_NEAR(y[t], x[t], 1e-6);
}

TEST(BatchFilter, InPlaceAndOutputSizeChecked) {
  const auto sos = dsp::butterworth_sos(4, {20.0, 450.0}, dsp::FilterKind::bandpass, 2000.0);
  std::vector<double> x(3000);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::sin(0.01 * static_cast<double>(i * i % 977));
  const auto want = kinemyo::test::into<double>(x, [&](auto xs, auto ys) { dsp::sosfiltfilt(sos, xs, ys, 2); });
  std::vector<double> y = x;
  dsp::sosfiltfilt<double>(sos, y, y, 2);
  EXPECT_EQ(y, want);
  std::vector<double> small(10);
  try {
    dsp::sosfilt<double>(sos, x, small, 2);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()).rfind("y:", 0), 0u) << e.what();
  }
}
