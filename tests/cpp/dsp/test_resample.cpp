// resample_poly, resample_poly_filter and resample_poly_length against SciPy golden vectors
// (tests/golden/gen_resample.py).

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "golden.hpp"
#include "kinemyo/dsp/resample.hpp"

namespace {

namespace dsp = kinemyo::dsp;
using kinemyo::test::GoldenCase;
using kinemyo::test::load_golden;
using kinemyo::test::max_rel_error;
using kinemyo::test::record_error;
using kinemyo::test::starts_with;

const std::vector<GoldenCase>& resample_cases() {
  static const std::vector<GoldenCase> cases = load_golden("resample");
  return cases;
}


std::size_t as_size(const GoldenCase& c, const char* field) {
  return static_cast<std::size_t>(c.at(field).scalar());
}

void expect_invalid(const std::function<void()>& f, const std::string& parameter) {
  try {
    f();
    ADD_FAILURE() << "expected std::invalid_argument naming " << parameter;
  } catch (const std::invalid_argument& e) {
    EXPECT_TRUE(starts_with(e.what(), parameter + ": ")) << e.what();
  }
}

TEST(ResamplePolyFilter, MatchesScipyFirwinTimesUp) {
  int n_cases = 0;
  for (const auto& c : resample_cases()) {
    if (!starts_with(c.id, "filter_")) continue;
    ++n_cases;
    const auto h = dsp::resample_poly_filter(as_size(c, "up"), as_size(c, "down"), c.at("beta").scalar());
    ASSERT_EQ(h.size(), c.at("h").values.size()) << c.id;
    const double err = max_rel_error(h, c.at("h").values);
    EXPECT_LT(err, 1e-12) << c.id;
    record_error(c.id, err);
  }
  EXPECT_GE(n_cases, 4);
}

TEST(ResamplePolyFilter, UnitDcGainTimesUpAndSymmetric) {
  const auto h = dsp::resample_poly_filter(3, 4);
  ASSERT_EQ(h.size(), 81u);
  double sum = 0.0;
  for (double v : h) sum += v;
  EXPECT_NEAR(sum, 3.0, 1e-13);
  for (std::size_t i = 0; i < h.size(); ++i) EXPECT_DOUBLE_EQ(h[i], h[h.size() - 1 - i]);
  // Large beta stays finite (exponentially scaled Bessel function).
  for (double v : dsp::resample_poly_filter(1, 2, 900.0)) EXPECT_TRUE(std::isfinite(v));
}

TEST(ResamplePoly, MatchesScipyResamplePoly) {
  int n_cases = 0;
  for (const auto& c : resample_cases()) {
    if (!starts_with(c.id, "poly_")) continue;
    ++n_cases;
    const std::size_t nc = c.at("x").shape.at(1);
    const std::size_t up = as_size(c, "up"), down = as_size(c, "down");
    const auto y = dsp::resample_poly<double>(c.at("x").values, nc, up, down, c.at("beta").scalar());
    ASSERT_EQ(y.size(), c.at("y").values.size()) << c.id;
    EXPECT_EQ(dsp::resample_poly_length(c.at("x").shape.at(0), up, down), c.at("y").shape.at(0)) << c.id;
    const double err = max_rel_error(y, c.at("y").values);
    EXPECT_LT(err, 1e-10) << c.id;
    record_error(c.id, err);
  }
  EXPECT_GE(n_cases, 8);
}

TEST(ResamplePoly, FloatPath) {
  for (const auto& c : resample_cases()) {
    if (!starts_with(c.id, "poly_")) continue;
    const std::size_t nc = c.at("x").shape.at(1);
    const std::size_t up = as_size(c, "up"), down = as_size(c, "down");
    const std::vector<float> xf(c.at("x").values.begin(), c.at("x").values.end());
    const std::vector<double> xd(xf.begin(), xf.end());
    const auto yf = dsp::resample_poly<float>(xf, nc, up, down, c.at("beta").scalar());
    const auto yd = dsp::resample_poly<double>(xd, nc, up, down, c.at("beta").scalar());
    const std::vector<double> yfd(yf.begin(), yf.end());
    EXPECT_LT(max_rel_error(yfd, yd), 1e-6) << c.id;
    EXPECT_LT(max_rel_error(yfd, c.at("y").values), 1e-5) << c.id;
  }
}

TEST(ResamplePoly, MultichannelEqualsPerChannel) {
  const std::size_t n = 123, nc = 3;
  std::vector<double> x(n * nc);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::sin(0.37 * static_cast<double>(i)) + 0.01 * (i % 5);
  const auto y = dsp::resample_poly<double>(x, nc, 5, 3);
  const std::size_t n_out = dsp::resample_poly_length(n, 5, 3);
  ASSERT_EQ(y.size(), n_out * nc);
  for (std::size_t c = 0; c < nc; ++c) {
    std::vector<double> col(n);
    for (std::size_t t = 0; t < n; ++t) col[t] = x[t * nc + c];
    const auto yc = dsp::resample_poly<double>(col, 1, 5, 3);
    for (std::size_t t = 0; t < n_out; ++t) EXPECT_EQ(y[t * nc + c], yc[t]);
  }
}

TEST(ResamplePoly, ReducesByGcdAndCopiesForEqualRates) {
  std::vector<double> x(90);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::cos(0.2 * static_cast<double>(i));
  EXPECT_EQ(dsp::resample_poly<double>(x, 1, 4, 6), dsp::resample_poly<double>(x, 1, 2, 3));
  EXPECT_EQ(dsp::resample_poly_filter(4, 6), dsp::resample_poly_filter(2, 3));
  EXPECT_EQ(dsp::resample_poly<double>(x, 2, 7, 7), x);
  EXPECT_EQ(dsp::resample_poly<double>(x, 1, 1, 1), x);
}

TEST(ResamplePoly, Length) {
  EXPECT_EQ(dsp::resample_poly_length(1000, 147, 160), 919u);  // ceil(918.75)
  EXPECT_EQ(dsp::resample_poly_length(10, 2, 4), 5u);
  EXPECT_EQ(dsp::resample_poly_length(11, 1, 2), 6u);
  EXPECT_EQ(dsp::resample_poly_length(11, 3, 3), 11u);
  EXPECT_EQ(dsp::resample_poly_length(0, 3, 2), 0u);
  expect_invalid([] { (void)dsp::resample_poly_length(10, 0, 2); }, "up");
  expect_invalid([] { (void)dsp::resample_poly_length(10, 2, 0); }, "down");
  expect_invalid([] { (void)dsp::resample_poly_length(std::numeric_limits<std::size_t>::max() / 2, 3, 1); },
                 "n_frames");
}

TEST(ResamplePoly, Validation) {
  const std::vector<double> x(20, 1.0);
  expect_invalid([&] { (void)dsp::resample_poly<double>(x, 1, 0, 2); }, "up");
  expect_invalid([&] { (void)dsp::resample_poly<double>(x, 1, 2, 0); }, "down");
  expect_invalid([&] { (void)dsp::resample_poly<double>(x, 1, 2, 3, -1.0); }, "kaiser_beta");
  expect_invalid([&] { (void)dsp::resample_poly<double>(x, 1, 2, 3, std::nan("")); }, "kaiser_beta");
  expect_invalid([&] { (void)dsp::resample_poly_filter(0, 3); }, "up");
  // 10 * 2^63 wraps to 0 in size_t: without the limit this returned a 1-tap filter
  expect_invalid([&] { (void)dsp::resample_poly_filter(std::size_t{1} << 63, 3); }, "up");
  expect_invalid([&] { (void)dsp::resample_poly_filter(2, (std::size_t{1} << 20) + 1); }, "down");
  expect_invalid([&] { (void)dsp::resample_poly<double>(x, 1, 1'000'000'007, 3); }, "up");
  EXPECT_EQ(dsp::resample_poly_filter(std::size_t{3} << 20, std::size_t{3} << 20).size(), 21u);  // reduced to 1/1
  for (const double t : dsp::resample_poly_filter(2, 3, 1.7e308)) EXPECT_TRUE(std::isfinite(t));  // was NaN
  expect_invalid([&] { (void)dsp::resample_poly_filter(2, 3, std::numeric_limits<double>::infinity()); },
                 "kaiser_beta");
  expect_invalid([&] { (void)dsp::resample_poly<double>(x, 0, 2, 3); }, "n_channels");
  expect_invalid([&] { (void)dsp::resample_poly<double>(x, 3, 2, 3); }, "x");
  expect_invalid([&] { (void)dsp::resample_poly<double>(std::vector<double>{}, 1, 2, 3); }, "x");
  std::vector<float> bad(20, 0.0f);
  bad[9] = std::numeric_limits<float>::infinity();
  try {
    (void)dsp::resample_poly<float>(bad, 2, 2, 3);
    ADD_FAILURE() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), "x: non-finite value at frame 4, channel 1");
  }
}

}  // namespace
