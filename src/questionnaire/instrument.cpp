#include "kinemyo/questionnaire/instrument.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "dsp/check.hpp"

namespace kinemyo::questionnaire {
namespace {

std::vector<int> range(int first, int last) {
  std::vector<int> v;
  for (int i = first; i <= last; ++i) v.push_back(i);
  return v;
}

// Central Sensitization Inventory, Part A (Mayer et al., Pain Pract 12:276, 2012): 25 items 0-4, total 0-100;
// severity levels from Neblett et al., Pain Pract 17:166 (2017); cut-off 40 from Neblett et al., J Pain 14:438
// (2013). Part B (diagnoses) is not scored. The developers give no missing-data rule: strict by default.
Instrument csi() {
  Instrument in;
  in.id = "csi";
  in.title = "Central Sensitization Inventory, Part A";
  in.version = "CSI-25 (English)";
  in.citation = "Mayer TG et al. Pain Pract 2012;12(4):276-285";
  in.licence = "Free for clinical and research use; no item wording is shipped";
  in.item_ranges.assign(25, {0, 4});
  ScoreDefinition total;
  total.name = "total";
  total.items = range(1, 25);
  total.minimum = 0;
  total.maximum = 100;
  total.bands = {{"subclinical", 0, 30, true, false},
                 {"mild", 30, 40, true, false},
                 {"moderate", 40, 50, true, false},
                 {"severe", 50, 60, true, false},
                 {"extreme", 60, 100, true, true}};
  total.cutoffs = {{"neblett2013", 40.0, "Neblett R et al. J Pain 2013;14(5):438-445"}};
  in.scores = {total};
  return in;
}

// Oswestry Disability Index 2.1a (Fairbank & Pynsent, Spine 25:2940, 2000): 10 sections 0-5; index =
// 100 * sum / (5 * answered); one missing or not-applicable section allowed (the official rule); bands on
// half-open intervals so prorated values fall in one band.
Instrument odi() {
  Instrument in;
  in.id = "odi";
  in.title = "Oswestry Disability Index";
  in.version = "2.1a";
  in.citation = "Fairbank JCT, Pynsent PB. Spine 2000;25(22):2940-2952";
  in.licence = "Copyright Jeremy Fairbank; licensing through Mapi/ePROVIDE; no item wording is shipped";
  in.item_ranges.assign(10, {0, 5});
  ScoreDefinition total;
  total.name = "total";
  total.items = range(1, 10);
  total.transform = Transform::percent_of_answered;
  total.missing = {"fairbank_one_missing", 1, false};
  total.minimum = 0;
  total.maximum = 100;
  total.bands = {{"minimal disability", 0, 20, true, true},
                 {"moderate disability", 20, 40, false, true},
                 {"severe disability", 40, 60, false, true},
                 {"crippled", 60, 80, false, true},
                 {"bed-bound or exaggerating symptoms", 80, 100, false, true}};
  in.scores = {total};
  return in;
}

// Roland-Morris Disability Questionnaire, 24 items ticked (1) or not (0); score = number ticked (Roland & Morris,
// Spine 8:141, 1983). No standard missing-data rule: strict.
Instrument rmdq() {
  Instrument in;
  in.id = "rmdq";
  in.title = "Roland-Morris Disability Questionnaire";
  in.version = "RMDQ-24";
  in.citation = "Roland M, Morris R. Spine 1983;8(2):141-144";
  in.licence = "Forms in Roland & Fairbank, Spine 2000, usable without permission; no item wording is shipped";
  in.item_ranges.assign(24, {0, 1});
  ScoreDefinition total;
  total.name = "total";
  total.items = range(1, 24);
  total.minimum = 0;
  total.maximum = 24;
  in.scores = {total};
  return in;
}

// Keele STarT Back Screening Tool (Hill et al., Arthritis Rheum 59:632, 2008): items 1-8 agree (1) / disagree
// (0); item 9 bothersomeness 0-4, "very much" or "extremely" (3, 4) count 1. Total 0-9, psychosocial subscore
// (items 5-9) 0-5; risk low (total <= 3), medium (total >= 4, psychosocial <= 3), high (psychosocial >= 4).
Instrument start_back() {
  Instrument in;
  in.id = "start_back";
  in.title = "Keele STarT Back Screening Tool";
  in.version = "9-item";
  in.citation = "Hill JC et al. Arthritis Rheum 2008;59(5):632-641";
  in.licence = "Copyright Keele University; free for clinical use; no item wording is shipped";
  in.item_ranges.assign(8, {0, 1});
  in.item_ranges.push_back({0, 4});
  in.recode[9] = {0, 0, 0, 1, 1};
  ScoreDefinition total;
  total.name = "total";
  total.items = range(1, 9);
  total.minimum = 0;
  total.maximum = 9;
  ScoreDefinition psych;
  psych.name = "psychosocial";
  psych.items = range(5, 9);
  psych.minimum = 0;
  psych.maximum = 5;
  in.scores = {total, psych};
  in.classification_name = "risk";
  in.classification = {{"low", {{"total", 3.0}}},
                       {"medium", {{"total", 1e300, 4.0}, {"psychosocial", 3.0}}},
                       {"high", {{"psychosocial", 1e300, 4.0}}}};
  return in;
}

// Pain Catastrophizing Scale (Sullivan, Bishop & Pivik, Psychol Assess 7:524, 1995): 13 items 0-4, total 0-52;
// rumination (8-11), magnification (6, 7, 13), helplessness (1-5, 12); 30 "a clinically relevant level" (manual).
Instrument pcs() {
  Instrument in;
  in.id = "pcs";
  in.title = "Pain Catastrophizing Scale";
  in.version = "PCS-13";
  in.citation = "Sullivan MJL, Bishop SR, Pivik J. Psychol Assess 1995;7(4):524-532";
  in.licence = "Free for non-commercial clinical and research use (Sullivan lab); no item wording is shipped";
  in.item_ranges.assign(13, {0, 4});
  auto sum = [](std::string name, std::vector<int> items, double max) {
    ScoreDefinition d;
    d.name = std::move(name);
    d.items = std::move(items);
    d.minimum = 0;
    d.maximum = max;
    return d;
  };
  ScoreDefinition total = sum("total", range(1, 13), 52);
  total.cutoffs = {{"sullivan_manual", 30.0, "PCS User Manual (Sullivan 1995-2009)", true}};
  in.scores = {total, sum("rumination", {8, 9, 10, 11}, 16), sum("magnification", {6, 7, 13}, 12),
               sum("helplessness", {1, 2, 3, 4, 5, 12}, 24)};
  return in;
}

// Tampa Scale for Kinesiophobia, 17 items 1-4 with items 4, 8, 12, 16 reversed (5 - x); total 17-68; high
// kinesiophobia > 37 (Vlaeyen et al., Pain 62:363, 1995). No subscales shipped (several mappings are published).
Instrument tsk17() {
  Instrument in;
  in.id = "tsk17";
  in.title = "Tampa Scale for Kinesiophobia";
  in.version = "TSK-17";
  in.citation = "Kori SH, Miller RP, Todd DD. Pain Management 1990;3:35-43; Vlaeyen JWS et al. Pain 1995;62:363-372";
  in.licence = "Widely described as freely usable (not verified); no item wording is shipped";
  in.item_ranges.assign(17, {1, 4});
  for (int item : {4, 8, 12, 16}) in.recode[item] = {4, 3, 2, 1};
  ScoreDefinition total;
  total.name = "total";
  total.items = range(1, 17);
  total.minimum = 17;
  total.maximum = 68;
  total.cutoffs = {{"vlaeyen1995", 37.0, "Vlaeyen JWS et al. Pain 1995;62:363-372", false}};
  in.scores = {total};
  return in;
}

// TSK-11 (Woby et al., Pain 117:137, 2005): the TSK-17 without items 4, 8, 9, 12, 14, 16, so no reversed items;
// its 11 items (TSK-17 items 1, 2, 3, 5, 6, 7, 10, 11, 13, 15, 17) are numbered 1-11 here; total 11-44.
Instrument tsk11() {
  Instrument in;
  in.id = "tsk11";
  in.title = "Tampa Scale for Kinesiophobia, short form";
  in.version = "TSK-11";
  in.citation = "Woby SR, Roach NK, Urmston M, Watson PJ. Pain 2005;117(1-2):137-144";
  in.licence = "Widely described as freely usable (not verified); no item wording is shipped";
  in.item_ranges.assign(11, {1, 4});
  ScoreDefinition total;
  total.name = "total";
  total.items = range(1, 11);
  total.minimum = 11;
  total.maximum = 44;
  in.scores = {total};
  return in;
}

bool in_band(const Band& b, double v) {
  const bool lo = b.lower_inclusive ? v >= b.lower : v > b.lower;
  const bool hi = b.upper_inclusive ? v <= b.upper : v < b.upper;
  return lo && hi;
}

ScoreValue compute(const Instrument& in, const ScoreDefinition& def, std::span<const std::optional<int>> answers,
                   const MissingRule& rule) {
  ScoreValue out;
  out.name = def.name;
  out.n_items = def.items.size();
  double sum = 0.0, max_answered = 0.0;
  for (int item : def.items) {
    const auto& a = answers[static_cast<std::size_t>(item - 1)];
    if (!a) continue;
    ++out.n_answered;
    const auto it = in.recode.find(item);
    const int lo = in.item_ranges[static_cast<std::size_t>(item - 1)].first;
    const int hi = in.item_ranges[static_cast<std::size_t>(item - 1)].second;
    sum += it == in.recode.end() ? *a : it->second[static_cast<std::size_t>(*a - lo)];
    max_answered += it == in.recode.end() ? hi : *std::max_element(it->second.begin(), it->second.end());
  }
  const std::size_t missing = out.n_items - out.n_answered;
  out.value = std::numeric_limits<double>::quiet_NaN();
  if (missing > rule.max_missing || out.n_answered == 0) {
    out.reason = std::to_string(missing) + " of " + std::to_string(out.n_items) + " items missing; rule '" + rule.name +
                 "' allows " + std::to_string(rule.max_missing);
    return out;
  }
  switch (def.transform) {
    case Transform::sum:
      out.value = sum;
      if (missing > 0 && rule.prorate) {
        out.value = sum * static_cast<double>(out.n_items) / static_cast<double>(out.n_answered);
        out.prorated = true;
      }
      break;
    case Transform::percent_of_answered: out.value = 100.0 * sum / max_answered; break;
  }
  out.computable = true;
  for (const auto& b : def.bands)
    if (in_band(b, out.value)) out.band = b.label;
  for (const auto& c : def.cutoffs) out.cutoffs[c.name] = c.inclusive ? out.value >= c.threshold : out.value > c.threshold;
  return out;
}

void check_answers(const Instrument& in, std::span<const std::optional<int>> answers) {
  if (answers.size() != in.item_ranges.size())
    detail::fail("answers", in.id + " has " + std::to_string(in.item_ranges.size()) + " items, got " +
                                std::to_string(answers.size()) + " answers");
  for (std::size_t i = 0; i < answers.size(); ++i) {
    if (!answers[i]) continue;
    const auto [lo, hi] = in.item_ranges[i];
    if (*answers[i] < lo || *answers[i] > hi)
      detail::fail("item " + std::to_string(i + 1), "answer must be an integer in [" + std::to_string(lo) + ", " +
                                                        std::to_string(hi) + "], got " + std::to_string(*answers[i]));
  }
}

}  // namespace

const ScoreValue& ScoreResult::score(const std::string& name) const {
  for (const auto& s : scores)
    if (s.name == name) return s;
  detail::fail("name", "no score '" + name + "' in " + instrument);
}

const std::vector<Instrument>& instruments() {
  static const std::vector<Instrument> all = {csi(), odi(), rmdq(), start_back(), pcs(), tsk17(), tsk11()};
  return all;
}

const Instrument& instrument(const std::string& id) {
  for (const auto& in : instruments())
    if (in.id == id) return in;
  std::string known;
  for (const auto& in : instruments()) known += (known.empty() ? "" : ", ") + in.id;
  detail::fail("instrument", "unknown id '" + id + "' (known: " + known + ")");
}

ScoreResult score(const Instrument& in, std::span<const std::optional<int>> answers,
                  const std::map<std::string, MissingRule>& missing_rules) {
  check_answers(in, answers);
  ScoreResult r;
  r.instrument = in.id;
  for (const auto& def : in.scores) {
    const auto it = missing_rules.find(def.name);
    r.scores.push_back(compute(in, def, answers, it == missing_rules.end() ? def.missing : it->second));
    if (r.scores.back().prorated)
      r.warnings.push_back(def.name + " prorated from " + std::to_string(r.scores.back().n_answered) + " of " +
                           std::to_string(r.scores.back().n_items) + " items (not a developer rule)");
  }
  for (const auto& rule : in.classification) {
    bool holds = true;
    for (const auto& c : rule.all_of) {
      const auto& v = r.score(c.score);
      holds = holds && v.computable && v.value <= c.at_most && v.value >= c.at_least;
    }
    if (holds) {
      r.classification = rule.label;
      break;
    }
  }
  return r;
}

std::vector<double> score_matrix(const Instrument& in, std::span<const double> answers, std::size_t n_rows,
                                 const std::map<std::string, MissingRule>& missing_rules) {
  const std::size_t n_items = in.item_ranges.size();
  if (answers.size() != n_rows * n_items)
    detail::fail("answers", "expected " + std::to_string(n_rows) + " x " + std::to_string(n_items) + " values");
  std::vector<double> out;
  out.reserve(n_rows * in.scores.size());
  std::vector<std::optional<int>> row(n_items);
  for (std::size_t r = 0; r < n_rows; ++r) {
    for (std::size_t i = 0; i < n_items; ++i) {
      const double v = answers[r * n_items + i];
      if (std::isnan(v)) {
        row[i] = std::nullopt;
        continue;
      }
      if (v != std::floor(v) || !std::isfinite(v))
        detail::fail("row " + std::to_string(r) + ", item " + std::to_string(i + 1),
                     "answer must be an integer or missing (NaN), got " + detail::num(v));
      row[i] = static_cast<int>(v);
    }
    try {
      check_answers(in, row);
    } catch (const std::invalid_argument& e) {
      detail::fail("row " + std::to_string(r), e.what());
    }
    for (const auto& def : in.scores) {
      const auto it = missing_rules.find(def.name);
      out.push_back(compute(in, def, row, it == missing_rules.end() ? def.missing : it->second).value);
    }
  }
  return out;
}

}  // namespace kinemyo::questionnaire
