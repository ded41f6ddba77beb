// The compiled core of the kinemyo Python package. Users import the pure-Python modules (kinemyo.dsp, ...),
// which re-export what is bound here.
#include <kinemyo/version.hpp>

#include "common.hpp"

PYBIND11_MODULE(_core, m) {
  m.doc() = "kinemyo compiled core (use the kinemyo.* modules)";
  m.attr("__version__") = KINEMYO_VERSION_STRING;
  m.attr("fft_backend") = KINEMYO_FFT_BACKEND;
  kinemyo::python::bind_dsp(m);
  kinemyo::python::bind_emg(m);
  kinemyo::python::bind_questionnaire(m);
  kinemyo::python::bind_imu(m);
  kinemyo::python::bind_gait(m);
}
