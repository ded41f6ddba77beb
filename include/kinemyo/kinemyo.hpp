#pragma once
// Umbrella header for kinemyo.
#include "kinemyo/dsp.hpp"
#include "kinemyo/emg/biofeedback.hpp"
#include "kinemyo/emg/calibration.hpp"
#include "kinemyo/emg/ecg_removal.hpp"
#include "kinemyo/emg/envelope_pipeline.hpp"
#include "kinemyo/emg/indices.hpp"
#include "kinemyo/emg/onsets.hpp"
#include "kinemyo/emg/quality.hpp"
#include "kinemyo/questionnaire/fhir.hpp"
#include "kinemyo/questionnaire/instrument.hpp"
#include "kinemyo/version.hpp"
