#pragma once
// kinemyo::emg — surface EMG: real-time envelopes, quality flags, ECG removal, onsets, amplitude calibration,
// features and fatigue, clinical indices and biofeedback zones.
#include "kinemyo/emg/biofeedback.hpp"
#include "kinemyo/emg/calibration.hpp"
#include "kinemyo/emg/ecg_removal.hpp"
#include "kinemyo/emg/envelope_pipeline.hpp"
#include "kinemyo/emg/features.hpp"
#include "kinemyo/emg/indices.hpp"
#include "kinemyo/emg/onsets.hpp"
#include "kinemyo/emg/quality.hpp"
