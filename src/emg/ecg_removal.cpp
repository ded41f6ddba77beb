#include "kinemyo/emg/ecg_removal.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "dsp/check.hpp"
#include "kinemyo/dsp/batch_filter.hpp"
#include "kinemyo/dsp/filter_design.hpp"
#include "kinemyo/dsp/moving_window.hpp"
#include "kinemyo/dsp/sos_filter.hpp"

namespace kinemyo::emg {
namespace {

using detail::num;

std::size_t samples(double seconds, double fs) { return static_cast<std::size_t>(std::llround(seconds * fs)); }

void validate(const EcgRemovalConfig& c, double fs) {
  detail::require_positive_finite("fs", fs);
  if (c.method != EcgRemovalMethod::template_subtraction && c.method != EcgRemovalMethod::gating)
    detail::fail("config.method", "unknown EcgRemovalMethod value");
  detail::require_positive_finite("config.pre_s", c.pre_s);
  detail::require_positive_finite("config.post_s", c.post_s);
  detail::require_positive_finite("config.gate_half_width_s", c.gate_half_width_s);
  detail::require_positive_finite("config.integration_s", c.integration_s);
  detail::require_positive_finite("config.refractory_s", c.refractory_s);
  if (!std::isfinite(c.max_shift_s) || c.max_shift_s < 0.0) detail::fail("config.max_shift_s", "must be >= 0");
  if (c.template_beats < 1) detail::fail("config.template_beats", "must be >= 1");
  if (!(c.threshold_fraction > 0.0 && c.threshold_fraction < 1.0))
    detail::fail("config.threshold_fraction", "must be in (0, 1), got " + num(c.threshold_fraction));
  if (!(c.qrs_low_hz > 0.0 && c.qrs_low_hz < c.qrs_high_hz && c.qrs_high_hz < fs / 2.0))
    detail::fail("config.qrs_high_hz", "need 0 < qrs_low_hz < qrs_high_hz < fs/2 = " + num(fs / 2.0));
}

// Zero-phase band of a single channel.
std::vector<double> zero_phase(const dsp::Sos& sos, std::span<const double> x) {
  std::vector<double> y(x.size());
  dsp::sosfiltfilt<double>(sos, x, y, 1);
  return y;
}

std::vector<double> column(std::span<const double> x, std::size_t C, std::size_t c) {
  std::vector<double> out(x.size() / C);
  for (std::size_t t = 0; t < out.size(); ++t) out[t] = x[t * C + c];
  return out;
}

// Lag in [-max, max] maximising the correlation of x around `at` (window [at - pre, at + post)) with `tmpl`.
long best_lag(const std::vector<double>& x, std::size_t at, std::size_t pre, const std::vector<double>& tmpl,
              long max) {
  long best = 0;
  double best_c = -1e300;
  for (long lag = -max; lag <= max; ++lag) {
    const long start = static_cast<long>(at) - static_cast<long>(pre) + lag;
    if (start < 0 || start + static_cast<long>(tmpl.size()) > static_cast<long>(x.size())) continue;
    double c = 0.0;
    for (std::size_t k = 0; k < tmpl.size(); ++k) c += x[static_cast<std::size_t>(start) + k] * tmpl[k];
    if (c > best_c) {
      best_c = c;
      best = lag;
    }
  }
  return best;
}

}  // namespace

std::vector<std::size_t> detect_qrs(std::span<const double> signal, double fs, const EcgRemovalConfig& config) {
  validate(config, fs);
  const std::size_t n = signal.size();
  const std::size_t w = std::max<std::size_t>(1, samples(config.integration_s, fs));
  const auto band = dsp::butterworth_sos(2, {config.qrs_low_hz, config.qrs_high_hz}, dsp::FilterKind::bandpass, fs);
  if (n <= dsp::sosfiltfilt_padlen(band) || n < 2 * w + 3)
    detail::fail("signal", "is too short for QRS detection (" + std::to_string(n) + " samples)");
  detail::require_finite_samples(signal.data(), n, 1, "signal");
  const auto y = zero_phase(band, signal);
  // Squared central derivative, integrated over a centred window.
  std::vector<double> e(n, 0.0);
  for (std::size_t t = 1; t + 1 < n; ++t) {
    const double d = 0.5 * (y[t + 1] - y[t - 1]);
    e[t] = d * d;
  }
  std::vector<double> causal(n);
  dsp::moving_window<double>(e, causal, 1, w, dsp::WindowStatistic::mean);
  std::vector<double> integ(n, 0.0);
  const std::size_t half = (w - 1) / 2;
  for (std::size_t t = 0; t + half < n; ++t) integ[t] = causal[t + half];
  std::vector<double> sorted(integ);
  const auto q = static_cast<std::size_t>(0.99 * static_cast<double>(n - 1));
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<long>(q), sorted.end());
  const double threshold = config.threshold_fraction * sorted[q];
  // One candidate per supra-threshold region: its integrated maximum; then the R peak is the largest |band|
  // sample within half an integration window of it; candidates closer than the refractory period keep the larger.
  const std::size_t refractory = samples(config.refractory_s, fs);
  std::vector<std::size_t> peaks;
  std::size_t t = 0;
  while (t < n) {
    if (integ[t] <= threshold) {
      ++t;
      continue;
    }
    std::size_t arg = t;
    while (t < n && integ[t] > threshold) {
      if (integ[t] > integ[arg]) arg = t;
      ++t;
    }
    const std::size_t lo = arg > w / 2 ? arg - w / 2 : 0, hi = std::min(n, arg + w / 2 + 1);
    std::size_t r = lo;
    for (std::size_t k = lo; k < hi; ++k)
      if (std::abs(y[k]) > std::abs(y[r])) r = k;
    if (!peaks.empty() && r - peaks.back() < refractory) {
      if (std::abs(y[r]) > std::abs(y[peaks.back()])) peaks.back() = r;
    } else {
      peaks.push_back(r);
    }
  }
  return peaks;
}

