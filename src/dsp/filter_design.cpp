#include "kinemyo/dsp/filter_design.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>
#include <stdexcept>
#include <string>

#include "check.hpp"

namespace kinemyo::dsp {
namespace {

using cplx = std::complex<double>;
using detail::fail;
using detail::num;

// Poles, zeros and gain of a filter, in the order SciPy's design functions produce them.
struct Zpk {
  std::vector<cplx> z;
  std::vector<cplx> p;
  double k = 1.0;
};

cplx product(const std::vector<cplx>& v, double offset, double sign) {
  // prod(offset + sign * v) in index order, as numpy's prod does.
  cplx acc(1.0, 0.0);
  for (const cplx& x : v) acc *= cplx(offset, 0.0) + sign * x;
  return acc;
}

// Analog Butterworth prototype, poles on the unit circle in the left half-plane (scipy.signal.buttap).
Zpk butterworth_prototype(int order) {
  Zpk f;
  for (int m = -order + 1; m < order; m += 2) {
    const double theta = (std::numbers::pi * m) / (2.0 * order);
    f.p.push_back(-std::polar(1.0, theta));
  }
  return f;
}

// Frequency transformations of the analog prototype (Oppenheim & Schafer; scipy.signal.lp2*_zpk).
void to_lowpass(Zpk& f, double wo) {
  const auto degree = static_cast<int>(f.p.size() - f.z.size());
  for (auto& x : f.z) x *= wo;
  for (auto& x : f.p) x *= wo;
  f.k *= std::pow(wo, degree);
}

void to_highpass(Zpk& f, double wo) {
  const std::size_t degree = f.p.size() - f.z.size();
  const cplx gain = product(f.z, 0.0, -1.0) / product(f.p, 0.0, -1.0);
  for (auto& x : f.z) x = cplx(wo, 0.0) / x;
  for (auto& x : f.p) x = cplx(wo, 0.0) / x;
  f.z.insert(f.z.end(), degree, cplx(0.0, 0.0));
  f.k *= gain.real();
}

// Shifts each root r (already scaled) to r +- sqrt(r^2 - wo^2), all "+" roots first.
std::vector<cplx> split_around(const std::vector<cplx>& roots, double wo) {
  std::vector<cplx> out(2 * roots.size());
  for (std::size_t i = 0; i < roots.size(); ++i) {
    const cplx s = std::sqrt(roots[i] * roots[i] - wo * wo);
    out[i] = roots[i] + s;
    out[roots.size() + i] = roots[i] - s;
  }
  return out;
}

void to_bandpass(Zpk& f, double wo, double bw) {
  const std::size_t degree = f.p.size() - f.z.size();
  auto scale = [bw](std::vector<cplx> v) {
    for (auto& x : v) x = x * bw / 2.0;
    return v;
  };
  f.z = split_around(scale(f.z), wo);
  f.p = split_around(scale(f.p), wo);
  f.z.insert(f.z.end(), degree, cplx(0.0, 0.0));
  f.k *= std::pow(bw, static_cast<double>(degree));
}

void to_bandstop(Zpk& f, double wo, double bw) {
  const std::size_t degree = f.p.size() - f.z.size();
  const cplx gain = product(f.z, 0.0, -1.0) / product(f.p, 0.0, -1.0);
  auto invert = [bw](std::vector<cplx> v) {
    for (auto& x : v) x = cplx(bw / 2.0, 0.0) / x;
    return v;
  };
  f.z = split_around(invert(f.z), wo);
  f.p = split_around(invert(f.p), wo);
  f.z.insert(f.z.end(), degree, cplx(0.0, wo));
  f.z.insert(f.z.end(), degree, cplx(0.0, -wo));
  f.k *= gain.real();
}

// Bilinear transform s -> 2 fs (z - 1) / (z + 1); zeros at infinity go to Nyquist (scipy.signal.bilinear_zpk).
void bilinear(Zpk& f, double fs) {
  const std::size_t degree = f.p.size() - f.z.size();
  const double fs2 = 2.0 * fs;
  const cplx gain = product(f.z, fs2, -1.0) / product(f.p, fs2, -1.0);
  for (auto& x : f.z) x = (fs2 + x) / (fs2 - x);
  for (auto& x : f.p) x = (fs2 + x) / (fs2 - x);
  f.z.insert(f.z.end(), degree, cplx(-1.0, 0.0));
  f.k *= gain.real();
}

// One member of each complex-conjugate pair (positive imaginary part, pairs averaged), then the real roots;
// the same ordering and tolerance as scipy.signal's _cplxreal so that section pairing is identical.
std::vector<cplx> conjugate_pairs_then_reals(std::vector<cplx> v) {
  if (v.empty()) return v;
  const double tol = 100.0 * std::numeric_limits<double>::epsilon();
  std::stable_sort(v.begin(), v.end(), [](const cplx& a, const cplx& b) {
    if (a.real() != b.real()) return a.real() < b.real();
    return std::abs(a.imag()) < std::abs(b.imag());
  });
  std::vector<cplx> reals, pos, neg;
  for (const cplx& x : v) {
    if (std::abs(x.imag()) <= tol * std::abs(x))
      reals.emplace_back(x.real(), 0.0);
    else if (x.imag() > 0)
      pos.push_back(x);
    else
      neg.push_back(x);
  }
  if (pos.size() != neg.size()) throw std::invalid_argument("roots: complex value with no matching conjugate");
  // Within runs of (nearly) equal real part, order by |imag|.
  std::size_t start = 0;
  while (start < pos.size()) {
    std::size_t stop = start + 1;
    while (stop < pos.size() && pos[stop].real() - pos[stop - 1].real() <= tol * std::abs(pos[stop - 1])) ++stop;
    auto by_imag = [](const cplx& a, const cplx& b) { return std::abs(a.imag()) < std::abs(b.imag()); };
    std::stable_sort(pos.begin() + static_cast<long>(start), pos.begin() + static_cast<long>(stop), by_imag);
    std::stable_sort(neg.begin() + static_cast<long>(start), neg.begin() + static_cast<long>(stop), by_imag);
    start = stop;
  }
  std::vector<cplx> out;
  for (std::size_t i = 0; i < pos.size(); ++i) {
    if (std::abs(pos[i] - std::conj(neg[i])) > tol * std::abs(neg[i]))
      throw std::invalid_argument("roots: complex value with no matching conjugate");
    out.push_back((pos[i] + std::conj(neg[i])) / 2.0);
  }
  out.insert(out.end(), reals.begin(), reals.end());
  return out;
}

bool is_real(const cplx& x) { return x.imag() == 0.0; }

// Coefficients of prod (1 - r z^-1) over the roots, real when the roots come in conjugate pairs.
std::vector<double> poly(const std::vector<cplx>& roots) {
  std::vector<cplx> a{cplx(1.0, 0.0)};
  for (const cplx& r : roots) {
    std::vector<cplx> next(a.size() + 1, cplx(0.0, 0.0));
    for (std::size_t i = 0; i < a.size(); ++i) {
      next[i] += a[i];
      next[i + 1] += a[i] * -r;
    }
    a = std::move(next);
  }
  std::vector<double> out;
  for (const cplx& c : a) out.push_back(c.real());
  return out;
}

Section single_section(const std::vector<cplx>& z, const std::vector<cplx>& p) {
  Section s{};
  const auto b = poly(z);
  const auto a = poly(p);
  std::copy(b.begin(), b.end(), s.begin() + static_cast<long>(3 - b.size()));
  std::copy(a.begin(), a.end(), s.begin() + static_cast<long>(6 - a.size()));
  return s;
}

// Index of the element of `from` nearest to `to`, restricted to real or complex elements as asked.
enum class Which { real, complex, any };
std::size_t nearest(const std::vector<cplx>& from, const cplx& to, Which which) {
  std::size_t best = from.size();
  double best_d = 0.0;
  for (std::size_t i = 0; i < from.size(); ++i) {
    if (which == Which::real && !is_real(from[i])) continue;
    if (which == Which::complex && is_real(from[i])) continue;
    const double d = std::abs(from[i] - to);
    if (best == from.size() || d < best_d) {
      best = i;
      best_d = d;
    }
  }
  if (best == from.size()) throw std::logic_error("zpk2sos: no root of the requested kind left");
  return best;
}

// Index of the root closest to the unit circle (the "worst" one).
std::size_t worst(const std::vector<cplx>& p, bool real_only) {
  std::size_t best = p.size();
  double best_d = 0.0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (real_only && !is_real(p[i])) continue;
    const double d = std::abs(1.0 - std::abs(p[i]));
    if (best == p.size() || d < best_d) {
      best = i;
      best_d = d;
    }
  }
  return best;
}

cplx take(std::vector<cplx>& v, std::size_t i) {
  const cplx x = v[i];
  v.erase(v.begin() + static_cast<long>(i));
  return x;
}

std::size_t count_real(const std::vector<cplx>& v) {
  return static_cast<std::size_t>(std::count_if(v.begin(), v.end(), is_real));
}

// Digital zpk -> SOS with "nearest" pairing: poles closest to the unit circle are paired with their nearest
// zeros and placed last (scipy.signal.zpk2sos, pairing='nearest').
Sos zpk_to_sos(Zpk f) {
  if (f.z.empty() && f.p.empty()) return {Section{f.k, 0.0, 0.0, 1.0, 0.0, 0.0}};
  while (f.p.size() < f.z.size()) f.p.emplace_back(0.0, 0.0);
  while (f.z.size() < f.p.size()) f.z.emplace_back(0.0, 0.0);
  const std::size_t n_sections = (f.p.size() + 1) / 2;
  if (f.p.size() % 2 == 1) {
    f.p.emplace_back(0.0, 0.0);
    f.z.emplace_back(0.0, 0.0);
  }
  auto z = conjugate_pairs_then_reals(f.z);
  auto p = conjugate_pairs_then_reals(f.p);
  Sos sos(n_sections);
  for (std::size_t si = n_sections; si-- > 0;) {
    const cplx p1 = take(p, worst(p, false));
    if (is_real(p1) && count_real(p) == 0) {
      const cplx z1 = take(z, nearest(z, p1, Which::real));
      sos[si] = single_section({z1, 0.0}, {p1, 0.0});
    } else if (p.size() + 1 == z.size() && !is_real(p1) && count_real(p) == 1 && count_real(z) == 1) {
      const cplx z1 = take(z, nearest(z, p1, Which::complex));
      sos[si] = single_section({z1, std::conj(z1)}, {p1, std::conj(p1)});
    } else {
      const cplx p2 = is_real(p1) ? take(p, worst(p, true)) : std::conj(p1);
      if (z.empty()) {
        sos[si] = single_section({}, {p1, p2});
        continue;
      }
      const cplx z1 = take(z, nearest(z, p1, Which::any));
      if (!is_real(z1)) {
        sos[si] = single_section({z1, std::conj(z1)}, {p1, p2});
      } else if (!z.empty()) {
        const cplx z2 = take(z, nearest(z, p1, Which::real));
        sos[si] = single_section({z1, z2}, {p1, p2});
      } else {
        sos[si] = single_section({z1}, {p1, p2});
      }
    }
  }
  for (int i = 0; i < 3; ++i) sos[0][static_cast<std::size_t>(i)] *= f.k;
  return sos;
}

Sos single_biquad(std::array<double, 3> b, std::array<double, 3> a) {
  return {Section{b[0], b[1], b[2], a[0], a[1], a[2]}};
}

// Orfanidis (1996) sec. 11.3 second-order notch/peak with -3 dB bandwidth f0/q (scipy.signal.iirnotch/iirpeak).
Sos notch_or_peak(double f0_hz, double q, double fs, bool notch) {
  detail::require_positive_finite("fs", fs);
  if (!std::isfinite(f0_hz) || f0_hz <= 0.0 || f0_hz >= fs / 2.0)
    fail("f0_hz", "must satisfy 0 < f0 < fs/2 = " + num(fs / 2.0) + ", got " + num(f0_hz));
  detail::require_positive_finite("q", q);
  const double w0n = 2.0 * f0_hz / fs;
  // The -3 dB bandwidth f0/q must stay below fs/2 (else tan(bw/2) is negative, infinite or NaN).
  if (!(q > w0n)) fail("q", "must exceed 2 * f0_hz / fs = " + num(w0n) + " (bandwidth f0/q below fs/2), got " + num(q));
  const double bw = (w0n / q) * std::numbers::pi;
  const double w0 = w0n * std::numbers::pi;
  const double beta = std::tan(bw / 2.0);
  const double gain = 1.0 / (1.0 + beta);
  const std::array<double, 3> a{1.0, -2.0 * gain * std::cos(w0), 2.0 * gain - 1.0};
  if (notch) return single_biquad({gain, gain * (-2.0 * std::cos(w0)), gain}, a);
  return single_biquad({1.0 - gain, 0.0, (1.0 - gain) * -1.0}, a);
}

}  // namespace

