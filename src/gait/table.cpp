#include "kinemyo/gait/table.hpp"

#include <Eigen/Geometry>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "dsp/check.hpp"
#include "gait/common.hpp"

namespace kinemyo::gait {
namespace {

using kinemyo::detail::fail;
using kinemyo::detail::require_positive_finite;
using Vec3 = Eigen::Vector3d;
using Quat = Eigen::Quaterniond;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Vec3 row(std::span<const double> x, std::size_t i) { return Vec3(x[3 * i], x[3 * i + 1], x[3 * i + 2]); }

double heading_of_x(const Quat& q) {
  const Vec3 x = q * Vec3::UnitX();
  return std::atan2(x.y(), x.x());
}

using detail::median;

// First element of sorted v strictly inside (a, b), or NaN.
double first_in(const std::vector<double>& v, double a, double b) {
  const auto it = std::upper_bound(v.begin(), v.end(), a);
  return it != v.end() && *it < b ? *it : kNaN;
}

}  // namespace

std::vector<ZuptStride> zupt_strides(std::span<const double> gyr, std::span<const double> acc, double fs,
                                     std::span<const double> mid_stance, double gravity_window) {
  require_positive_finite("fs", fs);
  if (gyr.size() % 3 != 0 || acc.size() != gyr.size()) fail("acc", "gyr and acc must both be n x 3");
  if (!std::isfinite(gravity_window) || gravity_window < 0.0) fail("gravity_window", "must be finite and >= 0");
  const std::size_t n = gyr.size() / 3;
  const double dt = 1.0 / fs;
  const auto w = static_cast<std::size_t>(std::llround(gravity_window * fs));
  std::vector<ZuptStride> out;
  for (std::size_t k = 0; k + 1 < mid_stance.size(); ++k) {
    const double a = mid_stance[k], b = mid_stance[k + 1];
    if (!(b > a) || b - a > 3.0) continue;
    const auto ia = static_cast<std::size_t>(std::llround(a * fs)), ib = static_cast<std::size_t>(std::llround(b * fs));
    if (ib >= n || ia >= ib) continue;
    Vec3 g = Vec3::Zero();
    std::size_t cnt = 0;
    for (std::size_t i = ia > w ? ia - w : 0; i <= std::min(n - 1, ia + w); ++i) {
      g += row(acc, i);
      ++cnt;
    }
    g /= static_cast<double>(cnt);
    if (!g.allFinite() || g.norm() < 1.0) continue;
    const double gravity = g.norm();
    Quat q = Quat::FromTwoVectors(g, Vec3::UnitZ());
    const Quat q0 = q;
    const std::size_t m = ib - ia;
    std::vector<Vec3> vel(m + 1, Vec3::Zero()), pos(m + 1, Vec3::Zero());
    Vec3 a_prev = q * row(acc, ia) - Vec3(0, 0, gravity);
    bool finite = a_prev.allFinite();
    for (std::size_t j = 1; j <= m && finite; ++j) {
      const std::size_t i = ia + j;
      const Vec3 wv = 0.5 * (row(gyr, i - 1) + row(gyr, i));  // trapezoidal rate over the step
      const double angle = wv.norm() * dt;
      if (angle > 1e-15) q = (q * Quat(Eigen::AngleAxisd(angle, wv.normalized()))).normalized();
      const Vec3 a_now = q * row(acc, i) - Vec3(0, 0, gravity);
      finite = a_now.allFinite() && wv.allFinite();
      vel[j] = vel[j - 1] + 0.5 * dt * (a_prev + a_now);
      a_prev = a_now;
    }
    if (!finite) continue;
    const Vec3 drift = vel[m];
    for (std::size_t j = 0; j <= m; ++j) vel[j] -= drift * (static_cast<double>(j) / static_cast<double>(m));
    double max_h = 0.0;
    for (std::size_t j = 1; j <= m; ++j) {
      pos[j] = pos[j - 1] + 0.5 * dt * (vel[j - 1] + vel[j]);
      max_h = std::max(max_h, pos[j].z());
    }
    ZuptStride s;
    s.start = a;
    s.end = b;
    s.length = std::hypot(pos[m].x(), pos[m].y());
    s.turning_angle = std::remainder(heading_of_x(q) - heading_of_x(q0), 2.0 * std::numbers::pi);
    s.max_height = max_h;
    out.push_back(s);
  }
  return out;
}

double inverted_pendulum_step_length(double h, double l, double correction) {
  if (!std::isfinite(h) || h < 0.0) fail("vertical_excursion", "must be finite and >= 0, got " + kinemyo::detail::num(h));
  require_positive_finite("sensor_height", l);
  require_positive_finite("correction", correction);
  // The pendulum of length l cannot drop by more than l (2 l h - h^2 < 0 beyond 2 l; a 5 m excursion once gave 7.7 m)
  if (h > l)
    fail("vertical_excursion", kinemyo::detail::num(h) + " m exceeds sensor_height " + kinemyo::detail::num(l) +
                                   " m; the inverted pendulum needs h <= l");
  return correction * 2.0 * std::sqrt(2.0 * l * h - h * h);
}

std::vector<double> step_vertical_excursions(std::span<const double> av, double fs, std::span<const double> ics) {
  require_positive_finite("fs", fs);
  kinemyo::detail::require_finite_samples(av.data(), av.size(), 1, "vertical_acc");
  const std::size_t n = av.size();
  std::vector<double> out;
  for (std::size_t k = 0; k + 1 < ics.size(); ++k) {
    const auto a = static_cast<long long>(std::llround(ics[k] * fs)), b = static_cast<long long>(std::llround(ics[k + 1] * fs));
    if (a < 0 || b <= a + 2 || b >= static_cast<long long>(n)) {
      out.push_back(kNaN);
      continue;
    }
    const auto m = static_cast<std::size_t>(b - a);
    const auto at = [&](std::size_t j) { return av[static_cast<std::size_t>(a) + j]; };
    // Mean over the step (trapezoid) removed: over one step the vertical velocity returns to its value, so
    // gravity and offsets go with it.
    double mean = 0.0;
    for (std::size_t j = 1; j <= m; ++j) mean += 0.5 * (at(j - 1) + at(j));
    mean /= static_cast<double>(m);
    std::vector<double> pos(m + 1, 0.0);
    double vel = 0.0;
    for (std::size_t j = 1; j <= m; ++j) {
      const double v_next = vel + 0.5 * ((at(j - 1) - mean) + (at(j) - mean)) / fs;
      pos[j] = pos[j - 1] + 0.5 * (vel + v_next) / fs;
      vel = v_next;
    }
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (std::size_t j = 0; j <= m; ++j) {
      const double d = pos[j] - pos[m] * static_cast<double>(j) / static_cast<double>(m);
      lo = std::min(lo, d);
      hi = std::max(hi, d);
    }
    out.push_back(hi - lo);
  }
  return out;
}

void StrideQc::validate() const {
  require_positive_finite("min_stride_time", min_stride_time);
  require_positive_finite("max_stride_time", max_stride_time);
  if (max_stride_time <= min_stride_time) fail("max_stride_time", "must exceed min_stride_time");
  require_positive_finite("max_turning_angle", max_turning_angle);
  require_positive_finite("max_median_deviation", max_median_deviation);
}

std::vector<StrideRow> stride_table(const SideEvents& left, const SideEvents& right, const StrideQc& qc) {
  qc.validate();
  std::vector<StrideRow> rows;
  for (int side = 0; side < 2; ++side) {
    const SideEvents& s = side == 0 ? left : right;
    const SideEvents& o = side == 0 ? right : left;
    for (const auto* times : {&s.initial_contact, &s.terminal_contact})
      if (!std::all_of(times->begin(), times->end(), [](double t) { return std::isfinite(t); }))
        fail(side == 0 ? "left" : "right", "event times must be finite");
    if (!std::is_sorted(s.initial_contact.begin(), s.initial_contact.end()) ||
        !std::is_sorted(s.terminal_contact.begin(), s.terminal_contact.end()))
      fail(side == 0 ? "left" : "right", "event times must be sorted");
    if (!s.stride_length.empty() && s.stride_length.size() != s.initial_contact.size())
      fail(side == 0 ? "left.stride_length" : "right.stride_length", "needs one value per initial contact");
    if (!s.turning_angle.empty() && s.turning_angle.size() != s.initial_contact.size())
      fail(side == 0 ? "left.turning_angle" : "right.turning_angle", "needs one value per initial contact");
    const bool bilateral = !o.initial_contact.empty();
    std::vector<double> times;
    const std::size_t first_row = rows.size();
    for (std::size_t k = 0; k + 1 < s.initial_contact.size(); ++k) {
      StrideRow r;
      r.side = side == 0 ? Side::left : Side::right;
      r.initial_contact = s.initial_contact[k];
      r.next_initial_contact = s.initial_contact[k + 1];
      r.stride_time = r.next_initial_contact - r.initial_contact;
      r.terminal_contact = first_in(s.terminal_contact, r.initial_contact, r.next_initial_contact);
      if (std::isnan(r.terminal_contact)) r.flags |= flag_missing_toe_off;
      r.stance_time = r.terminal_contact - r.initial_contact;
      r.swing_time = r.next_initial_contact - r.terminal_contact;
      const double ic_o = bilateral ? first_in(o.initial_contact, r.initial_contact, r.next_initial_contact) : kNaN;
      const double tc_o = bilateral ? first_in(o.terminal_contact, r.initial_contact, std::isnan(ic_o) ? r.next_initial_contact : ic_o) : kNaN;
      if (bilateral && (std::isnan(ic_o) || std::isnan(tc_o))) r.flags |= flag_missing_contralateral;
      r.step_time = r.next_initial_contact - ic_o;
      r.initial_double_support = tc_o - r.initial_contact;
      r.single_support = ic_o - tc_o;
      r.terminal_double_support = r.terminal_contact - ic_o;
      r.cadence = 60.0 / r.step_time;
      r.stride_length = s.stride_length.empty() ? kNaN : s.stride_length[k];
      r.gait_speed = r.stride_length / r.stride_time;
      r.turning_angle = s.turning_angle.empty() ? kNaN : s.turning_angle[k];
      if (std::abs(r.turning_angle) > qc.max_turning_angle) r.flags |= flag_turn;
      if (r.stride_time < qc.min_stride_time || r.stride_time > qc.max_stride_time) r.flags |= flag_duration;
      rows.push_back(r);
      times.push_back(r.stride_time);
    }
    const double med = median(times);
    for (std::size_t k = first_row; k < rows.size(); ++k)
      if (std::abs(rows[k].stride_time - med) > qc.max_median_deviation * med) rows[k].flags |= flag_outlier;
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const StrideRow& a, const StrideRow& b) { return a.initial_contact < b.initial_contact; });
  return rows;
}

SideEvents foot_side_events(const FootEvents& ev, std::span<const ZuptStride> strides) {
  SideEvents s;
  s.initial_contact = ev.initial_contact;
  s.terminal_contact = ev.terminal_contact;
  s.stride_length.assign(ev.initial_contact.size(), kNaN);
  s.turning_angle.assign(ev.initial_contact.size(), kNaN);
  for (std::size_t k = 0; k + 1 < ev.initial_contact.size(); ++k) {
    const double ic = ev.initial_contact[k], next = ev.initial_contact[k + 1];
    for (const auto& z : strides)
      if (z.start > ic && z.start < next && z.end > next) {
        s.stride_length[k] = z.length;
        s.turning_angle[k] = z.turning_angle;
        break;
      }
  }
  return s;
}

}  // namespace kinemyo::gait