EcgRemovalResult remove_ecg(std::span<const double> emg, std::size_t n_channels, double fs,
                            std::optional<std::span<const double>> ecg_reference, const EcgRemovalConfig& config) {
  validate(config, fs);
  const std::size_t C = n_channels;
  const std::size_t n = detail::frames_of(emg.size(), C);
  detail::require_finite_samples(emg.data(), emg.size(), C, "emg");
  const auto baseline_hp = dsp::butterworth_sos(2, {1.0}, dsp::FilterKind::highpass, fs);
  if (n <= dsp::sosfiltfilt_padlen(baseline_hp)) detail::fail("emg", "is too short");

  EcgRemovalResult result;
  if (ecg_reference) {
    if (ecg_reference->size() != n)
      detail::fail("ecg_reference", "must have one sample per EMG frame (" + std::to_string(n) + "), got " +
                                        std::to_string(ecg_reference->size()));
    detail::require_finite_samples(ecg_reference->data(), n, 1, "ecg_reference");
    result.r_peaks = detect_qrs(*ecg_reference, fs, config);
  } else {
    // The channel with the most QRS-band power carries the clearest ECG.
    const auto band = dsp::butterworth_sos(2, {config.qrs_low_hz, config.qrs_high_hz}, dsp::FilterKind::bandpass, fs);
    std::size_t best = 0;
    double best_p = -1.0;
    for (std::size_t c = 0; c < C; ++c) {
      const auto y = zero_phase(band, column(emg, C, c));
      double p = 0.0;
      for (double v : y) p += v * v;
      if (p > best_p) {
        best_p = p;
        best = c;
      }
    }
    result.r_peaks = detect_qrs(column(emg, C, best), fs, config);
  }

  const std::size_t pre = samples(config.pre_s, fs), post = samples(config.post_s, fs), len = pre + post;
  const auto max_shift = static_cast<long>(samples(config.max_shift_s, fs));
  // Beats whose whole window (with the alignment margin) lies inside the recording.
  std::vector<std::size_t> beats;
  for (std::size_t r : result.r_peaks)
    if (r >= pre + static_cast<std::size_t>(max_shift) && r + post + static_cast<std::size_t>(max_shift) <= n)
      beats.push_back(r);

  result.cleaned.assign(emg.begin(), emg.end());
  result.ecg_estimate.assign(emg.size(), 0.0);
  for (std::size_t c = 0; c < C; ++c) {
    const auto x = zero_phase(baseline_hp, column(emg, C, c));  // baseline-free copy for the estimate
    std::vector<double> est(n, 0.0);
    double correlation = std::numeric_limits<double>::quiet_NaN();
    const bool gate = config.method == EcgRemovalMethod::gating || beats.size() < config.min_beats;
    if (gate) {
      // Straight line across +- gate_half_width_s of every R peak: what lies between is taken as ECG.
      const std::size_t hw = samples(config.gate_half_width_s, fs);
      for (std::size_t r : result.r_peaks) {
        const std::size_t a = r > hw ? r - hw : 0, b = std::min(n - 1, r + hw);
        for (std::size_t t = a; t <= b; ++t) {
          const double frac = b > a ? static_cast<double>(t - a) / static_cast<double>(b - a) : 0.0;
          est[t] = x[t] - (x[a] + frac * (x[b] - x[a]));
        }
      }
    } else {
      // Align every beat to the mean beat by cross-correlation, then subtract a centred running average of the
      // aligned beats.
      std::vector<double> mean(len, 0.0);
      for (std::size_t r : beats)
        for (std::size_t k = 0; k < len; ++k) mean[k] += x[r - pre + k] / static_cast<double>(beats.size());
      std::vector<std::size_t> start(beats.size());
      for (std::size_t i = 0; i < beats.size(); ++i)
        start[i] = static_cast<std::size_t>(static_cast<long>(beats[i] - pre) + best_lag(x, beats[i], pre, mean, max_shift));
      // How alike the beats are: correlation of each with the mean of all the others.
      std::vector<double> total(len, 0.0), other(len);
      for (std::size_t i = 0; i < beats.size(); ++i)
        for (std::size_t k = 0; k < len; ++k) total[k] += x[start[i] + k];
      double corr_sum = 0.0;
      for (std::size_t i = 0; i < beats.size(); ++i) {
        for (std::size_t k = 0; k < len; ++k)
          other[k] = (total[k] - x[start[i] + k]) / static_cast<double>(beats.size() - 1);
        double ma = 0.0, mb = 0.0;
        for (std::size_t k = 0; k < len; ++k) {
          ma += x[start[i] + k];
          mb += other[k];
        }
        ma /= static_cast<double>(len);
        mb /= static_cast<double>(len);
        double sab = 0.0, saa = 0.0, sbb = 0.0;
        for (std::size_t k = 0; k < len; ++k) {
          const double da = x[start[i] + k] - ma, db = other[k] - mb;
          sab += da * db;
          saa += da * da;
          sbb += db * db;
        }
        corr_sum += saa > 0.0 && sbb > 0.0 ? sab / std::sqrt(saa * sbb) : 0.0;
      }
      correlation = corr_sum / static_cast<double>(beats.size());
      const std::size_t m = std::min(config.template_beats, beats.size());
      std::vector<double> tmpl(len);
      for (std::size_t i = 0; i < beats.size(); ++i) {
        const std::size_t first = std::min(i >= m / 2 ? i - m / 2 : 0, beats.size() - m);
        for (std::size_t k = 0; k < len; ++k) {
          double s = 0.0;
          for (std::size_t j = first; j < first + m; ++j) s += x[start[j] + k];
          tmpl[k] = s / static_cast<double>(m);
        }
        // Least-squares amplitude of the template in this beat (beat amplitudes vary with breathing).
        double xt = 0.0, tt = 0.0;
        for (std::size_t k = 0; k < len; ++k) {
          xt += x[start[i] + k] * tmpl[k];
          tt += tmpl[k] * tmpl[k];
        }
        const double gain = tt > 0.0 ? xt / tt : 0.0;
        for (std::size_t k = 0; k < len; ++k) est[start[i] + k] = gain * tmpl[k];
      }
    }
    double e_est = 0.0, e_in = 0.0;
    for (std::size_t t = 0; t < n; ++t) {
      e_est += est[t] * est[t];
      e_in += x[t] * x[t];
      result.ecg_estimate[t * C + c] = est[t];
      result.cleaned[t * C + c] -= est[t];
    }
    result.contamination_pct.push_back(e_in > 0.0 ? 100.0 * e_est / e_in : 0.0);
    result.gated.push_back(gate);
    result.beat_correlation.push_back(correlation);
  }
  if (beats.size() >= config.min_beats && config.method == EcgRemovalMethod::template_subtraction)
    result.r_peaks = beats;
  return result;
}

}  // namespace kinemyo::emg