void require_cutoff(const std::string& parameter, double f_hz, double fs) {
  if (!std::isfinite(f_hz) || f_hz <= 0.0 || f_hz >= fs / 2.0)
    fail(parameter, "must satisfy 0 < cutoff < fs/2 = " + num(fs / 2.0) + ", got " + num(f_hz));
  // A cutoff far too low, or a sampling rate far too high (fs = 1e300 with a 20 Hz high-pass).
  if (f_hz < kMinRelativeCutoff * fs)
    fail(parameter, "must be at least " + num(kMinRelativeCutoff) + " * fs = " + num(kMinRelativeCutoff * fs) +
                        " Hz (fs = " + num(fs) + " Hz; lower, the filter's poles round onto z = 1), got " + num(f_hz));
}

Sos butterworth_sos(int order, const std::vector<double>& cutoffs_hz, FilterKind kind, double fs) {
  constexpr int max_order = 24;
  if (order < 1 || order > max_order)
    fail("order", "must be an integer in [1, " + std::to_string(max_order) + "], got " + std::to_string(order));
  detail::require_positive_finite("fs", fs);
  const bool band = kind == FilterKind::bandpass || kind == FilterKind::bandstop;
  if (cutoffs_hz.size() != (band ? 2u : 1u))
    fail("cutoffs_hz", std::string(band ? "band filters need two frequencies (low, high)"
                                        : "lowpass/highpass filters need exactly one frequency") +
                           ", got " + std::to_string(cutoffs_hz.size()));
  require_cutoff("cutoffs_hz", cutoffs_hz[0], fs);
  if (band) {
    require_cutoff("cutoffs_hz", cutoffs_hz[1], fs);
    if (!(cutoffs_hz[0] < cutoffs_hz[1]))
      fail("cutoffs_hz", "low must be < high, got " + num(cutoffs_hz[0]) + " >= " + num(cutoffs_hz[1]));
  }
  // Pre-warp in SciPy's normalisation (Nyquist = 1, internal fs = 2) so every intermediate matches.
  std::vector<double> warped;
  for (double f : cutoffs_hz) {
    const double wn = f / (fs / 2.0);
    warped.push_back(2.0 * 2.0 * std::tan(std::numbers::pi * wn / 2.0));
  }
  Zpk f = butterworth_prototype(order);
  switch (kind) {
    case FilterKind::lowpass: to_lowpass(f, warped[0]); break;
    case FilterKind::highpass: to_highpass(f, warped[0]); break;
    case FilterKind::bandpass: to_bandpass(f, std::sqrt(warped[0] * warped[1]), warped[1] - warped[0]); break;
    case FilterKind::bandstop: to_bandstop(f, std::sqrt(warped[0] * warped[1]), warped[1] - warped[0]); break;
  }
  bilinear(f, 2.0);
  return zpk_to_sos(std::move(f));
}

