#pragma once
// What plays next and what is logged missed instead: the daemon's queue, grace, catch-up,
// pre-emption, stall and clock-jump decisions as pure functions of the instants they are given.
// StationDaemon feeds them its clocks and Asio timers; tests feed them a FakeClock.

#include <chrono>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "core/planner.h"
#include "core/programme.h"
#include "core/reason.h"
#include "core/time.h"

namespace loaxa {

/// Something waiting to play: a scheduled occurrence that came due (perhaps while another
/// broadcast was on air), or an operator's `loaxa play`.
struct PendingBroadcast {
  Occurrence occurrence;
  Priority priority = Priority::kNormal;
  Instant deadline{};  ///< past this it is logged missed instead of played late
  std::string origin;  ///< "schedule" or "operator"
};

/// A scheduled occurrence as a pending item: its deadline is its time plus the slot's grace.
PendingBroadcast scheduled_item(const Occurrence& o);

/// What becomes of an item, and the reason the log records when it is not played.
enum class Verdict {
  kPlay,     ///< start it (late, if its time has passed: the log shows the delay)
  kMissed,   ///< log it `missed` with the reason
  kFailed,   ///< log it `failed` with the reason (a failed amplifier `before` cancelled it)
  kAlready,  ///< the log already has it (played or missed): nothing more, never twice
  kWait,     ///< the amplifier's `before` is still running and may cancel it: decide later
};
struct Decision {
  Verdict verdict = Verdict::kPlay;
  std::optional<Reason> reason;  ///< for kMissed and kFailed
};

/// An item taken off the queue without playing, with why.
struct Dropped {
  PendingBroadcast item;
  Reason reason;
};

/// Items waiting while another broadcast is on air: highest priority first, equal priorities in
/// arrival order.
class BroadcastQueue {
 public:
  void push(PendingBroadcast item);
  /// The next item that can still start at `now`. Items ahead of it that waited past their
  /// deadline are taken off too and appended to `missed`, in queue order.
  std::optional<PendingBroadcast> pop(Instant now, std::vector<Dropped>& missed);
  /// Empties the queue (the daemon is stopping), returning what waited, in order.
  std::vector<PendingBroadcast> take_all();
  const std::deque<PendingBroadcast>& items() const noexcept { return items_; }
  bool empty() const noexcept { return items_.empty(); }

 private:
  std::deque<PendingBroadcast> items_;
};

/// Whether an arriving item cuts the broadcast on air (Circular 39/2020): only an emergency,
/// and it never cuts another emergency (that one queues).
bool preempts(Priority arriving, Priority on_air) noexcept;

/// When an item taken at `now` should put out its first frame: its scheduled time, or `lead`
/// from now (time to open the output and fill the ring) when that is later.
Instant start_target(const PendingBroadcast& item, Instant now, std::chrono::microseconds lead);

/// A wall-clock jump the daemon saw.
struct ClockJump {
  std::chrono::microseconds by{};  ///< positive: forward
  Instant landed_at{};             ///< the wall time just after it
};

/// What the daemon knows when a scheduled occurrence comes due.
struct DueFacts {
  bool already_logged = false;  ///< the log has an entry with its key
  bool amplifier_failed = false;
  bool amplifier_running = false;  ///< its `before` command has not finished yet
  bool cancel_on_failure = false;  ///< [amplifier] cancel_on_failure
  std::string amplifier_detail;    ///< "exit 3", "timed out after 10000 ms"
  /// The latest wall-clock jump the daemon saw, if any: named in the reason when it went
  /// forward over the occurrence's time.
  std::optional<ClockJump> last_jump;
};

/// A scheduled occurrence that came due at `now` (the daemon's wake-up): play it (late within
/// its grace), log it missed (later than that) or failed (cancelled by the amplifier), or wait
/// for the amplifier's `before` when its failure would cancel the broadcast.
Decision decide_due(const PendingBroadcast& item, Instant now, const DueFacts& facts);

/// An occurrence found at start-up between the last sign of life and now: late within its grace
/// it plays; later it is missed, "daemon not running"; one the log has is left alone.
Decision decide_catch_up(const PendingBroadcast& item, Instant now, bool already_logged);

/// Notices wall-clock jumps by comparing how far the wall clock and the monotonic clock moved
/// between two observations (a suspended machine shows as a forward jump too).
class ClockJumpDetector {
 public:
  /// Jumps smaller than this are drift, slewing or scheduling noise.
  static constexpr std::chrono::milliseconds kThreshold{1000};
  /// Records both clocks; returns the jump since the previous observation (wall advance minus
  /// monotonic advance) when it is at least kThreshold either way.
  std::optional<std::chrono::microseconds> observe(Instant wall, MonoInstant mono);

 private:
  std::optional<Instant> wall_;
  MonoInstant mono_{};
};

/// Whether a playing output has stalled: content is due by the wall clock (as the sink sees
/// it) and no frame has been delivered for `limit` on the monotonic clock, counted from when the
/// content became due, so a wall-clock jump neither fakes a stall nor hides one.
class StallWatch {
 public:
  /// Called at every watch period. `due`: the wall clock has reached the first frame's target;
  /// `delivered`: frames delivered so far (once there are some, content counts as due).
  bool stalled(bool due, std::int64_t delivered, MonoInstant now, std::chrono::microseconds limit);

 private:
  std::optional<MonoInstant> since_;  ///< the last progress, or when content became due
  std::int64_t delivered_ = 0;
};

}  // namespace loaxa
