#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <utility>
#include <vector>

#include "kinemyo/imu/batch.hpp"
#include "kinemyo/imu/synthetic.hpp"

namespace imu = kinemyo::imu;
using imu::Quaternion;
using imu::Vec3;

namespace {

constexpr double kDeg = std::numbers::pi / 180.0;

std::vector<double> trajectory(std::size_t n, double fs, const std::function<Quaternion(double)>& q_of_t) {
  std::vector<double> q(4 * n);
  for (std::size_t i = 0; i < n; ++i) imu::to_wxyz(q_of_t(static_cast<double>(i) / fs), &q[4 * i]);
  return q;
}

// A smooth, everything-moving trajectory (rotation vector of sines).
Quaternion wobble(double t) {
  return imu::from_rotation_vector(Vec3(0.5 * std::sin(0.7 * t), 0.4 * std::sin(1.1 * t + 1.0), 1.5 * std::sin(0.3 * t)));
}

double angle_between(const Quaternion& a, const Quaternion& b) { return imu::orientation_error(a, b).total; }

// RMS total error (deg) of n x 4 orientations against the truth over samples [from, to).
double rms_error_deg(const std::vector<double>& est, const std::vector<double>& truth, std::size_t from, std::size_t to) {
  double s = 0.0;
  for (std::size_t i = from; i < to; ++i)
    s += std::pow(angle_between(imu::from_wxyz(&est[4 * i]), imu::from_wxyz(&truth[4 * i])), 2);
  return std::sqrt(s / static_cast<double>(to - from)) / kDeg;
}

// The magnetometer tests' sensor: noise on every channel and a gyroscope bias the heading drifts with while the
// magnetometer is rejected.
imu::SyntheticImuOptions magnet_test_sensor(std::vector<imu::MagneticDisturbance> disturbances) {
  imu::SyntheticImuOptions opt;
  opt.gyr_bias = Vec3(0.2, -0.1, 0.2) * kDeg;
  opt.gyr_noise = 0.1 * kDeg;
  opt.acc_noise = 0.05;
  opt.mag_noise = 0.3;
  opt.disturbances = std::move(disturbances);
  return opt;
}

struct Result {
  std::vector<double> q6, q9, bias;
  std::vector<std::uint8_t> rest, dist;
};
Result run_robust(const imu::SyntheticImu& d, double fs, const imu::RobustFilterParams& p = {}, bool mag = true) {
  const std::size_t n = d.gyr.size() / 3;
  Result r{std::vector<double>(4 * n), std::vector<double>(4 * n), std::vector<double>(3 * n),
           std::vector<std::uint8_t>(n), std::vector<std::uint8_t>(n)};
  imu::RobustFilter f(p);
  imu::estimate_orientation(f, {d.gyr, d.acc, mag ? std::span<const double>(d.mag) : std::span<const double>()},
                            {fs, {}}, {r.q6, r.q9, r.bias, {}, {}, r.rest, r.dist});
  return r;
}

}  // namespace

