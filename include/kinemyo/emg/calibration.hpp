#pragma once
// Amplitude calibration of EMG envelopes: a rest baseline and a reference contraction, per channel, so envelopes
// can be expressed in % of the reference. Following the CEDE normalisation matrix (Besomi et al., J Electromyogr
// Kinesiol 53:102438, 2020): the reference is an MVC or, for patients who cannot produce one, a standardised
// submaximal task; the trial's own maximum is never used.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace kinemyo::emg {

enum class ReferenceKind { none, mvc, submaximal };

struct ChannelCalibration {
  std::string name;
  /// Rest baseline: mean and sample standard deviation (n - 1) of the envelope over the rest recording.
  std::optional<double> rest_mean;
  std::optional<double> rest_sd;
  double rest_duration_s = 0.0;
  /// Reference: the largest peak, over trials, of the envelope's 0.5 s moving average.
  ReferenceKind reference_kind = ReferenceKind::none;
  std::optional<double> reference;
  std::size_t reference_trials = 0;
  std::string reference_task;  ///< submaximal task description, e.g. "prone hip abduction, 20 % body weight"
};

class Calibration {
 public:
  static constexpr double min_rest_s = 3.0;
  static constexpr double reference_window_s = 0.5;

  /// One entry per channel, in the order of the envelope columns.
  explicit Calibration(std::vector<std::string> channel_names);

  /// Envelopes are interleaved (frames x channels) at fs, finite, and non-negative (they are envelopes).
  /// Rest: at least 3 s. Replaces any earlier rest baseline.
  void set_rest(std::span<const double> envelope, double fs);
  /// One MVC trial (>= 0.5 s); the reference becomes the maximum over all MVC trials so far.
  void add_mvc_trial(std::span<const double> envelope, double fs);
  /// One trial of a standardised submaximal task; the reference becomes the maximum over such trials.
  /// A calibration holds one kind of reference: mixing MVC and submaximal trials is an error.
  void add_submaximal_trial(std::span<const double> envelope, double fs, const std::string& task);

  /// 100 * envelope / reference per channel (interleaved, same size). Throws std::domain_error naming the channel
  /// if it has no reference.
  [[nodiscard]] std::vector<double> normalise(std::span<const double> envelope) const;

  [[nodiscard]] std::size_t n_channels() const noexcept { return channels_.size(); }
  [[nodiscard]] const ChannelCalibration& channel(std::size_t i) const;
  [[nodiscard]] const std::vector<ChannelCalibration>& channels() const noexcept { return channels_; }

  /// JSON with every value above plus the method, for storage with a session and for reporting.
  [[nodiscard]] std::string to_json() const;
  static Calibration from_json(const std::string& json);

 private:
  void add_reference_trial(std::span<const double> envelope, double fs, ReferenceKind kind, const std::string& task);
  std::vector<ChannelCalibration> channels_;
};

}  // namespace kinemyo::emg