// ---------------------------------------------------------------------------------------------------------------
// Streaming removal

namespace kinemyo::emg {

struct EcgRemover::Impl {
  std::size_t C;
  double fs;
  EcgRemovalConfig cfg;
  std::size_t pre, post, len, shift, hw, refractory, learn, delay, line_len;
  dsp::SosFilter highpass, qrs_band;
  dsp::MovingWindow integrator;
  std::vector<double> frame, band, energy, y1, y2;  // per channel scratch and derivative history
  std::vector<double> line;                          // (line_len, C) delay line of the high-passed input
  std::vector<double> templates;                     // (C, template_beats, len) ring of aligned beats
  std::vector<double> tmpl, seg;                     // scratch, len
  struct Channel {
    double peak_level = 0.0, threshold = 0.0;
    std::uint64_t quiet = 0;       // samples since the last region ended (re-learn after `learn` of them)
    double recent_max = 0.0;       // largest integrated value over the current re-learn span
    bool in_region = false;
    double region_max = 0.0, cand_abs = 0.0;
    std::uint64_t cand = 0;
    bool has_last = false;
    std::uint64_t last = 0;
    std::uint64_t pending[8] = {};
    std::size_t n_pending = 0;
    std::size_t ring_next = 0, ring_count = 0;
    std::uint64_t beats = 0, late = 0;
  };
  std::vector<Channel> ch;
  std::uint64_t t = 0;

