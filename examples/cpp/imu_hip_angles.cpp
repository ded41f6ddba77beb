// Hip angles from two IMUs (pelvis and right thigh), end to end: orientation from gyroscope, accelerometer and
// magnetometer with the robust filter (streaming, one sample at a time), sensor-to-segment calibration (a static
// standing pose, refined by two pure flexion swings), the hip's joint-coordinate-system angles and the range of
// motion per repetition. The recording is synthetic so the true angles are known: 10 s standing, 2 calibration
// swings (30 deg), then 6 exercise repetitions (0 -> 50 deg flexion with 8 deg adduction, 5 s each), while the
// pelvis tilts and the person slowly turns. The sensors are strapped on at arbitrary angles that are known only
// roughly, their gyroscopes have a bias, all signals are noisy and the thigh sensor feels its swing.
// Prints each repetition against the truth and the RMS angle errors over the exercise; exit code 1 if a
// repetition is missed or an error exceeds 2.5 deg.
//   imu_hip_angles
#include <kinemyo/imu.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <numbers>
#include <span>
#include <vector>

namespace imu = kinemyo::imu;
using imu::Quaternion;
using imu::Vec3;

namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kDeg = kPi / 180.0;
constexpr double kFs = 100.0;  // Hz
// Protocol (s): standing, calibration swings, exercise repetitions, standing.
constexpr double kStand = 10.0, kSwing = 4.0, kRepetition = 5.0, kEnd = 5.0;
constexpr int kSwings = 2, kRepetitions = 6;
constexpr double kExercise = kStand + kSwings * kSwing;  // start of the exercise
constexpr double kDuration = kExercise + kRepetitions * kRepetition + kEnd;

Quaternion about(const Vec3& axis, double angle) { return Quaternion(Eigen::AngleAxisd(angle, axis.normalized())); }

// A raised cosine 0 -> 1 -> 0 per cycle of `period` s from `start`, `cycles` times; 0 outside.
double cycles(double t, double start, double period, int count) {
  if (t < start || t >= start + count * period) return 0.0;
  return 0.5 * (1.0 - std::cos(2.0 * kPi * (t - start) / period));
}

struct Truth {
  Quaternion pelvis, thigh;  // segment-to-earth (ENU; segment x anterior, y superior, z right)
  double flexion, adduction;
};

Truth truth_at(double t) {
  Eigen::Matrix3d facing_east;  // columns: anterior = east, superior = up, right = south
  facing_east << 1, 0, 0, 0, 0, -1, 0, 1, 0;
  const double turn = 30.0 * kDeg * t / kDuration;                   // slow turn to the left
  const double tilt = 4.0 * kDeg * std::sin(2.0 * kPi * 0.3 * t);  // pelvic tilt about its z
  const Quaternion pelvis = about(Vec3::UnitZ(), turn) * Quaternion(facing_east) * about(Vec3::UnitZ(), tilt);
  const double exercise = cycles(t, kExercise, kRepetition, kRepetitions);
  const double flexion = 30.0 * kDeg * cycles(t, kStand, kSwing, kSwings) + 50.0 * kDeg * exercise;
  const double adduction = 8.0 * kDeg * exercise;
  // Z-X-Y Cardan (Grood & Suntay 1983): flexion about the pelvis z, adduction about the floating x (right side).
  const Quaternion thigh = pelvis * about(Vec3::UnitZ(), flexion) * about(Vec3::UnitX(), adduction);
  return {pelvis.normalized(), thigh.normalized(), flexion, adduction};
}

