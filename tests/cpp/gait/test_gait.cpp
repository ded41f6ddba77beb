#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <stdexcept>
#include <vector>

#include "kinemyo/gait/evaluation.hpp"
#include "kinemyo/gait/events.hpp"
#include "kinemyo/gait/metrics.hpp"
#include "kinemyo/gait/synthetic.hpp"
#include "kinemyo/gait/table.hpp"

namespace g = kinemyo::gait;

TEST(GaitMetrics, HandCheckedValues) {
  EXPECT_NEAR(g::symmetry_index(1.0, 1.1), 9.5238095238, 1e-9);
  EXPECT_NEAR(g::symmetry_angle(1.0, 1.1), 3.0292344377, 1e-9);
  EXPECT_NEAR(g::gait_asymmetry(0.40, 0.36), 10.5360515658, 1e-9);
  EXPECT_NEAR(g::gait_asymmetry(0.36, 0.40), 10.5360515658, 1e-9);
  const std::vector<double> cv = {1.0, 1.1, 0.9, 1.0};
  EXPECT_NEAR(g::coefficient_of_variation(cv), 8.1649658093, 1e-9);
  EXPECT_NEAR(g::symmetry_index_max(1.0, 1.1), 100.0 * 0.1 / 1.1, 1e-12);
  EXPECT_NEAR(g::symmetry_ratio(1.0, 1.1), 1.0 / 1.1, 1e-15);
  // Symmetry angle: atan of the ratio, not atan2 -- opposite signs wrap as in the paper.
  EXPECT_NEAR(g::symmetry_angle(-1.0, 1.0), 100.0, 1e-12);
  EXPECT_NEAR(g::symmetry_angle(1.0, -1.0), 100.0, 1e-12);  // atan2 would give -100 here
  EXPECT_NEAR(g::symmetry_angle(-2.0, 1.0), (45.0 + std::atan(2.0) * 180.0 / std::numbers::pi - 180.0) / 90.0 * 100.0, 1e-12);
  // Harmonic ratio of cos 2w + 0.5 cos 4w + 0.25 cos w + 0.25 cos 3w over one stride = (1 + 0.5) / (0.25 + 0.25).
  std::vector<double> stride(200);
  for (std::size_t i = 0; i < stride.size(); ++i) {
    const double w = 2.0 * std::numbers::pi * static_cast<double>(i) / 200.0;
    stride[i] = std::cos(2 * w) + 0.5 * std::cos(4 * w) + 0.25 * std::cos(w) + 0.25 * std::cos(3 * w);
  }
  EXPECT_NEAR(g::harmonic_ratio(stride, g::Axis::vertical), 3.0, 1e-10);
  EXPECT_NEAR(g::harmonic_ratio(stride, g::Axis::mediolateral), 1.0 / 3.0, 1e-10);
  EXPECT_NEAR(g::improved_harmonic_ratio(stride, g::Axis::anteroposterior), 100.0 * 1.25 / 1.375, 1e-10);
  // harmonics beyond Nyquist (99 for 200 samples) are left out: asking for 10^9 is asking for all of them
  EXPECT_DOUBLE_EQ(g::harmonic_ratio(stride, g::Axis::vertical, 1'000'000'000),
                   g::harmonic_ratio(stride, g::Axis::vertical, 99));
  EXPECT_THROW((void)g::harmonic_ratio(stride, g::Axis::vertical, 0), std::invalid_argument);  // was 0 / 0
  EXPECT_THROW((void)g::inverted_pendulum_step_length(5.0, 1.0), std::invalid_argument);  // h > l: was 7.7 m
  EXPECT_DOUBLE_EQ(g::inverted_pendulum_step_length(1.0, 1.0), 2.0);
  // A constant 198 deg phase: PCI = 0 + 100 * 18 / 180 = 10.
  std::vector<double> l, r;
  for (int k = 0; k < 20; ++k) {
    l.push_back(1.1 * k);
    r.push_back(1.1 * k + 1.1 * 198.0 / 360.0);
  }
  const auto p = g::phase_coordination_index(l, r, g::Side::left);
  EXPECT_NEAR(p.pci, 10.0, 1e-9);
  EXPECT_NEAR(p.mean_phase, 198.0, 1e-9);
  EXPECT_EQ(p.n, 19u);
  EXPECT_THROW(g::phase_coordination_index(l, r, g::Side::unknown), std::invalid_argument);
}

TEST(GaitMetrics, SideIndexAggregatesAffectedSideAndBootstrap) {
  const std::vector<double> left = {1.0, 1.02, 0.98, 1.0, NAN}, right = {1.1, 1.12, 1.08, 1.1};
  const auto si = g::side_index(g::PairIndex::symmetry_index, left, right);
  EXPECT_NEAR(si.value, 9.5238095238, 1e-9);
  EXPECT_EQ(si.n_left, 4u);
  EXPECT_TRUE(std::isnan(si.ci_low));
  const auto affected = g::side_index(g::PairIndex::symmetry_index, left, right, g::Aggregation::median, g::Side::left);
  EXPECT_NEAR(affected.value, -si.value, 1e-12);  // the affected (left) side is smaller
  const auto boot = g::side_index(g::PairIndex::symmetry_index, left, right, g::Aggregation::median, g::Side::unknown, 2000);
  EXPECT_LE(boot.ci_low, boot.value);
  EXPECT_GE(boot.ci_high, boot.value);
  EXPECT_GT(boot.ci_high - boot.ci_low, 0.0);
  const auto again = g::side_index(g::PairIndex::symmetry_index, left, right, g::Aggregation::median, g::Side::unknown, 2000);
  EXPECT_EQ(again.ci_low, boot.ci_low);  // deterministic for a seed
}

TEST(GaitMetrics, BootstrapIsBounded) {
  const std::vector<double> l = {1.0, 1.1}, r = {1.2, 1.3};
  EXPECT_THROW(g::side_index(g::PairIndex::symmetry_index, l, r, g::Aggregation::median, g::Side::unknown,
                             std::size_t{1} << 31),
               std::invalid_argument);
  EXPECT_NO_THROW(g::side_index(g::PairIndex::symmetry_index, l, r, g::Aggregation::median, g::Side::unknown,
                                g::kMaxBootstrap));
}

TEST(GaitMetrics, AutocorrelationRegularityOfAPeriodicSignal) {
  // Alternating steps: a stride-periodic signal whose two halves differ gives step < stride regularity.
  const double fs = 100.0, step = 0.55;
  std::vector<double> x(6000);
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double t = static_cast<double>(i) / fs;
    x[i] = std::sin(2 * std::numbers::pi * t / step) + 0.3 * std::sin(2 * std::numbers::pi * t / (2 * step));
  }
  const auto r = g::autocorrelation_regularity(x, fs, step);
  EXPECT_NEAR(r.stride_lag, 2 * step, 0.011);
  EXPECT_NEAR(r.step_lag, step, 0.02);
  EXPECT_GT(r.stride_regularity, 0.95);
  EXPECT_LT(r.step_regularity, r.stride_regularity);
  EXPECT_NEAR(r.step_symmetry, r.step_regularity / r.stride_regularity, 1e-15);
  std::vector<double> acc(3 * x.size());
  for (std::size_t i = 0; i < x.size(); ++i) acc[3 * i] = acc[3 * i + 1] = acc[3 * i + 2] = std::sin(2 * std::numbers::pi * static_cast<double>(i) / fs / step);
  EXPECT_NEAR(g::gait_symmetry_index(acc, fs, step), 1.0, 0.02);  // perfectly step-periodic
}

