#include "kinemyo/emg/quality.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "dsp/check.hpp"
#include "kinemyo/dsp/spectral.hpp"
#include "kinemyo/emg/ecg_removal.hpp"

namespace kinemyo::emg {
namespace {

void validate(const QualityConfig& c, double fs) {
  detail::require_positive_finite("fs", fs);
  if (c.adc_min.has_value() != c.adc_max.has_value())
    detail::fail("config.adc_max", "set both adc_min and adc_max, or neither");
  if (c.adc_min && !(*c.adc_min < *c.adc_max)) detail::fail("config.adc_max", "must be above adc_min");
  if (!(c.max_clipped_fraction >= 0.0 && c.max_clipped_fraction <= 1.0))
    detail::fail("config.max_clipped_fraction", "must be in [0, 1]");
  if (!std::isfinite(c.flat_sd) || c.flat_sd < 0.0) detail::fail("config.flat_sd", "must be finite and >= 0");
  if (!std::isfinite(c.mains_hz) || c.mains_hz <= 0.0 || c.mains_hz >= fs / 2.0)
    detail::fail("config.mains_hz", "must be in (0, fs/2), got " + detail::num(c.mains_hz));
  if (!(c.max_mains_ratio >= 0.0 && c.max_mains_ratio <= 1.0)) detail::fail("config.max_mains_ratio", "must be in [0, 1]");
  if (!(c.max_motion_ratio >= 0.0 && c.max_motion_ratio <= 1.0))
    detail::fail("config.max_motion_ratio", "must be in [0, 1]");
  if (!std::isfinite(c.motion_cutoff_hz) || c.motion_cutoff_hz <= 0.0 || c.motion_cutoff_hz >= fs / 2.0)
    detail::fail("config.motion_cutoff_hz", "must be in (0, fs/2)");
}

QualityReport assess_one(std::span<const double> x, double fs, const QualityConfig& c) {
  QualityReport r;
  const std::size_t n = x.size();
  if (c.adc_min) {
    std::size_t clipped = 0;
    for (double v : x) clipped += (v <= *c.adc_min || v >= *c.adc_max) ? 1 : 0;
    r.clipped_fraction = static_cast<double>(clipped) / static_cast<double>(n);
  }
  double mean = 0.0;
  for (double v : x) mean += v;
  mean /= static_cast<double>(n);
  double ss = 0.0;
  for (double v : x) ss += (v - mean) * (v - mean);
  r.sd = std::sqrt(ss / static_cast<double>(n - 1));

  dsp::WelchOptions opt;
  opt.nperseg = static_cast<std::size_t>(std::llround(fs));
  const auto psd = dsp::welch<double>(x, 1, fs, opt);
  double total = 0.0, low = 0.0, band = 0.0, mains = 0.0;
  const double top = std::min(450.0, 0.5 * fs);
  for (std::size_t k = 1; k < psd.frequencies_hz.size(); ++k) {  // skip DC (the detrended mean)
    const double f = psd.frequencies_hz[k], p = psd.psd[k];
    total += p;
    if (f < c.motion_cutoff_hz) low += p;
    if (f >= 20.0 && f <= top) {
      band += p;
      const double harmonic = std::round(f / c.mains_hz);
      if (harmonic >= 1.0 && std::abs(f - harmonic * c.mains_hz) <= 1.0) mains += p;
    }
  }
  r.motion_ratio = total > 0.0 ? low / total : 0.0;
  r.ecg_contamination_pct = r.ecg_beat_correlation = std::numeric_limits<double>::quiet_NaN();
  if (c.check_ecg && static_cast<double>(n) >= 5.0 * fs && r.sd > 0.0) {
    const auto ecg = remove_ecg(x, 1, fs, std::nullopt, EcgRemovalConfig{});
    if (!ecg.gated[0]) {
      r.ecg_contamination_pct = ecg.contamination_pct[0];
      r.ecg_beat_correlation = ecg.beat_correlation[0];
      r.ecg = r.ecg_contamination_pct > c.max_ecg_pct && r.ecg_beat_correlation >= c.min_ecg_correlation;
    }
  }
  r.mains_ratio = band > 0.0 ? mains / band : 0.0;
  r.clipping = r.clipped_fraction > c.max_clipped_fraction;
  r.flat = r.sd <= c.flat_sd;
  r.mains = r.mains_ratio > c.max_mains_ratio;
  r.motion = r.motion_ratio > c.max_motion_ratio;
  return r;
}

}  // namespace

QualityReport assess_quality(std::span<const double> block, double fs, const QualityConfig& config) {
  return assess_quality(block, 1, fs, config).front();
}

std::vector<QualityReport> assess_quality(std::span<const double> block, std::size_t n_channels, double fs,
                                          const QualityConfig& config) {
  validate(config, fs);
  const std::size_t n = detail::frames_of(block.size(), n_channels);
  if (static_cast<double>(n) < fs)
    detail::fail("block", "needs at least 1 s of samples (" + detail::num(fs) + "), got " + std::to_string(n));
  detail::require_finite_samples(block.data(), block.size(), n_channels, "block");
  std::vector<QualityReport> out;
  std::vector<double> column(n);
  for (std::size_t c = 0; c < n_channels; ++c) {
    for (std::size_t t = 0; t < n; ++t) column[t] = block[t * n_channels + c];
    out.push_back(assess_one(column, fs, config));
  }
  return out;
}

}  // namespace kinemyo::emg
