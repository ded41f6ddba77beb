// FftPlan on Eigen's kissfft (permissive licence): the whole backend for -DKINEMYO_FFT=eigen.

#include "fft_backend.hpp"
#include "fft_kiss.hpp"

namespace kinemyo::detail {

struct FftPlan::Impl {
  explicit Impl(std::size_t n) : kiss(n) {}
  KissPlan kiss;
};

FftPlan::FftPlan(std::size_t n) : n_(n) {
  validate_fft_length(n);
  impl_ = std::make_unique<Impl>(n);
}

FftPlan::~FftPlan() = default;

void FftPlan::forward(const std::complex<double>* in, std::complex<double>* out) { impl_->kiss.forward(in, out); }
void FftPlan::inverse(const std::complex<double>* in, std::complex<double>* out) { impl_->kiss.inverse(in, out); }
void FftPlan::forward_real(const double* in, std::complex<double>* out) { impl_->kiss.forward_real(in, out); }

const char* fft_backend_name() noexcept { return "eigen"; }

}  // namespace kinemyo::detail
