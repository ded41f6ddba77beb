#pragma once
// FHIR R4 interoperability: read a QuestionnaireResponse into an instrument's answers, and write a score result as
// an Observation (http://hl7.org/fhir/R4/questionnaireresponse.html, observation.html). JSON in and out as text,
// so the public API carries no JSON library.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kinemyo/questionnaire/instrument.hpp"

namespace kinemyo::questionnaire {

struct ParsedResponse {
  std::string instrument;                       ///< instrument id
  std::vector<std::optional<int>> answers;      ///< item 1 first; nullopt = missing
  std::map<std::string, int> recorded;          ///< unscored fields present in the response
  std::string id;                               ///< QuestionnaireResponse.id (may be empty)
  std::string status;                           ///< QuestionnaireResponse.status
  std::string authored;                         ///< QuestionnaireResponse.authored (may be empty)
  std::string subject_json;                     ///< QuestionnaireResponse.subject as JSON (empty if absent)
  std::vector<std::string> warnings;            ///< e.g. status not "completed"
};

/// Parses a QuestionnaireResponse. The instrument comes from `questionnaire` (one of an instrument's
/// questionnaire_urls, any "|version" ignored); when `instrument_id` is given, a response for another
/// questionnaire is an error. Items are matched by linkId (the instrument's link_id or the item number) in any
/// nesting of groups; answers as valueInteger, valueCoding with the ordinalValue (R4) or itemWeight (R5)
/// extension, valueBoolean (1/0) or an integral valueDecimal. Throws std::invalid_argument for malformed JSON,
/// another resource type or questionnaire, an unknown or repeated linkId, several answers to one item, or a
/// non-integer answer (range checks are score()'s).
ParsedResponse read_questionnaire_response(std::string_view json, const std::string& instrument_id = "");

/// Writes `result` as an Observation (status final, category survey) derived from `source`: code = the
/// instrument's LOINC panel or a kinemyo code, one component per score (valueQuantity in {score}, or a
/// dataAbsentReason with the reason when not computable; band as interpretation text), one per cut-off decision
/// (valueBoolean) and the classification (valueString); warnings as notes.
std::string to_observation(const ScoreResult& result, const ParsedResponse& source);

/// The code system of kinemyo's local score codes ("<instrument>-<score>", ...), used where no LOINC code exists.
inline constexpr const char* kLocalCodeSystem = "https://kinemyo.org/fhir/CodeSystem/score";

}  // namespace kinemyo::questionnaire
