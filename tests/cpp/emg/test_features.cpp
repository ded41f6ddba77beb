#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <numbers>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "golden.hpp"
#include "kinemyo/emg/features.hpp"

namespace emg = kinemyo::emg;
using kinemyo::test::load_golden;
using kinemyo::test::record_error;
using kinemyo::test::starts_with;

namespace {

const std::vector<kinemyo::test::GoldenCase>& golden() {
  static const auto cases = load_golden("emg_features");
  return cases;
}

const kinemyo::test::GoldenCase& golden_case(const std::string& id) {
  for (const auto& c : golden())
    if (c.id == id) return c;
  throw std::runtime_error("no golden case " + id);
}

std::vector<double> as_vector(const emg::WindowFeatures& f) {
  return {f.mav, f.rms,          f.wl,     f.zc,     f.ssc,     f.wamp, f.var, f.iav, f.log_detector, f.mnf_hz,
          f.mdf_hz, f.peak_frequency_hz, f.mean_power};
}
constexpr std::size_t n_features = 13;
bool is_count(std::size_t i) { return i == 3 || i == 4 || i == 5; }

// Element-wise relative error (absolute where the reference is 0).
double rel_error(double a, double b) { return b == 0.0 ? std::abs(a) : std::abs(a - b) / std::abs(b); }

emg::FeatureThresholds thresholds_of(const kinemyo::test::GoldenCase& c) {
  const auto& th = c.at("th").values;
  return emg::FeatureThresholds{th[0], th[1], th[2]};
}

// Expects `f` to equal golden features `ref` (13 values from index `offset`): counts exactly, the rest to rtol.
double compare_features(const emg::WindowFeatures& f, const std::vector<double>& ref, std::size_t offset,
                        const std::string& where, double rtol) {
  const auto got = as_vector(f);
  double worst = 0.0;
  for (std::size_t i = 0; i < n_features; ++i) {
    const double want = ref[offset + i];
    if (is_count(i)) {
      EXPECT_EQ(got[i], want) << where << " feature " << i;
    } else {
      const double e = rel_error(got[i], want);
      worst = std::max(worst, e);
      EXPECT_LE(e, rtol) << where << " feature " << i << ": " << got[i] << " vs " << want;
    }
  }
  return worst;
}

template <class F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "<no exception>";
}

std::vector<double> random_emg(std::size_t frames, std::size_t channels, unsigned seed) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> nd;
  std::vector<double> x(frames * channels);
  for (auto& v : x) v = nd(gen);
  return x;
}

std::vector<emg::SpectralFatiguePoint> run_all(emg::FatigueTracker& tr, const std::vector<double>& x) {
  const std::size_t n = x.size() / tr.n_channels();
  std::vector<emg::SpectralFatiguePoint> out(tr.output_points_for(n));
  const std::size_t got = tr.process(x.data(), n, out.data(), out.size());
  EXPECT_EQ(got, out.size());
  out.resize(got);
  return out;
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

}  // namespace

// ----------------------------------------------------------------------------------------------------------------
// Window features

TEST(EmgFeaturesGolden, SingleWindowsMatchNumpyScipy) {
  std::size_t n_cases = 0;
  for (const auto& c : golden()) {
    if (!starts_with(c.id, "win_")) continue;
    ++n_cases;
    const auto f = emg::window_features(c.at("x").values, c.at("fs").scalar(), thresholds_of(c));
    record_error(c.id, compare_features(f, c.at("feat").values, 0, c.id, 1e-10));
  }
  EXPECT_GE(n_cases, 10u);
}

TEST(EmgFeaturesGolden, BatchMatchesNumpyScipy) {
  std::size_t n_cases = 0;
  for (const auto& c : golden()) {
    if (!starts_with(c.id, "batch_")) continue;
    ++n_cases;
    const auto& xs = c.at("x");
    const std::size_t channels = xs.shape.at(1);
    const auto rows = emg::windowed_features(xs.values, channels, c.at("fs").scalar(), c.at("window_s").scalar(),
                                             c.at("step_s").scalar(), thresholds_of(c));
    const auto& ref = c.at("rows");
    ASSERT_EQ(rows.size(), ref.shape.at(0)) << c.id;
    const std::size_t width = ref.shape.at(1);
    ASSERT_EQ(width, 3 + n_features);
    double worst = 0.0;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const std::string where = c.id + " row " + std::to_string(r);
      EXPECT_EQ(static_cast<double>(rows[r].channel), ref.values[r * width]) << where;
      EXPECT_LE(rel_error(rows[r].t_start_s, ref.values[r * width + 1]), 1e-15) << where;
      EXPECT_LE(rel_error(rows[r].t_end_s, ref.values[r * width + 2]), 1e-15) << where;
      worst = std::max(worst, compare_features(rows[r].f, ref.values, r * width + 3, where, 1e-10));
    }
    record_error(c.id, worst);
  }
  EXPECT_EQ(n_cases, 3u);
}

