// analytic_signal, hilbert_envelope and welch against SciPy golden vectors (tests/golden/gen_spectral.py).

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdio>
#include <functional>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>
#include <vector>

#include "golden.hpp"
#include "kinemyo/dsp/spectral.hpp"

namespace {

namespace dsp = kinemyo::dsp;
using kinemyo::test::GoldenCase;
using kinemyo::test::load_golden;
using kinemyo::test::max_rel_error;
using kinemyo::test::record_error;
using kinemyo::test::starts_with;

const std::vector<GoldenCase>& spectral_cases() {
  static const std::vector<GoldenCase> cases = load_golden("spectral");
  return cases;
}


std::size_t channels_of(const GoldenCase& c) { return c.at("x").shape.at(1); }

// Runs f, which must throw std::invalid_argument whose message starts with "<parameter>: ".
void expect_invalid(const std::function<void()>& f, const std::string& parameter) {
  try {
    f();
    ADD_FAILURE() << "expected std::invalid_argument naming " << parameter;
  } catch (const std::invalid_argument& e) {
    EXPECT_TRUE(starts_with(e.what(), parameter + ": ")) << e.what();
  }
}

std::vector<float> to_float(const std::vector<double>& v) { return std::vector<float>(v.begin(), v.end()); }
std::vector<double> to_double(const std::vector<float>& v) { return std::vector<double>(v.begin(), v.end()); }

dsp::WelchOptions options_of(const GoldenCase& c) {
  dsp::WelchOptions o;
  o.nperseg = static_cast<std::size_t>(c.at("nperseg").scalar());
  o.noverlap = static_cast<std::size_t>(c.at("noverlap").scalar());
  o.nfft = static_cast<std::size_t>(c.at("nfft").scalar());
  const std::string d = c.at("detrend").text;
  o.detrend = d == "linear" ? dsp::Detrend::linear : d == "none" ? dsp::Detrend::none : dsp::Detrend::constant;
  o.scaling = c.at("scaling").text == "spectrum" ? dsp::SpectralScaling::spectrum : dsp::SpectralScaling::density;
  return o;
}

TEST(SpectralHilbert, MatchesScipyHilbert) {
  int n_cases = 0;
  for (const auto& c : spectral_cases()) {
    if (!starts_with(c.id, "hilbert_")) continue;
    ++n_cases;
    const auto& x = c.at("x").values;
    const std::size_t nc = channels_of(c);
    const auto z = dsp::analytic_signal<double>(x, nc);
    ASSERT_EQ(z.size(), x.size()) << c.id;
    std::vector<double> re(z.size()), im(z.size()), env_ref(z.size());
    for (std::size_t i = 0; i < z.size(); ++i) {
      re[i] = z[i].real();
      im[i] = z[i].imag();
      env_ref[i] = std::hypot(c.at("re").values[i], c.at("im").values[i]);
    }
    const double err_re = max_rel_error(re, c.at("re").values);
    const double err_im = max_rel_error(im, c.at("im").values);
    EXPECT_LT(err_re, 1e-10) << c.id;
    EXPECT_LT(err_im, 1e-10) << c.id;
    const auto env = kinemyo::test::into<double>(x, [&](auto xs, auto ys) { dsp::hilbert_envelope(xs, ys, nc); });
    const double err_env = max_rel_error(env, env_ref);
    EXPECT_LT(err_env, 1e-10) << c.id;
    record_error(c.id, std::max({err_re, err_im, err_env}));
  }
  EXPECT_GE(n_cases, 5);
}

TEST(SpectralHilbert, FloatPathMatchesDoubleOnSameInput) {
  for (const auto& c : spectral_cases()) {
    if (!starts_with(c.id, "hilbert_")) continue;
    const std::size_t nc = channels_of(c);
    const auto xf = to_float(c.at("x").values);
    const auto xd = to_double(xf);
    const auto zf = dsp::analytic_signal<float>(xf, nc);
    const auto zd = dsp::analytic_signal<double>(xd, nc);
    ASSERT_EQ(zf.size(), zd.size());
    std::vector<double> a, b;
    for (std::size_t i = 0; i < zf.size(); ++i) {
      a.push_back(zf[i].real());
      a.push_back(zf[i].imag());
      b.push_back(zd[i].real());
      b.push_back(zd[i].imag());
    }
    EXPECT_LT(max_rel_error(a, b), 1e-6) << c.id;
    const auto ef = kinemyo::test::into<float>(xf, [&](auto xs, auto ys) { dsp::hilbert_envelope(xs, ys, nc); });
    const auto ed = kinemyo::test::into<double>(xd, [&](auto xs, auto ys) { dsp::hilbert_envelope(xs, ys, nc); });
    EXPECT_LT(max_rel_error(to_double(ef), ed), 1e-6) << c.id;
    // Against SciPy's double result, the float path is within float rounding of the input.
    std::vector<double> re(zf.size());
    for (std::size_t i = 0; i < zf.size(); ++i) re[i] = zf[i].real();
    EXPECT_LT(max_rel_error(re, c.at("re").values), 1e-5) << c.id;
  }
}

TEST(SpectralHilbert, EnvelopeOfCosineIsItsAmplitude) {
  // A whole number of periods: the Hilbert transform of cos is sin exactly, so the envelope is flat.
  const std::size_t n = 400;
  std::vector<double> x(2 * n);
  for (std::size_t t = 0; t < n; ++t) {
    x[2 * t] = 3.0 * std::cos(2.0 * std::numbers::pi * 10.0 * static_cast<double>(t) / n);
    x[2 * t + 1] = 0.5 * std::sin(2.0 * std::numbers::pi * 7.0 * static_cast<double>(t) / n + 0.4);
  }
  const auto env = kinemyo::test::into<double>(x, [&](auto xs, auto ys) { dsp::hilbert_envelope(xs, ys, 2); });
  for (std::size_t t = 0; t < n; ++t) {
    EXPECT_NEAR(env[2 * t], 3.0, 1e-12);
    EXPECT_NEAR(env[2 * t + 1], 0.5, 1e-12);
  }
}

TEST(SpectralHilbert, Validation) {
  const std::vector<double> ok(10, 1.0);
  expect_invalid([&] { (void)dsp::analytic_signal<double>(ok, 0); }, "n_channels");
  expect_invalid([&] { (void)dsp::analytic_signal<double>(ok, 3); }, "x");
  expect_invalid([&] { (void)kinemyo::test::into<double>(std::vector<double>{}, [&](auto xs, auto ys) { dsp::hilbert_envelope(xs, ys, 1); }); }, "x");
  std::vector<float> bad(12, 0.0f);
  bad[7] = std::numeric_limits<float>::quiet_NaN();
  try {
    (void)kinemyo::test::into<float>(bad, [&](auto xs, auto ys) { dsp::hilbert_envelope(xs, ys, 3); });
    ADD_FAILURE() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), "x: non-finite value at frame 2, channel 1");
  }
}

