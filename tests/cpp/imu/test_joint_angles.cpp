#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <stdexcept>
#include <vector>

#include "kinemyo/imu/batch.hpp"
#include "kinemyo/imu/joint_angles.hpp"
#include "kinemyo/imu/synthetic.hpp"

namespace imu = kinemyo::imu;
using imu::Quaternion;
using imu::Vec3;

namespace {
constexpr double kDeg = std::numbers::pi / 180.0;
const Vec3 kNorth(0, 1, 0), kUp(0, 0, 1), kEast(1, 0, 0);

Quaternion axes(const Vec3& x, const Vec3& y, const Vec3& z) {
  Eigen::Matrix3d r;
  r << x, y, z;
  return Quaternion(r);
}
Quaternion cardan_zxy(double a, double b, double c) {
  return Quaternion(Eigen::AngleAxisd(a, Vec3::UnitZ())) * Quaternion(Eigen::AngleAxisd(b, Vec3::UnitX())) *
         Quaternion(Eigen::AngleAxisd(c, Vec3::UnitY()));
}
// Subject facing north: segment x north (anterior), y up, z east (right).
const Quaternion kNeutral = axes(kNorth, kUp, kEast);
double ramp(double t) { return t < 5.0 ? 0.0 : (t > 8.0 ? 1.0 : 0.5 - 0.5 * std::cos(std::numbers::pi * (t - 5.0) / 3.0)); }
}  // namespace

TEST(JointAngles, SignConventionsAreClinical) {
  const Quaternion pelvis = kNeutral;
  const auto knee = [&](const Quaternion& thigh) { return Vec3(thigh * Vec3(0, -1, 0)); };  // toward the knee
  const Vec3 anterior = pelvis * Vec3::UnitX(), right = pelvis * Vec3::UnitZ();
  const double x = 20 * kDeg;
  const auto hr = imu::hip_angles(pelvis, pelvis * cardan_zxy(x, 0, 0), imu::Side::right);
  EXPECT_NEAR(hr.flexion, x, 1e-12);
  EXPECT_GT(knee(pelvis * cardan_zxy(x, 0, 0)).dot(anterior), 0.0);  // flexion: knee forward
  // Adduction of the right leg moves the knee to the left (medially); of the left leg, to the right.
  const Quaternion add_right = pelvis * cardan_zxy(0, x, 0);
  EXPECT_NEAR(imu::hip_angles(pelvis, add_right, imu::Side::right).adduction, x, 1e-12);
  EXPECT_LT(knee(add_right).dot(right), 0.0);
  const Quaternion add_left = pelvis * cardan_zxy(0, -x, 0);
  EXPECT_NEAR(imu::hip_angles(pelvis, add_left, imu::Side::left).adduction, x, 1e-12);
  EXPECT_GT(knee(add_left).dot(right), 0.0);
  // Internal rotation turns the thigh's anterior face medially.
  const Quaternion int_right = pelvis * cardan_zxy(0, 0, x);
  EXPECT_NEAR(imu::hip_angles(pelvis, int_right, imu::Side::right).internal_rotation, x, 1e-12);
  EXPECT_LT((int_right * Vec3::UnitX()).dot(right), 0.0);
  EXPECT_NEAR(imu::hip_angles(pelvis, pelvis * cardan_zxy(0, 0, -x), imu::Side::left).internal_rotation, x, 1e-12);
  // Lumbo-pelvic: forward bending, bending to the right, rotating to the left are positive.
  const Quaternion flex = pelvis * cardan_zxy(-x, 0, 0), bend = pelvis * cardan_zxy(0, x, 0), rot = pelvis * cardan_zxy(0, 0, x);
  EXPECT_NEAR(imu::lumbopelvic_angles(pelvis, flex).flexion, x, 1e-12);
  EXPECT_GT((flex * Vec3::UnitY()).dot(anterior), 0.0);
  EXPECT_NEAR(imu::lumbopelvic_angles(pelvis, bend).lateral_bend_right, x, 1e-12);
  EXPECT_GT((bend * Vec3::UnitY()).dot(right), 0.0);
  EXPECT_NEAR(imu::lumbopelvic_angles(pelvis, rot).rotation_left, x, 1e-12);
  EXPECT_LT((rot * Vec3::UnitX()).dot(right), 0.0);
  EXPECT_NEAR(imu::inclination(flex), x, 1e-12);
  // Combined angles come back exactly (Z-X-Y decomposition).
  const auto c = imu::hip_angles(pelvis, pelvis * cardan_zxy(0.7, -0.2, 0.3), imu::Side::right);
  EXPECT_NEAR(c.flexion, 0.7, 1e-12);
  EXPECT_NEAR(c.adduction, -0.2, 1e-12);
  EXPECT_NEAR(c.internal_rotation, 0.3, 1e-12);
}