TEST(ImuConventions, StaticThirtyDegreeRollAndNinetyDegreePerSecondYaw) {
  const double fs = 100.0;
  const Quaternion roll(std::cos(15 * kDeg), std::sin(15 * kDeg), 0.0, 0.0);
  const auto still = imu::synthesize_imu(trajectory(1000, fs, [&](double) { return roll; }), {fs, {}}, {});
  const std::size_t last = 999;
  for (bool mag : {false, true}) {
    const auto r = run_robust(still, fs, {}, mag);
    EXPECT_LT(angle_between(imu::from_wxyz(&r.q6[4 * last]), roll), 1e-9);
    EXPECT_LT(angle_between(imu::from_wxyz(&r.q9[4 * last]), roll), 1e-9);
  }
  imu::MadgwickFilter madgwick;
  imu::MahonyFilter mahony;
  for (std::size_t i = 0; i < 1000; ++i) {
    const Vec3 g(&still.gyr[3 * i]), a(&still.acc[3 * i]), m(&still.mag[3 * i]);
    madgwick.update(1 / fs, g, a, m);
    mahony.update(1 / fs, g, a, m);
  }
  // Madgwick's normalised gradient step moves by up to beta * dt even at the optimum.
  EXPECT_LT(angle_between(madgwick.quat(), roll), 2 * 0.1 / fs);
  EXPECT_LT(angle_between(mahony.quat(), roll), 1e-9);
  EXPECT_NEAR(mahony.quat().w(), std::cos(15 * kDeg), 1e-9);
  EXPECT_NEAR(mahony.quat().x(), std::sin(15 * kDeg), 1e-9);

  // Yaw at 90 deg/s for 1 s from the identity: [cos 45, 0, 0, sin 45].
  const auto yaw = imu::synthesize_imu(trajectory(101, fs, [](double t) { return imu::heading_rotation(0.5 * std::numbers::pi * t); }),
                                       {fs, {}}, {});
  const Quaternion expected(std::cos(45 * kDeg), 0.0, 0.0, std::sin(45 * kDeg));
  const auto r = run_robust(yaw, fs, {}, false);
  const Quaternion q6 = imu::from_wxyz(&r.q6[4 * 100]);
  EXPECT_NEAR(q6.w(), expected.w(), 1e-12);
  EXPECT_NEAR(q6.z(), expected.z(), 1e-12);
  imu::MadgwickFilter mw;
  imu::MahonyFilter mh;
  for (std::size_t i = 0; i <= 100; ++i) {
    mw.update(1 / fs, Vec3(&yaw.gyr[3 * i]), Vec3(&yaw.acc[3 * i]));
    mh.update(1 / fs, Vec3(&yaw.gyr[3 * i]), Vec3(&yaw.acc[3 * i]));
  }
  EXPECT_LT(angle_between(mw.quat(), expected), 2e-4);  // first-order integration, 100 steps, gradient jitter
  EXPECT_LT(angle_between(mh.quat(), expected), 1e-4);
}

TEST(ImuConventions, EarthFramesAreExactRotations) {
  const Quaternion q = imu::from_rotation_vector(Vec3(0.3, -1.1, 0.7));
  const Vec3 v(0.2, -0.5, 0.9);
  const Vec3 enu = q * v;
  const Vec3 ned = imu::change_earth_frame(q, imu::EarthFrame::enu, imu::EarthFrame::ned) * v;
  const Vec3 nwu = imu::change_earth_frame(q, imu::EarthFrame::enu, imu::EarthFrame::nwu) * v;
  EXPECT_TRUE(ned.isApprox(Vec3(enu.y(), enu.x(), -enu.z()), 1e-14));
  EXPECT_TRUE(nwu.isApprox(Vec3(enu.y(), -enu.x(), enu.z()), 1e-14));
  const Quaternion round = imu::earth_frame_rotation(imu::EarthFrame::nwu, imu::EarthFrame::enu) *
                           imu::earth_frame_rotation(imu::EarthFrame::ned, imu::EarthFrame::nwu) *
                           imu::earth_frame_rotation(imu::EarthFrame::enu, imu::EarthFrame::ned);
  EXPECT_LT(angle_between(round, Quaternion::Identity()), 1e-12);
  // Errors: a pure heading offset and a pure tilt.
  const auto h = imu::orientation_error(imu::heading_rotation(10 * kDeg) * q, q);
  EXPECT_NEAR(h.heading, 10 * kDeg, 1e-12);
  EXPECT_NEAR(h.inclination, 0.0, 1e-7);
  const auto tilt = imu::orientation_error(imu::from_rotation_vector(Vec3(5 * kDeg, 0, 0)) * q, q);
  EXPECT_NEAR(tilt.inclination, 5 * kDeg, 1e-12);
  EXPECT_NEAR(tilt.heading, 0.0, 1e-12);
  // Orientation from vectors is the synthetic generator's inverse.
  const auto one = imu::synthesize_imu(trajectory(1, 1.0, [&](double) { return q; }), {1.0, {}}, {});
  EXPECT_LT(angle_between(imu::orientation_from_vectors(Vec3(&one.acc[0]), Vec3(&one.mag[0])), q), 1e-12);
  EXPECT_THROW(imu::orientation_from_vectors(Vec3::Zero()), std::invalid_argument);
}

