#pragma once
// The plan: a pure function of (programmes, catalogue, period, zone). No clock is read here.

#include <date/tz.h>

#include <optional>
#include <string>
#include <vector>

#include "core/programme.h"
#include "core/segment.h"
#include "core/time.h"

namespace loaxa {

/// One concrete broadcast the schedule asks for.
struct Occurrence {
  std::string programme_id;
  std::string programme_title;
  int slot_index = 0;
  Instant scheduled_at{};
  std::vector<Segment> segments;  ///< in play order; empty when nothing matches the slot
  double total_seconds = 0;

  /// Stable identity of the occurrence, e.g. "cchc#0@2026-11-30T06:00:00Z".
  std::string key() const;
};

/// The next instant strictly after `after` at which `slot` fires in `zone`, or nullopt when it
/// never fires (no days, no times). Local times skipped by a DST gap fire at the gap's end;
/// times repeated by a DST fold fire once, at the first.
std::optional<Instant> next_after(const Slot& slot, Instant after, const date::time_zone* zone);

/// Segments a slot plays, from `catalogue`, in play order (import order for a tag).
std::vector<Segment> resolve(const PlaySpec& play, const std::vector<Segment>& catalogue);

/// Every occurrence with from <= scheduled_at < to, sorted by time, then programme id, then slot.
std::vector<Occurrence> expand(const std::vector<Programme>& programmes,
                               const std::vector<Segment>& catalogue, Instant from, Instant to,
                               const date::time_zone* zone);

}  // namespace loaxa
