#include "audio/sound_file.h"

#include <fmt/format.h>
#include <sndfile.h>

#include "core/reason.h"

namespace loaxa {

SoundFile::SoundFile(const std::filesystem::path& path) : path_(path) {
  SF_INFO info{};
  SNDFILE* sf = sf_open(path.c_str(), SFM_READ, &info);
  if (sf == nullptr) {
    std::string why = sf_strerror(nullptr);
    throw ReasonError(
        Reason(ReasonCode::kCannotDecode).with("file", path.string()).with("error", why));
  }
  sf_ = sf;
  rate_ = info.samplerate;
  channels_ = info.channels;
  format_ = info.format;
  header_frames_ = info.frames;
  // Lossy decoders overshoot 1.0; floats keep that headroom, and the engine's gain handles it.
  sf_command(sf, SFC_SET_NORM_FLOAT, nullptr, SF_TRUE);
}

SoundFile::~SoundFile() {
  if (sf_ != nullptr) sf_close(static_cast<SNDFILE*>(sf_));
}

std::string SoundFile::format_name() const {
  const int major = format_ & SF_FORMAT_TYPEMASK;
  const int sub = format_ & SF_FORMAT_SUBMASK;
  switch (major) {
    case SF_FORMAT_WAV:
    case SF_FORMAT_WAVEX:
    case SF_FORMAT_RF64:
      return "WAV";
    case SF_FORMAT_FLAC:
      return "FLAC";
    case SF_FORMAT_OGG:
      return sub == SF_FORMAT_OPUS ? "OGG/OPUS" : "OGG/VORBIS";
    case SF_FORMAT_MPEG:
      return "MP3";
    case SF_FORMAT_AIFF:
      return "AIFF";
    default:
      return fmt::format("0x{:x}", major);
  }
}

std::int64_t SoundFile::read(float* out, std::int64_t frames) {
  auto* sf = static_cast<SNDFILE*>(sf_);
  sf_count_t got = sf_readf_float(sf, out, frames);
  if (got < 0 || (got == 0 && sf_error(sf) != SF_ERR_NO_ERROR)) {
    std::string why = sf_strerror(sf);
    throw ReasonError(
        Reason(ReasonCode::kDecodeError).with("file", path_.string()).with("error", why));
  }
  return got;
}

}  // namespace loaxa
