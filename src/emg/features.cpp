#include "kinemyo/emg/features.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <complex>
#include <cstdint>
#include <limits>
#include <numbers>
#include <string>
#include <vector>

#include "dsp/check.hpp"
#include "dsp/fft_backend.hpp"

namespace kinemyo::emg {
namespace {

using detail::fail;
using detail::num;
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

void require_threshold(const char* name, double v) {
  if (!std::isfinite(v) || v < 0.0) fail(name, "must be finite and >= 0, got " + num(v));
}

void validate_thresholds(const FeatureThresholds& th) {
  require_threshold("thresholds.zero_crossing", th.zero_crossing);
  require_threshold("thresholds.slope_sign_change", th.slope_sign_change);
  require_threshold("thresholds.willison_amplitude", th.willison_amplitude);
}

// round(seconds * fs) samples (half away from zero), at least `minimum`, at most INT_MAX (an FFT length).
std::size_t samples_of(const char* name, double seconds, double fs, std::size_t minimum) {
  detail::require_positive_finite(name, seconds);
  const double v = std::round(seconds * fs);
  if (v < static_cast<double>(minimum))
    fail(name, num(seconds) + " s at fs = " + num(fs) + " Hz is " + num(v) + " samples, need at least " +
                   std::to_string(minimum));
  if (v > static_cast<double>(INT_MAX))
    fail(name, num(seconds) + " s at fs = " + num(fs) + " Hz is " + num(v) + " samples, at most " +
                   std::to_string(INT_MAX) + " allowed");
  return static_cast<std::size_t>(v);
}

void validate_options(const FeatureOptions& o, std::size_t n) {
  if (!std::isfinite(o.var_ddof) || o.var_ddof < 0.0 || !(o.var_ddof < static_cast<double>(n)))
    fail("options.var_ddof", "must be finite, >= 0 and < the window length " + std::to_string(n) + ", got " +
                                 num(o.var_ddof));
  const std::size_t nfft = o.spectral.nfft;
  if (nfft != 0 && (nfft < n || nfft > static_cast<std::size_t>(INT_MAX)))
    fail("options.spectral.nfft", "must be 0 (the window length) or between the window length " + std::to_string(n) +
                                      " and " + std::to_string(INT_MAX) + ", got " + std::to_string(nfft));
}

// Time-domain features of x[0], x[stride], ..., x[(n - 1) * stride] (n >= 2, finite) into f. `sorted` is scratch
// space of n values (the L-scale needs the order statistics).
void time_features(const double* x, std::size_t stride, std::size_t n, const FeatureThresholds& th,
                   const FeatureOptions& options, std::vector<double>& sorted, WindowFeatures& f) {
  double iav = 0.0, sum_sq = 0.0, wl = 0.0, sum_log = 0.0, sum_d2 = 0.0, sum = 0.0;
  double root_pos = 0.0, root_neg = 0.0;
  std::size_t n_nonzero = 0;
  bool has_zero = false;
  std::size_t zc = 0, ssc = 0, wamp = 0;
  const LogDetector ld = options.log_detector;
  for (std::size_t i = 0; i < n; ++i) {
    const double v = x[i * stride];
    const double a = std::abs(v);
    sum += v;
    iav += a;
    sum_sq += v * v;
    if (v >= 0.0) {
      root_pos += std::sqrt(a);
    } else {
      root_neg += std::sqrt(a);
    }
    if (ld == LogDetector::offset_one) {
      sum_log += std::log1p(a);
    } else if (a == 0.0) {
      has_zero = true;
    } else {
      sum_log += std::log(a);
      ++n_nonzero;
    }
    if (i + 1 < n) {
      const double next = x[(i + 1) * stride];
      const double d = next - v;
      const double step = std::abs(v - next);
      wl += step;
      sum_d2 += d * d;
      if (v * next < 0.0 && step >= th.zero_crossing) ++zc;
      if (step >= th.willison_amplitude) ++wamp;
      if (i >= 1) {
        const double prev = x[(i - 1) * stride];
        if ((v - prev) * (v - next) >= th.slope_sign_change) ++ssc;
      }
    }
  }
  const auto dn = static_cast<double>(n);
  f.iav = iav;
  f.mav = iav / dn;
  f.rms = std::sqrt(sum_sq / dn);
  f.var = sum_sq / (dn - options.var_ddof);
  f.wl = wl;
  f.zc = static_cast<double>(zc);
  f.ssc = static_cast<double>(ssc);
  f.wamp = static_cast<double>(wamp);
  switch (ld) {
    case LogDetector::offset_one: f.log_detector = std::exp(sum_log / dn); break;
    case LogDetector::strict:  // log(0) = -inf makes the geometric mean 0; say so rather than rely on exp(-inf)
      f.log_detector = has_zero ? 0.0 : std::exp(sum_log / dn);
      break;
    case LogDetector::nonzero:
      f.log_detector = n_nonzero == 0 ? 0.0 : std::exp(sum_log / static_cast<double>(n_nonzero));
      break;
  }
  f.dasdv = std::sqrt(sum_d2 / (dn - 1.0));
  f.mfl = std::log10(wl);
  f.msr = std::hypot(root_pos, root_neg) / dn;

  // Central moments about the window mean (second pass, so that a large offset does not cancel).
  const double mean = sum / dn;
  double m2 = 0.0, m3 = 0.0, m4 = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double d = x[i * stride] - mean;
    const double d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  m2 /= dn;
  m3 /= dn;
  m4 /= dn;
  f.skewness = m2 > 0.0 ? m3 / (m2 * std::sqrt(m2)) : nan;
  f.kurtosis = m2 > 0.0 ? m4 / (m2 * m2) : nan;

  // L-scale from the order statistics: l2 = 2 b1 - b0, b1 = sum_i i x_(i) / ((N - 1) N).
  sorted.resize(n);
  for (std::size_t i = 0; i < n; ++i) sorted[i] = x[i * stride];
  std::sort(sorted.begin(), sorted.end());
  double b1 = 0.0;
  for (std::size_t i = 1; i < n; ++i) b1 += static_cast<double>(i) * sorted[i];
  b1 /= (dn - 1.0) * dn;
  f.ls = 2.0 * b1 - mean;
}

struct SpectralMoments {
  double mnf = nan, mdf = nan, peak = nan, mean_power = nan;
};

// Moments of the spectrum p[0 .. n_bins - 1] at f[k] = k df, df = fs / n_fft (as numpy.fft.rfftfreq). See
// features.hpp for the median-frequency definitions.
SpectralMoments spectral_moments(const double* p, std::size_t n_bins, std::size_t n_fft, double fs,
                                 MedianFrequency rule) noexcept {
  const double df = 1.0 / (static_cast<double>(n_fft) * (1.0 / fs));
  SpectralMoments m;
  double total = 0.0, weighted = 0.0, best = -1.0;
  std::size_t best_k = 0;
  for (std::size_t k = 0; k < n_bins; ++k) {
    const double pk = p[k];
    total += pk;
    weighted += static_cast<double>(k) * df * pk;
    if (pk > best) {
      best = pk;
      best_k = k;
    }
  }
  m.mean_power = total / static_cast<double>(n_bins);
  if (!(total > 0.0) || !std::isfinite(total)) return m;  // zero power, or NaN/inf in the window
  m.mnf = weighted / total;
  m.peak = static_cast<double>(best_k) * df;
  const double half = 0.5 * total;
  double below = 0.0;  // C[k - 1]
  for (std::size_t k = 0; k < n_bins; ++k) {
    const double pk = p[k];
    const double cum = below + pk;
    if (cum >= half || k + 1 == n_bins) {
      const double centre = static_cast<double>(k) * df;
      if (rule == MedianFrequency::first_bin) {
        m.mdf = centre;
      } else {
        const double lo = std::max(0.0, centre - 0.5 * df);
        const double hi = std::min(0.5 * fs, centre + 0.5 * df);
        m.mdf = lo + (half - below) / pk * (hi - lo);
      }
      break;
    }
    below = cum;
  }
  return m;
}

void copy_moments(const SpectralMoments& m, WindowFeatures& f) {
  f.mnf_hz = m.mnf;
  f.mdf_hz = m.mdf;
  f.peak_frequency_hz = m.peak;
  f.mean_power = m.mean_power;
}

// The spectrum of windows of n samples under SpectralOptions: taper, FFT plan and buffers, allocated once. With the
// default options the operations are those of dsp::welch for one segment and of FatigueTracker (mean removal,
// periodic Hann, real FFT, density scaling, one-sided doubling), in the same order.
class SpectrumWork {
 public:
  SpectrumWork(std::size_t n, double fs, const SpectralOptions& o)
      : n_(n),
        nfft_(o.nfft == 0 ? n : o.nfft),
        fs_(fs),
        options_(o),
        taper_(n, 1.0),
        segment_(nfft_, 0.0),
        spectrum_(nfft_ / 2 + 1),
        power_(o.form == SpectrumForm::one_sided_density ? nfft_ / 2 + 1 : nfft_ / 2),
        plan_(nfft_) {
    double sum_w2 = 0.0;
    for (std::size_t j = 0; j < n; ++j) {
      if (o.window == SpectralWindow::hann)
        taper_[j] = 0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * static_cast<double>(j) / static_cast<double>(n));
      sum_w2 += taper_[j] * taper_[j];
    }
    const auto dn = static_cast<double>(n);
    scale_ = o.form == SpectrumForm::one_sided_density ? 1.0 / (fs * sum_w2) : 1.0 / (dn * dn);
    last_doubled_ = (nfft_ % 2 == 0) ? nfft_ / 2 - 1 : nfft_ / 2;
  }

