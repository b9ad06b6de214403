#pragma once
// Plays a list of files back to back: a decoder thread decodes, maps channels, resamples and
// applies gain into a lock-free ring; render() — called from the audio callback — only copies
// out of the ring and keeps cheap atomic measurements of what it delivered.

#include <atomic>
#include <boost/lockfree/spsc_queue.hpp>
#include <cstdint>
#include <filesystem>
#include <future>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/reason.h"

namespace loaxa {

/// One file to play, with the gain that brings it to the station's loudness.
struct PlayItem {
  std::filesystem::path path;
  double gain_db = 0;
  /// The content hash recorded at import; when set, a file whose bytes no longer match (edited
  /// or replaced in the library) is refused instead of played. Checked on the decoder thread.
  std::string sha256;
};

/// How a playout is shaped beyond its files.
struct PlayoutOptions {
  double fade_seconds = 0.3;         ///< length of a requested or max-duration fade-out
  std::int64_t max_frames = 0;       ///< fade out so the playout ends by this frame; 0 = no limit
  std::uint32_t channel_mask = ~0u;  ///< bit c set: output channel c carries the audio
  float silence_level = 0.00316f;    ///< -50 dBFS: a block whose peak is below this is silent
};

/// What render() delivered so far; safe to read from any thread.
struct PlayoutStats {
  std::int64_t frames_delivered = 0;        ///< content frames handed to the output
  std::int64_t underruns = 0;               ///< render calls that found the ring short
  float peak = 0;                           ///< max |sample| delivered
  double rms = 0;                           ///< over all delivered samples
  bool finished = false;                    ///< everything played, or the fade-out ended
  bool faded = false;                       ///< ended by a fade (request or max_frames)
  bool truncated = false;                   ///< the fade was forced by max_frames
  std::int64_t longest_silence_frames = 0;  ///< longest run of silent blocks delivered
};

class PlayoutEngine {
 public:
  /// The output format is the device's; files are converted to it.
  PlayoutEngine(std::vector<PlayItem> items, int out_rate, int out_channels,
                PlayoutOptions options = {});
  ~PlayoutEngine();
  PlayoutEngine(const PlayoutEngine&) = delete;
  PlayoutEngine& operator=(const PlayoutEngine&) = delete;

  /// Starts the decoder thread; it fills the ring ahead of the first render().
  void start();

  /// Writes `frames` interleaved frames to `out`: content while there is some, silence after.
  /// Real-time safe: no allocation, lock, I/O or exception.
  void render(float* out, std::size_t frames) noexcept;

  /// Asks for a fade-out (fade_seconds long) followed by the end of the playout.
  void request_fade() noexcept { fade_requested_.store(true, std::memory_order_relaxed); }

  PlayoutStats stats() const noexcept;
  /// Content frames delivered so far; cheap enough for the audio callback.
  std::int64_t frames_delivered() const noexcept {
    return frames_delivered_.load(std::memory_order_relaxed);
  }
  bool finished() const noexcept { return finished_.load(std::memory_order_acquire); }

  /// Frames the decoder produced in all (valid once decoding is done).
  std::int64_t frames_decoded() const noexcept {
    return frames_decoded_.load(std::memory_order_acquire);
  }
  bool decode_done() const noexcept { return decode_done_.load(std::memory_order_acquire); }
  /// None unless a file could not be played (missing, changed since import, undecodable);
  /// then why, naming the file. Valid once decode_done().
  std::optional<Reason> decode_error() const;

  int sample_rate() const noexcept { return out_rate_; }
  int channels() const noexcept { return out_channels_; }

 private:
  void decode_all() noexcept;
  void decode_one(std::size_t index);
  /// Hashes the items that carry an import hash, in order, ahead of their decoding.
  void hash_all() noexcept;
  bool push_all(const float* data, std::size_t samples);

  std::vector<PlayItem> items_;
  int out_rate_;
  int out_channels_;
  boost::lockfree::spsc_queue<float> ring_;
  std::thread decoder_;
  // Hashing runs on its own thread so that segment N+1's check overlaps the playing of N
  // instead of stalling the decoder while the ring (2 s) drains.
  std::thread hasher_;
  std::vector<std::promise<std::optional<std::string>>> hash_promises_;
  std::vector<std::future<std::optional<std::string>>> hashes_;
  std::atomic<bool> quit_{false};
  std::atomic<bool> decode_done_{false};
  std::atomic<std::int64_t> frames_decoded_{0};
  std::optional<Reason> decode_error_;  // written by the decoder before decode_done_ is released

  // Written only by render(); read by anyone.
  std::atomic<std::int64_t> frames_delivered_{0};
  std::atomic<std::int64_t> underruns_{0};
  std::atomic<float> peak_{0};
  std::atomic<double> sum_squares_{0};
  std::atomic<bool> finished_{false};
  std::atomic<bool> faded_{false};
  std::atomic<bool> fade_requested_{false};
  std::atomic<bool> truncated_{false};
  std::atomic<std::int64_t> longest_silence_{0};
  PlayoutOptions options_;
  // Render-thread state.
  std::int64_t fade_frames_total_;
  std::int64_t fade_frames_left_ = -1;
  std::int64_t silence_run_ = 0;
};

}  // namespace loaxa
