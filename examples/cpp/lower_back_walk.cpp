// A walk recorded by one IMU at the lower back, to a step table: walking bouts, initial contacts with their sides,
// and the step-time symmetry index. Input: CSV with a header row and columns acc_x,acc_y,acc_z (m/s^2),
// gyr_x,gyr_y,gyr_z (rad/s) in any sensor frame (the vertical is found from gravity).
//   lower_back_walk <walk.csv> <fs>
#include <kinemyo/gait/lower_back.hpp>
#include <kinemyo/gait/metrics.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace g = kinemyo::gait;

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <walk.csv> <fs>\n", argv[0]);
    return 2;
  }
  std::ifstream in(argv[1]);
  std::string line;
  if (!in || !std::getline(in, line)) {
    std::fprintf(stderr, "cannot read %s\n", argv[1]);
    return 2;
  }
  std::vector<double> acc, gyr;
  while (std::getline(in, line)) {
    std::stringstream ss(line);
    std::string cell;
    for (int k = 0; k < 6 && std::getline(ss, cell, ','); ++k) (k < 3 ? acc : gyr).push_back(std::stod(cell));
  }
  try {
    const double fs = std::stod(argv[2]);
    const g::LowerBackGait walk = g::lower_back_gait(acc, gyr, fs);
    const auto steps = g::lower_back_step_table(walk);
    std::printf("%zu walking bout(s), %zu initial contacts, %zu turns\n", walk.bouts.size(),
                walk.initial_contact.size(), walk.turns.size());
    std::printf("%8s %6s %10s %10s %6s\n", "end_s", "side", "step_s", "stride_s", "flags");
    std::vector<double> left, right;
    for (const auto& s : steps) {
      const char* side = s.side == g::Side::left ? "left" : s.side == g::Side::right ? "right" : "?";
      std::printf("%8.2f %6s %10.3f %10.3f %6u\n", s.end, side, s.step_time, s.stride_time, s.flags);
      if (s.flags == 0) (s.side == g::Side::left ? left : right).push_back(s.step_time);
    }
    const auto si = g::side_index(g::PairIndex::symmetry_index, left, right);
    std::printf("step time median left %.3f s, right %.3f s, symmetry index %+.1f %%\n", si.left, si.right, si.value);
    return left.empty() || right.empty() ? 1 : 0;
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  }
}
