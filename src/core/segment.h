#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/time.h"

namespace loaxa {

/// An imported recording, as kept in the store. Its id is the first 12 hex digits of the
/// SHA-256 of the file's bytes, so the same recording has the same id on every station.
struct Segment {
  std::string id;
  std::string sha256;         ///< of the file's bytes, 64 lowercase hex digits
  std::string title;
  std::string tag;            ///< programme tag ("cchc"); may be empty
  std::string format;         ///< "WAV", "FLAC", "OGG/VORBIS", "OGG/OPUS", "MP3"
  std::string original_name;  ///< file name at import
  std::string library_path;   ///< the imported copy, relative to the library folder
  int sample_rate = 0;
  int channels = 0;
  std::int64_t frames = 0;  ///< counted while decoding, never taken from the header
  double loudness_lufs = 0;  ///< EBU R128 integrated loudness
  double true_peak_dbtp = 0;
  double gain_db = 0;  ///< applied at playout to reach the station's target loudness
  Instant imported_at{};
  std::int64_t import_order = 0;  ///< increasing; rotation "in import order" follows it

  double duration_seconds() const {
    return sample_rate > 0 ? static_cast<double>(frames) / sample_rate : 0.0;
  }
};

}  // namespace loaxa
