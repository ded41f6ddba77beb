#pragma once
// Evaluation against reference events and parameters: one-to-one matching of detected to reference events
// within a tolerance, detection counts and timing errors; agreement of paired parameters (Bland & Altman,
// Lancet 327:307, 1986).

#include <cstddef>
#include <span>
#include <vector>

namespace kinemyo::gait {

struct EventMatch {
  std::vector<std::size_t> detected, reference;  ///< indices of matched pairs
  std::size_t true_positives = 0, false_positives = 0, false_negatives = 0;
  double precision = 0.0, recall = 0.0, f1 = 0.0;
  double mean_error = 0.0, mean_absolute_error = 0.0, sd_error = 0.0;  ///< s, detected - reference, matched pairs
};

/// Greedy one-to-one matching by increasing |time difference| (each event used at most once), pairs within
/// `tolerance` seconds. Both lists sorted or not; NaN times are ignored.
EventMatch match_events(std::span<const double> detected, std::span<const double> reference, double tolerance);

struct Agreement {
  std::size_t n = 0;
  double bias = 0.0;             ///< mean(a - b)
  double mean_absolute_error = 0.0;
  double sd = 0.0;               ///< of a - b (n - 1)
  double lower_limit = 0.0, upper_limit = 0.0;  ///< bias -/+ 1.96 sd
};
Agreement agreement(std::span<const double> a, std::span<const double> b);  ///< pairs with a NaN are skipped

}  // namespace kinemyo::gait