// One sensor's recording: orientation = segment (x) mounting; the thigh sensor sits 0.25 m below the hip joint,
// so it feels the linear acceleration of the swing (central differences of its position).
imu::SyntheticImu record(const std::vector<Truth>& truth, bool thigh, const Quaternion& mounting, std::uint64_t seed) {
  const std::size_t n = truth.size();
  std::vector<double> quat(4 * n), position(3 * n), linear_acc(3 * n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    const Quaternion& segment = thigh ? truth[i].thigh : truth[i].pelvis;
    imu::to_wxyz((segment * mounting).normalized(), &quat[4 * i]);
    const Vec3 p = thigh ? Vec3(segment * Vec3(0.0, -0.25, 0.0)) : Vec3::Zero();
    for (int k = 0; k < 3; ++k) position[3 * i + k] = p[k];
  }
  for (std::size_t i = 1; i + 1 < n; ++i)
    for (std::size_t k = 0; k < 3; ++k)
      linear_acc[3 * i + k] =
          (position[3 * (i + 1) + k] - 2.0 * position[3 * i + k] + position[3 * (i - 1) + k]) * kFs * kFs;
  imu::SyntheticImuOptions options;
  options.gyr_noise = 0.01;  // rad/s
  options.acc_noise = 0.05;  // m/s^2
  options.mag_noise = 0.5;   // uT
  options.gyr_bias = thigh ? Vec3(0.4, -0.3, 0.5) * kDeg : Vec3(-0.5, 0.2, 0.3) * kDeg;  // rad/s
  options.seed = seed;
  return imu::synthesize_imu(quat, imu::SampleTimes{kFs, {}}, linear_acc, options);
}

// Sensor-to-earth orientations (n x 4) from the robust filter, fed sample by sample as a live stream would be.
std::vector<double> orientation(const imu::SyntheticImu& data) {
  imu::RobustFilter filter;
  const std::size_t n = data.gyr.size() / 3;
  std::vector<double> quat(4 * n);
  const auto row = [](const std::vector<double>& v, std::size_t i) { return Vec3(v[3 * i], v[3 * i + 1], v[3 * i + 2]); };
  for (std::size_t i = 0; i < n; ++i) {
    filter.update(1.0 / kFs, row(data.gyr, i), row(data.acc, i), row(data.mag, i));
    imu::to_wxyz(filter.quat_9d(), &quat[4 * i]);
  }
  return quat;
}

// What one knows of a strapped-on sensor: which of its axes (with sign) is closest to a segment axis.
Vec3 closest_sensor_axis(const Quaternion& mounting, const Vec3& segment_axis) {
  const Vec3 exact = mounting.conjugate() * segment_axis;
  Eigen::Index k = 0;
  exact.cwiseAbs().maxCoeff(&k);
  return Vec3::Unit(k) * (exact[k] > 0.0 ? 1.0 : -1.0);
}

std::size_t sample(double t) { return static_cast<std::size_t>(std::lround(t * kFs)); }

std::span<const double> rows(const std::vector<double>& v, std::size_t width, std::size_t from, std::size_t to) {
  return std::span(v).subspan(width * from, width * (to - from));
}

double rms(const std::vector<double>& e) {
  double s = 0.0;
  for (double v : e) s += v * v;
  return std::sqrt(s / static_cast<double>(e.size()));
}

}  // namespace

