#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "kinemyo/emg/onsets.hpp"

namespace emg = kinemyo::emg;

namespace {
// A 1 kHz envelope at 1.0 with a 0.05 ripple (SD 0.035: thresholds 1.106 on, 1.071 off, never reached at rest)
// and bursts of level 3 at [2.0, 2.5) s, [4.0, 4.02) s (shorter than 25 ms) and [6.0, 7.0) s, 8 s in all;
// channel 1 stays at rest.
std::vector<double> synthetic(std::size_t n = 8000) {
  std::vector<double> x(2 * n);
  for (std::size_t t = 0; t < n; ++t) {
    const bool burst = (t >= 2000 && t < 2500) || (t >= 4000 && t < 4020) || (t >= 6000 && t < 7000);
    const double ripple = 0.05 * std::sin(2.0 * M_PI * 7.0 * static_cast<double>(t) / 1000.0);
    x[2 * t] = (burst ? 3.0 : 1.0) + ripple;
    x[2 * t + 1] = 1.0 + ripple;
  }
  return x;
}
}  // namespace

TEST(Onsets, ThresholdFindsBurstsWithDurationRules) {
  const auto x = synthetic();
  const std::vector<double> rest(x.begin(), x.begin() + 2 * 1900);  // 1.9 s is too short
  EXPECT_THROW(emg::detect_activations(x, rest, 2, 1000.0, {}), std::invalid_argument);
  std::vector<double> rest3;
  for (std::size_t t = 0; t < 1900; ++t) rest3.insert(rest3.end(), {x[2 * t], x[2 * t + 1]});
  for (std::size_t t = 7200; t < 8000; ++t) rest3.insert(rest3.end(), {x[2 * t], x[2 * t + 1]});
  for (std::size_t t = 2600; t < 3900; ++t) rest3.insert(rest3.end(), {x[2 * t], x[2 * t + 1]});
  const auto bursts = emg::detect_activations(x, rest3, 2, 1000.0, {});
  ASSERT_EQ(bursts.size(), 2u);  // the 20 ms burst is shorter than min_on_s
  EXPECT_EQ(bursts[0].channel, 0u);
  EXPECT_EQ(bursts[0].onset_sample, 2000u);
  EXPECT_EQ(bursts[0].offset_sample, 2500u);
  EXPECT_EQ(bursts[1].onset_sample, 6000u);
  EXPECT_EQ(bursts[1].offset_sample, 7000u);
  EXPECT_DOUBLE_EQ(bursts[1].onset_s, 6.0);
  EXPECT_TRUE(bursts[1].complete);
}

TEST(Onsets, StreamingEqualsOfflineForAnyChunkingWithItsDelay) {
  const auto x = synthetic();
  std::vector<double> rest;
  for (std::size_t t = 2600; t < 5700; ++t)
    if (t < 4000 || t >= 4100) rest.insert(rest.end(), {x[2 * t], x[2 * t + 1]});
  const auto offline = emg::detect_activations(x, rest, 2, 1000.0, {});
  emg::OnsetDetector det(2, 1000.0, {});
  det.set_baseline(rest);
  std::mt19937 rng(3);
  std::uniform_int_distribution<std::size_t> chunk(1, 300);
  std::vector<emg::OnsetEvent> all, buf(700);
  for (std::size_t done = 0; done < 8000;) {
    const std::size_t n = std::min(chunk(rng), 8000 - done);
    const std::size_t k = det.process(x.data() + 2 * done, n, buf.data(), buf.size());
    all.insert(all.end(), buf.begin(), buf.begin() + static_cast<long>(k));
    done += n;
  }
  ASSERT_EQ(all.size(), 2 * offline.size());
  for (std::size_t i = 0; i < offline.size(); ++i) {
    EXPECT_TRUE(all[2 * i].onset);
    EXPECT_EQ(all[2 * i].sample, offline[i].onset_sample);
    EXPECT_EQ(all[2 * i].detected_at, offline[i].onset_sample + 24);  // 25 ms above threshold at 1 kHz
    EXPECT_NEAR(all[2 * i].detection_delay_s, 0.024, 1e-12);
    EXPECT_FALSE(all[2 * i + 1].onset);
    EXPECT_EQ(all[2 * i + 1].sample, offline[i].offset_sample);
    EXPECT_EQ(all[2 * i + 1].detected_at, offline[i].offset_sample + 49);
  }
  EXPECT_NEAR(det.minimum_detection_delay_s(), 0.024, 1e-12);
  EXPECT_EQ(det.dropped_events(), 0u);
  // A full event buffer drops and counts instead of overrunning.
  det.reset();
  EXPECT_EQ(det.process(x.data(), 8000, buf.data(), 1), 1u);
  EXPECT_EQ(det.dropped_events(), 3u);
}

