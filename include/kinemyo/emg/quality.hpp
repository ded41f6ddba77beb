#pragma once
// Per-block signal-quality flags for raw surface EMG. Every threshold is a named, configurable setting; the
// defaults are engineering choices documented here, not published constants:
//   clipping       share of samples at or beyond the ADC rails (needs the rails) > 0.1 %
//   flat line      SD of the block < flat_sd (e.g. electrode off or amplifier saturated at a rail)
//   mains          power within +-1 Hz of the mains frequency and its harmonics, over the 20-450 Hz band > 0.2
//   motion         power below 20 Hz over the total power > 0.3 (movement artefact, De Luca et al. 2010 put
//                  motion-artefact energy below ~20 Hz)

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

namespace kinemyo::emg {

struct QualityConfig {
  std::optional<double> adc_min;     // rails of the acquisition (raw units); clipping is checked when both are set
  std::optional<double> adc_max;
  double max_clipped_fraction = 0.001;
  double flat_sd = 0.0;              // flat when the block's SD is <= this (raw units)
  double mains_hz = 50.0;            // 50 or 60
  double max_mains_ratio = 0.2;
  double max_motion_ratio = 0.3;
  double motion_cutoff_hz = 20.0;
};

struct QualityReport {
  double clipped_fraction = 0.0;
  double sd = 0.0;
  double mains_ratio = 0.0;   // power within +-1 Hz of k * mains_hz (k = 1, 2, ...) / power in 20-450 Hz
  double motion_ratio = 0.0;  // power below motion_cutoff_hz / total power (above 0 Hz)
  bool clipping = false;
  bool flat = false;
  bool mains = false;
  bool motion = false;
  [[nodiscard]] bool ok() const noexcept { return !clipping && !flat && !mains && !motion; }
};

// Quality of one block of one channel (at least 1 s, so the spectrum resolves 1 Hz), from its Welch power
// spectrum with 1 s Hann segments and 50 % overlap (constant detrend).
QualityReport assess_quality(std::span<const double> block, double fs, const QualityConfig& config);

// The same for every channel of an interleaved (frames x channels) block.
std::vector<QualityReport> assess_quality(std::span<const double> block, std::size_t n_channels, double fs,
                                          const QualityConfig& config);

}  // namespace kinemyo::emg
