#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <numbers>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "kinemyo/gait/evaluation.hpp"
#include "kinemyo/gait/lower_back.hpp"

namespace g = kinemyo::gait;

namespace {

double gauss(double t, double s) { return std::exp(-0.5 * t * t / (s * s)); }

// A lower-back recording shaped like real L5 data (the Mobilise-D lab recordings): up-positive vertical
// acceleration lowest about 0.2 s before each initial contact, rising steeply at it and peaking 0.05 s after;
// yaw rate (about up) negative at left contacts and positive at right ones, at the stride frequency. The sensor
// is mounted tilted: its "up" is a unit vector in an arbitrary sensor frame.
struct Synthetic {
  std::vector<double> acc, gyr, contacts;
  std::vector<g::Side> sides;
};
Synthetic synthetic_walk(double fs, double step, double first, double walk_end, double duration, double noise = 0.0) {
  Synthetic s;
  const std::size_t n = static_cast<std::size_t>(duration * fs);
  for (double t = first; t < walk_end; t += step) {
    s.contacts.push_back(t);
    s.sides.push_back(s.contacts.size() % 2 ? g::Side::left : g::Side::right);
  }
  const double up[3] = {0.2, -0.93, 0.3};
  const double norm = std::sqrt(up[0] * up[0] + up[1] * up[1] + up[2] * up[2]);
  const double fwd[3] = {0.97, 0.1, -0.33};  // roughly orthogonal to up; only its existence matters
  std::mt19937 rng(7);
  std::normal_distribution<double> gn(0.0, noise);
  s.acc.resize(3 * n);
  s.gyr.resize(3 * n);
  for (std::size_t i = 0; i < n; ++i) {
    const double t = static_cast<double>(i) / fs;
    double v = 9.81, a = 0.0, yaw = 0.0;
    for (double c : s.contacts) {
      v += 2.5 * gauss(t - c - 0.05, 0.05) - 1.5 * gauss(t - c + 0.2, 0.08);
      a += -1.0 * gauss(t - c - 0.08, 0.06);
    }
    if (t > first - 0.5 && t < walk_end + 0.5) yaw = -0.3 * std::cos(std::numbers::pi * (t - first) / step);
    for (int k = 0; k < 3; ++k) {
      s.acc[3 * i + static_cast<std::size_t>(k)] = v * up[k] / norm + a * fwd[k] + (noise > 0 ? gn(rng) : 0.0);
      s.gyr[3 * i + static_cast<std::size_t>(k)] = yaw * up[k] / norm + (noise > 0 ? 0.1 * gn(rng) : 0.0);
    }
  }
  return s;
}

std::string data_file(const std::string& name) { return std::string(KINEMYO_TEST_DATA_DIR) + "/mobgap/" + name; }

}  // namespace

TEST(LowerBack, ContactsAtTheSteepRiseOfVerticalAccelerationWithSides) {
  const double fs = 100.0;
  const auto s = synthetic_walk(fs, 0.55, 3.0, 23.0, 30.0, 0.02);
  const auto r = g::lower_back_gait(s.acc, s.gyr, fs);
  ASSERT_EQ(r.bouts.size(), 1u);
  const auto m = g::match_events(r.initial_contact, s.contacts, 0.05);
  EXPECT_GE(m.true_positives, s.contacts.size() - 1);
  EXPECT_EQ(m.false_positives, 0u);
  EXPECT_LT(m.mean_absolute_error, 0.02);  // the jerk maximum of the rise is at the contact
  std::size_t correct = 0;
  for (std::size_t k = 0; k < m.true_positives; ++k)
    correct += r.initial_contact_side[m.detected[k]] == s.sides[m.reference[k]];
  EXPECT_EQ(correct, m.true_positives);
  // The vertical is found from gravity whatever the mounting: the nearest sensor axis is -y.
  EXPECT_EQ(r.vertical_axis, 1);
  EXPECT_EQ(r.vertical_sign, -1.0);
  // Final contacts belong to the other foot, and everything is sorted.
  ASSERT_EQ(r.final_contact.size(), r.initial_contact.size());
  for (std::size_t k = 0; k < r.final_contact.size(); ++k) {
    EXPECT_GT(r.final_contact[k], r.initial_contact[k]);
    EXPECT_NE(r.final_contact_side[k], r.initial_contact_side[k]);
    if (k) {
      EXPECT_GT(r.initial_contact[k], r.initial_contact[k - 1]);
    }
  }
  // A contact placed at the minimum (the old, half-step-late model) would be 0.2 s off: not within 0.05 s.
  const auto steps = g::lower_back_step_table(r);
  ASSERT_EQ(steps.size(), r.initial_contact.size() - 1);
  for (const auto& row : steps) {
    EXPECT_NEAR(row.step_time, 0.55, 0.02);
    EXPECT_EQ(row.flags, 0u);
  }
}