TEST(ImuConventions, AnAbsurdTimeStepIsADropout) {
  // dt = 1e300 s (fs = 1e-300 Hz) overflowed Madgwick's squared norm (NaN from then on) and would have left Mahony's
  // integral near 1e300 for good: a step beyond kMaxTimeStep is skipped like a NaN gyroscope, the state untouched.
  const double fs = 100.0;
  const auto d = imu::synthesize_imu(trajectory(400, fs, wobble), {fs, {}}, {});
  imu::MadgwickFilter mw, mw_clean;
  const imu::MahonyParams with_integral{.kp = 1.0, .ki = 0.1, .limits = {}};
  imu::MahonyFilter mh(with_integral), mh_clean(with_integral);
  imu::RobustFilter rf, rf_clean;
  for (std::size_t i = 0; i < 400; ++i) {
    const Vec3 g(&d.gyr[3 * i]), a(&d.acc[3 * i]), m(&d.mag[3 * i]);
    if (i == 200)
      for (const double bad : {1e300, 2e6, std::numeric_limits<double>::infinity()}) {
        mw.update(bad, g, a, m);
        mh.update(bad, g, a, m);
        rf.update(bad, g, a, m);
      }
    mw.update(1 / fs, g, a, m);
    mh.update(1 / fs, g, a, m);
    rf.update(1 / fs, g, a, m);
    mw_clean.update(1 / fs, g, a, m);
    mh_clean.update(1 / fs, g, a, m);
    rf_clean.update(1 / fs, g, a, m);
  }
  EXPECT_EQ(mw.quat().coeffs(), mw_clean.quat().coeffs());
  EXPECT_EQ(mh.quat().coeffs(), mh_clean.quat().coeffs());
  EXPECT_EQ(rf.quat_9d().coeffs(), rf_clean.quat_9d().coeffs());
  EXPECT_EQ(mw.skipped(), 3u);
  EXPECT_EQ(mh.skipped(), 3u);
  EXPECT_EQ(rf.state().skipped, 3u);
}

TEST(ImuRobustFilter, BiasAtRestAndHeadingDriftOverAMinute) {
  const double fs = 100.0;
  const Quaternion pose = imu::from_rotation_vector(Vec3(0.2, -0.3, 1.0));
  imu::SyntheticImuOptions opt;
  opt.gyr_bias = Vec3(0.5, -0.5, 0.5) * kDeg;
  opt.gyr_noise = 0.1 * kDeg;  // 0.01 deg/s/sqrt(Hz) at 100 Hz
  opt.acc_noise = 0.02;
  opt.mag_noise = 0.3;
  const auto d = imu::synthesize_imu(trajectory(6000, fs, [&](double) { return pose; }), {fs, {}}, {}, opt);
  const auto r = run_robust(d, fs, {}, false);
  const std::size_t last = 5999;
  for (int k = 0; k < 3; ++k) EXPECT_NEAR(r.bias[3 * last + k], opt.gyr_bias[k], 0.05 * kDeg) << k;
  EXPECT_TRUE(r.rest[last]);
  // 6D heading drift over the minute (relative to the heading after the first second).
  const auto drift = imu::orientation_error(imu::from_wxyz(&r.q6[4 * last]) * imu::from_wxyz(&r.q6[4 * 100]).conjugate(),
                                            Quaternion::Identity());
  EXPECT_LT(drift.heading, 2.0 * kDeg);
}

TEST(ImuRobustFilter, RestGateRecoversADivergedBias) {
  // A bias estimate that diverged in motion (here: set 1.2 deg/s off with a confident 0.01 deg/s std) must not
  // lock out the rest correction: with recovery the next long rest pulls it back; without, the gate refuses it.
  const double fs = 100.0;
  const Quaternion pose = imu::from_rotation_vector(Vec3(0.2, -0.3, 1.0));
  imu::SyntheticImuOptions opt;
  opt.gyr_bias = Vec3(0.3, -0.2, 0.1) * kDeg;
  opt.gyr_noise = 0.1 * kDeg;
  opt.acc_noise = 0.02;
  const auto d = imu::synthesize_imu(trajectory(3000, fs, [&](double) { return pose; }), {fs, {}}, {}, opt);
  const auto final_bias_error = [&](double recovery_s) {
    imu::RobustFilterParams p;
    p.rest_gate_recovery_time = recovery_s;
    imu::RobustFilter f(p);
    f.set_bias(opt.gyr_bias + Vec3(1.2, -1.2, 1.2) * kDeg, 0.01 * kDeg);
    for (std::size_t i = 0; i < 3000; ++i) f.update(1 / fs, Vec3(&d.gyr[3 * i]), Vec3(&d.acc[3 * i]));
    return (f.bias() - opt.gyr_bias).cwiseAbs().maxCoeff();
  };
  EXPECT_GT(final_bias_error(0.0), 1.0 * kDeg);   // refused for the whole 30 s
  EXPECT_LT(final_bias_error(3.0), 0.05 * kDeg);  // recovered
}

