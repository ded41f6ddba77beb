#pragma once
// Windowed surface-EMG features and spectral fatigue tracking.
// Feature definitions: Phinyomark, Phukpattaranont & Limsakul, Expert Syst. Appl. 39:7420 (2012).

#include <cstddef>
#include <memory>
#include <span>
#include <vector>

namespace kinemyo::emg {

// Thresholds of the count features, in signal units (SSC: signal units squared). There are no defaults: suitable
// values depend on the amplifier gain and the noise floor. Each must be finite and >= 0.
struct FeatureThresholds {
  double zero_crossing;       // ZC: minimum |x[i] - x[i+1]| of a counted sign change
  double slope_sign_change;   // SSC: minimum (x[i] - x[i-1]) * (x[i] - x[i+1]) of a counted turn
  double willison_amplitude;  // WAMP: minimum |x[i] - x[i+1]| counted
};

// Features of one window x[0 .. N-1] of one channel. Counts are returned as double.
struct WindowFeatures {
  double mav;           // mean absolute value, IAV / N
  double rms;           // sqrt(sum x^2 / N)
  double wl;            // waveform length, sum |x[i+1] - x[i]|
  double zc;            // #i: x[i] * x[i+1] < 0 and |x[i] - x[i+1]| >= thresholds.zero_crossing
  double ssc;           // #i in 1..N-2: (x[i] - x[i-1]) * (x[i] - x[i+1]) >= thresholds.slope_sign_change
  double wamp;          // #i: |x[i] - x[i+1]| >= thresholds.willison_amplitude
  double var;           // sum x^2 / (N - 1)  (about zero, not about the mean, as in the paper)
  double iav;           // integrated absolute value, sum |x|
  double log_detector;  // exp(mean(log |x|)); exactly 0 if any sample is 0
  // Spectral features from the one-sided PSD P[k] at f[k] = k fs / N, k = 0 .. N/2: dsp::welch with a periodic
  // Hann window, nperseg = N, noverlap = 0, constant detrend, density scaling (one segment: a Hann-windowed
  // periodogram, equal to scipy.signal.welch). When the window has zero power (e.g. constant) mnf_hz, mdf_hz and
  // peak_frequency_hz are NaN.
  double mnf_hz;             // mean frequency, sum f P / sum P
  double mdf_hz;             // median frequency, see below
  double peak_frequency_hz;  // f at the largest P (the lowest such f on ties)
  double mean_power;         // mean of P over the N/2 + 1 bins, units^2/Hz
};
// Median frequency. Bin k stands for the band [max(0, f[k] - df/2), min(fs/2, f[k] + df/2)], df = fs / N, with its
// power P[k] spread uniformly over it, so the cumulative power is piecewise linear in f. With C[k] = P[0] + ... +
// P[k] (summed in that order) and total = C[N/2], k* is the first bin with C[k*] >= total / 2, and
//   mdf = lo(k*) + (total / 2 - C[k* - 1]) / P[k*] * (hi(k*) - lo(k*)),   C[-1] = 0.
// A tone centred on a bin gets that bin's frequency (up to rounding; the Hann leakage is symmetric), and it moves
// continuously when the crossing passes from one bin to the next.

// One window of one channel: N = x.size() >= 2, finite samples, fs > 0. Throws std::invalid_argument naming the
// parameter ("x", "fs", "thresholds.zero_crossing", ...).
WindowFeatures window_features(std::span<const double> x, double fs, const FeatureThresholds& thresholds);

struct FeatureRow {
  std::size_t channel;
  double t_start_s;  // first sample of the window, start / fs
  double t_end_s;    // one past its last sample, (start + W) / fs
  WindowFeatures f;
};

// Features of every complete window of interleaved (frames x channels) x: W = round(window_s * fs) samples (>= 2,
// <= the number of frames), starting every S = round(step_s * fs) samples (>= 1), from frame 0; half rounds away
// from zero. Rows in window order, channels in order within a window. Each row equals window_features on that
// channel's window.
std::vector<FeatureRow> windowed_features(std::span<const double> x, std::size_t n_channels, double fs,
                                          double window_s, double step_s, const FeatureThresholds& thresholds);

struct SpectralFatiguePoint {
  double t_s;     // centre of the window, (start + W / 2) / fs, from the first frame since construction/reset
  double mnf_hz;  // as WindowFeatures::mnf_hz of the window
  double mdf_hz;  // as WindowFeatures::mdf_hz of the window
};

// Streaming mean and median frequency for fatigue tracking (the downward shift of the EMG spectrum during a
// sustained contraction). Windows of W = round(window_s * fs) samples end at every update instant: after W frames,
// then every U = round(update_s * fs) frames (default 1 s windows, 50 % overlap). Each point equals window_features
// on the same window (same PSD, same MNF/MDF definitions). Validation and allocation happen in the constructor;
// process never allocates or throws, and its output does not depend on how the input is split into calls.
// A non-finite sample makes the points of every window containing it NaN on its channel; a zero-power window
// gives NaN too. (The FFT never allocates either: with the FFTW backend, lengths whose prime factors exceed 7,
// which FFTW would serve with allocating solvers, use kissfft.)
class FatigueTracker {
 public:
  FatigueTracker(std::size_t n_channels, double fs, double window_s = 1.0, double update_s = 0.5);
  ~FatigueTracker();
  FatigueTracker(FatigueTracker&&) noexcept;
  FatigueTracker& operator=(FatigueTracker&&) noexcept;

  // Interleaved (frames x channels) input. For each update instant reached, writes one point per channel (channel
  // c of the j-th update of this call at out[j * n_channels + c]) and returns the number of points written. `out`
  // must hold output_points_for(n_frames) points; with fewer the call consumes nothing, writes nothing and
  // returns 0.
  std::size_t process(const double* in, std::size_t n_frames, SpectralFatiguePoint* out,
                      std::size_t out_capacity) noexcept;
  // Points (n_channels per update instant) the next process call of n_frames frames will write.
  [[nodiscard]] std::size_t output_points_for(std::size_t n_frames) const noexcept;
  void reset() noexcept;

  [[nodiscard]] std::size_t n_channels() const noexcept;
  [[nodiscard]] double fs() const noexcept;
  [[nodiscard]] std::size_t window_samples() const noexcept;  // W
  [[nodiscard]] std::size_t update_samples() const noexcept;  // U

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Ordinary least-squares line y = intercept + slope * t (e.g. MDF against time), as scipy.stats.linregress:
// r is Pearson's correlation, p_value the two-sided test of slope = 0 (Student t with n - 2 degrees of freedom),
// stderr_slope the standard error of the slope. Needs n >= 3 finite pairs and t not constant. For constant y:
// slope 0, intercept y[0], stderr_slope 0, and r and p_value NaN (undefined; scipy reports NaN for all three).
struct LinearTrend {
  double slope;
  double intercept;
  double r;
  double stderr_slope;
  double p_value;
  std::size_t n;
};
LinearTrend linear_trend(std::span<const double> t, std::span<const double> y);

// Two-sided p-value P(|T| >= |t|) of Student's t distribution with dof > 0 degrees of freedom, from the
// regularised incomplete beta function I_{dof/(dof+t^2)}(dof/2, 1/2) (continued fraction). NaN for NaN input.
double student_t_two_sided_p(double t, double dof);

}  // namespace kinemyo::emg
