#pragma once

#include <cstdint>
#include <optional>
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

  /// Commune leadership approves what the station airs (issue 3).
  enum class Approval { kPending, kApproved, kRetired };
  Approval approval = Approval::kPending;
  std::string approved_by;              ///< who approved (or retired) it
  std::optional<Instant> approved_at;   ///< when
  /// Local dates (station zone), inclusive; none = unbounded.
  std::optional<date::year_month_day> valid_from;
  std::optional<date::year_month_day> valid_until;

  double duration_seconds() const {
    return sample_rate > 0 ? static_cast<double>(frames) / sample_rate : 0.0;
  }
};

/// Whether `segment` may air on local day `day`: not retired, within its validity dates, and
/// approved when the station requires approval.
bool eligible(const Segment& segment, date::year_month_day day, bool require_approval);

}  // namespace loaxa