TEST(ImuRobustFilter, BadSamplesAreSkippedWithTheStateIntact) {
  const double fs = 100.0;
  const auto d = imu::synthesize_imu(trajectory(600, fs, wobble), {fs, {}}, {});
  imu::RobustFilter f;
  for (std::size_t i = 0; i < 300; ++i) f.update(1 / fs, Vec3(&d.gyr[3 * i]), Vec3(&d.acc[3 * i]), Vec3(&d.mag[3 * i]));
  const auto before = f.quat_9d();
  const Vec3 bias = f.bias();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  f.update(1 / fs, Vec3(nan, 0, 0), Vec3(&d.acc[0]), Vec3(&d.mag[0]));  // NaN gyroscope
  f.update(0.0, Vec3(&d.gyr[0]), Vec3(&d.acc[0]), Vec3(&d.mag[0]));     // zero time step
  f.update(-1.0, Vec3(&d.gyr[0]), Vec3(&d.acc[0]), Vec3(&d.mag[0]));    // negative time step
  EXPECT_EQ(f.quat_9d().coeffs(), before.coeffs());
  EXPECT_EQ(f.bias(), bias);
  EXPECT_EQ(f.state().skipped, 3u);
  // A zero accelerometer and a NaN magnetometer skip only their corrections.
  f.update(1 / fs, Vec3(&d.gyr[3 * 300]), Vec3::Zero(), Vec3::Constant(nan));
  for (std::size_t i = 301; i < 600; ++i) f.update(1 / fs, Vec3(&d.gyr[3 * i]), Vec3(&d.acc[3 * i]), Vec3(&d.mag[3 * i]));
  EXPECT_TRUE(f.quat_9d().coeffs().allFinite());
  EXPECT_LT(angle_between(f.quat_9d(), imu::from_wxyz(&trajectory(600, fs, wobble)[4 * 599])), 0.5 * kDeg);
}

TEST(ImuRobustFilter, OfflineTreatsOutOfRangeSamplesLikeTheCausalFilter) {
  // A sample beyond the sensor limits is skipped (gyroscope) or absent (accelerometer, magnetometer) offline too:
  // the estimate equals the one with that sample NaN. A 1e300 rad/s gyroscope once made every later quaternion NaN.
  const double fs = 100.0;
  const std::size_t n = 600;
  const auto d = imu::synthesize_imu(trajectory(n, fs, wobble), {fs, {}}, {});
  const auto offline = [&](std::vector<double> gyr, std::vector<double> acc, std::vector<double> mag) {
    std::vector<double> q(4 * n);
    imu::estimate_orientation_offline({gyr, acc, mag}, {fs, {}}, {}, {.quat_9d = q});
    return q;
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const double huge : {1e300, 1.7e308, 1e4}) {
    for (int which = 0; which < 3; ++which) {
      auto g = d.gyr, a = d.acc, m = d.mag, g_nan = d.gyr, a_nan = d.acc, m_nan = d.mag;
      auto& v = which == 0 ? g : which == 1 ? a : m;
      auto& v_nan = which == 0 ? g_nan : which == 1 ? a_nan : m_nan;
      v[3 * 250 + 2] = huge;
      v_nan[3 * 250 + 2] = nan;
      const auto q = offline(g, a, m);
      for (const double c : q) ASSERT_TRUE(std::isfinite(c)) << "sensor " << which << ", value " << huge;
      const double limit = which == 0 ? 100.0 : which == 1 ? 4000.0 : 1e5;  // the default SensorLimits
      if (huge > limit) {
        EXPECT_EQ(q, offline(g_nan, a_nan, m_nan)) << "sensor " << which << ", value " << huge;
      }
    }
  }
}

