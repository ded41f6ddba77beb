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

TEST(Questionnaire, PcsSubscalesAndTskReverseItems) {
  // PCS: item i answered (i mod 5): rumination 8..11 -> 3+4+0+1, magnification 6,7,13 -> 1+2+3, helplessness
  // 1..5,12 -> 1+2+3+4+0+2; total 26, below the manual's threshold of 30.
  std::vector<std::optional<int>> pcs;
  for (int i = 1; i <= 13; ++i) pcs.emplace_back(i % 5);
  const auto r = q::score(q::instrument("pcs"), pcs);
  EXPECT_DOUBLE_EQ(r.score("rumination").value, 8.0);
  EXPECT_DOUBLE_EQ(r.score("magnification").value, 6.0);
  EXPECT_DOUBLE_EQ(r.score("helplessness").value, 12.0);
  EXPECT_DOUBLE_EQ(r.score("total").value, 26.0);
  EXPECT_FALSE(r.score("total").cutoffs.at("sullivan_manual"));
  // TSK-17: all answers 4 -> 13 * 4 + 4 reversed items * 1 = 56; all 1 -> 13 + 16 = 29. Cut-off strictly > 37.
  const auto high = q::score(q::instrument("tsk17"), std::vector<std::optional<int>>(17, 4));
  EXPECT_DOUBLE_EQ(high.score("total").value, 56.0);
  EXPECT_TRUE(high.score("total").cutoffs.at("vlaeyen1995"));
  EXPECT_DOUBLE_EQ(q::score(q::instrument("tsk17"), std::vector<std::optional<int>>(17, 1)).score("total").value, 29.0);
  std::vector<std::optional<int>> at37(17, 2);  // 13 * 2 + 4 * 3 = 38; lower one answer of a normal item to get 37
  at37[0] = 1;
  const auto t37 = q::score(q::instrument("tsk17"), at37);
  EXPECT_DOUBLE_EQ(t37.score("total").value, 37.0);
  EXPECT_FALSE(t37.score("total").cutoffs.at("vlaeyen1995"));
  EXPECT_DOUBLE_EQ(q::score(q::instrument("tsk11"), std::vector<std::optional<int>>(11, 3)).score("total").value, 33.0);
  EXPECT_THROW(q::score(q::instrument("tsk11"), std::vector<std::optional<int>>(11, 0)), std::invalid_argument);
}
