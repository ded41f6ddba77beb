#pragma once
// Windowed surface-EMG features and spectral fatigue tracking.
// Feature definitions: Phinyomark, Phukpattaranont & Limsakul, Expert Syst. Appl. 39:7420 (2012).

#include <cstddef>
#include <memory>
#include <span>
#include <vector>

namespace kinemyo::emg {

/// Thresholds of the count features, in signal units (SSC: signal units squared). There are no defaults: suitable
/// values depend on the amplifier gain and the noise floor. Each must be finite and >= 0.
struct FeatureThresholds {
  double zero_crossing;       ///< ZC: minimum |x[i] - x[i+1]| of a counted sign change
  double slope_sign_change;   ///< SSC: minimum (x[i] - x[i-1]) * (x[i] - x[i+1]) of a counted turn
  double willison_amplitude;  ///< WAMP: minimum |x[i] - x[i+1]| counted
};

/// Window and spectrum of the spectral features (mnf_hz, mdf_hz, peak_frequency_hz, mean_power). The defaults give
/// kinemyo's documented spectrum (periodic Hann, mean removed, nfft = N, one-sided density, interpolated median);
/// other settings reproduce toolboxes that define these features differently, e.g. LibEMG and its MATLAB reference:
/// {rectangular, remove_mean = false, nfft = 256 for N = 200, first_half_power, first_bin}.
enum class SpectralWindow {
  hann,         ///< periodic Hann, w[j] = 0.5 - 0.5 cos(2 pi j / N) (scipy.signal.get_window('hann', N))
  rectangular,  ///< no taper (w = 1): the raw periodogram
};
enum class SpectrumForm {
  /// P[k] for k = 0 .. nfft/2: the one-sided power spectral density, units^2/Hz: |X[k]|^2 / (fs sum w^2), doubled for
  /// 0 < f[k] < fs/2 (scipy.signal.welch with one segment, scaling='density').
  one_sided_density,
  /// P[k] = |X[k]|^2 / N^2 for k = 0 .. nfft/2 - 1: the first half of the two-sided power spectrum, DC weighted like
  /// every other bin and the Nyquist bin left out (LibEMG's MNF/MDF/MNP and its MATLAB reference), units^2.
  first_half_power,
};
enum class MedianFrequency {
  interpolated,  ///< continuous in the data: see "Median frequency" below
  first_bin,     ///< f[k*] of the first bin whose cumulative power reaches half the total (LibEMG), a multiple of fs/nfft
};
struct SpectralOptions {
  SpectralWindow window = SpectralWindow::hann;
  bool remove_mean = true;  ///< subtract the window's mean before tapering (the 'constant' detrend of scipy.signal.welch)
  std::size_t nfft = 0;     ///< FFT length, 0: N; otherwise >= N (zero padding), <= INT_MAX
  SpectrumForm form = SpectrumForm::one_sided_density;
  MedianFrequency median = MedianFrequency::interpolated;
};

/// Log detector with zero samples. exp(mean(log |x|)) (Phinyomark et al. 2012) is 0 as soon as one sample is 0, and
/// every window of integer ADC data (and of any quantised signal near rest) contains zeros, so that form makes the
/// feature constant exactly where it should track the amplitude.
enum class LogDetector {
  /// Default: exp(mean of log |x| over the nonzero samples); 0 only for an all-zero window. A zero of quantised data
  /// means |x| below one step, not a true zero, so it carries no amplitude to average. This keeps the detector
  /// scale-equivariant (LD(c x) = |c| LD(x), unlike the +1 offset, whose effect depends on the units) and equal to
  /// the paper's definition whenever no sample is exactly 0, so float recordings give the same values as before.
  nonzero,
  /// exp(mean(log(|x| + 1))), LibEMG's getLDfeat and its MATLAB reference (libemg/feature_extractor.py). Depends on
  /// the units: use it on raw ADC counts to compare with LibEMG.
  offset_one,
  /// exp(mean(log |x|)) as written, exactly 0 if any sample is 0 (kinemyo's behaviour before this option existed).
  strict,
};

/// Definition choices of window_features / windowed_features. The defaults are kinemyo's documented definitions.
struct FeatureOptions {
  LogDetector log_detector = LogDetector::nonzero;
  /// var = sum x^2 / (N - var_ddof), about zero (the EMG mean is taken as 0, Phinyomark et al. 2012). Default 1 (the
  /// paper's N - 1); 0 divides by N like LibEMG's MATLAB reference. Must be finite, >= 0 and < N.
  /// (LibEMG's Python getVARfeat is numpy.var, about the window mean: a different quantity.)
  double var_ddof = 1.0;
  SpectralOptions spectral;
};

/// Features of one window x[0 .. N-1] of one channel. Counts are returned as double. Citations: [P12] Phinyomark,
/// Phukpattaranont & Limsakul, Expert Syst. Appl. 39:7420 (2012); [P18] Phinyomark, Khushaba & Scheme, Sensors
/// 18:1615 (2018); [LibEMG] the LibEMG feature documentation (docs/source/documentation/features/features_doc.md) and
/// libemg/feature_extractor.py, whose MATLAB reference values tests/data/libemg holds.
struct WindowFeatures {
  double mav;           ///< mean absolute value, IAV / N  [P12]
  double rms;           ///< sqrt(sum x^2 / N)  [P12]
  double wl;            ///< waveform length, sum |x[i+1] - x[i]|  [P12]
  double zc;            ///< #i: x[i] * x[i+1] < 0 and |x[i] - x[i+1]| >= thresholds.zero_crossing  [P12]
  double ssc;           ///< #i in 1..N-2: (x[i] - x[i-1]) * (x[i] - x[i+1]) >= thresholds.slope_sign_change  [P12]
  double wamp;          ///< #i: |x[i] - x[i+1]| >= thresholds.willison_amplitude  [P12]
  double var;           ///< sum x^2 / (N - options.var_ddof), about zero, not about the mean  [P12]
  double iav;           ///< integrated absolute value, sum |x|  [P12]
  double log_detector;  ///< geometric mean of |x|, zeros handled by options.log_detector (see LogDetector)  [P12]
  /// Spectral features from the spectrum P[k] at f[k] = k fs / nfft chosen by options.spectral (default: the
  /// one-sided density over k = 0 .. N/2 of the periodic-Hann-windowed, mean-removed window: dsp::welch with
  /// nperseg = N, noverlap = 0, constant detrend, i.e. scipy.signal.welch). When the window has zero power (e.g.
  /// constant, with the mean removed) mnf_hz, mdf_hz and peak_frequency_hz are NaN.  [P12]
  double mnf_hz;             ///< mean frequency, sum f P / sum P
  double mdf_hz;             ///< median frequency, see below
  double peak_frequency_hz;  ///< f at the largest P (the lowest such f on ties)
  double mean_power;         ///< mean of P over its bins (N/2 + 1 bins of units^2/Hz by default)
  /// Further time-domain features (appended; independent of the options).
  double dasdv;     ///< sqrt(sum (x[i+1] - x[i])^2 / (N - 1)), difference absolute standard deviation value  [P12]
  double mfl;       ///< log10(WL), maximum fractal length as LibEMG defines it; -inf for a constant window  [LibEMG]
                    ///< (some papers take log10 of sqrt(sum (x[i+1] - x[i])^2) = dasdv sqrt(N - 1) instead)
  double msr;       ///< |sum sqrt(x[i])| / N with the principal complex root (a negative sample adds i sqrt(|x|)),
                    ///< mean of the square root, as LibEMG's MSR and its MATLAB reference  [P18, LibEMG]
  double ls;        ///< L-scale, the second sample L-moment l2 = 2 b1 - b0 (Hosking 1990), b0 = mean,
                    ///< b1 = sum_i (i / (N - 1)) x_(i) / N over the ascending order statistics, i = 0 .. N-1  [P18]
  double skewness;  ///< m3 / m2^1.5 with central moments m_k = mean((x - mean)^k): the biased (population) estimator,
                    ///< scipy.stats.skew(bias=True); NaN for a constant window  [LibEMG]
  double kurtosis;  ///< m4 / m2^2, Pearson's (not excess) kurtosis, scipy.stats.kurtosis(fisher=False, bias=True);
                    ///< NaN for a constant window  [LibEMG]
};
// Median frequency (MedianFrequency::interpolated). Bin k stands for the band [max(0, f[k] - df/2), min(fs/2, f[k] +
// df/2)], df = fs / nfft, with its power P[k] spread uniformly over it, so the cumulative power is piecewise linear
// in f. With C[k] = P[0] + ... + P[k] (summed in that order) and total = C[last], k* is the first bin with
// C[k*] >= total / 2, and
//   mdf = lo(k*) + (total / 2 - C[k* - 1]) / P[k*] * (hi(k*) - lo(k*)),   C[-1] = 0.
// A tone centred on a bin gets that bin's frequency (up to rounding; the Hann leakage is symmetric), and it moves
// continuously when the crossing passes from one bin to the next. MedianFrequency::first_bin reports f[k*].

/// One window of one channel: N = x.size() >= 2, finite samples, fs > 0. Throws std::invalid_argument naming the
/// parameter ("x", "fs", "thresholds.zero_crossing", "options.var_ddof", "options.spectral.nfft", ...).
WindowFeatures window_features(std::span<const double> x, double fs, const FeatureThresholds& thresholds,
                               const FeatureOptions& options = {});

struct FeatureRow {
  std::size_t channel;
  double t_start_s;  ///< first sample of the window, start / fs
  double t_end_s;    ///< one past its last sample, (start + W) / fs
  WindowFeatures f;
};

/// Features of every complete window of interleaved (frames x channels) x: W = round(window_s * fs) samples (>= 2,
/// <= the number of frames), starting every S = round(step_s * fs) samples (>= 1), from frame 0; half rounds away
/// from zero. Rows in window order, channels in order within a window. Each row equals window_features on that
/// channel's window (with the same options).
std::vector<FeatureRow> windowed_features(std::span<const double> x, std::size_t n_channels, double fs,
                                          double window_s, double step_s, const FeatureThresholds& thresholds,
                                          const FeatureOptions& options = {});

/// Autoregressive model of one window, Yule-Walker (autocorrelation) method: biased autocorrelation
/// r[k] = sum_t x[t] x[t+k] / N (the mean is not removed), solved by the Levinson-Durbin recursion. Returns a[1 ..
/// order] of the prediction-error filter A(z) = 1 + a1 z^-1 + ... + ap z^-p, the sign convention of MATLAB
/// lpc/aryule (the one-step predictor is x[t] ~ -(a1 x[t-1] + ... + ap x[t-p])). This matches LibEMG's MATLAB
/// reference (matlab_AR.csv, order 4); LibEMG's Python getARfeat uses librosa.lpc, which is Burg's method and differs.
/// [P12] Needs 1 <= order < N and finite samples. An all-zero window gives NaN coefficients; if the prediction error
/// vanishes at some stage (a perfectly predictable window) the higher coefficients are 0.
std::vector<double> ar_coefficients(std::span<const double> x, std::size_t order);

/// Sample entropy -ln(A / B) (Richman & Moorman, Am. J. Physiol. Heart Circ. Physiol. 278:H2039, 2000).
enum class SampleEntropyCount {
  /// Templates x[i .. i+m-1] for i = 0 .. N-m-1 (the same N - m start points for both lengths); B = the number of
  /// pairs i < j within r (Chebyshev distance) over m samples, A = over m + 1 samples; SampEn = -ln(A / B).
  richman_moorman,
  /// LibEMG's count (getSAMPENfeat, and its MATLAB reference): template i < N - m of length m compared with all
  /// N - m + 1 templates j != i, i < N - m - 1 of length m + 1 with all N - m; B = count_m / ((N-m)(N-m-1)),
  /// A = count_m+1 / (N-m-1)^2, SampEn = ln((B + eps) / (A + eps)), eps = 2^-52.
  libemg,
};
struct SampleEntropyOptions {
  std::size_t dimension = 2;  ///< m >= 1; N must be >= m + 3
  double tolerance = 0.2;     ///< r = tolerance * the window's sample standard deviation (N - 1), > 0 and finite
  SampleEntropyCount count = SampleEntropyCount::richman_moorman;
};
/// NaN for a constant window (no standard deviation) or B = 0; +inf when A = 0 < B (richman_moorman). O(N^2 m).
double sample_entropy(std::span<const double> x, const SampleEntropyOptions& options = {});

/// Per-window values of every channel on the windows of windowed_features: window j starts at frame j * S.
/// values[(j * n_channels + c) * n_values + v].
struct WindowedValues {
  std::size_t n_windows = 0;
  std::size_t n_channels = 0;
  std::size_t n_values = 0;
  std::vector<double> t_start_s;  ///< j * S / fs
  std::vector<double> values;
};
WindowedValues windowed_ar_coefficients(std::span<const double> x, std::size_t n_channels, double fs,
                                        double window_s, double step_s, std::size_t order);
WindowedValues windowed_sample_entropy(std::span<const double> x, std::size_t n_channels, double fs,
                                       double window_s, double step_s, const SampleEntropyOptions& options = {});

struct SpectralFatiguePoint {
  double t_s;     ///< centre of the window, (start + W / 2) / fs, from the first frame since construction/reset
  double mnf_hz;  ///< as WindowFeatures::mnf_hz of the window
  double mdf_hz;  ///< as WindowFeatures::mdf_hz of the window
};

/// Streaming mean and median frequency for fatigue tracking (the downward shift of the EMG spectrum during a
/// sustained contraction). Windows of W = round(window_s * fs) samples end at every update instant: after W frames,
/// then every U = round(update_s * fs) frames (default 1 s windows, 50 % overlap). Each point equals window_features
/// on the same window (same PSD, same MNF/MDF definitions). Validation and allocation happen in the constructor;
/// process never allocates or throws, and its output does not depend on how the input is split into calls.
/// A non-finite sample makes the points of every window containing it NaN on its channel; a zero-power window
/// gives NaN too. (The FFT never allocates either: with the FFTW backend, lengths whose prime factors exceed 7,
/// which FFTW would serve with allocating solvers, use kissfft.) Settling time after a fault: window_s (the only
/// state is the last W samples; later points equal a clean run's bit for bit, see test_streaming_faults.py).
class FatigueTracker {
 public:
  FatigueTracker(std::size_t n_channels, double fs, double window_s = 1.0, double update_s = 0.5);
  ~FatigueTracker();
  FatigueTracker(FatigueTracker&&) noexcept;
  FatigueTracker& operator=(FatigueTracker&&) noexcept;

