#pragma once
// Per-block signal-quality flags for raw surface EMG. Every threshold is a named, configurable setting; the
// defaults are engineering choices documented here, not published constants:
//   clipping       share of samples at or beyond the ADC rails (needs the rails) > 0.1 %
//   flat line      SD of the block < flat_sd (e.g. electrode off or amplifier saturated at a rail)
//   mains          power within +-1 Hz of the mains frequency and its harmonics, over the 20-450 Hz band > 0.2
//   motion         power below 20 Hz over the total power > 0.3 (movement artefact, De Luca et al. 2010 put
//                  motion-artefact energy below ~20 Hz)
//   ECG            blocks of at least 5 s: remove_ecg's contamination index > 5 % and its beats alike (mean
//                  beat-to-template correlation >= 0.3). Measured on the BioSPPy recordings: clean EMG gives
//                  correlations 0.05-0.15 (or too few beats); real ECG mixed in at -10 dB gives 0.37-0.81, 8-17 %.

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

namespace kinemyo::emg {

struct QualityConfig {
  std::optional<double> adc_min;     ///< rails of the acquisition (raw units); clipping is checked when both are set
  std::optional<double> adc_max;
  double max_clipped_fraction = 0.001;
  double flat_sd = 0.0;              ///< flat when the block's SD is <= this (raw units)
  double mains_hz = 50.0;            ///< 50 or 60
  double max_mains_ratio = 0.2;
  double max_motion_ratio = 0.3;
  double motion_cutoff_hz = 20.0;
  bool check_ecg = true;              ///< blocks of at least 5 s only
  double max_ecg_pct = 5.0;
  double min_ecg_correlation = 0.3;
};

struct QualityReport {
  double clipped_fraction = 0.0;
  double sd = 0.0;
  double mains_ratio = 0.0;   ///< power within +-1 Hz of k * mains_hz (k = 1, 2, ...) / power in 20-450 Hz
  double motion_ratio = 0.0;  ///< power below motion_cutoff_hz / total power (above 0 Hz)
  double ecg_contamination_pct = 0.0;  ///< NaN when not assessed (block < 5 s, check_ecg off, or too few beats)
  double ecg_beat_correlation = 0.0;   ///< NaN likewise
  bool clipping = false;
  bool flat = false;
  bool mains = false;
  bool motion = false;
  bool ecg = false;
  [[nodiscard]] bool ok() const noexcept { return !clipping && !flat && !mains && !motion && !ecg; }
};

/// Quality of one block of one channel (at least 1 s, so the spectrum resolves 1 Hz), from its Welch power
/// spectrum with 1 s Hann segments and 50 % overlap (constant detrend).
QualityReport assess_quality(std::span<const double> block, double fs, const QualityConfig& config);

/// The same for every channel of an interleaved (frames x channels) block.
std::vector<QualityReport> assess_quality(std::span<const double> block, std::size_t n_channels, double fs,
                                          const QualityConfig& config);

}  // namespace kinemyo::emg
