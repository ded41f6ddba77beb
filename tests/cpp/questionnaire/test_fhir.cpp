#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "kinemyo/questionnaire/fhir.hpp"

namespace q = kinemyo::questionnaire;
using nlohmann::json;

namespace {
// A QuestionnaireResponse answering items by linkId, mixing the answer encodings FHIR allows.
json response(const std::string& url, const std::vector<std::pair<std::string, json>>& items) {
  json r = {{"resourceType", "QuestionnaireResponse"}, {"id", "qr-1"}, {"status", "completed"},
            {"questionnaire", url}, {"authored", "2026-11-24T10:00:00Z"},
            {"subject", {{"reference", "Patient/p-7"}}}};
  r["item"] = json::array();
  for (const auto& [link, answer] : items) {
    json it = {{"linkId", link}};
    if (!answer.is_null()) it["answer"] = json::array({answer});
    r["item"].push_back(it);
  }
  return r;
}
json ordinal(int v) {
  return {{"valueCoding",
           {{"system", "http://loinc.org"}, {"code", "LA-x"},
            {"extension", json::array({{{"url", "http://hl7.org/fhir/StructureDefinition/ordinalValue"},
                                        {"valueDecimal", v}}})}}}};
}
}  // namespace

TEST(QuestionnaireFhir, OdiRoundTripWithOneSectionMissing) {
  // ODI by LOINC, sections as valueCoding ordinals, section 8 present but unanswered: 16 of 45.
  const int v[] = {2, 2, 2, 2, 2, 2, 1, -1, 2, 1};
  std::vector<std::pair<std::string, json>> items;
  for (int i = 0; i < 10; ++i) items.emplace_back(std::to_string(i + 1), v[i] < 0 ? json() : ordinal(v[i]));
  const auto parsed = q::read_questionnaire_response(response("http://loinc.org/q/97908-8|2.1a", items).dump(), "odi");
  EXPECT_EQ(parsed.instrument, "odi");
  EXPECT_FALSE(parsed.answers[7].has_value());
  const auto result = q::score(q::instrument("odi"), parsed.answers);
  const json obs = json::parse(q::to_observation(result, parsed));
  EXPECT_EQ(obs["resourceType"], "Observation");
  EXPECT_EQ(obs["code"]["coding"][0]["code"], "97908-8");
  EXPECT_EQ(obs["subject"]["reference"], "Patient/p-7");
  EXPECT_EQ(obs["derivedFrom"][0]["reference"], "QuestionnaireResponse/qr-1");
  EXPECT_EQ(obs["component"][0]["code"]["coding"][0]["code"], "97909-6");
  EXPECT_DOUBLE_EQ(obs["component"][0]["valueQuantity"]["value"].get<double>(), 100.0 * 16.0 / 45.0);
  EXPECT_EQ(obs["component"][0]["interpretation"][0]["text"], "moderate disability");
}

