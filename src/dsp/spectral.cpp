#include "kinemyo/dsp/spectral.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <numbers>
#include <string>
#include <type_traits>

#include "check.hpp"
#include "fft_backend.hpp"

namespace kinemyo::dsp {
namespace {

using cplx = std::complex<double>;
using detail::fail;

// Frames of a non-empty, finite, interleaved buffer.
template <class T>
std::size_t checked_frames(std::span<const T> x, std::size_t n_channels) {
  const std::size_t n = detail::frames_of(x.size(), n_channels);
  if (n == 0) fail("x", "must not be empty");
  detail::require_finite_samples(x.data(), x.size(), n_channels);
  return n;
}

// Channel c of an interleaved buffer, as doubles.
template <class T>
void gather_channel(std::span<const T> x, std::size_t n_channels, std::size_t c, std::vector<double>& out) {
  for (std::size_t t = 0; t < out.size(); ++t) out[t] = static_cast<double>(x[t * n_channels + c]);
}

// Analytic signal in double precision, interleaved like x (validated by the caller).
template <class T>
std::vector<cplx> analytic_double(std::span<const T> x, std::size_t n_channels, std::size_t n) {
  detail::FftPlan plan(n);
  std::vector<double> column(n);
  std::vector<cplx> spectrum(n), signal(n);
  std::vector<cplx> out(n * n_channels);
  // Bins 1 .. last_doubled are doubled; bins above n/2 (negative frequencies) are zeroed; DC and, for even n,
  // the Nyquist bin keep unit weight.
  const std::size_t last_doubled = (n % 2 == 0) ? n / 2 - 1 : n / 2;
  for (std::size_t c = 0; c < n_channels; ++c) {
    gather_channel(x, n_channels, c, column);
    plan.forward_real(column.data(), spectrum.data());  // fills bins 0 .. n/2
    for (std::size_t k = 1; k <= last_doubled; ++k) spectrum[k] *= 2.0;
    for (std::size_t k = n / 2 + 1; k < n; ++k) spectrum[k] = cplx(0.0, 0.0);
    plan.inverse(spectrum.data(), signal.data());
    for (std::size_t t = 0; t < n; ++t) out[t * n_channels + c] = signal[t];
  }
  return out;
}

// Least-squares straight line removed in place (scipy.signal.detrend type='linear'), with the time axis
// centred so that slope and offset decouple.
void remove_linear_trend(double* v, std::size_t n) {
  const double centre = 0.5 * static_cast<double>(n - 1);
  double mean = 0.0;
  for (std::size_t i = 0; i < n; ++i) mean += v[i];
  mean /= static_cast<double>(n);
  double sxy = 0.0, sxx = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double t = static_cast<double>(i) - centre;
    sxy += t * (v[i] - mean);
    sxx += t * t;
  }
  const double slope = sxx > 0.0 ? sxy / sxx : 0.0;
  for (std::size_t i = 0; i < n; ++i) v[i] -= mean + slope * (static_cast<double>(i) - centre);
}

void remove_mean(double* v, std::size_t n) {
  double mean = 0.0;
  for (std::size_t i = 0; i < n; ++i) mean += v[i];
  mean /= static_cast<double>(n);
  for (std::size_t i = 0; i < n; ++i) v[i] -= mean;
}

}  // namespace

// One-sided spectrum method for the analytic signal (Marple 1999).
template <class T>
std::vector<std::complex<T>> analytic_signal(std::span<const T> x, std::size_t n_channels) {
  const std::size_t n = checked_frames(x, n_channels);
  const std::vector<cplx> z = analytic_double(x, n_channels, n);
  if constexpr (std::is_same_v<T, double>) {
    return z;
  } else {
    std::vector<std::complex<T>> out(z.size());
    for (std::size_t i = 0; i < z.size(); ++i)
      out[i] = std::complex<T>(static_cast<T>(z[i].real()), static_cast<T>(z[i].imag()));
    return out;
  }
}

// Instantaneous amplitude |x + j H{x}| (Marple 1999).
template <class T>
void hilbert_envelope(std::span<const T> x, std::span<T> y, std::size_t n_channels) {
  const std::size_t n = checked_frames(x, n_channels);
  detail::require_output_size(x.size(), y.size());
  const std::vector<cplx> z = analytic_double(x, n_channels, n);  // all of x is read before y is written
  for (std::size_t i = 0; i < z.size(); ++i) y[i] = static_cast<T>(std::abs(z[i]));
}