Sos notch_sos(double f0_hz, double q, double fs) { return notch_or_peak(f0_hz, q, fs, true); }
Sos peak_sos(double f0_hz, double q, double fs) { return notch_or_peak(f0_hz, q, fs, false); }

void validate_sos(const Sos& sos) {
  if (sos.empty()) fail("sos", "needs at least one section");
  for (std::size_t i = 0; i < sos.size(); ++i) {
    for (double c : sos[i])
      if (!std::isfinite(c)) fail("sos", "section " + std::to_string(i) + " has a non-finite coefficient");
    if (sos[i][3] != 1.0) fail("sos", "section " + std::to_string(i) + " must have a0 == 1, got " + num(sos[i][3]));
  }
}

std::vector<std::array<double, 2>> sosfilt_zi(const Sos& sos) {
  validate_sos(sos);
  std::vector<std::array<double, 2>> zi(sos.size());
  double scale = 1.0;
  for (std::size_t s = 0; s < sos.size(); ++s) {
    const auto& c = sos[s];
    // Steady state of the transposed direct form II for a unit step (lfilter_zi, solved in closed form):
    // (I - A^T) zi = b[1:] - a[1:] b0.
    const double B0 = c[1] - c[4] * c[0];
    const double B1 = c[2] - c[5] * c[0];
    const double den = 1.0 + c[4] + c[5];
    if (den == 0.0) fail("sos", "section " + std::to_string(s) + " has a pole at z = 1 (no steady state)");
    const double z0 = (B0 + B1) / den;
    zi[s] = {scale * z0, scale * (B1 - c[5] * z0)};
    scale *= (c[0] + c[1] + c[2]) / (c[3] + c[4] + c[5]);
  }
  return zi;
}

