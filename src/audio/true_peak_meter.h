#pragma once
// The true peak of interleaved float audio (ITU-R BS.1770-4 Annex 2): the signal oversampled
// 4x below 96 kHz (2x below 192 kHz) by a polyphase FIR, and the largest magnitude of the result.

#include <cstddef>
#include <vector>

namespace loaxa {

/// Measures what libebur128's EBUR128_MODE_TRUE_PEAK measures, with its very filter (49-tap
/// Hann-windowed sinc), at a fraction of the cost: libebur128 runs that filter tap by tap through
/// a ring buffer with an index computation per tap, which made true peak 71% of an import's
/// instructions (BENCHMARKS.md, row 3). Here four output frames are computed at once, and the
/// input they need is loaded once for all the sub-filters.
class TruePeakMeter {
 public:
  TruePeakMeter(int channels, int sample_rate);

  /// Adds `frames` interleaved frames.
  void add(const float* interleaved, std::size_t frames);

  /// The largest |sample| of the oversampled signal, or of the signal itself, over all channels so
  /// far (linear, 1 = 0 dBFS).
  double peak() const noexcept { return peak_; }

 private:
  static constexpr std::size_t kBlock = 1024;  ///< frames per channel filtered at a time

  int channels_;
  int factor_;
  /// taps_[p * kTaps + k]: the coefficient of the input k frames back in sub-filter p + 1 (the
  /// first sub-filter is the input itself, delayed, and needs no arithmetic).
  std::vector<float> taps_;
  /// Per channel: the past frames the filter reaches back to, then up to kBlock new frames and
  /// room for a partial group of four.
  std::vector<std::vector<float>> input_;
  double peak_ = 0;
};

}  // namespace loaxa