TEST(LowerBack, StandingNoiseAndConstantSignalGiveNoSteps) {
  const double fs = 100.0;
  std::vector<double> acc(3 * 3000), gyr(3 * 3000, 0.0);
  std::mt19937 rng(3);
  std::normal_distribution<double> noise(0.0, 0.05);
  for (std::size_t i = 0; i < 3000; ++i) {
    acc[3 * i] = noise(rng);
    acc[3 * i + 1] = noise(rng);
    acc[3 * i + 2] = 9.81 + noise(rng);
    for (int k = 0; k < 3; ++k) gyr[3 * i + static_cast<std::size_t>(k)] = 0.2 * noise(rng);
  }
  EXPECT_TRUE(g::lower_back_gait(acc, gyr, fs).initial_contact.empty());
  std::vector<double> constant(3 * 3000, 0.0);
  for (std::size_t i = 0; i < 3000; ++i) constant[3 * i + 2] = 9.81;
  const auto r = g::lower_back_gait(constant, {}, fs);
  EXPECT_TRUE(r.initial_contact.empty());
  EXPECT_TRUE(r.bouts.empty());
  // Three steps are not a walking bout.
  const auto s = synthetic_walk(fs, 0.55, 3.0, 4.5, 10.0);
  EXPECT_TRUE(g::lower_back_gait(s.acc, s.gyr, fs).initial_contact.empty());
}

TEST(LowerBack, BadInputIsRejectedWithTheParameterNamed) {
  const double fs = 100.0;
  auto s = synthetic_walk(fs, 0.55, 2.0, 12.0, 15.0);
  auto expect_message = [&](auto&& call, const std::string& what) {
    try {
      call();
      ADD_FAILURE() << "no exception for " << what;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    }
  };
  std::vector<double> in_g(s.acc);
  for (auto& v : in_g) v /= 9.81;
  expect_message([&] { g::lower_back_gait(in_g, s.gyr, fs); }, "acc: median magnitude");
  std::vector<double> in_deg(s.gyr);
  for (auto& v : in_deg) v *= 180.0 / std::numbers::pi * 40.0;
  expect_message([&] { g::lower_back_gait(s.acc, in_deg, fs); }, "gyr:");
  g::LowerBackParams named;
  named.vertical_axis = 0;  // +x is not up in this mounting
  expect_message([&] { g::lower_back_gait(s.acc, s.gyr, fs, named); }, "nearest to up is -y");
  named.vertical_axis = 1;
  named.vertical_sign = -1.0;
  EXPECT_NO_THROW(g::lower_back_gait(s.acc, s.gyr, fs, named));
  auto with_nan = s.acc;
  with_nan[300] = std::nan("");
  expect_message([&] { g::lower_back_gait(with_nan, s.gyr, fs); }, "non-finite");
  std::vector<double> short_acc(30, 0.0);
  for (std::size_t i = 0; i < 10; ++i) short_acc[3 * i + 2] = 9.81;
  expect_message([&] { g::lower_back_gait(short_acc, {}, fs); }, "samples");
  expect_message([&] { g::lower_back_gait(s.acc, std::vector<double>(9, 0.0), fs); }, "gyr");
  expect_message([&] { g::lower_back_gait(s.acc, s.gyr, 3.0); }, "fs");
  g::LowerBackParams bad;
  bad.min_weak_prominence = 1.0;
  expect_message([&] { g::lower_back_gait(s.acc, s.gyr, fs, bad); }, "min_weak_prominence");
  const std::vector<double> unsorted = {5.0, 4.0};
  expect_message([&] { g::lower_back_contact_sides(s.acc, s.gyr, fs, unsorted); }, "initial_contact");
}