TEST(EmgFeatures, HandCheckedAlternatingSignal) {
  const std::vector<double> x{1.0, -1.0, 1.0, -1.0};
  const auto f = emg::window_features(x, 4.0, {0.0, 0.0, 0.0});
  EXPECT_EQ(f.zc, 3.0);
  EXPECT_EQ(f.wl, 6.0);
  EXPECT_EQ(f.ssc, 2.0);   // i = 1, 2: (-2)(-2) = 4 and (2)(2) = 4
  EXPECT_EQ(f.wamp, 3.0);
  EXPECT_EQ(f.iav, 4.0);
  EXPECT_EQ(f.mav, 1.0);
  EXPECT_EQ(f.rms, 1.0);
  EXPECT_DOUBLE_EQ(f.var, 4.0 / 3.0);
  EXPECT_EQ(f.log_detector, 1.0);
  // Hann-windowed (periodic, N = 4) [0, -0.5, 1, -0.5]: |X| = 0, 1, 2 at 0, 1, 2 Hz; one-sided P = [0, 2, 4] / 6.
  EXPECT_NEAR(f.mean_power, 1.0 / 3.0, 1e-15);
  EXPECT_NEAR(f.mnf_hz, (1.0 * 2.0 + 2.0 * 4.0) / 6.0, 1e-15);
  EXPECT_EQ(f.peak_frequency_hz, 2.0);
  // Half the power (3 of 6) is reached in the Nyquist bin, band [1.5, 2]: 1.5 + (3 - 2) / 4 * 0.5.
  EXPECT_NEAR(f.mdf_hz, 1.625, 1e-15);

  // Thresholds are inclusive (>=): steps are all 2.
  const auto g = emg::window_features(x, 4.0, {2.0, 4.0, 2.0});
  EXPECT_EQ(g.zc, 3.0);
  EXPECT_EQ(g.ssc, 2.0);
  EXPECT_EQ(g.wamp, 3.0);
  const auto h = emg::window_features(x, 4.0, {2.5, 4.5, 2.5});
  EXPECT_EQ(h.zc, 0.0);
  EXPECT_EQ(h.ssc, 0.0);
  EXPECT_EQ(h.wamp, 0.0);
}

TEST(EmgFeatures, HandCheckedSmallCases) {
  // Two samples: one step, no interior point for SSC; the log detector skips the zero sample (default form).
  const auto f = emg::window_features(std::vector<double>{0.0, -3.0}, 10.0, {1.0, 0.0, 3.5});
  EXPECT_EQ(f.zc, 0.0);  // 0 * -3 is not < 0
  EXPECT_EQ(f.ssc, 0.0);
  EXPECT_EQ(f.wamp, 0.0);
  EXPECT_EQ(f.wl, 3.0);
  EXPECT_EQ(f.iav, 3.0);
  EXPECT_EQ(f.mav, 1.5);
  EXPECT_EQ(f.var, 9.0);
  EXPECT_NEAR(f.log_detector, 3.0, 1e-15);
  emg::FeatureOptions strict;
  strict.log_detector = emg::LogDetector::strict;
  EXPECT_EQ(emg::window_features(std::vector<double>{0.0, -3.0}, 10.0, {1.0, 0.0, 3.5}, strict).log_detector, 0.0);
  emg::FeatureOptions offset;
  offset.log_detector = emg::LogDetector::offset_one;
  offset.var_ddof = 0.0;
  const auto fo = emg::window_features(std::vector<double>{0.0, -3.0}, 10.0, {1.0, 0.0, 3.5}, offset);
  EXPECT_NEAR(fo.log_detector, 2.0, 1e-15);  // exp((log 1 + log 4) / 2)
  EXPECT_EQ(fo.var, 4.5);
  EXPECT_EQ(emg::window_features(std::vector<double>(5, 0.0), 10.0, {0.0, 0.0, 0.0}).log_detector, 0.0);
  // Geometric mean of |x|: exp(mean(log [2, 8])) = 4.
  const auto g = emg::window_features(std::vector<double>{2.0, -8.0, 2.0, -8.0}, 10.0, {0.0, 0.0, 0.0});
  EXPECT_NEAR(g.log_detector, 4.0, 1e-15);
  // A constant window has zero power after the mean is removed: the spectral moments are undefined.
  const auto k = emg::window_features(std::vector<double>(16, 2.5), 100.0, {0.0, 0.0, 0.0});
  EXPECT_TRUE(std::isnan(k.mnf_hz));
  EXPECT_TRUE(std::isnan(k.mdf_hz));
  EXPECT_TRUE(std::isnan(k.peak_frequency_hz));
  EXPECT_EQ(k.mean_power, 0.0);
  EXPECT_EQ(k.ssc, 14.0);  // flat: 0 >= 0 at every interior point
  EXPECT_EQ(k.wamp, 15.0);
}

TEST(EmgFeatures, PureSineSpectralMomentsWithinOneBin) {
  for (const std::size_t n : {500u, 501u, 256u, 97u}) {
    const double fs = 1000.0;
    const double df = fs / static_cast<double>(n);
    for (const double f0 : {100.0, 123.4, 287.9, 40.0 * df}) {
      std::vector<double> x(n);
      for (std::size_t i = 0; i < n; ++i)
        x[i] = 3.0 * std::sin(2.0 * std::numbers::pi * f0 * static_cast<double>(i) / fs + 0.4);
      const auto f = emg::window_features(x, fs, {0.0, 0.0, 0.0});
      EXPECT_LE(std::abs(f.mnf_hz - f0), df) << n << " " << f0;
      EXPECT_LE(std::abs(f.mdf_hz - f0), df) << n << " " << f0;
      EXPECT_LE(std::abs(f.peak_frequency_hz - f0), df) << n << " " << f0;
      if (f0 == 40.0 * df) {  // on a bin: symmetric Hann leakage puts MNF and MDF on it (up to rounding)
        EXPECT_NEAR(f.mnf_hz, f0, 1e-9 * f0) << n;
        EXPECT_NEAR(f.mdf_hz, f0, 1e-9 * f0) << n;
        EXPECT_NEAR(f.peak_frequency_hz, f0, 1e-9 * f0) << n;
      }
    }
  }
}

