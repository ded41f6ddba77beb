#pragma once
// Streaming multichannel IIR filter in second-order sections (transposed direct form II, double-precision
// state), the real-time building block of every kinemyo filter chain.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "kinemyo/dsp/filter_design.hpp"
#include "kinemyo/dsp/non_finite.hpp"

namespace kinemyo::dsp {

/// Streaming SOS filter over n_channels independent channels.
///
/// Guarantees: the constructor validates and allocates everything; process_* never allocate, never throw and
/// give bit-identical output however the input is split into calls (per frame, blocks of any size, interleaved
/// or planar). Output equals scipy.signal.sosfilt on the concatenated input (same operation order, no FMA
/// contraction). A non-finite input sample never reaches the state under hold_last / zero.
class SosFilter {
 public:
  /// rectify_after: if set, the output of that section is full-wave rectified before it enters the next one, so
  /// one cascade computes a linear envelope (|band-pass|, then low-pass) in a single pass. Must be < sos.size().
  SosFilter(Sos sos, std::size_t n_channels, InputPolicy policy = {},
            std::optional<std::size_t> rectify_after = std::nullopt);

  /// One frame: in[c] for c < n_channels. `out` may alias `in`.
  void process_frame(const float* in, float* out) noexcept;
  void process_frame(const double* in, double* out) noexcept;

  /// n_frames frames laid out frame-major: sample (t, c) at [t * n_channels + c]. `out` may equal `in`.
  void process_interleaved(const float* in, float* out, std::size_t n_frames) noexcept;
  void process_interleaved(const double* in, double* out, std::size_t n_frames) noexcept;

  /// Channel-major: sample (t, c) at [c * stride + t] (stride >= n_frames, in elements). `out` may equal `in`.
  void process_planar(const float* in, std::size_t in_stride, float* out, std::size_t out_stride,
                      std::size_t n_frames) noexcept;
  void process_planar(const double* in, std::size_t in_stride, double* out, std::size_t out_stride,
                      std::size_t n_frames) noexcept;

  /// Zero state (and forget the last finite inputs).
  void reset() noexcept;
  /// Steady state for a constant input: channel c as if it had seen `level[c]` forever (scipy sosfilt_zi * level).
  /// Throws std::invalid_argument when level.size() != n_channels or a level is not finite.
  void reset_steady_state(std::span<const double> level);
  void reset_steady_state(double level);

  /// State as (section, channel, 2) values, for inspection and checkpointing; set_state validates its size.
  [[nodiscard]] std::vector<double> state() const;
  void set_state(std::span<const double> state);

  [[nodiscard]] std::size_t n_channels() const noexcept { return n_channels_; }
  [[nodiscard]] std::size_t n_sections() const noexcept { return n_sections_; }
  [[nodiscard]] const Sos& sos() const noexcept { return sos_; }
  [[nodiscard]] std::optional<std::size_t> rectify_after() const noexcept {
    return rectify_after_ < n_sections_ ? std::optional<std::size_t>(rectify_after_) : std::nullopt;
  }
  [[nodiscard]] NonFinitePolicy policy() const noexcept { return guard_.policy(); }
  [[nodiscard]] double max_abs() const noexcept { return guard_.max_abs(); }
  /// Invalid input samples (non-finite or beyond max_abs) replaced since construction or the last reset(), over
  /// all channels.
  [[nodiscard]] std::uint64_t replaced_samples() const noexcept { return guard_.replaced(); }
  /// The inner loop in use, chosen for this CPU at construction: "avx512", "avx2" or "portable". All give the
  /// same bits; only speed differs.
  [[nodiscard]] const char* kernel() const noexcept { return kernel_name_; }
  /// Group delay in seconds at f_hz for sampling rate fs (see sos_group_delay).
  [[nodiscard]] double group_delay(double f_hz, double fs) const { return sos_group_delay(sos_, f_hz, fs); }

 private:
  template <class T>
  void run_interleaved(const T* in, T* out, std::size_t n_frames) noexcept;
  template <class T>
  void run_planar(const T* in, std::size_t in_stride, T* out, std::size_t out_stride, std::size_t n_frames) noexcept;

  Sos sos_;
  std::size_t n_channels_;
  std::size_t n_sections_;
  std::size_t block_frames_;        ///< frames per internal block
  std::size_t rectify_after_;       ///< n_sections_ when there is no rectifier
  void (*kernel_)(const double*, std::size_t, std::size_t, double*, double*, double*, std::size_t,
                  std::size_t) noexcept;
  const char* kernel_name_;
  std::vector<double> coeffs_;      ///< per section: b0 b1 b2 a1 a2
  std::vector<double> z0_, z1_;     ///< (section, channel)
  NonFiniteGuard guard_;
  std::vector<double> work_;        ///< (block_frames_, channel) scratch
};

}  // namespace kinemyo::dsp