  SpectralMoments analyse(const double* x, std::size_t stride) {
    for (std::size_t i = 0; i < n_; ++i) segment_[i] = x[i * stride];
    if (options_.remove_mean) {
      double mean = 0.0;
      for (std::size_t i = 0; i < n_; ++i) mean += segment_[i];
      mean /= static_cast<double>(n_);
      for (std::size_t i = 0; i < n_; ++i) segment_[i] -= mean;
    }
    if (options_.window != SpectralWindow::rectangular)
      for (std::size_t i = 0; i < n_; ++i) segment_[i] *= taper_[i];
    plan_.forward_real(segment_.data(), spectrum_.data());  // segment_[n ..] stays 0: the zero padding
    const bool doubled = options_.form == SpectrumForm::one_sided_density;
    for (std::size_t k = 0; k < power_.size(); ++k) {
      double p = std::norm(spectrum_[k]) * scale_;
      if (doubled && k >= 1 && k <= last_doubled_) p *= 2.0;
      power_[k] = p;
    }
    return spectral_moments(power_.data(), power_.size(), nfft_, fs_, options_.median);
  }

 private:
  std::size_t n_, nfft_;
  double fs_;
  SpectralOptions options_;
  std::vector<double> taper_;
  std::vector<double> segment_;
  std::vector<std::complex<double>> spectrum_;
  std::vector<double> power_;
  detail::FftPlan plan_;
  double scale_ = 1.0;
  std::size_t last_doubled_ = 0;
};

// Window length W, step S and count of the windowed_* functions, validated as windowed_features documents.
struct WindowGrid {
  std::size_t frames, w, step, n_windows;
};
WindowGrid window_grid(std::span<const double> x, std::size_t n_channels, double fs, double window_s,
                       double step_s) {
  const std::size_t frames = detail::frames_of(x.size(), n_channels);
  detail::require_positive_finite("fs", fs);
  const std::size_t w = samples_of("window_s", window_s, fs, 2);
  const std::size_t step = samples_of("step_s", step_s, fs, 1);
  if (w > frames)
    fail("window_s", num(window_s) + " s is " + std::to_string(w) + " samples, more than the signal's " +
                         std::to_string(frames) + " frames");
  detail::require_finite_samples(x.data(), x.size(), n_channels);
  return WindowGrid{frames, w, step, (frames - w) / step + 1};
}

// Levinson-Durbin on the biased autocorrelation of x[0], x[stride], ... (n samples): a[0 .. order-1] = a1 .. ap.
void yule_walker(const double* x, std::size_t stride, std::size_t n, std::size_t order, double* a,
                 std::vector<double>& r, std::vector<double>& previous) {
  r.assign(order + 1, 0.0);
  for (std::size_t k = 0; k <= order; ++k) {
    double acc = 0.0;
    for (std::size_t t = 0; t + k < n; ++t) acc += x[t * stride] * x[(t + k) * stride];
    r[k] = acc / static_cast<double>(n);
  }
  std::fill(a, a + order, 0.0);
  if (!(r[0] > 0.0)) {
    std::fill(a, a + order, nan);
    return;
  }
  double error = r[0];
  previous.assign(order, 0.0);
  for (std::size_t m = 1; m <= order; ++m) {
    if (!(error > 0.0)) break;  // perfectly predictable: the remaining coefficients stay 0
    double acc = r[m];
    for (std::size_t j = 1; j < m; ++j) acc += a[j - 1] * r[m - j];
    const double k = -acc / error;
    std::copy(a, a + m - 1, previous.begin());
    for (std::size_t j = 1; j < m; ++j) a[j - 1] = previous[j - 1] + k * previous[m - j - 1];
    a[m - 1] = k;
    error *= (1.0 - k * k);
  }
}

void validate_ar_order(std::size_t order, std::size_t n) {
  if (order < 1 || order >= n)
    fail("order", "must be >= 1 and < the window length " + std::to_string(n) + ", got " + std::to_string(order));
}

void validate_sampen(const SampleEntropyOptions& o, std::size_t n) {
  if (o.dimension < 1) fail("options.dimension", "must be >= 1, got 0");
  if (!std::isfinite(o.tolerance) || o.tolerance <= 0.0)
    fail("options.tolerance", "must be finite and > 0, got " + num(o.tolerance));
  if (n < o.dimension + 3)
    fail("x", "sample entropy with dimension " + std::to_string(o.dimension) + " needs at least " +
                  std::to_string(o.dimension + 3) + " samples, got " + std::to_string(n));
}

double sampen_strided(const double* x, std::size_t stride, std::size_t n, const SampleEntropyOptions& o) {
  const auto dn = static_cast<double>(n);
  double mean = 0.0;
  for (std::size_t i = 0; i < n; ++i) mean += x[i * stride];
  mean /= dn;
  double ss = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double d = x[i * stride] - mean;
    ss += d * d;
  }
  const double sd = std::sqrt(ss / (dn - 1.0));
  if (!(sd > 0.0)) return nan;
  const double r = o.tolerance * sd;
  const std::size_t m = o.dimension;
  // Chebyshev distance of the templates at i and j over `len` samples is <= r.
  auto within = [&](std::size_t i, std::size_t j, std::size_t len) {
    for (std::size_t k = 0; k < len; ++k)
      if (!(std::abs(x[(i + k) * stride] - x[(j + k) * stride]) <= r)) return false;
    return true;
  };
  if (o.count == SampleEntropyCount::richman_moorman) {
    const std::size_t t = n - m;  // template start points
    double b = 0.0, a = 0.0;
    for (std::size_t i = 0; i < t; ++i)
      for (std::size_t j = i + 1; j < t; ++j)
        if (within(i, j, m)) {
          b += 1.0;
          if (std::abs(x[(i + m) * stride] - x[(j + m) * stride]) <= r) a += 1.0;
        }
    if (b == 0.0) return nan;
    if (a == 0.0) return std::numeric_limits<double>::infinity();
    return -std::log(a / b);
  }
  // LibEMG's count: ordered pairs, rows i < N - m (length m) against all N - m + 1 templates, rows i < N - m - 1
  // (length m + 1) against all N - m templates.
  double cb = 0.0, ca = 0.0;
  for (std::size_t i = 0; i < n - m; ++i)
    for (std::size_t j = 0; j <= n - m; ++j)
      if (j != i && within(i, j, m)) cb += 1.0;
  for (std::size_t i = 0; i + 1 < n - m; ++i)
    for (std::size_t j = 0; j < n - m; ++j)
      if (j != i && within(i, j, m + 1)) ca += 1.0;
  const double dm = static_cast<double>(n - m);
  const double eps = std::numeric_limits<double>::epsilon();
  const double b = cb / (dm * (dm - 1.0));
  const double a = ca / ((dm - 1.0) * (dm - 1.0));
  return std::log((b + eps) / (a + eps));
}