TEST(EmgFeatures, BatchRowsEqualSingleWindowCalls) {
  const std::size_t C = 3, frames = 1000;
  const double fs = 500.0;
  const auto x = random_emg(frames, C, 7);
  const emg::FeatureThresholds th{0.1, 0.01, 0.2};
  const auto rows = emg::windowed_features(x, C, fs, 0.2, 0.07, th);  // W = 100, S = 35
  const std::size_t n_windows = (frames - 100) / 35 + 1;
  ASSERT_EQ(rows.size(), n_windows * C);
  for (std::size_t j = 0; j < n_windows; ++j) {
    for (std::size_t c = 0; c < C; ++c) {
      const auto& row = rows[j * C + c];
      EXPECT_EQ(row.channel, c);
      EXPECT_DOUBLE_EQ(row.t_start_s, static_cast<double>(j * 35) / fs);
      EXPECT_DOUBLE_EQ(row.t_end_s, static_cast<double>(j * 35 + 100) / fs);
      std::vector<double> w(100);
      for (std::size_t t = 0; t < 100; ++t) w[t] = x[(j * 35 + t) * C + c];
      const auto single = as_vector(emg::window_features(w, fs, th));
      const auto batch = as_vector(row.f);
      for (std::size_t i = 0; i < n_features; ++i) EXPECT_TRUE(same_bits(batch[i], single[i])) << j << " " << c;
    }
  }
  // Window and step round half away from zero: 0.0125 s at 200 Hz is 2.5 -> 3 samples.
  const auto r2 = emg::windowed_features(std::vector<double>(10, 1.0), 1, 200.0, 0.0125, 0.0125, th);
  ASSERT_EQ(r2.size(), 3u);  // starts 0, 3, 6
  EXPECT_DOUBLE_EQ(r2[2].t_start_s, 6.0 / 200.0);
  EXPECT_DOUBLE_EQ(r2[2].t_end_s, 9.0 / 200.0);
}

TEST(EmgFeatures, ErrorsNameTheParameter) {
  const std::vector<double> x{0.1, -0.2, 0.3, -0.1, 0.05};
  const emg::FeatureThresholds ok{0.0, 0.0, 0.0};
  auto starts = [](const std::string& m, const std::string& p) { return kinemyo::test::starts_with(m, p + ": "); };
  const double inf = std::numeric_limits<double>::infinity();
  const double qnan = std::numeric_limits<double>::quiet_NaN();

  EXPECT_TRUE(starts(message_of([&] { emg::window_features(x, 1000.0, {-1.0, 0.0, 0.0}); }),
                     "thresholds.zero_crossing"));
  EXPECT_TRUE(starts(message_of([&] { emg::window_features(x, 1000.0, {0.0, qnan, 0.0}); }),
                     "thresholds.slope_sign_change"));
  EXPECT_TRUE(starts(message_of([&] { emg::window_features(x, 1000.0, {0.0, 0.0, inf}); }),
                     "thresholds.willison_amplitude"));
  EXPECT_TRUE(starts(message_of([&] { emg::window_features(x, 0.0, ok); }), "fs"));
  EXPECT_TRUE(starts(message_of([&] { emg::window_features(x, -5.0, ok); }), "fs"));
  EXPECT_TRUE(starts(message_of([&] { emg::window_features(std::vector<double>{1.0}, 1000.0, ok); }), "x"));
  auto bad = x;
  bad[3] = qnan;
  const auto m = message_of([&] { emg::window_features(bad, 1000.0, ok); });
  EXPECT_TRUE(starts(m, "x")) << m;
  EXPECT_NE(m.find("frame 3"), std::string::npos) << m;

  const std::vector<double> y(200, 0.5);
  EXPECT_TRUE(starts(message_of([&] { emg::windowed_features(y, 0, 100.0, 0.1, 0.1, ok); }), "n_channels"));
  EXPECT_TRUE(starts(message_of([&] { emg::windowed_features(y, 3, 100.0, 0.1, 0.1, ok); }), "x"));
  EXPECT_TRUE(starts(message_of([&] { emg::windowed_features(y, 2, 100.0, 0.01, 0.1, ok); }), "window_s"));
  EXPECT_TRUE(starts(message_of([&] { emg::windowed_features(y, 2, 100.0, 1.01, 0.1, ok); }), "window_s"));
  EXPECT_TRUE(starts(message_of([&] { emg::windowed_features(y, 2, 100.0, -0.1, 0.1, ok); }), "window_s"));
  EXPECT_TRUE(starts(message_of([&] { emg::windowed_features(y, 2, 100.0, 0.1, 0.004, ok); }), "step_s"));
  EXPECT_TRUE(starts(message_of([&] { emg::windowed_features(y, 2, 100.0, 0.1, qnan, ok); }), "step_s"));
  EXPECT_TRUE(starts(message_of([&] { emg::windowed_features(y, 2, inf, 0.1, 0.1, ok); }), "fs"));
  EXPECT_TRUE(starts(message_of([&] { emg::windowed_features(y, 2, 100.0, 0.1, 0.1, {0.0, -1e-9, 0.0}); }),
                     "thresholds.slope_sign_change"));
  auto ybad = y;
  ybad[101] = inf;
  const auto my = message_of([&] { emg::windowed_features(ybad, 2, 100.0, 0.1, 0.1, ok); });
  EXPECT_NE(my.find("frame 50, channel 1"), std::string::npos) << my;
  // A full-length window is allowed.
  EXPECT_EQ(emg::windowed_features(y, 2, 100.0, 1.0, 0.1, ok).size(), 2u);
}

