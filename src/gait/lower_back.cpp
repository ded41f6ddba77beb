#include "kinemyo/gait/lower_back.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>

#include "dsp/check.hpp"
#include "gait/common.hpp"
#include "kinemyo/dsp/batch_filter.hpp"
#include "kinemyo/dsp/filter_design.hpp"

namespace kinemyo::gait {
namespace {

using kinemyo::detail::fail;
using kinemyo::detail::num;
using kinemyo::detail::require_positive_finite;
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

using detail::samples;
using detail::median;

// Zero-phase Butterworth of interleaved frames x channels (scipy.signal.sosfiltfilt semantics).
std::vector<double> zero_phase(std::span<const double> x, std::size_t channels, int order,
                               std::vector<double> cutoffs, kinemyo::dsp::FilterKind kind, double fs,
                               const char* name) {
  const auto sos = kinemyo::dsp::butterworth_sos(order, cutoffs, kind, fs);
  if (x.size() / channels <= kinemyo::dsp::sosfiltfilt_padlen(sos))
    fail(name, "needs more than " + std::to_string(kinemyo::dsp::sosfiltfilt_padlen(sos)) +
                   " samples for its zero-phase filters, got " + std::to_string(x.size() / channels));
  std::vector<double> y(x.size());
  kinemyo::dsp::sosfiltfilt(sos, x, std::span<double>(y), channels);
  return y;
}

double quantile_of(std::vector<double> v, double q) {
  const auto k = v.begin() + static_cast<std::ptrdiff_t>(std::floor(q * static_cast<double>(v.size() - 1)));
  std::nth_element(v.begin(), k, v.end());
  return *k;
}

struct Peak {
  std::size_t index = 0;
  double prominence = 0.0;
};
// Local maxima of x, thinned to at least `distance` samples apart (higher peaks first), then kept when their
// topographic prominence within +-window samples reaches min_prominence (the order and definitions of
// scipy.signal.find_peaks with wlen = 2 window + 1; the window keeps long recordings linear in time).
std::vector<Peak> prominent_peaks(const std::vector<double>& x, std::size_t distance, double min_prominence,
                                  std::size_t window) {
  const std::size_t n = x.size();
  std::vector<std::size_t> peaks;
  for (std::size_t i = 1; i + 1 < n; ++i) {
    if (!(x[i] > x[i - 1])) continue;
    std::size_t j = i;  // plateau: its middle sample
    while (j + 1 < n && x[j + 1] == x[i]) ++j;
    if (j + 1 < n && x[j + 1] < x[i]) peaks.push_back((i + j) / 2);
    i = j;
  }
  if (distance > 1 && peaks.size() > 1) {
    std::vector<std::size_t> order(peaks.size());
    for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return x[peaks[a]] > x[peaks[b]]; });
    std::vector<bool> keep(peaks.size(), true);
    for (std::size_t k : order) {
      if (!keep[k]) continue;
      for (std::size_t m = k; m-- > 0 && peaks[k] - peaks[m] < distance;) keep[m] = false;
      for (std::size_t m = k + 1; m < peaks.size() && peaks[m] - peaks[k] < distance; ++m) keep[m] = false;
    }
    std::vector<std::size_t> thinned;
    for (std::size_t k = 0; k < peaks.size(); ++k)
      if (keep[k]) thinned.push_back(peaks[k]);
    peaks.swap(thinned);
  }
  std::vector<Peak> out;
  for (std::size_t p : peaks) {
    double left = x[p], right = x[p];
    const std::size_t lo = p > window ? p - window : 0, hi = std::min(n, p + window + 1);
    for (std::size_t i = p; i-- > lo && x[i] <= x[p];) left = std::min(left, x[i]);
    for (std::size_t i = p + 1; i < hi && x[i] <= x[p]; ++i) right = std::min(right, x[i]);
    const double prominence = x[p] - std::max(left, right);
    if (prominence >= min_prominence) out.push_back({p, prominence});
  }
  return out;
}

