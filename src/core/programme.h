#pragma once
// A programme and its slots, parsed from schedules/*.toml (see config/schedule_file.h).

#include <date/date.h>

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace loaxa {

/// Where something came from in a file, for `file:line:col: message` errors.
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
};

/// What a slot plays.
struct PlaySpec {
  enum class Kind { kTag, kSegment, kList };
  PlaySpec() = default;
  // A constructor rather than an aggregate: {kind, value} stays valid without a list.
  PlaySpec(Kind k, std::string v, std::vector<std::string> l = {})
      : kind(k), value(std::move(v)), list(std::move(l)) {}

  Kind kind = Kind::kTag;
  std::string value;              ///< the tag, or the segment id (kTag, kSegment)
  std::vector<std::string> list;  ///< segment ids in play order (kList)
};

/// How a slot picks from its pool (the tag's segments in import order, or the list).
enum class Rotation {
  kAll,          ///< every eligible segment of the pool, in pool order (the default)
  kSequential,   ///< continues after the last one played, wrapping
  kShuffle,      ///< a fresh permutation per cycle; no repeat until all have played
  kLeastRecent,  ///< never played first, then the ones played longest ago
};

/// Circular 39/2020/TT-BTTTT's three levels for IP commune radio.
enum class Priority { kNormal = 0, kPriority = 1, kEmergency = 2 };

/// Whether a slot airs on the days of the holiday calendar.
enum class HolidayPolicy { kSkip, kKeep };

/// "the 2nd Tuesday" (n = 2) or "the last Friday" (n = -1) of a month.
struct NthWeekday {
  int n = 1;             ///< 1..5, or -1 for the last
  unsigned weekday = 0;  ///< ISO: 1 = Monday ... 7 = Sunday
  friend bool operator==(const NthWeekday&, const NthWeekday&) = default;
  friend auto operator<=>(const NthWeekday&, const NthWeekday&) = default;
};

/// The station's permitted broadcast hours, seconds since local midnight. start > end means
/// the window runs over midnight.
struct BroadcastWindow {
  std::chrono::seconds start{0};
  std::chrono::seconds end{24 * 3600};
};

/// The default late-start grace: how late an occurrence may still begin.
inline constexpr std::chrono::seconds kDefaultGrace{10 * 60};

struct Slot {
  int index = 0;  ///< 0-based position of the [[slot]] table in its file

  // Which days fire: the union of days, monthdays, nth and dates; then every_weeks, from/until
  // and the holiday calendar narrow the first three (explicit dates are never skipped as
  // holidays: staff who list a date mean it).

  /// days[0] = Monday ... days[6] = Sunday (ISO order).
  std::array<bool, 7> days{};
  /// Days of the month, 1..31, or -1..-31 counted from the month's end (-1 = last day). Sorted:
  /// positive ascending, then -1, -2, ...
  std::vector<int> monthdays;
  /// Sorted, unique.
  std::vector<NthWeekday> nth;
  /// Specific local dates. Sorted, unique.
  std::vector<date::year_month_day> dates;
  /// 0 (none) or 1 = every week; N > 1 = only in weeks 0, N, 2N, ... counted (Monday-based)
  /// from `start`.
  int every_weeks = 0;
  std::optional<date::year_month_day> start;  ///< with every_weeks; also no day before it fires
  std::optional<date::year_month_day> from;   ///< inclusive
  std::optional<date::year_month_day> until;  ///< inclusive
  HolidayPolicy holidays = HolidayPolicy::kSkip;

  /// Local wall times, seconds since midnight, sorted, unique.
  std::vector<std::chrono::seconds> times;

  PlaySpec play;
  Rotation rotation = Rotation::kAll;
  int count = 1;      ///< segments per occurrence under a rotation
  std::string intro;  ///< segment id played before the content; empty = none
  std::string outro;  ///< segment id played after the content; empty = none
  /// Content longer than this fades out and is logged as partial (by the daemon).
  std::optional<std::chrono::seconds> max_duration;
  Priority priority = Priority::kNormal;
  std::vector<std::string> zones;  ///< empty = every zone of the station
  std::chrono::seconds grace = kDefaultGrace;

  SourceLocation where;
};

struct Programme {
  std::string id;
  std::string title;
  std::vector<Slot> slots;
  SourceLocation where;
};

/// "normal", "priority", "emergency" (as schedules and the log spell them).
const char* to_string(Priority p) noexcept;
/// "sequential", "shuffle", "least_recent"; "all" for kAll.
const char* to_string(Rotation r) noexcept;

}  // namespace loaxa
