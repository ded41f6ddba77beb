// Streaming biofeedback loop: replays a surface-EMG recording (BioSPPy simple-text format) in 20 ms blocks, as an
// acquisition callback would deliver it, through the real-time envelope pipeline (display rate 50 Hz) and a
// target zone normalised to the recording's rest level, and prints the zone changes and the cost per block.
//   biofeedback_loop <emg.txt>
#include <kinemyo/kinemyo.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace emg = kinemyo::emg;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <emg.txt (BioSPPy simple text)>\n", argv[0]);
    return 2;
  }
  std::ifstream in(argv[1]);
  if (!in) {
    std::fprintf(stderr, "cannot open %s\n", argv[1]);
    return 2;
  }
  double fs = 0.0;
  std::vector<double> x;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind('#', 0) == 0) {
      const auto pos = line.find("Sampling Rate (Hz):=");
      if (pos != std::string::npos) fs = std::stod(line.substr(pos + 20));
      continue;
    }
    std::istringstream fields(line);
    double v = 0.0, last = 0.0;
    bool any = false;
    while (fields >> v) {
      last = v;
      any = true;
    }
    if (any) x.push_back(last);
  }
  if (!(fs > 0.0) || x.empty()) {
    std::fprintf(stderr, "%s: no sampling rate or no samples\n", argv[1]);
    return 2;
  }
  auto config = emg::PipelineConfig::uniform(fs, 1);
  config.output_rate_hz = 50.0;
  emg::EnvelopePipeline pipeline(config);  // validates and allocates here, never in process()

  // Rest level from the first 3 s (offline, before the session): the zone is 2..10 times it.
  const std::size_t rest_n = std::min<std::size_t>(x.size(), static_cast<std::size_t>(3 * fs));
  const auto rest_env = emg::offline_envelope<double>(config, std::span<const double>(x.data(), rest_n));
  double rest = 0.0;
  for (double v : rest_env) rest += v;
  rest /= static_cast<double>(rest_env.size());
  emg::TargetZoneTracker zones({{2.0 * rest, 10.0 * rest, 0.2 * rest, 0.2}}, pipeline.output_rate_hz(), 10.0);

  const auto block = static_cast<std::size_t>(0.02 * fs);
  std::vector<double> out(pipeline.output_frames_for(block) + 1);
  std::vector<emg::ZoneEvent> events(16);
  std::size_t n_events = 0;
  double worst_us = 0.0;
  for (std::size_t start = 0; start < x.size(); start += block) {
    const std::size_t n = std::min(block, x.size() - start);
    const auto t0 = std::chrono::steady_clock::now();
    const std::size_t m = pipeline.process(x.data() + start, n, out.data(), out.size());
    const std::size_t k = zones.process(out.data(), m, events.data(), events.size());
    worst_us = std::max(worst_us, std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
    for (std::size_t i = 0; i < k; ++i)
      if (events[i].to == emg::ZoneState::inside) {
        std::printf("t = %6.2f s  entered the target zone\n", static_cast<double>(start) / fs);
        ++n_events;
      }
  }
  std::printf("%zu samples at %.0f Hz, %zu zone entries, latency %.1f ms, worst block %.1f us (block = %.0f ms)\n",
              x.size(), fs, n_events, pipeline.latency_ms(0), worst_us, 1e3 * static_cast<double>(block) / fs);
  return n_events > 0 ? 0 : 1;
}
