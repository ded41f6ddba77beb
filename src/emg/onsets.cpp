#include "kinemyo/emg/onsets.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>

#include "dsp/check.hpp"
#include "kinemyo/dsp/batch_filter.hpp"
#include "kinemyo/dsp/filter_design.hpp"
#include "kinemyo/dsp/moving_window.hpp"
#include "kinemyo/dsp/sos_filter.hpp"
#include "kinemyo/dsp/teager_kaiser.hpp"

namespace kinemyo::emg {
namespace {

using detail::num;
constexpr double kMinRestS = 3.0;
constexpr double kSettleS = 0.5;  // conditioning filters settle before baseline statistics are taken

std::size_t samples_of(double seconds, double fs) {
  return std::max<std::size_t>(1, static_cast<std::size_t>(std::llround(seconds * fs)));
}

void validate(const OnsetConfig& c, double fs) {
  detail::require_positive_finite("fs", fs);
  if (c.method != OnsetMethod::threshold && c.method != OnsetMethod::tkeo && c.method != OnsetMethod::hodges_bui &&
      c.method != OnsetMethod::bonato)
    detail::fail("config.method", "unknown OnsetMethod value");
  if (c.method == OnsetMethod::bonato) {
    if (!(c.bonato_pfa > 0.0 && c.bonato_pfa < 1.0)) detail::fail("config.bonato_pfa", "must be in (0, 1)");
    if (c.bonato_m < 1 || c.bonato_m > 64) detail::fail("config.bonato_m", "must be in [1, 64]");
    if (c.bonato_r0 < 1 || c.bonato_r0 > c.bonato_m) detail::fail("config.bonato_r0", "must be in [1, bonato_m]");
  }
  if (!std::isfinite(c.k_on) || c.k_on < 0.0) detail::fail("config.k_on", "must be finite and >= 0, got " + num(c.k_on));
  if (!std::isfinite(c.k_off) || c.k_off < 0.0 || c.k_off > c.k_on)
    detail::fail("config.k_off", "must satisfy 0 <= k_off <= k_on = " + num(c.k_on) + ", got " + num(c.k_off));
  detail::require_positive_finite("config.min_on_s", c.min_on_s);
  detail::require_positive_finite("config.min_off_s", c.min_off_s);
  if (c.method == OnsetMethod::tkeo || c.method == OnsetMethod::hodges_bui) {
    if (!std::isfinite(c.lowpass_hz) || c.lowpass_hz <= 0.0 || c.lowpass_hz >= fs / 2.0)
      detail::fail("config.lowpass_hz", "must satisfy 0 < lowpass < fs/2 = " + num(fs / 2.0) + ", got " + num(c.lowpass_hz));
  }
  if (c.method == OnsetMethod::hodges_bui) detail::require_positive_finite("config.window_s", c.window_s);
}

// Samples by which the conditioned signal trails the activation it reports: the Hodges-Bui window, whose start is
// the onset, and in streaming the TKEO's one-sample look-ahead (the batch operator is aligned).
std::size_t alignment_shift(const OnsetConfig& c, double fs, bool streaming) {
  switch (c.method) {
    case OnsetMethod::tkeo: return streaming ? 1 : 0;
    case OnsetMethod::hodges_bui: return samples_of(c.window_s, fs) - 1;
    case OnsetMethod::threshold:
    case OnsetMethod::bonato: break;  // bonato reports true sample indices itself
  }
  return 0;
}

// P(at least r0 of m independent trials succeed) for success probability p.
double at_least(int r0, int m, double p) {
  double below = 0.0, term = std::pow(1.0 - p, m);  // P(0 successes)
  for (int j = 0; j < r0; ++j) {
    below += term;
    term *= static_cast<double>(m - j) / static_cast<double>(j + 1) * p / (1.0 - p);
  }
  return 1.0 - below;
}

// Bonato et al. (1998): the chi-square(2) level zeta (in units of the baseline variance) exceeded by one sample
// pair with probability P, where P makes "at least r0 of m pairs above" happen with probability pfa in noise.
double bonato_zeta(const OnsetConfig& c) {
  double lo = 0.0, hi = 1.0;  // P, by bisection (at_least is increasing in P)
  for (int it = 0; it < 200; ++it) {
    const double mid = 0.5 * (lo + hi);
    (at_least(c.bonato_r0, c.bonato_m, mid) < c.bonato_pfa ? lo : hi) = mid;
  }
  return -2.0 * std::log(0.5 * (lo + hi));  // chi-square(2) upper tail: exp(-zeta / 2)
}

// Bonato's statistic divides by the baseline variance.
void require_positive_sd(const std::vector<double>& sd) {
  for (std::size_t ch = 0; ch < sd.size(); ++ch)
    if (!(sd[ch] > 0.0)) detail::fail("rest", "has zero variance on channel " + std::to_string(ch));
}

// One channel of the Bonato detector: sample pairs in, an activity indicator out for each sample, m pairs
// (2m - 1 samples) later, once the window of m pairs starting at that sample's pair is complete.
struct BonatoPairs {
  static constexpr std::size_t max_m = 64;
  double zeta = 0.0, mean = 0.0, sd = 1.0;
  std::size_t m = 1, r0 = 1;
  bool have_first = false;
  double first = 0.0;
  unsigned char ring[max_m] = {};
  std::size_t count = 0, pairs = 0;

