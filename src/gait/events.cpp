#include "kinemyo/gait/events.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>

#include "dsp/check.hpp"
#include "gait/common.hpp"

namespace kinemyo::gait {
namespace {

using kinemyo::detail::fail;
using kinemyo::detail::require_positive_finite;

using detail::samples;

}  // namespace

void FootEventParams::validate() const {
  require_positive_finite("swing_threshold", swing_threshold);
  require_positive_finite("push_off_window", push_off_window);
  require_positive_finite("max_swing_time", max_swing_time);
  if (!std::isfinite(min_stance_time) || min_stance_time < 0.0) fail("min_stance_time", "must be finite and >= 0");
  require_positive_finite("mid_stance_window", mid_stance_window);
  if (!std::isfinite(min_swing_time) || min_swing_time < 0.0) fail("min_swing_time", "must be finite and >= 0");
  if (min_swing_time >= max_swing_time) fail("min_swing_time", "must be < max_swing_time");
  require_positive_finite("min_swing_peak", min_swing_peak);
}

FootEventDetector::FootEventDetector(double fs, const FootEventParams& params) : fs_(fs), p_(params) {
  require_positive_finite("fs", fs);
  p_.validate();
  ring_.assign(std::max<std::size_t>(2, samples(p_.push_off_window, fs) + 1), -std::numeric_limits<double>::infinity());
}

double FootEventDetector::max_latency() const noexcept {
  // toe-off: up to push_off_window before the swing onset, reported when the swing is confirmed (at the latest
  // when it is abandoned, max_swing_time after the onset)
  return std::max(p_.push_off_window + p_.max_swing_time, 1.0 / fs_);
}

void FootEventDetector::reset() noexcept {
  std::fill(ring_.begin(), ring_.end(), -std::numeric_limits<double>::infinity());
  head_ = count_ = 0;
  n_ = 0;
  in_swing_ = confirmed_ = have_ic_ = have_prev_ = have_bounce_ = false;
  swing_start_ = last_ic_ = bounce_at_ = 0;
  trough_ = 0.0;
  pending_toe_off_ = last_event_ = -1.0;
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
  const bool crossed_up = have_prev_ && prev_ < 0.0 && x >= 0.0;
  const auto elapsed = [&](std::uint64_t from) { return static_cast<double>(i - from) / fs_; };
  if (!in_swing_) {
    const bool rested = !have_ic_ || elapsed(last_ic_) >= p_.min_stance_time;
    if (x < -p_.swing_threshold && rested && have_bounce_ && elapsed(bounce_at_) <= p_.min_swing_time) {
      in_swing_ = true;  // the rate dipped back below zero right after a bounce: the same swing goes on
      have_bounce_ = false;
      trough_ = std::min(trough_, x);
    } else if (x < -p_.swing_threshold && rested) {
      in_swing_ = true;
      confirmed_ = false;
      have_bounce_ = false;
      swing_start_ = i;
      trough_ = x;
      // Toe-off: the push-off maximum among the buffered samples later than the last event, refined by a parabola.
      const std::size_t size = ring_.size();
      const auto at = [&](std::size_t age) { return ring_[(head_ + size - 1 - age) % size]; };  // age 0 = now
      std::size_t usable = count_;
      while (usable > 0 && static_cast<double>(i - (usable - 1)) / fs_ <= last_event_) --usable;
      std::size_t best = 0;
      double best_v = -std::numeric_limits<double>::infinity();
      for (std::size_t age = 0; age < usable; ++age)
        if (at(age) > best_v) {
          best_v = at(age);
          best = age;
        }
      pending_toe_off_ = -1.0;
      if (best_v > 0.0) {
        double offset = 0.0;
        if (best > 0 && best + 1 < usable) {
          const double a = at(best + 1), b = at(best), c = at(best - 1), den = a - 2.0 * b + c;
          if (den < 0.0 && std::isfinite(a) && std::isfinite(c)) offset = 0.5 * (a - c) / den;
        }
        pending_toe_off_ = (static_cast<double>(i - best) + offset) / fs_;
      }
    }
  } else if (!confirmed_) {
    trough_ = std::min(trough_, x);
    if (crossed_up || elapsed(swing_start_) > p_.max_swing_time) {
      in_swing_ = false;  // back above zero too soon (a bounce or an impact's ringing): not a swing (yet)
      have_bounce_ = crossed_up;
      bounce_at_ = i;
    } else if (elapsed(swing_start_) >= p_.min_swing_time && trough_ <= -p_.min_swing_peak) {
      confirmed_ = true;
      if (pending_toe_off_ > last_event_) {
        out[emitted++] = {pending_toe_off_, EventType::terminal_contact, Side::unknown};
        last_event_ = pending_toe_off_;
      }
    }
  } else if (crossed_up) {
    // Initial contact: the upward zero crossing, linearly interpolated between the two samples.
    const double frac = prev_ / (prev_ - x);
    const double t = (static_cast<double>(i - 1) + frac) / fs_;
    if (t > last_event_) {
      out[emitted++] = {t, EventType::initial_contact, Side::unknown};
      last_event_ = t;
    }
    in_swing_ = false;
    have_ic_ = true;
    last_ic_ = i;
  } else if (elapsed(swing_start_) > p_.max_swing_time) {
    in_swing_ = false;  // no contact found: the swing is abandoned (a gap in the events, never a guess)
  }
  prev_ = x;
  have_prev_ = true;
  return emitted;
}

FootEvents detect_foot_events(std::span<const double> gyr, double fs, const std::array<double, 3>& ml_direction,
                              const FootEventParams& params) {
  if (gyr.size() % 3 != 0 || gyr.empty()) fail("gyr", "must be n x 3 with n >= 1");
  const double norm = std::hypot(ml_direction[0], ml_direction[1], ml_direction[2]);
  if (!std::isfinite(norm) || norm < 1e-9) fail("ml_direction", "must be a finite, non-zero 3-vector");
  const std::array<double, 3> u = {ml_direction[0] / norm, ml_direction[1] / norm, ml_direction[2] / norm};
  FootEventDetector det(fs, params);
  const std::size_t n = gyr.size() / 3;
  FootEvents ev;
  GaitEvent buf[2];
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t k = det.push(u[0] * gyr[3 * i] + u[1] * gyr[3 * i + 1] + u[2] * gyr[3 * i + 2], buf);
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

std::array<double, 3> estimate_foot_ml_axis(std::span<const double> gyr, double fs) {
  require_positive_finite("fs", fs);
  if (gyr.size() % 3 != 0 || gyr.empty()) fail("gyr", "must be n x 3 with n >= 1");
  const std::size_t n = gyr.size() / 3;
  // Principal axis of the rotation: power iteration on the second-moment matrix of the moving samples.
  double m[3][3] = {};
  std::size_t moving = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double* w = &gyr[3 * i];
    if (!(std::isfinite(w[0]) && std::isfinite(w[1]) && std::isfinite(w[2]))) continue;
    if (w[0] * w[0] + w[1] * w[1] + w[2] * w[2] < 1.0) continue;
    ++moving;
    for (int r = 0; r < 3; ++r)
      for (int c = 0; c < 3; ++c) m[r][c] += w[r] * w[c];
  }
  std::array<double, 3> v = {1.0, 1.0, 1.0};
  for (int it = 0; it < 200 && moving > 0; ++it) {
    std::array<double, 3> next{};
    for (int r = 0; r < 3; ++r) next[static_cast<std::size_t>(r)] = m[r][0] * v[0] + m[r][1] * v[1] + m[r][2] * v[2];
    const double norm = std::hypot(next[0], next[1], next[2]);
    if (!(norm > 0.0)) break;
    for (auto& c : next) c /= norm;
    v = next;
  }
  std::size_t below = 0, above = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double s = v[0] * gyr[3 * i] + v[1] * gyr[3 * i + 1] + v[2] * gyr[3 * i + 2];
    below += s < -2.0;
    above += s > 2.0;
  }
  if (static_cast<double>(below + above) < 0.5 * fs)
    fail("gyr", "too little foot rotation (" + std::to_string(below + above) +
                    " samples faster than 2 rad/s) to estimate the medio-lateral axis: give it, or more walking");
  if (above > below)
    for (auto& c : v) c = -c;
  return v;
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
