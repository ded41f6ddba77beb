#pragma once
// Private: transforms on Eigen's kissfft (permissive licence). The whole FFT backend for -DKINEMYO_FFT=eigen, and
// the FFTW backend's fallback for lengths FFTW would serve with solvers that allocate on every call.

#include <algorithm>
#include <complex>
#include <cstddef>
#include <vector>

#include <unsupported/Eigen/FFT>

namespace kinemyo::detail {

// Owns its Eigen::FFT (twiddles and scratch built in the constructor), so transforms allocate nothing.
class KissPlan {
 public:
  explicit KissPlan(std::size_t n) : n_(n), scratch_(n) {
    // HalfSpectrum: real forward transforms write only the n/2 + 1 non-negative-frequency bins.
    // Unscaled: the inverse is normalised in inverse(), by the same 1/n multiplication as the FFTW backend.
    fft_.SetFlag(Eigen::FFT<double>::HalfSpectrum);
    fft_.SetFlag(Eigen::FFT<double>::Unscaled);
    if (n == 1) return;  // kissfft cannot factor 1; the transforms copy instead
    std::vector<std::complex<double>> c(n), out(n);
    std::vector<double> r(n);
    fft_.fwd(out.data(), c.data(), len());
    fft_.inv(out.data(), c.data(), len());
    fft_.fwd(out.data(), r.data(), len());
  }

  void forward(const std::complex<double>* in, std::complex<double>* out) {
    if (n_ == 1) {
      out[0] = in[0];
      return;
    }
    fft_.fwd(out, unaliased(in, out), len());
  }

  void inverse(const std::complex<double>* in, std::complex<double>* out) {
    if (n_ == 1) {
      out[0] = in[0];
      return;
    }
    fft_.inv(out, unaliased(in, out), len());
    const double scale = 1.0 / static_cast<double>(n_);
    for (std::size_t i = 0; i < n_; ++i) out[i] *= scale;
  }

  void forward_real(const double* in, std::complex<double>* out) {
    if (n_ == 1) {
      out[0] = std::complex<double>(in[0], 0.0);
      return;
    }
    fft_.fwd(out, in, len());
  }

 private:
  Eigen::Index len() const { return static_cast<Eigen::Index>(n_); }
  // kissfft reads its input while writing its output, so it cannot work in place.
  const std::complex<double>* unaliased(const std::complex<double>* in, const std::complex<double>* out) {
    if (in != out) return in;
    std::copy(in, in + n_, scratch_.begin());
    return scratch_.data();
  }

  std::size_t n_;
  Eigen::FFT<double> fft_;
  std::vector<std::complex<double>> scratch_;
};

}  // namespace kinemyo::detail
