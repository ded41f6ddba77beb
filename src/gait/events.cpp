#include "kinemyo/gait/events.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>

#include "dsp/check.hpp"

namespace kinemyo::gait {
namespace {

using kinemyo::detail::fail;
using kinemyo::detail::require_positive_finite;

std::size_t samples(double seconds, double fs) {
  return static_cast<std::size_t>(std::llround(std::max(0.0, seconds) * fs));
}




}  // namespace

void FootEventParams::validate() const {
  require_positive_finite("swing_threshold", swing_threshold);
  require_positive_finite("push_off_window", push_off_window);
  require_positive_finite("max_swing_time", max_swing_time);
  if (!std::isfinite(min_stance_time) || min_stance_time < 0.0) fail("min_stance_time", "must be finite and >= 0");
  require_positive_finite("mid_stance_window", mid_stance_window);
}

FootEventDetector::FootEventDetector(double fs, const FootEventParams& params) : fs_(fs), p_(params) {
  require_positive_finite("fs", fs);
  p_.validate();
  ring_.assign(std::max<std::size_t>(2, samples(p_.push_off_window, fs) + 1), -std::numeric_limits<double>::infinity());
}

double FootEventDetector::max_latency() const noexcept { return std::max(p_.push_off_window, 1.0 / fs_); }

void FootEventDetector::reset() noexcept {
  std::fill(ring_.begin(), ring_.end(), -std::numeric_limits<double>::infinity());
  head_ = count_ = 0;
  n_ = 0;
  in_swing_ = have_ic_ = have_prev_ = false;
  swing_start_ = last_ic_ = 0;
  prev_ = 0.0;
}

std::size_t FootEventDetector::push(double x, GaitEvent* out) noexcept {
  const std::uint64_t i = n_++;
  const bool finite = std::isfinite(x);
  ring_[head_] = finite ? x : -std::numeric_limits<double>::infinity();
  head_ = (head_ + 1) % ring_.size();
  count_ = std::min(count_ + 1, ring_.size());
  if (!finite) {
    have_prev_ = false;
    return 0;
  }
  std::size_t emitted = 0;
  if (!in_swing_) {
    const bool rested = !have_ic_ || static_cast<double>(i - last_ic_) >= p_.min_stance_time * fs_;
    if (x < -p_.swing_threshold && rested) {
      in_swing_ = true;
      swing_start_ = i;
      // Toe-off: the push-off maximum among the buffered samples (oldest .. newest), refined by a parabola.
      std::size_t best = 0;
      double best_v = -std::numeric_limits<double>::infinity();
      const std::size_t size = ring_.size();
      const auto at = [&](std::size_t age) { return ring_[(head_ + size - 1 - age) % size]; };  // age 0 = now
      for (std::size_t age = 0; age < count_; ++age)
        if (at(age) > best_v) {
          best_v = at(age);
          best = age;
        }
      if (best_v > 0.0) {
        double offset = 0.0;
        if (best > 0 && best + 1 < count_) {
          const double a = at(best + 1), b = at(best), c = at(best - 1), den = a - 2.0 * b + c;
          if (den < 0.0 && std::isfinite(a) && std::isfinite(c)) offset = 0.5 * (a - c) / den;
        }
        out[emitted++] = {(static_cast<double>(i - best) + offset) / fs_, EventType::terminal_contact, Side::unknown};
      }
    }
  } else if (have_prev_ && prev_ < 0.0 && x >= 0.0) {
    // Initial contact: the upward zero crossing, linearly interpolated between the two samples.
    const double frac = prev_ / (prev_ - x);
    out[emitted++] = {(static_cast<double>(i - 1) + frac) / fs_, EventType::initial_contact, Side::unknown};
    in_swing_ = false;
    have_ic_ = true;
    last_ic_ = i;
  } else if (static_cast<double>(i - swing_start_) > p_.max_swing_time * fs_) {
    in_swing_ = false;  // no contact found: the swing is abandoned (a gap in the events, never a guess)
  }
  prev_ = x;
  have_prev_ = true;
  return emitted;
}

FootEvents detect_foot_events(std::span<const double> gyr, double fs, int ml_axis, double ml_sign,
                              const FootEventParams& params) {
  if (gyr.size() % 3 != 0 || gyr.empty()) fail("gyr", "must be n x 3 with n >= 1");
  if (ml_axis < 0 || ml_axis > 2) fail("ml_axis", "must be 0, 1 or 2");
  if (ml_sign != 1.0 && ml_sign != -1.0) fail("ml_sign", "must be +1 or -1");
  FootEventDetector det(fs, params);
  const std::size_t n = gyr.size() / 3;
  FootEvents ev;
  GaitEvent buf[2];
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t k = det.push(ml_sign * gyr[3 * i + static_cast<std::size_t>(ml_axis)], buf);
    for (std::size_t j = 0; j < k; ++j)
      (buf[j].type == EventType::initial_contact ? ev.initial_contact : ev.terminal_contact).push_back(buf[j].time);
  }
  // Mid-stance: centre of the window with the least gyroscope energy between a contact and the next toe-off.
  const std::size_t w = std::max<std::size_t>(1, samples(params.mid_stance_window, fs));
  std::vector<double> energy(n + 1, 0.0);  // prefix sums of |gyr|^2
  for (std::size_t i = 0; i < n; ++i) {
    const double e = gyr[3 * i] * gyr[3 * i] + gyr[3 * i + 1] * gyr[3 * i + 1] + gyr[3 * i + 2] * gyr[3 * i + 2];
    energy[i + 1] = energy[i] + (std::isfinite(e) ? e : std::numeric_limits<double>::infinity());
  }
  for (double ic : ev.initial_contact) {
    const auto next = std::upper_bound(ev.terminal_contact.begin(), ev.terminal_contact.end(), ic);
    const std::size_t from = static_cast<std::size_t>(std::ceil(ic * fs));
    const std::size_t to = next == ev.terminal_contact.end() ? n : static_cast<std::size_t>(std::floor(*next * fs));
    if (to <= from || to - from < w) continue;
    std::size_t best = from;
    double best_e = std::numeric_limits<double>::infinity();
    for (std::size_t s = from; s + w <= to; ++s) {
      const double e = energy[s + w] - energy[s];
      if (e < best_e) {
        best_e = e;
        best = s;
      }
    }
    if (std::isfinite(best_e)) ev.mid_stance.push_back((static_cast<double>(best) + 0.5 * static_cast<double>(w - 1)) / fs);
  }
  return ev;
}

