#pragma once
// The JSON of the station's records, one encoding for every front door: `loaxa … --json`, the
// control socket's replies, later the web API. Field names are documented in README.md
// and scripts depend on them: add fields, never rename. Keys keep the order written here
// (ordered_json), so output reads the same from run to run.

#include <date/tz.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "config/station_config.h"
#include "core/planner.h"
#include "core/segment.h"
#include "core/text.h"
#include "station/segment_operations.h"
#include "station/station_log.h"

namespace loaxa {

using Json = nlohmann::ordered_json;

/// Indented JSON for a terminal or a socket. A byte that is not UTF-8 (a file name typed in an
/// old code page, a title imported before names were checked) is shown as U+FFFD rather than
/// failing the whole output.
std::string printable(const Json& j);

/// Rounds to `digits` decimals, so JSON shows -6.02 rather than -6.0200000000000005.
double round_to(double v, int digits);

/// "2026-12-01", or null.
Json date_json(const std::optional<date::year_month_day>& day);

/// Every field of a segment (`segment list|show --json`).
Json segment_json(const Segment& s, const date::time_zone* zone);
/// A segment with whether the planner may pick it today: `airs_today` (bool) and
/// `not_airing_today` (null, or the code of why not: not_airing_code).
Json segment_json(const Segment& s, const date::time_zone* zone,
                  const std::optional<NotAiring>& why_not_today);
/// `segment show --json`: the segment as above, with its history as `events`.
Json segment_record_json(const SegmentRecord& record, const date::time_zone* zone,
                         const std::optional<NotAiring>& why_not_today);
/// One event of a segment's history: approval, retirement, validity or edit.
Json segment_event_json(const SegmentEvent& e, const date::time_zone* zone);
/// A change command's result: the segment after it and the event appended (null if none).
Json segment_change_json(const SegmentChange& c, const date::time_zone* zone);
/// One file of `segment import --json`; the texts (`note`, `error`) in `lang`.
Json file_import_json(const FileImport& o, Lang lang, const date::time_zone* zone);
/// One file of loaxad's reply to segment_import: as above in English, with `note_text` and
/// `error_text` as {"vi": …, "en": …} (or null), for the front door to print in its language.
Json file_import_reply_json(const FileImport& o, const date::time_zone* zone);

/// A planned broadcast (`schedule preview --json`, and `next`, `queue`, `playing` in loaxad's
/// status reply).
Json occurrence_json(const Occurrence& o, const date::time_zone* zone);
/// The same with `zone_names` after `zones`: each zone's display name from `config` (its id when
/// it has none), so that a front door shows the villages without reading the config itself.
Json occurrence_json(const Occurrence& o, const date::time_zone* zone, const StationConfig& config);

/// One broadcast of the log (`loaxa log --json`).
Json log_row_json(const LogRow& row, const date::time_zone* zone);

/// A refusal on the control socket: {"ok": false, "error": {"vi": …, "en": …}}.
Json error_reply(const Text& why);
Json error_reply(const std::string& vi, const std::string& en);

}  // namespace loaxa
