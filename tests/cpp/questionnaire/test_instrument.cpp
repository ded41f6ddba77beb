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
  // Total <= 3 is low risk whatever the subscore: all three points psychosocial (psych 3) is still low.
  const auto psych_only = q::score(sb, answers({0, 0, 0, 0, 1, 1, 0, 0, 4}));
  EXPECT_DOUBLE_EQ(psych_only.score("psychosocial").value, 3.0);
  EXPECT_EQ(psych_only.classification, "low");
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

TEST(Questionnaire, CsiBandEdgesCutoffProfilesAndPartB) {
  const auto& csi = q::instrument("csi");
  // Every band edge on the unrounded total: 29|30, 39|40, 49|50, 59|60, and the ends 0 and 100.
  const std::pair<int, const char*> edges[] = {{0, "subclinical"}, {29, "subclinical"}, {30, "mild"},
                                               {39, "mild"},       {40, "moderate"},    {49, "moderate"},
                                               {50, "severe"},     {59, "severe"},      {60, "extreme"},
                                               {100, "extreme"}};
  for (const auto& [total, band] : edges) {
    std::vector<std::optional<int>> a(25, 0);
    for (int k = 0; k < total; ++k) a[static_cast<std::size_t>(k % 25)] = *a[static_cast<std::size_t>(k % 25)] + 1;
    const auto r = q::score(csi, a);
    EXPECT_DOUBLE_EQ(r.score("total").value, total);
    EXPECT_EQ(r.score("total").band, band) << total;
    EXPECT_EQ(r.score("total").cutoffs.at("neblett2013"), total >= 40) << total;
    EXPECT_EQ(r.score("total").cutoffs.at("schuttert2023_male"), total >= 25) << total;
  }
  // Part B is stored and reported, never scored; its fields are validated by name and range.
  const auto a = answers({0, 1, 4, 2, 2, 3, 3, 0, 0, 0, 0, 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 0, 3, 4, 4});
  const auto r = q::score(csi, a, {}, {{"part_b_fibromyalgia", 1}, {"part_b_fibromyalgia_year", 2019}});
  EXPECT_DOUBLE_EQ(r.score("total").value, 49.0);
  EXPECT_EQ(r.recorded.at("part_b_fibromyalgia_year"), 2019);
  EXPECT_THROW(q::score(csi, a, {}, {{"part_b_gout", 1}}), std::invalid_argument);
  EXPECT_THROW(q::score(csi, a, {}, {{"part_b_depression", 2}}), std::invalid_argument);
}

TEST(Questionnaire, HoosSubscalesAndMissingRules) {
  const auto& hoos = q::instrument("hoos");
  EXPECT_EQ(hoos.direction, q::Direction::higher_is_better);
  std::vector<std::optional<int>> a(40, 1);
  auto r = q::score(hoos, a);
  for (const char* s : {"symptoms", "pain", "adl", "sport_recreation", "qol"}) EXPECT_DOUBLE_EQ(r.score(s).value, 75.0);
  // ADL answers 0..4 repeated: mean of 17 answers by hand = (3 * 10 + 0 + 1) / 17 -> 100 - 25 * 31/17.
  for (int k = 0; k < 17; ++k) a[static_cast<std::size_t>(15 + k)] = k % 5;
  EXPECT_NEAR(q::score(hoos, a).score("adl").value, 100.0 - 25.0 * 31.0 / 17.0, 1e-12);
  // Pain (items 6-15): 5 of 10 answered (all 2) is the 2013 minimum -> 50; the 2003 rule needs 8.
  std::vector<std::optional<int>> b(40, 0);
  for (int k = 5; k < 10; ++k) b[static_cast<std::size_t>(k)] = 2;
  for (int k = 10; k < 15; ++k) b[static_cast<std::size_t>(k)] = std::nullopt;
  r = q::score(hoos, b);
  EXPECT_DOUBLE_EQ(r.score("pain").value, 50.0);
  EXPECT_TRUE(r.score("pain").prorated);
  EXPECT_EQ(r.score("pain").n_answered, 5u);
  EXPECT_FALSE(q::score(hoos, b, q::missing_policy(hoos, "hoos2003")).score("pain").computable);
  b[9] = std::nullopt;  // 4 of 10: too few under either rule
  const auto few = q::score(hoos, b).score("pain");
  EXPECT_FALSE(few.computable);
  EXPECT_NE(few.reason.find("6 of 10 items missing"), std::string::npos);
  EXPECT_THROW(q::missing_policy(hoos, "hoos1999"), std::invalid_argument);
  EXPECT_EQ(q::missing_policy(hoos, "hoos2013").at("adl").max_missing, 8u);
}

