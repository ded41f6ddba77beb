// Offline gait analysis of two foot sensors in the gaitmap example format (two header rows: sensor, axis; gyr in
// deg/s, acc in m/s^2): events, zero-velocity strides, the stride table, and the stance-time symmetry index.
//   gait_offline <imu_sample.csv> <fs>
#include <kinemyo/gait/metrics.hpp>
#include <kinemyo/gait/table.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <numbers>
#include <sstream>
#include <string>
#include <vector>

namespace g = kinemyo::gait;

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <imu_sample.csv> <fs>\n", argv[0]);
    return 2;
  }
  std::ifstream in(argv[1]);
  const double fs = std::stod(argv[2]);
  std::string sensors, axes;
  if (!in || !std::getline(in, sensors) || !std::getline(in, axes)) {
    std::fprintf(stderr, "cannot read the two header rows of %s\n", argv[1]);
    return 2;
  }
  const auto split = [](const std::string& s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    for (std::string cell; std::getline(ss, cell, ',');) out.push_back(cell);
    return out;
  };
  const auto sensor = split(sensors), axis = split(axes);
  const auto column = [&](const std::string& s, const std::string& a) {
    for (std::size_t i = 0; i < sensor.size(); ++i)
      if (sensor[i] == s && axis[i] == a) return i;
    std::fprintf(stderr, "no column %s/%s\n", s.c_str(), a.c_str());
    std::exit(2);
  };
  std::vector<double> gyr[2], acc[2];
  const std::string names[2] = {"left_sensor", "right_sensor"};
  std::vector<std::size_t> cols[2];
  for (int side = 0; side < 2; ++side)
    for (const char* a : {"gyr_x", "gyr_y", "gyr_z", "acc_x", "acc_y", "acc_z"}) cols[side].push_back(column(names[side], a));
  for (std::string line; std::getline(in, line);) {
    const auto cells = split(line);
    for (int side = 0; side < 2; ++side)
      for (std::size_t k = 0; k < 6; ++k) {
        const double v = std::stod(cells[cols[side][k]]);
        if (k < 3) gyr[side].push_back(v * std::numbers::pi / 180.0);
        else acc[side].push_back(v);
      }
  }
  g::SideEvents sides[2];
  for (int side = 0; side < 2; ++side) {
    const auto ev = g::detect_foot_events(gyr[side], fs, {0.0, 1.0, 0.0});
    sides[side] = g::foot_side_events(ev, g::zupt_strides(gyr[side], acc[side], fs, ev.mid_stance));
  }
  const auto rows = g::stride_table(sides[0], sides[1]);
  std::vector<double> stance[2], length[2];
  std::size_t flagged = 0;
  for (const auto& r : rows) {
    if (r.flags) {
      ++flagged;
      continue;
    }
    const int s = r.side == g::Side::left ? 0 : 1;
    stance[s].push_back(r.stance_time);
    length[s].push_back(r.stride_length);
  }
  const auto si = g::side_index(g::PairIndex::symmetry_index, stance[0], stance[1]);
  const auto len = g::side_index(g::PairIndex::symmetry_index, length[0], length[1]);
  std::printf("%zu strides (%zu flagged); stance L %.3f s, R %.3f s, SI %+.2f %%; stride length L %.2f m, R %.2f m\n",
              rows.size(), flagged, si.left, si.right, si.value, len.left, len.right);
  return rows.size() > 20 && std::isfinite(si.value) ? 0 : 1;
}
