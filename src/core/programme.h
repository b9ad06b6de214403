#pragma once
// A programme and its slots, parsed from schedules/*.toml (see config/schedule_file.h).

#include <array>
#include <chrono>
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
  enum class Kind { kTag, kSegment };
  Kind kind = Kind::kTag;
  std::string value;  ///< the tag, or the segment id
};

struct Slot {
  int index = 0;  ///< 0-based position of the [[slot]] table in its file
  /// days[0] = Monday ... days[6] = Sunday (ISO order).
  std::array<bool, 7> days{};
  /// Local wall times, seconds since midnight, sorted, unique.
  std::vector<std::chrono::seconds> times;
  PlaySpec play;
  SourceLocation where;
};

struct Programme {
  std::string id;
  std::string title;
  std::vector<Slot> slots;
  SourceLocation where;
};

}  // namespace loaxa