TEST(Questionnaire, PainDetectTotalBandsAndSensorySum) {
  const auto& pd = q::instrument("paindetect");
  const auto total = [&](std::initializer_list<int> v) { return q::score(pd, answers(v)); };
  auto r = total({2, 2, 2, 2, 2, 2, 2, -1, 1});  // 14 - 1 + 2
  EXPECT_DOUBLE_EQ(r.score("total").value, 15.0);
  EXPECT_DOUBLE_EQ(r.score("sensory").value, 14.0);
  EXPECT_EQ(r.score("total").band, "unclear");
  EXPECT_EQ(total({5, 5, 5, 5, 5, 5, 5, 1, 1}).score("total").value, 38.0);
  EXPECT_EQ(total({0, 0, 0, 0, 0, 0, 0, -1, 0}).score("total").value, -1.0);
  EXPECT_EQ(total({2, 2, 2, 2, 2, 2, 0, 0, 0}).score("total").band, "negative");   // 12
  EXPECT_EQ(total({2, 2, 2, 2, 2, 2, 1, 0, 0}).score("total").band, "unclear");    // 13
  EXPECT_EQ(total({4, 4, 4, 4, 2, 0, 0, 0, 0}).score("total").band, "unclear");    // 18
  EXPECT_EQ(total({4, 4, 4, 4, 2, 0, 0, 1, 0}).score("total").band, "positive");   // 19
  EXPECT_THROW(total({2, 2, 2, 2, 2, 2, 2, 2, 1}), std::invalid_argument);          // pattern points in [-1, 1]
  EXPECT_THROW(q::score(pd, answers({0, 0, 0, 0, 0, 0, 0, 0, 0}), {}, {{"pain_now", 11}}), std::invalid_argument);
}

TEST(Questionnaire, ChangeAgainstMinimalImportantChange) {
  const auto& odi = q::instrument("odi");
  EXPECT_EQ(q::change(odi, "total", 40.0, 28.0, 10.0).status, "improved");  // lower is better
  EXPECT_EQ(q::change(odi, "total", 40.0, 32.0, 10.0).status, "no important change");
  EXPECT_EQ(q::change(odi, "total", 30.0, 40.0, 10.0).status, "worsened");  // |delta| = mic counts
  EXPECT_EQ(q::change(q::instrument("hoos"), "pain", 50.0, 70.0, 10.0).status, "improved");  // higher is better
  const auto nc = q::change(odi, "total", std::nan(""), 30.0, 10.0);
  EXPECT_EQ(nc.status, "not computable");
  EXPECT_TRUE(std::isnan(nc.delta));
  EXPECT_THROW(q::change(odi, "total", 40.0, 30.0, 0.0), std::invalid_argument);
  EXPECT_THROW(q::change(odi, "psych", 40.0, 30.0, 5.0), std::invalid_argument);
  const auto before = q::score(odi, answers({3, 3, 3, 3, 3, 3, 3, 3, 3, 3}));
  const auto after = q::score(odi, answers({2, 2, 2, 2, 2, 2, 1, 1, 1, 1}));
  const auto c = q::change(odi, before, after, "total", 10.0);
  EXPECT_DOUBLE_EQ(c.delta, 32.0 - 60.0);
  EXPECT_EQ(c.status, "improved");
}