// Remainder of Stirling's series, lgamma(z) = (z - 1/2) ln z - z + ln(2 pi) / 2 + stirling_tail(z), for z >= 10:
// sum_k B_2k / (2k (2k - 1) z^(2k - 1)), k = 1 .. 8 (the first omitted term is below 2e-18 at z = 10).
double stirling_tail(double z) noexcept {
  const double w = 1.0 / (z * z);
  const double series =
      1.0 / 12.0 +
      w * (-1.0 / 360.0 +
           w * (1.0 / 1260.0 +
                w * (-1.0 / 1680.0 +
                     w * (1.0 / 1188.0 + w * (-691.0 / 360360.0 + w * (1.0 / 156.0 + w * (-3617.0 / 122400.0)))))));
  return series / z;
}

// ln B(a, b) = lgamma(a) + lgamma(b) - lgamma(a + b). For a large argument the three lgamma values are large and
// nearly cancel (dof = 10^5 would lose ~10 digits), so there the Stirling expansions are combined analytically.
double log_beta(double a, double b) noexcept {
  const double small = std::min(a, b), large = std::max(a, b), sum = a + b;
  if (large < 10.0) return std::lgamma(a) + std::lgamma(b) - std::lgamma(sum);
  const double tails = stirling_tail(large) - stirling_tail(sum);
  if (small < 10.0)
    return std::lgamma(small) - (large - 0.5) * std::log1p(small / large) - small * std::log(sum) + small + tails;
  return 0.5 * std::log(2.0 * std::numbers::pi) - 0.5 * std::log(sum) + (small - 0.5) * std::log(small / sum) +
         (large - 0.5) * std::log1p(-small / sum) + stirling_tail(small) + tails;
}

