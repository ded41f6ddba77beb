#pragma once
// kinemyo::dsp — signal-processing primitives shared by the EMG, IMU and gait modules.
#include "kinemyo/dsp/batch_filter.hpp"
#include "kinemyo/dsp/filter_design.hpp"
#include "kinemyo/dsp/moving_window.hpp"
#include "kinemyo/dsp/non_finite.hpp"
#include "kinemyo/dsp/resample.hpp"
#include "kinemyo/dsp/sos_filter.hpp"
#include "kinemyo/dsp/spectral.hpp"
#include "kinemyo/dsp/teager_kaiser.hpp"
