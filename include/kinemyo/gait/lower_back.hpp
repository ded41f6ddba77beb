#pragma once
// Gait from one IMU at the lower back (L4-L5): walking bouts, initial and final contacts with their sides, turns
// and a per-step table. Offline (zero-phase filters and a look-ahead of about one step); times in s from the
// first sample, acc in m/s^2, gyr in rad/s, (n, 3) in any sensor frame.
//
// Conventions and method (checked on the Mobilise-D lab recordings with the INDIP reference; see README):
// - No axis naming is needed: the vertical is the direction of gravity, the zero-phase 0.25 Hz low-pass of the
//   acceleration, followed through trunk tilt (Moe-Nilssen, Clin Biomech 13:320, 1998, applied per sample).
//   Vertical acceleration = acc . g_hat (up positive), yaw rate = gyr . g_hat (counter-clockwise from above).
//   A named vertical axis is only checked against gravity.
// - Up-positive vertical acceleration at L5 rises steeply at initial contact and peaks 30-80 ms after it (it is
//   lowest about 200 ms before). Steps are found at the peaks of the 2 Hz low-passed vertical acceleration
//   (one per step; coarse scale), each initial contact at the maximum of the vertical jerk (12 Hz low-pass)
//   within 0.25 s before to 0.05 s after its peak (fine scale): a two-scale scheme like McCamley et al.'s (Gait
//   Posture 36:316, 2012), with the polarity of real data. The jerk maximum was the feature nearest to the
//   reference contacts among those compared (acceleration peak, jerk, antero-posterior deceleration); cutoffs
//   and thresholds are chosen by leave-one-participant-out on the Mobilise-D lab data (bench/mobgap_eval.py).
// - Walking bouts: runs of at least min_bout_contacts step peaks, each at least min_peak_prominence high and
//   no more than max_step_time apart, so standing, sitting and sensor noise give no steps (a step-based
//   plausibility gate in the spirit of the Mobilise-D walking-bout rules; the 3 s gap is their longest pause
//   inside a bout, Kluge et al., PLoS One 16:e0256541, 2021, and the value leave-one-participant-out chose).
// - Side: the sign of the 0.5-2 Hz band-passed yaw rate at each contact (negative at a left contact; McCamley
//   2012, Ullrich et al., IEEE EMBC 2021), with alternation: the labels of a bout are the most likely path of a
//   two-state chain that penalises two same-side contacts in a row (Viterbi), so one spurious or missed contact
//   does not flip the rest of the bout; each contact's confidence comes from its min-marginal margin. Without a
//   gyroscope the sides are unknown.
// - Final contact: the steepest fall of the vertical acceleration (minimum of the jerk) 0.05-0.4 s after each
//   initial contact, before the next one; it belongs to the other foot (contralateral toe-off).
// - Turns: El-Gohary et al. (Sensors 14:356, 2014): yaw rate low-passed at 1.5 Hz, runs above 5 deg/s of one
//   direction with a peak above 15 deg/s, kept when they turn at least 45 deg in 0.5-10 s.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "kinemyo/gait/events.hpp"

