#pragma once
// schedules/*.toml -> Programme. One programme per file.

#include <filesystem>
#include <string>
#include <vector>

#include "core/programme.h"
#include "core/segment.h"
#include "core/text.h"

namespace loaxa {

struct ScheduleProblem {
  SourceLocation where;
  Text message;
  /// "schedules/cchc.toml:14:9: unknown weekday \"thu2\"; use mon..sun"
  std::string format(Lang lang) const;
};

struct ScheduleSet {
  std::vector<Programme> programmes;      ///< only files without problems
  std::vector<ScheduleProblem> problems;  ///< empty when everything is valid
};

/// Parses one schedule file's text. `display_name` is what errors call the file.
ScheduleSet parse_schedule(std::string_view toml_text, const std::string& display_name,
                           const std::vector<Segment>& catalogue);

/// Every *.toml in `dir`, in name order; also checks programme ids are unique across files.
ScheduleSet load_schedules(const std::filesystem::path& dir, const std::vector<Segment>& catalogue);

}  // namespace loaxa
