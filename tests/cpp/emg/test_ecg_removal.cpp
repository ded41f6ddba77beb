#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "kinemyo/emg/ecg_removal.hpp"

namespace emg = kinemyo::emg;

namespace {
// A QRS-like pulse (difference of Gaussians, ~60 ms) every 0.8-1.0 s on top of white "EMG" noise.
struct Mixture {
  std::vector<double> emg, ecg, mix;
  std::vector<std::size_t> r;
};
Mixture make(double fs, std::size_t n, double ecg_amplitude) {
  Mixture m;
  std::mt19937_64 rng(8);
  std::normal_distribution<double> d;
  std::uniform_real_distribution<double> rr(0.8, 1.0);
  m.emg.resize(n);
  m.ecg.assign(n, 0.0);
  for (auto& v : m.emg) v = d(rng);
  for (double t = 0.5; t < static_cast<double>(n) / fs - 0.5; t += rr(rng)) m.r.push_back(static_cast<std::size_t>(t * fs));
  for (std::size_t r : m.r)
    for (long k = -80; k <= 80; ++k) {
      const double s = static_cast<double>(k) / fs;
      m.ecg[r + static_cast<std::size_t>(k)] +=
          ecg_amplitude * (std::exp(-s * s / (2 * 0.01 * 0.01)) - 0.4 * std::exp(-s * s / (2 * 0.025 * 0.025)));
    }
  for (std::size_t t = 0; t < n; ++t) m.mix.push_back(m.emg[t] + m.ecg[t]);
  return m;
}
double energy(const std::vector<double>& v) {
  double e = 0.0;
  for (double x : v) e += x * x;
  return e;
}
}  // namespace

TEST(EcgRemoval, DetectsEveryBeatAndRemovesMostOfTheEcg) {
  const double fs = 1000.0;
  const auto m = make(fs, 30000, 20.0);
  emg::EcgRemovalConfig cfg;
  const auto peaks = emg::detect_qrs(m.mix, fs, cfg);
  ASSERT_EQ(peaks.size(), m.r.size());
  for (std::size_t i = 0; i < peaks.size(); ++i)
    EXPECT_NEAR(static_cast<double>(peaks[i]), static_cast<double>(m.r[i]), 3.0);
  const auto res = emg::remove_ecg(m.mix, 1, fs, std::nullopt, cfg);
  EXPECT_FALSE(res.gated[0]);
  std::vector<double> residual(m.mix.size());
  for (std::size_t t = 0; t < residual.size(); ++t) residual[t] = res.cleaned[t] - m.emg[t];
  // What remains of the ECG (plus what was taken from the EMG) is under 5 % of the ECG's energy.
  EXPECT_LT(energy(residual), 0.05 * energy(m.ecg));
  EXPECT_GT(res.contamination_pct[0], 10.0);
  // Gating: cruder, but still removes most of the ECG energy.
  cfg.method = emg::EcgRemovalMethod::gating;
  const auto gated = emg::remove_ecg(m.mix, 1, fs, std::nullopt, cfg);
  EXPECT_TRUE(gated.gated[0]);
  for (std::size_t t = 0; t < residual.size(); ++t) residual[t] = gated.cleaned[t] - m.emg[t];
  EXPECT_LT(energy(residual), 0.5 * energy(m.ecg));
}

TEST(EcgRemoval, ReferenceChannelAndValidation) {
  const double fs = 1000.0;
  const auto m = make(fs, 20000, 10.0);
  emg::EcgRemovalConfig cfg;
  const auto with_ref = emg::remove_ecg(m.mix, 1, fs, std::span<const double>(m.ecg), cfg);
  EXPECT_EQ(with_ref.r_peaks.size(), m.r.size());
  EXPECT_THROW(emg::remove_ecg(m.mix, 1, fs, std::span<const double>(m.ecg.data(), 100), cfg), std::invalid_argument);
  cfg.threshold_fraction = 1.5;
  EXPECT_THROW(emg::detect_qrs(m.ecg, fs, cfg), std::invalid_argument);
}

TEST(EcgRemoval, StreamingRemoverIsChunkInvariantAndRemovesTheEcg) {
  const double fs = 1000.0;
  const auto m = make(fs, 30000, 20.0);
  emg::EcgRemovalConfig cfg;
  emg::EcgRemover whole(1, fs, cfg);
  std::vector<double> out(m.mix.size());
  whole.process(m.mix.data(), out.data(), m.mix.size());
  const std::size_t D = whole.latency_samples();
  EXPECT_NEAR(whole.latency_s(), 0.32, 1e-12);
  EXPECT_GE(whole.beats(0), m.r.size() - 3);  // all beats after the 2 s learning period
  EXPECT_EQ(whole.late_beats(0), 0u);
  // After learning, what is left of the ECG is small: compare with the EMG delayed by D (1 Hz high-pass aside).
  double ecg_e = 0.0, res_e = 0.0;
  for (std::size_t t = 4000 + D; t < out.size(); ++t) {
    const double r = out[t] - m.emg[t - D];
    res_e += r * r;
    ecg_e += m.ecg[t - D] * m.ecg[t - D];
  }
  EXPECT_LT(res_e, 0.1 * ecg_e);
  // Any split of the input gives the same output.
  emg::EcgRemover chunked(1, fs, cfg);
  std::vector<double> out2(m.mix.size());
  std::mt19937 rng(4);
  std::uniform_int_distribution<std::size_t> chunk(1, 900);
  for (std::size_t done = 0; done < m.mix.size();) {
    const std::size_t n = std::min(chunk(rng), m.mix.size() - done);
    chunked.process(m.mix.data() + done, out2.data() + done, n);
    done += n;
  }
  EXPECT_EQ(out, out2);
}