TEST(QuestionnaireFhir, CsiAnswerEncodingsGroupsPartBAndNotComputable) {
  json r = response("https://kinemyo.org/fhir/Questionnaire/csi", {});
  json group = {{"linkId", "part-a"}, {"item", json::array()}};
  const int a[] = {0, 1, 4, 2, 2, 3, 3, 0, 0, 0, 0, 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 0, 3, 4, 4};
  for (int i = 0; i < 25; ++i)
    group["item"].push_back({{"linkId", std::to_string(i + 1)},
                             {"answer", json::array({i % 3 == 0 ? ordinal(a[i])
                                                                : (i % 3 == 1 ? json{{"valueInteger", a[i]}}
                                                                              : json{{"valueDecimal", a[i] * 1.0}})})}});
  r["item"].push_back(group);
  r["item"].push_back({{"linkId", "part_b_migraine_or_tension_headaches"}, {"answer", json::array({{{"valueBoolean", true}}})}});
  const auto parsed = q::read_questionnaire_response(r.dump());
  EXPECT_EQ(parsed.recorded.at("part_b_migraine_or_tension_headaches"), 1);
  const auto result = q::score(q::instrument("csi"), parsed.answers, {}, parsed.recorded);
  EXPECT_DOUBLE_EQ(result.score("total").value, 49.0);
  const json obs = json::parse(q::to_observation(result, parsed));
  EXPECT_EQ(obs["code"]["coding"][0]["system"], q::kLocalCodeSystem);
  EXPECT_DOUBLE_EQ(obs["component"][0]["valueQuantity"]["value"].get<double>(), 49.0);
  EXPECT_EQ(obs["component"][1]["valueBoolean"], true);  // neblett2013 cut-off
  // One answer removed -> strict rule: not computable, written as a dataAbsentReason with the reason.
  r["item"][0]["item"][4].erase("answer");
  const auto missing = q::read_questionnaire_response(r.dump(), "csi");
  const auto not_computable = q::score(q::instrument("csi"), missing.answers);
  const json obs2 = json::parse(q::to_observation(not_computable, missing));
  EXPECT_FALSE(obs2["component"][0].contains("valueQuantity"));
  EXPECT_NE(obs2["component"][0]["dataAbsentReason"]["text"].get<std::string>().find("1 of 25 items missing"),
            std::string::npos);
}

TEST(QuestionnaireFhir, StartBackByLoincLinkIdsClassifies) {
  const char* codes[] = {"91340-0", "91341-8", "91342-6", "91343-4", "91344-2", "91345-9", "91346-7", "91347-5", "91348-3"};
  const int v[] = {0, 0, 0, 0, 1, 1, 1, 0, 3};
  std::vector<std::pair<std::string, json>> items;
  for (int i = 0; i < 9; ++i) items.emplace_back(codes[i], json{{"valueInteger", v[i]}});
  const auto parsed = q::read_questionnaire_response(response("http://loinc.org/q/91349-1", items).dump());
  const auto result = q::score(q::instrument("start_back"), parsed.answers);
  EXPECT_EQ(result.classification, "high");
  const json obs = json::parse(q::to_observation(result, parsed));
  EXPECT_EQ(obs["component"].back()["valueString"], "high");
}

