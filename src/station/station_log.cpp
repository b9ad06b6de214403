#include "station/station_log.h"

#include <fmt/format.h>

#include <map>

#include "core/segment.h"
#include "station/station_plan.h"
#include "store/database.h"
#include "store/segment_repository.h"

namespace loaxa {

std::vector<LogRow> query_log(const StationConfig& config, const LogQuery& query) {
  if (query.from && query.to && *query.to < *query.from) {
    throw UserError({fmt::format("ngày cuối {} trước ngày đầu {}; đổi chỗ hai ngày",
                                 format_day_text(*query.to).vi, format_day_text(*query.from).vi),
                     fmt::format("the last day {} is before the first day {}; swap them",
                                 format_date(*query.to), format_date(*query.from))});
  }
  const date::time_zone* zone = station_time_zone(config);
  Instant lo{};
  Instant hi = Instant::max();
  if (query.from) lo = local_midnight(*query.from, zone);
  if (query.to) {
    hi = local_midnight(date::year_month_day{date::sys_days{*query.to} + date::days{1}}, zone);
  }
  auto db = open_database_readonly(config.database);
  const BroadcastLog log(*db);
  const SegmentRepository segments(*db);
  std::map<std::string, std::string> title_of;
  for (const Segment& s : segments.all()) title_of[s.id] = s.title;

  std::vector<LogRow> rows;
  for (BroadcastEntry& e : log.between(lo, hi)) {
    LogRow row;
    for (const std::string& id : e.start.segment_ids) {
      auto it = title_of.find(id);
      row.titles.push_back(it == title_of.end() ? std::string() : it->second);
    }
    for (const std::string& z : e.start.zones) row.zones.push_back(zone_shown(config, z));
    row.entry = std::move(e);
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace loaxa
