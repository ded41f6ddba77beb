// Google Benchmark for the orientation filters: time per sample (one update) at 286 Hz on IMU-like input
// (rotation of about 0.5 rad/s per axis, gravity and a 45 uT field with noise).
//   BM_RobustFilter9D / 6D, BM_Madgwick9D / 6D, BM_Mahony9D / 6D
#include <benchmark/benchmark.h>

#include <vector>

#include "bench_util.hpp"
#include "kinemyo/imu/classic_filters.hpp"
#include "kinemyo/imu/robust_filter.hpp"

namespace imu = kinemyo::imu;

namespace {

struct Samples {
  std::vector<imu::Vec3> gyr, acc, mag;
  Samples() {
    const std::size_t n = 4096;
    const auto z = noise<double>(9 * n);
    for (std::size_t i = 0; i < n; ++i) {
      gyr.emplace_back(0.5 * z[9 * i], 0.5 * z[9 * i + 1], 0.5 * z[9 * i + 2]);
      acc.emplace_back(0.3 * z[9 * i + 3], 0.3 * z[9 * i + 4], 9.81 + 0.3 * z[9 * i + 5]);
      mag.emplace_back(0.5 * z[9 * i + 6], 20.0 + 0.5 * z[9 * i + 7], -40.0 + 0.5 * z[9 * i + 8]);
    }
  }
};
const Samples& samples() {
  static const Samples s;
  return s;
}

template <class Filter, bool WithMag>
void run(benchmark::State& state, Filter& f) {
  const auto& s = samples();
  const double dt = 1.0 / 285.714;
  std::size_t i = 0;
  for (auto _ : state) {
    if constexpr (WithMag) f.update(dt, s.gyr[i], s.acc[i], s.mag[i]);
    else f.update(dt, s.gyr[i], s.acc[i]);
    benchmark::ClobberMemory();
    i = i + 1 == s.gyr.size() ? 0 : i + 1;
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_RobustFilter9D(benchmark::State& state) {
  imu::RobustFilter f;
  run<imu::RobustFilter, true>(state, f);
}
void BM_RobustFilter6D(benchmark::State& state) {
  imu::RobustFilter f;
  run<imu::RobustFilter, false>(state, f);
}
void BM_Madgwick9D(benchmark::State& state) {
  imu::MadgwickFilter f;
  run<imu::MadgwickFilter, true>(state, f);
}
void BM_Madgwick6D(benchmark::State& state) {
  imu::MadgwickFilter f;
  run<imu::MadgwickFilter, false>(state, f);
}
void BM_Mahony9D(benchmark::State& state) {
  imu::MahonyFilter f;
  run<imu::MahonyFilter, true>(state, f);
}
void BM_Mahony6D(benchmark::State& state) {
  imu::MahonyFilter f;
  run<imu::MahonyFilter, false>(state, f);
}
BENCHMARK(BM_RobustFilter9D);
BENCHMARK(BM_RobustFilter6D);
BENCHMARK(BM_Madgwick9D);
BENCHMARK(BM_Madgwick6D);
BENCHMARK(BM_Mahony9D);
BENCHMARK(BM_Mahony6D);

}  // namespace