TEST(QuestionnaireFhir, ErrorsAreClearAndNamed) {
  const auto expect_error = [](const std::string& text, const std::string& id, const std::string& needle) {
    try {
      q::read_questionnaire_response(text, id);
      ADD_FAILURE() << "no error for " << needle;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  expect_error("{\"resourceType\": \"QuestionnaireResponse\", ", "", "json");
  expect_error(R"({"resourceType": "Patient"})", "", "resourceType");
  const json odi = response("http://loinc.org/q/97908-8", {{"1", json{{"valueInteger", 2}}}});
  expect_error(odi.dump(), "csi", "is for odi, not csi");
  expect_error(response("http://example.org/Questionnaire/phq9", {}).dump(), "", "phq9");
  expect_error(response("http://loinc.org/q/97908-8", {{"11", json{{"valueInteger", 2}}}}).dump(), "", "item 11");
  expect_error(response("http://loinc.org/q/97908-8", {{"2", json{{"valueDecimal", 2.5}}}}).dump(), "", "item 2");
  expect_error(response("http://loinc.org/q/97908-8", {{"2", json{{"valueString", "two"}}}}).dump(), "", "item 2");
  expect_error(response("http://loinc.org/q/97908-8", {{"3", json{{"valueInteger", 1}}}, {"3", json{{"valueInteger", 2}}}})
                   .dump(),
               "", "item 3");
  // Range checks belong to score(): a parsed 6 on ODI names the item there.
  const auto parsed = q::read_questionnaire_response(
      response("http://loinc.org/q/97908-8", {{"4", json{{"valueInteger", 6}}}}).dump(), "odi");
  EXPECT_THROW(q::score(q::instrument("odi"), parsed.answers), std::invalid_argument);
}

// Hostile documents: deep nesting is refused with the parameter named (no stack overflow), integers that do not fit
// are refused (no wrap-around to a plausible answer), and items nested under an answer are read.
TEST(QuestionnaireFhir, DeepNestingHugeIntegersAndItemsUnderAnswers) {
  auto expect_message = [](const std::string& text, const std::string& what) {
    try {
      q::read_questionnaire_response(text, "odi");
      ADD_FAILURE() << "no exception for " << what;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    }
  };
  // 30 000 nested item groups (about 720 kB) and 100 000 nested arrays under subject.
  std::string deep = R"({"resourceType": "QuestionnaireResponse", "questionnaire": "http://loinc.org/q/97908-8", "item": )";
  for (int i = 0; i < 30000; ++i) deep += R"([{"linkId": "g", "item": )";
  deep += "[]";
  for (int i = 0; i < 30000; ++i) deep += "}]";
  deep += "}";
  expect_message(deep, "nested deeper than 64 levels");
  std::string arrays = R"({"resourceType": "QuestionnaireResponse", "questionnaire": "http://loinc.org/q/97908-8", "subject": )";
  arrays += std::string(100000, '[') + std::string(100000, ']') + "}";
  expect_message(arrays, "nested deeper than 64 levels");

  std::vector<std::pair<std::string, json>> items;
  for (int i = 1; i <= 10; ++i) items.emplace_back(std::to_string(i), json{{"valueInteger", 2}});
  items[0].second = json{{"valueInteger", 4294967301LL}};  // 2^32 + 5 used to be read as 5
  expect_message(response("http://loinc.org/q/97908-8", items).dump(), "item 1: integer 4294967301 is out of range");
  items[0].second = json{{"valueInteger", -4294967291LL}};
  expect_message(response("http://loinc.org/q/97908-8", items).dump(), "out of range");

  // Item 10 nested under item 9's answer (FHIR allows it): all ten answered, 20 of 50.
  items[0].second = json{{"valueInteger", 2}};
  json r = response("http://loinc.org/q/97908-8", items);
  r["item"].erase(9);
  r["item"][8]["answer"][0]["item"] = json::array({{{"linkId", "10"}, {"answer", json::array({{{"valueInteger", 2}}})}}});
  const auto parsed = q::read_questionnaire_response(r.dump(), "odi");
  ASSERT_EQ(parsed.answers.size(), 10u);
  for (const auto& a : parsed.answers) EXPECT_EQ(a, 2);
}

// Found by tests/fuzz/fuzz_fhir: a non-string resourceType, id, status, authored or extension url, and an extension
// entry that is not an object, escaped as nlohmann::json::type_error instead of the documented std::invalid_argument.
TEST(QuestionnaireFhir, WrongJsonTypesAreInvalidArgument) {
  const std::string odi = R"({"resourceType": "QuestionnaireResponse", "questionnaire": "http://loinc.org/q/97908-8", )";
  const auto coding = [&](const std::string& extension) {
    return odi + R"("item": [{"linkId": "1", "answer": [{"valueCoding": {"extension": [)" + extension + "]}}]}]}";
  };
  const std::pair<std::string, std::string> bad[] = {
      {R"({"resourceType": 1})", "resourceType"},
      {R"({"resourceType": ["QuestionnaireResponse"]})", "resourceType"},
      {odi + R"("id": 5})", "id: must be a string"},
      {odi + R"("status": ["completed"]})", "status: must be a string"},
      {odi + R"("authored": {}})", "authored: must be a string"},
      {odi + R"("status": null})", "status"},
      {coding("1"), "item 1: extension entries must be objects"},
      {coding(R"({"url": 2, "valueInteger": 1})"), "item 1 extension url: must be a string"}};
  for (const auto& [text, needle] : bad) {
    try {
      (void)q::read_questionnaire_response(text);
      ADD_FAILURE() << "accepted " << text;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "not std::invalid_argument for " << text << ": " << e.what();
    }
  }
}
