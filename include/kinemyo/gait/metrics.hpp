#pragma once
// Gait asymmetry, regularity and variability metrics: small pure functions, each with its formula and source.
// Sign convention: left/right indices are positive when the right value is larger; when an affected side is
// named, positive means the affected side's value is larger (the unaffected side takes "left"'s place).
// Percentages are x 100.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "kinemyo/gait/events.hpp"

namespace kinemyo::gait {

/// --- Pairwise indices on two per-side values --------------------------------------------------------------
double symmetry_index(double left, double right);      ///< 100 (R - L) / (0.5 (R + L))  (Robinson et al. 1987)
double symmetry_index_max(double left, double right);  ///< 100 (R - L) / max(L, R)      (Vagenas & Hoshizaki 1992)
double symmetry_ratio(double left, double right);      ///< L / R                         (Seliktar & Mizrahi 1986)
/// 100 |ln(short swing / long swing)|                     (Yogev et al. 2007; Plotnik et al. 2007)
double gait_asymmetry(double swing_left, double swing_right);
/// (45 deg - atan(L / R)) / 90 deg * 100, with the paper's wrap when (45 - atan(L/R)) > 90   (Zifchock et al. 2008;
/// atan of the ratio, not atan2: for values of opposite sign the two differ)
double symmetry_angle(double left, double right);

enum class PairIndex : std::uint8_t { symmetry_index, symmetry_index_max, symmetry_ratio, gait_asymmetry, symmetry_angle,
                                      absolute_difference /* |mean_L - mean_R|, Galna et al. 2013 */ };
enum class Aggregation : std::uint8_t { median, mean };

/// An index on per-stride values of each side: each side aggregated (median by default), then the index.
/// With bootstrap_samples > 0, a percentile confidence interval from resampling each side's strides with
/// replacement (deterministic for a seed). Non-finite values are dropped; too few values give NaN.
struct IndexResult {
  double value = 0.0;
  double left = 0.0, right = 0.0;  ///< the aggregated side values used
  std::size_t n_left = 0, n_right = 0;
  double ci_low = 0.0, ci_high = 0.0;  ///< NaN without bootstrap
};
inline constexpr std::size_t kMaxBootstrap = 100000;  ///< bootstrap_samples above this: std::invalid_argument
IndexResult side_index(PairIndex index, std::span<const double> left_values, std::span<const double> right_values,
                       Aggregation aggregation = Aggregation::median, Side affected = Side::unknown,
                       std::size_t bootstrap_samples = 0, double confidence = 0.95, std::uint64_t seed = 1);

/// --- Phase coordination index (Plotnik, Giladi & Hausdorff, Exp Brain Res 181:561, 2007) --------------------
/// phi_i = 360 (t_other,i - t_ref,i) / (t_ref,i+1 - t_ref,i) for each stride of the reference leg (the one with the
/// longer mean swing, or the one given), t_other,i its first contralateral contact in the stride. PCI = phi_CV +
/// P_phi_ABS = 100 SD(phi) / mean(phi) + 100 mean|phi - 180| / 180. One reference leg, never pooled.
struct PhaseCoordination {
  double pci = 0.0, phi_cv = 0.0, phi_abs = 0.0 /* deg */, p_phi_abs = 0.0, mean_phase = 0.0 /* deg */;
  std::size_t n = 0;
  Side reference = Side::unknown;
};
PhaseCoordination phase_coordination_index(std::span<const double> left_contacts, std::span<const double> right_contacts,
                                           Side reference);

/// --- Trunk signal regularity --------------------------------------------------------------------------------
/// Harmonic ratio of one stride of trunk acceleration (Menz et al. 2003): amplitudes A_k of the exact harmonics
/// k = 1..20 of the stride (DFT of exactly the stride's samples); AP and V: sum even / sum odd, ML: odd / even.
/// Improved harmonic ratio (Pasciuto et al. 2017): 100 P_even / (P_even + P_odd) with P = A^2 (ML: odd).
/// Harmonics above the stride's Nyquist ((n - 1) / 2 for n samples) do not exist and are left out; throws
/// std::invalid_argument naming stride for fewer than 4 samples or a non-finite sample.
enum class Axis : std::uint8_t { anteroposterior, vertical, mediolateral };
double harmonic_ratio(std::span<const double> stride, Axis axis, std::size_t harmonics = 20);
double improved_harmonic_ratio(std::span<const double> stride, Axis axis, std::size_t harmonics = 20);

/// Unbiased autocorrelation (Moe-Nilssen & Helbostad 2004): Ad(m) = [1/(N-m) sum x_i x_{i+m}] / [1/N sum x_i^2] of
/// the mean-removed signal; step regularity = its peak near the step time, stride regularity near the stride time.
struct Regularity {
  double step_regularity = 0.0, stride_regularity = 0.0;
  double step_symmetry = 0.0;     ///< step / stride regularity
  double regularity_index = 0.0;  ///< 1 - 2 |Ad2 - Ad1| / (Ad1 + Ad2) (Angelini et al. 2020)
  double step_lag = 0.0, stride_lag = 0.0;  ///< s
};
/// step_time: expected step duration (s, e.g. the median from events); peaks are sought within +-40 % of the
/// step and stride (2 step) lags.
Regularity autocorrelation_regularity(std::span<const double> signal, double fs, double step_time);

/// Gait symmetry index (Zhang et al., Sensors 18:3322, 2018) from three trunk acceleration axes (n x 3): the sum of
/// the normalised biased autocovariances C(m), its stride peak m_s near 2 step_time, GSI = sqrt(C(m_s / 2)) / sqrt(3).
double gait_symmetry_index(std::span<const double> acc, double fs, double step_time);

/// --- Variability ----------------------------------------------------------------------------------------------
double coefficient_of_variation(std::span<const double> values);  ///< 100 SD (n - 1) / mean
double combined_sd(std::span<const double> left, std::span<const double> right);  ///< sqrt((SD_L^2 + SD_R^2) / 2), Galna 2013

}  // namespace kinemyo::gait
