#pragma once
// Muscle activation onset/offset detection, streaming and offline, with every parameter in seconds.
//
// Each method conditions the signal, takes the rest baseline's mean and SD *in the conditioned domain*, and runs
// one state machine: onset when the conditioned signal stays above mean + k_on SD for min_on_s (the onset is the
// first sample of that run), offset when it stays below mean + k_off SD for min_off_s (k_off <= k_on gives
// hysteresis).
//   threshold   input: an envelope; no further conditioning (Hodges & Bui 1996 family, with hysteresis)
//   tkeo        input: band-passed EMG; |Teager-Kaiser energy| then a low-pass (Li, Zhou & Aruin 2007;
//               Solnik et al. 2010: thresholds computed on the TKEO-conditioned baseline)
//   hodges_bui  input: band-passed EMG; |x|, low-pass, then the mean over a window must exceed the threshold
//               (Hodges & Bui, Electroencephalogr Clin Neurophysiol 101:511, 1996: 10/50/500 Hz low-pass,
//               1-3 SD, 20-100 ms windows were compared); the onset is the start of the first such window
//   bonato      input: band-passed (ideally whitened) EMG. Double threshold (Bonato, D'Alessio &
//               Knaflitz, IEEE Trans Biomed Eng 45:287, 1998): z = (x[2k]^2 + x[2k+1]^2) / sd^2 of consecutive
//               sample pairs is chi-square with 2 degrees of freedom in baseline noise; a pair is "above" when
//               z > zeta = -2 ln(P), with P chosen so that at least r0 of m successive pairs are above with
//               probability bonato_pfa in noise; activity where at least r0 of the m pairs starting there are
//               above; the activity indicator then drives the same onset/offset state machine (min_on_s active
//               for an onset, min_off_s inactive for an offset). Streaming adds 2 m - 2 or 2 m - 1 samples of look-ahead.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "kinemyo/dsp/non_finite.hpp"

namespace kinemyo::emg {

enum class OnsetMethod { threshold, tkeo, hodges_bui, bonato };

struct OnsetConfig {
  OnsetMethod method = OnsetMethod::threshold;
  double k_on = 3.0;         ///< onset threshold: baseline mean + k_on * SD
  double k_off = 2.0;        ///< offset threshold: baseline mean + k_off * SD (<= k_on)
  double min_on_s = 0.025;   ///< above the onset threshold at least this long
  double min_off_s = 0.050;  ///< below the offset threshold at least this long
  double lowpass_hz = 50.0;  ///< tkeo and hodges_bui: 2nd-order Butterworth smoothing of the rectified signal
  double window_s = 0.025;   ///< hodges_bui: window whose mean must exceed the threshold
  double bonato_pfa = 0.05;  ///< bonato: false-alarm probability of one decision in baseline noise
  int bonato_m = 5;          ///< bonato: successive sample pairs observed per decision
  int bonato_r0 = 1;         ///< bonato: how many of them must exceed zeta
};

struct OnsetEvent {
  std::size_t channel = 0;
  bool onset = true;                 ///< false: offset
  std::uint64_t sample = 0;          ///< where the activation starts / ends (input sample index since reset)
  std::uint64_t detected_at = 0;     ///< input sample index at which the event became certain
  double time_s = 0.0;               ///< sample / fs
  double detection_delay_s = 0.0;    ///< (detected_at - sample) / fs
};

struct ActivationBurst {
  std::size_t channel = 0;
  std::uint64_t onset_sample = 0;
  std::uint64_t offset_sample = 0;  ///< one past the last active sample; the signal end if still active
  double onset_s = 0.0;
  double offset_s = 0.0;
  bool complete = true;  ///< false when the recording ended during the burst
};

/// Streaming detector over n_channels. Construct, give it a rest baseline (in its input domain), then feed blocks.
/// process() never allocates or throws; events beyond the caller's capacity are counted in dropped_events().
/// Input samples pass the common input rule (dsp/non_finite.hpp: non-finite or beyond max_abs is invalid, replaced
/// by the policy and counted in replaced_samples()) once, before any conditioning, whose stages then run unguarded.
/// Settling time after a fault: 0.4 s after its end the events are the clean run's (measured with the default config,
/// tests/python/app/test_streaming_faults.py; longest 0.37 s, tkeo after a valid 1e12 spike, whose 1e24 Teager energy
/// decays through the 50 Hz low-pass before min_off_s ends the onset; set max_abs to the amplifier's range to reject
/// such spikes).
class OnsetDetector {
 public:
  OnsetDetector(std::size_t n_channels, double fs, const OnsetConfig& config, dsp::InputPolicy input = {});
  ~OnsetDetector();
  OnsetDetector(OnsetDetector&&) noexcept;
  OnsetDetector& operator=(OnsetDetector&&) noexcept;

  /// Rest recording (frames x channels, at least 3 s) in the detector's input domain; the baseline statistics are
  /// taken after conditioning, over the part where the conditioning filters have settled (after the first 0.5 s).
  /// Resets the detector.
  void set_baseline(std::span<const double> rest);
  /// Or the statistics directly (already in the conditioned domain), e.g. from a Calibration's rest baseline.
  void set_baseline_stats(std::span<const double> mean, std::span<const double> sd);

  std::size_t process(const double* in, std::size_t n_frames, OnsetEvent* events, std::size_t capacity) noexcept;
  void reset() noexcept;

  [[nodiscard]] bool has_baseline() const noexcept;
  [[nodiscard]] std::size_t n_channels() const noexcept;
  [[nodiscard]] std::vector<double> baseline_mean() const;
  [[nodiscard]] std::vector<double> baseline_sd() const;
  [[nodiscard]] std::uint64_t dropped_events() const noexcept;
  /// Invalid input samples (non-finite or beyond max_abs) replaced since construction, set_baseline or reset().
  [[nodiscard]] std::uint64_t replaced_samples() const noexcept;
  [[nodiscard]] bool active(std::size_t channel) const;
  /// Shortest delay between an activation starting and its onset event (min_on_s plus, for hodges_bui, the window;
  /// the conditioning filters add their own group delay on top, see conditioning_delay_s()).
  [[nodiscard]] double minimum_detection_delay_s() const noexcept;
  [[nodiscard]] double conditioning_delay_s() const;
  [[nodiscard]] const OnsetConfig& config() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Offline detection over a whole recording: the same conditioning run zero-phase (forward-backward) so onset times
/// carry no filter delay, the same state machine. `rest` (frames x channels, >= 3 s) gives the baseline.
std::vector<ActivationBurst> detect_activations(std::span<const double> x, std::span<const double> rest,
                                                std::size_t n_channels, double fs, const OnsetConfig& config);
/// Or the baseline statistics directly, one mean and SD per channel in the conditioned domain (for 'threshold' the
/// envelope itself), e.g. estimated from the recording's own quiet stretches when there is no rest recording.
/// Throws std::invalid_argument naming baseline_mean or baseline_sd unless each has n_channels finite values, SD > 0.
std::vector<ActivationBurst> detect_activations(std::span<const double> x, std::span<const double> baseline_mean,
                                                std::span<const double> baseline_sd, std::size_t n_channels, double fs,
                                                const OnsetConfig& config);

}  // namespace kinemyo::emg