// Regularised incomplete beta I_x(a, b), with y = 1 - x supplied by the caller (often more accurately than 1 - x
// itself). Power-series prefactor x^a y^b / (a B(a, b)) times the continued fraction
//   1 / (1 + d1 / (1 + d2 / (1 + ...))),  d_{2m+1} = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)),
//                                         d_{2m}   = m (b - m) x / ((a + 2m - 1)(a + 2m)),
// evaluated by the modified Lentz method; it converges quickly for x < (a + 1) / (a + b + 2), and the symmetry
// I_x(a, b) = 1 - I_y(b, a) covers the rest.
double incomplete_beta(double a, double b, double x, double y) noexcept {
  if (std::isnan(x) || std::isnan(y)) return nan;
  if (x <= 0.0) return 0.0;
  if (y <= 0.0) return 1.0;
  if (x > (a + 1.0) / (a + b + 2.0)) return 1.0 - incomplete_beta(b, a, y, x);

  constexpr double tiny = 1e-300;
  constexpr double eps = 1e-16;
  constexpr int max_terms = 100000;
  // Lentz on h = 1 + d1 / (1 + d2 / (1 + ...)); the fraction wanted is 1 / h.
  double h = 1.0, c = 1.0, d = 0.0;
  for (int j = 1; j <= max_terms; ++j) {
    const int m = j / 2;
    const double dm = static_cast<double>(m);
    double dj;
    if (j % 2 == 1) {
      dj = -(a + dm) * (a + b + dm) * x / ((a + 2.0 * dm) * (a + 2.0 * dm + 1.0));
    } else {
      dj = dm * (b - dm) * x / ((a + 2.0 * dm - 1.0) * (a + 2.0 * dm));
    }
    d = 1.0 + dj * d;
    if (std::abs(d) < tiny) d = tiny;
    // The first step is 1 + d1 = 1 - (a + b) x / (a + 1), which cancels badly for large a and x near 1 (large
    // dof, small t). Written with y it is (1 - b + (a + b) y) / (a + 1): a sum of non-negative terms for b <= 1.
    c = (j == 1 && b <= 1.0) ? (1.0 - b + (a + b) * y) / (a + 1.0) : 1.0 + dj / c;
    if (std::abs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double delta = c * d;
    h *= delta;
    if (std::abs(delta - 1.0) < eps) break;
  }
  // ln x and ln y from whichever of x, y is known to full relative precision near 1.
  const double log_x = y < 0.5 ? std::log1p(-y) : std::log(x);
  const double log_y = x < 0.5 ? std::log1p(-x) : std::log(y);
  const double log_prefactor = a * log_x + b * log_y - log_beta(a, b);
  return std::exp(log_prefactor) / (a * h);
}

// P(|T| >= |t|) for Student's t with dof degrees of freedom, given x = dof / (dof + t^2) and y = 1 - x.
double two_sided_p(double x, double y, double dof) noexcept { return incomplete_beta(0.5 * dof, 0.5, x, y); }

}  // namespace