TEST(GaitEvents, SyntheticAsymmetricGaitIsRecovered) {
  const double fs = 200.0;
  g::SyntheticGaitOptions opt;
  opt.right_offset = 0.52;
  opt.noise = 0.05;
  const auto syn = g::synthesize_foot_gait(fs, {0.70, 0.40}, {0.64, 0.46}, opt);
  const auto left = g::detect_foot_events(syn.left_gyr, fs, {0.0, 1.0, 0.0});
  const auto right = g::detect_foot_events(syn.right_gyr, fs, {0.0, 1.0, 0.0});
  // Away from the recording's ends (an event whose pattern is cut off cannot be found), every event is found.
  const auto inner = [](const std::vector<double>& v) {
    std::vector<double> out;
    for (double t : v)
      if (t > 0.5 && t < 59.0) out.push_back(t);
    return out;
  };
  for (const auto& [det, ref] : {std::pair{&left.initial_contact, &syn.left_ic}, {&left.terminal_contact, &syn.left_tc},
                                 {&right.initial_contact, &syn.right_ic}, {&right.terminal_contact, &syn.right_tc}}) {
    const auto m = g::match_events(inner(*det), inner(*ref), 0.02);
    EXPECT_EQ(m.false_negatives, 0u);
    EXPECT_EQ(m.false_positives, 0u);
    EXPECT_LT(m.mean_absolute_error, 0.006);
  }
  const auto rows = g::stride_table({left.initial_contact, left.terminal_contact, {}, {}},
                                    {right.initial_contact, right.terminal_contact, {}, {}});
  std::vector<double> stance_l, stance_r, swing_l, swing_r, step_l, step_r;
  for (const auto& r : rows) {
    if (r.flags) continue;
    (r.side == g::Side::left ? stance_l : stance_r).push_back(r.stance_time);
    (r.side == g::Side::left ? swing_l : swing_r).push_back(r.swing_time);
    (r.side == g::Side::left ? step_l : step_r).push_back(r.step_time);
  }
  EXPECT_NEAR(g::side_index(g::PairIndex::symmetry_index, stance_l, stance_r).value, g::symmetry_index(0.70, 0.64), 0.5);
  EXPECT_NEAR(g::side_index(g::PairIndex::gait_asymmetry, swing_l, swing_r).value, g::gait_asymmetry(0.40, 0.46), 1.0);
  // Steps: right lands 0.52 s after left, left 0.58 s after right.
  EXPECT_NEAR(g::side_index(g::PairIndex::absolute_difference, step_l, step_r).value, 0.06, 0.006);
  const auto pci = g::phase_coordination_index(left.initial_contact, right.initial_contact, g::Side::right);
  EXPECT_NEAR(pci.mean_phase, 360.0 * 0.58 / 1.10, 1.5);
}