void ShankEventParams::validate() const {
  require_positive_finite("mid_swing_threshold", mid_swing_threshold);
  require_positive_finite("min_stride_time", min_stride_time);
  require_positive_finite("search_window", search_window);
}

ShankEvents detect_shank_events(std::span<const double> w, double fs, const ShankEventParams& params) {
  require_positive_finite("fs", fs);
  params.validate();
  const std::size_t n = w.size();
  // Mid-swing peaks: local maxima above the threshold, the highest kept within min_stride_time.
  std::vector<std::size_t> peaks;
  const std::size_t spacing = samples(params.min_stride_time, fs);
  for (std::size_t i = 1; i + 1 < n; ++i) {
    if (!(w[i] > params.mid_swing_threshold && w[i] > w[i - 1] && w[i] >= w[i + 1])) continue;
    if (!peaks.empty() && i - peaks.back() < spacing) {
      if (w[i] > w[peaks.back()]) peaks.back() = i;
      continue;
    }
    peaks.push_back(i);
  }
  ShankEvents ev;
  const std::size_t win = std::max<std::size_t>(1, samples(params.search_window, fs));
  for (std::size_t p : peaks) {
    ev.mid_swing.push_back(static_cast<double>(p) / fs);
    const std::size_t lo = p > win ? p - win : 0, hi = std::min(n - 1, p + win);
    const auto before = std::min_element(w.begin() + static_cast<std::ptrdiff_t>(lo), w.begin() + static_cast<std::ptrdiff_t>(p));
    const auto after = std::min_element(w.begin() + static_cast<std::ptrdiff_t>(p) + 1, w.begin() + static_cast<std::ptrdiff_t>(hi) + 1);
    if (p > lo && *before < 0.0) ev.terminal_contact.push_back(static_cast<double>(before - w.begin()) / fs);
    if (hi > p && *after < 0.0) ev.initial_contact.push_back(static_cast<double>(after - w.begin()) / fs);
  }
  return ev;
}

}  // namespace kinemyo::gait