  Impl(std::size_t n, double rate, const EcgRemovalConfig& c, dsp::InputPolicy input)
      : C(n),
        fs(rate),
        cfg(c),
        highpass((validate(c, rate), detail::require_positive_count("n_channels", n),
                  dsp::butterworth_sos(2, {1.0}, dsp::FilterKind::highpass, rate)),
                 n, input),
        qrs_band(dsp::butterworth_sos(2, {c.qrs_low_hz, c.qrs_high_hz}, dsp::FilterKind::bandpass, rate), n,
                 dsp::NonFinitePolicy::propagate),
        integrator(std::max<std::size_t>(1, samples(c.integration_s, rate)), n, dsp::WindowStatistic::mean,
                   dsp::NonFinitePolicy::propagate) {
    pre = samples(c.pre_s, fs);
    post = samples(c.post_s, fs);
    len = pre + post;
    shift = samples(c.max_shift_s, fs);
    hw = samples(c.gate_half_width_s, fs);
    refractory = samples(c.refractory_s, fs);
    learn = samples(2.0, fs);
    if (len < 2) detail::fail("config.post_s", "the beat window is shorter than two samples");
    if (hw > pre || hw > post) detail::fail("config.gate_half_width_s", "must fit inside the beat window");
    delay = pre + post + 2 * shift + std::max<std::size_t>(1, samples(c.integration_s, fs)) / 2;
    line_len = delay + len + 2 * shift + 2;
    frame.assign(C, 0.0);
    band.assign(C, 0.0);
    energy.assign(C, 0.0);
    y1.assign(C, 0.0);
    y2.assign(C, 0.0);
    line.assign(line_len * C, 0.0);
    templates.assign(C * c.template_beats * len, 0.0);
    tmpl.assign(len, 0.0);
    seg.assign(len, 0.0);
    ch.assign(C, Channel{});
  }

  double& at(std::uint64_t sample, std::size_t c) { return line[(sample % line_len) * C + c]; }

