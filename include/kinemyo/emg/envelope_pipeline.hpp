#pragma once
// Real-time surface-EMG envelope pipeline: pre-filter (high-pass, low-pass, optional mains notches), full-wave
// rectification, envelope (causal Butterworth low-pass, moving RMS or moving ARV), optional decimation to a display
// rate. Defaults follow De Luca et al., J Biomech 43:1573 (2010) for limb muscles and Drake & Callaghan,
// J Electromyogr Kinesiol 16:175 (2006) for trunk muscles (30 Hz high-pass against ECG contamination).

#include <complex>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "kinemyo/dsp/filter_design.hpp"
#include "kinemyo/dsp/moving_window.hpp"
#include "kinemyo/dsp/non_finite.hpp"
#include "kinemyo/dsp/sos_filter.hpp"
#include "kinemyo/emg/ecg_removal.hpp"

namespace kinemyo::emg {

enum class Profile {
  limb,   ///< high-pass 20 Hz, low-pass 450 Hz (clamped to 0.45 fs), 4th-order Butterworth each
  trunk,  ///< high-pass 30 Hz 4th order (attenuates the ECG), low-pass as limb
};

enum class EnvelopeKind {
  lowpass,     ///< linear envelope: causal Butterworth low-pass of the rectified signal
  moving_rms,  ///< sqrt of the moving mean of x^2 over window_s (rectification is implicit)
  moving_arv,  ///< moving mean of |x| over window_s
};

/// Mains notch at f0 and its harmonics (scipy.signal.iirnotch definition of q), each below 0.45 fs.
struct NotchConfig {
  double f0_hz = 50.0;
  double q = 30.0;
  int harmonics = 1;  ///< number of notches: f0, 2 f0, ..., harmonics * f0
};

/// One channel. Unset cutoffs take the profile's defaults.
struct ChannelConfig {
  std::string name;
  Profile profile = Profile::limb;
  std::optional<double> highpass_hz;  ///< default 20 Hz (limb) or 30 Hz (trunk)
  std::optional<double> lowpass_hz;   ///< default min(450 Hz, 0.45 fs)
  int prefilter_order = 4;            ///< Butterworth order of the high-pass and of the low-pass
  std::optional<NotchConfig> notch;
  EnvelopeKind envelope = EnvelopeKind::lowpass;
  double envelope_cutoff_hz = 6.0;  ///< lowpass envelope
  int envelope_order = 2;           ///< lowpass envelope
  double window_s = 0.100;          ///< moving RMS / ARV window
  /// Streaming ECG removal before the pre-filter (see EcgRemover): for trunk channels near the heart. Adds its
  /// delay (about 0.3 s with the defaults) to latency_ms(); the 30 Hz trunk high-pass alone adds none.
  bool remove_ecg = false;
  EcgRemovalConfig ecg;
};

struct PipelineConfig {
  double fs = 0.0;                       ///< sampling rate in Hz, required
  std::vector<ChannelConfig> channels;   ///< at least one
  double output_rate_hz = 0.0;           ///< 0: one envelope sample per input sample; else fs / output_rate_hz must
                                         ///< be an integer D, and every D-th envelope sample is output
  dsp::NonFinitePolicy non_finite = dsp::NonFinitePolicy::hold_last;
  /// Samples beyond this magnitude (input units) are invalid like NaN: set it to the amplifier's range to reject
  /// spikes and saturation; see kinemyo/dsp/non_finite.hpp for the default.
  double max_abs = dsp::kDefaultMaxAbs;

  /// n_channels channels sharing one configuration, named ch0, ch1, ... unless `channel.name` is set.
  static PipelineConfig uniform(double fs, std::size_t n_channels, const ChannelConfig& channel = {});
};

/// The filters a channel configuration resolves to, in SciPy's SOS form, with the cutoffs actually designed.
struct ChannelDesign {
  double highpass_hz = 0.0;
  double lowpass_hz = 0.0;
  dsp::Sos prefilter;             ///< high-pass, low-pass, then notches
  dsp::Sos envelope;              ///< empty unless EnvelopeKind::lowpass
  std::size_t window_samples = 0;  ///< moving RMS / ARV only
  std::vector<double> notch_hz;
};

/// Validates `config` (std::invalid_argument naming the field, e.g. "channels[2].envelope_cutoff_hz: ...") and
/// resolves each channel's filters.
std::vector<ChannelDesign> design_channels(const PipelineConfig& config);

/// Streaming multichannel envelope. Channels with identical designs are filtered together (SIMD across channels).
/// Guarantees as for dsp::SosFilter: validation and allocation in the constructor; process never allocates or
/// throws; output is bit-identical however the input is split; non-finite input never reaches filter state. The
/// lowpass-envelope output equals scipy.signal.sosfilt(env, abs(sosfilt(prefilter, x))) exactly.
class EnvelopePipeline {
 public:
  explicit EnvelopePipeline(PipelineConfig config);
  ~EnvelopePipeline();
  EnvelopePipeline(EnvelopePipeline&&) noexcept;
  EnvelopePipeline& operator=(EnvelopePipeline&&) noexcept;

