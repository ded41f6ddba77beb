// Smallest real use of an installed kinemyo: design the EMG band-pass, filter a 16-channel stream frame by
// frame, and check the result against the batch function and the steady-state response; then one call into each
// other domain (FFT backend, orientation filter, questionnaire engine), so a symbol missing from a shared library
// or a link dependency missing from a static one fails here.
#include <cmath>
#include <cstdio>
#include <optional>
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
  // Welch spectrum of channel 0 (60 Hz): its peak lands in the 60 Hz bin.
  const auto spectrum = dsp::welch<double>(x, channels, fs, {.nperseg = 400});
  std::size_t peak = 0;
  for (std::size_t k = 0; k < spectrum.frequencies_hz.size(); ++k)
    if (spectrum.psd[k * channels] > spectrum.psd[peak * channels]) peak = k;
  // A sensor held still, tilted 30 deg about x: the robust filter's inclination converges to the accelerometer's.
  namespace imu = kinemyo::imu;
  const imu::Vec3 tilted(0.0, 9.81 * std::sin(M_PI / 6.0), 9.81 * std::cos(M_PI / 6.0));
  imu::RobustFilter orientation;
  for (int i = 0; i < 2000; ++i) orientation.update(0.005, imu::Vec3::Zero(), tilted);
  const double tilt_error = imu::orientation_error(orientation.quat_6d(), imu::orientation_from_vectors(tilted)).inclination;
  // Oswestry Disability Index with every section answered 2 of 5: 40 %.
  namespace q = kinemyo::questionnaire;
  const std::vector<std::optional<int>> answers(10, 2);
  const double odi = q::score(q::instrument("odi"), answers).scores.at(0).value;

  const double gain = std::abs(dsp::sos_frequency_response(band, 100.0, fs));
  std::printf("kinemyo %s (%s FFT): 16-channel stream OK, |H(100 Hz)| = %.6f, delay(100 Hz) = %.2f ms\n",
              kinemyo::version, KINEMYO_FFT_BACKEND, gain, 1e3 * filter.group_delay(100.0, fs));
  std::printf("Welch peak %.1f Hz, inclination error %.3f deg at rest, ODI %.1f %%\n", spectrum.frequencies_hz[peak],
              tilt_error * 180.0 / M_PI, odi);
  const bool ok = std::abs(gain - 1.0) < 1e-3 && std::abs(spectrum.frequencies_hz[peak] - 60.0) < 1e-9 && tilt_error < 1e-3 &&
                  std::abs(odi - 40.0) < 1e-9;
  return ok ? 0 : 1;
}