TEST(SpectralWelch, MatchesScipyWelch) {
  int n_cases = 0;
  for (const auto& c : spectral_cases()) {
    if (!starts_with(c.id, "welch_")) continue;
    ++n_cases;
    const std::size_t nc = channels_of(c);
    const auto r = dsp::welch<double>(c.at("x").values, nc, c.at("fs").scalar(), options_of(c));
    EXPECT_EQ(r.n_channels, nc);
    ASSERT_EQ(r.psd.size(), c.at("psd").values.size()) << c.id;
    ASSERT_EQ(r.frequencies_hz.size(), c.at("f").values.size()) << c.id;
    EXPECT_LT(max_rel_error(r.frequencies_hz, c.at("f").values), 1e-15) << c.id;
    const double err = max_rel_error(r.psd, c.at("psd").values);
    EXPECT_LT(err, 1e-10) << c.id;
    record_error(c.id, err);
  }
  EXPECT_GE(n_cases, 6);
}

TEST(SpectralWelch, FloatPath) {
  for (const auto& c : spectral_cases()) {
    if (!starts_with(c.id, "welch_")) continue;
    const std::size_t nc = channels_of(c);
    const auto xf = to_float(c.at("x").values);
    const auto rf = dsp::welch<float>(xf, nc, c.at("fs").scalar(), options_of(c));
    const auto rd = dsp::welch<double>(to_double(xf), nc, c.at("fs").scalar(), options_of(c));
    EXPECT_EQ(rf.frequencies_hz, rd.frequencies_hz) << c.id;
    EXPECT_LT(max_rel_error(to_double(rf.psd), rd.psd), 1e-6) << c.id;
    EXPECT_LT(max_rel_error(to_double(rf.psd), c.at("psd").values), 1e-5) << c.id;
  }
}

