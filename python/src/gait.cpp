// Python bindings for kinemyo::gait. kinemyo/gait.py adds the tables and convenience functions.
#include <pybind11/stl.h>

#include <map>
#include <string>

#include <kinemyo/gait/evaluation.hpp>
#include <kinemyo/gait/events.hpp>
#include <kinemyo/gait/lower_back.hpp>
#include <kinemyo/gait/metrics.hpp>
#include <kinemyo/gait/synthetic.hpp>
#include <kinemyo/gait/table.hpp>

#include "common.hpp"

namespace kinemyo::python {
namespace {

using namespace kinemyo::gait;
using Array = py::array_t<double, py::array::c_style | py::array::forcecast>;

Array vector_of(const py::object& x, const char* name) {
  Array a = real_array(x, name);
  if (a.ndim() != 1) throw py::value_error(std::string(name) + ": expected a 1-D array");
  return a;
}
std::span<const double> view(const Array& a) { return {a.data(), static_cast<std::size_t>(a.size())}; }
py::array_t<double> out(const std::vector<double>& v) { return py::array_t<double>(static_cast<py::ssize_t>(v.size()), v.data()); }

const char* side_name(Side s) { return s == Side::left ? "left" : (s == Side::right ? "right" : "unknown"); }
const char* type_name(EventType t) {
  switch (t) {
    case EventType::initial_contact: return "initial_contact";
    case EventType::terminal_contact: return "terminal_contact";
    case EventType::mid_stance: return "mid_stance";
    case EventType::mid_swing: return "mid_swing";
  }
  return "";
}

// The floating-point fields of LowerBackParams by name (the integer and boolean ones are handled apart).
std::map<std::string, double*> lower_back_fields(LowerBackParams& p) {
  return {{"gravity_cutoff", &p.gravity_cutoff}, {"step_cutoff", &p.step_cutoff}, {"contact_cutoff", &p.contact_cutoff},
          {"min_peak_prominence", &p.min_peak_prominence}, {"min_weak_prominence", &p.min_weak_prominence},
          {"contact_search_before", &p.contact_search_before},
          {"contact_search_after", &p.contact_search_after}, {"min_step_time", &p.min_step_time},
          {"max_step_time", &p.max_step_time}, {"side_band_low", &p.side_band_low},
          {"side_band_high", &p.side_band_high}, {"side_repeat_cost", &p.side_repeat_cost},
          {"final_contact_min_delay", &p.final_contact_min_delay},
          {"final_contact_max_delay", &p.final_contact_max_delay},
          {"max_vertical_deviation", &p.max_vertical_deviation}, {"turn_cutoff", &p.turns.cutoff},
          {"turn_min_peak_rate", &p.turns.min_peak_rate}, {"turn_border_rate", &p.turns.border_rate},
          {"turn_min_angle", &p.turns.min_angle}, {"turn_min_duration", &p.turns.min_duration},
          {"turn_max_duration", &p.turns.max_duration}};
}

LowerBackParams lower_back_params(const py::dict& overrides, int vertical_axis, double vertical_sign) {
  LowerBackParams p;
  auto fields = lower_back_fields(p);
  for (const auto& [key, value] : overrides) {
    const auto name = key.cast<std::string>();
    if (name == "min_bout_contacts") {
      const auto v = value.cast<long long>();
      if (v < 2) throw py::value_error("min_bout_contacts: must be >= 2");
      p.min_bout_contacts = static_cast<std::size_t>(v);
    } else if (name == "enforce_alternation") {
      p.enforce_alternation = value.cast<bool>();
    } else if (auto it = fields.find(name); it != fields.end()) {
      *it->second = value.cast<double>();
    } else {
      throw py::value_error("unknown lower-back parameter '" + name + "'");
    }
  }
  p.vertical_axis = vertical_axis;
  p.vertical_sign = vertical_sign;
  p.validate();
  return p;
}

Array trunk_array(const py::object& x, const char* name, py::ssize_t rows) {
  if (x.is_none()) return Array();
  Array a = real_array(x, name);
  if (!a || a.ndim() != 2 || a.shape(1) != 3 || (rows >= 0 && a.shape(0) != rows))
    throw py::value_error(std::string(name) + ": expected shape (n_samples, 3)" + (rows >= 0 ? " like acc" : ""));
  return a;
}
std::span<const double> flat(const Array& a) {
  return a ? std::span<const double>(a.data(), static_cast<std::size_t>(a.size())) : std::span<const double>();
}

std::vector<double> opt_vec(const py::object& x, const char* name) {
  if (x.is_none()) return {};
  const Array a = vector_of(x, name);
  return {a.data(), a.data() + a.size()};
}

Side side_of(const py::object& s, const char* name) {
  if (s.is_none()) return Side::unknown;
  if (!py::isinstance<py::str>(s))
    throw py::type_error(std::string(name) + ": expected 'left', 'right' or None, got " +
                         py::str(py::type::of(s).attr("__name__")).cast<std::string>());
  const auto v = s.cast<std::string>();
  if (v == "left") return Side::left;
  if (v == "right") return Side::right;
  throw py::value_error(std::string(name) + ": expected 'left', 'right' or None, got '" + v + "'");
}

Axis axis_of(const std::string& a) {
  if (a == "ap" || a == "anteroposterior") return Axis::anteroposterior;
  if (a == "v" || a == "vertical") return Axis::vertical;
  if (a == "ml" || a == "mediolateral") return Axis::mediolateral;
  throw py::value_error("axis: expected 'ap', 'v' or 'ml', got '" + a + "'");
}

PairIndex index_of(const std::string& s) {
  if (s == "symmetry_index") return PairIndex::symmetry_index;
  if (s == "symmetry_index_max") return PairIndex::symmetry_index_max;
  if (s == "symmetry_ratio") return PairIndex::symmetry_ratio;
  if (s == "gait_asymmetry") return PairIndex::gait_asymmetry;
  if (s == "symmetry_angle") return PairIndex::symmetry_angle;
  if (s == "absolute_difference") return PairIndex::absolute_difference;
  throw py::value_error("index: unknown '" + s + "' (symmetry_index, symmetry_index_max, symmetry_ratio, "
                        "gait_asymmetry, symmetry_angle, absolute_difference)");
}

}  // namespace

void bind_gait(py::module_& m) {
  py::class_<FootEventParams>(m, "FootEventParams", "Foot event detection thresholds (rad/s, s).")
      .def(py::init([](double swing_threshold, double push_off_window, double max_swing_time, double min_stance_time,
                       double mid_stance_window, double min_swing_time, double min_swing_peak) {
             FootEventParams p{swing_threshold, push_off_window, max_swing_time, min_stance_time, mid_stance_window,
                               min_swing_time, min_swing_peak};
             p.validate();
             return p;
           }),
           py::kw_only(), py::arg("swing_threshold") = FootEventParams{}.swing_threshold,
           py::arg("push_off_window") = FootEventParams{}.push_off_window,
           py::arg("max_swing_time") = FootEventParams{}.max_swing_time,
           py::arg("min_stance_time") = FootEventParams{}.min_stance_time,
           py::arg("mid_stance_window") = FootEventParams{}.mid_stance_window,
           py::arg("min_swing_time") = FootEventParams{}.min_swing_time,
           py::arg("min_swing_peak") = FootEventParams{}.min_swing_peak)
      .def_readonly("swing_threshold", &FootEventParams::swing_threshold)
      .def_readonly("push_off_window", &FootEventParams::push_off_window)
      .def_readonly("max_swing_time", &FootEventParams::max_swing_time)
      .def_readonly("min_stance_time", &FootEventParams::min_stance_time)
      .def_readonly("mid_stance_window", &FootEventParams::mid_stance_window)
      .def_readonly("min_swing_time", &FootEventParams::min_swing_time)
      .def_readonly("min_swing_peak", &FootEventParams::min_swing_peak)
      .def("__repr__", [](const FootEventParams& p) {
        return "FootEventParams(swing_threshold=" + py::repr(py::float_(p.swing_threshold)).cast<std::string>() +
               ", push_off_window=" + py::repr(py::float_(p.push_off_window)).cast<std::string>() +
               ", max_swing_time=" + py::repr(py::float_(p.max_swing_time)).cast<std::string>() +
               ", min_stance_time=" + py::repr(py::float_(p.min_stance_time)).cast<std::string>() +
               ", mid_stance_window=" + py::repr(py::float_(p.mid_stance_window)).cast<std::string>() +
               ", min_swing_time=" + py::repr(py::float_(p.min_swing_time)).cast<std::string>() +
               ", min_swing_peak=" + py::repr(py::float_(p.min_swing_peak)).cast<std::string>() + ")";
      });

  py::class_<FootEventDetector>(m, "FootEventDetector", R"doc(
Streaming foot event detector: push sagittal-rate samples (rad/s, toes down positive) as they arrive; each call
returns the events found, [(time_s, type)], at most max_latency seconds after they happened.
)doc")
      .def(py::init<double, const FootEventParams&>(), py::arg("fs"), py::arg("params") = FootEventParams{})
      .def("push",
           [](FootEventDetector& d, const py::object& samples) {
             const Array a = real_array(samples, "samples");
             if (a.ndim() > 1)
               throw py::value_error("samples: expected sagittal-rate samples, shape (n,) or a number; project an "
                                     "(n, 3) gyroscope array on the medio-lateral axis first");
             py::list events;
             GaitEvent buf[2];
             for (py::ssize_t i = 0; i < a.size(); ++i) {
               const std::size_t k = d.push(a.data()[i], buf);
               for (std::size_t j = 0; j < k; ++j) events.append(py::make_tuple(buf[j].time, type_name(buf[j].type)));
             }
             return events;
           },
           py::arg("samples"))
      .def_property_readonly("max_latency", &FootEventDetector::max_latency)
      .def("reset", &FootEventDetector::reset);

  m.def("_detect_foot_events",
        [](const py::object& gyr, double fs, const std::array<double, 3>& ml_direction, const FootEventParams& p) {
          const Array g = trunk_array(gyr, "gyr", -1);
          if (!g) throw py::type_error("gyr: expected an (n_samples, 3) array, got None");
          FootEvents ev;
          {
            py::gil_scoped_release nogil;
            ev = detect_foot_events(flat(g), fs, ml_direction, p);
          }
          return py::make_tuple(out(ev.initial_contact), out(ev.terminal_contact), out(ev.mid_stance));
        },
        py::arg("gyr"), py::arg("fs"), py::arg("ml_direction"), py::arg("params") = FootEventParams{});
  m.def("_estimate_foot_ml_axis",
        [](const py::object& gyr, double fs) {
          const Array g = trunk_array(gyr, "gyr", -1);
          if (!g) throw py::type_error("gyr: expected an (n_samples, 3) array, got None");
          return estimate_foot_ml_axis(flat(g), fs);
        },
        py::arg("gyr"), py::arg("fs"));

  m.def("_detect_shank_events",
        [](const py::object& rate, double fs, double threshold, double min_stride_time, double search_window) {
          const Array a = vector_of(rate, "sagittal_rate");
          const auto ev = detect_shank_events(view(a), fs, {threshold, min_stride_time, search_window});
          return py::make_tuple(out(ev.initial_contact), out(ev.terminal_contact), out(ev.mid_swing));
        },
        py::arg("sagittal_rate"), py::arg("fs"), py::arg("mid_swing_threshold"), py::arg("min_stride_time"),
        py::arg("search_window"));

  // Lower back: parameters travel as a dict of overrides on the C++ defaults (one source of truth for them).
  m.def("_lower_back_defaults", []() {
    LowerBackParams p;
    const StepQc q;
    py::dict d;
    for (const auto& [k, v] : lower_back_fields(p)) d[py::str(k)] = *v;
    d["min_bout_contacts"] = p.min_bout_contacts;
    d["enforce_alternation"] = p.enforce_alternation;
    py::dict qc;
    qc["min_step_time"] = q.min_step_time;
    qc["max_step_time"] = q.max_step_time;
    qc["max_median_deviation"] = q.max_median_deviation;
    qc["min_side_confidence"] = q.min_side_confidence;
    return py::make_tuple(d, qc);
  });
  m.def("_lower_back_gait",
        [](const py::object& acc, const py::object& gyr, double fs, const py::dict& overrides, const py::dict& qc_overrides,
           int vertical_axis, double vertical_sign) {
          if (acc.is_none()) throw py::type_error("acc: expected an (n_samples, 3) array, got None");
          const Array a = trunk_array(acc, "acc", -1);
          const Array g = trunk_array(gyr, "gyr", a.shape(0));
          const LowerBackParams p = lower_back_params(overrides, vertical_axis, vertical_sign);
          StepQc q;
          for (const auto& [key, value] : qc_overrides) {
            const auto name = key.cast<std::string>();
            double* field = name == "min_step_time" ? &q.min_step_time
                            : name == "max_step_time" ? &q.max_step_time
                            : name == "max_median_deviation" ? &q.max_median_deviation
                            : name == "min_side_confidence" ? &q.min_side_confidence : nullptr;
            if (!field) throw py::value_error("step_qc: unknown field '" + name + "'");
            *field = value.cast<double>();
          }
          q.validate();
          LowerBackGait r;
          std::vector<StepRow> rows;
          {
            py::gil_scoped_release release;
            r = lower_back_gait(flat(a), flat(g), fs, p);
            rows = lower_back_step_table(r, q);
          }
          auto sides = [](const std::vector<Side>& v) {
            std::vector<std::string> s;
            for (auto x : v) s.emplace_back(side_name(x));
            return s;
          };
          py::dict d;
          d["initial_contact"] = out(r.initial_contact);
          d["initial_contact_side"] = sides(r.initial_contact_side);
          d["side_confidence"] = out(r.side_confidence);
          d["bout"] = py::array_t<std::size_t>(static_cast<py::ssize_t>(r.bout.size()), r.bout.data());
          d["final_contact"] = out(r.final_contact);
          d["final_contact_side"] = sides(r.final_contact_side);
          std::vector<double> bs, be, ts, te, ta, tp;
          std::vector<std::size_t> bn;
          for (const auto& b : r.bouts) {
            bs.push_back(b.start);
            be.push_back(b.end);
            bn.push_back(b.n_contacts);
          }
          for (const auto& t : r.turns) {
            ts.push_back(t.start);
            te.push_back(t.end);
            ta.push_back(t.angle);
            tp.push_back(t.peak_rate);
          }
          d["bout_start"] = out(bs);
          d["bout_end"] = out(be);
          d["bout_contacts"] = py::array_t<std::size_t>(static_cast<py::ssize_t>(bn.size()), bn.data());
          d["turn_start"] = out(ts);
          d["turn_end"] = out(te);
          d["turn_angle"] = out(ta);
          d["turn_peak_rate"] = out(tp);
          d["vertical_deviation"] = r.vertical_deviation;
          d["vertical_axis"] = r.vertical_axis;
          d["vertical_sign"] = r.vertical_sign;
          py::dict steps;
          const auto n = static_cast<py::ssize_t>(rows.size());
          auto col = [&](const char* name, auto member) {
            std::vector<double> v;
            for (const auto& row : rows) v.push_back(row.*member);
            steps[name] = py::array_t<double>(n, v.data());
          };
          std::vector<std::string> side;
          std::vector<std::uint32_t> flags;
          std::vector<std::size_t> bout;
          for (const auto& row : rows) {
            side.emplace_back(side_name(row.side));
            flags.push_back(row.flags);
            bout.push_back(row.bout);
          }
          steps["side"] = side;
          steps["bout"] = py::array_t<std::size_t>(n, bout.data());
          col("start", &StepRow::start);
          col("end", &StepRow::end);
          col("step_time", &StepRow::step_time);
          col("stride_time", &StepRow::stride_time);
          col("cadence", &StepRow::cadence);
          col("side_confidence", &StepRow::side_confidence);
          steps["qc_flags"] = py::array_t<std::uint32_t>(n, flags.data());
          d["steps"] = steps;
          return d;
        },
        py::arg("acc"), py::arg("gyr"), py::arg("fs"), py::arg("params"), py::arg("step_qc"), py::arg("vertical_axis"),
        py::arg("vertical_sign"));

  m.def("_lower_back_contact_sides",
        [](const py::object& acc, const py::object& gyr, double fs, const py::object& contacts,
           const py::dict& overrides, int vertical_axis, double vertical_sign) {
          if (acc.is_none() || gyr.is_none()) throw py::type_error("acc and gyr: expected (n_samples, 3) arrays");
          const Array a = trunk_array(acc, "acc", -1);
          const Array g = trunk_array(gyr, "gyr", a.shape(0));
          const Array c = vector_of(contacts, "initial_contact");
          const LowerBackParams p = lower_back_params(overrides, vertical_axis, vertical_sign);
          ContactSides r;
          {
            py::gil_scoped_release release;
            r = lower_back_contact_sides(flat(a), flat(g), fs, view(c), p);
          }
          std::vector<std::string> sides;
          for (auto x : r.side) sides.emplace_back(side_name(x));
          return py::make_tuple(sides, out(r.confidence));
        },
        py::arg("acc"), py::arg("gyr"), py::arg("fs"), py::arg("initial_contact"), py::arg("params"),
        py::arg("vertical_axis"), py::arg("vertical_sign"));

  m.def("_zupt_strides",
        [](const py::object& gyr, const py::object& acc, double fs, const py::object& mid_stance, double window) {
          Array g = real_array(gyr, "gyr"), a = real_array(acc, "acc");
          if (!g || g.ndim() != 2 || g.shape(1) != 3 || !a || a.ndim() != 2 || a.shape(1) != 3 || a.shape(0) != g.shape(0))
            throw py::value_error("gyr, acc: expected two (n_samples, 3) arrays of equal length");
          const Array ms = vector_of(mid_stance, "mid_stance");
          std::vector<ZuptStride> z;
          {
            py::gil_scoped_release nogil;
            z = zupt_strides({g.data(), static_cast<std::size_t>(g.size())}, {a.data(), static_cast<std::size_t>(a.size())},
                             fs, view(ms), window);
          }
          std::vector<double> start, end, length, turn, height;
          for (const auto& r : z) {
            start.push_back(r.start);
            end.push_back(r.end);
            length.push_back(r.length);
            turn.push_back(r.turning_angle);
            height.push_back(r.max_height);
          }
          py::dict d;
          d["start"] = out(start);
          d["end"] = out(end);
          d["length"] = out(length);
          d["turning_angle"] = out(turn);
          d["max_height"] = out(height);
          return d;
        },
        py::arg("gyr"), py::arg("acc"), py::arg("fs"), py::arg("mid_stance"), py::arg("gravity_window") = 0.05);

  m.def("_foot_side_values",
        [](const py::object& ic, const py::object& zupt) {
          const Array contacts = vector_of(ic, "initial_contact");
          const py::dict z = zupt.cast<py::dict>();
          const Array start = vector_of(z["start"], "start"), end = vector_of(z["end"], "end"),
                      length = vector_of(z["length"], "length"), turn = vector_of(z["turning_angle"], "turning_angle");
          std::vector<ZuptStride> strides(static_cast<std::size_t>(start.size()));
          for (std::size_t i = 0; i < strides.size(); ++i)
            strides[i] = {start.data()[i], end.data()[i], length.data()[i], turn.data()[i], 0.0};
          FootEvents ev;
          ev.initial_contact.assign(contacts.data(), contacts.data() + contacts.size());
          const auto side = foot_side_events(ev, strides);
          return py::make_tuple(out(side.stride_length), out(side.turning_angle));
        },
        py::arg("initial_contact"), py::arg("zupt"));

  m.def("_stride_table",
        [](const py::object& l_ic, const py::object& l_tc, const py::object& r_ic, const py::object& r_tc,
           const py::object& l_len, const py::object& r_len, const py::object& l_turn, const py::object& r_turn,
           double min_stride, double max_stride, double max_turn, double max_dev) {
          SideEvents left{opt_vec(l_ic, "left_ic"), opt_vec(l_tc, "left_tc"), opt_vec(l_len, "left_stride_length"),
                          opt_vec(l_turn, "left_turning_angle")};
          SideEvents right{opt_vec(r_ic, "right_ic"), opt_vec(r_tc, "right_tc"), opt_vec(r_len, "right_stride_length"),
                           opt_vec(r_turn, "right_turning_angle")};
          const auto rows = stride_table(left, right, {min_stride, max_stride, max_turn, max_dev});
          const auto n = static_cast<py::ssize_t>(rows.size());
          py::dict d;
          auto col = [&](const char* name, auto member) {
            std::vector<double> v;
            for (const auto& r : rows) v.push_back(r.*member);
            d[name] = py::array_t<double>(n, v.data());
          };
          std::vector<std::string> side;
          std::vector<std::uint32_t> flags;
          for (const auto& r : rows) {
            side.emplace_back(side_name(r.side));
            flags.push_back(r.flags);
          }
          d["side"] = side;
          col("initial_contact", &StrideRow::initial_contact);
          col("terminal_contact", &StrideRow::terminal_contact);
          col("next_initial_contact", &StrideRow::next_initial_contact);
          col("stride_time", &StrideRow::stride_time);
          col("stance_time", &StrideRow::stance_time);
          col("swing_time", &StrideRow::swing_time);
          col("step_time", &StrideRow::step_time);
          col("initial_double_support", &StrideRow::initial_double_support);
          col("single_support", &StrideRow::single_support);
          col("terminal_double_support", &StrideRow::terminal_double_support);
          col("cadence", &StrideRow::cadence);
          col("stride_length", &StrideRow::stride_length);
          col("gait_speed", &StrideRow::gait_speed);
          col("turning_angle", &StrideRow::turning_angle);
          d["qc_flags"] = py::array_t<std::uint32_t>(n, flags.data());
          return d;
        },
        py::arg("left_ic"), py::arg("left_tc"), py::arg("right_ic"), py::arg("right_tc"), py::arg("left_stride_length"),
        py::arg("right_stride_length"), py::arg("left_turning_angle"), py::arg("right_turning_angle"),
        py::arg("min_stride_time"), py::arg("max_stride_time"), py::arg("max_turning_angle"),
        py::arg("max_median_deviation"));

  m.def("inverted_pendulum_step_length", &inverted_pendulum_step_length, py::arg("vertical_excursion"),
        py::arg("sensor_height"), py::arg("correction") = 1.0,
        "Step length (m) from the vertical excursion (m) of a lower-back sensor at height sensor_height (m): "
        "correction * 2 sqrt(2 l h - h^2) (Zijlstra & Hof 2003).");
  m.def("step_vertical_excursions",
        [](const py::object& av, double fs, const py::object& ics) {
          const Array a = vector_of(av, "vertical_acc"), c = vector_of(ics, "initial_contacts");
          return out(step_vertical_excursions(view(a), fs, view(c)));
        },
        py::arg("vertical_acc"), py::arg("fs"), py::arg("initial_contacts"),
        "Vertical excursion (m) of a lower-back sensor in each step between consecutive initial contacts.");

  m.def("_gait_symmetry_index", &symmetry_index, py::arg("left"), py::arg("right"),
        "100 (R - L) / (0.5 (R + L)), percent (Robinson et al. 1987); positive when right is larger.");
  m.def("symmetry_index_max", &symmetry_index_max, py::arg("left"), py::arg("right"),
        "100 (R - L) / max(L, R), percent (Vagenas & Hoshizaki 1992).");
  m.def("symmetry_ratio", &symmetry_ratio, py::arg("left"), py::arg("right"), "L / R (Seliktar & Mizrahi 1986).");
  m.def("gait_asymmetry", &gait_asymmetry, py::arg("swing_left"), py::arg("swing_right"),
        "100 |ln(short swing / long swing)| (Yogev et al. 2007; Plotnik et al. 2007).");
  m.def("symmetry_angle", &symmetry_angle, py::arg("left"), py::arg("right"),
        "(45 deg - atan(L / R)) / 90 deg * 100, percent, with the paper's wrap (Zifchock et al. 2008).");
  m.def("_side_index",
        [](const std::string& index, const py::object& l, const py::object& r, const std::string& agg,
           const py::object& affected, std::size_t bootstrap, double confidence, std::uint64_t seed) {
          const Array a = vector_of(l, "left_values"), b = vector_of(r, "right_values");
          if (agg != "median" && agg != "mean") throw py::value_error("aggregation: expected 'median' or 'mean'");
          const auto res = side_index(index_of(index), view(a), view(b), agg == "median" ? Aggregation::median : Aggregation::mean,
                                      side_of(affected, "affected"), bootstrap, confidence, seed);
          py::dict d;
          d["value"] = res.value;
          d["left"] = res.left;
          d["right"] = res.right;
          d["n_left"] = res.n_left;
          d["n_right"] = res.n_right;
          d["ci_low"] = res.ci_low;
          d["ci_high"] = res.ci_high;
          return d;
        },
        py::arg("index"), py::arg("left_values"), py::arg("right_values"), py::arg("aggregation") = "median",
        py::arg("affected") = py::none(), py::arg("bootstrap") = 0, py::arg("confidence") = 0.95, py::arg("seed") = 1);
  m.def("_phase_coordination_index",
        [](const py::object& l, const py::object& r, const std::string& reference) {
          const Array a = vector_of(l, "left_contacts"), b = vector_of(r, "right_contacts");
          const auto p = phase_coordination_index(view(a), view(b), side_of(py::str(reference), "reference"));
          py::dict d;
          d["pci"] = p.pci;
          d["phi_cv"] = p.phi_cv;
          d["phi_abs_deg"] = p.phi_abs;
          d["p_phi_abs"] = p.p_phi_abs;
          d["mean_phase_deg"] = p.mean_phase;
          d["n"] = p.n;
          d["reference"] = reference;
          return d;
        },
        py::arg("left_contacts"), py::arg("right_contacts"), py::arg("reference"));
  m.def("harmonic_ratio",
        [](const py::object& x, const std::string& axis, std::size_t harmonics) {
          return harmonic_ratio(view(vector_of(x, "stride")), axis_of(axis), harmonics);
        },
        py::arg("stride"), py::arg("axis"), py::arg("harmonics") = 20,
        "Harmonic ratio of exactly one stride of trunk acceleration (Menz et al. 2003): AP/V even/odd, ML odd/even.");
  m.def("improved_harmonic_ratio",
        [](const py::object& x, const std::string& axis, std::size_t harmonics) {
          return improved_harmonic_ratio(view(vector_of(x, "stride")), axis_of(axis), harmonics);
        },
        py::arg("stride"), py::arg("axis"), py::arg("harmonics") = 20,
        "Improved harmonic ratio (Pasciuto et al. 2017), percent.");
  m.def("autocorrelation_regularity",
        [](const py::object& x, double fs, double step_time) {
          const auto r = autocorrelation_regularity(view(vector_of(x, "signal")), fs, step_time);
          py::dict d;
          d["step_regularity"] = r.step_regularity;
          d["stride_regularity"] = r.stride_regularity;
          d["step_symmetry"] = r.step_symmetry;
          d["regularity_index"] = r.regularity_index;
          d["step_lag_s"] = r.step_lag;
          d["stride_lag_s"] = r.stride_lag;
          return d;
        },
        py::arg("signal"), py::arg("fs"), py::arg("step_time"),
        "Step and stride regularity from the unbiased autocorrelation (Moe-Nilssen & Helbostad 2004).");
  m.def("gait_symmetry_index",
        [](const py::object& acc, double fs, double step_time) {
          Array a = real_array(acc, "acc");
          if (a.ndim() != 2 || a.shape(1) != 3) throw py::value_error("acc: expected shape (n_samples, 3)");
          return gait_symmetry_index({a.data(), static_cast<std::size_t>(a.size())}, fs, step_time);
        },
        py::arg("acc"), py::arg("fs"), py::arg("step_time"), "Gait symmetry index (Zhang et al. 2018), 0..1.");
  m.def("coefficient_of_variation", [](const py::object& x) { return coefficient_of_variation(view(vector_of(x, "values"))); },
        py::arg("values"), "100 SD (n - 1) / mean, percent.");
  m.def("combined_sd",
        [](const py::object& l, const py::object& r) {
          return combined_sd(view(vector_of(l, "left")), view(vector_of(r, "right")));
        },
        py::arg("left"), py::arg("right"), "sqrt((SD_L^2 + SD_R^2) / 2) (Galna et al. 2013).");
  m.def("_synthesize_foot_gait",
        [](double fs, double ls, double lw, double rs, double rw, double duration, double first, double offset,
           double peak, double trough, double noise, std::uint64_t seed) {
          const auto gsyn = synthesize_foot_gait(fs, {ls, lw}, {rs, rw}, {duration, first, offset, peak, trough, noise, seed});
          const auto n = static_cast<py::ssize_t>(gsyn.left_gyr.size() / 3);
          py::dict d;
          d["left_gyr"] = py::array_t<double>({n, py::ssize_t{3}}, gsyn.left_gyr.data());
          d["right_gyr"] = py::array_t<double>({n, py::ssize_t{3}}, gsyn.right_gyr.data());
          d["left_ic"] = out(gsyn.left_ic);
          d["left_tc"] = out(gsyn.left_tc);
          d["right_ic"] = out(gsyn.right_ic);
          d["right_tc"] = out(gsyn.right_tc);
          return d;
        },
        py::arg("fs"), py::arg("left_stance"), py::arg("left_swing"), py::arg("right_stance"), py::arg("right_swing"),
        py::arg("duration"), py::arg("first_contact"), py::arg("right_offset"), py::arg("push_off_peak"),
        py::arg("swing_trough"), py::arg("noise"), py::arg("seed"));

  m.def("_match_events",
        [](const py::object& det, const py::object& ref, double tolerance) {
          const Array d = vector_of(det, "detected"), r = vector_of(ref, "reference");
          const auto mt = match_events(view(d), view(r), tolerance);
          py::dict res;
          res["detected_index"] = py::array_t<std::size_t>(static_cast<py::ssize_t>(mt.detected.size()), mt.detected.data());
          res["reference_index"] = py::array_t<std::size_t>(static_cast<py::ssize_t>(mt.reference.size()), mt.reference.data());
          res["true_positives"] = mt.true_positives;
          res["false_positives"] = mt.false_positives;
          res["false_negatives"] = mt.false_negatives;
          res["precision"] = mt.precision;
          res["recall"] = mt.recall;
          res["f1"] = mt.f1;
          res["mean_error"] = mt.mean_error;
          res["mean_absolute_error"] = mt.mean_absolute_error;
          res["sd_error"] = mt.sd_error;
          return res;
        },
        py::arg("detected"), py::arg("reference"), py::arg("tolerance"));

  m.def("_agreement",
        [](const py::object& a, const py::object& b) {
          const Array x = vector_of(a, "a"), y = vector_of(b, "b");
          const auto g = agreement(view(x), view(y));
          py::dict res;
          res["n"] = g.n;
          res["bias"] = g.bias;
          res["mean_absolute_error"] = g.mean_absolute_error;
          res["sd"] = g.sd;
          res["lower_limit"] = g.lower_limit;
          res["upper_limit"] = g.upper_limit;
          return res;
        },
        py::arg("a"), py::arg("b"));
}

}  // namespace kinemyo::python
