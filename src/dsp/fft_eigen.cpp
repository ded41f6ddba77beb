// FftPlan on Eigen's unsupported FFT module with its default kissfft backend (permissive licence). Each plan
// owns its own Eigen::FFT object, whose twiddle tables are built in the constructor, so transforms of one plan
// allocate nothing and plans on different threads share no state.

#include <algorithm>
#include <climits>
#include <complex>
#include <string>
#include <vector>

#include <unsupported/Eigen/FFT>

#include "check.hpp"
#include "fft_backend.hpp"

namespace kinemyo::detail {

struct FftPlan::Impl {
  Eigen::FFT<double> fft;
  std::vector<std::complex<double>> scratch;  // input copy when a caller transforms in place

  explicit Impl(std::size_t n) : scratch(n) {
    // HalfSpectrum: real forward transforms write only the n/2 + 1 non-negative-frequency bins.
    // Unscaled: the inverse is normalised below, by the same 1/n multiplication as the FFTW backend.
    fft.SetFlag(Eigen::FFT<double>::HalfSpectrum);
    fft.SetFlag(Eigen::FFT<double>::Unscaled);
    if (n == 1) return;  // kissfft cannot factor 1; the transforms below copy instead
    // Build the kissfft plans (and its scratch buffers) now rather than on the first transform.
    std::vector<std::complex<double>> c(n), out(n);
    std::vector<double> r(n);
    const auto len = static_cast<Eigen::Index>(n);
    fft.fwd(out.data(), c.data(), len);
    fft.inv(out.data(), c.data(), len);
    fft.fwd(out.data(), r.data(), len);
  }
};

FftPlan::FftPlan(std::size_t n) : n_(n) {
  validate_fft_length(n);
  impl_ = std::make_unique<Impl>(n);
}

FftPlan::~FftPlan() = default;

namespace {

// kissfft reads its input while writing its output, so it cannot work in place.
const std::complex<double>* unaliased(const std::complex<double>* in, const std::complex<double>* out,
                                      std::vector<std::complex<double>>& scratch) {
  if (in != out) return in;
  std::copy(in, in + scratch.size(), scratch.begin());
  return scratch.data();
}

}  // namespace

void FftPlan::forward(const std::complex<double>* in, std::complex<double>* out) {
  if (n_ == 1) {
    out[0] = in[0];
    return;
  }
  impl_->fft.fwd(out, unaliased(in, out, impl_->scratch), static_cast<Eigen::Index>(n_));
}

void FftPlan::inverse(const std::complex<double>* in, std::complex<double>* out) {
  if (n_ == 1) {
    out[0] = in[0];
    return;
  }
  impl_->fft.inv(out, unaliased(in, out, impl_->scratch), static_cast<Eigen::Index>(n_));
  const double scale = 1.0 / static_cast<double>(n_);
  for (std::size_t i = 0; i < n_; ++i) out[i] *= scale;
}

void FftPlan::forward_real(const double* in, std::complex<double>* out) {
  if (n_ == 1) {
    out[0] = std::complex<double>(in[0], 0.0);
    return;
  }
  impl_->fft.fwd(out, in, static_cast<Eigen::Index>(n_));
}

const char* fft_backend_name() noexcept { return "eigen"; }

}  // namespace kinemyo::detail
