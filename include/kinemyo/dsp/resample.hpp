#pragma once
// Rational-factor polyphase resampling, to bring EMG (1-2 kHz) and IMU (50-300 Hz) streams to common rates.

#include <cstddef>
#include <span>
#include <vector>

namespace kinemyo::dsp {

/// Anti-aliasing FIR used by resample_poly after reducing up/down by their gcd: a windowed-sinc low-pass with
/// cutoff 1/max(up, down) of Nyquist, 20*max(up, down) + 1 taps, Kaiser window (beta), unit DC gain, times up.
/// Equals scipy.signal.firwin(2*half_len + 1, 1/max_rate, window=('kaiser', beta)) * up. Throws
/// std::invalid_argument naming up or down when either, reduced, exceeds 2^20 (the filter would not fit memory).
std::vector<double> resample_poly_filter(std::size_t up, std::size_t down, double kaiser_beta = 5.0);

/// Number of output frames: ceil(n_frames * up / down) (up/down reduced by their gcd).
std::size_t resample_poly_length(std::size_t n_frames, std::size_t up, std::size_t down);

/// Upsample by `up`, filter, downsample by `down`, per channel, with zeros assumed outside the signal;
/// identical to scipy.signal.resample_poly(x, up, down, axis=0) with its default window=('kaiser', 5.0) and
/// padtype='constant'. Computed in double precision. Throws std::invalid_argument for up or down < 1 or, reduced,
/// above 2^20.
template <class T>
std::vector<T> resample_poly(std::span<const T> x, std::size_t n_channels, std::size_t up, std::size_t down,
                             double kaiser_beta = 5.0);

}  // namespace kinemyo::dsp