Side other(Side s) { return s == Side::left ? Side::right : (s == Side::right ? Side::left : Side::unknown); }

}  // namespace

void TurnParams::validate() const {
  require_positive_finite("turns.cutoff", cutoff);
  require_positive_finite("turns.min_peak_rate", min_peak_rate);
  require_positive_finite("turns.border_rate", border_rate);
  if (border_rate > min_peak_rate) fail("turns.border_rate", "must not exceed turns.min_peak_rate");
  require_positive_finite("turns.min_angle", min_angle);
  require_positive_finite("turns.min_duration", min_duration);
  require_positive_finite("turns.max_duration", max_duration);
  if (max_duration < min_duration) fail("turns.max_duration", "must be >= turns.min_duration");
}

std::vector<Turn> detect_turns(std::span<const double> yaw_rate, double fs, const TurnParams& p) {
  require_positive_finite("fs", fs);
  p.validate();
  if (p.cutoff >= 0.5 * fs) fail("turns.cutoff", "must be below fs / 2");
  kinemyo::detail::require_finite_samples(yaw_rate.data(), yaw_rate.size(), 1, "yaw_rate");
  const auto w = zero_phase(yaw_rate, 1, 2, {p.cutoff}, kinemyo::dsp::FilterKind::lowpass, fs, "yaw_rate");
  std::vector<Turn> turns;
  const std::size_t n = w.size();
  for (std::size_t i = 0; i < n;) {
    if (std::abs(w[i]) <= p.border_rate) {
      ++i;
      continue;
    }
    const double sign = w[i] > 0.0 ? 1.0 : -1.0;
    std::size_t j = i;
    double angle = 0.0, peak = 0.0;
    while (j < n && sign * w[j] > p.border_rate) {
      angle += w[j] / fs;
      if (std::abs(w[j]) > std::abs(peak)) peak = w[j];
      ++j;
    }
    const double duration = static_cast<double>(j - i) / fs;
    if (std::abs(peak) >= p.min_peak_rate && std::abs(angle) >= p.min_angle && duration >= p.min_duration &&
        duration <= p.max_duration)
      turns.push_back({static_cast<double>(i) / fs, static_cast<double>(j - 1) / fs, angle, peak});
    i = j;
  }
  return turns;
}

void LowerBackParams::validate() const {
  require_positive_finite("gravity_cutoff", gravity_cutoff);
  require_positive_finite("step_cutoff", step_cutoff);
  require_positive_finite("contact_cutoff", contact_cutoff);
  require_positive_finite("min_peak_prominence", min_peak_prominence);
  require_positive_finite("min_weak_prominence", min_weak_prominence);
  if (min_weak_prominence > min_peak_prominence) fail("min_weak_prominence", "must not exceed min_peak_prominence");
  if (!std::isfinite(contact_search_before) || contact_search_before < 0.0)
    fail("contact_search_before", "must be finite and >= 0");
  if (!std::isfinite(contact_search_after) || contact_search_after < 0.0)
    fail("contact_search_after", "must be finite and >= 0");
  require_positive_finite("min_step_time", min_step_time);
  require_positive_finite("max_step_time", max_step_time);
  if (max_step_time <= min_step_time) fail("max_step_time", "must be > min_step_time");
  if (min_bout_contacts < 2) fail("min_bout_contacts", "must be >= 2");
  if (!(side_band_low > 0.0 && side_band_high > side_band_low && std::isfinite(side_band_high)))
    fail("side_band_low", "need 0 < side_band_low < side_band_high");
  require_positive_finite("side_repeat_cost", side_repeat_cost);
  if (!(final_contact_min_delay >= 0.0 && final_contact_max_delay > final_contact_min_delay &&
        std::isfinite(final_contact_max_delay)))
    fail("final_contact_max_delay", "need 0 <= final_contact_min_delay < final_contact_max_delay");
  if (vertical_axis < -1 || vertical_axis > 2) fail("vertical_axis", "must be -1 (not named), 0, 1 or 2");
  if (vertical_sign != 1.0 && vertical_sign != -1.0) fail("vertical_sign", "must be +1 or -1");
  if (!(max_vertical_deviation > 0.0 && max_vertical_deviation <= std::numbers::pi))
    fail("max_vertical_deviation", "must be in (0, pi] rad");
  turns.validate();
}

