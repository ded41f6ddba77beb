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
  total.cutoffs = {{"neblett2013", 40.0, "Neblett R et al. J Pain 2013;14(5):438-445"},
                   {"schuttert2023_all", 30.0, "Schuttert I et al. J Clin Med 2023;12(14):4849 (Dutch)"},
                   {"schuttert2023_female", 33.0, "Schuttert I et al. J Clin Med 2023;12(14):4849 (Dutch)"},
                   {"schuttert2023_male", 25.0, "Schuttert I et al. J Clin Med 2023;12(14):4849 (Dutch)"}};
  in.scores = {total};
  // Part B: ten previously diagnosed conditions, yes (1) / no (0) with an optional year; stored, never scored.
  for (const char* c : {"restless_legs_syndrome", "chronic_fatigue_syndrome", "fibromyalgia",
                        "temporomandibular_joint_disorder", "migraine_or_tension_headaches", "irritable_bowel_syndrome",
                        "multiple_chemical_sensitivities", "neck_injury", "anxiety_or_panic_attacks", "depression"}) {
    in.recorded.push_back({std::string("part_b_") + c, 0, 1});
    in.recorded.push_back({std::string("part_b_") + c + "_year", 1900, 2100});
  }
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
  total.loinc = "97909-6";
  in.loinc = "97908-8";
  in.questionnaire_urls = {"http://loinc.org/q/97908-8"};
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
  in.loinc = "91349-1";
  in.questionnaire_urls = {"http://loinc.org/q/91349-1"};
  for (int code = 0; code < 9; ++code) {
    static const char* const codes[] = {"91340-0", "91341-8", "91342-6", "91343-4", "91344-2",
                                        "91345-9", "91346-7", "91347-5", "91348-3"};
    in.link_ids.emplace_back(codes[code]);
  }
  ScoreDefinition total;
  total.name = "total";
  total.items = range(1, 9);
  total.minimum = 0;
  total.maximum = 9;
  total.loinc = "91351-7";
  ScoreDefinition psych;
  psych.name = "psychosocial";
  psych.items = range(5, 9);
  psych.minimum = 0;
  psych.maximum = 5;
  psych.loinc = "91350-9";
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

// HOOS (Nilsdotter et al., BMC Musculoskelet Disord 4:10, 2003; koos.nu scoring instructions, June 2013):
// 40 items 0-4 in five subscales, each 100 - 25 * mean of its answered items (100 = no problems). 2013 rule: at
// least half of a subscale's items answered; the earlier rule allowed 2 missing per subscale. No total score.
Instrument hoos() {
  Instrument in;
  in.id = "hoos";
  in.title = "Hip disability and Osteoarthritis Outcome Score";
  in.version = "HOOS (40 items), scoring instructions 2013";
  in.citation = "Nilsdotter AK, Lohmander LS, Klassbo M, Roos EM. BMC Musculoskelet Disord 2003;4:10";
  in.licence = "koos.nu instrument, generally free to use (terms for commercial software not verified); no item "
               "wording is shipped";
  in.direction = Direction::higher_is_better;
  in.item_ranges.assign(40, {0, 4});
  struct Sub {
    const char* name;
    const char* prefix;
    int first, count, max_missing_2013;
  };
  const Sub subs[] = {{"symptoms", "S", 1, 5, 2},
                      {"pain", "P", 6, 10, 5},
                      {"adl", "A", 16, 17, 8},
                      {"sport_recreation", "SP", 33, 4, 2},
                      {"qol", "Q", 37, 4, 2}};
  for (const auto& sub : subs) {
    ScoreDefinition d;
    d.name = sub.name;
    d.items = range(sub.first, sub.first + sub.count - 1);
    d.transform = Transform::inverted_percent_of_mean;
    d.missing = {"hoos2013", static_cast<std::size_t>(sub.max_missing_2013), false};
    d.minimum = 0;
    d.maximum = 100;
    in.scores.push_back(d);
    in.missing_policies["hoos2003"][sub.name] = {"hoos2003", 2, false};
    for (int k = 1; k <= sub.count; ++k) in.link_ids.push_back(sub.prefix + std::to_string(k));
  }
  in.default_missing_policy = "hoos2013";
  return in;
}