// Welch's averaged modified periodogram (Welch 1967), periodic Hann window, mean over segments.
template <class T>
WelchResult<T> welch(std::span<const T> x, std::size_t n_channels, double fs, const WelchOptions& options) {
  const std::size_t n = detail::frames_of(x.size(), n_channels);
  if (n == 0) fail("x", "must not be empty");
  detail::require_positive_finite("fs", fs);
  const std::size_t nperseg = options.nperseg;
  if (nperseg == 0) fail("nperseg", "must be >= 1, got 0");
  if (nperseg > n)
    fail("nperseg", "must be <= signal length " + std::to_string(n) + ", got " + std::to_string(nperseg));
  const std::size_t noverlap = options.noverlap.value_or(nperseg / 2);
  if (noverlap >= nperseg)
    fail("noverlap", "must be < nperseg = " + std::to_string(nperseg) + ", got " + std::to_string(noverlap));
  const std::size_t nfft = options.nfft.value_or(nperseg);
  if (nfft < nperseg)
    fail("nfft", "must be >= nperseg = " + std::to_string(nperseg) + ", got " + std::to_string(nfft));
  if (nfft > static_cast<std::size_t>(INT_MAX))
    fail("nfft", "must be <= " + std::to_string(INT_MAX) + ", got " + std::to_string(nfft));
  if (options.detrend != Detrend::none && options.detrend != Detrend::constant &&
      options.detrend != Detrend::linear)
    fail("detrend", "unknown value " + std::to_string(static_cast<int>(options.detrend)));
  if (options.scaling != SpectralScaling::density && options.scaling != SpectralScaling::spectrum)
    fail("scaling", "unknown value " + std::to_string(static_cast<int>(options.scaling)));
  detail::require_finite_samples(x.data(), x.size(), n_channels);

  const std::size_t hop = nperseg - noverlap;
  const std::size_t n_segments = (n - noverlap) / hop;
  const std::size_t n_freqs = nfft / 2 + 1;

  // Periodic Hann window: w[j] = 0.5 - 0.5 cos(2 pi j / nperseg) (a single sample gives w = 1).
  std::vector<double> window(nperseg, 1.0);
  if (nperseg > 1) {
    for (std::size_t j = 0; j < nperseg; ++j)
      window[j] = 0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * static_cast<double>(j) /
                                       static_cast<double>(nperseg));
  }
  double sum_w = 0.0, sum_w2 = 0.0;
  for (double w : window) {
    sum_w += w;
    sum_w2 += w * w;
  }
  const double scale =
      options.scaling == SpectralScaling::density ? 1.0 / (fs * sum_w2) : 1.0 / (sum_w * sum_w);
  // One-sided: every bin but DC and (for even nfft) Nyquist carries the power of its negative twin too.
  const std::size_t last_doubled = (nfft % 2 == 0) ? nfft / 2 - 1 : nfft / 2;

  detail::FftPlan plan(nfft);
  std::vector<double> column(n), segment(nfft, 0.0);
  std::vector<cplx> spectrum(n_freqs);
  std::vector<double> power(n_freqs);

  WelchResult<T> result;
  result.n_channels = n_channels;
  result.frequencies_hz.resize(n_freqs);
  const double bin_width = 1.0 / (static_cast<double>(nfft) * (1.0 / fs));  // as numpy.fft.rfftfreq
  for (std::size_t k = 0; k < n_freqs; ++k) result.frequencies_hz[k] = static_cast<double>(k) * bin_width;
  result.psd.resize(n_freqs * n_channels);

  for (std::size_t c = 0; c < n_channels; ++c) {
    gather_channel(x, n_channels, c, column);
    std::fill(power.begin(), power.end(), 0.0);
    for (std::size_t s = 0; s < n_segments; ++s) {
      const double* src = column.data() + s * hop;
      std::copy(src, src + nperseg, segment.begin());  // segment[nperseg:] stays zero (padding to nfft)
      if (options.detrend == Detrend::constant) remove_mean(segment.data(), nperseg);
      if (options.detrend == Detrend::linear) remove_linear_trend(segment.data(), nperseg);
      for (std::size_t j = 0; j < nperseg; ++j) segment[j] *= window[j];
      plan.forward_real(segment.data(), spectrum.data());
      for (std::size_t k = 0; k < n_freqs; ++k) power[k] += std::norm(spectrum[k]);
    }
    for (std::size_t k = 0; k < n_freqs; ++k) {
      double p = power[k] * scale / static_cast<double>(n_segments);
      if (k >= 1 && k <= last_doubled) p *= 2.0;
      result.psd[k * n_channels + c] = static_cast<T>(p);
    }
  }
  return result;
}

template std::vector<std::complex<float>> analytic_signal<float>(std::span<const float>, std::size_t);
template std::vector<std::complex<double>> analytic_signal<double>(std::span<const double>, std::size_t);
template void hilbert_envelope<float>(std::span<const float>, std::span<float>, std::size_t);
template void hilbert_envelope<double>(std::span<const double>, std::span<double>, std::size_t);
template WelchResult<float> welch<float>(std::span<const float>, std::size_t, double, const WelchOptions&);
template WelchResult<double> welch<double>(std::span<const double>, std::size_t, double, const WelchOptions&);

}  // namespace kinemyo::dsp