namespace {

// Vertical acceleration and yaw rate about the gravity direction, with the input checks every lower-back entry
// point shares.
struct TrunkSignals {
  std::vector<double> vertical, yaw, yaw_band;  // m/s^2 up positive (gravity removed); rad/s; band-passed yaw
  double vertical_deviation = 0.0;
  int vertical_axis = 0;
  double vertical_sign = 1.0;
};

TrunkSignals trunk_signals(std::span<const double> acc, std::span<const double> gyr, double fs,
                           const LowerBackParams& p) {
  require_positive_finite("fs", fs);
  p.validate();
  if (acc.empty() || acc.size() % 3 != 0) fail("acc", "must be n x 3 with n >= 1");
  if (!gyr.empty() && gyr.size() != acc.size()) fail("gyr", "must be empty or n x 3 like acc");
  for (double f : {p.step_cutoff, p.contact_cutoff, p.side_band_high, p.turns.cutoff})
    if (f >= 0.5 * fs) fail("fs", num(fs) + " Hz is too low for a filter cutoff of " + num(f) + " Hz");
  kinemyo::detail::require_finite_samples(acc.data(), acc.size(), 3, "acc");
  if (!gyr.empty()) kinemyo::detail::require_finite_samples(gyr.data(), gyr.size(), 3, "gyr");
  const std::size_t n = acc.size() / 3;

  // Units: gravity must be about 9.81 (acceleration in g is the commonest mistake), trunk rates well below
  // 15 rad/s (deg/s given as rad/s).
  std::vector<double> norms(n);
  for (std::size_t i = 0; i < n; ++i) norms[i] = std::hypot(acc[3 * i], acc[3 * i + 1], acc[3 * i + 2]);
  const double g_med = median(norms);
  if (!(g_med > 4.0 && g_med < 20.0))
    fail("acc", "median magnitude is " + num(g_med) + " m/s^2, expected about 9.81: give m/s^2 (acceleration in g "
                "times 9.81)");
  if (!gyr.empty()) {
    std::vector<double> rates(n);
    for (std::size_t i = 0; i < n; ++i) rates[i] = std::hypot(gyr[3 * i], gyr[3 * i + 1], gyr[3 * i + 2]);
    const double q95 = quantile_of(rates, 0.95);
    if (q95 > 15.0)
      fail("gyr", "95th percentile of the rate is " + num(q95) + ", too fast for a trunk in rad/s: give rad/s "
                  "(deg/s times pi / 180)");
  }

  // Gravity direction per sample and the vertical (up) components.
  const auto g = zero_phase(acc, 3, 2, {p.gravity_cutoff}, kinemyo::dsp::FilterKind::lowpass, fs, "acc");
  TrunkSignals t;
  t.vertical.resize(n);
  t.yaw.resize(gyr.empty() ? 0 : n);
  std::array<std::vector<double>, 3> cosines;
  for (auto& c : cosines) c.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    double gx = g[3 * i], gy = g[3 * i + 1], gz = g[3 * i + 2];
    const double norm = std::hypot(gx, gy, gz);
    if (norm > 0.0) {
      gx /= norm;
      gy /= norm;
      gz /= norm;
    } else {
      gx = gy = 0.0;
      gz = 1.0;
    }
    t.vertical[i] = acc[3 * i] * gx + acc[3 * i + 1] * gy + acc[3 * i + 2] * gz - norm;
    if (!gyr.empty()) t.yaw[i] = gyr[3 * i] * gx + gyr[3 * i + 1] * gy + gyr[3 * i + 2] * gz;
    cosines[0][i] = gx;
    cosines[1][i] = gy;
    cosines[2][i] = gz;
  }
  // The sensor axis nearest to up (median direction cosine), and the named axis checked against gravity.
  std::array<double, 3> cosine{};
  for (std::size_t a = 0; a < 3; ++a) cosine[a] = median(cosines[a]);
  std::size_t best = 0;
  for (std::size_t a = 1; a < 3; ++a)
    if (std::abs(cosine[a]) > std::abs(cosine[best])) best = a;
  t.vertical_axis = static_cast<int>(best);
  t.vertical_sign = cosine[best] >= 0.0 ? 1.0 : -1.0;
  const std::size_t axis = p.vertical_axis >= 0 ? static_cast<std::size_t>(p.vertical_axis) : best;
  const double sign = p.vertical_axis >= 0 ? p.vertical_sign : t.vertical_sign;
  auto dev = cosines[axis];
  for (auto& c : dev) c = std::acos(std::clamp(sign * c, -1.0, 1.0));
  t.vertical_deviation = median(dev);
  if (p.vertical_axis >= 0 && t.vertical_deviation > p.max_vertical_deviation) {
    const char* names = "xyz";
    fail("vertical_axis", std::string("the named axis ") + (sign < 0 ? "-" : "+") + names[axis] + " is " +
                              num(t.vertical_deviation * 180.0 / std::numbers::pi) +
                              " deg from gravity (median); the sensor axis nearest to up is " +
                              (t.vertical_sign < 0 ? "-" : "+") + names[best]);
  }
  if (!gyr.empty())
    t.yaw_band = zero_phase(t.yaw, 1, 2, {p.side_band_low, p.side_band_high}, kinemyo::dsp::FilterKind::bandpass,
                            fs, "gyr");
  return t;
}

