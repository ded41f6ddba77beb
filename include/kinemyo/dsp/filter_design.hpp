#pragma once
// IIR filter design in second-order sections (SOS), matching scipy.signal's conventions exactly:
// each section is {b0, b1, b2, a0, a1, a2} with a0 == 1, sections applied first to last.

#include <array>
#include <complex>
#include <string>
#include <vector>

namespace kinemyo::dsp {

using Section = std::array<double, 6>;
using Sos = std::vector<Section>;

enum class FilterKind { lowpass, highpass, bandpass, bandstop };

/// Lowest cutoff a design accepts, as a fraction of fs: below it the bilinear transform's poles round onto z = 1 in
/// double precision (no steady state), e.g. a 20 Hz high-pass at fs = 1e300.
inline constexpr double kMinRelativeCutoff = 1e-9;

/// Throws std::invalid_argument naming `parameter` unless 0 < f_hz < fs/2 and f_hz >= kMinRelativeCutoff * fs: the
/// cutoffs butterworth_sos can design (fs is the caller's to validate).
void require_cutoff(const std::string& parameter, double f_hz, double fs);

/// Digital Butterworth filter (bilinear transform with pre-warping), identical to
/// scipy.signal.butter(order, cutoffs_hz, kind, output='sos', fs=fs): same poles, zeros, pairing and
/// section order. `cutoffs_hz` holds one frequency (lowpass/highpass) or two, low < high (bandpass/bandstop).
/// Band filters have 2*order poles. Throws std::invalid_argument naming the bad parameter.
Sos butterworth_sos(int order, const std::vector<double>& cutoffs_hz, FilterKind kind, double fs);

/// Second-order IIR notch / peak at f0_hz with quality factor q = f0 / (-3 dB bandwidth), identical to
/// scipy.signal.iirnotch / iirpeak (Orfanidis, Introduction to Signal Processing, 1996, sec. 11.3).
Sos notch_sos(double f0_hz, double q, double fs);
Sos peak_sos(double f0_hz, double q, double fs);

/// Checks shape-independent validity: at least one section, a0 == 1 in every section, all coefficients finite.
/// Throws std::invalid_argument naming `sos`.
void validate_sos(const Sos& sos);

/// Initial state for a step response at unit input level (scipy.signal.sosfilt_zi): the state in which a
/// constant input 1 yields a constant output. Multiply by the input level for other levels.
std::vector<std::array<double, 2>> sosfilt_zi(const Sos& sos);

/// Complex response H(e^{j 2 pi f / fs}) of the cascade (scipy.signal.sosfreqz at one frequency).
std::complex<double> sos_frequency_response(const Sos& sos, double f_hz, double fs);

/// Group delay of the cascade in seconds at f_hz: -d(arg H)/d(omega) / fs. Throws std::domain_error where the
/// response is zero (for example a high-pass at 0 Hz), since the delay is undefined there.
double sos_group_delay(const Sos& sos, double f_hz, double fs);

}  // namespace kinemyo::dsp