WindowFeatures window_features(std::span<const double> x, double fs, const FeatureThresholds& thresholds,
                               const FeatureOptions& options) {
  validate_thresholds(thresholds);
  detail::require_positive_finite("fs", fs);
  const std::size_t n = x.size();
  if (n < 2) fail("x", "needs at least 2 samples, got " + std::to_string(n));
  validate_options(options, n);
  detail::require_finite_samples(x.data(), n, 1);

  WindowFeatures f{};
  std::vector<double> scratch;
  time_features(x.data(), 1, n, thresholds, options, scratch, f);
  SpectrumWork spectrum(n, fs, options.spectral);
  copy_moments(spectrum.analyse(x.data(), 1), f);
  return f;
}

std::vector<FeatureRow> windowed_features(std::span<const double> x, std::size_t n_channels, double fs,
                                          double window_s, double step_s, const FeatureThresholds& thresholds,
                                          const FeatureOptions& options) {
  validate_thresholds(thresholds);
  const WindowGrid g = window_grid(x, n_channels, fs, window_s, step_s);
  validate_options(options, g.w);

  std::vector<FeatureRow> rows;
  rows.reserve(g.n_windows * n_channels);
  SpectrumWork spectrum(g.w, fs, options.spectral);  // one FFT plan for every window and channel
  std::vector<double> scratch;
  for (std::size_t j = 0; j < g.n_windows; ++j) {
    const std::size_t start = j * g.step;
    const double* window = x.data() + start * n_channels;
    for (std::size_t c = 0; c < n_channels; ++c) {
      FeatureRow row{c, static_cast<double>(start) / fs, static_cast<double>(start + g.w) / fs, WindowFeatures{}};
      time_features(window + c, n_channels, g.w, thresholds, options, scratch, row.f);
      copy_moments(spectrum.analyse(window + c, n_channels), row.f);
      rows.push_back(row);
    }
  }
  return rows;
}