  /// Interleaved (frames x channels) input. Writes the envelope frames produced (all of them, or every D-th with
  /// decimation) to `out` (frames x channels) and returns how many. `out` must hold output_frames_for(n_frames)
  /// frames; with fewer the call writes nothing and returns 0 (never overruns).
  std::size_t process(const float* in, std::size_t n_frames, float* out, std::size_t out_capacity_frames) noexcept;
  std::size_t process(const double* in, std::size_t n_frames, double* out,
                      std::size_t out_capacity_frames) noexcept;
  /// Channel-major input (sample (t, c) at in[c * in_stride + t]); output interleaved as above.
  std::size_t process_planar(const double* in, std::size_t in_stride, std::size_t n_frames, double* out,
                             std::size_t out_capacity_frames) noexcept;
  /// One frame; returns true and fills out[n_channels] when an envelope frame is due (always without decimation).
  bool process_frame(const double* in, double* out) noexcept;
  bool process_frame(const float* in, float* out) noexcept;

  /// Output frames the next process call of n_frames input frames will produce.
  [[nodiscard]] std::size_t output_frames_for(std::size_t n_frames) const noexcept;
  void reset() noexcept;

  [[nodiscard]] std::size_t n_channels() const noexcept;
  [[nodiscard]] double fs() const noexcept;
  [[nodiscard]] double output_rate_hz() const noexcept;  ///< fs / D
  [[nodiscard]] std::size_t decimation() const noexcept;
  [[nodiscard]] const PipelineConfig& config() const noexcept;
  [[nodiscard]] const ChannelDesign& design(std::size_t channel) const;

  /// Envelope delay in ms: pre-filter group delay at the centre of its pass band (sqrt(hp * lp)), plus the envelope
  /// stage's delay at DC (low-pass group delay, or (W - 1) / 2 samples for a moving window), plus on average
  /// (D - 1) / 2 input samples of decimation hold.
  [[nodiscard]] double latency_ms(std::size_t channel) const;
  /// Complex response of the linear pre-filter (before rectification) at f_hz.
  [[nodiscard]] std::complex<double> frequency_response(std::size_t channel, double f_hz) const;
  /// Response of the envelope stage at f_hz (low-pass, or the moving window's Dirichlet response for RMS/ARV,
  /// on the squared/rectified signal).
  [[nodiscard]] std::complex<double> envelope_frequency_response(std::size_t channel, double f_hz) const;
  /// Invalid input samples (non-finite or beyond max_abs) replaced since construction or reset(), over all channels.
  [[nodiscard]] std::uint64_t replaced_samples() const noexcept;

  /// Every filter, order, cutoff, window and decimation, in the items of the ISEK "Standards for reporting EMG
  /// data" (Merletti 1999): as readable text and as JSON.
  [[nodiscard]] std::string processing_report() const;
  [[nodiscard]] std::string processing_report_json() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Offline (publication) envelope of a whole recording: zero-phase pre-filter and envelope, with Winter's
/// correction so that each forward-backward Butterworth is -3 dB at the configured cutoff: the design cutoff of a
/// low-pass of order n is fc / C and of a high-pass fc * C, C = (2^(1/2) - 1)^(1/(2n)) (Winter, Biomechanics and
/// Motor Control of Human Movement, 4th ed., 2009, sec. 2.2.4.4; C = 0.802 for n = 2). A corrected low-pass edge
/// above 0.45 fs is clamped there (the report says so). Moving windows are centred. Interleaved x (frames x
/// channels), finite; returns the envelope at the input rate.
template <class T>
std::vector<T> offline_envelope(const PipelineConfig& config, std::span<const T> x);

/// Winter's cutoff correction factor C for a Butterworth of order n run forward and backward.
double winter_correction(int order);

}  // namespace kinemyo::emg
