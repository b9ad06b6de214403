#pragma once
// The holiday calendar (config/holidays.toml): days on which slots with holidays = "skip" do
// not air. Loaded by config/holiday_file.h; here only the lookup, pure.

#include <date/date.h>

#include <string>
#include <vector>

#include "core/programme.h"

namespace loaxa {

/// One holiday: a single day or an inclusive range of local dates.
struct Holiday {
  date::year_month_day first;
  date::year_month_day last;  ///< == first for a single day
  std::string name;
  SourceLocation where;
};

/// A set of holidays, looked up by local date.
class Holidays {
 public:
  Holidays() = default;
  explicit Holidays(std::vector<Holiday> holidays);

  /// The holiday covering `day`, or nullptr.
  const Holiday* find(date::year_month_day day) const;
  bool contains(date::year_month_day day) const { return find(day) != nullptr; }
  const std::vector<Holiday>& all() const { return holidays_; }
  bool empty() const { return holidays_.empty(); }

 private:
  std::vector<Holiday> holidays_;  ///< sorted by first day
};

}  // namespace loaxa
