#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "kinemyo/emg/biofeedback.hpp"

namespace emg = kinemyo::emg;

namespace {
std::vector<emg::ZoneEvent> run(emg::TargetZoneTracker& z, const std::vector<double>& v) {
  std::vector<emg::ZoneEvent> ev(64);
  ev.resize(z.process(v.data(), v.size() / z.n_channels(), ev.data(), ev.size()));
  return ev;
}
}  // namespace

TEST(TargetZones, HysteresisDwellAndDisplayRate) {
  // 1 kHz input, 50 Hz display (every 20th sample), zone 20-40 %, hysteresis 2 %, dwell 0.1 s (5 display ticks).
  emg::TargetZoneTracker z({{20.0, 40.0, 2.0, 0.1}}, 1000.0, 50.0);
  std::vector<double> v;
  auto hold = [&](double value, double seconds) { v.insert(v.end(), static_cast<std::size_t>(seconds * 1000), value); };
  hold(30.0, 0.5);   // inside from the first tick
  hold(41.0, 0.5);   // above upper but within the hysteresis band: stays inside
  hold(43.0, 0.05);  // above for 50 ms: shorter than the dwell, no event
  hold(30.0, 0.3);
  hold(43.0, 0.5);   // above for good
  hold(39.0, 0.5);   // back under upper but not by the hysteresis: stays above
  hold(10.0, 0.5);   // straight to below
  const auto ev = run(z, v);
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[0].from, emg::ZoneState::unknown);
  EXPECT_EQ(ev[0].to, emg::ZoneState::inside);
  EXPECT_EQ(ev[0].sample, 0u);
  EXPECT_EQ(ev[1].to, emg::ZoneState::above);
  // 43 starts at sample 1350; display ticks at 1360, 1380, ...: the 6th tick with 43 reports it.
  EXPECT_EQ(ev[1].sample, 1360u + 5u * 20u);
  EXPECT_EQ(ev[2].from, emg::ZoneState::above);
  EXPECT_EQ(ev[2].to, emg::ZoneState::below);
  EXPECT_NEAR(ev[2].time_s, 2.36 + 0.1, 1e-12);
  EXPECT_EQ(z.state(0), emg::ZoneState::below);
}

TEST(TargetZones, ChunkInvariantIgnoresNaNAndValidates) {
  std::vector<double> v;
  for (int i = 0; i < 4000; ++i) v.push_back(30.0 + 15.0 * std::sin(i * 0.003));
  v[1000] = std::numeric_limits<double>::quiet_NaN();
  emg::TargetZoneTracker a({{20.0, 40.0, 1.0, 0.05}}, 1000.0, 100.0), b({{20.0, 40.0, 1.0, 0.05}}, 1000.0, 100.0);
  const auto whole = run(a, v);
  std::vector<emg::ZoneEvent> parts;
  for (std::size_t i = 0; i < v.size(); i += 333) {
    std::vector<double> chunk(v.begin() + static_cast<long>(i), v.begin() + static_cast<long>(std::min(v.size(), i + 333)));
    const auto ev = run(b, chunk);
    parts.insert(parts.end(), ev.begin(), ev.end());
  }
  ASSERT_EQ(parts.size(), whole.size());
  for (std::size_t i = 0; i < whole.size(); ++i) EXPECT_EQ(parts[i].sample, whole[i].sample);
  EXPECT_GE(whole.size(), 3u);
  EXPECT_THROW(emg::TargetZoneTracker({{40.0, 20.0, 0.0, 0.0}}, 1000.0, 50.0), std::invalid_argument);
  EXPECT_THROW(emg::TargetZoneTracker({{20.0, 40.0, 10.0, 0.0}}, 1000.0, 50.0), std::invalid_argument);
  EXPECT_THROW(emg::TargetZoneTracker({{20.0, 40.0, 1.0, 0.0}}, 1000.0, 300.0), std::invalid_argument);
}