  // Subtracts (or gates) the beat whose R estimate is r on channel c; its whole window is still in the line.
  void remove_beat(std::size_t c, std::uint64_t r) {
    Channel& s = ch[c];
    double* ring = templates.data() + c * cfg.template_beats * len;
    // Current template: the mean of the stored beats.
    std::fill(tmpl.begin(), tmpl.end(), 0.0);
    for (std::size_t b = 0; b < s.ring_count; ++b)
      for (std::size_t k = 0; k < len; ++k) tmpl[k] += ring[b * len + k] / static_cast<double>(s.ring_count);
    // Align this beat to it by cross-correlation (no template yet: no shift).
    long best = 0;
    if (s.ring_count > 0) {
      double best_c = -1e300;
      for (long lag = -static_cast<long>(shift); lag <= static_cast<long>(shift); ++lag) {
        double corr = 0.0;
        for (std::size_t k = 0; k < len; ++k)
          corr += at(static_cast<std::uint64_t>(static_cast<long>(r - pre + k) + lag), c) * tmpl[k];
        if (corr > best_c) {
          best_c = corr;
          best = lag;
        }
      }
    }
    const auto start = static_cast<std::uint64_t>(static_cast<long>(r - pre) + best);
    for (std::size_t k = 0; k < len; ++k) seg[k] = at(start + k, c);
    if (s.ring_count >= cfg.min_beats) {  // an artefact, not a beat: keep it out of the template, leave it as is
      double seg_peak = 0.0, tmpl_peak = 0.0;
      for (std::size_t k = 0; k < len; ++k) {
        seg_peak = std::max(seg_peak, std::abs(seg[k]));
        tmpl_peak = std::max(tmpl_peak, std::abs(tmpl[k]));
      }
      if (seg_peak > 8.0 * tmpl_peak) return;
    }
    // Store it, then subtract the running average including it (least-squares scaled), or gate while too few.
    std::copy(seg.begin(), seg.end(), ring + s.ring_next * len);
    s.ring_next = (s.ring_next + 1) % cfg.template_beats;
    s.ring_count = std::min(s.ring_count + 1, cfg.template_beats);
    ++s.beats;
    if (s.ring_count < cfg.min_beats) {
      const std::uint64_t a = r - hw, b = r + hw;
      const double xa = at(a, c), xb = at(b, c);
      for (std::uint64_t k = a; k <= b; ++k)
        at(k, c) = xa + (xb - xa) * static_cast<double>(k - a) / static_cast<double>(b - a);
      return;
    }
    std::fill(tmpl.begin(), tmpl.end(), 0.0);
    for (std::size_t b = 0; b < s.ring_count; ++b)
      for (std::size_t k = 0; k < len; ++k) tmpl[k] += ring[b * len + k] / static_cast<double>(s.ring_count);
    double xt = 0.0, tt = 0.0;
    for (std::size_t k = 0; k < len; ++k) {
      xt += seg[k] * tmpl[k];
      tt += tmpl[k] * tmpl[k];
    }
    const double gain = tt > 0.0 ? xt / tt : 0.0;
    for (std::size_t k = 0; k < len; ++k) at(start + k, c) -= gain * tmpl[k];
  }

  void step_detector(std::size_t c, double y, double integ) {
    Channel& s = ch[c];
    if (t < learn) {  // learn the level of the beats before detecting any
      s.peak_level = std::max(s.peak_level, integ);
      s.threshold = cfg.threshold_fraction * s.peak_level;
      return;
    }
    s.recent_max = std::max(s.recent_max, integ);
    if (++s.quiet >= learn) {  // no region ended for 2 s: re-learn the level (re-arms after an artefact or burst)
      s.peak_level = s.recent_max;
      s.threshold = cfg.threshold_fraction * s.peak_level;
      s.in_region = false;
      s.quiet = 0;
      s.recent_max = 0.0;
      return;
    }
    if (!s.in_region) {
      if (!(integ > s.threshold)) return;
      s.in_region = true;
      s.region_max = integ;
      s.cand = t;
      s.cand_abs = std::abs(y);
      return;
    }
    if (integ > s.threshold) {
      s.region_max = std::max(s.region_max, integ);
      if (std::abs(y) > s.cand_abs) {
        s.cand = t;
        s.cand_abs = std::abs(y);
      }
      return;
    }
    // The region ended: its largest band sample is the beat, unless a bigger one sits within the refractory time.
    s.in_region = false;
    s.quiet = 0;
    s.recent_max = 0.0;
    s.peak_level = 0.875 * s.peak_level +
                   0.125 * (s.peak_level > 0.0 ? std::min(s.region_max, 4.0 * s.peak_level) : s.region_max);
    s.threshold = cfg.threshold_fraction * s.peak_level;
    const std::uint64_t r = s.cand;
    if (r < pre + shift) return;  // window starts before the recording
    if (s.has_last && r - s.last < refractory) return;  // a second region of the same beat
    s.has_last = true;
    s.last = r;
    if (s.n_pending < 8) s.pending[s.n_pending++] = r;
  }

