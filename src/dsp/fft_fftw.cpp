// FftPlan on FFTW3 (double precision). Planning and plan destruction go through one global mutex because the
// FFTW planner is not thread-safe; fftw_execute on distinct plans is. Each plan owns fftw_malloc'ed (aligned)
// buffers and copies in and out, so callers' arrays need no particular alignment.
// FFTW serves lengths with a prime factor above 7 with generic/Rader solvers that call malloc inside
// fftw_execute; such lengths use kissfft instead, so that no transform ever allocates (real-time code relies on it).

#include <fftw3.h>

#include <climits>
#include <complex>
#include <cstring>
#include <mutex>
#include <optional>
#include <new>
#include <string>

#include "check.hpp"
#include "fft_backend.hpp"
#include "fft_kiss.hpp"

namespace kinemyo::detail {
namespace {

std::mutex& planner_mutex() {
  static std::mutex m;
  return m;
}

bool only_small_prime_factors(std::size_t n) {
  for (std::size_t p : {2u, 3u, 5u, 7u})
    while (n % p == 0) n /= p;
  return n == 1;
}

}  // namespace

struct FftPlan::Impl {
  std::optional<KissPlan> kiss;  // lengths FFTW would allocate for
  fftw_complex* cin = nullptr;
  fftw_complex* cout = nullptr;
  double* rin = nullptr;
  fftw_plan forward = nullptr;
  fftw_plan inverse = nullptr;
  fftw_plan forward_real = nullptr;

  explicit Impl(std::size_t n) {
    if (!only_small_prime_factors(n)) {
      kiss.emplace(n);
      return;
    }
    const int len = static_cast<int>(n);
    std::lock_guard<std::mutex> lock(planner_mutex());
    cin = fftw_alloc_complex(n);
    cout = fftw_alloc_complex(n);
    rin = fftw_alloc_real(n);
    if (cin != nullptr && cout != nullptr && rin != nullptr) {
      // FFTW_ESTIMATE: no timing runs, so plans are cheap and deterministic, and the arrays are not touched.
      forward = fftw_plan_dft_1d(len, cin, cout, FFTW_FORWARD, FFTW_ESTIMATE);
      inverse = fftw_plan_dft_1d(len, cin, cout, FFTW_BACKWARD, FFTW_ESTIMATE);
      forward_real = fftw_plan_dft_r2c_1d(len, rin, cout, FFTW_ESTIMATE);
    }
    if (forward == nullptr || inverse == nullptr || forward_real == nullptr) {
      release_locked();
      throw std::bad_alloc();
    }
  }

  ~Impl() {
    std::lock_guard<std::mutex> lock(planner_mutex());
    release_locked();
  }

  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

 private:
  void release_locked() noexcept {
    if (forward != nullptr) fftw_destroy_plan(forward);
    if (inverse != nullptr) fftw_destroy_plan(inverse);
    if (forward_real != nullptr) fftw_destroy_plan(forward_real);
    fftw_free(cin);
    fftw_free(cout);
    fftw_free(rin);
    forward = inverse = forward_real = nullptr;
    cin = cout = nullptr;
    rin = nullptr;
  }
};

FftPlan::FftPlan(std::size_t n) : n_(n) {
  validate_fft_length(n);
  impl_ = std::make_unique<Impl>(n);
}

FftPlan::~FftPlan() = default;

namespace {

void copy_in(const std::complex<double>* in, fftw_complex* buf, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    buf[i][0] = in[i].real();
    buf[i][1] = in[i].imag();
  }
}

}  // namespace

void FftPlan::forward(const std::complex<double>* in, std::complex<double>* out) {
  if (impl_->kiss) return impl_->kiss->forward(in, out);
  copy_in(in, impl_->cin, n_);
  fftw_execute(impl_->forward);
  for (std::size_t i = 0; i < n_; ++i) out[i] = std::complex<double>(impl_->cout[i][0], impl_->cout[i][1]);
}

void FftPlan::inverse(const std::complex<double>* in, std::complex<double>* out) {
  if (impl_->kiss) return impl_->kiss->inverse(in, out);
  copy_in(in, impl_->cin, n_);
  fftw_execute(impl_->inverse);
  const double scale = 1.0 / static_cast<double>(n_);
  for (std::size_t i = 0; i < n_; ++i)
    out[i] = std::complex<double>(impl_->cout[i][0] * scale, impl_->cout[i][1] * scale);
}

void FftPlan::forward_real(const double* in, std::complex<double>* out) {
  if (impl_->kiss) return impl_->kiss->forward_real(in, out);
  std::memcpy(impl_->rin, in, n_ * sizeof(double));
  fftw_execute(impl_->forward_real);
  for (std::size_t i = 0; i < n_ / 2 + 1; ++i) out[i] = std::complex<double>(impl_->cout[i][0], impl_->cout[i][1]);
}

const char* fft_backend_name() noexcept { return "fftw"; }

}  // namespace kinemyo::detail
