#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "kinemyo/emg/calibration.hpp"

namespace emg = kinemyo::emg;

namespace {
// Two channels at fs: channel 0 = a, channel 1 = b(t).
template <class F0, class F1>
std::vector<double> two_channels(std::size_t n, F0 a, F1 b) {
  std::vector<double> x(2 * n);
  for (std::size_t t = 0; t < n; ++t) {
    x[2 * t] = a(t);
    x[2 * t + 1] = b(t);
  }
  return x;
}
}  // namespace

TEST(Calibration, RestMeanAndSampleSd) {
  emg::Calibration cal({"glut_med_L", "ES_L"});
  // Channel 1 alternates 1, 3: mean 2, sample SD sqrt(n / (n - 1)).
  const std::size_t n = 3000;
  cal.set_rest(two_channels(n, [](std::size_t) { return 5.0; }, [](std::size_t t) { return t % 2 ? 3.0 : 1.0; }),
               1000.0);
  EXPECT_DOUBLE_EQ(*cal.channel(0).rest_mean, 5.0);
  EXPECT_DOUBLE_EQ(*cal.channel(0).rest_sd, 0.0);
  EXPECT_DOUBLE_EQ(*cal.channel(1).rest_mean, 2.0);
  EXPECT_NEAR(*cal.channel(1).rest_sd, std::sqrt(static_cast<double>(n) / (n - 1)), 1e-12);
  EXPECT_DOUBLE_EQ(cal.channel(1).rest_duration_s, 3.0);
  EXPECT_THROW(cal.set_rest(two_channels(2999, [](std::size_t) { return 1.0; }, [](std::size_t) { return 1.0; }),
                            1000.0),
               std::invalid_argument);
}

TEST(Calibration, RestOfHugeEnvelopesStaysFiniteAndSaves) {
  // Squares of 1e300 overflow: the SD was inf, which to_json wrote as null and from_json then refused.
  emg::Calibration cal({"a", "b"});
  const std::size_t n = 3000;
  cal.set_rest(two_channels(n, [](std::size_t t) { return t % 2 ? 3e300 : 1e300; },
                            [](std::size_t t) { return t % 2 ? 1.7e308 : 0.0; }),
               1000.0);
  EXPECT_NEAR(*cal.channel(0).rest_mean / 1e300, 2.0, 1e-12);
  EXPECT_NEAR(*cal.channel(0).rest_sd / 1e300, std::sqrt(static_cast<double>(n) / (n - 1)), 1e-12);
  EXPECT_NEAR(*cal.channel(1).rest_mean / 1e308, 0.85, 1e-12);
  EXPECT_TRUE(std::isfinite(*cal.channel(1).rest_sd));
  const auto again = emg::Calibration::from_json(cal.to_json());
  EXPECT_EQ(again.to_json(), cal.to_json());
}

TEST(Calibration, MvcIsMaxOverTrialsOfPeakHalfSecondAverage) {
  emg::Calibration cal({"a", "b"});
  const double fs = 1000.0;
  // Trial 1: channel 0 has a 1 s plateau at 4 with a 10 ms spike of 100 (the 0.5 s average caps it at
  // 4 + 96 * 10 / 500 = 5.92); channel 1 a 0.3 s burst of 10 (average at most 10 * 300 / 500 = 6).
  auto trial1 = two_channels(
      2000, [](std::size_t t) { return (t >= 500 && t < 1500) ? (t >= 1000 && t < 1010 ? 100.0 : 4.0) : 0.0; },
      [](std::size_t t) { return (t >= 200 && t < 500) ? 10.0 : 0.0; });
  cal.add_mvc_trial(trial1, fs);
  EXPECT_NEAR(*cal.channel(0).reference, 5.92, 1e-12);
  EXPECT_NEAR(*cal.channel(1).reference, 6.0, 1e-12);
  // Trial 2 is weaker on channel 0 and stronger on channel 1: each channel keeps its maximum.
  cal.add_mvc_trial(two_channels(1000, [](std::size_t) { return 3.0; }, [](std::size_t) { return 7.0; }), fs);
  EXPECT_NEAR(*cal.channel(0).reference, 5.92, 1e-12);
  EXPECT_NEAR(*cal.channel(1).reference, 7.0, 1e-12);
  EXPECT_EQ(cal.channel(1).reference_trials, 2u);
  const auto pct = cal.normalise(std::vector<double>{5.92, 3.5});
  EXPECT_NEAR(pct[0], 100.0, 1e-12);
  EXPECT_NEAR(pct[1], 50.0, 1e-12);
  EXPECT_THROW(cal.add_submaximal_trial(trial1, fs, "prone hip abduction"), std::invalid_argument);
}

