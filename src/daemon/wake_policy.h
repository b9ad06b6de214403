#pragma once
// When the daemon wakes next. Pure, so it is tested without waiting.

#include <chrono>
#include <functional>
#include <optional>
#include <vector>

#include "core/planner.h"

namespace loaxa {

/// Far from a deadline the daemon sleeps in long steps; near it, in steps of at most a second,
/// so a wall-clock change is noticed in time (timers run on the monotonic clock).
std::chrono::microseconds next_wait(Instant now, Instant wake_at);

/// The first occurrence in `plan` (sorted) scheduled strictly after `after` that is not
/// `handled` (already in the log: the wall clock went back across a restart), if any.
std::optional<Occurrence> first_after(
    const std::vector<Occurrence>& plan, Instant after,
    const std::function<bool(const Occurrence&)>& handled = nullptr);

/// Output frames a list of segments yields at `out_rate`.
std::int64_t expected_frames(const std::vector<Segment>& segments, int out_rate);

}  // namespace loaxa
