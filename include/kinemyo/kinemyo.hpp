#pragma once
// Umbrella header for kinemyo: every public header, through one header per domain (kinemyo/dsp.hpp,
// kinemyo/emg.hpp, kinemyo/imu.hpp, kinemyo/gait.hpp, kinemyo/questionnaire.hpp), which can be included alone.
// The test umbrella_complete (tests/cmake/umbrella_test.cmake) fails if a header is missing from its domain's.
#include "kinemyo/dsp.hpp"
#include "kinemyo/emg.hpp"
#include "kinemyo/gait.hpp"
#include "kinemyo/imu.hpp"
#include "kinemyo/limits.hpp"
#include "kinemyo/questionnaire.hpp"
#include "kinemyo/version.hpp"