std::vector<double> ar_coefficients(std::span<const double> x, std::size_t order) {
  const std::size_t n = x.size();
  if (n < 2) fail("x", "needs at least 2 samples, got " + std::to_string(n));
  validate_ar_order(order, n);
  detail::require_finite_samples(x.data(), n, 1);
  std::vector<double> a(order), r, previous;
  yule_walker(x.data(), 1, n, order, a.data(), r, previous);
  return a;
}

double sample_entropy(std::span<const double> x, const SampleEntropyOptions& options) {
  validate_sampen(options, x.size());
  detail::require_finite_samples(x.data(), x.size(), 1);
  return sampen_strided(x.data(), 1, x.size(), options);
}

WindowedValues windowed_ar_coefficients(std::span<const double> x, std::size_t n_channels, double fs,
                                        double window_s, double step_s, std::size_t order) {
  const WindowGrid g = window_grid(x, n_channels, fs, window_s, step_s);
  validate_ar_order(order, g.w);
  WindowedValues out{g.n_windows, n_channels, order, std::vector<double>(g.n_windows),
                     std::vector<double>(g.n_windows * n_channels * order)};
  std::vector<double> r, previous;
  for (std::size_t j = 0; j < g.n_windows; ++j) {
    const std::size_t start = j * g.step;
    out.t_start_s[j] = static_cast<double>(start) / fs;
    for (std::size_t c = 0; c < n_channels; ++c)
      yule_walker(x.data() + start * n_channels + c, n_channels, g.w, order,
                  out.values.data() + (j * n_channels + c) * order, r, previous);
  }
  return out;
}