TEST(Onsets, ConditionedMethodsOnBurstOfNoise) {
  // Band-limited "EMG": white noise whose SD steps from 1 to 10 at 3 s; rest = the first 3 s.
  std::mt19937_64 rng(5);
  std::normal_distribution<double> d;
  const std::size_t n = 5000;
  std::vector<double> x(n);
  for (std::size_t t = 0; t < n; ++t) x[t] = d(rng) * (t >= 3000 && t < 4000 ? 10.0 : 1.0);
  const std::vector<double> rest(x.begin(), x.begin() + 3000);
  for (auto method : {emg::OnsetMethod::tkeo, emg::OnsetMethod::hodges_bui}) {
    emg::OnsetConfig cfg;
    cfg.method = method;
    cfg.min_off_s = 0.2;
    const auto bursts = emg::detect_activations(x, rest, 1, 1000.0, cfg);
    ASSERT_EQ(bursts.size(), 1u) << static_cast<int>(method);
    // Zero-phase smoothing starts the rise a little before the true onset (it is not causal).
    EXPECT_NEAR(static_cast<double>(bursts[0].onset_sample), 3000.0, 30.0) << static_cast<int>(method);
    EXPECT_NEAR(static_cast<double>(bursts[0].offset_sample), 4000.0, 40.0) << static_cast<int>(method);
    // Streaming finds the same burst, later by the causal smoothing delay at most.
    emg::OnsetDetector det(1, 1000.0, cfg);
    det.set_baseline(rest);
    std::vector<emg::OnsetEvent> ev(16);
    const std::size_t k = det.process(x.data(), n, ev.data(), ev.size());
    ASSERT_GE(k, 1u);
    EXPECT_TRUE(ev[0].onset);
    EXPECT_NEAR(static_cast<double>(ev[0].sample), 3000.0, 25.0);
    EXPECT_GT(det.baseline_sd()[0], 0.0);
  }
}

TEST(Onsets, ValidationNamesTheField) {
  auto field_of = [](emg::OnsetConfig c) -> std::string {
    try {
      emg::OnsetDetector det(1, 1000.0, c);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what()).substr(0, std::string(e.what()).find(':'));
    }
    return "";
  };
  emg::OnsetConfig c;
  c.k_off = 4.0;
  EXPECT_EQ(field_of(c), "config.k_off");
  c = {};
  c.min_on_s = 0.0;
  EXPECT_EQ(field_of(c), "config.min_on_s");
  c = {};
  c.method = emg::OnsetMethod::tkeo;
  c.lowpass_hz = 600.0;
  EXPECT_EQ(field_of(c), "config.lowpass_hz");
  EXPECT_THROW(emg::OnsetDetector(0, 1000.0, {}), std::invalid_argument);
}

TEST(Onsets, BonatoDoubleThresholdOnWhiteNoiseBurst) {
  // White Gaussian noise (the detector's model) with SD 1, and SD 5 during [3.0, 3.5) s.
  std::mt19937_64 rng(21);
  std::normal_distribution<double> d;
  std::vector<double> x(5000);
  for (std::size_t t = 0; t < x.size(); ++t) x[t] = d(rng) * (t >= 3000 && t < 3500 ? 5.0 : 1.0);
  const std::vector<double> rest(x.begin(), x.begin() + 3000);
  emg::OnsetConfig cfg;
  cfg.method = emg::OnsetMethod::bonato;
  cfg.min_on_s = 0.1;  // longer than any false-alarm run at Pfa 0.05
  const auto bursts = emg::detect_activations(x, rest, 1, 1000.0, cfg);
  ASSERT_EQ(bursts.size(), 1u);
  EXPECT_NEAR(static_cast<double>(bursts[0].onset_sample), 3000.0, 40.0);
  EXPECT_NEAR(static_cast<double>(bursts[0].offset_sample), 3500.0, 20.0);
  // Streaming gives the same events, later by the look-ahead of m pairs at least.
  emg::OnsetDetector det(1, 1000.0, cfg);
  det.set_baseline(rest);
  std::vector<emg::OnsetEvent> ev(8);
  const std::size_t k = det.process(x.data(), 2500, ev.data(), ev.size());
  const std::size_t k2 = det.process(x.data() + 2500, 2500, ev.data() + k, ev.size() - k);
  ASSERT_EQ(k + k2, 2u);
  EXPECT_EQ(ev[0].sample, bursts[0].onset_sample);
  EXPECT_EQ(ev[1].sample, bursts[0].offset_sample);
  EXPECT_GE(ev[0].detection_delay_s, det.minimum_detection_delay_s());
  EXPECT_NEAR(det.minimum_detection_delay_s(), (100.0 - 1.0 + 8.0) / 1000.0, 1e-12);
  cfg.bonato_r0 = 6;  // more than m
  EXPECT_THROW(emg::detect_activations(x, rest, 1, 1000.0, cfg), std::invalid_argument);
}