// ----------------------------------------------------------------------------------------------------------------
// Fatigue tracking

TEST(FatigueTracker, PointsEqualWindowFeatures) {
  for (const double window_s : {0.256, 0.255}) {  // even and odd W
    const std::size_t C = 3, frames = 3000;
    const double fs = 1000.0;
    const auto x = random_emg(frames, C, 11);
    emg::FatigueTracker tr(C, fs, window_s, 0.1);
    const std::size_t w = tr.window_samples();
    ASSERT_EQ(tr.update_samples(), 100u);
    const auto pts = run_all(tr, x);
    const std::size_t n_updates = (frames - w) / 100 + 1;
    ASSERT_EQ(pts.size(), n_updates * C);
    for (std::size_t j = 0; j < n_updates; ++j) {
      const std::size_t start = j * 100;  // the j-th window ends at frame w + j U
      for (std::size_t c = 0; c < C; ++c) {
        std::vector<double> win(w);
        for (std::size_t t = 0; t < w; ++t) win[t] = x[(start + t) * C + c];
        const auto f = emg::window_features(win, fs, {0.0, 0.0, 0.0});
        const auto& p = pts[j * C + c];
        EXPECT_DOUBLE_EQ(p.t_s, (static_cast<double>(start) + 0.5 * static_cast<double>(w)) / fs);
        // Same PSD arithmetic and the same FFT plan length: bit-identical, not merely close.
        EXPECT_TRUE(same_bits(p.mnf_hz, f.mnf_hz)) << j << " " << c << " " << p.mnf_hz - f.mnf_hz;
        EXPECT_TRUE(same_bits(p.mdf_hz, f.mdf_hz)) << j << " " << c << " " << p.mdf_hz - f.mdf_hz;
      }
    }
  }
}

TEST(FatigueTracker, ChunkInvariance) {
  const std::size_t C = 2, frames = 5000;
  const auto x = random_emg(frames, C, 23);
  emg::FatigueTracker whole(C, 1000.0, 0.5, 0.125);
  const auto ref = run_all(whole, x);
  ASSERT_EQ(ref.size(), ((frames - 500) / 125 + 1) * C);

  std::mt19937 gen(5);
  for (int trial = 0; trial < 5; ++trial) {
    emg::FatigueTracker tr(C, 1000.0, 0.5, 0.125);
    std::vector<emg::SpectralFatiguePoint> got;
    std::uniform_int_distribution<std::size_t> size(0, trial % 2 ? 40 : 900);
    std::size_t pos = 0;
    while (pos < frames) {
      const std::size_t n = std::min(frames - pos, size(gen));
      std::vector<emg::SpectralFatiguePoint> out(tr.output_points_for(n));
      const std::size_t k = tr.process(x.data() + pos * C, n, out.data(), out.size());
      ASSERT_EQ(k, out.size());
      got.insert(got.end(), out.begin(), out.end());
      pos += n;
    }
    ASSERT_EQ(got.size(), ref.size());
    for (std::size_t i = 0; i < ref.size(); ++i) {
      EXPECT_TRUE(same_bits(got[i].t_s, ref[i].t_s)) << i;
      EXPECT_TRUE(same_bits(got[i].mnf_hz, ref[i].mnf_hz)) << i;
      EXPECT_TRUE(same_bits(got[i].mdf_hz, ref[i].mdf_hz)) << i;
    }
  }
}

TEST(FatigueTracker, CapacityDefaultsResetAndErrors) {
  emg::FatigueTracker tr(2, 1000.0);  // 1 s windows, 0.5 s updates
  EXPECT_EQ(tr.window_samples(), 1000u);
  EXPECT_EQ(tr.update_samples(), 500u);
  EXPECT_EQ(tr.n_channels(), 2u);
  EXPECT_EQ(tr.fs(), 1000.0);
  EXPECT_EQ(tr.output_points_for(999), 0u);
  EXPECT_EQ(tr.output_points_for(1000), 2u);
  EXPECT_EQ(tr.output_points_for(2499), 6u);  // instants at 1000, 1500, 2000
  EXPECT_EQ(tr.output_points_for(2500), 8u);

  const auto x = random_emg(2500, 2, 3);
  std::vector<emg::SpectralFatiguePoint> out(8);
  // Too small a buffer: nothing consumed, nothing written.
  EXPECT_EQ(tr.process(x.data(), 2500, out.data(), 7), 0u);
  EXPECT_EQ(tr.process(x.data(), 2500, out.data(), 8), 8u);
  EXPECT_DOUBLE_EQ(out[0].t_s, 0.5);
  EXPECT_DOUBLE_EQ(out[7].t_s, 2.0);
  EXPECT_EQ(tr.output_points_for(499), 0u);
  EXPECT_EQ(tr.output_points_for(500), 2u);
  EXPECT_EQ(tr.process(nullptr, 0, nullptr, 0), 0u);

  tr.reset();
  std::vector<emg::SpectralFatiguePoint> again(8);
  EXPECT_EQ(tr.process(x.data(), 2500, again.data(), 8), 8u);
  for (std::size_t i = 0; i < 8; ++i) EXPECT_TRUE(same_bits(again[i].mdf_hz, out[i].mdf_hz));

  // Moving keeps the state.
  emg::FatigueTracker moved(std::move(tr));
  EXPECT_EQ(moved.output_points_for(500), 2u);

  auto starts = [](const std::string& m, const std::string& p) { return kinemyo::test::starts_with(m, p + ": "); };
  EXPECT_TRUE(starts(message_of([] { emg::FatigueTracker(0, 1000.0); }), "n_channels"));
  EXPECT_TRUE(starts(message_of([] { emg::FatigueTracker(1, 0.0); }), "fs"));
  EXPECT_TRUE(starts(message_of([] { emg::FatigueTracker(1, 1000.0, 0.001); }), "window_s"));
  EXPECT_TRUE(starts(message_of([] { emg::FatigueTracker(1, 1000.0, -1.0); }), "window_s"));
  EXPECT_TRUE(starts(message_of([] { emg::FatigueTracker(1, 1000.0, 1.0, 0.0004); }), "update_s"));
  EXPECT_TRUE(starts(message_of([] { emg::FatigueTracker(1, 1000.0, 1e12); }), "window_s"));
}

