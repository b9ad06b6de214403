#pragma once
// schedules/*.toml -> Programme. One programme per file.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/programme.h"
#include "core/segment.h"
#include "core/text.h"

namespace loaxa {

struct ScheduleProblem {
  /// kInvalid leaves the file out of the plan. kUnresolved means the file is valid but names a tag
  /// or segment the catalogue lacks (yet): the programme stays in the plan, its occurrences play
  /// nothing, and `schedule check` still fails so staff notice before broadcast time.
  enum class Kind { kInvalid, kUnresolved };

  SourceLocation where;
  Text message;
  Kind kind = Kind::kInvalid;
  /// "schedules/cchc.toml:14:9: unknown weekday \"thu2\"; use mon..sun"
  std::string format(Lang lang) const;
};

struct ScheduleSet {
  /// Every file without a kInvalid problem; of files sharing an id, only the first valid one.
  std::vector<Programme> programmes;
  std::vector<ScheduleProblem> problems;  ///< empty when everything is valid; in file, line order
};

/// What the station's config adds to checking a schedule.
struct ScheduleOptions {
  /// [station] window: normal and priority slots must start (and, with max_duration, end)
  /// inside it. nullopt = no limit.
  std::optional<BroadcastWindow> window;
  /// The station's zones; a slot's zones must be among them. Empty = not checked.
  std::vector<std::string> known_zones;
};

/// Parses one schedule file's text. `display_name` is what errors call the file.
ScheduleSet parse_schedule(std::string_view toml_text, const std::string& display_name,
                           const std::vector<Segment>& catalogue,
                           const ScheduleOptions& options = {});

/// Every *.toml in `dir`, in name order; also checks programme ids are unique across files.
ScheduleSet load_schedules(const std::filesystem::path& dir, const std::vector<Segment>& catalogue,
                           const ScheduleOptions& options = {});

/// The canonical text of a programme; parse_schedule() of it gives the same programme back.
std::string format_schedule(const Programme& programme);

/// The canonical text of one slot, from "[[slot]]" on: every key in one order, defaults left
/// out. Under a [programme] table it parses back to the same slot.
std::string format_slot(const Slot& slot);

/// How messages name a file: relative to the current directory when under it, else as given.
std::string display_path(const std::filesystem::path& file);

}  // namespace loaxa