TEST(GaitEvents, StreamingDetectorMatchesOfflineWithBoundedLatency) {
  const double fs = 100.0;
  const auto syn = g::synthesize_foot_gait(fs, {0.7, 0.4}, {0.7, 0.4}, {});
  const auto offline = g::detect_foot_events(syn.left_gyr, fs, {0.0, 1.0, 0.0});
  g::FootEventDetector det(fs);
  std::vector<double> ic, tc;
  double worst_delay = 0.0;
  g::GaitEvent buf[2];
  for (std::size_t i = 0; i < syn.left_gyr.size() / 3; ++i) {
    const std::size_t k = det.push(syn.left_gyr[3 * i + 1], buf);
    for (std::size_t j = 0; j < k; ++j) {
      (buf[j].type == g::EventType::initial_contact ? ic : tc).push_back(buf[j].time);
      worst_delay = std::max(worst_delay, static_cast<double>(i) / fs - buf[j].time);
    }
  }
  EXPECT_EQ(ic, offline.initial_contact);
  EXPECT_EQ(tc, offline.terminal_contact);
  EXPECT_LE(worst_delay, det.max_latency() + 1e-12);
  EXPECT_THROW(g::FootEventDetector(0.0), std::invalid_argument);
  g::FootEventParams bad;
  bad.swing_threshold = -1.0;
  EXPECT_THROW(g::FootEventDetector(fs, bad), std::invalid_argument);
}