  void process_frame(const double* in, double* out) {
    std::copy(in, in + C, frame.begin());
    highpass.process_frame(frame.data(), frame.data());
    qrs_band.process_frame(frame.data(), band.data());
    for (std::size_t c = 0; c < C; ++c) {
      const double d = 0.5 * (band[c] - y2[c]);  // central derivative at t - 1
      energy[c] = d * d;
      y2[c] = y1[c];
      y1[c] = band[c];
    }
    integrator.process_frame(energy.data(), energy.data());
    for (std::size_t c = 0; c < C; ++c) {
      at(t, c) = frame[c];
      step_detector(c, band[c], energy[c]);
      Channel& s = ch[c];
      // Beats whose window (with the alignment margin) is complete are removed now; too late ones are skipped.
      while (s.n_pending > 0 && t >= s.pending[0] + post + shift) {
        const std::uint64_t r = s.pending[0];
        std::copy(s.pending + 1, s.pending + s.n_pending, s.pending);
        --s.n_pending;
        if (r - pre - shift + delay >= t)
          remove_beat(c, r);
        else
          ++s.late;
      }
      out[c] = t >= delay ? at(t - delay, c) : 0.0;
    }
    ++t;
  }
};

EcgRemover::EcgRemover(std::size_t n_channels, double fs, const EcgRemovalConfig& config, dsp::InputPolicy input)
    : impl_(std::make_unique<Impl>(n_channels, fs, config, input)) {}
EcgRemover::~EcgRemover() = default;
EcgRemover::EcgRemover(EcgRemover&&) noexcept = default;
EcgRemover& EcgRemover::operator=(EcgRemover&&) noexcept = default;

void EcgRemover::process(const double* in, double* out, std::size_t n_frames) noexcept {
  auto& m = *impl_;
  for (std::size_t f = 0; f < n_frames; ++f) m.process_frame(in + f * m.C, out + f * m.C);
}

void EcgRemover::reset() noexcept {
  auto& m = *impl_;
  m.highpass.reset();
  m.qrs_band.reset();
  m.integrator.reset();
  std::fill(m.y1.begin(), m.y1.end(), 0.0);
  std::fill(m.y2.begin(), m.y2.end(), 0.0);
  std::fill(m.line.begin(), m.line.end(), 0.0);
  std::fill(m.templates.begin(), m.templates.end(), 0.0);
  std::fill(m.ch.begin(), m.ch.end(), Impl::Channel{});
  m.t = 0;
}

std::size_t EcgRemover::latency_samples() const noexcept { return impl_->delay; }
double EcgRemover::latency_s() const noexcept { return static_cast<double>(impl_->delay) / impl_->fs; }
std::size_t EcgRemover::n_channels() const noexcept { return impl_->C; }
std::uint64_t EcgRemover::replaced_samples() const noexcept { return impl_->highpass.replaced_samples(); }

std::uint64_t EcgRemover::beats(std::size_t channel) const {
  if (channel >= impl_->C) detail::fail("channel", "must be < " + std::to_string(impl_->C));
  return impl_->ch[channel].beats;
}

std::uint64_t EcgRemover::late_beats(std::size_t channel) const {
  if (channel >= impl_->C) detail::fail("channel", "must be < " + std::to_string(impl_->C));
  return impl_->ch[channel].late;
}

}  // namespace kinemyo::emg
