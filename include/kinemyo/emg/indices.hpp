#pragma once
// Clinical indices between two normalised envelopes a and b (for example gluteus medius and paraspinal, or an
// agonist and its antagonist), as small pure functions over one window, plus their sliding-window form.

#include <cstddef>
#include <span>
#include <vector>

namespace kinemyo::emg {

/// mean(a) / mean(b): how strongly muscle a works relative to muscle b (e.g. gluteus medius : paraspinal).
/// Throws std::domain_error when mean(b) == 0.
double activation_ratio(std::span<const double> a, std::span<const double> b);

/// Rudolph et al., Knee Surg Sports Traumatol Arthrosc 8:262 (2000): per sample (lower / higher) * (lower + higher)
/// of the two envelopes, averaged over the window (samples where both are 0 contribute 0). Units of the envelopes.
double rudolph_cci(std::span<const double> a, std::span<const double> b);

/// Co-contraction as the common area of the two envelopes (Falconer & Winter, Electromyogr Clin Neurophysiol
/// 25:135, 1985): 100 * 2 * sum(min(a, b)) / sum(a + b), in %. 100 % when the envelopes are identical.
double falconer_winter_coi(std::span<const double> a, std::span<const double> b);

/// Left/right symmetry of two envelopes (Robinson et al., J Manipulative Physiol Ther 10:172, 1987, index applied to
/// the window means): 100 * (mean(right) - mean(left)) / (0.5 * (mean(left) + mean(right))), in %; positive when
/// the right side works harder, the sign of gait::symmetry_index (kinemyo 0.2; 0.1 had left minus right). Throws
/// std::domain_error when both means are 0.
double symmetry_index(std::span<const double> left, std::span<const double> right);

/// Flexion-relaxation ratio of a paraspinal envelope (Watson et al., Clin Biomech 12:165, 1997): the maximal activity
/// during forward flexion over the activity in full flexion, where healthy back extensors fall silent (ratios well
/// above 1); in chronic low-back pain the relaxation often fails (ratio near 1). Maximal activity is the largest
/// trailing moving average over window_s (default 0.5 s) that lies inside the flexion phase; full-flexion activity
/// is the mean over that phase. Phases are [start, end) times in s on the envelope's own time axis (sample / fs).
double flexion_relaxation_ratio(std::span<const double> envelope, double fs, double flexion_start_s,
                                double flexion_end_s, double full_flexion_start_s, double full_flexion_end_s,
                                double window_s = 0.5);

struct IndexRow {
  double t_start_s = 0.0;
  double t_end_s = 0.0;
  double activation_ratio = 0.0;  ///< NaN where mean(b) == 0 in the window
  double rudolph_cci = 0.0;
  double falconer_winter_coi = 0.0;  ///< NaN where both envelopes are 0 in the window
  double symmetry_index = 0.0;       ///< a as left, b as right; NaN where both are 0 in the window
};

/// The four indices over sliding windows of window_s every step_s (defaults 1 s and 0.1 s: a 10 Hz update),
/// complete windows only. a and b: one envelope each, same length, finite and non-negative.
std::vector<IndexRow> sliding_indices(std::span<const double> a, std::span<const double> b, double fs,
                                      double window_s = 1.0, double step_s = 0.1);

}  // namespace kinemyo::emg
