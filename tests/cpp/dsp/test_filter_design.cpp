#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>

#include "golden.hpp"
#include "kinemyo/dsp/filter_design.hpp"

namespace dsp = kinemyo::dsp;
using kinemyo::test::load_golden;
using kinemyo::test::max_rel_error;

namespace {

dsp::FilterKind kind_of(const std::string& s) {
  if (s == "lowpass") return dsp::FilterKind::lowpass;
  if (s == "highpass") return dsp::FilterKind::highpass;
  if (s == "bandpass") return dsp::FilterKind::bandpass;
  return dsp::FilterKind::bandstop;
}

std::vector<double> flat(const dsp::Sos& sos) {
  std::vector<double> v;
  for (const auto& s : sos) v.insert(v.end(), s.begin(), s.end());
  return v;
}

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "no exception";
}

}  // namespace

TEST(FilterDesign, ButterworthMatchesScipyForEveryOrderAndKind) {
  int checked = 0;
  for (const auto& c : load_golden("filters")) {
    if (c.id.rfind("butter", 0) != 0) continue;
    const auto sos = dsp::butterworth_sos(static_cast<int>(c.at("order").scalar()), c.at("cutoffs").values,
                                          kind_of(c.at("kind").text), c.at("fs").scalar());
    const auto& ref = c.at("sos");
    ASSERT_EQ(sos.size(), ref.shape[0]) << c.id;
    // Element-wise relative check (rtol 1e-10) with an absolute floor for coefficients that are exactly 0.
    for (std::size_t i = 0; i < ref.values.size(); ++i) {
      const double got = flat(sos)[i], want = ref.values[i];
      EXPECT_NEAR(got, want, 1e-10 * std::abs(want) + 1e-14) << c.id << " coefficient " << i;
    }
    ++checked;
  }
  EXPECT_EQ(checked, 168);
}

TEST(FilterDesign, NotchAndPeakMatchScipy) {
  for (const auto& c : load_golden("filters")) {
    const bool notch = c.id.rfind("notch", 0) == 0, peak = c.id.rfind("peak", 0) == 0;
    if (!notch && !peak) continue;
    const double f0 = c.at("f0").scalar(), q = c.at("q").scalar(), fs = c.at("fs").scalar();
    const auto sos = notch ? dsp::notch_sos(f0, q, fs) : dsp::peak_sos(f0, q, fs);
    ASSERT_EQ(sos.size(), 1u);
    std::vector<double> ba = c.at("b").values;
    ba.insert(ba.end(), c.at("a").values.begin(), c.at("a").values.end());
    EXPECT_LT(max_rel_error(flat(sos), ba), 1e-14) << c.id;
  }
}

TEST(FilterDesign, SteadyStateResponseAndGroupDelayMatchScipy) {
  for (const auto& c : load_golden("filters")) {
    if (c.id.rfind("filter", 0) != 0) continue;
    dsp::Sos sos(c.at("sos").shape[0]);
    for (std::size_t i = 0; i < sos.size(); ++i)
      for (std::size_t j = 0; j < 6; ++j) sos[i][j] = c.at("sos").values[6 * i + j];
    std::vector<double> zi;
    for (const auto& z : dsp::sosfilt_zi(sos)) zi.insert(zi.end(), z.begin(), z.end());
    EXPECT_LT(max_rel_error(zi, c.at("zi").values), 1e-12) << c.id;

    const auto& freqs = c.at("freqs").values;
    for (std::size_t i = 0; i < freqs.size(); ++i) {
      const auto h = dsp::sos_frequency_response(sos, freqs[i], 1000.0);
      EXPECT_NEAR(h.real(), c.at("h_real").values[i], 1e-12) << c.id << " f=" << freqs[i];
      EXPECT_NEAR(h.imag(), c.at("h_imag").values[i], 1e-12) << c.id << " f=" << freqs[i];
    }
    const auto& gdf = c.at("gd_freqs").values;
    for (std::size_t i = 0; i < gdf.size(); ++i) {
      const double want = c.at("gd_seconds").values[i];
      EXPECT_NEAR(dsp::sos_group_delay(sos, gdf[i], 1000.0), want, 1e-9 * std::abs(want) + 1e-12) << c.id;
    }
  }
}

