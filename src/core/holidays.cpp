#include "core/holidays.h"

#include <algorithm>

namespace loaxa {

Holidays::Holidays(std::vector<Holiday> holidays) : holidays_(std::move(holidays)) {
  std::stable_sort(holidays_.begin(), holidays_.end(),
                   [](const Holiday& a, const Holiday& b) { return a.first < b.first; });
}

const Holiday* Holidays::find(date::year_month_day day) const {
  // A calendar holds a few dozen entries; ranges may overlap (Tết and a compensation day), so a
  // linear scan is both simplest and right.
  for (const Holiday& h : holidays_) {
    if (h.first > day) break;
    if (day <= h.last) return &h;
  }
  return nullptr;
}

}  // namespace loaxa