  void init(const OnsetConfig& c, double baseline_mean, double baseline_sd) {
    zeta = bonato_zeta(c);
    mean = baseline_mean;
    sd = baseline_sd;
    m = static_cast<std::size_t>(c.bonato_m);
    r0 = static_cast<std::size_t>(c.bonato_r0);
    reset();
  }
  void reset() {
    have_first = false;
    count = pairs = 0;
    std::fill(std::begin(ring), std::end(ring), 0);
  }
  // Feeds one sample; when a pair completes and its window is full, calls out(first_sample_of_pair, active).
  template <class Out>
  void push(double x, Out&& out) {
    const double v = x - mean;
    if (!have_first) {
      first = v;
      have_first = true;
      return;
    }
    have_first = false;
    const unsigned char above = (first * first + v * v) / (sd * sd) > zeta;
    const std::size_t slot = pairs % m;
    count += above;
    count -= pairs >= m ? ring[slot] : 0;
    ring[slot] = above;
    ++pairs;
    if (pairs < m) return;
    const std::uint64_t pair = pairs - m;  // the window of m pairs starting here is complete
    out(2 * pair, count >= r0);
  }
};
// Onset / offset decision per channel, shared by the streaming and offline detectors.
struct Machine {
  std::size_t n_on = 1, n_off = 1, shift = 0;
  std::vector<double> on, off;  // thresholds per channel
  std::vector<unsigned char> active;
  std::vector<std::size_t> run;
  std::vector<std::uint64_t> run_start;