// Sides of sorted contacts from the band-passed yaw rate at each (negative at a left contact). With alternation,
// the labels of each bout are the most likely path of a two-state chain (Viterbi, min-sum): a contact's cost for
// a label is its yaw rate against that label (in units of the bout's RMS rate), and two consecutive contacts
// with the same label cost `repeat_cost` unless the step between them is longer than 1.5 x the bout's median (a
// missed contact), so that one spurious or missed contact breaks the alternation locally instead of flipping
// the rest of the bout. Confidence: 1 - exp(-margin), margin the extra cost of the best path that gives the
// contact the other label. Without alternation, each contact's own sign, confidence 1.
void assign_sides(std::span<const double> contacts, std::span<const std::size_t> bout, const TrunkSignals& t, double fs,
                  bool alternate, double repeat_cost, std::vector<Side>& side, std::vector<double>& confidence) {
  const std::size_t m = contacts.size();
  side.assign(m, Side::unknown);
  confidence.assign(m, nan);
  if (t.yaw_band.empty()) return;
  std::vector<double> score(m);
  for (std::size_t k = 0; k < m; ++k) {
    const auto i = static_cast<std::size_t>(std::clamp<long long>(std::llround(contacts[k] * fs), 0,
                                                                  static_cast<long long>(t.yaw_band.size()) - 1));
    score[k] = t.yaw_band[i];
  }
  if (!alternate) {
    for (std::size_t k = 0; k < m; ++k) {
      side[k] = score[k] < 0.0 ? Side::left : (score[k] > 0.0 ? Side::right : Side::unknown);
      confidence[k] = side[k] == Side::unknown ? 0.0 : 1.0;
    }
    return;
  }
  for (std::size_t first = 0; first < m;) {
    std::size_t last = first + 1;
    while (last < m && bout[last] == bout[first]) ++last;
    const std::size_t len = last - first;
    std::vector<double> steps;
    double power = 0.0;
    for (std::size_t k = first; k < last; ++k) {
      power += score[k] * score[k];
      if (k > first) steps.push_back(contacts[k] - contacts[k - 1]);
    }
    const double rms = std::sqrt(power / static_cast<double>(len));
    const double typical = median(steps);
    // cost[k][0]: label left (evidence +score is against it), cost[k][1]: right.
    auto unary = [&](std::size_t k, int label) {
      const double e = rms > 0.0 ? score[first + k] / rms : 0.0;
      return label == 0 ? e : -e;
    };
    auto pair = [&](std::size_t k, int a, int b) {  // between contact k - 1 and k
      if (a != b) return 0.0;
      return contacts[first + k] - contacts[first + k - 1] > 1.5 * typical ? 0.0 : repeat_cost;
    };
    std::vector<std::array<double, 2>> fwd(len), bwd(len);
    for (int l = 0; l < 2; ++l) fwd[0][static_cast<std::size_t>(l)] = unary(0, l);
    for (std::size_t k = 1; k < len; ++k)
      for (int l = 0; l < 2; ++l)
        fwd[k][static_cast<std::size_t>(l)] =
            unary(k, l) + std::min(fwd[k - 1][0] + pair(k, 0, l), fwd[k - 1][1] + pair(k, 1, l));
    bwd[len - 1] = {0.0, 0.0};
    for (std::size_t k = len - 1; k-- > 0;)
      for (int l = 0; l < 2; ++l)
        bwd[k][static_cast<std::size_t>(l)] = std::min(unary(k + 1, 0) + pair(k + 1, l, 0) + bwd[k + 1][0],
                                                       unary(k + 1, 1) + pair(k + 1, l, 1) + bwd[k + 1][1]);
    // Min-marginals give each contact's label and margin (ties: left); the argmin of the min-marginals is the
    // Viterbi path wherever the optimum is unique.
    for (std::size_t k = 0; k < len; ++k) {
      const double left = fwd[k][0] + bwd[k][0], right = fwd[k][1] + bwd[k][1];
      side[first + k] = left <= right ? Side::left : Side::right;
      confidence[first + k] = 1.0 - std::exp(-std::abs(left - right));
    }
    first = last;
  }
}

}  // namespace