namespace kinemyo::gait {

struct TurnParams {
  double cutoff = 1.5;                                      ///< Hz, low-pass of the yaw rate
  double min_peak_rate = 15.0 * 3.14159265358979323846 / 180.0;  ///< rad/s
  double border_rate = 5.0 * 3.14159265358979323846 / 180.0;     ///< rad/s, a turn spans the run above this
  double min_angle = 45.0 * 3.14159265358979323846 / 180.0;      ///< rad
  double min_duration = 0.5, max_duration = 10.0;           ///< s
  void validate() const;  ///< std::invalid_argument naming the parameter
};
struct Turn {
  double start = 0.0, end = 0.0;  ///< s
  double angle = 0.0;             ///< rad, counter-clockwise from above positive
  double peak_rate = 0.0;         ///< rad/s, signed
};
/// yaw_rate: rad/s about the vertical (counter-clockwise from above positive).
std::vector<Turn> detect_turns(std::span<const double> yaw_rate, double fs, const TurnParams& params = {});

struct LowerBackParams {
  double gravity_cutoff = 0.25;          ///< Hz, low-pass giving the gravity direction
  double step_cutoff = 2.0;              ///< Hz, low-pass of the vertical acceleration for step peaks
  double contact_cutoff = 12.0;          ///< Hz, low-pass before the jerk that places the contact
  double min_peak_prominence = 0.3;      ///< m/s^2, of a step peak in the step_cutoff signal (bout seeds)
  double min_weak_prominence = 0.3;      ///< m/s^2, of a step peak inside a bout
  double contact_search_before = 0.25;   ///< s before a step peak where the contact is sought
  double contact_search_after = 0.05;    ///< s after it
  double min_step_time = 0.3;            ///< s between step peaks
  double max_step_time = 3.0;            ///< s; a longer gap ends a walking bout
  std::size_t min_bout_contacts = 4;     ///< initial contacts in a walking bout
  double side_band_low = 0.5, side_band_high = 2.0;  ///< Hz, yaw-rate band for the side
  bool enforce_alternation = true;       ///< labels alternate within a bout unless the evidence says otherwise
  double side_repeat_cost = 4.0;         ///< cost of two same-side contacts in a row (units: RMS yaw rate)
  double final_contact_min_delay = 0.05, final_contact_max_delay = 0.4;  ///< s after the initial contact
  int vertical_axis = -1;                ///< -1: not named; 0, 1, 2: the sensor axis the user says points up ...
  double vertical_sign = 1.0;            ///< ... with this sign (+1 / -1)
  double max_vertical_deviation = 45.0 * 3.14159265358979323846 / 180.0;  ///< rad, named axis vs gravity
  TurnParams turns;
  void validate() const;
};

struct WalkingBout {
  double start = 0.0, end = 0.0;       ///< s, first and last initial contact
  std::size_t first_contact = 0;       ///< index into initial_contact
  std::size_t n_contacts = 0;
};

struct LowerBackGait {
  std::vector<double> initial_contact;       ///< s, sorted
  std::vector<Side> initial_contact_side;
  std::vector<double> side_confidence;       ///< 0..1 per contact (NaN without gyroscope)
  std::vector<std::size_t> bout;             ///< walking bout of each contact
  std::vector<double> final_contact;         ///< s, sorted
  std::vector<Side> final_contact_side;
  std::vector<WalkingBout> bouts;
  std::vector<Turn> turns;                   ///< empty without gyroscope
  double vertical_deviation = 0.0;           ///< rad, median angle from gravity to the named (or nearest) axis
  int vertical_axis = 0;                     ///< the sensor axis nearest to up, and its sign
  double vertical_sign = 1.0;
};

/// acc: n x 3 (m/s^2), gyr: n x 3 (rad/s) or empty. Throws std::invalid_argument naming the parameter for
/// malformed input: non-finite samples, acceleration not in m/s^2 (median magnitude outside 4..20), rates that
/// look like deg/s, too short a recording, or a named vertical axis more than max_vertical_deviation from gravity.
LowerBackGait lower_back_gait(std::span<const double> acc, std::span<const double> gyr, double fs,
                              const LowerBackParams& params = {});

/// Left/right of given initial contacts (s, sorted; e.g. from another detector or a reference system) by the same
/// rule as lower_back_gait, runs split where contacts are more than max_step_time apart.
struct ContactSides {
  std::vector<Side> side;
  std::vector<double> confidence;
};
ContactSides lower_back_contact_sides(std::span<const double> acc, std::span<const double> gyr, double fs,
                                      std::span<const double> initial_contact, const LowerBackParams& params = {});

/// --- Per-step table ---------------------------------------------------------------------------------------------
struct StepQc {
  double min_step_time = 0.3, max_step_time = 1.2;  ///< s
  double max_median_deviation = 0.5;  ///< step time more than this fraction from its bout's median
  double min_side_confidence = 0.5;   ///< below: flag_side_uncertain
  void validate() const;
};
enum StepFlag : std::uint32_t {
  step_flag_turn = 1u << 0,            ///< the step overlaps a turn
  step_flag_duration = 1u << 1,        ///< outside [min_step_time, max_step_time]
  step_flag_outlier = 1u << 2,         ///< far from the bout's median step time
  step_flag_side_uncertain = 1u << 3,  ///< side unknown or confidence below min_side_confidence
};
/// One row per step: from initial contact k to k + 1 of the same bout, named by the landing foot (the side of
/// contact k + 1). Stride time: from the same foot's previous contact (k - 1) to k + 1 (NaN when the step before
/// is implausible: duration or outlier). Cadence = 60 / step time.
struct StepRow {
  Side side = Side::unknown;
  std::size_t bout = 0;
  double start = 0.0, end = 0.0;            ///< s, the two initial contacts
  double step_time = 0.0, stride_time = 0.0;  ///< s (stride NaN for the first step of a bout)
  double cadence = 0.0;                     ///< steps/min
  double side_confidence = 0.0;
  std::uint32_t flags = 0;
};
std::vector<StepRow> lower_back_step_table(const LowerBackGait& gait, const StepQc& qc = {});

}  // namespace kinemyo::gait
