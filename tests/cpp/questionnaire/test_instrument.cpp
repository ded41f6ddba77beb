#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <stdexcept>

#include "kinemyo/questionnaire/instrument.hpp"

namespace q = kinemyo::questionnaire;

namespace {
std::vector<std::optional<int>> answers(std::initializer_list<int> v) {
  std::vector<std::optional<int>> a;
  for (int x : v) a.emplace_back(x);
  return a;
}
}  // namespace

TEST(Questionnaire, CsiWorkedExampleBandsAndCutoff) {
  // Published test data (sum checked by hand): 49, moderate, positive at the cut-off of 40.
  const auto a = answers({0, 1, 4, 2, 2, 3, 3, 0, 0, 0, 0, 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 0, 3, 4, 4});
  const auto r = q::score(q::instrument("csi"), a);
  const auto& t = r.score("total");
  EXPECT_TRUE(t.computable);
  EXPECT_DOUBLE_EQ(t.value, 49.0);
  EXPECT_EQ(t.band, "moderate");
  EXPECT_TRUE(t.cutoffs.at("neblett2013"));
  // Missing is never 0: strict by default, prorating only when asked (48 * 25 / 24 = 50: "severe").
  std::vector<std::optional<int>> b(25, 2);
  b[7] = std::nullopt;
  const auto strict = q::score(q::instrument("csi"), b);
  EXPECT_FALSE(strict.score("total").computable);
  EXPECT_TRUE(std::isnan(strict.score("total").value));
  const auto pro = q::score(q::instrument("csi"), b, {{"total", {"prorate_max_2", 2, true}}});
  EXPECT_DOUBLE_EQ(pro.score("total").value, 50.0);
  EXPECT_EQ(pro.score("total").band, "severe");
  EXPECT_TRUE(pro.score("total").prorated);
  EXPECT_EQ(pro.warnings.size(), 1u);
}

TEST(Questionnaire, OdiOfficialExamples) {
  // 16 of 50 -> 32 %; one section missing or not applicable, 16 of 45 -> 35.56 %.
  const auto full = q::score(q::instrument("odi"), answers({2, 2, 2, 2, 2, 2, 1, 1, 1, 1}));
  EXPECT_DOUBLE_EQ(full.score("total").value, 32.0);
  EXPECT_EQ(full.score("total").band, "moderate disability");
  auto one = answers({2, 2, 2, 2, 2, 2, 1, 0, 2, 1});
  one[7] = std::nullopt;
  EXPECT_NEAR(q::score(q::instrument("odi"), one).score("total").value, 100.0 * 16.0 / 45.0, 1e-12);
  one[8] = std::nullopt;
  EXPECT_FALSE(q::score(q::instrument("odi"), one).score("total").computable);
  // 20 exactly is minimal; 20.5 (prorated) moderate.
  EXPECT_EQ(q::score(q::instrument("odi"), answers({1, 1, 1, 1, 1, 1, 1, 1, 1, 1})).score("total").band,
            "minimal disability");
}

TEST(Questionnaire, StartBackRiskGroups) {
  const auto& sb = q::instrument("start_back");
  EXPECT_EQ(q::score(sb, answers({1, 1, 1, 0, 0, 0, 0, 0, 2})).classification, "low");     // total 3
  EXPECT_EQ(q::score(sb, answers({1, 1, 1, 1, 1, 1, 1, 0, 2})).classification, "medium");  // 7, psych 3
  const auto high = q::score(sb, answers({0, 0, 0, 0, 1, 1, 1, 0, 4}));                    // item 9 -> 1
  EXPECT_DOUBLE_EQ(high.score("psychosocial").value, 4.0);
  EXPECT_EQ(high.classification, "high");
  auto missing = answers({1, 1, 1, 1, 1, 1, 1, 0, 2});
  missing[0] = std::nullopt;
  EXPECT_EQ(q::score(sb, missing).classification, "");  // undefined for incomplete answers
}

TEST(Questionnaire, StrictValidationNamesTheItem) {
  auto expect = [](const char* id, std::vector<std::optional<int>> a, const std::string& what) {
    try {
      q::score(q::instrument(id), a);
      ADD_FAILURE() << "no exception";
    } catch (const std::invalid_argument& e) {
      EXPECT_EQ(std::string(e.what()).rfind(what, 0), 0u) << e.what();
    }
  };
  auto a = answers({0, 1, 4, 2, 2, 3, 3, 0, 0, 0, 0, 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 0, 3, 4, 4});
  a[4] = 5;
  expect("csi", a, "item 5:");
  expect("csi", answers({1, 2, 3}), "answers:");
  EXPECT_THROW(q::instrument("sf36"), std::invalid_argument);
  // Batch: NaN is missing, 2.5 is an error naming row and item.
  const auto& rm = q::instrument("rmdq");
  std::vector<double> rows(2 * 24, 1.0);
  rows[24 + 3] = NAN;
  const auto v = q::score_matrix(rm, rows, 2);
  EXPECT_DOUBLE_EQ(v[0], 24.0);
  EXPECT_TRUE(std::isnan(v[1]));
  rows[5] = 0.5;
  try {
    q::score_matrix(rm, rows, 2);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()).rfind("row 0, item 6:", 0), 0u) << e.what();
  }
}