TEST(FatigueTracker, NonFiniteInputSpoilsOnlyItsWindows) {
  const std::size_t C = 2;
  auto x = random_emg(3000, C, 31);
  x[1200 * C + 1] = std::numeric_limits<double>::quiet_NaN();  // frame 1200, channel 1
  emg::FatigueTracker tr(C, 1000.0, 0.5, 0.25);                 // windows end at 500, 750, ..., 3000
  const auto pts = run_all(tr, x);
  for (std::size_t j = 0; j < pts.size() / C; ++j) {
    const std::size_t end = 500 + 250 * j;
    const bool contains = end > 1200 && end - 500 <= 1200;
    EXPECT_FALSE(std::isnan(pts[j * C].mdf_hz)) << j;
    EXPECT_EQ(std::isnan(pts[j * C + 1].mnf_hz), contains) << j;
    EXPECT_EQ(std::isnan(pts[j * C + 1].mdf_hz), contains) << j;
  }
}

TEST(FatigueTracker, DetectsDownwardSpectralShift) {
  // A narrow-band process whose centre frequency falls from 120 Hz to 80 Hz over 30 s: the MDF trend is negative
  // (about -1.33 Hz/s) and significant.
  const double fs = 1000.0;
  const std::size_t n = 30000;
  std::mt19937_64 gen(99);
  std::normal_distribution<double> nd;
  std::vector<double> x(n);
  double phase = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double fc = 120.0 - 40.0 * static_cast<double>(i) / static_cast<double>(n);
    phase += 2.0 * std::numbers::pi * fc / fs;
    x[i] = std::sin(phase) + 0.3 * nd(gen);
  }
  emg::FatigueTracker tr(1, fs);
  const auto pts = run_all(tr, x);
  ASSERT_EQ(pts.size(), 59u);
  std::vector<double> t, mdf, mnf;
  for (const auto& p : pts) {
    t.push_back(p.t_s);
    mdf.push_back(p.mdf_hz);
    mnf.push_back(p.mnf_hz);
  }
  const auto trend = emg::linear_trend(t, mdf);
  EXPECT_NEAR(trend.slope, -40.0 / 30.0, 0.05);
  EXPECT_LT(trend.r, -0.99);
  EXPECT_LT(trend.p_value, 1e-20);
  EXPECT_EQ(trend.n, 59u);
  EXPECT_LT(emg::linear_trend(t, mnf).slope, -1.0);
}

// ----------------------------------------------------------------------------------------------------------------
// Linear trend and Student t

TEST(FatigueGolden, LinearTrendMatchesScipyLinregress) {
  std::size_t n_cases = 0;
  for (const auto& c : golden()) {
    if (!starts_with(c.id, "trend_")) continue;
    ++n_cases;
    const auto& t = c.at("t").values;
    const auto& y = c.at("y").values;
    const auto& ref = c.at("res").values;  // slope, intercept, r, stderr, p
    const auto res = emg::linear_trend(t, y);
    EXPECT_EQ(res.n, t.size());
    const double got[] = {res.slope, res.intercept, res.r, res.stderr_slope, res.p_value};
    double worst = 0.0;
    for (std::size_t i = 0; i < 5; ++i) {
      const double e = rel_error(got[i], ref[i]);
      worst = std::max(worst, e);
      EXPECT_LE(e, 1e-10) << c.id << " field " << i << ": " << got[i] << " vs " << ref[i];
    }
    record_error(c.id, worst);
  }
  EXPECT_EQ(n_cases, 6u);
}

TEST(FatigueGolden, StudentTwoSidedPMatchesScipy) {
  const auto& c = golden_case("tdist");
  const auto& t = c.at("t").values;
  const auto& dof = c.at("dof").values;
  const auto& p = c.at("p").values;
  double worst = 0.0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const double got = emg::student_t_two_sided_p(t[i], dof[i]);
    if (p[i] < 1e-290) {  // at or near underflow: only absolute agreement is meaningful
      EXPECT_LE(got, 1e-290) << t[i] << " " << dof[i];
      continue;
    }
    const double e = rel_error(got, p[i]);
    worst = std::max(worst, e);
    EXPECT_LE(e, 1e-10) << "t = " << t[i] << ", dof = " << dof[i] << ": " << got << " vs " << p[i];
  }
  record_error("tdist", worst);
}

