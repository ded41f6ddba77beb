#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "kinemyo/emg/quality.hpp"

namespace emg = kinemyo::emg;

TEST(EmgQuality, FlagsEachProblemAndOnlyThatOne) {
  const double fs = 1000.0;
  const std::size_t n = 4000;
  std::mt19937_64 rng(1);
  std::normal_distribution<double> d;
  std::vector<double> clean(n), hum(n), motion(n), flat(n, 2048.0), clipped(n);
  for (std::size_t t = 0; t < n; ++t) {
    const double s = static_cast<double>(t) / fs;
    clean[t] = d(rng);
    hum[t] = clean[t] + 3.0 * std::sin(2 * M_PI * 50.0 * s);
    motion[t] = clean[t] + 20.0 * std::sin(2 * M_PI * 2.0 * s);
    clipped[t] = std::clamp(3.0 * clean[t], -4.0, 4.0);
  }
  emg::QualityConfig cfg;
  cfg.flat_sd = 1e-6;
  const auto ok = emg::assess_quality(clean, fs, cfg);
  EXPECT_TRUE(ok.ok());
  // White noise puts 27 of the 431 one-hertz bins of 20-450 Hz within 1 Hz of a 50 Hz harmonic: about 6 %.
  EXPECT_NEAR(ok.mains_ratio, 27.0 / 431.0, 0.02);
  EXPECT_LT(ok.motion_ratio, 0.05);
  const auto h = emg::assess_quality(hum, fs, cfg);
  EXPECT_TRUE(h.mains);
  EXPECT_FALSE(h.motion);
  EXPECT_GT(h.mains_ratio, 0.5);
  const auto m = emg::assess_quality(motion, fs, cfg);
  EXPECT_TRUE(m.motion);
  EXPECT_FALSE(m.mains);
  EXPECT_TRUE(emg::assess_quality(flat, fs, cfg).flat);
  cfg.adc_min = -4.0;
  cfg.adc_max = 4.0;
  const auto c = emg::assess_quality(clipped, fs, cfg);
  EXPECT_TRUE(c.clipping);
  EXPECT_GT(c.clipped_fraction, 0.15);
  EXPECT_FALSE(emg::assess_quality(clean, fs, cfg).clipping);
  EXPECT_THROW(emg::assess_quality(std::vector<double>(500, 0.0), fs, cfg), std::invalid_argument);
  cfg.adc_max.reset();
  EXPECT_THROW(emg::assess_quality(clean, fs, cfg), std::invalid_argument);
}
