#pragma once
// Offline (whole-signal) SOS filtering. Arrays are interleaved (frames x channels); time is the frame axis.
// Results go to the caller's `y` (same size as x; y may be x itself). Both functions reject non-finite input,
// naming the first bad frame and channel.

#include <cstddef>
#include <span>
#include <vector>

#include "kinemyo/dsp/filter_design.hpp"

namespace kinemyo::dsp {

/// Causal filtering from zero state, identical to scipy.signal.sosfilt(sos, x, axis=0).
template <class T>
void sosfilt(const Sos& sos, std::span<const T> x, std::span<T> y, std::size_t n_channels);

/// Zero-phase forward-backward filtering (Gustafsson, IEEE Trans. Signal Process. 44(4), 1996 initial conditions),
/// identical to scipy.signal.sosfiltfilt(sos, x, axis=0) with its default odd extension of
/// padlen = 3 * (2 * n_sections + 1 - min(#(b2 == 0), #(a2 == 0))) frames. The net magnitude response is |H|^2
/// (see emg for the Winter cutoff correction). Needs more than padlen frames.
template <class T>
void sosfiltfilt(const Sos& sos, std::span<const T> x, std::span<T> y, std::size_t n_channels);

/// The padlen sosfiltfilt uses for `sos`.
std::size_t sosfiltfilt_padlen(const Sos& sos);

}  // namespace kinemyo::dsp
