#include "core/time.h"

#include <cstdio>

namespace loaxa {

std::string format_iso(Instant t, const date::time_zone* zone) {
  auto ms = std::chrono::floor<std::chrono::milliseconds>(t);
  date::zoned_time<std::chrono::milliseconds> zt{zone, ms};
  auto offset = zt.get_info().offset;
  std::string s = date::format("%FT%T", zt.get_local_time());
  auto mins = std::chrono::duration_cast<std::chrono::minutes>(offset).count();
  char sign = mins < 0 ? '-' : '+';
  if (mins < 0) mins = -mins;
  char buf[8];
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", sign, static_cast<int>(mins / 60),
                static_cast<int>(mins % 60));
  return s + buf;
}

std::string format_local(Instant t, const date::time_zone* zone) {
  auto s = std::chrono::floor<std::chrono::seconds>(t);
  date::zoned_time<std::chrono::seconds> zt{zone, s};
  return date::format("%F %T", zt.get_local_time());
}

Text format_local_text(Instant t, const date::time_zone* zone) {
  auto s = std::chrono::floor<std::chrono::seconds>(t);
  date::zoned_time<std::chrono::seconds> zt{zone, s};
  return {date::format("%d/%m/%Y %T", zt.get_local_time()),
          date::format("%F %T", zt.get_local_time())};
}

Text format_day_text(date::year_month_day day) {
  return {date::format("%d/%m/%Y", day), date::format("%F", day)};
}

std::optional<date::year_month_day> parse_date(std::string_view text) {
  int y = 0;
  unsigned m = 0, d = 0;
  char tail = 0;
  std::string s{text};
  if (s.size() != 10 || std::sscanf(s.c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &tail) != 3) {
    return std::nullopt;
  }
  date::year_month_day ymd{date::year{y}, date::month{m}, date::day{d}};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

const date::time_zone* find_zone(const std::string& name) noexcept {
  try {
    return date::locate_zone(name);
  } catch (...) {
    return nullptr;
  }
}

Instant local_midnight(date::year_month_day day, const date::time_zone* zone) {
  date::local_days ld{day};
  // choose::earliest: a zone whose midnight is skipped by a DST change still gets a start of day.
  auto sys = zone->to_sys(ld, date::choose::earliest);
  return std::chrono::time_point_cast<std::chrono::microseconds>(sys);
}

}  // namespace loaxa
