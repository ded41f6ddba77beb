#pragma once
// kinemyo::questionnaire — patient-reported outcome instruments: scoring engine and FHIR R4 input and output.
#include "kinemyo/questionnaire/fhir.hpp"
#include "kinemyo/questionnaire/instrument.hpp"
