// Google Benchmark for the real-time DSP core. Run: build/bench/kinemyo_bench
//   BM_SosFilterFrame/16        per-frame latency of the EMG band-pass + envelope chain, 16 channels
//   BM_SosFilterBlock<T>/C      block throughput (frames/s in items_per_second) for C = 1, 8, 16, 64 channels
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "bench_util.hpp"
#include "kinemyo/dsp.hpp"

namespace dsp = kinemyo::dsp;

namespace {

// The EMG chain of the issue: 4th-order 20-450 Hz band-pass (4 sections) then a 2nd-order 6 Hz low-pass.
dsp::Sos emg_chain() {
  auto sos = dsp::butterworth_sos(4, {20.0, 450.0}, dsp::FilterKind::bandpass, 2000.0);
  const auto lp = dsp::butterworth_sos(2, {6.0}, dsp::FilterKind::lowpass, 2000.0);
  sos.insert(sos.end(), lp.begin(), lp.end());
  return sos;
}

void BM_SosFilterFrame(benchmark::State& state) {
  const auto C = static_cast<std::size_t>(state.range(0));
  dsp::SosFilter f(emg_chain(), C);
  const std::size_t frames = 4096;
  const auto x = noise<float>(frames * C);
  std::vector<float> y(C);
  std::size_t t = 0;
  for (auto _ : state) {
    f.process_frame(&x[t * C], y.data());
    benchmark::DoNotOptimize(y.data());
    t = t + 1 == frames ? 0 : t + 1;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SosFilterFrame)->Arg(16);

template <class T>
void BM_SosFilterBlock(benchmark::State& state) {
  const auto C = static_cast<std::size_t>(state.range(0));
  const std::size_t frames = 2000;  // one second at 2 kHz
  dsp::SosFilter f(emg_chain(), C);
  const auto x = noise<T>(frames * C);
  std::vector<T> y(x.size());
  for (auto _ : state) {
    f.process_interleaved(x.data(), y.data(), frames);
    benchmark::DoNotOptimize(y.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * frames));
  state.counters["channel_samples/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * frames * C), benchmark::Counter::kIsRate);
}
BENCHMARK_TEMPLATE(BM_SosFilterBlock, float)->Arg(1)->Arg(8)->Arg(16)->Arg(64);
BENCHMARK_TEMPLATE(BM_SosFilterBlock, double)->Arg(1)->Arg(8)->Arg(16)->Arg(64);

void BM_MovingRms(benchmark::State& state) {
  const std::size_t C = 16, frames = 2000;
  dsp::MovingWindow w(200, C, dsp::WindowStatistic::rms);
  const auto x = noise<double>(frames * C);
  std::vector<double> y(x.size());
  for (auto _ : state) {
    w.process_interleaved(x.data(), y.data(), frames);
    benchmark::DoNotOptimize(y.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * frames));
}
BENCHMARK(BM_MovingRms);

}  // namespace
