#include "kinemyo/dsp/resample.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <numeric>
#include <string>
#include <utility>

#include "check.hpp"

namespace kinemyo::dsp {
namespace {

using detail::fail;

struct Ratio {
  std::size_t up;
  std::size_t down;
};

Ratio checked_ratio(std::size_t up, std::size_t down) {
  detail::require_positive_count("up", up);
  detail::require_positive_count("down", down);
  const std::size_t g = std::gcd(up, down);
  return {up / g, down / g};
}

// The filter has 20 * max(up, down) + 1 taps: a reduced rate beyond 2^20 (21 million taps, 160 MB) is refused
// rather than allocated, and 10 * max(up, down) can never wrap around (2^63 once gave a 1-tap "filter").
constexpr std::size_t kMaxReducedRate = std::size_t{1} << 20;

Ratio checked_filter_ratio(std::size_t up, std::size_t down) {
  const Ratio r = checked_ratio(up, down);
  for (const auto& [name, v] : {std::pair{"up", r.up}, std::pair{"down", r.down}})
    if (v > kMaxReducedRate)
      fail(name, "reduced by gcd(up, down) it is " + std::to_string(v) + ", which needs a filter of 20 * " +
                     std::to_string(v) + " + 1 taps; at most " + std::to_string(kMaxReducedRate) + " is supported");
  return r;
}

void check_beta(double beta) {
  if (!std::isfinite(beta) || beta < 0.0) fail("kaiser_beta", "must be finite and >= 0, got " + detail::num(beta));
}

// exp(-x) I0(x) for x >= 0, I0 the modified Bessel function of the first kind of order zero: its power series
// sum_k ((x/2)^k / k!)^2 (all terms positive) for moderate x, the asymptotic expansion
// e^x / sqrt(2 pi x) * sum_k ((2k-1)!!)^2 / (k! (8x)^k) beyond (Abramowitz & Stegun 9.6.12 and 9.7.1).
// The exponential scaling keeps Kaiser windows finite for any beta.
double bessel_i0_scaled(double x) {
  constexpr double eps = std::numeric_limits<double>::epsilon();
  if (x <= 30.0) {
    const double q = 0.25 * x * x;
    double term = 1.0, sum = 1.0;
    for (int k = 1; k < 500; ++k) {
      term *= q / (static_cast<double>(k) * static_cast<double>(k));
      sum += term;
      if (term <= 0.25 * eps * sum) break;
    }
    return sum * std::exp(-x);
  }
  double term = 1.0, sum = 1.0;
  for (int k = 1; k < 500; ++k) {
    const double odd = 2.0 * k - 1.0;
    const double next = term * odd * odd / (8.0 * x * static_cast<double>(k));
    if (next >= term) break;  // the asymptotic series has started to diverge
    term = next;
    sum += term;
    if (term <= 0.25 * eps * sum) break;
  }
  return sum / (std::sqrt(2.0 * std::numbers::pi) * std::sqrt(x));  // 2 pi x would overflow for x near DBL_MAX
}

// numpy.sinc: sin(pi x) / (pi x), 1 at x = 0.
double sinc(double x) {
  if (x == 0.0) return 1.0;
  const double y = std::numbers::pi * x;
  return std::sin(y) / y;
}

// Windowed-sinc low-pass for an already reduced up/down (scipy.signal.firwin with a symmetric Kaiser window,
// scaled to unit DC gain, then multiplied by up as resample_poly does).
std::vector<double> design_filter(Ratio r, double beta) {
  const std::size_t max_rate = std::max(r.up, r.down);
  const std::size_t half_len = 10 * max_rate;
  const std::size_t numtaps = 2 * half_len + 1;
  const double cutoff = 1.0 / static_cast<double>(max_rate);
  const double alpha = static_cast<double>(half_len);  // 0.5 * (numtaps - 1), the centre tap
  const double i0_beta = bessel_i0_scaled(beta);
  std::vector<double> h(numtaps);
  double sum = 0.0;
  for (std::size_t j = 0; j < numtaps; ++j) {
    const double m = static_cast<double>(j) - alpha;
    const double rel = m / alpha;
    const double arg = beta * std::sqrt(std::max(0.0, 1.0 - rel * rel));
    const double window = bessel_i0_scaled(arg) / i0_beta * std::exp(arg - beta);
    h[j] = cutoff * sinc(cutoff * m) * window;
    sum += h[j];
  }
  const double up = static_cast<double>(r.up);
  for (double& v : h) v = v / sum * up;
  return h;
}

std::size_t output_length(const char* parameter, std::size_t n_frames, Ratio r) {
  if (n_frames > (std::numeric_limits<std::size_t>::max() - r.down) / r.up)
    fail(parameter, std::to_string(n_frames) + " frames times up = " + std::to_string(r.up) + " overflows");
  const std::size_t scaled = n_frames * r.up;
  return scaled / r.down + (scaled % r.down != 0 ? 1 : 0);
}

}  // namespace

std::vector<double> resample_poly_filter(std::size_t up, std::size_t down, double kaiser_beta) {
  const Ratio r = checked_filter_ratio(up, down);
  check_beta(kaiser_beta);
  return design_filter(r, kaiser_beta);
}

std::size_t resample_poly_length(std::size_t n_frames, std::size_t up, std::size_t down) {
  return output_length("n_frames", n_frames, checked_ratio(up, down));
}

// Polyphase rational resampling (Crochiere & Rabiner, Multirate Digital Signal Processing, 1983): only the
// kept output samples are computed, each from the filter phase that lines up with the input samples.
template <class T>
std::vector<T> resample_poly(std::span<const T> x, std::size_t n_channels, std::size_t up, std::size_t down,
                             double kaiser_beta) {
  const Ratio r = checked_filter_ratio(up, down);
  check_beta(kaiser_beta);
  const std::size_t n = detail::frames_of(x.size(), n_channels);
  if (n == 0) fail("x", "must not be empty");
  detail::require_finite_samples(x.data(), x.size(), n_channels);
  if (r.up == 1 && r.down == 1) return std::vector<T>(x.begin(), x.end());

  const std::vector<double> h = design_filter(r, kaiser_beta);
  const std::size_t half_len = (h.size() - 1) / 2;
  const std::size_t n_out = output_length("x", n, r);

  // SciPy runs upfirdn on the filter padded with n_pre_pad = down - half_len % down leading zeros and keeps
  // outputs n_pre_remove = (half_len + n_pre_pad) / down onwards. As n_pre_remove * down = half_len + n_pre_pad,
  // kept output o is sum_t x[t] h[o*down + half_len - t*up] with zeros outside x and h. Phase p = (o*down +
  // half_len) mod up uses taps h[p], h[p + up], ... against x[q], x[q - 1], ..., q = (o*down + half_len) / up.
  std::vector<std::vector<double>> phases(r.up);
  for (std::size_t p = 0; p < r.up; ++p)
    for (std::size_t j = p; j < h.size(); j += r.up) phases[p].push_back(h[j]);

  std::vector<T> y(n_out * n_channels);
  std::vector<double> acc(n_channels);
  for (std::size_t o = 0; o < n_out; ++o) {
    const std::size_t pos = o * r.down + half_len;
    const std::vector<double>& taps = phases[pos % r.up];
    const std::size_t q = pos / r.up;
    // Taps k with 0 <= q - k < n.
    const std::size_t k_begin = q >= n ? q - (n - 1) : 0;
    const std::size_t k_end = std::min(taps.size(), q + 1);
    std::fill(acc.begin(), acc.end(), 0.0);
    for (std::size_t k = k_begin; k < k_end; ++k) {
      const double tap = taps[k];
      const T* frame = x.data() + (q - k) * n_channels;
      for (std::size_t c = 0; c < n_channels; ++c) acc[c] += tap * static_cast<double>(frame[c]);
    }
    for (std::size_t c = 0; c < n_channels; ++c) y[o * n_channels + c] = static_cast<T>(acc[c]);
  }
  return y;
}

template std::vector<float> resample_poly<float>(std::span<const float>, std::size_t, std::size_t, std::size_t,
                                                 double);
template std::vector<double> resample_poly<double>(std::span<const double>, std::size_t, std::size_t,
                                                   std::size_t, double);

}  // namespace kinemyo::dsp