TEST(ImuRobustFilter, BatchSplitsAreBitIdenticalAndTimestampsAreChecked) {
  const double fs = 200.0;
  const std::size_t n = 2000;
  imu::SyntheticImuOptions opt;
  opt.gyr_noise = 0.01;
  opt.acc_noise = 0.05;
  opt.mag_noise = 0.5;
  const auto d = imu::synthesize_imu(trajectory(n, fs, wobble), {fs, {}}, {}, opt);
  std::vector<double> whole(4 * n), split(4 * n);
  imu::RobustFilter a, b;
  imu::estimate_orientation(a, {d.gyr, d.acc, d.mag}, {fs, {}}, {.quat_9d = whole});
  const std::size_t cut = 777;
  const auto part = [&](std::size_t from, std::size_t to) {
    imu::estimate_orientation(b, {std::span(d.gyr).subspan(3 * from, 3 * (to - from)), std::span(d.acc).subspan(3 * from, 3 * (to - from)),
                                  std::span(d.mag).subspan(3 * from, 3 * (to - from))},
                              {fs, {}}, {{}, std::span(split).subspan(4 * from, 4 * (to - from))});
  };
  part(0, cut);
  part(cut, n);
  EXPECT_EQ(whole, split);
  std::vector<double> t(n);
  for (std::size_t i = 0; i < n; ++i) t[i] = static_cast<double>(i) / fs;
  t[500] = t[499];
  imu::RobustFilter c;
  try {
    imu::estimate_orientation(c, {d.gyr, d.acc, d.mag}, {0.0, t}, {.quat_9d = whole});
    ADD_FAILURE() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()).rfind("t:", 0), 0u) << e.what();
  }
  EXPECT_THROW(imu::estimate_orientation(c, {d.gyr, d.acc, d.mag}, {fs, t}, {.quat_9d = whole}), std::invalid_argument);
  EXPECT_THROW(imu::estimate_orientation(c, {d.gyr, d.acc, d.mag}, {-1.0, {}}, {.quat_9d = whole}), std::invalid_argument);
  // a denormal rate: 1 / fs is inf (the offline estimate was NaN throughout); a rate whose steps are all dropouts
  for (const double low : {1e-310, 1e-300, 1e-7})
    EXPECT_THROW(imu::estimate_orientation_offline({d.gyr, d.acc, d.mag}, {low, {}}, {}, {.quat_9d = whole}),
                 std::invalid_argument);
  t[500] = t[499] + 2e6;  // a 23-day jump in the timestamps
  for (std::size_t i = 501; i < n; ++i) t[i] = t[i - 1] + 1 / fs;
  EXPECT_THROW(imu::estimate_orientation(c, {d.gyr, d.acc, d.mag}, {0.0, t}, {.quat_9d = whole}),
               std::invalid_argument);
}

TEST(ImuRobustFilter, JitteredTimestampsAndSlowMagnetometer) {
  // Irregular sampling (+-40 % jitter): per-sample dt from timestamps tracks the truth, a nominal rate does not.
  const std::size_t n = 3000;
  std::vector<double> t(n);
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> jitter(0.6, 1.4);
  for (std::size_t i = 1; i < n; ++i) t[i] = t[i - 1] + 0.01 * jitter(rng);
  std::vector<double> q(4 * n);
  for (std::size_t i = 0; i < n; ++i) imu::to_wxyz(wobble(t[i]), &q[4 * i]);
  auto d = imu::synthesize_imu(q, {0.0, t}, {});
  // Magnetometer at a tenth of the rate: the other rows are NaN.
  for (std::size_t i = 0; i < n; ++i)
    if (i % 10 != 0) d.mag[3 * i] = d.mag[3 * i + 1] = d.mag[3 * i + 2] = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> with_t(4 * n), with_fs(4 * n);
  imu::RobustFilter a, b;
  imu::estimate_orientation(a, {d.gyr, d.acc, d.mag}, {0.0, t}, {.quat_9d = with_t});
  imu::estimate_orientation(b, {d.gyr, d.acc, d.mag}, {100.0, {}}, {.quat_9d = with_fs});
  double worst_t = 0.0, worst_fs = 0.0;
  for (std::size_t i = n / 2; i < n; ++i) {
    worst_t = std::max(worst_t, angle_between(imu::from_wxyz(&with_t[4 * i]), imu::from_wxyz(&q[4 * i])));
    worst_fs = std::max(worst_fs, angle_between(imu::from_wxyz(&with_fs[4 * i]), imu::from_wxyz(&q[4 * i])));
  }
  EXPECT_LT(worst_t, 0.1 * kDeg);
  EXPECT_GT(worst_fs, 10.0 * worst_t);
}

