#pragma once
// Rehabilitation layer: sensor-to-segment calibration, joint angles and range of motion per repetition.
//
// Segment frames follow the ISB recommendation (Wu et al., J Biomech 35:543, 2002): x anterior, y superior
// (along the segment's long axis), z to the right, for both sides. A segment's orientation is sensor-to-earth
// composed with the constant sensor-to-segment rotation: q_earth_segment = Rz(heading_offset) (x) q_earth_sensor
// (x) q_sensor_segment. Joint angles are the joint-coordinate-system angles of the distal segment relative to the
// proximal one (Grood & Suntay, J Biomech Eng 105:136, 1983): a Z-X-Y Cardan sequence (flexion about the proximal
// z, then the floating axis, then the distal y). Angles are radians.
//  - Hip (pelvis -> thigh): flexion +, adduction +, internal rotation + on both sides (left-side ad/abduction
//    and rotation are mirrored so the clinical meaning is the same).
//  - Lumbo-pelvic (pelvis -> lower back): flexion + (forward bending), lateral bending to the right +, axial
//    rotation to the left + (right-hand rule about the vertical).
//  - Trunk inclination: angle of a segment's long axis from the vertical.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "kinemyo/imu/quaternion.hpp"

namespace kinemyo::imu {

struct SegmentCalibration {
  Quaternion sensor_to_segment = Quaternion::Identity();  ///< q_sensor_segment
  double heading_offset = 0.0;  ///< rad, rotates the sensor's earth frame into the shared one (6D sensors)
  /// The calibration pose, kept for refinements: the sensor's orientation, the shared anterior heading (rad,
  /// counter-clockwise from x) and whether the earth frames share a heading (9D) or were aligned by assumption.
  Quaternion static_orientation = Quaternion::Identity();
  double forward_heading = 0.0;
  bool shared_heading = true;
};

/// Average of unit quaternions (Markley et al., J Guid Control Dyn 30:1193, 2007): the principal eigenvector of
/// sum q q^T, sign-agnostic. Throws std::invalid_argument for an empty or non-finite set.
Quaternion mean_orientation(std::span<const double> quat /* n x 4 */);

/// Static-pose calibration of several sensors at once, each with its mean orientation in a neutral upright pose
/// and a rough anterior direction in its sensor frame (the mounting: e.g. [1, 0, 0] if x points forward). Gravity
/// gives each segment's y; the pelvis sensor's anterior hint, made horizontal, gives the shared heading (x); every
/// other sensor's heading offset is chosen so its segment faces the same way (for 6D sensors, whose earth frames
/// differ in heading). Throws if a hint is (nearly) vertical.
/// With `shared_heading` (9D sensors, one magnetic north) heading offsets stay 0 and only the pelvis hint is used.
std::vector<SegmentCalibration> calibrate_static_pose(std::span<const Quaternion> sensor_orientations,
                                                      std::span<const Vec3> anterior_hints, std::size_t pelvis_index,
                                                      bool shared_heading);

/// Functional calibration: the axis (unit, in the distal sensor frame) about which the distal segment rotated
/// relative to the proximal one, from both gyroscopes and orientations during a single-plane movement (e.g. hip
/// flexion/extension swings -> the flexion axis). Principal axis of the relative angular velocity; the sign makes
/// it point along `hint` (distal sensor frame). n x 3 gyroscopes, n x 4 orientations in one shared earth frame
/// (apply the static calibration's heading offsets to 6D sensors first).
Vec3 functional_axis(std::span<const double> gyr_proximal, std::span<const double> gyr_distal,
                     std::span<const double> quat_proximal, std::span<const double> quat_distal, const Vec3& hint);

/// Refines a static calibration with a functional axis (distal sensor frame): `axis_is_flexion` true sets the
/// segment z (medio-lateral) to it, false (an abduction movement) sets x (antero-posterior); the segment y from
/// the static pose is kept and the third axis completes a right-handed frame. Without a shared heading (6D), the
/// heading offset is re-chosen so the refined segment faces the shared anterior in the calibration pose.
SegmentCalibration refine_with_functional_axis(const SegmentCalibration& static_calibration, const Vec3& axis,
                                               bool axis_is_flexion);

Quaternion segment_orientation(const Quaternion& q_earth_sensor, const SegmentCalibration& calibration);

enum class Side { right, left };
struct HipAngles {
  double flexion = 0.0, adduction = 0.0, internal_rotation = 0.0;
};
struct LumboPelvicAngles {
  double flexion = 0.0, lateral_bend_right = 0.0, rotation_left = 0.0;
};
HipAngles hip_angles(const Quaternion& pelvis_segment, const Quaternion& thigh_segment, Side side);
LumboPelvicAngles lumbopelvic_angles(const Quaternion& pelvis_segment, const Quaternion& lower_back_segment);
double inclination(const Quaternion& segment);  ///< angle of the segment's y from the vertical
/// Elevation (rad) of a body axis above the horizontal plane: asin of its earth-vertical component, positive when
/// the axis points up (e.g. a foot sensor's toe axis: toe-up positive). `axis` must be a non-zero finite vector.
double axis_elevation(const Quaternion& orientation, const Vec3& axis);

/// Relative heading of two 6D sensors drifts. While both rest in a posture close to the calibration (each
/// segment's long axis within `tolerance` of vertical), the distal heading is pulled toward a zero joint rotation
/// about the vertical with time constant `tau` (s): the assumption is that standing still, the joint is near its
/// calibrated neutral rotation. Causal; returns the corrected distal segment orientations (n x 4).
std::vector<double> align_relative_heading(std::span<const double> proximal_segment, std::span<const double> distal_segment,
                                           std::span<const std::uint8_t> rest, double fs, double tolerance, double tau);

/// Repetitions of a movement in a joint-angle series: cycles valley -> peak -> valley whose excursions both
/// exceed `min_range` (hysteresis, so noise smaller than that never splits a repetition).
struct Repetition {
  std::size_t start = 0, peak = 0, end = 0;  ///< sample indices
  double minimum = 0.0, maximum = 0.0;       ///< angle at the lower of the two valleys, and at the peak
  double range = 0.0;                        ///< maximum - minimum
};
std::vector<Repetition> repetitions(std::span<const double> angle, double min_range);

}  // namespace kinemyo::imu