TEST(JointAngles, AxisElevationIsTheAngleAboveTheHorizontal) {
  // A foot pitched toe-up by 0.3 rad about its lateral axis (y), then turned to any heading: the toe axis x
  // rises 0.3 rad whatever the heading; scaling the axis changes nothing; a zero axis is an error.
  for (double heading : {0.0, 1.0, -2.5}) {
    const Quaternion q = Quaternion(Eigen::AngleAxisd(heading, Vec3::UnitZ())) * Quaternion(Eigen::AngleAxisd(-0.3, Vec3::UnitY()));
    EXPECT_NEAR(imu::axis_elevation(q, Vec3::UnitX()), 0.3, 1e-12);
    EXPECT_NEAR(imu::axis_elevation(q, 4.0 * Vec3::UnitX()), 0.3, 1e-12);
    EXPECT_NEAR(imu::axis_elevation(q, Vec3::UnitZ()), std::numbers::pi / 2 - 0.3, 1e-12);
  }
  EXPECT_THROW(imu::axis_elevation(Quaternion::Identity(), Vec3::Zero()), std::invalid_argument);
}

TEST(JointAngles, SyntheticHipMotionThroughTheFiltersWithinOneDegree) {
  const double fs = 100.0;
  const std::size_t n = 6000;
  const Quaternion mount_pelvis = imu::from_rotation_vector(Vec3(0.3, 2.0, -0.5));  // q_segment_sensor
  const Quaternion mount_thigh = imu::from_rotation_vector(Vec3(-1.2, 0.4, 0.9));
  std::vector<double> qp(4 * n), qt(4 * n);
  std::vector<Vec3> truth(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double t = static_cast<double>(i) / fs, w = ramp(t);
    const Quaternion pelvis = imu::heading_rotation(w * 0.4 * std::sin(0.2 * t)) * kNeutral *
                              cardan_zxy(w * 0.1 * std::sin(0.5 * t), 0.0, 0.0);
    truth[i] = w * Vec3(0.6 * std::sin(0.8 * t), 0.15 * std::sin(0.5 * t + 1.0), 0.2 * std::sin(0.3 * t + 2.0));
    const Quaternion thigh = pelvis * cardan_zxy(truth[i].x(), truth[i].y(), truth[i].z());
    imu::to_wxyz(pelvis * mount_pelvis, &qp[4 * i]);
    imu::to_wxyz(thigh * mount_thigh, &qt[4 * i]);
  }
  imu::SyntheticImuOptions opt;
  opt.gyr_noise = 0.1 * kDeg;
  opt.acc_noise = 0.03;
  opt.mag_noise = 0.3;
  opt.gyr_bias = Vec3(0.2, -0.3, 0.1) * kDeg;
  const auto dp = imu::synthesize_imu(qp, {fs, {}}, {}, opt);
  opt.seed = 2;
  opt.gyr_bias = Vec3(-0.1, 0.2, 0.3) * kDeg;
  const auto dt = imu::synthesize_imu(qt, {fs, {}}, {}, opt);
  std::vector<double> ep(4 * n), et(4 * n);
  imu::RobustFilter fp, ft;
  imu::estimate_orientation(fp, {dp.gyr, dp.acc, dp.mag}, {fs, {}}, {.quat_9d = ep});
  imu::estimate_orientation(ft, {dt.gyr, dt.acc, dt.mag}, {fs, {}}, {.quat_9d = et});
  // Static calibration over 1-4 s. The pelvis hint defines anterior for every segment, so it must be right; the
  // thigh's is only a rough mounting (5 deg off) and unused with a shared (magnetic) heading.
  const auto mean = [](const std::vector<double>& q) { return imu::mean_orientation(std::span(q).subspan(400, 1200)); };
  const Quaternion rough = imu::from_rotation_vector(Vec3(0, 0, 5 * kDeg));
  const std::vector<Quaternion> sensors = {mean(ep), mean(et)};
  const std::vector<Vec3> hints = {mount_pelvis.conjugate() * Vec3::UnitX(),
                                   rough * (mount_thigh.conjugate() * Vec3::UnitX())};
  const auto cal = imu::calibrate_static_pose(sensors, hints, 0, /*shared_heading=*/true);
  double sq[3] = {0, 0, 0};
  std::size_t count = 0;
  for (std::size_t i = 1000; i < n; ++i) {
    const auto a = imu::hip_angles(imu::segment_orientation(imu::from_wxyz(&ep[4 * i]), cal[0]),
                                   imu::segment_orientation(imu::from_wxyz(&et[4 * i]), cal[1]), imu::Side::right);
    sq[0] += std::pow(a.flexion - truth[i].x(), 2);
    sq[1] += std::pow(a.adduction - truth[i].y(), 2);
    sq[2] += std::pow(a.internal_rotation - truth[i].z(), 2);
    ++count;
  }
  for (double s : sq) EXPECT_LT(std::sqrt(s / static_cast<double>(count)), 1.0 * kDeg);

  // 6D sensors with 15 deg mounting error in the hint: static calibration alone mixes flexion into the other
  // angles; the functional flexion axis (from the 10 s of flexion swings) restores them.
  const Quaternion bad = imu::from_rotation_vector(Vec3(0, 0, 15 * kDeg));
  std::vector<double> e6p(4 * n), e6t(4 * n);
  imu::RobustFilter gp, gt;
  imu::estimate_orientation(gp, {dp.gyr, dp.acc, {}}, {fs, {}}, {.quat_6d = e6p});
  imu::estimate_orientation(gt, {dt.gyr, dt.acc, {}}, {fs, {}}, {.quat_6d = e6t});
  const std::vector<Quaternion> s6 = {mean(e6p), mean(e6t)};
  const std::vector<Vec3> h6 = {mount_pelvis.conjugate() * Vec3::UnitX(), bad * (mount_thigh.conjugate() * Vec3::UnitX())};
  auto cal6 = imu::calibrate_static_pose(s6, h6, 0, /*shared_heading=*/false);
  const auto rms_add = [&](const std::vector<imu::SegmentCalibration>& c) {
    double s = 0.0;
    for (std::size_t i = 1000; i < 3000; ++i) {
      const auto a = imu::hip_angles(imu::segment_orientation(imu::from_wxyz(&e6p[4 * i]), c[0]),
                                     imu::segment_orientation(imu::from_wxyz(&e6t[4 * i]), c[1]), imu::Side::right);
      s += std::pow(a.adduction - truth[i].y(), 2);
    }
    return std::sqrt(s / 2000.0);
  };
  const double before = rms_add(cal6);
  std::vector<double> sp(4 * n), st(4 * n);  // orientations in the shared frame for the functional axis
  for (std::size_t i = 0; i < n; ++i) {
    imu::to_wxyz(imu::heading_rotation(cal6[0].heading_offset) * imu::from_wxyz(&e6p[4 * i]), &sp[4 * i]);
    imu::to_wxyz(imu::heading_rotation(cal6[1].heading_offset) * imu::from_wxyz(&e6t[4 * i]), &st[4 * i]);
  }
  const Vec3 axis = imu::functional_axis(std::span(dp.gyr).subspan(3 * 800, 3 * 1000), std::span(dt.gyr).subspan(3 * 800, 3 * 1000),
                                         std::span(sp).subspan(4 * 800, 4 * 1000), std::span(st).subspan(4 * 800, 4 * 1000),
                                         cal6[1].sensor_to_segment * Vec3::UnitZ());
  const Vec3 true_axis = mount_thigh.conjugate() * Vec3::UnitZ();
  EXPECT_GT(axis.dot(true_axis), std::cos(5 * kDeg));
  cal6[1] = imu::refine_with_functional_axis(cal6[1], axis, true);
  EXPECT_LT(rms_add(cal6), 0.5 * before);
}

