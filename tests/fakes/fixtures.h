#pragma once
// Test audio written with libsndfile, so every test builds the exact file it needs instead of
// depending on checked-in media.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace loaxa::testing {

/// The encodings tests generate; all of them are what libsndfile 1.2 can write.
enum class AudioFormat { kWav16, kWavFloat, kFlac16, kVorbis, kOpus, kMp3 };

/// "wav16", "wav_float", "flac", "vorbis", "opus", "mp3": for test names.
std::string_view name_of(AudioFormat format);

/// The usual file extension: "wav", "flac", "ogg", "opus", "mp3".
std::string_view extension_of(AudioFormat format);

/// The libsndfile SF_FORMAT_* value (major | subtype).
int sndfile_format(AudioFormat format);

/// True for formats whose decoded frame count equals the frames written.
bool is_lossless(AudioFormat format);

/// One sample value for (frame, channel), nominally in [-1, 1].
using Signal = std::function<float(std::int64_t frame, int channel)>;

/// A sine of `amplitude` (linear, 1 = full scale) on every channel.
Signal sine(double frequency_hz, double amplitude, int sample_rate);
/// Digital silence.
Signal silence();
/// Deterministic white noise of `amplitude` (same seed -> same samples).
Signal noise(double amplitude, std::uint32_t seed = 1);

/// What to write: `frames` frames at `sample_rate`, `channels` channels, in `format`.
struct AudioSpec {
  AudioFormat format = AudioFormat::kWav16;
  int sample_rate = 48000;
  int channels = 1;
  std::int64_t frames = 48000;
};

/// Writes `spec.frames` frames of `signal` to `path` (overwrites). Throws std::runtime_error
/// with libsndfile's reason when the file cannot be written.
void write_audio(const std::filesystem::path& path, const AudioSpec& spec, const Signal& signal);

/// Decodes the whole file with libsndfile and returns the number of frames read; throws if it
/// cannot be opened. The reference count for lossy formats whose header is approximate.
std::int64_t decode_frame_count(const std::filesystem::path& path);

/// Writes raw bytes (for empty, random or hand-made files).
void write_bytes(const std::filesystem::path& path, std::string_view bytes);
/// `count` deterministic pseudo-random bytes.
std::string random_bytes(std::size_t count, std::uint32_t seed = 1);
/// Copies the first `keep_bytes` of `from` to `to`: a file cut short by a failed transfer.
void write_truncated_copy(const std::filesystem::path& from, const std::filesystem::path& to,
                          std::uintmax_t keep_bytes);

/// A fresh directory under the system temp folder, removed with its content on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }
  std::filesystem::path operator/(const std::filesystem::path& rel) const { return path_ / rel; }

 private:
  std::filesystem::path path_;
};

}  // namespace loaxa::testing
