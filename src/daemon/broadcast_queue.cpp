#include "daemon/broadcast_queue.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "core/clock_duration.h"

namespace loaxa {
namespace {

using std::chrono::duration_cast;
using std::chrono::microseconds;
using std::chrono::seconds;

seconds whole_seconds(microseconds d) {
  return duration_cast<seconds>(d);
}

}  // namespace

PendingBroadcast scheduled_item(const Occurrence& o) {
  return PendingBroadcast{o, o.priority, o.scheduled_at + o.grace, "schedule"};
}

void BroadcastQueue::push(PendingBroadcast item) {
  auto pos = std::find_if(items_.begin(), items_.end(),
                          [&](const PendingBroadcast& p) { return p.priority < item.priority; });
  items_.insert(pos, std::move(item));
}

std::optional<PendingBroadcast> BroadcastQueue::pop(Instant now, std::vector<Dropped>& missed) {
  while (!items_.empty()) {
    PendingBroadcast item = std::move(items_.front());
    items_.pop_front();
    if (now > item.deadline) {
      const auto grace = duration_cast<seconds>(item.deadline - item.occurrence.scheduled_at);
      missed.push_back({std::move(item),
                        Reason(ReasonCode::kWaitedPastGrace).with("grace", clock_duration(grace))});
      continue;
    }
    return item;
  }
  return std::nullopt;
}

std::vector<PendingBroadcast> BroadcastQueue::take_all() {
  std::vector<PendingBroadcast> all(std::make_move_iterator(items_.begin()),
                                    std::make_move_iterator(items_.end()));
  items_.clear();
  return all;
}

bool preempts(Priority arriving, Priority on_air) noexcept {
  return arriving == Priority::kEmergency && on_air != Priority::kEmergency;
}

Instant start_target(const PendingBroadcast& item, Instant now, microseconds lead) {
  return std::max(item.occurrence.scheduled_at, now + lead);
}

Decision decide_due(const PendingBroadcast& item, Instant now, const DueFacts& facts) {
  // A backward jump of the wall clock across a restart brings back occurrences already handled.
  if (facts.already_logged) return {Verdict::kAlready, std::nullopt};
  if (facts.amplifier_failed && facts.cancel_on_failure) {
    return {Verdict::kFailed,
            Reason(ReasonCode::kAmplifierCancelled).with("detail", facts.amplifier_detail)};
  }
  // Without the result, cancel_on_failure could not be honoured: the broadcast starts late,
  // by the command's run time, within its grace.
  if (facts.amplifier_running && facts.cancel_on_failure && now <= item.deadline) {
    return {Verdict::kWait, std::nullopt};
  }
  if (now <= item.deadline) return {Verdict::kPlay, std::nullopt};
  const auto late = whole_seconds(now - item.occurrence.scheduled_at);
  const auto grace = duration_cast<seconds>(item.deadline - item.occurrence.scheduled_at);
  const auto& jump = facts.last_jump;
  if (jump && jump->by > microseconds::zero() && jump->landed_at >= item.occurrence.scheduled_at) {
    return {Verdict::kMissed, Reason(ReasonCode::kPastGraceClockJump)
                                  .with("late_s", std::to_string(late.count()))
                                  .with("grace", clock_duration(grace))
                                  .with("jump_s", std::to_string(whole_seconds(jump->by).count()))};
  }
  return {Verdict::kMissed, Reason(ReasonCode::kPastGrace)
                                .with("late_s", std::to_string(late.count()))
                                .with("grace", clock_duration(grace))};
}

Decision decide_catch_up(const PendingBroadcast& item, Instant now, bool already_logged) {
  if (already_logged) return {Verdict::kAlready, std::nullopt};
  if (now > item.deadline) return {Verdict::kMissed, Reason(ReasonCode::kDaemonNotRunning)};
  return {Verdict::kPlay, std::nullopt};
}

std::optional<microseconds> ClockJumpDetector::observe(Instant wall, MonoInstant mono) {
  std::optional<microseconds> jump;
  if (wall_) {
    const auto d = (wall - *wall_) - duration_cast<microseconds>(mono - mono_);
    if (std::llabs(d.count()) >= duration_cast<microseconds>(kThreshold).count()) jump = d;
  }
  wall_ = wall;
  mono_ = mono;
  return jump;
}

bool StallWatch::stalled(bool due, std::int64_t delivered, MonoInstant now, microseconds limit) {
  // Once a frame has gone out, content is flowing even if the wall clock went back before the
  // target since.
  if (!due && delivered == 0) return false;
  if (!since_ || delivered != delivered_) {
    since_ = now;
    delivered_ = delivered;
    return false;
  }
  return now - *since_ > limit;
}

}  // namespace loaxa
