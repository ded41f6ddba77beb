#pragma once
// FFT-based analysis: analytic signal / Hilbert envelope and Welch power spectral density.
// Arrays are interleaved (frames x channels); the time axis is the frame axis.

#include <complex>
#include <cstddef>
#include <optional>
#include <span>
#include <vector>

namespace kinemyo::dsp {

/// Analytic signal x + j*H{x} per channel by the one-sided spectrum method (Marple, IEEE Trans. Signal
/// Process. 47(9), 1999), identical to scipy.signal.hilbert(x, axis=0). Computed in double precision.
template <class T>
std::vector<std::complex<T>> analytic_signal(std::span<const T> x, std::size_t n_channels);

/// |analytic_signal(x)|, the instantaneous amplitude, into y (size of x; may be x).
template <class T>
void hilbert_envelope(std::span<const T> x, std::span<T> y, std::size_t n_channels);

enum class Detrend { none, constant, linear };
enum class SpectralScaling {
  density,   ///< power spectral density, units^2/Hz
  spectrum,  ///< power spectrum, units^2
};

struct WelchOptions {
  std::size_t nperseg = 0;               ///< segment length in samples (required, >= 1, <= signal length)
  std::optional<std::size_t> noverlap;   ///< default nperseg / 2; must be < nperseg
  std::optional<std::size_t> nfft;       ///< default nperseg; must be >= nperseg (zero padding)
  Detrend detrend = Detrend::constant;   ///< per segment, before windowing
  SpectralScaling scaling = SpectralScaling::density;
};

template <class T>
struct WelchResult {
  std::vector<double> frequencies_hz;  ///< nfft/2 + 1 one-sided frequencies
  std::vector<T> psd;                  ///< (frequencies x channels), interleaved like the input
  std::size_t n_channels = 0;
};

/// Welch's averaged modified periodogram (Welch, IEEE Trans. Audio Electroacoust. 15(2), 1967) with a periodic
/// Hann window and mean averaging, identical to scipy.signal.welch(x, fs, 'hann', nperseg, noverlap, nfft,
/// detrend, return_onesided=True, scaling, axis=0, average='mean').
template <class T>
WelchResult<T> welch(std::span<const T> x, std::size_t n_channels, double fs, const WelchOptions& options);

}  // namespace kinemyo::dsp
