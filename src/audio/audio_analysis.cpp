#include "audio/audio_analysis.h"

#include <ebur128.h>
#include <fmt/format.h>
#include <sndfile.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <memory>
#include <sstream>
#include <vector>

#include "audio/sound_file.h"
#include "audio/true_peak_meter.h"
#include "hash/sha256.h"

namespace loaxa {
namespace {

namespace fs = std::filesystem;

constexpr std::int64_t kChunkFrames = 4096;
constexpr std::size_t kHashChunkBytes = 1 << 16;
// Share of the progress bar given to hashing; decoding is where the time goes.
constexpr double kHashShare = 0.1;
constexpr double kMinSeconds = 0.4;  // one EBU R128 gating block
constexpr double kSilenceGateLufs = -70.0;

const Text kFormatsHint{
    "định dạng được nhận: WAV, FLAC, Ogg Vorbis, Ogg Opus, MP3; tệp AAC/M4A hãy chuyển đổi "
    "trước (ví dụ: ffmpeg -i tệp.m4a tệp.flac)",
    "accepted formats: WAV, FLAC, Ogg Vorbis, Ogg Opus, MP3; convert AAC/M4A first (e.g. "
    "ffmpeg -i file.m4a file.flac)"};
const Text kCopyAgainHint{"hãy chép lại tệp từ bản gốc hoặc xuất lại từ phần mềm thu âm",
                          "copy the file again from the original or export it again from the "
                          "recording software"};

AudioRefusal refuse(RefusalReason reason, const std::string& vi, const std::string& en) {
  return {reason, {vi, en}};
}

struct EbuDeleter {
  void operator()(ebur128_state* st) const noexcept { ebur128_destroy(&st); }
};
struct SndfileCloser {
  void operator()(SNDFILE* sf) const noexcept { sf_close(sf); }
};

/// A file that exists, is regular and non-empty; otherwise the refusal.
std::optional<AudioRefusal> check_file(const fs::path& file, std::uintmax_t& size) {
  std::error_code ec;
  const fs::file_status st = fs::status(file, ec);
  if (!fs::exists(st)) {
    return refuse(RefusalReason::kMissing, "không tìm thấy tệp; kiểm tra lại đường dẫn và tên tệp",
                  "file not found; check the path and the file name");
  }
  if (!fs::is_regular_file(st)) {
    return refuse(RefusalReason::kNotAFile,
                  "không phải là tệp âm thanh (là thư mục?); hãy chỉ "
                  "ra từng tệp",
                  "not a regular file (a folder?); name each audio file");
  }
  size = fs::file_size(file, ec);
  if (ec) {
    return refuse(RefusalReason::kUnreadable, fmt::format("không đọc được tệp ({})", ec.message()),
                  fmt::format("cannot read the file ({})", ec.message()));
  }
  if (size == 0) {
    return refuse(RefusalReason::kEmpty, fmt::format("tệp rỗng (0 byte); {}", kCopyAgainHint.vi),
                  fmt::format("the file is empty (0 bytes); {}", kCopyAgainHint.en));
  }
  return std::nullopt;
}

/// Why libsndfile refuses to open a file we know exists and is readable. SoundFile only keeps
/// the message, and libsndfile's own message can mislead (a damaged MP3 is reported as "not a
/// regular file"), so open it once more to read the error code.
AudioRefusal classify_open_failure(const fs::path& file) {
  SF_INFO info{};
  std::unique_ptr<SNDFILE, SndfileCloser> sf(sf_open(file.c_str(), SFM_READ, &info));
  const int code = sf ? SF_ERR_NO_ERROR : sf_error(nullptr);
  if (code == SF_ERR_UNRECOGNISED_FORMAT) {
    return refuse(RefusalReason::kUnrecognisedFormat,
                  fmt::format("không nhận dạng được định dạng âm thanh (libsndfile: Format not "
                              "recognised); {}",
                              kFormatsHint.vi),
                  fmt::format("not a recognised audio format (libsndfile: Format not "
                              "recognised); {}",
                              kFormatsHint.en));
  }
  return refuse(
      RefusalReason::kMalformed,
      fmt::format("không mở được như tệp âm thanh: tệp bị hỏng, bị cắt cụt hoặc không phải âm "
                  "thanh; {} ({})",
                  kCopyAgainHint.vi, kFormatsHint.vi),
      fmt::format("cannot be opened as audio: the file is damaged, cut short or not audio at all; "
                  "{} ({})",
                  kCopyAgainHint.en, kFormatsHint.en));
}

/// libsndfile quietly shortens a WAV whose data chunk runs past the end of the file; only its
/// log says so ("data : 576068 (should be 288012)"). A recorder's placeholder size (0x7fffffff,
/// 0xffffffff: never finalised) is not a truncation: the audio it has is all there is.
bool wav_is_cut_short(const fs::path& file) {
  SF_INFO info{};
  std::unique_ptr<SNDFILE, SndfileCloser> sf(sf_open(file.c_str(), SFM_READ, &info));
  if (!sf) return false;
  std::array<char, 8192> log{};
  sf_command(sf.get(), SFC_GET_LOG_INFO, log.data(), static_cast<int>(log.size()));
  std::istringstream lines(std::string(log.data()));
  for (std::string line; std::getline(lines, line);) {
    unsigned long long declared = 0;
    unsigned long long actual = 0;
    if (std::sscanf(line.c_str(), "data : %llu (should be %llu)", &declared, &actual) == 2) {
      return declared > actual && declared != 0x7fffffffULL && declared != 0xffffffffULL;
    }
  }
  return false;
}

std::optional<std::string> hash_file(const fs::path& file, std::uintmax_t size,
                                     const ProgressFn& progress, std::string& error) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    error = std::strerror(errno);
    return std::nullopt;
  }
  Sha256Hasher hasher;
  std::vector<char> buf(kHashChunkBytes);
  std::uintmax_t done = 0;
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    if (got == 0) break;
    hasher.update(buf.data(), got);
    done += got;
    if (progress && size > 0) progress(kHashShare * static_cast<double>(done) / size);
  }
  if (in.bad()) {
    error = std::strerror(errno);
    return std::nullopt;
  }
  const Sha256 digest = hasher.finish();
  return to_hex(digest.data(), digest.size());
}