TEST(FatigueTrend, HandCheckedAndEdgeCases) {
  // Exact line: r = -1, zero standard error, p = 0.
  const std::vector<double> t{0.0, 1.0, 2.0, 3.0};
  const auto line = emg::linear_trend(t, std::vector<double>{5.0, 3.0, 1.0, -1.0});
  EXPECT_DOUBLE_EQ(line.slope, -2.0);
  EXPECT_DOUBLE_EQ(line.intercept, 5.0);
  EXPECT_DOUBLE_EQ(line.r, -1.0);
  EXPECT_EQ(line.stderr_slope, 0.0);
  EXPECT_EQ(line.p_value, 0.0);
  // y = [0, 1, 0]: slope 0, r 0, p 1.
  const auto flat = emg::linear_trend(std::vector<double>{0.0, 1.0, 2.0}, std::vector<double>{0.0, 1.0, 0.0});
  EXPECT_EQ(flat.slope, 0.0);
  EXPECT_NEAR(flat.intercept, 1.0 / 3.0, 1e-15);
  EXPECT_EQ(flat.r, 0.0);
  EXPECT_DOUBLE_EQ(flat.p_value, 1.0);
  // Constant y: r and p undefined.
  const auto constant = emg::linear_trend(t, std::vector<double>(4, 7.0));
  EXPECT_EQ(constant.slope, 0.0);
  EXPECT_EQ(constant.intercept, 7.0);
  EXPECT_TRUE(std::isnan(constant.r));
  EXPECT_TRUE(std::isnan(constant.p_value));
  // Cauchy (1 dof): P(|T| >= 1) = 1/2; 2 dof: P(|T| >= t) = 1 - t / sqrt(2 + t^2).
  EXPECT_NEAR(emg::student_t_two_sided_p(1.0, 1.0), 0.5, 1e-15);
  EXPECT_NEAR(emg::student_t_two_sided_p(-3.0, 2.0), 1.0 - 3.0 / std::sqrt(11.0), 1e-15);
  EXPECT_EQ(emg::student_t_two_sided_p(0.0, 7.0), 1.0);
  EXPECT_EQ(emg::student_t_two_sided_p(std::numeric_limits<double>::infinity(), 7.0), 0.0);
  EXPECT_TRUE(std::isnan(emg::student_t_two_sided_p(std::numeric_limits<double>::quiet_NaN(), 7.0)));

  auto starts = [](const std::string& m, const std::string& p) { return kinemyo::test::starts_with(m, p + ": "); };
  const std::vector<double> three{1.0, 2.0, 3.0}, two{1.0, 2.0};
  const std::vector<double> with_nan{1.0, std::numeric_limits<double>::quiet_NaN(), 3.0};
  EXPECT_TRUE(starts(message_of([&] { emg::linear_trend(three, two); }), "y"));
  EXPECT_TRUE(starts(message_of([&] { emg::linear_trend(two, two); }), "t"));
  EXPECT_TRUE(starts(message_of([&] { emg::linear_trend(std::vector<double>(3, 4.0), three); }), "t"));
  EXPECT_TRUE(starts(message_of([&] { emg::linear_trend(three, with_nan); }), "y"));
  EXPECT_TRUE(starts(message_of([&] { emg::linear_trend(with_nan, three); }), "t"));
  EXPECT_TRUE(starts(message_of([] { emg::student_t_two_sided_p(1.0, 0.0); }), "dof"));
}

// ----------------------------------------------------------------------------------------------------------------
// Further time-domain features, options, AR and sample entropy (NumPy/SciPy comparisons: test_features_reference.py)

TEST(EmgFeatures, HandCheckedFurtherTimeDomainFeatures) {
  const std::vector<double> x{1.0, -4.0, 9.0, 0.0};
  const auto f = emg::window_features(x, 10.0, {0.0, 0.0, 0.0});
  // diffs -5, 13, -9: sum of squares 275 over 3; WL 27
  EXPECT_NEAR(f.dasdv, std::sqrt(275.0 / 3.0), 1e-14);
  EXPECT_NEAR(f.mfl, std::log10(27.0), 1e-15);
  // sqrt: 1, 2i, 3, 0 -> |4 + 2i| / 4
  EXPECT_NEAR(f.msr, std::sqrt(20.0) / 4.0, 1e-15);
  // sorted -4, 0, 1, 9: b0 = 1.5, b1 = sum_i i x_(i) / ((N - 1) N) = (0 * -4 + 1 * 0 + 2 * 1 + 3 * 9) / 12 = 29 / 12;
  // l2 = 2 b1 - b0
  EXPECT_NEAR(f.ls, 2.0 * 29.0 / 12.0 - 1.5, 1e-14);
  // pairwise form: sum_{i<j} |x_i - x_j| / (N (N - 1)) = (5 + 8 + 1 + 13 + 4 + 9) / 12
  EXPECT_NEAR(f.ls, 40.0 / 12.0, 1e-14);
  // central moments about 1.5: d = -0.5, -5.5, 7.5, -1.5
  const double m2 = (0.25 + 30.25 + 56.25 + 2.25) / 4.0;
  const double m3 = (-0.125 - 166.375 + 421.875 - 3.375) / 4.0;
  const double m4 = (0.0625 + 915.0625 + 3164.0625 + 5.0625) / 4.0;
  EXPECT_NEAR(f.skewness, m3 / std::pow(m2, 1.5), 1e-14);
  EXPECT_NEAR(f.kurtosis, m4 / (m2 * m2), 1e-14);

  const auto k = emg::window_features(std::vector<double>(8, -2.0), 10.0, {0.0, 0.0, 0.0});
  EXPECT_TRUE(std::isnan(k.skewness));
  EXPECT_TRUE(std::isnan(k.kurtosis));
  EXPECT_EQ(k.mfl, -std::numeric_limits<double>::infinity());
  EXPECT_EQ(k.dasdv, 0.0);
  EXPECT_NEAR(k.msr, std::sqrt(2.0), 1e-15);
}

