// Python bindings for kinemyo::imu. kinemyo/imu.py adds the convenience functions and result dataclasses.
#include <pybind11/eigen.h>
#include <pybind11/stl.h>

#include <kinemyo/imu/batch.hpp>
#include <kinemyo/imu/joint_angles.hpp>
#include <kinemyo/imu/synthetic.hpp>

#include "common.hpp"

namespace kinemyo::python {
namespace {

using namespace kinemyo::imu;
using Array = py::array_t<double, py::array::c_style | py::array::forcecast>;

// (n, 3) sensor array as float64 C order; None -> empty.
Array sensor(const py::object& x, const char* name, py::ssize_t n_expected = -1) {
  if (x.is_none()) return Array();
  Array a = real_array(x, name);
  if (a.ndim() != 2 || a.shape(1) != 3)
    throw py::value_error(std::string(name) + ": expected shape (n_samples, 3)");
  if (n_expected >= 0 && a.shape(0) != n_expected)
    throw py::value_error(std::string(name) + ": expected " + std::to_string(n_expected) + " rows like gyr, got " +
                          std::to_string(a.shape(0)));
  return a;
}

std::span<const double> view(const Array& a) {
  if (!a) return {};
  return {a.data(), static_cast<std::size_t>(a.size())};
}

struct Inputs {
  Array gyr, acc, mag, t;
  double fs = 0.0;
  ImuRecording rec() const { return {view(gyr), view(acc), view(mag)}; }
  SampleTimes times() const { return {fs, view(t)}; }
  py::ssize_t n() const { return gyr.shape(0); }
};

Inputs inputs(const py::object& gyr, const py::object& acc, const py::object& mag, const py::object& fs,
              const py::object& t) {
  Inputs in;
  in.gyr = sensor(gyr, "gyr");
  if (!in.gyr) throw py::type_error("gyr: required");
  in.acc = sensor(acc, "acc", in.gyr.shape(0));
  if (!in.acc) throw py::type_error("acc: required");
  in.mag = sensor(mag, "mag", in.gyr.shape(0));
  if (fs.is_none() == t.is_none()) throw py::type_error("give exactly one of fs (Hz) or t (timestamps, s)");
  if (!fs.is_none()) in.fs = real_scalar(fs, "fs");
  if (!t.is_none()) {
    in.t = real_array(t, "t");
    if (in.t.ndim() != 1) throw py::value_error("t: expected shape (n_samples,)");
  }
  return in;
}

py::array_t<double> matrix(py::ssize_t n, py::ssize_t w) { return py::array_t<double>({n, w}); }
std::span<double> span_of(py::array_t<double>& a) { return {a.mutable_data(), static_cast<std::size_t>(a.size())}; }

Vec3 vec(const py::object& x, const char* name) {
  if (x.is_none()) return Vec3::Constant(std::numeric_limits<double>::quiet_NaN());
  const auto v = small_vector(x, name, 3);
  return Vec3(v[0], v[1], v[2]);
}

// The gyroscope sample of an update: required (None would silently skip every sample as a non-finite rate).
Vec3 gyr_vec(const py::object& x) {
  if (x.is_none()) throw py::type_error("gyr: required (3 angular rates in rad/s); only acc and mag may be None");
  return vec(x, "gyr");
}

py::array_t<double> wxyz(const Quaternion& q) {
  py::array_t<double> a(4);
  to_wxyz(q, a.mutable_data());
  return a;
}

Quaternion quat_arg(const py::object& x, const char* name) {
  const auto v = small_vector(x, name, 4);  // [w, x, y, z]
  return Quaternion(v[0], v[1], v[2], v[3]);
}

EarthFrame frame(const std::string& s, const char* name = "frame") {
  if (s == "enu") return EarthFrame::enu;
  if (s == "ned") return EarthFrame::ned;
  if (s == "nwu") return EarthFrame::nwu;
  throw py::value_error(std::string(name) + ": expected 'enu', 'ned' or 'nwu', got '" + s + "'");
}

// Allocates the robust outputs, runs `fill` without the GIL, returns them as a dict.
template <class F>
py::dict robust_outputs(const Inputs& in, F&& fill) {
  const py::ssize_t n = in.n();
  auto q6 = matrix(n, 4), q9 = matrix(n, 4), bias = matrix(n, 3);
  py::array_t<double> sigma(n), delta(n);
  py::array_t<std::uint8_t> rest(n), dist(n);
  const auto u = static_cast<std::size_t>(n);
  RobustOutput out{span_of(q6), span_of(q9), span_of(bias), {sigma.mutable_data(), u}, {delta.mutable_data(), u},
                   {rest.mutable_data(), u}, {dist.mutable_data(), u}};
  {
    py::gil_scoped_release nogil;
    fill(out);
  }
  py::dict d;
  d["quat_6d"] = q6;
  d["quat_9d"] = q9;
  d["bias"] = bias;
  d["bias_sigma"] = sigma;
  d["delta"] = delta;
  d["rest"] = rest.attr("astype")("bool");
  d["mag_disturbed"] = dist.attr("astype")("bool");
  return d;
}

Array quats(const py::object& x, const char* name, py::ssize_t n_expected = -1) {
  Array a = real_array(x, name);
  if (a.ndim() != 2 || a.shape(1) != 4) throw py::value_error(std::string(name) + ": expected shape (n_samples, 4)");
  if (n_expected >= 0 && a.shape(0) != n_expected)
    throw py::value_error(std::string(name) + ": expected " + std::to_string(n_expected) + " rows");
  return a;
}

// Applies f(i, proximal, distal) -> Vec3 to every row; returns (n, 3).
template <class F>
py::array_t<double> per_row(const py::object& proximal, const py::object& distal, const char* proximal_name,
                            const char* distal_name, F&& f) {
  const Array p = quats(proximal, proximal_name);
  const Array d = quats(distal, distal_name, p.shape(0));
  const py::ssize_t n = p.shape(0);
  auto out = matrix(n, 3);
  double* o = out.mutable_data();
  const double* pp = p.data();
  const double* dd = d.data();
  {
    py::gil_scoped_release nogil;
    for (py::ssize_t i = 0; i < n; ++i) {
      const Vec3 v = f(from_wxyz(pp + 4 * i), from_wxyz(dd + 4 * i));
      o[3 * i] = v.x();
      o[3 * i + 1] = v.y();
      o[3 * i + 2] = v.z();
    }
  }
  return out;
}

Side side_of(const std::string& s) {
  if (s == "right") return Side::right;
  if (s == "left") return Side::left;
  throw py::value_error("side: expected 'right' or 'left', got '" + s + "'");
}

}  // namespace

void bind_imu(py::module_& m) {
  py::class_<SensorLimits>(m, "SensorLimits", R"doc(
Largest plausible sensor magnitudes: gyr (rad/s, default 100), acc (m/s^2, default 4000), mag (field units as given,
default 1e5). A sample beyond them is treated like a non-finite one (gyroscope: sample skipped; accelerometer or
magnetometer: that correction skipped) and counted.)doc")
      .def(py::init([](double gyr, double acc, double mag) {
             SensorLimits l{gyr, acc, mag};
             l.validate();
             return l;
           }),
           py::kw_only(), py::arg("gyr") = SensorLimits{}.gyr, py::arg("acc") = SensorLimits{}.acc,
           py::arg("mag") = SensorLimits{}.mag)
      .def_readonly("gyr", &SensorLimits::gyr)
      .def_readonly("acc", &SensorLimits::acc)
      .def_readonly("mag", &SensorLimits::mag)
      .def("__repr__", [](const SensorLimits& l) {
        return "SensorLimits(gyr=" + py::repr(py::float_(l.gyr)).cast<std::string>() +
               ", acc=" + py::repr(py::float_(l.acc)).cast<std::string>() +
               ", mag=" + py::repr(py::float_(l.mag)).cast<std::string>() + ")";
      });

  py::class_<RobustFilterParams> params(m, "RobustFilterParams", "Parameters of RobustFilter (SI units, radians).");
  params.def(py::init([](py::kwargs kw) {
    RobustFilterParams p;
    py::object self = py::cast(p);
    for (auto item : kw) {
      const auto key = item.first.cast<std::string>();
      if (!py::hasattr(self, key.c_str())) throw py::type_error("RobustFilterParams: unknown parameter '" + key + "'");
      try {
        self.attr(key.c_str()) = item.second;
      } catch (const py::error_already_set& e) {
        if (!e.matches(PyExc_TypeError)) throw;
        throw py::type_error(key + ": expected " +
                             (py::isinstance<py::bool_>(self.attr(key.c_str())) ? std::string("a bool") : "a real number") +
                             ", got " + py::str(py::type::handle_of(item.second).attr("__name__")).cast<std::string>());
      }
    }
    p = self.cast<RobustFilterParams>();
    p.validate();
    return p;
  }));
#define KINEMYO_PARAM(name) params.def_readwrite(#name, &RobustFilterParams::name)
  KINEMYO_PARAM(tau_acc); KINEMYO_PARAM(tau_mag); KINEMYO_PARAM(motion_bias_estimation);
  KINEMYO_PARAM(rest_bias_estimation); KINEMYO_PARAM(mag_disturbance_rejection); KINEMYO_PARAM(bias_sigma_init);
  KINEMYO_PARAM(bias_forgetting_time); KINEMYO_PARAM(bias_clip); KINEMYO_PARAM(bias_sigma_motion);
  KINEMYO_PARAM(bias_vertical_forgetting_factor); KINEMYO_PARAM(bias_sigma_rest); KINEMYO_PARAM(rest_bias_gate);
  KINEMYO_PARAM(rest_gate_recovery_time); KINEMYO_PARAM(bias_motion_rate_ref); KINEMYO_PARAM(rest_min_time);
  KINEMYO_PARAM(rest_filter_tau); KINEMYO_PARAM(rest_threshold_gyr); KINEMYO_PARAM(rest_threshold_acc);
  KINEMYO_PARAM(mag_current_tau); KINEMYO_PARAM(mag_ref_tau); KINEMYO_PARAM(mag_norm_threshold);
  KINEMYO_PARAM(mag_dip_threshold); KINEMYO_PARAM(mag_new_time); KINEMYO_PARAM(mag_new_first_time);
  KINEMYO_PARAM(mag_new_min_gyr); KINEMYO_PARAM(mag_min_undisturbed_time); KINEMYO_PARAM(mag_max_rejection_time);
  KINEMYO_PARAM(mag_rejection_factor); KINEMYO_PARAM(mag_bias_estimation); KINEMYO_PARAM(mag_bias_noise_factor);
  KINEMYO_PARAM(limits);
#undef KINEMYO_PARAM

  py::class_<RobustFilterState>(m, "RobustFilterState", "A copy of a RobustFilter's complete state.")
      .def_property_readonly("bias", [](const RobustFilterState& s) { return Vec3(s.bias); })
      .def_property_readonly("rest", [](const RobustFilterState& s) { return s.rest; })
      .def_property_readonly("delta", [](const RobustFilterState& s) { return s.delta; })
      .def_property_readonly("skipped", [](const RobustFilterState& s) { return s.skipped; })
      .def_property_readonly("rejected", [](const RobustFilterState& s) { return s.rejected; });

  py::class_<RobustFilter>(m, "RobustFilter", R"doc(
Robust orientation filter (gyroscope bias at rest and in motion, rest detection, magnetic disturbance rejection),
6D and 9D from one run. Streaming with ``update`` or whole arrays with ``process``; the state carries on.
)doc")
      .def(py::init<const RobustFilterParams&>(), py::arg("params") = RobustFilterParams{})
      .def("update",
           [](RobustFilter& f, double dt, const py::object& gyr, const py::object& acc, const py::object& mag) {
             f.update(dt, gyr_vec(gyr), vec(acc, "acc"), vec(mag, "mag"));
           },
           py::arg("dt"), py::arg("gyr"), py::arg("acc"), py::arg("mag") = py::none())
      .def("process",
           [](RobustFilter& f, const py::object& gyr, const py::object& acc, const py::object& mag,
              const py::object& fs, const py::object& t) {
             const Inputs in = inputs(gyr, acc, mag, fs, t);
             const auto rec = in.rec();
             const auto times = in.times();  // views taken with the GIL held
             return robust_outputs(in, [&](const RobustOutput& out) { estimate_orientation(f, rec, times, out); });
           },
           py::arg("gyr"), py::arg("acc"), py::arg("mag") = py::none(), py::kw_only(), py::arg("fs") = py::none(),
           py::arg("t") = py::none())
      .def_property_readonly("quat_6d", [](const RobustFilter& f) { return wxyz(f.quat_6d()); })
      .def_property_readonly("quat_9d", [](const RobustFilter& f) { return wxyz(f.quat_9d()); })
      .def_property_readonly("bias", [](const RobustFilter& f) { return Vec3(f.bias()); })
      .def_property_readonly("bias_sigma", &RobustFilter::bias_sigma)
      .def_property_readonly("rest", &RobustFilter::rest)
      .def_property_readonly("mag_disturbed", &RobustFilter::mag_disturbed)
      .def_property_readonly("delta", &RobustFilter::delta)
      .def_property_readonly("params", &RobustFilter::params)
      .def_property("state", [](const RobustFilter& f) { return RobustFilterState(f.state()); }, &RobustFilter::set_state,
                    "A copy of the complete state; assign one to restore it.")
      .def("set_bias", [](RobustFilter& f, const py::object& b, double sigma) { f.set_bias(vec(b, "bias"), sigma); },
           py::arg("bias"), py::arg("sigma"))
      .def("reset", &RobustFilter::reset);

  py::class_<MadgwickFilter>(m, "MadgwickFilter", "Madgwick gradient-descent filter (paper's MARG mathematics).")
      .def(py::init([](double beta, const SensorLimits& limits) { return MadgwickFilter(MadgwickParams{beta, limits}); }),
           py::arg("beta") = 0.1, py::kw_only(), py::arg("limits") = SensorLimits{})
      .def_property_readonly("skipped", &MadgwickFilter::skipped)
      .def("update",
           [](MadgwickFilter& f, double dt, const py::object& gyr, const py::object& acc, const py::object& mag) {
             f.update(dt, gyr_vec(gyr), vec(acc, "acc"), vec(mag, "mag"));
           },
           py::arg("dt"), py::arg("gyr"), py::arg("acc"), py::arg("mag") = py::none())
      .def("process",
           [](MadgwickFilter& f, const py::object& gyr, const py::object& acc, const py::object& mag,
              const py::object& fs, const py::object& t) {
             const Inputs in = inputs(gyr, acc, mag, fs, t);
             auto q = matrix(in.n(), 4);
             const auto rec = in.rec();
             const auto times = in.times();
             const auto qs = span_of(q);
             {
               py::gil_scoped_release nogil;
               estimate_orientation(f, rec, times, qs);
             }
             return q;
           },
           py::arg("gyr"), py::arg("acc"), py::arg("mag") = py::none(), py::kw_only(), py::arg("fs") = py::none(),
           py::arg("t") = py::none())
      .def_property("quat", [](const MadgwickFilter& f) { return wxyz(f.quat()); },
                    [](MadgwickFilter& f, const py::object& q) { f.set_quat(quat_arg(q, "quat")); })
      .def_property_readonly("beta", [](const MadgwickFilter& f) { return f.params().beta; })
      .def("reset", &MadgwickFilter::reset);

  py::class_<MahonyFilter>(m, "MahonyFilter", "Mahony explicit complementary filter with integral feedback.")
      .def(py::init([](double kp, double ki, const SensorLimits& limits) {
             return MahonyFilter(MahonyParams{kp, ki, limits});
           }),
           py::arg("kp") = 1.0, py::arg("ki") = 0.0, py::kw_only(), py::arg("limits") = SensorLimits{})
      .def_property_readonly("skipped", &MahonyFilter::skipped)
      .def("update",
           [](MahonyFilter& f, double dt, const py::object& gyr, const py::object& acc, const py::object& mag) {
             f.update(dt, gyr_vec(gyr), vec(acc, "acc"), vec(mag, "mag"));
           },
           py::arg("dt"), py::arg("gyr"), py::arg("acc"), py::arg("mag") = py::none())
      .def("process",
           [](MahonyFilter& f, const py::object& gyr, const py::object& acc, const py::object& mag,
              const py::object& fs, const py::object& t) {
             const Inputs in = inputs(gyr, acc, mag, fs, t);
             auto q = matrix(in.n(), 4), b = matrix(in.n(), 3);
             const auto rec = in.rec();
             const auto times = in.times();
             const auto qs = span_of(q), bs = span_of(b);
             {
               py::gil_scoped_release nogil;
               estimate_orientation(f, rec, times, qs, bs);
             }
             return py::make_tuple(q, b);
           },
           py::arg("gyr"), py::arg("acc"), py::arg("mag") = py::none(), py::kw_only(), py::arg("fs") = py::none(),
           py::arg("t") = py::none())
      .def_property("quat", [](const MahonyFilter& f) { return wxyz(f.quat()); },
                    [](MahonyFilter& f, const py::object& q) { f.set_quat(quat_arg(q, "quat")); })
      .def_property_readonly("bias", [](const MahonyFilter& f) { return f.bias(); })
      .def("reset", &MahonyFilter::reset);

  m.def("_robust_offline",
        [](const py::object& gyr, const py::object& acc, const py::object& mag, const py::object& fs,
           const py::object& t, const RobustFilterParams& params) {
          const Inputs in = inputs(gyr, acc, mag, fs, t);
          const auto rec = in.rec();
          const auto times = in.times();
          return robust_outputs(in, [&](const RobustOutput& out) { estimate_orientation_offline(rec, times, params, out); });
        },
        py::arg("gyr"), py::arg("acc"), py::arg("mag") = py::none(), py::kw_only(), py::arg("fs") = py::none(),
        py::arg("t") = py::none(), py::arg("params") = RobustFilterParams{});
  m.def("synthesize_imu",
        [](const py::object& quat, const py::object& fs, const py::object& t, const py::object& linear_acc,
           double gravity, const py::object& field, double gyr_noise, double acc_noise, double mag_noise,
           const py::object& gyr_bias, const std::vector<std::tuple<double, double, std::vector<double>, bool>>& disturbances,
           std::uint64_t seed) {
          Array q = real_array(quat, "quat");
          if (q.ndim() != 2 || q.shape(1) != 4) throw py::value_error("quat: expected shape (n_samples, 4)");
          Array lin = sensor(linear_acc, "linear_acc", q.shape(0));
          if (fs.is_none() == t.is_none()) throw py::type_error("give exactly one of fs (Hz) or t (timestamps, s)");
          Array ts;
          if (!t.is_none()) ts = real_array(t, "t");
          SyntheticImuOptions o;
          o.gravity = gravity;
          o.field = vec(field, "field");
          o.gyr_noise = gyr_noise;
          o.acc_noise = acc_noise;
          o.mag_noise = mag_noise;
          o.gyr_bias = vec(gyr_bias, "gyr_bias");
          for (const auto& [start, stop, f, attached] : disturbances) {
            if (f.size() != 3) throw py::value_error("disturbances: field needs 3 values");
            o.disturbances.push_back({start, stop, Vec3(f[0], f[1], f[2]), attached});
          }
          o.seed = seed;
          const SampleTimes times{fs.is_none() ? 0.0 : real_scalar(fs, "fs"), view(ts)};
          SyntheticImu d;
          {
            py::gil_scoped_release nogil;
            d = synthesize_imu(view(q), times, view(lin), o);
          }
          const py::ssize_t n = q.shape(0);
          py::dict out;
          out["gyr"] = to_array(std::move(d.gyr), {n, 3});
          out["acc"] = to_array(std::move(d.acc), {n, 3});
          out["mag"] = to_array(std::move(d.mag), {n, 3});
          return out;
        },
        py::arg("quat"), py::kw_only(), py::arg("fs") = py::none(), py::arg("t") = py::none(),
        py::arg("linear_acc") = py::none(), py::arg("gravity") = 9.81,
        py::arg("field") = std::vector<double>{0.0, 20.0, -40.0}, py::arg("gyr_noise") = 0.0,
        py::arg("acc_noise") = 0.0, py::arg("mag_noise") = 0.0, py::arg("gyr_bias") = std::vector<double>{0.0, 0.0, 0.0},
        py::arg("disturbances") = std::vector<std::tuple<double, double, std::vector<double>, bool>>{},
        py::arg("seed") = 1,
        R"doc(IMU data (gyr, acc, mag, each (n, 3)) from sensor-to-earth orientations (n, 4), with optional linear
acceleration (earth frame), noise, gyroscope bias and magnetic disturbances [(start_s, stop_s, field, attached)].)doc");
  py::class_<SegmentCalibration>(m, "SegmentCalibration", R"doc(
Sensor-to-segment calibration of one sensor: q_earth_segment = Rz(heading_offset) * q_earth_sensor *
sensor_to_segment. Made by calibrate_static_pose, refined by refine_with_functional_axis.
)doc")
      .def_property_readonly("sensor_to_segment", [](const SegmentCalibration& c) { return wxyz(c.sensor_to_segment); })
      .def_readonly("heading_offset", &SegmentCalibration::heading_offset)
      .def_property_readonly("static_orientation", [](const SegmentCalibration& c) { return wxyz(c.static_orientation); })
      .def_readonly("forward_heading", &SegmentCalibration::forward_heading)
      .def_readonly("shared_heading", &SegmentCalibration::shared_heading)
      .def("__repr__", [](const SegmentCalibration& c) {
        return "SegmentCalibration(heading_offset=" + std::to_string(c.heading_offset) +
               ", shared_heading=" + (c.shared_heading ? "True" : "False") + ")";
      });
  m.def("mean_orientation", [](const py::object& q) {
    const Array a = quats(q, "quat");
    return wxyz(mean_orientation({a.data(), static_cast<std::size_t>(a.size())}));
  }, py::arg("quat"), "Average orientation of (n, 4) unit quaternions (Markley et al. 2007).");
  m.def("calibrate_static_pose",
        [](const py::object& orientations, const py::object& hints, std::size_t pelvis_index, bool shared_heading) {
          const Array q = quats(orientations, "sensor_orientations");
          const Array h = sensor(hints, "anterior_hints", q.shape(0));
          std::vector<Quaternion> qs;
          std::vector<Vec3> hs;
          for (py::ssize_t k = 0; k < q.shape(0); ++k) {
            qs.push_back(from_wxyz(q.data() + 4 * k));
            hs.emplace_back(h.data()[3 * k], h.data()[3 * k + 1], h.data()[3 * k + 2]);
          }
          return calibrate_static_pose(qs, hs, pelvis_index, shared_heading);
        },
        py::arg("sensor_orientations"), py::arg("anterior_hints"), py::arg("pelvis_index") = 0, py::kw_only(),
        py::arg("shared_heading"),
        R"doc(Static neutral-pose calibration: sensor_orientations (k, 4) mean orientation per sensor, anterior_hints
(k, 3) rough anterior axis of each sensor in its own frame. shared_heading=True for 9D sensors (one magnetic
north), False for 6D sensors (their headings are aligned to the pelvis's by the neutral-pose assumption).)doc");
  m.def("functional_axis",
        [](const py::object& gyr_p, const py::object& gyr_d, const py::object& q_p, const py::object& q_d,
           const py::object& hint) {
          const Array gp = sensor(gyr_p, "gyr_proximal"), gd = sensor(gyr_d, "gyr_distal", gp.shape(0));
          const Array qp = quats(q_p, "quat_proximal", gp.shape(0)), qd = quats(q_d, "quat_distal", gp.shape(0));
          return Vec3(functional_axis(view(gp), view(gd), view(qp), view(qd), vec(hint, "hint")));
        },
        py::arg("gyr_proximal"), py::arg("gyr_distal"), py::arg("quat_proximal"), py::arg("quat_distal"),
        py::arg("hint"),
        "Principal axis (distal sensor frame) of the relative angular velocity during a single-plane movement.");
  m.def("refine_with_functional_axis",
        [](const SegmentCalibration& c, const py::object& axis, bool flexion) {
          return refine_with_functional_axis(c, vec(axis, "axis"), flexion);
        },
        py::arg("calibration"), py::arg("axis"), py::arg("axis_is_flexion") = true);
  m.def("segment_orientations",
        [](const py::object& q, const SegmentCalibration& c) {
          const Array a = quats(q, "quat");
          const py::ssize_t n = a.shape(0);
          auto out = matrix(n, 4);
          for (py::ssize_t i = 0; i < n; ++i)
            to_wxyz(segment_orientation(from_wxyz(a.data() + 4 * i), c), out.mutable_data() + 4 * i);
          return out;
        },
        py::arg("quat"), py::arg("calibration"), "Segment orientations (n, 4) from sensor orientations (n, 4).");
  m.def("_hip_angles",
        [](const py::object& pelvis, const py::object& thigh, const std::string& side) {
          const Side sd = side_of(side);
          return per_row(pelvis, thigh, "pelvis", "thigh", [sd](const Quaternion& p, const Quaternion& t) {
            const auto a = hip_angles(p, t, sd);
            return Vec3(a.flexion, a.adduction, a.internal_rotation);
          });
        },
        py::arg("pelvis"), py::arg("thigh"), py::arg("side"));
  m.def("_lumbopelvic_angles",
        [](const py::object& pelvis, const py::object& lower_back) {
          return per_row(pelvis, lower_back, "pelvis", "lower_back", [](const Quaternion& p, const Quaternion& l) {
            const auto a = lumbopelvic_angles(p, l);
            return Vec3(a.flexion, a.lateral_bend_right, a.rotation_left);
          });
        },
        py::arg("pelvis"), py::arg("lower_back"));
  m.def("inclination",
        [](const py::object& q) {
          const Array a = quats(q, "segment");
          py::array_t<double> out(a.shape(0));
          for (py::ssize_t i = 0; i < a.shape(0); ++i) out.mutable_data()[i] = inclination(from_wxyz(a.data() + 4 * i));
          return out;
        },
        py::arg("segment"), "Angle (rad) of each segment's long axis (y) from the vertical.");
  m.def("axis_elevation",
        [](const py::object& q, const py::object& axis_obj) {
          const Array a = quats(q, "quat");
          const Vec3 axis = vec(axis_obj, "axis");
          py::array_t<double> out(a.shape(0));
          for (py::ssize_t i = 0; i < a.shape(0); ++i) out.mutable_data()[i] = axis_elevation(from_wxyz(a.data() + 4 * i), axis);
          return out;
        },
        py::arg("quat"), py::arg("axis"),
        "Elevation (rad) of a sensor axis (3 numbers, sensor frame) above the horizontal, positive pointing up.");
  m.def("align_relative_heading",
        [](const py::object& p, const py::object& d, const py::object& rest, double fs, double tolerance, double tau) {
          const Array qp = quats(p, "proximal_segment"), qd = quats(d, "distal_segment", qp.shape(0));
          auto r = real_array<std::uint8_t>(rest, "rest");
          if ( r.ndim() != 1 || r.shape(0) != qp.shape(0)) throw py::value_error("rest: expected (n_samples,) flags");
          auto out = align_relative_heading(view(qp), view(qd), {r.data(), static_cast<std::size_t>(r.size())}, fs,
                                            tolerance, tau);
          return to_array(std::move(out), {qp.shape(0), 4});
        },
        py::arg("proximal_segment"), py::arg("distal_segment"), py::arg("rest"), py::kw_only(), py::arg("fs"),
        py::arg("tolerance"), py::arg("tau"),
        "Distal segment orientations with the relative heading pulled to neutral while both rest upright.");
  m.def("_repetitions",
        [](const py::object& angle, double min_range) {
          auto a = real_array(angle, "angle");
          if (a.ndim() != 1) throw py::value_error("angle: expected shape (n_samples,)");
          const auto reps = repetitions({a.data(), static_cast<std::size_t>(a.size())}, min_range);
          py::list out;
          for (const auto& r : reps)
            out.append(py::make_tuple(r.start, r.peak, r.end, r.minimum, r.maximum, r.range));
          return out;
        },
        py::arg("angle"), py::arg("min_range"));
  m.def("earth_frame_rotation",
        [](const std::string& from, const std::string& to) { return wxyz(earth_frame_rotation(frame(from, "from_frame"), frame(to, "to_frame"))); },
        py::arg("from_frame"), py::arg("to_frame"),
        "Quaternion r with q_to = r * q_from for sensor-to-earth quaternions ('enu', 'ned', 'nwu').");
  m.def("orientation_from_vectors",
        [](const py::object& acc, const py::object& mag) {
          return mag.is_none() ? wxyz(orientation_from_vectors(vec(acc, "acc")))
                               : wxyz(orientation_from_vectors(vec(acc, "acc"), vec(mag, "mag")));
        },
        py::arg("acc"), py::arg("mag") = py::none(),
        "Sensor-to-earth (ENU) orientation from one accelerometer (and magnetometer) sample at rest.");
  m.def("_orientation_errors",
        [](const Array& est, const Array& ref) {
          if (est.ndim() != 2 || est.shape(1) != 4 || ref.ndim() != 2 || ref.shape(1) != 4 || est.shape(0) != ref.shape(0))
            throw py::value_error("estimate, reference: expected two (n_samples, 4) arrays of equal length");
          const py::ssize_t n = est.shape(0);
          auto out = matrix(n, 3);
          double* o = out.mutable_data();
          for (py::ssize_t i = 0; i < n; ++i) {
            const auto e = orientation_error(from_wxyz(est.data() + 4 * i), from_wxyz(ref.data() + 4 * i));
            o[3 * i] = e.total;
            o[3 * i + 1] = e.heading;
            o[3 * i + 2] = e.inclination;
          }
          return out;
        },
        py::arg("estimate"), py::arg("reference"));
}

}  // namespace kinemyo::python