TEST(SpectralWelch, DefaultsAreHalfOverlapAndNfftEqualNperseg) {
  std::vector<double> x(1000);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::sin(0.1 * static_cast<double>(i)) + 1e-3 * (i % 7);
  dsp::WelchOptions implicit;
  implicit.nperseg = 128;
  dsp::WelchOptions explicit_;
  explicit_.nperseg = 128;
  explicit_.noverlap = 64;
  explicit_.nfft = 128;
  const auto a = dsp::welch<double>(x, 1, 50.0, implicit);
  const auto b = dsp::welch<double>(x, 1, 50.0, explicit_);
  EXPECT_EQ(a.psd, b.psd);
  EXPECT_EQ(a.frequencies_hz.size(), 65u);
  EXPECT_DOUBLE_EQ(a.frequencies_hz.back(), 25.0);
}

TEST(SpectralWelch, LinearDetrendRemovesARamp) {
  std::vector<double> x(256);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = 2.0 + 0.25 * static_cast<double>(i);
  dsp::WelchOptions o;
  o.nperseg = 64;
  o.detrend = dsp::Detrend::linear;
  const auto r = dsp::welch<double>(x, 1, 1.0, o);
  for (double p : r.psd) EXPECT_LT(p, 1e-20);
}

TEST(SpectralWelch, ParsevalForSpectrumScalingOfTone) {
  // A bin-centred tone of amplitude A with a Hann window: the 'spectrum' scaling gives A^2/2 at its bin.
  const std::size_t n = 1024, nperseg = 256;
  const double fs = 256.0, f0 = 32.0, amp = 1.5;
  std::vector<double> x(n);
  for (std::size_t i = 0; i < n; ++i)
    x[i] = amp * std::cos(2.0 * std::numbers::pi * f0 * static_cast<double>(i) / fs);
  dsp::WelchOptions o;
  o.nperseg = nperseg;
  o.scaling = dsp::SpectralScaling::spectrum;
  const auto r = dsp::welch<double>(x, 1, fs, o);
  EXPECT_NEAR(r.psd[32], amp * amp / 2.0, 1e-12);
  EXPECT_DOUBLE_EQ(r.frequencies_hz[32], f0);
}

TEST(SpectralWelch, Validation) {
  const std::vector<double> x(100, 0.5);
  dsp::WelchOptions o;
  o.nperseg = 32;
  EXPECT_NO_THROW((void)dsp::welch<double>(x, 1, 10.0, o));
  EXPECT_NO_THROW((void)dsp::welch<double>(x, 1, 10.0, [] { dsp::WelchOptions p; p.nperseg = 100; return p; }()));

  for (double fs : {0.0, -1.0, std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN()})
    expect_invalid([&] { (void)dsp::welch<double>(x, 1, fs, o); }, "fs");

  auto with = [&](auto edit) {
    dsp::WelchOptions p = o;
    edit(p);
    return p;
  };
  expect_invalid([&] { (void)dsp::welch<double>(x, 1, 10.0, with([](auto& p) { p.nperseg = 0; })); }, "nperseg");
  try {
    (void)dsp::welch<double>(x, 1, 10.0, with([](auto& p) { p.nperseg = 256; }));
    ADD_FAILURE() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), "nperseg: must be <= signal length 100, got 256");
  }
  // 100 values in 2 channels are only 50 frames.
  expect_invalid([&] { (void)dsp::welch<double>(x, 2, 10.0, with([](auto& p) { p.nperseg = 51; })); }, "nperseg");
  expect_invalid([&] { (void)dsp::welch<double>(x, 1, 10.0, with([](auto& p) { p.noverlap = 32; })); },
                 "noverlap");
  expect_invalid([&] { (void)dsp::welch<double>(x, 1, 10.0, with([](auto& p) { p.nfft = 31; })); }, "nfft");
  expect_invalid([&] { (void)dsp::welch<double>(x, 0, 10.0, o); }, "n_channels");
  expect_invalid([&] { (void)dsp::welch<double>(x, 3, 10.0, o); }, "x");
  expect_invalid([&] { (void)dsp::welch<double>(std::vector<double>{}, 1, 10.0, o); }, "x");
  expect_invalid([&] { (void)dsp::welch<double>(x, 1, 10.0, with([](auto& p) { p.detrend = dsp::Detrend{7}; })); },
                 "detrend");

  std::vector<double> bad = x;
  bad[41] = -std::numeric_limits<double>::infinity();
  try {
    (void)dsp::welch<double>(bad, 2, 10.0, o);
    ADD_FAILURE() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), "x: non-finite value at frame 20, channel 1");
  }
}

}  // namespace
