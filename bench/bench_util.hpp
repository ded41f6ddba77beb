#pragma once
// Shared input for the benchmarks: reproducible Gaussian noise.
#include <cstddef>
#include <random>
#include <vector>

template <class T>
std::vector<T> noise(std::size_t n) {
  std::mt19937 rng(1);
  std::normal_distribution<double> d;
  std::vector<T> v(n);
  for (auto& x : v) x = static_cast<T>(d(rng));
  return v;
}