TEST(EmgFeatures, SpectralOptionsRectangularFirstHalfPower) {
  // x = [1, 0, 0, 0]: flat spectrum. first_half_power: P = 1/16 at k = 0, 1 (nfft 4); one-sided density over
  // k = 0, 1, 2 with the rectangular window: |X|^2 / (fs N) = 1 / (4 fs), doubled at k = 1.
  const std::vector<double> x{1.0, 0.0, 0.0, 0.0};
  emg::FeatureOptions o;
  o.spectral.window = emg::SpectralWindow::rectangular;
  o.spectral.remove_mean = false;
  o.spectral.form = emg::SpectrumForm::first_half_power;
  o.spectral.median = emg::MedianFrequency::first_bin;
  const auto f = emg::window_features(x, 4.0, {0.0, 0.0, 0.0}, o);
  EXPECT_NEAR(f.mean_power, 1.0 / 16.0, 1e-16);
  EXPECT_NEAR(f.mnf_hz, 0.5, 1e-15);  // bins at 0 and 1 Hz, equal power
  EXPECT_EQ(f.mdf_hz, 0.0);           // half the power is reached in bin 0
  EXPECT_EQ(f.peak_frequency_hz, 0.0);
  o.spectral.form = emg::SpectrumForm::one_sided_density;
  const auto g = emg::window_features(x, 4.0, {0.0, 0.0, 0.0}, o);
  EXPECT_NEAR(g.mean_power, (1.0 + 2.0 + 1.0) / 16.0 / 3.0, 1e-16);
  EXPECT_NEAR(g.mnf_hz, (1.0 * 2.0 + 2.0 * 1.0) / 4.0, 1e-15);
  EXPECT_EQ(g.mdf_hz, 1.0);  // C = 1, 3, 4 (x 1/16): half (2) first reached at k = 1
  // Zero padding: nfft = 8 halves the bin spacing; the flat spectrum stays flat.
  o.spectral.nfft = 8;
  const auto h = emg::window_features(x, 4.0, {0.0, 0.0, 0.0}, o);
  EXPECT_NEAR(h.mean_power, (1.0 + 2.0 * 3.0 + 1.0) / 16.0 / 5.0, 1e-16);
  EXPECT_NEAR(h.mnf_hz, (2.0 * (0.5 + 1.0 + 1.5) + 2.0) / 8.0, 1e-15);

  // The defaults are unchanged: equal to explicitly spelling them out.
  emg::FeatureOptions d;
  d.spectral.nfft = 7;
  const std::vector<double> y{0.3, -1.2, 2.0, 0.7, -0.4, 1.1, 0.0};
  const auto a = emg::window_features(y, 50.0, {0.0, 0.0, 0.0});
  const auto b = emg::window_features(y, 50.0, {0.0, 0.0, 0.0}, d);
  EXPECT_TRUE(same_bits(a.mnf_hz, b.mnf_hz));
  EXPECT_TRUE(same_bits(a.mdf_hz, b.mdf_hz));
  EXPECT_TRUE(same_bits(a.mean_power, b.mean_power));
}

TEST(EmgFeatures, OptionValidationNamesTheParameter) {
  const std::vector<double> x{1.0, 2.0, -1.0, 0.5};
  emg::FeatureOptions o;
  o.var_ddof = 4.0;
  EXPECT_TRUE(starts_with(message_of([&] { emg::window_features(x, 1.0, {0.0, 0.0, 0.0}, o); }), "options.var_ddof"));
  o.var_ddof = std::numeric_limits<double>::quiet_NaN();
  EXPECT_TRUE(starts_with(message_of([&] { emg::window_features(x, 1.0, {0.0, 0.0, 0.0}, o); }), "options.var_ddof"));
  o = {};
  o.spectral.nfft = 3;
  EXPECT_TRUE(
      starts_with(message_of([&] { emg::window_features(x, 1.0, {0.0, 0.0, 0.0}, o); }), "options.spectral.nfft"));
  const std::vector<double> frames(40, 1.0);
  EXPECT_TRUE(starts_with(
      message_of([&] { emg::windowed_features(frames, 2, 10.0, 1.0, 0.5, {0.0, 0.0, 0.0}, o); }),
      "options.spectral.nfft"));
}

