#pragma once
// Questionnaire scoring engine. An instrument is data: items with their closed response sets, optional recodes,
// scores (sum, or percent of the answered maximum) over item lists with a missing-data rule, interpretation
// bands, cut-offs and classification rules. One generic scorer serves every instrument. No item wording is held
// (several instruments are copyrighted): item numbers and scoring rules only.

#include <cstddef>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace kinemyo::questionnaire {

enum class Direction { higher_is_worse, higher_is_better };
enum class Transform {
  sum,                  // sum of the (recoded) answers
  percent_of_answered,  // 100 * sum / (item maximum * number answered), e.g. the Oswestry index
};

// Missing answers are never 0. A score is computed when at most max_missing of its items are missing; with
// prorate, a sum is scaled by n_items / n_answered (reported as prorated).
struct MissingRule {
  std::string name = "strict";
  std::size_t max_missing = 0;
  bool prorate = false;
};

// A labelled interval of a score, each end open or closed.
struct Band {
  std::string label;
  double lower = 0.0;
  double upper = 0.0;
  bool lower_inclusive = true;
  bool upper_inclusive = true;
};

struct Cutoff {
  std::string name;       // e.g. "neblett2013"
  double threshold = 0.0; // positive when score >= threshold (or > threshold when not inclusive)
  std::string citation;
  bool inclusive = true;
};

struct ScoreDefinition {
  std::string name;             // "total", "psychosocial", ...
  std::vector<int> items;       // 1-based item numbers
  Transform transform = Transform::sum;
  MissingRule missing;
  double minimum = 0.0;         // range of the score, for validation and reporting
  double maximum = 0.0;
  std::vector<Band> bands;      // on the unrounded value
  std::vector<Cutoff> cutoffs;  // the first is the default
};

// Classification from several scores: the first rule whose conditions all hold gives the label.
struct Condition {
  std::string score;
  double at_most = 1e300;
  double at_least = -1e300;
};
struct ClassRule {
  std::string label;
  std::vector<Condition> all_of;
};

struct Instrument {
  std::string id;        // "csi", "odi", ...
  std::string title;
  std::string version;
  std::string citation;
  std::string licence;   // licence / copyright status of the instrument (no wording is shipped)
  Direction direction = Direction::higher_is_worse;
  std::vector<std::pair<int, int>> item_ranges;  // per item, inclusive closed integer set [lo, hi]
  std::map<int, std::vector<int>> recode;        // item -> value mapped from answer lo .. hi (before scoring)
  std::vector<ScoreDefinition> scores;
  std::vector<ClassRule> classification;         // optional
  std::string classification_name;               // e.g. "risk"
};

struct ScoreValue {
  std::string name;
  double value = 0.0;        // unrounded; NaN when not computable
  bool computable = false;
  std::string reason;        // why not computable
  std::size_t n_items = 0;
  std::size_t n_answered = 0;
  bool prorated = false;
  std::string band;          // empty when none applies or not computable
  std::map<std::string, bool> cutoffs;  // cut-off name -> positive
};

struct ScoreResult {
  std::string instrument;
  std::vector<ScoreValue> scores;
  std::string classification;  // empty when not defined or not computable
  std::vector<std::string> warnings;
  [[nodiscard]] const ScoreValue& score(const std::string& name) const;
};

// The built-in instruments (see their citations) and one by id (std::invalid_argument for an unknown id).
const std::vector<Instrument>& instruments();
const Instrument& instrument(const std::string& id);

// Scores one respondent. answers[i] is item i + 1; std::nullopt is missing. Throws std::invalid_argument naming the
// item for a wrong count or an answer outside the item's set. `missing_rules` overrides a score's rule by name.
ScoreResult score(const Instrument& instrument, std::span<const std::optional<int>> answers,
                  const std::map<std::string, MissingRule>& missing_rules = {});

// Batch: rows x items as doubles (NaN = missing; other non-integers are an error naming row and item). Returns
// rows x scores values (NaN where not computable), in the order of instrument.scores.
std::vector<double> score_matrix(const Instrument& instrument, std::span<const double> answers, std::size_t n_rows,
                                 const std::map<std::string, MissingRule>& missing_rules = {});

}  // namespace kinemyo::questionnaire
