// Google Benchmark for gait analysis on a 10-minute bilateral foot-sensor recording at 200 Hz (synthetic, with
// noise): event detection for both feet, the stride table with zero-velocity strides and the full metric set, and
// the streaming detector per sample.
#include <benchmark/benchmark.h>

#include <vector>

#include "kinemyo/gait/events.hpp"
#include "kinemyo/gait/metrics.hpp"
#include "kinemyo/gait/synthetic.hpp"
#include "kinemyo/gait/table.hpp"

namespace g = kinemyo::gait;

namespace {

constexpr double kFs = 200.0;

const g::SyntheticGait& recording() {
  static const g::SyntheticGait s = [] {
    g::SyntheticGaitOptions o;
    o.duration = 600.0;
    o.noise = 0.05;
    o.right_offset = 0.53;
    return g::synthesize_foot_gait(kFs, {0.72, 0.40}, {0.66, 0.46}, o);
  }();
  return s;
}

std::vector<double> gravity(std::size_t n) {
  std::vector<double> a(3 * n, 0.0);
  for (std::size_t i = 0; i < n; ++i) a[3 * i + 2] = 9.81;
  return a;
}

void BM_FootEvents10MinBothFeet(benchmark::State& state) {
  const auto& s = recording();
  for (auto _ : state) {
    auto l = g::detect_foot_events(s.left_gyr, kFs, {0.0, 1.0, 0.0});
    auto r = g::detect_foot_events(s.right_gyr, kFs, {0.0, 1.0, 0.0});
    benchmark::DoNotOptimize(l.initial_contact.data());
    benchmark::DoNotOptimize(r.initial_contact.data());
  }
}
BENCHMARK(BM_FootEvents10MinBothFeet)->Unit(benchmark::kMillisecond);

void BM_StrideTableZuptAndMetrics10Min(benchmark::State& state) {
  const auto& s = recording();
  const auto acc = gravity(s.left_gyr.size() / 3);
  const auto l = g::detect_foot_events(s.left_gyr, kFs, {0.0, 1.0, 0.0});
  const auto r = g::detect_foot_events(s.right_gyr, kFs, {0.0, 1.0, 0.0});
  for (auto _ : state) {
    const auto zl = g::zupt_strides(s.left_gyr, acc, kFs, l.mid_stance);
    const auto zr = g::zupt_strides(s.right_gyr, acc, kFs, r.mid_stance);
    const auto rows = g::stride_table(g::foot_side_events(l, zl), g::foot_side_events(r, zr));
    std::vector<double> vl, vr;
    double sum = 0.0;
    for (auto member : {&g::StrideRow::stride_time, &g::StrideRow::stance_time, &g::StrideRow::swing_time,
                        &g::StrideRow::step_time, &g::StrideRow::single_support, &g::StrideRow::stride_length}) {
      vl.clear();
      vr.clear();
      for (const auto& row : rows) (row.side == g::Side::left ? vl : vr).push_back(row.*member);
      for (auto index : {g::PairIndex::symmetry_index, g::PairIndex::symmetry_index_max, g::PairIndex::symmetry_ratio,
                         g::PairIndex::symmetry_angle, g::PairIndex::absolute_difference})
        sum += g::side_index(index, vl, vr).value;
      sum += g::coefficient_of_variation(vl) + g::combined_sd(vl, vr);
    }
    sum += g::phase_coordination_index(l.initial_contact, r.initial_contact, g::Side::right).pci;
    benchmark::DoNotOptimize(sum);
  }
}
BENCHMARK(BM_StrideTableZuptAndMetrics10Min)->Unit(benchmark::kMillisecond);

void BM_FootEventDetectorPerSample(benchmark::State& state) {
  const auto& s = recording();
  g::FootEventDetector det(kFs);
  g::GaitEvent out[2];
  std::size_t i = 0;
  const std::size_t n = s.left_gyr.size() / 3;
  for (auto _ : state) {
    benchmark::DoNotOptimize(det.push(s.left_gyr[3 * i + 1], out));
    i = i + 1 == n ? 0 : i + 1;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FootEventDetectorPerSample);

}  // namespace