TEST(EmgFeatures, ArCoefficientsYuleWalker) {
  // Order 1: a1 = -r1 / r0.
  const std::vector<double> x{1.0, 2.0, -1.0, 0.5, 3.0};
  const double r0 = (1 + 4 + 1 + 0.25 + 9) / 5.0, r1 = (2 - 2 - 0.5 + 1.5) / 5.0, r2 = (-1 + 1 - 3) / 5.0;
  const auto a1 = emg::ar_coefficients(x, 1);
  ASSERT_EQ(a1.size(), 1u);
  EXPECT_NEAR(a1[0], -r1 / r0, 1e-15);
  // Order 2: the normal equations [r0 r1; r1 r0] [-a1; -a2] = [r1; r2] by Cramer's rule.
  const auto a2 = emg::ar_coefficients(x, 2);
  const double det = r0 * r0 - r1 * r1;
  EXPECT_NEAR(a2[0], -(r1 * r0 - r1 * r2) / det, 1e-14);
  EXPECT_NEAR(a2[1], -(r0 * r2 - r1 * r1) / det, 1e-14);
  // A long AR(2) process is recovered.
  std::mt19937_64 gen(7);
  std::normal_distribution<double> nd;
  std::vector<double> y(100000, 0.0);
  for (std::size_t t = 2; t < y.size(); ++t) y[t] = 0.5 * y[t - 1] - 0.3 * y[t - 2] + nd(gen);
  const auto a = emg::ar_coefficients(y, 2);
  EXPECT_NEAR(a[0], -0.5, 0.01);
  EXPECT_NEAR(a[1], 0.3, 0.01);
  // All-zero window: undefined; order validated.
  EXPECT_TRUE(std::isnan(emg::ar_coefficients(std::vector<double>(6, 0.0), 2)[0]));
  EXPECT_TRUE(starts_with(message_of([&] { emg::ar_coefficients(x, 5); }), "order"));
  EXPECT_TRUE(starts_with(message_of([&] { emg::ar_coefficients(x, 0); }), "order"));
  // Windowed: equal to per-window calls.
  const auto frames = random_emg(300, 2, 11);
  const auto w = emg::windowed_ar_coefficients(frames, 2, 100.0, 1.0, 0.5, 3);
  ASSERT_EQ(w.n_windows, 5u);
  for (std::size_t j = 0; j < w.n_windows; ++j)
    for (std::size_t c = 0; c < 2; ++c) {
      std::vector<double> win(100);
      for (std::size_t i = 0; i < 100; ++i) win[i] = frames[(j * 50 + i) * 2 + c];
      const auto ref = emg::ar_coefficients(win, 3);
      for (std::size_t v = 0; v < 3; ++v) EXPECT_TRUE(same_bits(w.values[(j * 2 + c) * 3 + v], ref[v]));
    }
  EXPECT_EQ(w.t_start_s[1], 0.5);
}

namespace {
// Direct O(N^2) Richman-Moorman count.
double naive_sampen(const std::vector<double>& x, std::size_t m, double tol) {
  const std::size_t n = x.size();
  double mean = 0.0;
  for (double v : x) mean += v;
  mean /= static_cast<double>(n);
  double ss = 0.0;
  for (double v : x) ss += (v - mean) * (v - mean);
  const double r = tol * std::sqrt(ss / static_cast<double>(n - 1));
  auto dist = [&](std::size_t i, std::size_t j, std::size_t len) {
    double d = 0.0;
    for (std::size_t k = 0; k < len; ++k) d = std::max(d, std::abs(x[i + k] - x[j + k]));
    return d;
  };
  double a = 0.0, b = 0.0;
  for (std::size_t i = 0; i < n - m; ++i)
    for (std::size_t j = i + 1; j < n - m; ++j) {
      if (dist(i, j, m) <= r) b += 1.0;
      if (dist(i, j, m + 1) <= r) a += 1.0;
    }
  return -std::log(a / b);
}
}  // namespace

TEST(EmgFeatures, SampleEntropy) {
  const auto x = random_emg(300, 1, 5);
  for (const std::size_t m : {1u, 2u, 3u})
    EXPECT_NEAR(emg::sample_entropy(x, {m, 0.25, emg::SampleEntropyCount::richman_moorman}),
                naive_sampen(x, m, 0.25), 1e-13);
  // Period 4, [0 1 0 -1]: the four length-2 templates are distinct and each recurs every 4 samples, extending
  // identically, so A = B and SampEn = 0.
  std::vector<double> p;
  for (int i = 0; i < 40; ++i) p.push_back(std::vector<double>{0.0, 1.0, 0.0, -1.0}[static_cast<std::size_t>(i % 4)]);
  EXPECT_NEAR(emg::sample_entropy(p, {2, 0.1, emg::SampleEntropyCount::richman_moorman}), 0.0, 1e-15);
  EXPECT_TRUE(std::isnan(emg::sample_entropy(std::vector<double>(10, 1.0))));
  EXPECT_TRUE(starts_with(message_of([&] { emg::sample_entropy(x, {0, 0.2, {}}); }), "options.dimension"));
  EXPECT_TRUE(starts_with(message_of([&] { emg::sample_entropy(x, {2, -1.0, {}}); }), "options.tolerance"));
  EXPECT_TRUE(starts_with(message_of([&] { emg::sample_entropy(std::vector<double>{1, 2, 3, 4}); }), "x"));
  const auto w = emg::windowed_sample_entropy(x, 1, 100.0, 1.0, 1.0);
  ASSERT_EQ(w.n_windows, 3u);
  EXPECT_TRUE(same_bits(w.values[1], emg::sample_entropy(std::span<const double>(x).subspan(100, 100))));
}