/// The header's frame count is a promise the stream must keep, except for MP3 where it may be an
/// estimate from the bitrate.
bool stream_ended_early(const std::string& format, std::int64_t header_frames, std::int64_t decoded,
                        int rate) {
  if (format == "MP3") {
    // With a Xing/LAME tag (every LAME-encoded file) the count is exact; without one it is a
    // guess from file size and bitrate. Allow the guess half a second or 2% before calling it a
    // truncation, so a VBR file without a tag is not refused for an estimate.
    const std::int64_t slack = std::max<std::int64_t>(rate / 2, header_frames / 50);
    return decoded + slack < header_frames;
  }
  return decoded < header_frames;
}

}  // namespace

std::string_view reason_name(RefusalReason reason) {
  switch (reason) {
    case RefusalReason::kMissing:
      return "missing";
    case RefusalReason::kNotAFile:
      return "not_a_file";
    case RefusalReason::kUnreadable:
      return "unreadable";
    case RefusalReason::kEmpty:
      return "empty";
    case RefusalReason::kUnrecognisedFormat:
      return "unrecognised_format";
    case RefusalReason::kMalformed:
      return "malformed";
    case RefusalReason::kTruncated:
      return "truncated";
    case RefusalReason::kDecodeError:
      return "decode_error";
    case RefusalReason::kNoAudio:
      return "no_audio";
    case RefusalReason::kTooShort:
      return "too_short";
    case RefusalReason::kSilent:
      return "silent";
  }
  return "unknown";
}

std::optional<std::string> sha256_of_file(const fs::path& file) {
  std::string error;
  return hash_file(file, 0, {}, error);
}

