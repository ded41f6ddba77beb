#pragma once
// Per-stride tables from gait events, stride length by zero-velocity-update integration of a foot sensor, and
// step length from a lower-back sensor. Times in seconds, lengths in metres, angles in radians.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "kinemyo/gait/events.hpp"

namespace kinemyo::gait {

/// Foot trajectory between two consecutive mid-stances (zero velocity): strapdown orientation from the gravity
/// direction at the first mid-stance, earth-frame acceleration minus gravity integrated twice, the velocity drift
/// removed linearly so it is zero at both ends (Skog et al., IEEE TBME 57:2657, 2010; Rampp et al. 2015).
struct ZuptStride {
  double start = 0.0, end = 0.0;  ///< s, the two mid-stances
  double length = 0.0;            ///< m, horizontal displacement
  double turning_angle = 0.0;     ///< rad, heading change of the foot (counter-clockwise from above positive)
  double max_height = 0.0;        ///< m, highest point of the foot above the start
};
/// gyr (rad/s) and acc (m/s^2): n x 3 of one foot; mid_stance: sorted times (s). gravity_window: s around each
/// mid-stance averaged for the initial tilt.
std::vector<ZuptStride> zupt_strides(std::span<const double> gyr, std::span<const double> acc, double fs,
                                     std::span<const double> mid_stance, double gravity_window = 0.05);

/// Step length from the vertical excursion h of a lower-back sensor during a step and the sensor height l
/// (inverted pendulum, Zijlstra & Hof, Gait Posture 18:1, 2003): 2 sqrt(2 l h - h^2), times a correction
/// factor (1 by default; studies calibrate it per cohort). Throws std::invalid_argument naming vertical_excursion
/// for h < 0, h > l (a pendulum cannot drop by more than its length) or non-finite h.
double inverted_pendulum_step_length(double vertical_excursion, double sensor_height, double correction = 1.0);
/// Vertical excursion per step from vertical acceleration (m/s^2, gravity included or not) between consecutive
/// initial contacts: the step's mean acceleration removed (the vertical velocity returns to its value over a step),
/// double integration, and removal of the line through the step's end points (the unknown initial velocity; the
/// height at both contacts is taken as equal); one value per step (NaN if out of range).
std::vector<double> step_vertical_excursions(std::span<const double> vertical_acc, double fs,
                                             std::span<const double> initial_contacts);

/// Quality-control rules; a stride failing one is kept in the table with its flags and left out of summaries.
struct StrideQc {
  double min_stride_time = 0.5;          ///< s
  double max_stride_time = 2.5;          ///< s
  double max_turning_angle = 0.35;       ///< rad (about 20 deg) of foot heading change over the stride
  double max_median_deviation = 0.5;     ///< stride time more than this fraction away from the side's median
  void validate() const;
};
enum StrideFlag : std::uint32_t {
  flag_turn = 1u << 0,
  flag_duration = 1u << 1,         ///< outside [min, max] stride time
  flag_outlier = 1u << 2,          ///< far from the side's median stride time
  flag_missing_toe_off = 1u << 3,
  flag_missing_contralateral = 1u << 4,  ///< no contralateral contact / toe-off inside the stride
};

struct SideEvents {
  std::vector<double> initial_contact, terminal_contact;  ///< s, sorted
  std::vector<double> stride_length;   ///< optional, per initial contact (stride starting there; NaN unknown)
  std::vector<double> turning_angle;   ///< optional, per initial contact
};

/// One row per stride (initial contact to the next of the same side). With a contralateral side: the step that
/// ends this stride (from the other foot's last contact), double and single support. cadence = 60 / step time.
struct StrideRow {
  Side side = Side::unknown;
  double initial_contact = 0.0, terminal_contact = 0.0, next_initial_contact = 0.0;  ///< s (toe-off NaN if missing)
  double stride_time = 0.0, stance_time = 0.0, swing_time = 0.0;
  double step_time = 0.0, initial_double_support = 0.0, single_support = 0.0, terminal_double_support = 0.0;
  double cadence = 0.0;                           ///< steps/min
  double stride_length = 0.0, gait_speed = 0.0;   ///< m, m/s (NaN without spatial data)
  double turning_angle = 0.0;                     ///< rad (NaN unknown)
  std::uint32_t flags = 0;
};
std::vector<StrideRow> stride_table(const SideEvents& left, const SideEvents& right, const StrideQc& qc = {});

/// A foot's events with the spatial values of its zero-velocity strides: the stride starting at initial contact
/// k gets the foot displacement from the mid-stance after contact k to the mid-stance after contact k + 1.
SideEvents foot_side_events(const FootEvents& events, std::span<const ZuptStride> strides);

}  // namespace kinemyo::gait
