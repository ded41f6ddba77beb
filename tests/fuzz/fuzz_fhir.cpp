// libFuzzer harness for the FHIR QuestionnaireResponse reader (kinemyo/questionnaire/fhir.hpp).
// The input is the JSON text. std::invalid_argument is the reader's documented error (and score()'s, for an
// answer outside its item's set); anything else — a crash, a sanitizer report, another exception, a leak — is a
// finding. On success the parse is checked for consistency, scored, and written back as an Observation.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "kinemyo/questionnaire/fhir.hpp"
#include "kinemyo/questionnaire/instrument.hpp"

namespace q = kinemyo::questionnaire;

namespace {

[[noreturn]] void finding(const std::string& what) {
  std::fprintf(stderr, "fuzz_fhir: invariant broken: %s\n", what.c_str());
  std::abort();
}

bool same(const q::ParsedResponse& a, const q::ParsedResponse& b) {
  return a.instrument == b.instrument && a.answers == b.answers && a.recorded == b.recorded && a.id == b.id &&
         a.status == b.status && a.authored == b.authored && a.subject_json == b.subject_json &&
         a.warnings == b.warnings;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  q::ParsedResponse parsed;
  try {
    parsed = q::read_questionnaire_response(text);
  } catch (const std::invalid_argument&) {
    return 0;
  }

  const q::Instrument& in = q::instrument(parsed.instrument);  // must name a built-in instrument
  if (parsed.answers.size() != in.item_ranges.size()) finding("answers do not match the instrument's item count");
  for (const auto& [name, value] : parsed.recorded) {
    bool known = false;
    for (const auto& f : in.recorded) known = known || f.name == name;
    if (!known) finding("recorded field '" + name + "' is not one of the instrument's");
  }
  // Naming the instrument gives the same result; naming another one is the documented error.
  if (!same(parsed, q::read_questionnaire_response(text, parsed.instrument)))
    finding("reading with instrument_id changed the result");
  const std::string other = parsed.instrument == "odi" ? "csi" : "odi";
  try {
    (void)q::read_questionnaire_response(text, other);
    finding("a response for " + parsed.instrument + " was accepted as " + other);
  } catch (const std::invalid_argument&) {
  }

  q::ScoreResult result;
  try {
    result = q::score(in, parsed.answers, {}, parsed.recorded);
  } catch (const std::invalid_argument&) {
    return 0;  // an answer outside its item's set
  }
  for (const auto& s : result.scores) {
    if (s.computable && !std::isfinite(s.value)) finding("computable score '" + s.name + "' is not finite");
    if (!s.computable && (!std::isnan(s.value) || s.reason.empty()))
      finding("score '" + s.name + "' not computable without NaN and a reason");
    if (s.computable) {
      const auto& def = in.scores.at(static_cast<std::size_t>(&s - result.scores.data()));
      if (s.value < def.minimum - 1e-9 || s.value > def.maximum + 1e-9)
        finding("score '" + s.name + "' outside its range");
    }
  }

  // The Observation written from it is JSON of its own kind, with the subject carried over unchanged.
  const nlohmann::json obs = nlohmann::json::parse(q::to_observation(result, parsed));
  if (obs.at("resourceType") != "Observation") finding("to_observation wrote no Observation");
  if (!parsed.subject_json.empty() && obs.at("subject").dump() != parsed.subject_json)
    finding("subject changed on the way to the Observation");
  return 0;
}
