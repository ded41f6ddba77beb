#pragma once
// Removal of the heartbeat (ECG) from trunk surface EMG, offline. Paraspinal EMG carries the ECG, whose QRS
// energy lies mostly below 30 Hz but overlaps the EMG band; high-pass filtering at 30 Hz removes EMG with it.
// Template subtraction keeps that EMG (Drake & Callaghan, J Electromyogr Kinesiol 16:175, 2006, found it and a
// 30 Hz high-pass the best of 23 methods): detect the R peaks, average the aligned beats into a running template,
// subtract it beat by beat. Gating (interpolating across each QRS) is the fallback when too few beats are found.

#include "kinemyo/dsp/non_finite.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace kinemyo::emg {

enum class EcgRemovalMethod { template_subtraction, gating };

struct EcgRemovalConfig {
  EcgRemovalMethod method = EcgRemovalMethod::template_subtraction;
  double pre_s = 0.10;             ///< beat window before the R peak
  double post_s = 0.15;            ///< and after it
  std::size_t template_beats = 30; ///< beats averaged into each beat's template (centred running average)
  double max_shift_s = 0.010;      ///< beats are aligned to the template by cross-correlation within +- this
  double gate_half_width_s = 0.05; ///< gating: samples within +- this of the R peak are interpolated
  std::size_t min_beats = 5;       ///< fewer detected beats: fall back to gating
  /// QRS detection (Pan & Tompkins, IEEE Trans Biomed Eng 32:230, 1985, family): band-pass, squared derivative,
  /// moving integration, a threshold relative to the integrated signal's 99th percentile, a refractory period.
  double qrs_low_hz = 5.0;
  double qrs_high_hz = 20.0;
  double integration_s = 0.10;
  double threshold_fraction = 0.35;
  double refractory_s = 0.25;
};

/// R-peak sample indices in one channel (a reference ECG, or trunk EMG whose ECG dominates its low frequencies).
std::vector<std::size_t> detect_qrs(std::span<const double> signal, double fs, const EcgRemovalConfig& config);

struct EcgRemovalResult {
  std::vector<double> cleaned;               ///< frames x channels, the input minus the ECG estimate
  std::vector<double> ecg_estimate;          ///< frames x channels, what was removed
  std::vector<std::size_t> r_peaks;          ///< the beats used
  std::vector<double> contamination_pct;     ///< per channel: 100 * energy(estimate) / energy(input above 1 Hz)
  std::vector<bool> gated;                   ///< per channel: the gating fallback was used
  /// Per channel: mean Pearson correlation of each aligned beat with the average of the other beats (template
  /// subtraction only, else NaN). Near 1 for a real, repeating ECG; near 0 when the "beats" are EMG fluctuations.
  std::vector<double> beat_correlation;
};

/// Removes the ECG from every channel of `emg` (interleaved frames x channels, finite). R peaks come from
/// `ecg_reference` (one channel, same length and rate) when given, else from the channel with the largest
/// low-frequency (QRS-band) power.
EcgRemovalResult remove_ecg(std::span<const double> emg, std::size_t n_channels, double fs,
                            std::optional<std::span<const double>> ecg_reference, const EcgRemovalConfig& config);

/// Streaming ECG removal, for trunk channels of a live pipeline. Each channel finds its own R peaks causally (QRS
/// band-pass, squared derivative, moving integration, a threshold at threshold_fraction of a running average of
/// recent beat peaks, learnt over the first 2 s, and the refractory period) and subtracts the least-squares-scaled
/// running average of its last template_beats aligned beats (gating until min_beats beats are known). The output is
/// the input high-passed at 1 Hz (baseline removal) minus the ECG estimate, delayed by latency_samples() =
/// pre + post + 2 max_shift + the detector's allowance: a beat must be detected and its window complete before the
/// window leaves the delay line. Validates and allocates in the constructor; process never allocates or throws and
/// gives the same output for any split of the input. Beats found later than the delay allows are skipped (counted).
/// Faults heal: invalid samples (non-finite or beyond input.max_abs) are handled by `input`'s policy before any
/// state; a region whose peak is more than 4x the running beat level moves that level by at most 4x (one artefact
/// cannot lift the threshold out of reach); with no beat for 2 s the threshold is re-learnt from the last 2 s, as
/// at the start (Pan & Tompkins' search-back, simplified); and a beat more than 8x the template's amplitude is an
/// artefact: it is neither stored in the template nor subtracted. Settling time after a fault: the tail of the 1 Hz
/// high-pass (time constant 0.23 s) until it is below the beats, then at most 2 s to re-arm detection; measured on
/// the BioSPPy ECG (tests/python/app/test_streaming_faults.py): under 1 s after a single sample 67x the QRS, 4.6 s
/// after a 1e12 spike (set max_abs to the amplifier's range to reject such spikes outright).
class EcgRemover {
 public:
  EcgRemover(std::size_t n_channels, double fs, const EcgRemovalConfig& config, dsp::InputPolicy input = {});
  ~EcgRemover();
  EcgRemover(EcgRemover&&) noexcept;
  EcgRemover& operator=(EcgRemover&&) noexcept;

  /// Interleaved (frames x channels); out[t] is the cleaned input sample t - latency_samples() (0 before the start).
  /// `out` may equal `in`.
  void process(const double* in, double* out, std::size_t n_frames) noexcept;
  void reset() noexcept;

  [[nodiscard]] std::size_t latency_samples() const noexcept;
  [[nodiscard]] double latency_s() const noexcept;
  [[nodiscard]] std::size_t n_channels() const noexcept;
  [[nodiscard]] std::uint64_t beats(std::size_t channel) const;          ///< beats subtracted (or gated)
  [[nodiscard]] std::uint64_t late_beats(std::size_t channel) const;     ///< detected too late to subtract
  /// Invalid input samples (non-finite or beyond max_abs) replaced since construction or reset(), over all channels.
  [[nodiscard]] std::uint64_t replaced_samples() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kinemyo::emg