TEST(GaitTable, DefinitionsQualityFlagsAndEvaluation) {
  // Hand-built events: left contacts every 1.1 s, right 0.55 s later; toe-offs 0.7 s after each contact.
  g::SideEvents left, right;
  for (int k = 0; k < 6; ++k) {
    left.initial_contact.push_back(1.1 * k);
    left.terminal_contact.push_back(1.1 * k + 0.7);
    right.initial_contact.push_back(1.1 * k + 0.55);
    right.terminal_contact.push_back(1.1 * k + 0.55 + 0.7);
  }
  left.turning_angle = {0.0, 0.0, 0.6, 0.0, 0.0, 0.0};  // the third left stride turns
  const auto rows = g::stride_table(left, right);
  ASSERT_EQ(rows.size(), 10u);
  const auto& r = rows[2];  // a left stride starting at 1.1 s
  EXPECT_EQ(r.side, g::Side::left);
  EXPECT_NEAR(r.stride_time, 1.1, 1e-12);
  EXPECT_NEAR(r.stance_time, 0.7, 1e-12);
  EXPECT_NEAR(r.swing_time, 0.4, 1e-12);
  EXPECT_NEAR(r.step_time, 0.55, 1e-12);
  EXPECT_NEAR(r.initial_double_support, 0.15, 1e-12);  // right toe-off at 0.55 + 0.7 - 1.1 after
  EXPECT_NEAR(r.single_support, 0.4, 1e-12);
  EXPECT_NEAR(r.terminal_double_support, 0.15, 1e-12);
  EXPECT_NEAR(r.cadence, 60.0 / 0.55, 1e-9);
  EXPECT_TRUE(rows[4].flags & g::flag_turn);
  EXPECT_TRUE(rows[0].flags & g::flag_missing_contralateral);  // no right toe-off inside the first stride
  // Evaluation: matching and agreement.
  const std::vector<double> ref = {1.0, 2.0, 3.0, 4.0}, det = {1.01, 2.03, 2.9, 5.5, 3.02};
  const auto m = g::match_events(det, ref, 0.05);
  EXPECT_EQ(m.true_positives, 3u);
  EXPECT_EQ(m.false_positives, 2u);
  EXPECT_EQ(m.false_negatives, 1u);
  EXPECT_NEAR(m.mean_absolute_error, 0.02, 1e-12);
  const auto a = g::agreement(std::vector<double>{1.0, 2.0, 3.0}, std::vector<double>{1.1, 1.9, 3.0});
  EXPECT_NEAR(a.bias, 0.0, 1e-12);
  EXPECT_NEAR(a.mean_absolute_error, 0.2 / 3.0, 1e-12);
  EXPECT_NEAR(a.upper_limit, 1.96 * 0.1, 1e-12);
  EXPECT_THROW(g::stride_table({{2.0, 1.0}, {}, {}, {}}, {}), std::invalid_argument);
}

namespace {
double gauss(double t, double s) { return std::exp(-0.5 * t * t / (s * s)); }
}  // namespace

TEST(GaitEvents, ShankSalarianPattern) {
  // Shank sagittal rate: a negative dip at toe-off, a positive mid-swing peak, a negative dip at initial contact.
  const double fs = 100.0, stride = 1.1;
  std::vector<double> w(3000, 0.0), ic_true, tc_true;
  for (double ic = 0.8; ic + stride < 29.0; ic += stride) {
    const double tc = ic + 0.7, next = ic + stride;
    tc_true.push_back(tc);
    ic_true.push_back(next);
    for (std::size_t i = 0; i < w.size(); ++i) {
      const double t = static_cast<double>(i) / fs;
      w[i] += -2.0 * gauss(t - tc, 0.04) + 4.0 * gauss(t - 0.5 * (tc + next), 0.08) - 1.5 * gauss(t - next, 0.03);
    }
  }
  const auto ev = g::detect_shank_events(w, fs);
  const auto mi = g::match_events(ev.initial_contact, ic_true, 0.02), mt = g::match_events(ev.terminal_contact, tc_true, 0.02);
  EXPECT_EQ(mi.true_positives, ic_true.size());
  EXPECT_EQ(mt.true_positives, tc_true.size());
  EXPECT_LT(mi.mean_absolute_error, 0.011);
  EXPECT_EQ(ev.mid_swing.size(), ic_true.size());
}