TEST(Onsets, BaselineStatisticsGiveTheRestRecordingsActivations) {
  // The rest overload takes the rest's sample mean and SD (n - 1); given exactly those (read back from a streaming
  // detector, which computes them the same way for the unconditioned methods), the stats overload must agree.
  const auto x = synthetic();
  std::vector<double> rest;
  for (std::size_t t = 2600; t < 5700; ++t)
    if (t < 4000 || t >= 4100) rest.insert(rest.end(), {x[2 * t], x[2 * t + 1]});
  for (auto method : {emg::OnsetMethod::threshold, emg::OnsetMethod::bonato}) {
    emg::OnsetConfig cfg;
    cfg.method = method;
    emg::OnsetDetector det(2, 1000.0, cfg);
    det.set_baseline(rest);
    const auto mean = det.baseline_mean(), sd = det.baseline_sd();
    const auto from_rest = emg::detect_activations(x, rest, 2, 1000.0, cfg);
    const auto from_stats = emg::detect_activations(x, mean, sd, 2, 1000.0, cfg);
    ASSERT_FALSE(from_rest.empty()) << static_cast<int>(method);
    ASSERT_EQ(from_stats.size(), from_rest.size()) << static_cast<int>(method);
    for (std::size_t i = 0; i < from_rest.size(); ++i) {
      EXPECT_EQ(from_stats[i].channel, from_rest[i].channel);
      EXPECT_EQ(from_stats[i].onset_sample, from_rest[i].onset_sample);
      EXPECT_EQ(from_stats[i].offset_sample, from_rest[i].offset_sample);
      EXPECT_EQ(from_stats[i].onset_s, from_rest[i].onset_s);
      EXPECT_EQ(from_stats[i].offset_s, from_rest[i].offset_s);
      EXPECT_EQ(from_stats[i].complete, from_rest[i].complete);
    }
  }
}

TEST(Onsets, BaselineStatisticsAreValidatedByName) {
  const auto x = synthetic();
  auto field_of = [&](std::vector<double> mean, std::vector<double> sd) -> std::string {
    try {
      emg::detect_activations(x, mean, sd, 2, 1000.0, {});
    } catch (const std::invalid_argument& e) {
      return std::string(e.what()).substr(0, std::string(e.what()).find(':'));
    }
    return "";
  };
  EXPECT_EQ(field_of({1.0, 1.0}, {0.1, 0.1}), "");
  EXPECT_EQ(field_of({1.0}, {0.1, 0.1}), "baseline_mean");
  EXPECT_EQ(field_of({1.0, 1.0}, {0.1, 0.1, 0.1}), "baseline_sd");
  EXPECT_EQ(field_of({1.0, NAN}, {0.1, 0.1}), "baseline_mean");
  EXPECT_EQ(field_of({1.0, INFINITY}, {0.1, 0.1}), "baseline_mean");
  EXPECT_EQ(field_of({1.0, 1.0}, {0.1, 0.0}), "baseline_sd");
  EXPECT_EQ(field_of({1.0, 1.0}, {-0.1, 0.1}), "baseline_sd");
  EXPECT_EQ(field_of({1.0, 1.0}, {0.1, NAN}), "baseline_sd");
  EXPECT_EQ(field_of({1.0, 1.0}, {INFINITY, 0.1}), "baseline_sd");
}
