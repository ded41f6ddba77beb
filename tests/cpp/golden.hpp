#pragma once
// Reader for the golden vectors written by tests/golden/generate.py (see its docstring for the format).

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cmath>
#include <cstddef>
#include <fstream>
#include <map>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace kinemyo::test {

struct GoldenField {
  std::vector<std::size_t> shape;
  std::vector<double> values;
  std::string text;
  [[nodiscard]] double scalar() const {
    if (values.size() != 1) throw std::runtime_error("golden field is not a scalar");
    return values[0];
  }
};

struct GoldenCase {
  std::string id;
  std::map<std::string, GoldenField> fields;
  [[nodiscard]] const GoldenField& at(const std::string& name) const {
    auto it = fields.find(name);
    if (it == fields.end()) throw std::runtime_error("golden case " + id + " has no field " + name);
    return it->second;
  }
};

inline std::string data_dir() { return KINEMYO_TEST_DATA_DIR; }

// Cases in file order.
inline std::vector<GoldenCase> load_golden(const std::string& name) {
  const std::string path = data_dir() + "/golden/" + name + ".txt";
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path + " (run tests/golden/generate.py)");
  std::vector<GoldenCase> cases;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ss(line);
    std::string id, field, type;
    ss >> id >> field >> type;
    if (cases.empty() || cases.back().id != id) cases.push_back(GoldenCase{id, {}});
    GoldenField f;
    if (type == "str") {
      ss >> f.text;
    } else {
      std::size_t ndim = 0;
      ss >> ndim;
      std::size_t count = 1;
      for (std::size_t i = 0; i < ndim; ++i) {
        std::size_t d = 0;
        ss >> d;
        f.shape.push_back(d);
        count *= d;
      }
      f.values.resize(count);
      for (auto& v : f.values) {
        std::string tok;
        ss >> tok;
        v = std::stod(tok);  // accepts nan/inf spellings too
      }
      if (!ss) throw std::runtime_error("truncated golden line for " + id + " " + field);
    }
    cases.back().fields.emplace(field, std::move(f));
  }
  if (cases.empty()) throw std::runtime_error(path + " holds no cases");
  return cases;
}

inline bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

// Keeps a measured error in the test's XML output (--gtest_output=xml).
inline void record_error(const std::string& case_id, double err) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", err);
  ::testing::Test::RecordProperty(case_id, buf);
}

// Calls a batch function that writes into a caller-provided y of x's size, and returns y.
template <class T, class F>
std::vector<T> into(const std::vector<T>& x, F&& f) {
  std::vector<T> y(x.size());
  f(std::span<const T>(x), std::span<T>(y));
  return y;
}

// max |a - b| over all elements divided by max |b| (a scale-aware relative error).
inline double max_rel_error(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return 1e300;
  double num = 0.0, den = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    num = std::max(num, std::abs(a[i] - b[i]));
    den = std::max(den, std::abs(b[i]));
  }
  return den == 0.0 ? num : num / den;
}

}  // namespace kinemyo::test