TEST(Calibration, JsonRoundTripAndErrors) {
  emg::Calibration cal({"glut_med_R"});
  std::vector<double> rest(4000, 1.5), trial(1000, 20.0);
  rest[7] = 2.5;
  cal.set_rest(rest, 1000.0);
  cal.add_submaximal_trial(trial, 1000.0, "bridging, 10 s hold");
  const auto back = emg::Calibration::from_json(cal.to_json());
  EXPECT_EQ(back.channel(0).name, "glut_med_R");
  EXPECT_EQ(*back.channel(0).rest_mean, *cal.channel(0).rest_mean);
  EXPECT_EQ(*back.channel(0).rest_sd, *cal.channel(0).rest_sd);
  EXPECT_EQ(back.channel(0).reference_kind, emg::ReferenceKind::submaximal);
  EXPECT_EQ(back.channel(0).reference_task, "bridging, 10 s hold");
  EXPECT_EQ(*back.channel(0).reference, 20.0);
  EXPECT_THROW(emg::Calibration::from_json("{}"), std::invalid_argument);
  EXPECT_THROW(emg::Calibration::from_json("not json"), std::invalid_argument);
  emg::Calibration empty({"x"});
  EXPECT_THROW((void)empty.normalise(std::vector<double>{1.0}), std::domain_error);
  EXPECT_THROW(empty.add_mvc_trial(std::vector<double>(100, 1.0), 1000.0), std::invalid_argument);  // < 0.5 s
  EXPECT_THROW(empty.add_mvc_trial(std::vector<double>(1000, -1.0), 1000.0), std::invalid_argument);
  EXPECT_THROW(empty.add_submaximal_trial(std::vector<double>(1000, 1.0), 1000.0, ""), std::invalid_argument);
}

TEST(Calibration, DeeplyNestedJsonIsRefused) {
  const std::string deep = R"({"format": "kinemyo.emg.Calibration/1", "channels": )" + std::string(200000, '[') +
                           std::string(200000, ']') + "}";
  try {
    emg::Calibration::from_json(deep);
    ADD_FAILURE() << "accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("json: nested deeper than 64 levels"), std::string::npos) << e.what();
  }
}

// Found by tests/fuzz/fuzz_calibration: a non-string format, a channel that is not an object or a non-string name
// escaped as nlohmann::json::type_error (they were read outside the type-error guard), and a trial count written as
// a float was converted to an integer unchecked (undefined behaviour for 1e300). All are std::invalid_argument now.
TEST(Calibration, FromJsonWrongTypesAreInvalidArgument) {
  const std::string head = R"({"format": "kinemyo.emg.Calibration/1", "channels": )";
  const auto trials = [&](const std::string& v) {
    return head + R"([{"reference_kind": "mvc", "reference": 1.0, "reference_trials": )" + v + "}]}";
  };
  const std::string bad[] = {R"({"format": [1], "channels": [{}]})", R"({"format": 1, "channels": [{}]})",
                             head + "[1]}", head + "[[]]}", head + R"([{"name": 1}]})", head + R"([{"name": null}]})",
                             trials("1e300"), trials("-1e300"), trials("1.5"), trials("2147483648.0"), trials("true"),
                             trials("\"1\""), trials("[1]")};
  for (const auto& text : bad) {
    try {
      (void)emg::Calibration::from_json(text);
      ADD_FAILURE() << "accepted " << text;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("json"), std::string::npos) << e.what();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "not std::invalid_argument for " << text << ": " << e.what();
    }
  }
  // An integral count written with a fraction or exponent still reads.
  EXPECT_EQ(emg::Calibration::from_json(trials("2.0")).channel(0).reference_trials, 2u);
  EXPECT_EQ(emg::Calibration::from_json(trials("1e1")).channel(0).reference_trials, 10u);
}
