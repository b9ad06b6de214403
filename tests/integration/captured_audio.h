#pragma once
// What a JackCapture recorded, laid out on JACK's frame clock: one sample per frame from the first
// recorded cycle on, with the frames of skipped cycles present as NaN so that a lost cycle can
// neither shift later audio nor pass for silence.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace loaxa::it {

/// One process cycle as the capture callback saw it.
struct CaptureBlock {
  std::uint32_t frame_time = 0;  ///< jack_last_frame_time(): the cycle's first frame (wraps)
  std::uint32_t frames = 0;      ///< nframes of the cycle
  std::int64_t wall_us = 0;      ///< CLOCK_REALTIME of the cycle start, microseconds since epoch
  std::size_t raw_offset = 0;    ///< where the cycle's samples start in the raw buffers
};

/// A run of sound [first, end) in frame indices of a CapturedAudio.
struct Burst {
  std::size_t first = 0;
  std::size_t end = 0;
  std::size_t size() const noexcept { return end - first; }
};

/// The captured frames of both channels, with the wall time and frame time of every frame.
class CapturedAudio {
 public:
  static constexpr int kChannels = 2;

  CapturedAudio() = default;
  /// Lays `blocks` (in callback order) out on the frame clock; `raw[c]` holds the blocks' samples
  /// back to back. A backwards or implausibly large (> 10 s) jump of the frame clock is counted
  /// in clock_anomalies() and the block is appended without a gap.
  CapturedAudio(std::uint32_t sample_rate, const std::vector<CaptureBlock>& blocks,
                const float* const raw[kChannels]);

  std::uint32_t sample_rate() const noexcept { return rate_; }
  std::size_t frames() const noexcept { return samples_[0].size(); }
  /// Samples of channel `c`; NaN where a cycle was skipped.
  const std::vector<float>& channel(int c) const { return samples_[c]; }
  /// Frames filled with NaN because cycles were missing.
  std::size_t gap_frames() const noexcept { return gap_frames_; }
  std::size_t clock_anomalies() const noexcept { return anomalies_; }

  /// The same capture with the gaps' frames taken out, every recorded frame keeping its own wall
  /// and frame time. When the server skipped a cycle for every client (a machine too loaded to
  /// wake it in time), the player's callback did not run for that cycle either, so what it
  /// delivered is contiguous here and can be compared exactly; when only the capture missed a
  /// cycle, frames the player did deliver are missing and an exact comparison still fails.
  CapturedAudio without_gaps() const;

  /// Wall time (us since epoch) at which frame `index` was processed: its cycle's start plus its
  /// place in the cycle. Frames of a gap are placed from the last cycle before them.
  std::int64_t wall_us(std::size_t index) const;
  /// JACK frame time of frame `index`.
  std::uint32_t frame_time(std::size_t index) const;

  /// Index of the first frame at or after `from` where either channel is non-zero (NaN does not
  /// count as sound).
  std::optional<std::size_t> first_sound(std::size_t from = 0) const;
  /// Index of the last frame where either channel is non-zero.
  std::optional<std::size_t> last_sound() const;
  /// Wall time of the first non-zero sample.
  std::optional<std::int64_t> onset_us() const;
  /// Wall time of the last non-zero sample.
  std::optional<std::int64_t> last_sound_us() const;
  /// The runs of sound separated by at least `min_silence` frames that are silent (exactly zero)
  /// or missing in both channels.
  std::vector<Burst> bursts(std::size_t min_silence) const;

 private:
  struct Placed {
    std::size_t index;  ///< first frame of the block in samples_
    std::uint32_t frame_time;
    std::int64_t wall_us;
  };
  const Placed& block_of(std::size_t index) const;
  bool sounds(std::size_t index) const;

  std::uint32_t rate_ = 0;
  std::vector<float> samples_[kChannels];
  std::vector<Placed> placed_;
  /// [first, end) frame ranges of samples_ filled with NaN for skipped cycles.
  std::vector<Burst> gaps_;
  std::size_t gap_frames_ = 0;
  std::size_t anomalies_ = 0;
};

}  // namespace loaxa::it