namespace {
// Sum p_k e^{-j w k} and sum k p_k e^{-j w k} for a 3-term polynomial in z^-1.
std::pair<cplx, cplx> poly_eval(double p0, double p1, double p2, double w) {
  const cplx e1 = std::polar(1.0, -w), e2 = std::polar(1.0, -2.0 * w);
  return {p0 + p1 * e1 + p2 * e2, p1 * e1 + 2.0 * p2 * e2};
}
}  // namespace

std::complex<double> sos_frequency_response(const Sos& sos, double f_hz, double fs) {
  validate_sos(sos);
  detail::require_positive_finite("fs", fs);
  if (!std::isfinite(f_hz)) fail("f_hz", "must be finite");
  const double w = 2.0 * std::numbers::pi * f_hz / fs;
  cplx h(1.0, 0.0);
  for (const auto& c : sos) h *= poly_eval(c[0], c[1], c[2], w).first / poly_eval(c[3], c[4], c[5], w).first;
  return h;
}

double sos_group_delay(const Sos& sos, double f_hz, double fs) {
  validate_sos(sos);
  detail::require_positive_finite("fs", fs);
  if (!std::isfinite(f_hz)) fail("f_hz", "must be finite");
  const double w = 2.0 * std::numbers::pi * f_hz / fs;
  double samples = 0.0;
  for (const auto& c : sos) {
    const auto [b, kb] = poly_eval(c[0], c[1], c[2], w);
    const auto [a, ka] = poly_eval(c[3], c[4], c[5], w);
    const double scale = std::abs(c[0]) + std::abs(c[1]) + std::abs(c[2]);
    if (std::abs(b) <= 1e-12 * scale)
      throw std::domain_error("f_hz: group delay is undefined at " + num(f_hz) + " Hz, where the response is zero");
    samples += (kb / b).real() - (ka / a).real();
  }
  return samples / fs;
}

}  // namespace kinemyo::dsp
