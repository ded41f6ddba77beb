#include "kinemyo/questionnaire/fhir.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "dsp/check.hpp"
#include "json_limits.hpp"

namespace kinemyo::questionnaire {
namespace {

using nlohmann::json;

constexpr const char* kOrdinalValue = "http://hl7.org/fhir/StructureDefinition/ordinalValue";  // R4
constexpr const char* kItemWeight = "http://hl7.org/fhir/StructureDefinition/itemWeight";      // R5

std::string strip_version(const std::string& url) { return url.substr(0, url.find('|')); }

// An optional string member: empty when absent, an error naming `where` when it is not a string.
std::string string_member(const json& object, const char* key, const std::string& where) {
  if (!object.contains(key)) return {};
  if (!object[key].is_string()) detail::fail(where, std::string("must be a string, got ") + object[key].type_name());
  return object[key].get<std::string>();
}

const Instrument& instrument_for(const std::string& url) {
  for (const auto& in : instruments())
    for (const auto& u : in.questionnaire_urls)
      if (u == url) return in;
  detail::fail("questionnaire", "'" + url + "' is not a questionnaire kinemyo scores");
}

int integral(double v, const std::string& link_id) {
  if (!std::isfinite(v) || v != std::floor(v) || std::abs(v) > 1e6)
    detail::fail("item " + link_id, "answer must be an integer, got " + detail::num(v));
  return static_cast<int>(v);
}

// The integer value of one answer[] entry.
int answer_value(const json& a, const std::string& link_id) {
  if (!a.is_object()) detail::fail("item " + link_id, "answer entries must be objects");
  if (a.contains("valueInteger") && a["valueInteger"].is_number_integer())
    return detail::checked_int(a["valueInteger"], "item " + link_id);
  if (a.contains("valueBoolean") && a["valueBoolean"].is_boolean()) return a["valueBoolean"].get<bool>() ? 1 : 0;
  if (a.contains("valueDecimal") && a["valueDecimal"].is_number()) return integral(a["valueDecimal"].get<double>(), link_id);
  if (a.contains("valueCoding") && a["valueCoding"].is_object()) {
    const json& coding = a["valueCoding"];
    if (coding.contains("extension") && coding["extension"].is_array())
      for (const auto& ext : coding["extension"]) {
        if (!ext.is_object()) detail::fail("item " + link_id, "extension entries must be objects");
        const auto url = string_member(ext, "url", "item " + link_id + " extension url");
        if (url != kOrdinalValue && url != kItemWeight) continue;
        if (ext.contains("valueDecimal") && ext["valueDecimal"].is_number())
          return integral(ext["valueDecimal"].get<double>(), link_id);
        if (ext.contains("valueInteger") && ext["valueInteger"].is_number_integer())
          return detail::checked_int(ext["valueInteger"], "item " + link_id);
      }
    detail::fail("item " + link_id, "valueCoding without an ordinalValue or itemWeight extension cannot be scored");
  }
  detail::fail("item " + link_id, "answer needs valueInteger, valueCoding with an ordinal value, valueBoolean or "
                                  "an integral valueDecimal");
}

void collect(const json& items, std::map<std::string, std::optional<int>>& out) {
  if (!items.is_array()) detail::fail("item", "must be an array");
  for (const auto& item : items) {
    if (!item.is_object() || !item.contains("linkId") || !item["linkId"].is_string())
      detail::fail("item", "every item needs a string linkId");
    const auto link_id = item["linkId"].get<std::string>();
    if (item.contains("item")) collect(item["item"], out);  // a group
    if (!item.contains("answer")) {
      if (!item.contains("item")) {
        if (out.count(link_id)) detail::fail("item " + link_id, "linkId appears more than once");
        out[link_id] = std::nullopt;  // present without an answer: missing
      }
      continue;
    }
    const json& answers = item["answer"];
    if (!answers.is_array()) detail::fail("item " + link_id, "answer must be an array");
    for (const auto& a : answers)  // FHIR allows items nested under an answer
      if (a.is_object() && a.contains("item")) collect(a["item"], out);
    if (answers.size() > 1) detail::fail("item " + link_id, "has " + std::to_string(answers.size()) + " answers, expected one");
    if (out.count(link_id)) detail::fail("item " + link_id, "linkId appears more than once");
    out[link_id] = answers.empty() ? std::nullopt : std::optional<int>(answer_value(answers[0], link_id));
  }
}

json coding(const std::string& system, const std::string& code, const std::string& display) {
  return json{{"coding", json::array({json{{"system", system}, {"code", code}, {"display", display}}})}, {"text", display}};
}

}  // namespace

ParsedResponse read_questionnaire_response(std::string_view text, const std::string& instrument_id) {
  const json doc = detail::parse_json_bounded(text, "json");
  if (!doc.is_object() || !doc.contains("resourceType") || doc["resourceType"] != "QuestionnaireResponse")
    detail::fail("resourceType", "expected a QuestionnaireResponse");
  if (!doc.contains("questionnaire") || !doc["questionnaire"].is_string())
    detail::fail("questionnaire", "the response names no questionnaire");
  const Instrument& in = instrument_for(strip_version(doc["questionnaire"].get<std::string>()));
  if (!instrument_id.empty() && instrument_id != in.id)
    detail::fail("questionnaire", "the response is for " + in.id + ", not " + instrument_id);

  ParsedResponse r;
  r.instrument = in.id;
  r.id = string_member(doc, "id", "id");
  r.status = string_member(doc, "status", "status");
  r.authored = string_member(doc, "authored", "authored");
  if (doc.contains("subject")) r.subject_json = doc["subject"].dump();
  if (r.status != "completed" && r.status != "amended")
    r.warnings.push_back("response status is '" + r.status + "', not completed");

  std::map<std::string, std::optional<int>> by_link;
  if (doc.contains("item")) collect(doc["item"], by_link);
  r.answers.assign(in.item_ranges.size(), std::nullopt);
  std::vector<bool> seen(in.item_ranges.size(), false);
  for (const auto& [link_id, value] : by_link) {
    std::size_t index = in.item_ranges.size();
    for (std::size_t i = 0; i < in.item_ranges.size() && index == in.item_ranges.size(); ++i)
      if (link_id == in.link_id(i) || link_id == std::to_string(i + 1)) index = i;
    if (index < in.item_ranges.size()) {
      if (seen[index]) detail::fail("item " + link_id, "answers item " + std::to_string(index + 1) + " a second time");
      seen[index] = true;
      r.answers[index] = value;
      continue;
    }
    // (clang before 16 cannot capture a structured binding, hence the init-capture)
    const bool recorded = std::any_of(in.recorded.begin(), in.recorded.end(),
                                      [&link = link_id](const auto& f) { return f.name == link; });
    if (!recorded) detail::fail("item " + link_id, "unknown linkId for " + in.id);
    if (value) r.recorded[link_id] = *value;
  }
  return r;
}

std::string to_observation(const ScoreResult& result, const ParsedResponse& source) {
  const Instrument& in = instrument(result.instrument);
  if (source.instrument != result.instrument)
    detail::fail("source", "the response is for " + source.instrument + ", the result for " + result.instrument);
  json obs;
  obs["resourceType"] = "Observation";
  obs["status"] = "final";
  obs["category"] = json::array(
      {coding("http://terminology.hl7.org/CodeSystem/observation-category", "survey", "Survey")});
  obs["code"] = in.loinc.empty() ? coding(kLocalCodeSystem, in.id, in.title) : coding("http://loinc.org", in.loinc, in.title);
  if (!source.subject_json.empty()) obs["subject"] = detail::parse_json_bounded(source.subject_json, "subject");
  if (!source.authored.empty()) obs["effectiveDateTime"] = source.authored;
  if (!source.id.empty()) obs["derivedFrom"] = json::array({json{{"reference", "QuestionnaireResponse/" + source.id}}});
  obs["method"] = json{{"text", in.title + " " + in.version + "; " + in.citation}};
  json components = json::array();
  for (std::size_t k = 0; k < result.scores.size(); ++k) {
    const ScoreValue& v = result.scores[k];
    const ScoreDefinition& def = in.scores.at(k);
    json c;
    c["code"] = def.loinc.empty() ? coding(kLocalCodeSystem, in.id + "-" + v.name, in.title + " " + v.name)
                                  : coding("http://loinc.org", def.loinc, in.title + " " + v.name);
    if (v.computable) {
      c["valueQuantity"] = json{{"value", v.value}, {"unit", "{score}"}, {"system", "http://unitsofmeasure.org"},
                                {"code", "{score}"}};
      if (!v.band.empty()) c["interpretation"] = json::array({json{{"text", v.band}}});
    } else {
      c["dataAbsentReason"] = json{
          {"coding", json::array({json{{"system", "http://terminology.hl7.org/CodeSystem/data-absent-reason"},
                                       {"code", "unknown"}}})},
          {"text", "not computable: " + v.reason}};
    }
    components.push_back(c);
    if (!v.computable) continue;
    for (const auto& cut : def.cutoffs)
      components.push_back(json{{"code", coding(kLocalCodeSystem, in.id + "-" + v.name + "-" + cut.name,
                                                in.title + " " + v.name + " positive at cut-off " + cut.name)},
                                {"valueBoolean", v.cutoffs.at(cut.name)}});
  }
  if (!in.classification_name.empty() && !result.classification.empty())
    components.push_back(json{{"code", coding(kLocalCodeSystem, in.id + "-" + in.classification_name,
                                              in.title + " " + in.classification_name)},
                              {"valueString", result.classification}});
  obs["component"] = components;
  json notes = json::array();
  for (const auto& w : result.warnings) notes.push_back(json{{"text", w}});
  for (const auto& w : source.warnings) notes.push_back(json{{"text", w}});
  if (!notes.empty()) obs["note"] = notes;
  return obs.dump(2);
}

}  // namespace kinemyo::questionnaire