int main() {
  const std::size_t n = sample(kDuration);
  std::vector<Truth> truth(n);
  for (std::size_t i = 0; i < n; ++i) truth[i] = truth_at(static_cast<double>(i) / kFs);

  const Quaternion pelvis_mounting = about(Vec3(0.3, -1.0, 0.4), 1.9);  // sensor-to-segment, unknown to the user
  const Quaternion thigh_mounting = about(Vec3(-0.7, 0.2, 1.0), 2.4);
  const imu::SyntheticImu pelvis_imu = record(truth, false, pelvis_mounting, 1);
  const imu::SyntheticImu thigh_imu = record(truth, true, thigh_mounting, 2);
  const std::vector<double> q_pelvis = orientation(pelvis_imu), q_thigh = orientation(thigh_imu);

  // Static pose: the last 4 s of standing give each segment's vertical; the pelvis sensor's axis closest to
  // anterior gives the heading (9D: both sensors share magnetic north).
  const std::size_t s0 = sample(kStand - 4.0), s1 = sample(kStand);
  const std::vector<Quaternion> standing = {imu::mean_orientation(rows(q_pelvis, 4, s0, s1)),
                                            imu::mean_orientation(rows(q_thigh, 4, s0, s1))};
  const std::vector<Vec3> anterior = {closest_sensor_axis(pelvis_mounting, Vec3::UnitX()),
                                      closest_sensor_axis(thigh_mounting, Vec3::UnitX())};
  auto calibration = imu::calibrate_static_pose(standing, anterior, /*pelvis_index=*/0, /*shared_heading=*/true);
  // Functional refinement: the flexion axis of the swings, fixed in both segments, becomes each segment's z.
  const std::size_t f0 = sample(kStand), f1 = sample(kExercise);
  const Vec3 thigh_axis = imu::functional_axis(rows(pelvis_imu.gyr, 3, f0, f1), rows(thigh_imu.gyr, 3, f0, f1),
                                               rows(q_pelvis, 4, f0, f1), rows(q_thigh, 4, f0, f1),
                                               closest_sensor_axis(thigh_mounting, Vec3::UnitZ()));
  const Vec3 pelvis_axis = imu::functional_axis(rows(thigh_imu.gyr, 3, f0, f1), rows(pelvis_imu.gyr, 3, f0, f1),
                                                rows(q_thigh, 4, f0, f1), rows(q_pelvis, 4, f0, f1),
                                                closest_sensor_axis(pelvis_mounting, Vec3::UnitZ()));
  calibration[0] = imu::refine_with_functional_axis(calibration[0], pelvis_axis, /*axis_is_flexion=*/true);
  calibration[1] = imu::refine_with_functional_axis(calibration[1], thigh_axis, /*axis_is_flexion=*/true);

  std::vector<double> flexion(n), flexion_error, adduction_error;
  for (std::size_t i = 0; i < n; ++i) {
    const Quaternion pelvis = imu::segment_orientation(imu::from_wxyz(&q_pelvis[4 * i]), calibration[0]);
    const Quaternion thigh = imu::segment_orientation(imu::from_wxyz(&q_thigh[4 * i]), calibration[1]);
    const imu::HipAngles hip = imu::hip_angles(pelvis, thigh, imu::Side::right);
    flexion[i] = hip.flexion;
    if (i >= f1) {
      flexion_error.push_back(hip.flexion - truth[i].flexion);
      adduction_error.push_back(hip.adduction - truth[i].adduction);
    }
  }

  const auto exercise = imu::repetitions(std::span(flexion).subspan(f1), /*min_range=*/20.0 * kDeg);
  std::printf("%zu repetitions of hip flexion (true: %d)\n", exercise.size(), kRepetitions);
  std::printf("%4s %8s %12s %12s\n", "rep", "peak_s", "range_deg", "true_deg");
  double worst_range_error = 0.0;
  for (std::size_t r = 0; r < exercise.size(); ++r) {
    const std::size_t peak = f1 + exercise[r].peak;
    const double true_range = truth[peak].flexion;  // every repetition starts and ends at 0
    std::printf("%4zu %8.2f %12.2f %12.2f\n", r + 1, static_cast<double>(peak) / kFs, exercise[r].range / kDeg,
                true_range / kDeg);
    worst_range_error = std::max(worst_range_error, std::abs(exercise[r].range - true_range));
  }
  const double rms_flexion = rms(flexion_error), rms_adduction = rms(adduction_error);
  std::printf("RMS error over the exercise: flexion %.2f deg, adduction %.2f deg; worst range error %.2f deg\n",
              rms_flexion / kDeg, rms_adduction / kDeg, worst_range_error / kDeg);
  const double tolerance = 2.5 * kDeg;
  const bool ok = exercise.size() == kRepetitions && rms_flexion < tolerance && rms_adduction < tolerance &&
                  worst_range_error < tolerance;
  return ok ? 0 : 1;
}
