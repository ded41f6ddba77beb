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
  sum,                  ///< sum of the (recoded) answers
  percent_of_answered,  ///< 100 * sum / (item maximum * number answered), e.g. the Oswestry index
  inverted_percent_of_mean,  ///< 100 - 100 * mean(answered) / item maximum (0 worst, 100 best), e.g. HOOS
};

/// Missing answers are never 0. A score is computed when at most max_missing of its items are missing; with
/// prorate, a sum is scaled by n_items / n_answered (reported as prorated).
struct MissingRule {
  std::string name = "strict";
  std::size_t max_missing = 0;
  bool prorate = false;
};

/// A labelled interval of a score, each end open or closed.
struct Band {
  std::string label;
  double lower = 0.0;
  double upper = 0.0;
  bool lower_inclusive = true;
  bool upper_inclusive = true;
};

struct Cutoff {
  std::string name;       ///< e.g. "neblett2013"
  double threshold = 0.0; ///< positive when score >= threshold (or > threshold when not inclusive)
  std::string citation;
  bool inclusive = true;
};

struct ScoreDefinition {
  std::string name;             ///< "total", "psychosocial", ...
  std::vector<int> items;       ///< 1-based item numbers
  Transform transform = Transform::sum;
  MissingRule missing;
  double minimum = 0.0;         ///< range of the score, for validation and reporting
  double maximum = 0.0;
  std::vector<Band> bands;      ///< on the unrounded value
  std::vector<Cutoff> cutoffs;  ///< the first is the default
  std::string loinc;            ///< LOINC code of the score where one exists (FHIR Observation), else empty
};

/// Classification from several scores: the first rule whose conditions all hold gives the label.
struct Condition {
  std::string score;
  double at_most = 1e300;
  double at_least = -1e300;
};
struct ClassRule {
  std::string label;
  std::vector<Condition> all_of;
};

/// An answer that is stored and reported but never scored (CSI Part B diagnoses, painDETECT pain ratings).
struct RecordedField {
  std::string name;  ///< also its FHIR linkId
  int lo = 0;        ///< inclusive integer range
  int hi = 0;
};

struct Instrument {
  std::string id;        ///< "csi", "odi", ...
  std::string title;
  std::string version;
  std::string citation;
  std::string licence;   ///< licence / copyright status of the instrument (no wording is shipped)
  Direction direction = Direction::higher_is_worse;
  std::vector<std::pair<int, int>> item_ranges;  ///< per item, inclusive closed integer set [lo, hi]
  std::map<int, std::vector<int>> recode;        ///< item -> value mapped from answer lo .. hi (before scoring)
  std::vector<ScoreDefinition> scores;
  std::vector<ClassRule> classification;         ///< optional
  std::string classification_name;               ///< e.g. "risk"
  std::vector<RecordedField> recorded;           ///< unscored answers, validated and reported
  /// Alternative published missing-data policies by name (score name -> rule); the scores' own rules are the
  /// default policy, called `default_missing_policy`.
  std::map<std::string, std::map<std::string, MissingRule>> missing_policies;
  std::string default_missing_policy = "strict";
  /// FHIR: accepted Questionnaire canonical URLs (the first is written), item linkIds (empty: "1".."n"), and
  /// the LOINC code of the panel where one exists.
  std::vector<std::string> questionnaire_urls;
  std::vector<std::string> link_ids;
  std::string loinc;
  [[nodiscard]] std::string link_id(std::size_t item_index) const;  ///< 0-based index
};

struct ScoreValue {
  std::string name;
  double value = 0.0;        ///< unrounded; NaN when not computable
  bool computable = false;
  std::string reason;        ///< why not computable
  std::size_t n_items = 0;
  std::size_t n_answered = 0;
  bool prorated = false;
  std::string band;          ///< empty when none applies or not computable
  std::map<std::string, bool> cutoffs;  ///< cut-off name -> positive
};

struct ScoreResult {
  std::string instrument;
  std::vector<ScoreValue> scores;
  std::string classification;  ///< empty when not defined or not computable
  std::vector<std::string> warnings;
  std::map<std::string, int> recorded;  ///< unscored answers (RecordedField), as given
  [[nodiscard]] const ScoreValue& score(const std::string& name) const;
};

/// The built-in instruments (see their citations) and one by id (std::invalid_argument for an unknown id).
const std::vector<Instrument>& instruments();
const Instrument& instrument(const std::string& id);

/// The rules of a named missing-data policy of the instrument (its default policy gives the scores' own rules).
std::map<std::string, MissingRule> missing_policy(const Instrument& instrument, const std::string& name);

/// Scores one respondent. answers[i] is item i + 1; std::nullopt is missing. Throws std::invalid_argument naming the
/// item for a wrong count or an answer outside the item's set. `missing_rules` overrides a score's rule by name;
/// `recorded` holds unscored answers by RecordedField name (validated, reported in the result, never scored).
ScoreResult score(const Instrument& instrument, std::span<const std::optional<int>> answers,
                  const std::map<std::string, MissingRule>& missing_rules = {},
                  const std::map<std::string, int>& recorded = {});

/// Change between two administrations of one score, flagged against a minimal important change (MIC, in score
/// units, > 0; no default: published MICs depend on population and method). Improvement follows the instrument's
/// direction. status: "improved", "worsened", "no important change" (|delta| < mic) or "not computable".
struct Change {
  std::string score;
  double before = 0.0;
  double after = 0.0;
  double delta = 0.0;  ///< after - before (NaN when either is not computable)
  double mic = 0.0;
  std::string status;
};
Change change(const Instrument& instrument, const std::string& score, double before, double after, double mic);
Change change(const Instrument& instrument, const ScoreResult& before, const ScoreResult& after,
              const std::string& score, double mic);

/// Batch: rows x items as doubles (NaN = missing; other non-integers are an error naming row and item). Returns
/// rows x scores values (NaN where not computable), in the order of instrument.scores.
std::vector<double> score_matrix(const Instrument& instrument, std::span<const double> answers, std::size_t n_rows,
                                 const std::map<std::string, MissingRule>& missing_rules = {});

}  // namespace kinemyo::questionnaire