TEST(ImuRobustFilter, MagneticDisturbanceIsRejectedAndOfflineIsBetter) {
  const double fs = 100.0;
  const std::size_t n = 12000;  // 2 minutes
  const auto opt = magnet_test_sensor({{40.0, 70.0, Vec3(15.0, -10.0, 5.0), true}});  // a magnet on the sensor for 30 s
  const auto truth = trajectory(n, fs, wobble);
  const auto d = imu::synthesize_imu(truth, {fs, {}}, {}, opt);
  imu::RobustFilterParams no_rejection;
  no_rejection.mag_disturbance_rejection = false;
  const auto with = run_robust(d, fs);
  const auto without = run_robust(d, fs, no_rejection);
  imu::RobustFilterParams mag_bias;
  mag_bias.mag_bias_estimation = true;
  const auto with_mag_bias = run_robust(d, fs, mag_bias);
  std::vector<double> offline(4 * n);
  std::vector<std::uint8_t> offline_dist(n);
  imu::estimate_orientation_offline({d.gyr, d.acc, d.mag}, {fs, {}}, {}, {.quat_9d = offline, .mag_disturbed = offline_dist});
  const auto rms_deg = [&](const std::vector<double>& est, std::size_t from, std::size_t to) {
    return rms_error_deg(est, truth, from, to);
  };
  const double during_with = rms_deg(with.q9, 4000, 7000), during_without = rms_deg(without.q9, 4000, 7000);
  // Rejected, the heading drifts only with the vertical bias left (0.2 deg/s here, 40 s into the run with VQF's
  // bias_sigma_motion of 0.1 deg/s: 7.2 deg RMS over the 30 s); accepted, it follows the magnet (13.9 deg).
  // Learning the vertical bias from the undisturbed heading cuts that drift by a third.
  EXPECT_LT(during_with, 8.0);
  EXPECT_GT(during_without, 1.8 * during_with);
  EXPECT_LT(rms_deg(with_mag_bias.q9, 4000, 7000), 0.7 * during_with);
  EXPECT_TRUE(with.dist[5500]);
  EXPECT_FALSE(with.dist[11000]);
  EXPECT_LT(rms_deg(offline, 1000, n), rms_deg(with.q9, 1000, n));
  // Offline, the magnet's moments where norm and dip happen to look right stay rejected by each run's wait for
  // clean field, taken back only where the heading they imply agrees with the undisturbed samples' (0.71 deg, 2968
  // of the 3000 samples flagged; dropping the wait where both runs hold the same field let them through: 5.2 deg).
  EXPECT_LT(rms_deg(offline, 4000, 7000), 1.5);
  EXPECT_GT(std::count(offline_dist.begin() + 4000, offline_dist.begin() + 7000, 1), 2900);
  // offline, a sample is disturbed when either run flags it: the magnet's 30 s, not the clean field either side
  EXPECT_TRUE(offline_dist[4200] && offline_dist[5500] && offline_dist[6800]);
  EXPECT_FALSE(offline_dist[3000] || offline_dist[8500] || offline_dist[11000]);
}

