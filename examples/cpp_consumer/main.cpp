// Smallest real use of an installed kinemyo: design the EMG band-pass, filter a 16-channel stream frame by
// frame, and check the result against the batch function and the steady-state response.
#include <cmath>
#include <cstdio>
#include <vector>

#include <kinemyo/kinemyo.hpp>

int main() {
  namespace dsp = kinemyo::dsp;
  const double fs = 2000.0;
  const std::size_t channels = 16, frames = 4000;
  const auto band = dsp::butterworth_sos(4, {20.0, 450.0}, dsp::FilterKind::bandpass, fs);

  std::vector<double> x(frames * channels);
  for (std::size_t t = 0; t < frames; ++t)
    for (std::size_t c = 0; c < channels; ++c)
      x[t * channels + c] = std::sin(2.0 * M_PI * (60.0 + 10.0 * static_cast<double>(c)) * static_cast<double>(t) / fs);

  dsp::SosFilter filter(band, channels);
  std::vector<double> y(x.size());
  for (std::size_t t = 0; t < frames; ++t) filter.process_frame(&x[t * channels], &y[t * channels]);

  std::vector<double> reference(x.size());
  dsp::sosfilt<double>(band, x, reference, channels);
  for (std::size_t i = 0; i < y.size(); ++i)
    if (y[i] != reference[i]) {
      std::printf("mismatch at %zu\n", i);
      return 1;
    }
  const double gain = std::abs(dsp::sos_frequency_response(band, 100.0, fs));
  std::printf("kinemyo %s (%s FFT): 16-channel stream OK, |H(100 Hz)| = %.6f, delay(100 Hz) = %.2f ms\n",
              kinemyo::version, KINEMYO_FFT_BACKEND, gain, 1e3 * filter.group_delay(100.0, fs));
  return std::abs(gain - 1.0) < 1e-3 ? 0 : 1;
}