std::variant<AudioAnalysis, AudioRefusal> analyse_audio(const fs::path& file,
                                                        const ProgressFn& progress) {
  AudioAnalysis a;
  if (auto refused = check_file(file, a.file_bytes)) return *refused;

  std::string error;
  auto sha = hash_file(file, a.file_bytes, progress, error);
  if (!sha) {
    return refuse(RefusalReason::kUnreadable, fmt::format("không đọc được tệp ({})", error),
                  fmt::format("cannot read the file ({})", error));
  }
  a.sha256 = std::move(*sha);

  std::optional<SoundFile> sound;
  try {
    sound.emplace(file);
  } catch (const UserError&) {
    return classify_open_failure(file);
  }
  a.format = sound->format_name();
  a.sample_rate = sound->sample_rate();
  a.channels = sound->channels();
  const std::int64_t header_frames = sound->header_frames();

  const Text truncated{
      fmt::format("tệp bị cắt cụt: phần âm thanh dừng trước chỗ kết thúc ghi trong tệp; {}",
                  kCopyAgainHint.vi),
      fmt::format("the file is cut short: its audio stops before the end its header announces; {}",
                  kCopyAgainHint.en)};
  // An Ogg stream whose last page is missing has no final granule position, so libsndfile
  // cannot tell its length: that only happens to an interrupted copy or recording.
  if (header_frames == std::numeric_limits<std::int64_t>::max() ||
      (a.format == "WAV" && wav_is_cut_short(file))) {
    return AudioRefusal{RefusalReason::kTruncated, truncated};
  }
  if (a.sample_rate <= 0 || a.channels <= 0) {
    return classify_open_failure(file);
  }

  std::unique_ptr<ebur128_state, EbuDeleter> ebu(
      ebur128_init(static_cast<unsigned>(a.channels), static_cast<unsigned long>(a.sample_rate),
                   EBUR128_MODE_I));
  if (!ebu) {
    return refuse(RefusalReason::kMalformed,
                  fmt::format("không đo được độ lớn của tệp {} kênh, {} Hz; hãy xuất lại thành "
                              "hai kênh (stereo) hoặc một kênh (mono)",
                              a.channels, a.sample_rate),
                  fmt::format("cannot measure the loudness of {} channels at {} Hz; export it "
                              "again as stereo or mono",
                              a.channels, a.sample_rate));
  }

  // True peak is measured outside libebur128, with its filter but without its cost.
  TruePeakMeter true_peak(a.channels, a.sample_rate);
  std::vector<float> buf(static_cast<std::size_t>(kChunkFrames * a.channels));
  try {
    for (std::int64_t got; (got = sound->read(buf.data(), kChunkFrames)) > 0;) {
      const auto samples = static_cast<std::size_t>(got * a.channels);
      if (!std::all_of(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(samples),
                       [](float s) { return std::isfinite(s); })) {
        return refuse(
            RefusalReason::kDecodeError,
            fmt::format("tệp chứa mẫu âm thanh không hợp lệ (NaN/vô cực) ở giây {:.1f}; "
                        "{}",
                        static_cast<double>(a.frames) / a.sample_rate, kCopyAgainHint.vi),
            fmt::format("the file holds invalid samples (NaN/infinity) at {:.1f} s; {}",
                        static_cast<double>(a.frames) / a.sample_rate, kCopyAgainHint.en));
      }
      ebur128_add_frames_float(ebu.get(), buf.data(), static_cast<std::size_t>(got));
      true_peak.add(buf.data(), static_cast<std::size_t>(got));
      a.frames += got;
      if (progress && header_frames > 0) {
        progress(kHashShare +
                 (1 - kHashShare) * std::min(1.0, static_cast<double>(a.frames) / header_frames));
      }
    }
  } catch (const UserError&) {
    if (stream_ended_early(a.format, header_frames, a.frames, a.sample_rate)) {
      return AudioRefusal{RefusalReason::kTruncated, truncated};
    }
    const double at = static_cast<double>(a.frames) / a.sample_rate;
    return refuse(
        RefusalReason::kDecodeError,
        fmt::format("lỗi giải mã ở giây {:.1f}; tệp bị hỏng; {}", at, kCopyAgainHint.vi),
        fmt::format("decode error at {:.1f} s; the file is damaged; {}", at, kCopyAgainHint.en));
  }

  if (a.frames == 0) {
    return refuse(RefusalReason::kNoAudio,
                  "tệp không có âm thanh (0 khung); hãy kiểm tra lại bản ghi",
                  "the file holds no audio (0 frames); check the recording");
  }
  if (stream_ended_early(a.format, header_frames, a.frames, a.sample_rate)) {
    return AudioRefusal{RefusalReason::kTruncated, truncated};
  }
  if (a.duration_seconds() < kMinSeconds) {
    return refuse(
        RefusalReason::kTooShort,
        fmt::format("tệp quá ngắn ({:.2f} giây): cần ít nhất {} giây để đo độ lớn âm thanh",
                    a.duration_seconds(), kMinSeconds),
        fmt::format("too short ({:.2f} s): loudness needs at least {} s of audio",
                    a.duration_seconds(), kMinSeconds));
  }

  double loudness = -HUGE_VAL;
  ebur128_loudness_global(ebu.get(), &loudness);
  // Below the absolute gate every block is discarded and libebur128 answers -inf.
  if (!std::isfinite(loudness) || loudness < kSilenceGateLufs) {
    return refuse(RefusalReason::kSilent,
                  "tệp chỉ có im lặng (độ lớn dưới -70 LUFS); hãy kiểm tra micrô hoặc bản ghi",
                  "the file is silent (loudness below -70 LUFS); check the microphone or the "
                  "recording");
  }
  a.loudness_lufs = loudness;

  a.true_peak_dbtp = 20 * std::log10(true_peak.peak());
  if (progress) progress(1.0);
  return a;
}

double gain_to_target(double loudness_lufs, double true_peak_dbtp, double target_lufs,
                      double max_true_peak_dbtp) {
  // Loudness normalisation alone would push a quiet but peaky recording (a slammed door, a
  // plosive on the microphone) into clipping on the amplifier. The gain is therefore the smaller
  // of what reaches the target loudness and what keeps the true peak at the station's ceiling:
  // such a segment plays a little below target rather than distorted. Attenuation is never
  // limited, so a hot recording is always brought down.
  const double to_target = target_lufs - loudness_lufs;
  const double headroom = max_true_peak_dbtp - true_peak_dbtp;
  return std::min(to_target, headroom);
}

std::string library_extension(std::string_view format) {
  if (format == "WAV") return "wav";
  if (format == "FLAC") return "flac";
  if (format == "OGG/VORBIS") return "ogg";
  if (format == "OGG/OPUS") return "opus";
  if (format == "MP3") return "mp3";
  if (format == "AIFF") return "aiff";
  return "";
}

}  // namespace loaxa