  /// Interleaved (frames x channels) input. For each update instant reached, writes one point per channel (channel
  /// c of the j-th update of this call at out[j * n_channels + c]) and returns the number of points written. `out`
  /// must hold output_points_for(n_frames) points; with fewer the call consumes nothing, writes nothing and
  /// returns 0.
  std::size_t process(const double* in, std::size_t n_frames, SpectralFatiguePoint* out,
                      std::size_t out_capacity) noexcept;
  /// Points (n_channels per update instant) the next process call of n_frames frames will write.
  [[nodiscard]] std::size_t output_points_for(std::size_t n_frames) const noexcept;
  void reset() noexcept;

  [[nodiscard]] std::size_t n_channels() const noexcept;
  [[nodiscard]] double fs() const noexcept;
  [[nodiscard]] std::size_t window_samples() const noexcept;  ///< W
  [[nodiscard]] std::size_t update_samples() const noexcept;  ///< U

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Ordinary least-squares line y = intercept + slope * t (e.g. MDF against time), as scipy.stats.linregress:
/// r is Pearson's correlation, p_value the two-sided test of slope = 0 (Student t with n - 2 degrees of freedom),
/// stderr_slope the standard error of the slope. Needs n >= 3 finite pairs and t not constant. For constant y:
/// slope 0, intercept y[0], stderr_slope 0, and r and p_value NaN (undefined; scipy reports NaN for all three).
struct LinearTrend {
  double slope;
  double intercept;
  double r;
  double stderr_slope;
  double p_value;
  std::size_t n;
};
LinearTrend linear_trend(std::span<const double> t, std::span<const double> y);

/// Two-sided p-value P(|T| >= |t|) of Student's t distribution with dof > 0 degrees of freedom, from the
/// regularised incomplete beta function I_{dof/(dof+t^2)}(dof/2, 1/2) (continued fraction). NaN for NaN input.
double student_t_two_sided_p(double t, double dof);

}  // namespace kinemyo::emg