TEST(JointAngles, RelativeHeadingRealignedAtStandingRest) {
  // Two upright segments whose distal heading estimate drifted by 8 deg (reads as 8 deg internal rotation of a
  // right hip): standing still re-aligns it.
  const std::size_t n = 1000;
  std::vector<double> p(4 * n), d(4 * n);
  std::vector<std::uint8_t> rest(n, 1);
  for (std::size_t i = 0; i < n; ++i) {
    imu::to_wxyz(kNeutral, &p[4 * i]);
    imu::to_wxyz(imu::heading_rotation(8 * kDeg) * kNeutral, &d[4 * i]);
  }
  const auto out = imu::align_relative_heading(p, d, rest, 100.0, 10 * kDeg, 1.0);
  EXPECT_NEAR(imu::hip_angles(kNeutral, imu::from_wxyz(&out[0]), imu::Side::right).internal_rotation, 8 * kDeg, 0.2 * kDeg);
  EXPECT_NEAR(imu::hip_angles(kNeutral, imu::from_wxyz(&out[4 * (n - 1)]), imu::Side::right).internal_rotation, 0.0, 1e-3);
  std::fill(rest.begin(), rest.end(), 0);  // moving: nothing changes
  const auto moving = imu::align_relative_heading(p, d, rest, 100.0, 10 * kDeg, 1.0);
  EXPECT_NEAR(imu::hip_angles(kNeutral, imu::from_wxyz(&moving[4 * (n - 1)]), imu::Side::right).internal_rotation,
              8 * kDeg, 1e-9);
}

TEST(JointAngles, RepetitionsWithHysteresis) {
  // Five flexion repetitions of 10, 20, 30, 40, 50 deg with noise smaller than the threshold.
  std::vector<double> a;
  for (int r = 1; r <= 5; ++r)
    for (int k = 0; k < 200; ++k) a.push_back(r * 10 * kDeg * std::sin(std::numbers::pi * k / 200.0) + 0.5 * kDeg * std::sin(k * 1.7));
  for (int k = 0; k < 100; ++k) a.push_back(0.5 * kDeg * std::sin(k * 1.3));
  const auto reps = imu::repetitions(a, 5 * kDeg);
  ASSERT_EQ(reps.size(), 5u);
  for (int r = 0; r < 5; ++r) EXPECT_NEAR(reps[r].range, (r + 1) * 10 * kDeg, 1.2 * kDeg) << r;
  EXPECT_LT(reps[0].start, reps[0].peak);
  EXPECT_EQ(reps[0].end, reps[1].start);
  EXPECT_TRUE(imu::repetitions(std::vector<double>(100, 0.0), 5 * kDeg).empty());
  EXPECT_THROW(imu::repetitions(a, 0.0), std::invalid_argument);
}
