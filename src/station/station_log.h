#pragma once
// `loaxa log` and every later reader of the broadcast log (the web console): which broadcasts a
// period holds, with what people read beside the stored values — the segments' titles and the
// zones' display names. One query for every front door; the words and layout are theirs.

#include <date/date.h>

#include <optional>
#include <string>
#include <vector>

#include "config/station_config.h"
#include "store/broadcast_log.h"

namespace loaxa {

/// Local days of the station's time zone, both included; none = no limit on that side.
struct LogQuery {
  std::optional<date::year_month_day> from;
  std::optional<date::year_month_day> to;
};

/// One broadcast as logged, and the names people know its parts by.
struct LogRow {
  BroadcastEntry entry;
  /// Per segment id of the entry: its title now (after `segment edit`), or "" for an id the
  /// library does not have (a database restored without its segments).
  std::vector<std::string> titles;
  /// The entry's zones by their display names (loaxad logs every zone of the config for a
  /// broadcast to all of them).
  std::vector<std::string> zones;
};

/// The broadcasts scheduled in the period, oldest first. Throws UserError when `to` is before
/// `from`, for a time zone the config names wrongly, and when the station has no database yet.
std::vector<LogRow> query_log(const StationConfig& config, const LogQuery& query);

}  // namespace loaxa
