// Google Benchmark for the EMG envelope pipeline (default limb profile: 4+4 pre-filter sections, rectification,
// 2nd-order 6 Hz envelope) at 2 kHz.
//   BM_EnvelopePipelineFrame/C   per-frame latency for C channels
//   BM_EnvelopePipelineBlock/C   one second of data per call; items_per_second = frames/s; "core_fraction" is the
//                                share of one core that real-time 2 kHz input needs
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "bench_util.hpp"
#include "kinemyo/emg/envelope_pipeline.hpp"

namespace emg = kinemyo::emg;

namespace {

void BM_EnvelopePipelineFrame(benchmark::State& state) {
  const auto C = static_cast<std::size_t>(state.range(0));
  emg::EnvelopePipeline p(emg::PipelineConfig::uniform(2000.0, C));
  const std::size_t frames = 4096;
  const auto x = noise<double>(frames * C);
  std::vector<double> y(C);
  std::size_t t = 0;
  for (auto _ : state) {
    p.process_frame(&x[t * C], y.data());
    benchmark::DoNotOptimize(y.data());
    t = t + 1 == frames ? 0 : t + 1;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EnvelopePipelineFrame)->Arg(4)->Arg(16);

void BM_EnvelopePipelineBlock(benchmark::State& state) {
  const auto C = static_cast<std::size_t>(state.range(0));
  const double fs = 2000.0;
  emg::EnvelopePipeline p(emg::PipelineConfig::uniform(fs, C));
  const auto frames = static_cast<std::size_t>(fs);
  const auto x = noise<double>(frames * C);
  std::vector<double> y(x.size());
  for (auto _ : state) {
    p.process(x.data(), frames, y.data(), frames);
    benchmark::DoNotOptimize(y.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * frames));
  // Seconds of CPU per second of real-time data = core fraction.
  state.counters["core_fraction"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate |
                                                                      benchmark::Counter::kInvert);
}
BENCHMARK(BM_EnvelopePipelineBlock)->Arg(4)->Arg(16);

}  // namespace
