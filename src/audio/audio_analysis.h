#pragma once
// What `segment import` learns about a file before it is let into the library: its content hash,
// its exact length, and its loudness. A file that would not play correctly is refused here, with
// the reason, so that the daemon never meets it at broadcast time.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/text.h"

namespace loaxa {

/// A decoded file's measurements.
struct AudioAnalysis {
  std::string sha256;  ///< of the file's bytes, 64 lowercase hex digits
  std::string format;  ///< SoundFile::format_name(): "WAV", "FLAC", "OGG/VORBIS", ...
  int sample_rate = 0;
  int channels = 0;
  std::int64_t frames = 0;  ///< counted while decoding (MP3 headers are estimates)
  std::uintmax_t file_bytes = 0;
  double loudness_lufs = 0;   ///< EBU R128 integrated loudness
  double true_peak_dbtp = 0;  ///< highest true peak over all channels

  double duration_seconds() const {
    return sample_rate > 0 ? static_cast<double>(frames) / sample_rate : 0.0;
  }
};

/// Why a file is refused. Stable names (see reason_name) appear in `--json` output.
enum class RefusalReason {
  kMissing,             ///< no such file
  kNotAFile,            ///< a folder, a device, ...
  kUnreadable,          ///< permission denied or an I/O error
  kEmpty,               ///< 0 bytes
  kUnrecognisedFormat,  ///< libsndfile: "Format not recognised" (AAC/M4A, text, random bytes)
  kMalformed,           ///< a known format whose header or stream cannot be opened
  kTruncated,           ///< the stream ends before its header says it should
  kDecodeError,         ///< the decoder failed part-way, or produced non-finite samples
  kNoAudio,             ///< decodes to 0 frames
  kTooShort,            ///< under 0.4 s: too short for an integrated loudness measurement
  kSilent,              ///< integrated loudness below the -70 LUFS absolute gate
};

/// "missing", "not_a_file", "unreadable", "empty", "unrecognised_format", "malformed",
/// "truncated", "decode_error", "no_audio", "too_short", "silent".
std::string_view reason_name(RefusalReason reason);

/// A refused file: the reason and a message (without the file name) that says what to do.
struct AudioRefusal {
  RefusalReason reason;
  Text message;
};

/// Called with the fraction of the work done, 0..1, a few times per second of decoding.
using ProgressFn = std::function<void(double fraction)>;

/// Hashes the file's bytes (SHA-256, streaming), decodes it entirely with libsndfile and measures
/// EBU R128 integrated loudness and true peak. Never throws for a bad file: a refusal is an
/// expected outcome of import, returned as a value.
std::variant<AudioAnalysis, AudioRefusal> analyse_audio(const std::filesystem::path& file,
                                                        const ProgressFn& progress = {});

/// SHA-256 of the file's bytes as 64 lowercase hex digits; nullopt when it cannot be read.
std::optional<std::string> sha256_of_file(const std::filesystem::path& file);

/// The playout gain that brings a segment to the station's target loudness without letting its
/// true peak exceed the station's ceiling.
double gain_to_target(double loudness_lufs, double true_peak_dbtp, double target_lufs,
                      double max_true_peak_dbtp);

/// The file extension the library uses for a format name ("WAV" -> "wav", "OGG/OPUS" -> "opus");
/// empty for a format without one.
std::string library_extension(std::string_view format);

}  // namespace loaxa
