#pragma once
// kinemyo::gait — gait from wearable IMUs: foot and lower-back events, stride and step tables, asymmetry and
// variability metrics, evaluation against references, synthetic gait.
#include "kinemyo/gait/evaluation.hpp"
#include "kinemyo/gait/events.hpp"
#include "kinemyo/gait/lower_back.hpp"
#include "kinemyo/gait/metrics.hpp"
#include "kinemyo/gait/synthetic.hpp"
#include "kinemyo/gait/table.hpp"