LowerBackGait lower_back_gait(std::span<const double> acc, std::span<const double> gyr, double fs,
                              const LowerBackParams& p) {
  const TrunkSignals t = trunk_signals(acc, gyr, fs, p);
  const std::size_t n = t.vertical.size();
  const auto& vertical = t.vertical;
  LowerBackGait out;
  out.vertical_deviation = t.vertical_deviation;
  out.vertical_axis = t.vertical_axis;
  out.vertical_sign = t.vertical_sign;

  // Coarse scale: one peak per step; fine scale: the steepest rise (jerk maximum) before it.
  const auto coarse = zero_phase(vertical, 1, 2, {p.step_cutoff}, kinemyo::dsp::FilterKind::lowpass, fs, "acc");
  const auto fine = zero_phase(vertical, 1, 4, {p.contact_cutoff}, kinemyo::dsp::FilterKind::lowpass, fs, "acc");
  std::vector<double> jerk(n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {  // central differences (one-sided at the ends), as numpy.gradient
    if (n < 2) break;
    if (i == 0) jerk[i] = (fine[1] - fine[0]) * fs;
    else if (i + 1 == n) jerk[i] = (fine[i] - fine[i - 1]) * fs;
    else jerk[i] = 0.5 * (fine[i + 1] - fine[i - 1]) * fs;
  }
  // Step peaks with hysteresis: a bout needs min_bout_contacts peaks of min_peak_prominence; inside it (between
  // its first and last strong peak, and one step beyond each), peaks down to min_weak_prominence are steps too
  // (turns and slow steps give smaller peaks).
  const auto candidates = prominent_peaks(coarse, std::max<std::size_t>(1, samples(p.min_step_time, fs)),
                                          std::min(p.min_weak_prominence, p.min_peak_prominence),
                                          std::max<std::size_t>(1, samples(p.max_step_time, fs)));
  const std::size_t max_gap = samples(p.max_step_time, fs);
  const std::size_t before = samples(p.contact_search_before, fs), after = samples(p.contact_search_after, fs);
  const auto strong = [&](std::size_t k) { return candidates[k].prominence >= p.min_peak_prominence; };
  for (std::size_t a = 0; a < candidates.size();) {
    std::size_t b = a + 1;
    while (b < candidates.size() && candidates[b].index - candidates[b - 1].index <= max_gap) ++b;
    std::size_t first = b, last = a, n_strong = 0;
    for (std::size_t k = a; k < b; ++k)
      if (strong(k)) {
        first = std::min(first, k);
        last = k;
        ++n_strong;
      }
    if (n_strong >= p.min_bout_contacts) {
      // One weak step at each end (initiation and termination steps are smaller) when it is no further than a
      // typical step of the bout's strong core (a weight shift a second before walking is not a step).
      std::vector<double> core;
      for (std::size_t k = first + 1; k <= last; ++k)
        core.push_back(static_cast<double>(candidates[k].index - candidates[k - 1].index));
      const double reach = 1.25 * median(core);
      if (first > a && static_cast<double>(candidates[first].index - candidates[first - 1].index) <= reach) --first;
      if (last + 1 < b && static_cast<double>(candidates[last + 1].index - candidates[last].index) <= reach) ++last;
      WalkingBout bout;
      bout.first_contact = out.initial_contact.size();
      std::size_t floor_index = 0;  // contacts strictly increase: each search starts after the previous contact
      bool have_previous = false;
      for (std::size_t k = first; k <= last; ++k) {
        const std::size_t peak = candidates[k].index;
        std::size_t lo = peak > before ? peak - before : 0;
        if (have_previous) lo = std::max(lo, floor_index + 1);
        const std::size_t hi = std::min(n - 1, peak + after);
        if (lo > hi) continue;
        std::size_t best = lo;
        for (std::size_t i = lo + 1; i <= hi; ++i)
          if (jerk[i] > jerk[best]) best = i;
        out.initial_contact.push_back(static_cast<double>(best) / fs);
        out.bout.push_back(out.bouts.size());
        floor_index = best;
        have_previous = true;
      }
      bout.n_contacts = out.initial_contact.size() - bout.first_contact;
      if (bout.n_contacts >= p.min_bout_contacts) {
        bout.start = out.initial_contact[bout.first_contact];
        bout.end = out.initial_contact.back();
        out.bouts.push_back(bout);
      } else {  // contacts merged away: not a bout
        out.initial_contact.resize(bout.first_contact);
        out.bout.resize(bout.first_contact);
      }
    }
    a = b;
  }

  const std::size_t m = out.initial_contact.size();
  assign_sides(out.initial_contact, out.bout, t, fs, p.enforce_alternation, p.side_repeat_cost,
               out.initial_contact_side, out.side_confidence);

  // Final contacts: the steepest fall of vertical acceleration after each initial contact (other foot).
  const std::size_t fc_lo = samples(p.final_contact_min_delay, fs), fc_hi = samples(p.final_contact_max_delay, fs);
  for (std::size_t k = 0; k < m; ++k) {
    const auto ic = static_cast<std::size_t>(std::llround(out.initial_contact[k] * fs));
    std::size_t hi = std::min(n - 1, ic + fc_hi);
    if (k + 1 < m && out.bout[k + 1] == out.bout[k])
      hi = std::min(hi, static_cast<std::size_t>(std::llround(out.initial_contact[k + 1] * fs)) - 1);
    const std::size_t lo = ic + fc_lo;
    if (lo > hi || lo >= n) continue;
    std::size_t best = lo;
    for (std::size_t i = lo + 1; i <= hi; ++i)
      if (jerk[i] < jerk[best]) best = i;
    out.final_contact.push_back(static_cast<double>(best) / fs);
    out.final_contact_side.push_back(other(out.initial_contact_side[k]));
  }
  if (!gyr.empty()) out.turns = detect_turns(t.yaw, fs, p.turns);
  return out;
}

ContactSides lower_back_contact_sides(std::span<const double> acc, std::span<const double> gyr, double fs,
                                      std::span<const double> initial_contact, const LowerBackParams& p) {
  if (gyr.empty()) fail("gyr", "is needed for the sides");
  const TrunkSignals t = trunk_signals(acc, gyr, fs, p);
  const double duration = static_cast<double>(t.vertical.size()) / fs;
  std::vector<std::size_t> run(initial_contact.size(), 0);
  for (std::size_t k = 0; k < initial_contact.size(); ++k) {
    if (!std::isfinite(initial_contact[k]) || initial_contact[k] < 0.0 || initial_contact[k] >= duration)
      fail("initial_contact", "times must lie inside the recording (0 .. " + num(duration) + " s), got " +
                                  num(initial_contact[k]));
    if (k > 0 && !(initial_contact[k] > initial_contact[k - 1])) fail("initial_contact", "must increase strictly");
    run[k] = k == 0 ? 0 : run[k - 1] + (initial_contact[k] - initial_contact[k - 1] > p.max_step_time ? 1 : 0);
  }
  ContactSides out;
  assign_sides(initial_contact, run, t, fs, p.enforce_alternation, p.side_repeat_cost, out.side, out.confidence);
  return out;
}

void StepQc::validate() const {
  require_positive_finite("min_step_time", min_step_time);
  require_positive_finite("max_step_time", max_step_time);
  if (max_step_time <= min_step_time) fail("max_step_time", "must be > min_step_time");
  require_positive_finite("max_median_deviation", max_median_deviation);
  if (!(min_side_confidence >= 0.0 && min_side_confidence <= 1.0)) fail("min_side_confidence", "must be in [0, 1]");
}

std::vector<StepRow> lower_back_step_table(const LowerBackGait& gait, const StepQc& qc) {
  qc.validate();
  const std::size_t m = gait.initial_contact.size();
  if (gait.initial_contact_side.size() != m || gait.side_confidence.size() != m || gait.bout.size() != m)
    fail("gait", "initial_contact, initial_contact_side, side_confidence and bout must have one entry per contact");
  for (std::size_t k = 1; k < m; ++k)
    if (!(gait.initial_contact[k] > gait.initial_contact[k - 1])) fail("gait.initial_contact", "must increase strictly");
  std::vector<StepRow> rows;
  for (std::size_t k = 0; k + 1 < m; ++k) {
    if (gait.bout[k + 1] != gait.bout[k]) continue;
    StepRow r;
    r.side = gait.initial_contact_side[k + 1];
    r.bout = gait.bout[k + 1];
    r.start = gait.initial_contact[k];
    r.end = gait.initial_contact[k + 1];
    r.step_time = r.end - r.start;
    r.stride_time = (k >= 1 && gait.bout[k - 1] == gait.bout[k]) ? r.end - gait.initial_contact[k - 1] : nan;
    r.cadence = 60.0 / r.step_time;
    r.side_confidence = gait.side_confidence[k + 1];
    if (r.step_time < qc.min_step_time || r.step_time > qc.max_step_time) r.flags |= step_flag_duration;
    if (r.side == Side::unknown || !(r.side_confidence >= qc.min_side_confidence)) r.flags |= step_flag_side_uncertain;
    for (const auto& t : gait.turns)
      if (t.start < r.end && t.end > r.start) r.flags |= step_flag_turn;
    rows.push_back(r);
  }
  // Outliers against the median step time of each bout.
  for (std::size_t a = 0; a < rows.size();) {
    std::size_t b = a;
    std::vector<double> times;
    while (b < rows.size() && rows[b].bout == rows[a].bout) times.push_back(rows[b++].step_time);
    const double med = median(times);
    for (std::size_t k = a; k < b; ++k)
      if (std::abs(rows[k].step_time - med) > qc.max_median_deviation * med) rows[k].flags |= step_flag_outlier;
    a = b;
  }
  // A stride spans this step and the one before it: no stride time over an implausible step.
  for (std::size_t k = 1; k < rows.size(); ++k)
    if (rows[k].bout == rows[k - 1].bout && (rows[k - 1].flags & (step_flag_duration | step_flag_outlier)))
      rows[k].stride_time = nan;
  return rows;
}

}  // namespace kinemyo::gait
