#pragma once
// The plan: a pure function of (programmes, catalogue, period, zone, holidays, play history).
// No clock is read here.

#include <date/tz.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/holidays.h"
#include "core/programme.h"
#include "core/reason.h"
#include "core/rotation.h"
#include "core/segment.h"
#include "core/text.h"
#include "core/time.h"

namespace loaxa {

/// One concrete broadcast the schedule asks for.
struct Occurrence {
  std::string programme_id;
  std::string programme_title;
  int slot_index = 0;
  Instant scheduled_at{};
  /// In play order: intro, content, outro. Empty when nothing eligible is left to play.
  std::vector<Segment> segments;
  double total_seconds = 0;

  /// Why `segments` is empty, e.g. no_approved_with_tag {tag: cchc, date: 2026-12-01}; the
  /// daemon logs the occurrence as missed with it. None when there is something to play.
  std::optional<Reason> nothing_reason;
  /// How many of `segments` are the slot's intro (0 or 1) and outro (0 or 1).
  int intro_count = 0;
  int outro_count = 0;
  Priority priority = Priority::kNormal;
  std::vector<std::string> zones;  ///< empty = every zone
  std::chrono::seconds grace = kDefaultGrace;
  /// Content past this fades out and the broadcast is logged as partial.
  std::optional<std::chrono::seconds> max_duration;

  /// Stable identity of the occurrence, e.g. "cchc#0@2026-11-30T06:00:00Z".
  std::string key() const;
};

/// What the plan depends on besides programmes, catalogue and period.
struct PlanOptions {
  /// Days that slots with holidays = "skip" leave out.
  Holidays holidays;
  /// Only approved segments air (the station config's default: leadership approves).
  bool require_approval = false;
};

/// Whether `slot` airs on local day `day` (its time of day aside), by days, monthdays, nth,
/// dates, every_weeks/start, from/until and, for holidays = "skip", `holidays`.
bool fires_on(const Slot& slot, date::year_month_day day, const Holidays& holidays);

/// The next instant strictly after `after` at which `slot` fires in `zone`, or nullopt when it
/// never fires again. Local times skipped by a DST gap fire at the gap's end; times repeated by
/// a DST fold fire once, at the first.
std::optional<Instant> next_after(const Slot& slot, Instant after, const date::time_zone* zone,
                                  const Holidays& holidays);
/// Without a holiday calendar.
std::optional<Instant> next_after(const Slot& slot, Instant after, const date::time_zone* zone);

/// Every segment the play spec names, in pool order (import order for a tag, the list's order),
/// eligible or not.
std::vector<Segment> resolve(const PlaySpec& play, const std::vector<Segment>& catalogue);

/// Every occurrence with from <= scheduled_at < to, sorted by time, then programme id, then slot.
/// Rotating slots choose from `history` as it stood at each occurrence (records from before
/// it), continued with the plan's own earlier choices for occurrences the history does not
/// cover yet, so a preview shows what will really play.
std::vector<Occurrence> expand(const std::vector<Programme>& programmes,
                               const std::vector<Segment>& catalogue, Instant from, Instant to,
                               const date::time_zone* zone, const PlanOptions& options,
                               const PlayHistory& history = {});
/// No holidays, no approval required, no history.
std::vector<Occurrence> expand(const std::vector<Programme>& programmes,
                               const std::vector<Segment>& catalogue, Instant from, Instant to,
                               const date::time_zone* zone);

}  // namespace loaxa
