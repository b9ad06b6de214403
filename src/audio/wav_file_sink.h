#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <thread>

#include "audio/sink.h"

namespace loaxa {

/// The rehearsal output: the engine renders into a WAV file, block by block, each block written
/// when its wall time comes — so a rehearsal takes as long as the broadcast would.
class WavFileSink final : public Sink {
 public:
  /// Creates the file (float WAV). Throws UserError if it cannot.
  WavFileSink(std::filesystem::path path, int sample_rate, int channels);
  ~WavFileSink() override;

  void start(PlayoutEngine& engine, Instant target) override;
  void stop() noexcept override;
  std::optional<Instant> first_frame_at() const noexcept override;
  std::optional<Instant> last_frame_at() const noexcept override;
  int sample_rate() const noexcept override { return rate_; }
  int channels() const noexcept override { return channels_; }
  std::string kind() const override { return "rehearsal"; }
  std::string device() const override { return path_.string(); }

 private:
  void run(PlayoutEngine& engine, Instant target) noexcept;

  std::filesystem::path path_;
  int rate_;
  int channels_;
  void* sf_ = nullptr;
  std::thread writer_;
  std::atomic<bool> quit_{false};
  std::atomic<std::int64_t> first_us_{0};
  std::atomic<std::int64_t> last_us_{0};
};

}  // namespace loaxa
