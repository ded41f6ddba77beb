#pragma once
// Conversions shared by the domain binding files: NumPy arrays in (any layout, float32 kept as float32, every
// other real dtype as float64, converted to C order once), std::vector out without a copy.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <kinemyo/dsp/non_finite.hpp>
#include <kinemyo/limits.hpp>

#include <span>
#include <string>
#include <utility>
#include <vector>

namespace kinemyo::python {

namespace py = pybind11;

// True for float32 input, false for any other real dtype (computed as float64); TypeError for complex,
// object or string data.
inline bool is_float32(py::handle x, const char* name) {
  py::array arr = py::array::ensure(x);
  if (!arr) throw py::type_error(std::string(name) + ": expected an array of real numbers");
  const char kind = arr.dtype().kind();
  if (kind == 'c') throw py::type_error(std::string(name) + ": complex input is not supported (real signals only)");
  if (kind != 'f' && kind != 'i' && kind != 'u' && kind != 'b')
    throw py::type_error(std::string(name) + ": expected a real numeric array, got dtype " +
                         py::str(arr.dtype()).cast<std::string>());
  return arr.dtype().is(py::dtype::of<float>());
}

// A real array converted to C-order T: TypeError naming the parameter for complex, object or text data (a plain
// forcecast would drop an imaginary part silently).
template <class T = double>
py::array_t<T, py::array::c_style | py::array::forcecast> real_array(py::handle x, const char* name) {
  is_float32(x, name);
  auto a = py::array_t<T, py::array::c_style | py::array::forcecast>::ensure(x);
  if (!a) throw py::type_error(std::string(name) + ": cannot convert to a numeric array");
  return a;
}

// A fixed number of real values (a 3-vector, a quaternion): TypeError for text, complex or object data, ValueError
// naming the parameter for another count. Values are returned as given (finiteness is the caller's rule).
inline std::vector<double> small_vector(py::handle x, const char* name, std::size_t count) {
  auto a = real_array(x, name);
  if (static_cast<std::size_t>(a.size()) != count || a.ndim() > 1)
    throw py::value_error(std::string(name) + ": expected " + std::to_string(count) + " numbers, got shape " +
                          py::str(py::tuple(py::cast(std::vector<py::ssize_t>(a.shape(), a.shape() + a.ndim()))))
                              .cast<std::string>());
  return {a.data(), a.data() + count};
}

// A (n_frames, n_channels) signal; 1-D input is one channel.
template <class T>
struct Signal {
  py::array_t<T, py::array::c_style | py::array::forcecast> array;
  std::size_t n_frames = 0;
  std::size_t n_channels = 0;
  bool one_d = false;
  [[nodiscard]] std::span<const T> span() const { return {array.data(), n_frames * n_channels}; }
};

template <class T>
Signal<T> as_signal(py::handle x, const char* name) {
  Signal<T> s;
  s.array = real_array<T>(x, name);
  if (s.array.ndim() == 1) {
    s.one_d = true;
    s.n_frames = static_cast<std::size_t>(s.array.shape(0));
    s.n_channels = 1;
  } else if (s.array.ndim() == 2) {
    s.n_frames = static_cast<std::size_t>(s.array.shape(0));
    s.n_channels = static_cast<std::size_t>(s.array.shape(1));
  } else {
    throw py::value_error(std::string(name) + ": expected shape (n_samples,) or (n_samples, n_channels), got " +
                          std::to_string(s.array.ndim()) + " dimensions");
  }
  if (s.n_frames == 0) throw py::value_error(std::string(name) + ": signal is empty");
  if (s.n_channels == 0) throw py::value_error(std::string(name) + ": has zero channels");
  return s;
}

// A single-channel signal: shape (n_samples,) or (n_samples, 1).
template <class T>
Signal<T> as_channel(py::handle x, const char* name) {
  auto s = as_signal<T>(x, name);
  if (s.n_channels != 1)
    throw py::value_error(std::string(name) + ": expected one channel, shape (n_samples,) or (n_samples, 1)");
  return s;
}

// Hands a vector to NumPy without copying; the array owns it through a capsule.
template <class T>
py::array_t<T> to_array(std::vector<T>&& v, std::vector<py::ssize_t> shape) {
  auto* owned = new std::vector<T>(std::move(v));
  py::capsule owner(owned, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>(std::move(shape), owned->data(), owner);
}

// Output shaped like the input signal: (n,) or (n, C).
template <class T>
py::array_t<T> shaped_like(std::vector<T>&& v, const Signal<T>& s, std::size_t n_frames) {
  if (s.one_d) return to_array(std::move(v), {static_cast<py::ssize_t>(n_frames)});
  return to_array(std::move(v), {static_cast<py::ssize_t>(n_frames), static_cast<py::ssize_t>(s.n_channels)});
}

// A new uninitialised array shaped like the signal.
template <class T>
py::array_t<T> empty_like_signal(const Signal<T>& s) {
  if (s.one_d) return py::array_t<T>(std::vector<py::ssize_t>{static_cast<py::ssize_t>(s.n_frames)});
  return py::array_t<T>(
      std::vector<py::ssize_t>{static_cast<py::ssize_t>(s.n_frames), static_cast<py::ssize_t>(s.n_channels)});
}

// Calls f.template operator()<T>() with T = float for float32 input and double otherwise.
template <class F>
py::object dispatch_real(py::handle x, const char* name, F&& f) {
  if (is_float32(x, name)) return f(float{});
  return f(double{});
}

// A count argument (channels, window length) bounded before anything of that size is allocated: ValueError naming
// the parameter instead of std::length_error ("cannot create std::vector larger than max_size()") or bad_alloc.
inline std::size_t bounded_count(std::size_t v, const char* name, std::size_t max = kMaxCount) {
  if (v > max)
    throw py::value_error(std::string(name) + ": must be at most " + std::to_string(max) + ", got " + std::to_string(v));
  return v;
}

// The same for a Python integer of any size, compared before the conversion (which would fail unnamed past size_t).
inline std::size_t bounded_count(const py::int_& v, const char* name, std::size_t max = kMaxCount) {
  const auto text = [&] { return py::str(v).cast<std::string>(); };
  if (v < py::int_(0)) throw py::value_error(std::string(name) + ": must be >= 0, got " + text());
  if (v > py::int_(max))
    throw py::value_error(std::string(name) + ": must be at most " + std::to_string(max) + ", got " + text());
  return v.cast<std::size_t>();
}

// A real scalar given as a Python object (an argument that may also be None or another kind): TypeError naming
// the parameter for text, bool, complex or anything else that is not a real number (pybind11's own cast would
// raise a bare RuntimeError, and float() would parse text).
inline double real_scalar(py::handle v, const char* name) {
  PyObject* o = v.ptr();
  if (o && !PyBool_Check(o) && !PyUnicode_Check(o) && !PyBytes_Check(o) && !PyComplex_Check(o)) {
    if (PyFloat_Check(o)) return PyFloat_AsDouble(o);
    if (PyIndex_Check(o)) return py::float_(py::int_(py::reinterpret_borrow<py::object>(v))).cast<double>();
    if (py::hasattr(v, "dtype")) {  // NumPy real scalars (float32, ...): not complex
      const auto kind = py::str(v.attr("dtype").attr("kind")).cast<std::string>();
      if (kind == "f" || kind == "i" || kind == "u") return py::float_(py::reinterpret_borrow<py::object>(v)).cast<double>();
    }
  }
  throw py::type_error(std::string(name) + ": expected a real number, got " +
                       py::str(py::type::handle_of(v).attr("__name__")).cast<std::string>());
}

// The `non_finite` and `max_abs` arguments of every streaming object.
inline dsp::InputPolicy parse_policy(const std::string& p, double max_abs = dsp::kDefaultMaxAbs) {
  if (!(max_abs > 0.0)) throw py::value_error("max_abs: must be > 0 (inf: only non-finite samples are invalid)");
  if (p == "hold_last") return {dsp::NonFinitePolicy::hold_last, max_abs};
  if (p == "zero") return {dsp::NonFinitePolicy::zero, max_abs};
  if (p == "propagate") return {dsp::NonFinitePolicy::propagate, max_abs};
  throw py::value_error("non_finite: must be 'hold_last', 'zero' or 'propagate', got '" + p + "'");
}

void bind_dsp(py::module_& m);
void bind_emg(py::module_& m);
void bind_questionnaire(py::module_& m);
void bind_imu(py::module_& m);
void bind_gait(py::module_& m);

}  // namespace kinemyo::python
