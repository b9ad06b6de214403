#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/text.h"
#include "core/time.h"

namespace loaxa {

/// An imported recording, as kept in the store. Its id is the first 12 hex digits of the
/// SHA-256 of the file's bytes, so the same recording has the same id on every station.
struct Segment {
  std::string id;
  std::string sha256;  ///< of the file's bytes, 64 lowercase hex digits
  std::string title;
  std::string tag;            ///< programme tag ("cchc"); may be empty
  std::string note;           ///< staff's remark about it (segment edit --note); may be empty
  std::string format;         ///< "WAV", "FLAC", "OGG/VORBIS", "OGG/OPUS", "MP3"
  std::string original_name;  ///< file name at import
  std::string library_path;   ///< the imported copy, relative to the library folder
  int sample_rate = 0;
  int channels = 0;
  std::int64_t frames = 0;   ///< counted while decoding, never taken from the header
  double loudness_lufs = 0;  ///< EBU R128 integrated loudness
  double true_peak_dbtp = 0;
  double gain_db = 0;  ///< applied at playout to reach the station's target loudness
  Instant imported_at{};
  std::int64_t import_order = 0;  ///< increasing; rotation "in import order" follows it

  /// Commune leadership approves what the station airs (issue 3).
  enum class Approval { kPending, kApproved, kRetired };
  Approval approval = Approval::kPending;
  std::string approved_by;             ///< who approved (or retired) it
  std::optional<Instant> approved_at;  ///< when
  /// Local dates (station zone), inclusive; none = unbounded.
  std::optional<date::year_month_day> valid_from;
  std::optional<date::year_month_day> valid_until;

  double duration_seconds() const {
    return sample_rate > 0 ? static_cast<double>(frames) / sample_rate : 0.0;
  }
};

/// One entry of a segment's append-only history: what staff decided about it, by whom and
/// when. Approvals, retirements and validity changes are rows of `segment_events`, edits of
/// title, tag and note rows of `segment_edits` (schema 6; a table of its own because the rows
/// of segment_events are chained with every column). A segment's approval, validity, title, tag
/// and note are never stored as mutable fields; they are derived by applying its events in
/// order (apply_event).
struct SegmentEvent {
  enum class Kind { kApproved, kRetired, kValidity, kEdited };
  std::int64_t seq = 0;  ///< position in its table, increasing; 0 before it is stored
  std::string segment_id;
  Kind kind = Kind::kApproved;
  std::string by;  ///< the person who decided
  Instant at{};    ///< when it was recorded (UTC)
  /// For kValidity: the whole validity after the change (none = unbounded).
  std::optional<date::year_month_day> valid_from;
  std::optional<date::year_month_day> valid_until;
  /// For kEdited: the new value of each field the edit changed (none = unchanged).
  std::optional<std::string> title;
  std::optional<std::string> tag;
  std::optional<std::string> note;
};

/// "approved", "retired", "validity", "edited": the stored and JSON name of an event kind.
std::string_view kind_name(SegmentEvent::Kind kind);
/// Inverse of kind_name; nullopt for anything else.
std::optional<SegmentEvent::Kind> parse_kind(std::string_view name);

/// "pending", "approved", "retired": the JSON name of an approval state.
std::string_view approval_name(Segment::Approval approval);
/// The approval state for people: "chờ duyệt"/"pending", "đã duyệt"/"approved",
/// "đã ngừng phát"/"retired".
Text approval_text(Segment::Approval approval);

/// Applies one event to the segment's derived state. Retirement is final: an approval that
/// follows it (which the store refuses anyway) does not bring the segment back. An edit sets
/// the fields it names.
void apply_event(Segment& segment, const SegmentEvent& event);

/// Why `from`..`until` is not a usable validity range (until before from), or nullopt.
std::optional<Text> validity_error(const std::optional<date::year_month_day>& from,
                                   const std::optional<date::year_month_day>& until);

/// "YYYY-MM-DD".
std::string format_date(date::year_month_day day);

/// Why a segment may not air on a day; the planner skips it for the first of these that holds.
enum class NotAiring {
  kRetired,      ///< retired: never again
  kNotApproved,  ///< the station requires approval and it has none
  kNotYetValid,  ///< before its valid_from date
  kExpired,      ///< after its valid_until date
};

/// Why `segment` may not air on local day `day`, or nullopt when it may.
std::optional<NotAiring> why_not_eligible(const Segment& segment, date::year_month_day day,
                                          bool require_approval);

/// Whether `segment` may air on local day `day`: not retired, within its validity dates, and
/// approved when the station requires approval.
bool eligible(const Segment& segment, date::year_month_day day, bool require_approval);

/// The stable code of a reason ("retired", "not_approved", "not_yet_valid", "expired").
std::string_view not_airing_code(NotAiring why);

/// For people: "chưa được duyệt", "chưa tới ngày hiệu lực 01/12/2026" (dates of `segment`).
Text not_airing_text(NotAiring why, const Segment& segment);

}  // namespace loaxa
