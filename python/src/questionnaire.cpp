// Python bindings for kinemyo::questionnaire. kinemyo/questionnaire.py wraps them in dataclasses.
#include <pybind11/stl.h>

#include <cmath>

#include <kinemyo/questionnaire/fhir.hpp>
#include <kinemyo/questionnaire/instrument.hpp>

#include "common.hpp"

namespace kinemyo::python {
namespace {

using namespace kinemyo::questionnaire;

py::dict info(const Instrument& in) {
  py::dict d;
  d["id"] = in.id;
  d["title"] = in.title;
  d["version"] = in.version;
  d["citation"] = in.citation;
  d["licence"] = in.licence;
  d["direction"] = in.direction == Direction::higher_is_worse ? "higher_is_worse" : "higher_is_better";
  d["n_items"] = in.item_ranges.size();
  d["item_ranges"] = in.item_ranges;
  py::list scores;
  for (const auto& s : in.scores) {
    py::dict sd;
    sd["name"] = s.name;
    sd["items"] = s.items;
    sd["transform"] = s.transform == Transform::sum                   ? "sum"
                      : s.transform == Transform::percent_of_answered ? "percent_of_answered"
                                                                      : "inverted_percent_of_mean";
    sd["loinc"] = s.loinc;
    sd["missing_rule"] = py::dict(py::arg("name") = s.missing.name, py::arg("max_missing") = s.missing.max_missing,
                                  py::arg("prorate") = s.missing.prorate);
    sd["range"] = py::make_tuple(s.minimum, s.maximum);
    py::list bands;
    for (const auto& b : s.bands)
      bands.append(py::dict(py::arg("label") = b.label, py::arg("lower") = b.lower, py::arg("upper") = b.upper,
                            py::arg("lower_inclusive") = b.lower_inclusive,
                            py::arg("upper_inclusive") = b.upper_inclusive));
    sd["bands"] = bands;
    py::list cutoffs;
    for (const auto& c : s.cutoffs)
      cutoffs.append(py::dict(py::arg("name") = c.name, py::arg("threshold") = c.threshold,
                              py::arg("citation") = c.citation, py::arg("inclusive") = c.inclusive));
    sd["cutoffs"] = cutoffs;
    scores.append(sd);
  }
  d["scores"] = scores;
  d["classification"] = in.classification_name;
  py::list recorded;
  for (const auto& f : in.recorded)
    recorded.append(py::dict(py::arg("name") = f.name, py::arg("lo") = f.lo, py::arg("hi") = f.hi));
  d["recorded"] = recorded;
  std::vector<std::string> policies = {in.default_missing_policy};
  for (const auto& [name, rules] : in.missing_policies) policies.push_back(name);
  d["missing_policies"] = policies;
  d["questionnaire_urls"] = in.questionnaire_urls;
  std::vector<std::string> links;
  for (std::size_t i = 0; i < in.item_ranges.size(); ++i) links.push_back(in.link_id(i));
  d["link_ids"] = links;
  d["loinc"] = in.loinc;
  return d;
}

// None (published default), a policy name, or a dict of score name -> MissingRule.
std::map<std::string, MissingRule> rules(const Instrument& in, const py::object& obj) {
  std::map<std::string, MissingRule> out;
  if (obj.is_none()) return out;
  if (py::isinstance<py::str>(obj)) return missing_policy(in, obj.cast<std::string>());
  if (!py::isinstance<py::dict>(obj)) throw py::type_error("missing: expected None, a policy name or a dict");
  for (auto item : obj.cast<py::dict>()) out[item.first.cast<std::string>()] = item.second.cast<MissingRule>();
  return out;
}


py::dict value_dict(const ScoreValue& v) {
  py::dict d;
  d["name"] = v.name;
  d["value"] = v.value;
  d["computable"] = v.computable;
  d["reason"] = v.reason;
  d["n_items"] = v.n_items;
  d["n_answered"] = v.n_answered;
  d["prorated"] = v.prorated;
  d["band"] = v.band;
  d["cutoffs"] = v.cutoffs;
  return d;
}

py::tuple result_tuple(const ScoreResult& r) {
  py::list scores;
  for (const auto& v : r.scores) scores.append(value_dict(v));
  return py::make_tuple(scores, r.classification, r.warnings, r.recorded);
}

}  // namespace

void bind_questionnaire(py::module_& m) {
  py::class_<MissingRule>(m, "MissingRule", R"doc(
Missing-data rule of a score: computed when at most ``max_missing`` items are missing; with ``prorate`` a sum
is scaled by n_items / n_answered (and reported as prorated). Missing answers are never counted as 0.
)doc")
      .def(py::init([](std::string name, std::size_t max_missing, bool prorate) {
             return MissingRule{std::move(name), max_missing, prorate};
           }),
           py::arg("name"), py::arg("max_missing"), py::arg("prorate") = false)
      .def_readonly("name", &MissingRule::name)
      .def_readonly("max_missing", &MissingRule::max_missing)
      .def_readonly("prorate", &MissingRule::prorate);

  m.def("instrument_ids", [] {
    std::vector<std::string> ids;
    for (const auto& in : instruments()) ids.push_back(in.id);
    return ids;
  });
  m.def("instrument_info", [](const std::string& id) { return info(instrument(id)); }, py::arg("id"),
        "The instrument's definition: items, response sets, scores, missing rules, bands, cut-offs, citation.");
  m.def("_score",
        [](const std::string& id, std::vector<std::optional<int>> answers, py::object missing,
           std::map<std::string, int> recorded) {
          const Instrument& in = instrument(id);
          return result_tuple(score(in, answers, rules(in, missing), recorded));
        },
        py::arg("id"), py::arg("answers"), py::arg("missing") = py::none(),
        py::arg("recorded") = std::map<std::string, int>{});
  m.def("_score_fhir",
        [](const std::string& json, const std::string& id, py::object missing) {
          const auto parsed = read_questionnaire_response(json, id);
          const Instrument& in = instrument(parsed.instrument);
          const auto r = score(in, parsed.answers, rules(in, missing), parsed.recorded);
          auto warnings = r.warnings;
          warnings.insert(warnings.end(), parsed.warnings.begin(), parsed.warnings.end());
          ScoreResult shown = r;
          shown.warnings = warnings;
          return py::make_tuple(parsed.instrument, result_tuple(shown), to_observation(r, parsed));
        },
        py::arg("json"), py::arg("id") = "", py::arg("missing") = py::none());
  m.def("_change",
        [](const std::string& id, const std::string& name, double before, double after, double mic) {
          const auto c = change(instrument(id), name, before, after, mic);
          return py::make_tuple(c.delta, c.status);
        },
        py::arg("id"), py::arg("score"), py::arg("before"), py::arg("after"), py::arg("mic"));
  m.def("_score_batch",
        [](const std::string& id, py::handle data_obj,
           py::object missing) {
          const Instrument& in = instrument(id);
          const auto data = real_array(data_obj, "answers");
          if (data.ndim() != 2 || static_cast<std::size_t>(data.shape(1)) != in.item_ranges.size())
            throw py::value_error("answers: expected shape (n_respondents, " + std::to_string(in.item_ranges.size()) +
                                  ") for " + id);
          const auto n = static_cast<std::size_t>(data.shape(0));
          const auto rule_map = rules(in, missing);
          std::vector<double> values;
          {
            py::gil_scoped_release nogil;
            values = score_matrix(in, std::span<const double>(data.data(), static_cast<std::size_t>(data.size())),
                                  n, rule_map);
          }
          const auto S = static_cast<py::ssize_t>(in.scores.size());
          return to_array(std::move(values), {static_cast<py::ssize_t>(n), S});
        },
        py::arg("id"), py::arg("answers"), py::arg("missing") = py::none());
}

}  // namespace kinemyo::python