TEST(FilterDesign, InvalidArgumentsNameTheParameter) {
  using dsp::FilterKind;
  EXPECT_NE(error_of([] { dsp::butterworth_sos(0, {10.0}, FilterKind::lowpass, 100.0); }).find("order"),
            std::string::npos);
  EXPECT_NE(error_of([] { dsp::butterworth_sos(25, {10.0}, FilterKind::lowpass, 100.0); }).find("order"),
            std::string::npos);
  EXPECT_NE(error_of([] { dsp::butterworth_sos(2, {0.0}, FilterKind::lowpass, 100.0); }).find("cutoffs_hz"),
            std::string::npos);
  EXPECT_NE(error_of([] { dsp::butterworth_sos(2, {-1.0}, FilterKind::highpass, 100.0); }).find("cutoffs_hz"),
            std::string::npos);
  EXPECT_NE(error_of([] { dsp::butterworth_sos(2, {50.0}, FilterKind::lowpass, 100.0); }).find("fs/2"),
            std::string::npos);
  EXPECT_NE(error_of([] { dsp::butterworth_sos(2, {30.0, 20.0}, FilterKind::bandpass, 100.0); }).find("low must"),
            std::string::npos);
  EXPECT_NE(error_of([] { dsp::butterworth_sos(2, {20.0, 20.0}, FilterKind::bandstop, 100.0); }).find("cutoffs_hz"),
            std::string::npos);
  EXPECT_NE(error_of([] { dsp::butterworth_sos(2, {20.0}, FilterKind::bandpass, 100.0); }).find("two frequencies"),
            std::string::npos);
  EXPECT_NE(error_of([] { dsp::butterworth_sos(2, {20.0}, FilterKind::lowpass, 0.0); }).find("fs"),
            std::string::npos);
  EXPECT_NE(error_of([] { dsp::butterworth_sos(2, {NAN}, FilterKind::lowpass, 100.0); }).find("cutoffs_hz"),
            std::string::npos);
  EXPECT_NE(error_of([] { dsp::notch_sos(60.0, 30.0, 100.0); }).find("f0_hz"), std::string::npos);
  EXPECT_NE(error_of([] { dsp::notch_sos(10.0, 0.0, 100.0); }).find("q"), std::string::npos);
  EXPECT_NE(error_of([] { dsp::validate_sos({}); }).find("sos"), std::string::npos);
  EXPECT_NE(error_of([] { dsp::validate_sos({dsp::Section{1, 0, 0, 2, 0, 0}}); }).find("a0"), std::string::npos);
  EXPECT_THROW(dsp::sos_group_delay(dsp::butterworth_sos(2, {10.0}, FilterKind::highpass, 100.0), 0.0, 100.0),
               std::domain_error);
}

TEST(FilterDesign, LowestCutoffIsTheRelativeBound) {
  // At fs = 1e12 the bound is 1 kHz: designed at it, refused just below it, the error naming the parameter.
  const double fs = 1e12, f_min = dsp::kMinRelativeCutoff * fs;
  EXPECT_EQ(dsp::butterworth_sos(2, {f_min}, dsp::FilterKind::highpass, fs).size(), 1u);
  EXPECT_NO_THROW(dsp::require_cutoff("f", f_min, fs));
  const std::string below = error_of([&] { dsp::butterworth_sos(2, {0.99 * f_min}, dsp::FilterKind::highpass, fs); });
  EXPECT_EQ(below.rfind("cutoffs_hz: must be at least", 0), 0u) << below;
  EXPECT_EQ(error_of([&] { dsp::require_cutoff("channels[3].lowpass_hz", 0.5 * f_min, fs); })
                .rfind("channels[3].lowpass_hz:", 0),
            0u);
  EXPECT_EQ(error_of([] { dsp::require_cutoff("lowpass_hz", 50.0, 100.0); }).rfind("lowpass_hz: must satisfy", 0), 0u);
}

TEST(FilterDesign, ButterworthIsMinus3dBAtCutoff) {
  const double fs = 2000.0;
  for (int order = 1; order <= 10; ++order) {
    const auto lp = dsp::butterworth_sos(order, {6.0}, dsp::FilterKind::lowpass, fs);
    EXPECT_NEAR(std::abs(dsp::sos_frequency_response(lp, 6.0, fs)), std::sqrt(0.5), 1e-9);
    EXPECT_NEAR(std::abs(dsp::sos_frequency_response(lp, 0.0, fs)), 1.0, 1e-9);
    const auto bp = dsp::butterworth_sos(order, {20.0, 450.0}, dsp::FilterKind::bandpass, fs);
    EXPECT_NEAR(std::abs(dsp::sos_frequency_response(bp, 20.0, fs)), std::sqrt(0.5), 1e-9);
    EXPECT_NEAR(std::abs(dsp::sos_frequency_response(bp, 450.0, fs)), std::sqrt(0.5), 1e-9);
  }
}