// painDETECT (Freynhagen et al., Curr Med Res Opin 22:1911, 2006): seven sensory items 0-5 (sum 0-35), the
// pain-course pattern (item 8) and radiating pain (item 9: no 0 / yes 1, scoring 0 / 2); total -1 to 38;
// <= 12 negative, 13-18 unclear, >= 19 positive. Item 8 is entered as the points of the chosen pattern (-1, 0
// or +1, the range forced by the published total): the pictogram-to-points map is not encoded, as it could
// not be confirmed from a primary source. Pain ratings now / strongest / average (NRS 0-10) are recorded only.
Instrument paindetect() {
  Instrument in;
  in.id = "paindetect";
  in.title = "painDETECT questionnaire";
  in.version = "PD-Q (9 scored items)";
  in.citation = "Freynhagen R, Baron R, Gockel U, Tolle TR. Curr Med Res Opin 2006;22(10):1911-1920";
  in.licence = "Copyright Pfizer; licensing reported through Mapi Research Trust (not verified); no item wording "
               "is shipped";
  in.item_ranges.assign(7, {0, 5});
  in.item_ranges.push_back({-1, 1});
  in.item_ranges.push_back({0, 1});
  in.recode[9] = {0, 2};
  ScoreDefinition total;
  total.name = "total";
  total.items = range(1, 9);
  total.minimum = -1;
  total.maximum = 38;
  total.bands = {{"negative", -1, 12, true, true}, {"unclear", 12, 19, false, false}, {"positive", 19, 38, true, true}};
  ScoreDefinition sensory;
  sensory.name = "sensory";
  sensory.items = range(1, 7);
  sensory.minimum = 0;
  sensory.maximum = 35;
  in.scores = {total, sensory};
  in.recorded = {{"pain_now", 0, 10}, {"pain_strongest_4_weeks", 0, 10}, {"pain_average_4_weeks", 0, 10}};
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
    case Transform::percent_of_answered:
      out.value = 100.0 * sum / max_answered;
      out.prorated = missing > 0;
      break;
    case Transform::inverted_percent_of_mean:
      out.value = 100.0 - 100.0 * sum / max_answered;
      out.prorated = missing > 0;
      break;
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

void check_rule_names(const Instrument& in, const std::map<std::string, MissingRule>& missing_rules) {
  for (const auto& [name, rule] : missing_rules)
    if (std::none_of(in.scores.begin(), in.scores.end(), [&n = name](const auto& d) { return d.name == n; }))
      detail::fail("missing", in.id + " has no score '" + name + "'");
}

}  // namespace

std::string Instrument::link_id(std::size_t item_index) const {
  return item_index < link_ids.size() ? link_ids[item_index] : std::to_string(item_index + 1);
}

const ScoreValue& ScoreResult::score(const std::string& name) const {
  for (const auto& s : scores)
    if (s.name == name) return s;
  detail::fail("name", "no score '" + name + "' in " + instrument);
}

const std::vector<Instrument>& instruments() {
  static const std::vector<Instrument> all = [] {
    std::vector<Instrument> v = {csi(), odi(), rmdq(), start_back(), pcs(), tsk17(), tsk11(), hoos(), paindetect()};
    for (auto& in : v)
      if (in.questionnaire_urls.empty()) in.questionnaire_urls = {"https://kinemyo.org/fhir/Questionnaire/" + in.id};
    return v;
  }();
  return all;
}

const Instrument& instrument(const std::string& id) {
  for (const auto& in : instruments())
    if (in.id == id) return in;
  std::string known;
  for (const auto& in : instruments()) known += (known.empty() ? "" : ", ") + in.id;
  detail::fail("instrument", "unknown id '" + id + "' (known: " + known + ")");
}

