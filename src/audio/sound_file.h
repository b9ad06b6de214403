#pragma once
// RAII over libsndfile's SNDFILE*. The only place besides audio/*.cpp that sees sndfile.h.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace loaxa {

/// A file opened for reading as interleaved floats.
class SoundFile {
 public:
  /// Throws UserError naming the file and libsndfile's reason when it cannot be opened.
  explicit SoundFile(const std::filesystem::path& path);
  ~SoundFile();
  SoundFile(const SoundFile&) = delete;
  SoundFile& operator=(const SoundFile&) = delete;

  int sample_rate() const noexcept { return rate_; }
  int channels() const noexcept { return channels_; }
  /// The header's frame count: not exact for MP3, so decode to count.
  std::int64_t header_frames() const noexcept { return header_frames_; }
  /// "WAV", "FLAC", "OGG/VORBIS", "OGG/OPUS", "MP3", ...
  std::string format_name() const;

  /// Reads up to `frames` frames into `out` (frames * channels floats); returns frames read,
  /// 0 at the end. Throws UserError on a decode error.
  std::int64_t read(float* out, std::int64_t frames);

 private:
  std::filesystem::path path_;
  void* sf_ = nullptr;
  int rate_ = 0;
  int channels_ = 0;
  int format_ = 0;
  std::int64_t header_frames_ = 0;
};

}  // namespace loaxa