TEST(LowerBack, TurnsFromTheYawRate) {
  const double fs = 100.0;
  std::vector<double> yaw(2000, 0.0);
  // A 180 deg turn in 2 s (a raised cosine rate), then a 20 deg wobble that is not a turn.
  for (std::size_t i = 0; i < yaw.size(); ++i) {
    const double t = static_cast<double>(i) / fs;
    if (t >= 5.0 && t < 7.0) yaw[i] = std::numbers::pi / 2.0 * (1.0 - std::cos(std::numbers::pi * (t - 5.0)));
    if (t >= 12.0 && t < 13.0) yaw[i] = -0.35 * std::sin(std::numbers::pi * (t - 12.0));
  }
  const auto turns = g::detect_turns(yaw, fs);
  ASSERT_EQ(turns.size(), 1u);
  EXPECT_NEAR(turns[0].angle, std::numbers::pi, 0.1);
  EXPECT_NEAR(turns[0].start, 5.1, 0.15);
  EXPECT_NEAR(turns[0].end, 6.9, 0.15);
}

// Real data: a straight 2 x 4.8 s walk of a healthy adult (Mobilise-D lab data, HA/001 Test5 Trial1, mobgap
// example data, Apache-2.0) against the INDIP reference contacts. Sensor frame: x up, in m/s^2 and rad/s.
TEST(LowerBack, MobilisedStraightWalkAgainstTheIndipReference) {
  std::ifstream data(data_file("ha001_test5_trial1.csv")), ref(data_file("ha001_test5_trial1_reference.csv"));
  ASSERT_TRUE(data && ref);
  std::vector<double> acc, gyr, ic;
  std::vector<g::Side> side;
  std::string line;
  std::getline(data, line);
  while (std::getline(data, line)) {
    std::stringstream ss(line);
    std::string cell;
    for (int k = 0; k < 6 && std::getline(ss, cell, ','); ++k) (k < 3 ? acc : gyr).push_back(std::stod(cell));
  }
  std::getline(ref, line);
  while (std::getline(ref, line)) {
    std::stringstream ss(line);
    std::string type, time, s;
    std::getline(ss, type, ',');
    std::getline(ss, time, ',');
    std::getline(ss, s, ',');
    if (type != "initial_contact") continue;
    ic.push_back(std::stod(time));
    side.push_back(s == "left" ? g::Side::left : g::Side::right);
  }
  ASSERT_EQ(acc.size(), 1246u * 3);
  ASSERT_EQ(ic.size(), 9u);
  const auto r = g::lower_back_gait(acc, gyr, 100.0);
  EXPECT_EQ(r.vertical_axis, 0);
  EXPECT_EQ(r.vertical_sign, 1.0);
  // The reference bout ends at its last full stride; the detector also finds the closing step after it.
  std::vector<double> inside;
  std::vector<g::Side> inside_side;
  for (std::size_t k = 0; k < r.initial_contact.size(); ++k)
    if (r.initial_contact[k] >= ic.front() - 0.25 && r.initial_contact[k] <= ic.back() + 0.25) {
      inside.push_back(r.initial_contact[k]);
      inside_side.push_back(r.initial_contact_side[k]);
    }
  const auto m = g::match_events(inside, ic, 0.25);
  EXPECT_EQ(m.true_positives, 9u);
  EXPECT_EQ(m.false_positives, 0u);
  EXPECT_LT(m.mean_absolute_error, 0.04);
  for (std::size_t k = 0; k < m.true_positives; ++k) EXPECT_EQ(inside_side[m.detected[k]], side[m.reference[k]]);
  // Standing before the walk (first 4.3 s) gives no contact.
  const std::vector<double> standing_acc(acc.begin(), acc.begin() + 430 * 3), standing_gyr(gyr.begin(), gyr.begin() + 430 * 3);
  EXPECT_TRUE(g::lower_back_gait(standing_acc, standing_gyr, 100.0).initial_contact.empty());
  // The sides of the reference's own contacts, from the same rule.
  const auto sides = g::lower_back_contact_sides(acc, gyr, 100.0, ic);
  for (std::size_t k = 0; k < ic.size(); ++k) EXPECT_EQ(sides.side[k], side[k]);
}
