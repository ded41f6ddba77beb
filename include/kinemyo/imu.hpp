#pragma once
// kinemyo::imu — inertial sensors: quaternion conventions, orientation filters (robust and classic, streaming and
// whole recordings), sensor limits, segment calibration and joint angles, synthetic IMU data.
#include "kinemyo/imu/batch.hpp"
#include "kinemyo/imu/classic_filters.hpp"
#include "kinemyo/imu/joint_angles.hpp"
#include "kinemyo/imu/quaternion.hpp"
#include "kinemyo/imu/robust_filter.hpp"
#include "kinemyo/imu/sensor_limits.hpp"
#include "kinemyo/imu/synthetic.hpp"
