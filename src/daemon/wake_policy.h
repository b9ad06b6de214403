#pragma once
// When the daemon wakes next. Pure, so it is tested without waiting.

#include <chrono>
#include <functional>
#include <optional>
#include <set>
#include <string>
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

/// Which scheduled occurrences the daemon is done with: all before `until()`, and at `until()`
/// either all of them (a catch-up covered the instant) or those marked by key — two programmes
/// may share an instant, and handling one must not drop the other.
class HandledOccurrences {
 public:
  /// The occurrence `key` at `at` was handled (played, queued or logged).
  void mark(Instant at, const std::string& key);
  /// Every occurrence at or before `at` was handled (start-up and its catch-up).
  void mark_through(Instant at);
  bool covers(const Occurrence& o) const;
  Instant until() const noexcept { return until_; }

 private:
  Instant until_{};
  bool all_at_until_ = true;
  std::set<std::string> keys_at_until_;
};

/// Output frames a list of segments yields at `out_rate`.
std::int64_t expected_frames(const std::vector<Segment>& segments, int out_rate);

}  // namespace loaxa
