#pragma once
// JSON parsing for the readers of untrusted documents (FHIR responses, calibration files): nesting deeper than
// max_depth is an error naming the parameter instead of unbounded recursion further on, and integers are read
// range-checked (a FHIR valueInteger is a 32-bit integer; larger values must not wrap).

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "dsp/check.hpp"

namespace kinemyo::detail {

inline constexpr int kMaxJsonDepth = 64;

inline nlohmann::json parse_json_bounded(std::string_view text, const char* parameter, int max_depth = kMaxJsonDepth) {
  const auto guard = [&](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
    if (depth > max_depth) fail(parameter, "nested deeper than " + std::to_string(max_depth) + " levels");
    return true;
  };
  try {
    return nlohmann::json::parse(text, guard);
  } catch (const nlohmann::json::exception& e) {
    fail(parameter, std::string("malformed: ") + e.what());
  }
}

// A JSON integer as int, or an error naming `what` when it does not fit (no silent wrap-around). A number written
// with a fraction or exponent counts when it is integral and fits (2.0, 1e3); anything else is an error (no
// truncation, and no unchecked float-to-integer conversion, which is undefined for 1e300).
inline int checked_int(const nlohmann::json& v, const std::string& what) {
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (!(d == std::floor(d) && d >= std::numeric_limits<int>::min() && d <= std::numeric_limits<int>::max()))
      fail(what, "must be an integer in the range of int, got " + num(d));
    return static_cast<int>(d);
  }
  if (!v.is_number_integer()) fail(what, std::string("must be an integer, got ") + v.type_name());
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<int>::max()))
      fail(what, "integer " + std::to_string(u) + " is out of range");
    return static_cast<int>(u);
  }
  const auto s = v.get<std::int64_t>();
  if (s < std::numeric_limits<int>::min() || s > std::numeric_limits<int>::max())
    fail(what, "integer " + std::to_string(s) + " is out of range");
  return static_cast<int>(s);
}

}  // namespace kinemyo::detail
