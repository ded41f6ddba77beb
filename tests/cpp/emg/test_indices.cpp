#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "kinemyo/emg/indices.hpp"

namespace emg = kinemyo::emg;

TEST(EmgIndices, HandCheckedValues) {
  const std::vector<double> a{1.0, 2.0}, b{2.0, 2.0};
  EXPECT_DOUBLE_EQ(emg::activation_ratio(a, b), 0.75);
  // (1/2)(1 + 2) and (2/2)(2 + 2), averaged: (1.5 + 4) / 2.
  EXPECT_DOUBLE_EQ(emg::rudolph_cci(a, b), 2.75);
  // 200 * (1 + 2) / (3 + 4)
  EXPECT_DOUBLE_EQ(emg::falconer_winter_coi(a, b), 600.0 / 7.0);
  EXPECT_DOUBLE_EQ(emg::falconer_winter_coi(a, a), 100.0);
  // Means 1.5 (left) and 2 (right): 100 * (2 - 1.5) / 1.75, positive when the right side is larger, as in gait.
  EXPECT_DOUBLE_EQ(emg::symmetry_index(a, b), 100.0 * 0.5 / 1.75);
  EXPECT_DOUBLE_EQ(emg::symmetry_index(a, a), 0.0);
  const std::vector<double> zero{0.0, 0.0};
  EXPECT_DOUBLE_EQ(emg::falconer_winter_coi(a, zero), 0.0);
  EXPECT_DOUBLE_EQ(emg::rudolph_cci(zero, zero), 0.0);
  EXPECT_THROW(emg::activation_ratio(a, zero), std::domain_error);
  EXPECT_THROW(emg::falconer_winter_coi(zero, zero), std::domain_error);
  EXPECT_THROW(emg::rudolph_cci(a, std::vector<double>{1.0}), std::invalid_argument);
  EXPECT_THROW(emg::rudolph_cci(a, std::vector<double>{1.0, -1.0}), std::invalid_argument);
}

TEST(EmgIndices, SlidingWindowsAtTenHertz) {
  const double fs = 100.0;
  std::vector<double> a(300), b(300);
  for (std::size_t i = 0; i < 300; ++i) {
    a[i] = i < 150 ? 1.0 : 3.0;
    b[i] = 2.0;
  }
  const auto rows = emg::sliding_indices(a, b, fs);  // 1 s windows every 0.1 s
  ASSERT_EQ(rows.size(), 21u);
  EXPECT_DOUBLE_EQ(rows.front().t_end_s, 1.0);
  EXPECT_DOUBLE_EQ(rows.front().activation_ratio, 0.5);
  EXPECT_DOUBLE_EQ(rows.back().activation_ratio, 1.5);
  // Window [0.5, 1.5) s: a = 1 for 100 samples, then 3 for 0; window [1.0, 2.0) s: 50 samples of 1, 50 of 3.
  EXPECT_DOUBLE_EQ(rows[5].activation_ratio, 0.5);
  EXPECT_DOUBLE_EQ(rows[10].activation_ratio, (50 * 1.0 + 50 * 3.0) / 100.0 / 2.0);
  EXPECT_DOUBLE_EQ(rows.back().falconer_winter_coi, 200.0 * 2.0 / 5.0);
}

TEST(EmgIndices, FlexionRelaxationRatio) {
  // 10 Hz envelope: flexion 0-2 s with activity 1 rising to 4 at 1.5-2.0 s, full flexion 2-4 s at 0.5.
  std::vector<double> env(40, 0.5);
  for (std::size_t i = 0; i < 20; ++i) env[i] = i >= 15 ? 4.0 : 1.0;
  // Largest 0.5 s mean inside [0, 2) s is 4 (samples 15-19); full flexion mean 0.5.
  EXPECT_DOUBLE_EQ(emg::flexion_relaxation_ratio(env, 10.0, 0.0, 2.0, 2.0, 4.0), 8.0);
  EXPECT_DOUBLE_EQ(emg::flexion_relaxation_ratio(env, 10.0, 0.0, 2.0, 2.0, 4.0, 1.0), (5 * 1.0 + 5 * 4.0) / 10 / 0.5);
  EXPECT_THROW(emg::flexion_relaxation_ratio(env, 10.0, 0.0, 0.2, 2.0, 4.0), std::invalid_argument);
  EXPECT_THROW(emg::flexion_relaxation_ratio(env, 10.0, 0.0, 2.0, 2.0, 9.0), std::invalid_argument);
}