TEST(ImuRobustFilter, OfflineTakesNothingBackWhereTheCleanFieldScatters) {
  // A field whose heading wanders +-30 deg around the room (norm and dip unchanged, so nothing flags it) and a magnet
  // on the sensor for 30 s. The undisturbed samples then scatter by tens of degrees about the smoothed heading, and
  // a gate of 3 of their SDs would take back magnet samples; it is capped at mag_dip_threshold. Measured 5.24 deg
  // during the magnet, 7.52 with the gate uncapped.
  const double fs = 100.0;
  const std::size_t n = 12000;
  const auto truth = trajectory(n, fs, wobble);
  auto d = imu::synthesize_imu(truth, {fs, {}}, {}, magnet_test_sensor({}));
  const Vec3 earth = imu::SyntheticImuOptions{}.field, magnet(15.0, -10.0, 5.0);
  std::mt19937 rng(7);
  std::normal_distribution<double> noise(0.0, 0.3);
  for (std::size_t i = 0; i < n; ++i) {
    const double t = static_cast<double>(i) / fs;
    const Vec3 field = Eigen::AngleAxisd(30.0 * kDeg * std::sin(0.5 * t), Vec3::UnitZ()) * earth;
    const Vec3 m = imu::from_wxyz(&truth[4 * i]).conjugate() * field + (t >= 40.0 && t < 70.0 ? magnet : Vec3::Zero());
    for (int k = 0; k < 3; ++k) d.mag[3 * i + k] = m[k] + noise(rng);
  }
  std::vector<double> q(4 * n);
  imu::estimate_orientation_offline({d.gyr, d.acc, d.mag}, {fs, {}}, {}, {.quat_9d = q});
  EXPECT_LT(rms_error_deg(q, truth, 4000, 7000), 6.0);
}

TEST(ImuRobustFilter, OfflineRejectsAMagnetAtEitherEnd) {
  // A magnet on the sensor for the first and the last 20 s of a 2-minute recording, and another for 2 s in the
  // middle. Each run flags what deviates from its accepted field; the forward run has none yet at the start, the
  // backward run none at the end, so each end is rejected by the run arriving from the clean field. Offline VQF's
  // rule (only what both runs flag) would let both ends through.
  const double fs = 100.0;
  const std::size_t n = 12000;
  const auto opt = magnet_test_sensor({{0.0, 20.0, Vec3(15.0, -10.0, 5.0), true},
                                       {60.0, 62.0, Vec3(-12.0, 8.0, 4.0), true},
                                       {100.0, 120.0, Vec3(-15.0, 10.0, 5.0), true}});
  const auto truth = trajectory(n, fs, wobble);
  const auto d = imu::synthesize_imu(truth, {fs, {}}, {}, opt);
  std::vector<double> q(4 * n), q_accepting(4 * n);
  std::vector<std::uint8_t> dist(n);
  imu::estimate_orientation_offline({d.gyr, d.acc, d.mag}, {fs, {}}, {}, {.quat_9d = q, .mag_disturbed = dist});
  imu::RobustFilterParams no_rejection;
  no_rejection.mag_disturbance_rejection = false;
  imu::estimate_orientation_offline({d.gyr, d.acc, d.mag}, {fs, {}}, no_rejection, {.quat_9d = q_accepting});
  const auto rms_deg = [&](const std::vector<double>& est, std::size_t from, std::size_t to) {
    return rms_error_deg(est, truth, from, to);
  };
  // The end magnet is flagged where its field's norm or dip differs from the clean field's (about 17 of its 20 s:
  // in some orientations it leaves both within the thresholds, and no rule based on them can see it there).
  for (std::size_t i : {100u, 1500u, 1900u, 6005u, 6100u, 6195u, 10100u, 11900u}) EXPECT_TRUE(dist[i]) << i;
  for (std::size_t i : {2100u, 5000u, 5900u, 6300u, 8000u, 9900u}) EXPECT_FALSE(dist[i]) << i;
  // Each run's 0.5 s wait for clean field after the middle one (the backward run's before it) is taken back where
  // its heading agrees with the rest: 5 of each 50 samples stay flagged (all 50 when either run's wait rejected).
  EXPECT_LE(std::count(dist.begin() + 5950, dist.begin() + 6000, 1), 10);
  EXPECT_LE(std::count(dist.begin() + 6200, dist.begin() + 6250, 1), 10);
  const double start = rms_deg(q, 0, 2000), end = rms_deg(q, 10000, n), middle = rms_deg(q, 3000, 9000);
  // measured: 0.94 / 9.49 / 1.14 deg, accepting the magnets 10.12 / 17.32 deg
  EXPECT_LT(start, 0.15 * rms_deg(q_accepting, 0, 2000));
  EXPECT_LT(end, 0.6 * rms_deg(q_accepting, 10000, n));
  EXPECT_LT(middle, 1.3);
}
