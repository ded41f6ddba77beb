#pragma once
// Private FFT interface. Two implementations, chosen at configure time with -DKINEMYO_FFT=fftw|eigen:
// fft_fftw.cpp (FFTW3, GPL: a binary linking it is GPL) and fft_eigen.cpp (Eigen's kissfft, permissive).
// Nothing outside src/ sees which one is in use, apart from fft_backend_name().

#include <complex>
#include <cstddef>
#include <memory>

namespace kinemyo::detail {

// Unnormalised discrete Fourier transforms of one fixed length n >= 1. A plan may be used by one thread at a
// time; creating and destroying plans is thread-safe. Transforms never allocate (all memory is taken by the
// constructor), so streaming objects may run them in their process calls.
class FftPlan {
 public:
  explicit FftPlan(std::size_t n);
  ~FftPlan();
  FftPlan(const FftPlan&) = delete;
  FftPlan& operator=(const FftPlan&) = delete;

  [[nodiscard]] std::size_t size() const noexcept { return n_; }
  // X[k] = sum_t x[t] exp(-2 pi i k t / n)
  void forward(const std::complex<double>* in, std::complex<double>* out);
  // x[t] = (1/n) sum_k X[k] exp(+2 pi i k t / n)   (normalised like numpy.fft.ifft)
  void inverse(const std::complex<double>* in, std::complex<double>* out);
  // The n/2 + 1 non-negative-frequency bins of the forward transform of real input.
  void forward_real(const double* in, std::complex<double>* out);

 private:
  struct Impl;
  std::size_t n_;
  std::unique_ptr<Impl> impl_;
};

const char* fft_backend_name() noexcept;

// Both backends take lengths 1 .. INT_MAX (FFTW's plan sizes are int).
void validate_fft_length(std::size_t n);

}  // namespace kinemyo::detail
