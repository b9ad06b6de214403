#include "audio/true_peak_meter.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <numbers>

namespace loaxa {
namespace {

// Four floats at once. GCC and clang vector extensions: SSE on x86-64, NEON on arm64, plain
// code elsewhere, without a -m flag that the Debian build would not use.
using V4 = float __attribute__((vector_size(16)));
using I4 = std::int32_t __attribute__((vector_size(16)));

// libebur128 1.2's interpolator: 49 taps; its sub-filters other than the first have 48 / factor
// non-zero taps each, on consecutive input frames.
constexpr int kFilterTaps = 49;

V4 load4(const float* p) noexcept {
  V4 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

V4 abs4(V4 v) noexcept {
  return reinterpret_cast<V4>(reinterpret_cast<I4>(v) & 0x7fffffff);
}

V4 max4(V4 a, V4 b) noexcept {
  const I4 a_wins = a > b;
  return reinterpret_cast<V4>((reinterpret_cast<I4>(a) & a_wins) |
                              (reinterpret_cast<I4>(b) & ~a_wins));
}

/// The peak over `frames` frames of `x` (x[-1] .. x[-K] hold the past) of the input and of the
/// P sub-filters of K taps in `taps`. Lanes of a last, partial group of four are masked.
template <int P, int K>
V4 filter_peak(const float* x, std::size_t frames, const float* taps) noexcept {
  V4 coeff[P > 0 ? P : 1][K > 0 ? K : 1];
  for (int p = 0; p < P; ++p) {
    for (int k = 0; k < K; ++k) coeff[p][k] = V4{} + taps[p * K + k];
  }
  V4 peak{};
  for (std::size_t f = 0; f < frames; f += 4) {
    V4 out = abs4(load4(x + f));
    if constexpr (P > 0) {
      // Unrolled, so that the sums stay in registers (-O2 does not unroll by itself).
      V4 acc[P] = {};
#pragma GCC unroll 32
      for (int k = 0; k < K; ++k) {
        const V4 in = load4(x + f - k);
#pragma GCC unroll 4
        for (int p = 0; p < P; ++p) acc[p] += coeff[p][k] * in;
      }
#pragma GCC unroll 4
      for (int p = 0; p < P; ++p) out = max4(out, abs4(acc[p]));
    }
    if (f + 4 > frames) {
      for (std::size_t lane = frames - f; lane < 4; ++lane) out[lane] = 0;
    }
    peak = max4(peak, out);
  }
  return peak;
}

}  // namespace

TruePeakMeter::TruePeakMeter(int channels, int sample_rate)
    : channels_(channels),
      factor_(sample_rate < 96000    ? 4
              : sample_rate < 192000 ? 2
                                     : 1) {
  constexpr double kAlmostZero = 0.000001;
  const int per_phase = factor_ > 1 ? (kFilterTaps - 1) / factor_ : 0;
  taps_.assign(static_cast<std::size_t>((factor_ - 1) * per_phase), 0.0f);
  for (int j = 0; j < kFilterTaps && factor_ > 1; ++j) {
    const double m = j - (kFilterTaps - 1) / 2.0;
    double c = 1.0;
    if (std::fabs(m) > kAlmostZero) {
      c = std::sin(m * std::numbers::pi / factor_) / (m * std::numbers::pi / factor_);
    }
    c *= 0.5 * (1 - std::cos(2 * std::numbers::pi * j / (kFilterTaps - 1)));  // Hann window
    // Sub-filter 0 is the input itself, delayed (its one tap is 1.0): the input's own peak
    // covers it.
    if (std::fabs(c) <= kAlmostZero || j % factor_ == 0) continue;
    taps_[static_cast<std::size_t>((j % factor_ - 1) * per_phase + j / factor_)] =
        static_cast<float>(c);
  }
  // Past frames: per_phase - 1 are read, 3 more keep the unaligned loads inside the buffer.
  const std::size_t history = static_cast<std::size_t>(std::max(per_phase, 1)) + 3;
  input_.assign(static_cast<std::size_t>(channels), std::vector<float>(history + kBlock + 3, 0.0f));
}

void TruePeakMeter::add(const float* interleaved, std::size_t frames) {
  const auto ch = static_cast<std::size_t>(channels_);
  while (frames > 0) {
    const std::size_t n = std::min(frames, kBlock);
    for (std::size_t c = 0; c < ch; ++c) {
      std::vector<float>& buffer = input_[c];
      const std::size_t history = buffer.size() - kBlock - 3;
      float* x = buffer.data() + history;
      for (std::size_t f = 0; f < n; ++f) x[f] = interleaved[f * ch + c];
      V4 peak{};
      switch (factor_) {
        case 4:
          peak = filter_peak<3, 12>(x, n, taps_.data());
          break;
        case 2:
          peak = filter_peak<1, 24>(x, n, taps_.data());
          break;
        default:
          peak = filter_peak<0, 0>(x, n, taps_.data());
          break;
      }
      for (int lane = 0; lane < 4; ++lane) {
        peak_ = std::max(peak_, static_cast<double>(peak[lane]));
      }
      // The last frames become the past of the next block.
      std::memmove(buffer.data(), buffer.data() + n, history * sizeof(float));
    }
    interleaved += n * ch;
    frames -= n;
  }
}

}  // namespace loaxa