  void init(std::size_t C, const OnsetConfig& c, double fs, std::size_t alignment) {
    n_on = samples_of(c.min_on_s, fs);
    n_off = samples_of(c.min_off_s, fs);
    shift = alignment;
    on.assign(C, 0.0);
    off.assign(C, 0.0);
    reset();
  }
  void set_thresholds(std::span<const double> mean, std::span<const double> sd, const OnsetConfig& c) {
    for (std::size_t i = 0; i < on.size(); ++i) {
      // Bonato feeds a 0/1 activity indicator; the others the conditioned signal against mean + k SD.
      on[i] = c.method == OnsetMethod::bonato ? 0.5 : mean[i] + c.k_on * sd[i];
      off[i] = c.method == OnsetMethod::bonato ? 0.5 : mean[i] + c.k_off * sd[i];
    }
  }
  void reset() {
    active.assign(on.size(), 0);
    run.assign(on.size(), 0);
    run_start.assign(on.size(), 0);
  }
  // Feeds conditioned sample v of channel ch at conditioned index k; calls emit(onset, sample) on a decision.
  template <class Emit>
  void step(std::size_t ch, double v, std::uint64_t k, Emit&& emit) {
    const bool beyond = active[ch] ? v < off[ch] : v > on[ch];
    if (!beyond) {
      run[ch] = 0;
      return;
    }
    if (run[ch]++ == 0) run_start[ch] = k;
    if (run[ch] < (active[ch] ? n_off : n_on)) return;
    const std::uint64_t start = run_start[ch] >= shift ? run_start[ch] - shift : 0;
    emit(!active[ch], start);
    active[ch] = !active[ch];
    run[ch] = 0;
  }
};

// Sample mean and SD (n - 1) per channel of frames [from, n) of an interleaved signal.
void baseline_stats(const std::vector<double>& c, std::size_t C, std::size_t from, std::size_t to,
                    std::vector<double>& mean, std::vector<double>& sd) {
  mean.assign(C, 0.0);
  sd.assign(C, 0.0);
  const auto count = static_cast<double>(to - from);
  for (std::size_t ch = 0; ch < C; ++ch) {
    double s = 0.0;
    for (std::size_t t = from; t < to; ++t) s += c[t * C + ch];
    mean[ch] = s / count;
    double ss = 0.0;
    for (std::size_t t = from; t < to; ++t) ss += (c[t * C + ch] - mean[ch]) * (c[t * C + ch] - mean[ch]);
    sd[ch] = std::sqrt(ss / (count - 1.0));
  }
}

std::size_t check_rest(std::span<const double> rest, std::size_t C, double fs) {
  const std::size_t n = detail::frames_of(rest.size(), C);
  if (static_cast<double>(n) / fs < kMinRestS)
    detail::fail("rest", "must last at least " + num(kMinRestS) + " s, got " + num(static_cast<double>(n) / fs) + " s");
  detail::require_finite_samples(rest.data(), rest.size(), C, "rest");
  return n;
}

// Zero-phase conditioning of a whole signal (offline).
std::vector<double> condition_offline(std::span<const double> x, std::size_t C, double fs, const OnsetConfig& c) {
  std::vector<double> y(x.begin(), x.end());
  if (c.method == OnsetMethod::threshold || c.method == OnsetMethod::bonato) return y;  // no conditioning
  if (c.method == OnsetMethod::tkeo) {
    dsp::teager_kaiser<double>(x, y, C);
  }
  for (auto& v : y) v = std::abs(v);
  const auto lp = dsp::butterworth_sos(2, {c.lowpass_hz}, dsp::FilterKind::lowpass, fs);
  if (y.size() / C > dsp::sosfiltfilt_padlen(lp)) dsp::sosfiltfilt<double>(lp, y, y, C);
  if (c.method == OnsetMethod::hodges_bui)
    dsp::moving_window<double>(y, y, C, samples_of(c.window_s, fs), dsp::WindowStatistic::mean);
  return y;
}

}  // namespace

struct OnsetDetector::Impl {
  std::size_t C;
  double fs;
  OnsetConfig config;
  Machine machine;
  bool has_baseline = false;
  std::vector<double> mean, sd;
  std::optional<dsp::TeagerKaiser> tkeo;
  std::optional<dsp::SosFilter> lowpass;
  std::optional<dsp::MovingWindow> window;
  std::vector<BonatoPairs> bonato;
  dsp::NonFiniteGuard guard;  // the input rule, applied once; the conditioning stages below propagate
  static constexpr std::size_t block = 256;
  std::vector<double> buf;
  std::uint64_t k = 0;  // conditioned samples since reset
  std::uint64_t dropped = 0;

  Impl(std::size_t n_channels, double rate, const OnsetConfig& c, dsp::InputPolicy input)
      : C(n_channels), fs(rate), config(c), guard(n_channels, input) {
    detail::require_positive_count("n_channels", n_channels);
    validate(c, fs);
    // Internal stages never see an invalid input (the guard replaced it), and their own values may exceed max_abs
    // legitimately (Teager energy of 24-bit ADC counts is ~1e13): no second rule inside.
    if (c.method == OnsetMethod::tkeo) tkeo.emplace(C, dsp::NonFinitePolicy::propagate);
    if (c.method == OnsetMethod::tkeo || c.method == OnsetMethod::hodges_bui)
      lowpass.emplace(dsp::butterworth_sos(2, {c.lowpass_hz}, dsp::FilterKind::lowpass, fs), C,
                      dsp::NonFinitePolicy::propagate);
    if (c.method == OnsetMethod::hodges_bui)
      window.emplace(samples_of(c.window_s, fs), C, dsp::WindowStatistic::mean, dsp::NonFinitePolicy::propagate);
    buf.assign(block * C, 0.0);
    machine.init(C, c, fs, alignment_shift(c, fs, true));
  }