std::map<std::string, MissingRule> missing_policy(const Instrument& in, const std::string& name) {
  if (name == in.default_missing_policy) {
    std::map<std::string, MissingRule> rules;
    for (const auto& def : in.scores) rules[def.name] = def.missing;
    return rules;
  }
  const auto it = in.missing_policies.find(name);
  if (it == in.missing_policies.end()) {
    std::string known = in.default_missing_policy;
    for (const auto& [k, v] : in.missing_policies) known += ", " + k;
    detail::fail("missing", in.id + " has no missing-data policy '" + name + "' (known: " + known + ")");
  }
  return it->second;
}

ScoreResult score(const Instrument& in, std::span<const std::optional<int>> answers,
                  const std::map<std::string, MissingRule>& missing_rules, const std::map<std::string, int>& recorded) {
  check_answers(in, answers);
  ScoreResult r;
  r.instrument = in.id;
  for (const auto& [name, value] : recorded) {
    const auto field = std::find_if(in.recorded.begin(), in.recorded.end(), [&n = name](const auto& f) { return f.name == n; });
    if (field == in.recorded.end())
      detail::fail(name, "not a recorded (unscored) field of " + in.id);
    if (value < field->lo || value > field->hi)
      detail::fail(name, "must be an integer in [" + std::to_string(field->lo) + ", " + std::to_string(field->hi) +
                             "], got " + std::to_string(value));
  }
  r.recorded = recorded;
  check_rule_names(in, missing_rules);
  for (const auto& def : in.scores) {
    const auto it = missing_rules.find(def.name);
    const MissingRule& rule = it == missing_rules.end() ? def.missing : it->second;
    r.scores.push_back(compute(in, def, answers, rule));
    const auto& v = r.scores.back();
    if (!v.prorated) continue;
    const std::string counts = std::to_string(v.n_answered) + " of " + std::to_string(v.n_items) + " items";
    r.warnings.push_back(def.transform == Transform::sum
                             ? def.name + " prorated from " + counts + " (not a developer rule)"
                             : def.name + " scored from the " + counts + " answered (rule '" + rule.name + "')");
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

Change change(const Instrument& in, const std::string& score, double before, double after, double mic) {
  if (std::none_of(in.scores.begin(), in.scores.end(), [&](const auto& d) { return d.name == score; }))
    detail::fail("score", in.id + " has no score '" + score + "'");
  if (!(mic > 0.0) || !std::isfinite(mic)) detail::fail("mic", "must be a positive finite number, got " + detail::num(mic));
  Change c{score, before, after, after - before, mic, ""};
  if (!std::isfinite(before) || !std::isfinite(after)) {
    c.delta = std::numeric_limits<double>::quiet_NaN();
    c.status = "not computable";
  } else if (std::abs(c.delta) < mic) {
    c.status = "no important change";
  } else {
    const bool better = in.direction == Direction::higher_is_worse ? c.delta < 0 : c.delta > 0;
    c.status = better ? "improved" : "worsened";
  }
  return c;
}

Change change(const Instrument& in, const ScoreResult& before, const ScoreResult& after, const std::string& score,
              double mic) {
  if (before.instrument != in.id || after.instrument != in.id)
    detail::fail("before", "both results must be of " + in.id + ", got " + before.instrument + " and " + after.instrument);
  return change(in, score, before.score(score).value, after.score(score).value, mic);
}

std::vector<double> score_matrix(const Instrument& in, std::span<const double> answers, std::size_t n_rows,
                                 const std::map<std::string, MissingRule>& missing_rules) {
  const std::size_t n_items = in.item_ranges.size();
  if (answers.size() != n_rows * n_items)
    detail::fail("answers", "expected " + std::to_string(n_rows) + " x " + std::to_string(n_items) + " values");
  check_rule_names(in, missing_rules);
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
      // Range-checked before the cast: a float beyond int is undefined behaviour, and no item scale comes near.
      if (std::fabs(v) > 1e6)
        detail::fail("row " + std::to_string(r) + ", item " + std::to_string(i + 1),
                     "answer out of range, got " + detail::num(v));
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
