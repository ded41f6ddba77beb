#pragma once
// Umbrella header for kinemyo.
#include "kinemyo/dsp.hpp"
#include "kinemyo/version.hpp"
