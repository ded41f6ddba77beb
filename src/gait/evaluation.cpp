#include "kinemyo/gait/evaluation.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <tuple>

#include "dsp/check.hpp"

namespace kinemyo::gait {

EventMatch match_events(std::span<const double> detected, std::span<const double> reference, double tolerance) {
  kinemyo::detail::require_positive_finite("tolerance", tolerance);
  // Candidate pairs within tolerance, closest first (sorted reference + binary search keeps this n log n).
  std::vector<std::size_t> order(reference.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return reference[a] < reference[b]; });
  std::vector<std::tuple<double, std::size_t, std::size_t>> pairs;
  std::size_t n_det = 0, n_ref = 0;
  for (double r : reference) n_ref += std::isfinite(r);
  for (std::size_t d = 0; d < detected.size(); ++d) {
    if (!std::isfinite(detected[d])) continue;
    ++n_det;
    auto it = std::lower_bound(order.begin(), order.end(), detected[d] - tolerance,
                               [&](std::size_t idx, double v) { return reference[idx] < v; });
    for (; it != order.end() && reference[*it] <= detected[d] + tolerance; ++it)
      if (std::isfinite(reference[*it])) pairs.emplace_back(std::abs(detected[d] - reference[*it]), d, *it);
  }
  std::sort(pairs.begin(), pairs.end());
  std::vector<bool> used_d(detected.size(), false), used_r(reference.size(), false);
  EventMatch m;
  for (const auto& [err, d, r] : pairs) {
    if (used_d[d] || used_r[r]) continue;
    used_d[d] = used_r[r] = true;
    m.detected.push_back(d);
    m.reference.push_back(r);
  }
  m.true_positives = m.detected.size();
  m.false_positives = n_det - m.true_positives;
  m.false_negatives = n_ref - m.true_positives;
  m.precision = n_det ? static_cast<double>(m.true_positives) / static_cast<double>(n_det) : 0.0;
  m.recall = n_ref ? static_cast<double>(m.true_positives) / static_cast<double>(n_ref) : 0.0;
  m.f1 = m.precision + m.recall > 0.0 ? 2.0 * m.precision * m.recall / (m.precision + m.recall) : 0.0;
  if (m.true_positives > 0) {
    double sum = 0.0, abs_sum = 0.0;
    for (std::size_t k = 0; k < m.true_positives; ++k) {
      const double e = detected[m.detected[k]] - reference[m.reference[k]];
      sum += e;
      abs_sum += std::abs(e);
    }
    m.mean_error = sum / static_cast<double>(m.true_positives);
    m.mean_absolute_error = abs_sum / static_cast<double>(m.true_positives);
    if (m.true_positives > 1) {
      double ss = 0.0;
      for (std::size_t k = 0; k < m.true_positives; ++k) {
        const double e = detected[m.detected[k]] - reference[m.reference[k]] - m.mean_error;
        ss += e * e;
      }
      m.sd_error = std::sqrt(ss / static_cast<double>(m.true_positives - 1));
    }
  }
  return m;
}

Agreement agreement(std::span<const double> a, std::span<const double> b) {
  if (a.size() != b.size()) kinemyo::detail::fail("b", "must have the length of a");
  Agreement g;
  double sum = 0.0, abs_sum = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!std::isfinite(a[i]) || !std::isfinite(b[i])) continue;
    ++g.n;
    sum += a[i] - b[i];
    abs_sum += std::abs(a[i] - b[i]);
  }
  if (g.n == 0) kinemyo::detail::fail("a", "no finite pairs");
  g.bias = sum / static_cast<double>(g.n);
  g.mean_absolute_error = abs_sum / static_cast<double>(g.n);
  if (g.n > 1) {
    double ss = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (std::isfinite(a[i]) && std::isfinite(b[i])) ss += std::pow(a[i] - b[i] - g.bias, 2);
    g.sd = std::sqrt(ss / static_cast<double>(g.n - 1));
  }
  g.lower_limit = g.bias - 1.96 * g.sd;
  g.upper_limit = g.bias + 1.96 * g.sd;
  return g;
}

}  // namespace kinemyo::gait