WindowedValues windowed_sample_entropy(std::span<const double> x, std::size_t n_channels, double fs,
                                       double window_s, double step_s, const SampleEntropyOptions& options) {
  const WindowGrid g = window_grid(x, n_channels, fs, window_s, step_s);
  validate_sampen(options, g.w);
  WindowedValues out{g.n_windows, n_channels, 1, std::vector<double>(g.n_windows),
                     std::vector<double>(g.n_windows * n_channels)};
  for (std::size_t j = 0; j < g.n_windows; ++j) {
    const std::size_t start = j * g.step;
    out.t_start_s[j] = static_cast<double>(start) / fs;
    for (std::size_t c = 0; c < n_channels; ++c)
      out.values[j * n_channels + c] = sampen_strided(x.data() + start * n_channels + c, n_channels, g.w, options);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// FatigueTracker: a planar ring of the last W frames per channel; at each update instant every channel's window is
// unrolled, and its PSD is computed exactly as dsp::welch does for one segment (mean removal, periodic Hann
// window, real FFT, density scaling, one-sided doubling), so that the points equal window_features bit for bit
// when the same FFT backend plans the same length.

struct FatigueTracker::Impl {
  std::size_t n_channels;
  double fs;
  std::size_t w;
  std::size_t u;
  std::vector<double> window;  // periodic Hann
  double scale;                // 1 / (fs sum w^2)
  std::size_t last_doubled;
  std::vector<double> ring;  // n_channels x w, channel c at [c * w, (c + 1) * w)
  std::vector<double> segment;
  std::vector<std::complex<double>> spectrum;
  std::vector<double> power;
  detail::FftPlan plan;
  std::size_t pos = 0;          // next write slot in each channel's ring (= the oldest sample once full)
  std::uint64_t seen = 0;       // frames since construction / reset
  std::uint64_t next_due = 0;   // frame count at which the next window is complete

  Impl(std::size_t channels, double rate, std::size_t w_, std::size_t u_)
      : n_channels(channels),
        fs(rate),
        w(w_),
        u(u_),
        window(w_),
        ring(channels * w_, 0.0),
        segment(w_),
        spectrum(w_ / 2 + 1),
        power(w_ / 2 + 1),
        plan(w_),
        next_due(w_) {
    double sum_w2 = 0.0;
    for (std::size_t j = 0; j < w; ++j) {
      window[j] = 0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * static_cast<double>(j) / static_cast<double>(w));
      sum_w2 += window[j] * window[j];
    }
    scale = 1.0 / (fs * sum_w2);
    last_doubled = (w % 2 == 0) ? w / 2 - 1 : w / 2;
  }

  [[nodiscard]] std::size_t points_for(std::size_t n_frames) const noexcept {
    const std::uint64_t end = seen + n_frames;
    if (next_due > end) return 0;
    return static_cast<std::size_t>(1 + (end - next_due) / u) * n_channels;
  }

  SpectralFatiguePoint analyse(std::size_t c, double t_s) noexcept {
    const double* r = ring.data() + c * w;
    std::copy(r + pos, r + w, segment.begin());
    std::copy(r, r + pos, segment.begin() + static_cast<std::ptrdiff_t>(w - pos));
    double mean = 0.0;
    for (std::size_t i = 0; i < w; ++i) mean += segment[i];
    mean /= static_cast<double>(w);
    for (std::size_t i = 0; i < w; ++i) segment[i] -= mean;
    for (std::size_t i = 0; i < w; ++i) segment[i] *= window[i];
    plan.forward_real(segment.data(), spectrum.data());
    for (std::size_t k = 0; k < power.size(); ++k) {
      double p = std::norm(spectrum[k]) * scale;
      if (k >= 1 && k <= last_doubled) p *= 2.0;
      power[k] = p;
    }
    const SpectralMoments m = spectral_moments(power.data(), power.size(), w, fs, MedianFrequency::interpolated);
    return SpectralFatiguePoint{t_s, m.mnf, m.mdf};
  }
};

FatigueTracker::FatigueTracker(std::size_t n_channels, double fs, double window_s, double update_s) {
  detail::require_positive_count("n_channels", n_channels);
  detail::require_positive_finite("fs", fs);
  const std::size_t w = samples_of("window_s", window_s, fs, 2);
  const std::size_t u = samples_of("update_s", update_s, fs, 1);
  impl_ = std::make_unique<Impl>(n_channels, fs, w, u);
}

FatigueTracker::~FatigueTracker() = default;
FatigueTracker::FatigueTracker(FatigueTracker&&) noexcept = default;
FatigueTracker& FatigueTracker::operator=(FatigueTracker&&) noexcept = default;

std::size_t FatigueTracker::process(const double* in, std::size_t n_frames, SpectralFatiguePoint* out,
                                    std::size_t out_capacity) noexcept {
  Impl& s = *impl_;
  if (s.points_for(n_frames) > out_capacity) return 0;
  const std::size_t nc = s.n_channels;
  std::size_t written = 0;
  for (std::size_t t = 0; t < n_frames; ++t) {
    const double* frame = in + t * nc;
    for (std::size_t c = 0; c < nc; ++c) s.ring[c * s.w + s.pos] = frame[c];
    s.pos = (s.pos + 1 == s.w) ? 0 : s.pos + 1;
    ++s.seen;
    if (s.seen == s.next_due) {
      const double t_s =
          (static_cast<double>(s.seen - s.w) + 0.5 * static_cast<double>(s.w)) / s.fs;
      for (std::size_t c = 0; c < nc; ++c) out[written++] = s.analyse(c, t_s);
      s.next_due += s.u;
    }
  }
  return written;
}

std::size_t FatigueTracker::output_points_for(std::size_t n_frames) const noexcept {
  return impl_->points_for(n_frames);
}

void FatigueTracker::reset() noexcept {
  std::fill(impl_->ring.begin(), impl_->ring.end(), 0.0);
  impl_->pos = 0;
  impl_->seen = 0;
  impl_->next_due = impl_->w;
}

std::size_t FatigueTracker::n_channels() const noexcept { return impl_->n_channels; }
double FatigueTracker::fs() const noexcept { return impl_->fs; }
std::size_t FatigueTracker::window_samples() const noexcept { return impl_->w; }
std::size_t FatigueTracker::update_samples() const noexcept { return impl_->u; }

// ---------------------------------------------------------------------------------------------------------------

double student_t_two_sided_p(double t, double dof) {
  if (!std::isfinite(dof) || dof <= 0.0) fail("dof", "must be finite and > 0, got " + num(dof));
  if (std::isnan(t)) return nan;
  const double t2 = t * t;
  if (std::isinf(t2)) return 0.0;
  return two_sided_p(dof / (dof + t2), t2 / (dof + t2), dof);
}

LinearTrend linear_trend(std::span<const double> t, std::span<const double> y) {
  const std::size_t n = t.size();
  if (y.size() != n) fail("y", "must have the size of t (" + std::to_string(n) + "), got " + std::to_string(y.size()));
  if (n < 3) fail("t", "needs at least 3 points, got " + std::to_string(n));
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(t[i])) fail("t", "non-finite value at index " + std::to_string(i));
    if (!std::isfinite(y[i])) fail("y", "non-finite value at index " + std::to_string(i));
  }
  const auto dn = static_cast<double>(n);
  double mt = 0.0, my = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    mt += t[i];
    my += y[i];
  }
  mt /= dn;
  my /= dn;
  double sxx = 0.0, sxy = 0.0, syy = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double dt = t[i] - mt;
    const double dy = y[i] - my;
    sxx += dt * dt;
    sxy += dt * dy;
    syy += dy * dy;
  }
  if (sxx == 0.0) fail("t", "all values are equal, so the slope is undefined");

  LinearTrend res{};
  res.n = n;
  res.slope = sxy / sxx;
  res.intercept = my - res.slope * mt;
  if (syy == 0.0) {  // exact horizontal fit: no correlation to speak of
    res.r = nan;
    res.p_value = nan;
    res.stderr_slope = 0.0;
    return res;
  }
  const double r = std::clamp(sxy / std::sqrt(sxx * syy), -1.0, 1.0);
  // 1 - r^2 = SSE / syy from the residuals themselves: for strong trends (|r| near 1) this keeps full relative
  // precision, where (1 - r)(1 + r) would inherit the rounding of r magnified by 1 / (1 - |r|).
  double sse = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double e = (y[i] - my) - res.slope * (t[i] - mt);
    sse += e * e;
  }
  const double dof = dn - 2.0;
  const double one_minus_r2 = std::min(1.0, sse / syy);
  res.r = r;
  res.stderr_slope = std::sqrt(sse / dof / sxx);
  // t = r sqrt(dof / (1 - r^2)), so dof / (dof + t^2) = 1 - r^2 and t^2 / (dof + t^2) = r^2.
  res.p_value = two_sided_p(one_minus_r2, r * r, dof);
  return res;
}

}  // namespace kinemyo::emg