  // Causal conditioning of n <= block frames in place in buf.
  void condition(std::size_t n) noexcept {
    if (tkeo) tkeo->process_interleaved(buf.data(), buf.data(), n);
    if (lowpass) {
      for (std::size_t i = 0; i < n * C; ++i) buf[i] = std::abs(buf[i]);
      lowpass->process_interleaved(buf.data(), buf.data(), n);
    }
    if (window) window->process_interleaved(buf.data(), buf.data(), n);
  }

  void apply_baseline() {
    if (config.method == OnsetMethod::bonato) {
      require_positive_sd(sd);
      bonato.assign(C, BonatoPairs{});
      for (std::size_t ch = 0; ch < C; ++ch) bonato[ch].init(config, mean[ch], sd[ch]);
    }
    machine.set_thresholds(mean, sd, config);
    has_baseline = true;
    reset();
  }

  void reset() noexcept {
    for (auto& b : bonato) b.reset();
    if (tkeo) tkeo->reset();
    if (lowpass) lowpass->reset();
    if (window) window->reset();
    machine.reset();
    guard.reset();
    k = 0;
    dropped = 0;
  }
};

OnsetDetector::OnsetDetector(std::size_t n_channels, double fs, const OnsetConfig& config, dsp::InputPolicy input)
    : impl_(std::make_unique<Impl>(n_channels, fs, config, input)) {}
OnsetDetector::~OnsetDetector() = default;
OnsetDetector::OnsetDetector(OnsetDetector&&) noexcept = default;
OnsetDetector& OnsetDetector::operator=(OnsetDetector&&) noexcept = default;

std::size_t OnsetDetector::n_channels() const noexcept { return impl_->C; }

void OnsetDetector::set_baseline(std::span<const double> rest) {
  auto& m = *impl_;
  const std::size_t n = check_rest(rest, m.C, m.fs);
  m.reset();
  std::vector<double> conditioned(rest.size());
  for (std::size_t done = 0; done < n;) {
    const std::size_t b = std::min(Impl::block, n - done);
    std::copy_n(rest.data() + done * m.C, b * m.C, m.buf.data());
    m.condition(b);
    std::copy_n(m.buf.data(), b * m.C, conditioned.data() + done * m.C);
    done += b;
  }
  const bool unconditioned = m.config.method == OnsetMethod::threshold || m.config.method == OnsetMethod::bonato;
  baseline_stats(conditioned, m.C, unconditioned ? 0 : samples_of(kSettleS, m.fs), n, m.mean, m.sd);
  m.apply_baseline();
}

void OnsetDetector::set_baseline_stats(std::span<const double> mean, std::span<const double> sd) {
  auto& m = *impl_;
  if (mean.size() != m.C || sd.size() != m.C)
    detail::fail("mean", "mean and sd need one value per channel (" + std::to_string(m.C) + ")");
  for (std::size_t i = 0; i < m.C; ++i) {
    if (!std::isfinite(mean[i])) detail::fail("mean", "must be finite");
    if (!std::isfinite(sd[i]) || sd[i] < 0.0) detail::fail("sd", "must be finite and >= 0");
  }
  m.mean.assign(mean.begin(), mean.end());
  m.sd.assign(sd.begin(), sd.end());
  m.apply_baseline();
}

std::size_t OnsetDetector::process(const double* in, std::size_t n_frames, OnsetEvent* events,
                                   std::size_t capacity) noexcept {
  auto& m = *impl_;
  std::size_t written = 0;
  for (std::size_t done = 0; done < n_frames;) {
    const std::size_t b = std::min(Impl::block, n_frames - done);
    std::copy_n(in + done * m.C, b * m.C, m.buf.data());
    m.guard.apply(m.buf.data(), b);
    m.condition(b);
    for (std::size_t t = 0; t < b; ++t) {
      const std::uint64_t k = m.k + t;
      for (std::size_t ch = 0; ch < m.C; ++ch) {
        if (!m.has_baseline) continue;
        auto emit = [&](bool onset, std::uint64_t sample) {
          if (written == capacity) {
            ++m.dropped;
            return;
          }
          OnsetEvent& e = events[written++];
          e.channel = ch;
          e.onset = onset;
          e.sample = sample;
          e.detected_at = k;
          e.time_s = static_cast<double>(sample) / m.fs;
          e.detection_delay_s = static_cast<double>(k - sample) / m.fs;
        };
        if (m.config.method == OnsetMethod::bonato) {
          // The indicator of a pair arrives once its window of m pairs is complete; feed both of its samples.
          m.bonato[ch].push(m.buf[t * m.C + ch], [&](std::uint64_t s0, bool active) {
            m.machine.step(ch, active ? 1.0 : 0.0, s0, emit);
            m.machine.step(ch, active ? 1.0 : 0.0, s0 + 1, emit);
          });
        } else {
          m.machine.step(ch, m.buf[t * m.C + ch], k, emit);
        }
      }
    }
    m.k += b;
    done += b;
  }
  return written;
}

void OnsetDetector::reset() noexcept { impl_->reset(); }
bool OnsetDetector::has_baseline() const noexcept { return impl_->has_baseline; }
std::vector<double> OnsetDetector::baseline_mean() const { return impl_->mean; }
std::vector<double> OnsetDetector::baseline_sd() const { return impl_->sd; }
std::uint64_t OnsetDetector::dropped_events() const noexcept { return impl_->dropped; }
std::uint64_t OnsetDetector::replaced_samples() const noexcept { return impl_->guard.replaced(); }
const OnsetConfig& OnsetDetector::config() const noexcept { return impl_->config; }

bool OnsetDetector::active(std::size_t channel) const {
  if (channel >= impl_->C) detail::fail("channel", "must be < " + std::to_string(impl_->C));
  return impl_->machine.active[channel] != 0;
}

double OnsetDetector::minimum_detection_delay_s() const noexcept {
  const auto& m = *impl_;
  // Bonato's indicator for a sample needs the m pairs from its own on: 2 m - 2 (second sample of a pair) or
  // 2 m - 1 (first sample) samples of look-ahead.
  const std::size_t look_ahead =
      m.config.method == OnsetMethod::bonato ? 2 * static_cast<std::size_t>(m.config.bonato_m) - 2 : 0;
  return static_cast<double>(m.machine.n_on - 1 + m.machine.shift + look_ahead) / m.fs;
}

double OnsetDetector::conditioning_delay_s() const {
  const auto& m = *impl_;
  if (!m.lowpass) return 0.0;
  return m.lowpass->group_delay(0.0, m.fs);
}

namespace {

// Frames of an offline input: validated shape and finite samples.
std::size_t check_offline_input(std::span<const double> x, std::size_t C, double fs, const OnsetConfig& config) {
  detail::require_positive_count("n_channels", C);
  validate(config, fs);
  const std::size_t n = detail::frames_of(x.size(), C);
  if (n == 0) detail::fail("x", "must not be empty");
  detail::require_finite_samples(x.data(), x.size(), C);
  return n;
}

// The offline detector proper: the zero-phase conditioned signal against a baseline already in that domain.
std::vector<ActivationBurst> detect_with_baseline(std::span<const double> x, std::size_t n,
                                                  const std::vector<double>& mean, const std::vector<double>& sd,
                                                  std::size_t C, double fs, const OnsetConfig& config) {
  Machine machine;
  machine.init(C, config, fs, alignment_shift(config, fs, false));
  machine.set_thresholds(mean, sd, config);
  const auto c = condition_offline(x, C, fs, config);
  std::vector<ActivationBurst> bursts;
  std::vector<std::optional<std::size_t>> open(C);
  auto on_event = [&](std::size_t ch) {
    return [&, ch](bool onset, std::uint64_t sample) {
      if (onset) {
        ActivationBurst b;
        b.channel = ch;
        b.onset_sample = sample;
        b.onset_s = static_cast<double>(sample) / fs;
        open[ch] = bursts.size();
        bursts.push_back(b);
      } else {
        auto& b = bursts[*open[ch]];
        b.offset_sample = sample;
        b.offset_s = static_cast<double>(sample) / fs;
        open[ch].reset();
      }
    };
  };
  if (config.method == OnsetMethod::bonato) {
    // The streaming detector's pair logic, run over the whole signal: the same decisions, without the delay.
    require_positive_sd(sd);
    for (std::size_t ch = 0; ch < C; ++ch) {
      BonatoPairs pairs;
      pairs.init(config, mean[ch], sd[ch]);
      auto emit = on_event(ch);
      for (std::size_t t = 0; t < n; ++t)
        pairs.push(c[t * C + ch], [&](std::uint64_t s0, bool active) {
          machine.step(ch, active ? 1.0 : 0.0, s0, emit);
          machine.step(ch, active ? 1.0 : 0.0, s0 + 1, emit);
        });
    }
  } else {
    for (std::size_t t = 0; t < n; ++t)
      for (std::size_t ch = 0; ch < C; ++ch) machine.step(ch, c[t * C + ch], t, on_event(ch));
  }
  for (std::size_t ch = 0; ch < C; ++ch)
    if (open[ch]) {
      auto& b = bursts[*open[ch]];
      b.offset_sample = n;
      b.offset_s = static_cast<double>(n) / fs;
      b.complete = false;
    }
  // Bonato runs channel by channel; the other methods already produce bursts in onset order.
  std::stable_sort(bursts.begin(), bursts.end(),
                   [](const ActivationBurst& a, const ActivationBurst& b) { return a.onset_sample < b.onset_sample; });
  return bursts;
}

}  // namespace

std::vector<ActivationBurst> detect_activations(std::span<const double> x, std::span<const double> rest,
                                                std::size_t n_channels, double fs, const OnsetConfig& config) {
  const std::size_t C = n_channels;
  const std::size_t n = check_offline_input(x, C, fs, config);
  const std::size_t n_rest = check_rest(rest, C, fs);
  // Baseline from the zero-phase conditioned rest, away from both edges where the conditioning is unsettled.
  const auto rest_c = condition_offline(rest, C, fs, config);
  const bool unconditioned = config.method == OnsetMethod::threshold || config.method == OnsetMethod::bonato;
  const std::size_t edge = unconditioned ? 0 : samples_of(kSettleS, fs);
  std::vector<double> mean, sd;
  baseline_stats(rest_c, C, edge, n_rest - edge, mean, sd);
  return detect_with_baseline(x, n, mean, sd, C, fs, config);
}

std::vector<ActivationBurst> detect_activations(std::span<const double> x, std::span<const double> baseline_mean,
                                                std::span<const double> baseline_sd, std::size_t n_channels, double fs,
                                                const OnsetConfig& config) {
  const std::size_t C = n_channels;
  const std::size_t n = check_offline_input(x, C, fs, config);
  if (baseline_mean.size() != C)
    detail::fail("baseline_mean", "needs one value per channel (" + std::to_string(C) + "), got " +
                                      std::to_string(baseline_mean.size()));
  if (baseline_sd.size() != C)
    detail::fail("baseline_sd", "needs one value per channel (" + std::to_string(C) + "), got " +
                                    std::to_string(baseline_sd.size()));
  for (std::size_t ch = 0; ch < C; ++ch) {
    if (!std::isfinite(baseline_mean[ch]))
      detail::fail("baseline_mean",
                   "must be finite, got " + num(baseline_mean[ch]) + " on channel " + std::to_string(ch));
    // A zero SD would put the thresholds on the baseline mean itself: every sample above it an activation.
    if (!std::isfinite(baseline_sd[ch]) || !(baseline_sd[ch] > 0.0))
      detail::fail("baseline_sd", "must be finite and > 0, got " + num(baseline_sd[ch]) + " on channel " +
                                      std::to_string(ch));
  }
  return detect_with_baseline(x, n, {baseline_mean.begin(), baseline_mean.end()},
                              {baseline_sd.begin(), baseline_sd.end()}, C, fs, config);
}

}  // namespace kinemyo::emg
