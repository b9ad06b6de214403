#include "daemon/wake_policy.h"

#include <algorithm>
#include <cmath>

namespace loaxa {

std::chrono::microseconds next_wait(Instant now, Instant wake_at) {
  using namespace std::chrono;
  const auto left = wake_at - now;
  if (left <= microseconds::zero()) return microseconds::zero();
  const microseconds cap = left > minutes(2) ? microseconds(seconds(30)) : microseconds(seconds(1));
  return std::min<microseconds>(duration_cast<microseconds>(left), cap);
}

std::optional<Occurrence> first_after(const std::vector<Occurrence>& plan, Instant after,
                                      const std::function<bool(const Occurrence&)>& handled) {
  for (const auto& o : plan) {
    if (o.scheduled_at > after && !(handled && handled(o))) return o;
  }
  return std::nullopt;
}

void HandledOccurrences::mark(Instant at, const std::string& key) {
  if (at > until_) {
    until_ = at;
    all_at_until_ = false;
    keys_at_until_ = {key};
  } else if (at == until_ && !all_at_until_) {
    keys_at_until_.insert(key);
  }
}

void HandledOccurrences::mark_through(Instant at) {
  if (at < until_) return;
  until_ = at;
  all_at_until_ = true;
  keys_at_until_.clear();
}

bool HandledOccurrences::covers(const Occurrence& o) const {
  if (o.scheduled_at != until_) return o.scheduled_at < until_;
  return all_at_until_ || keys_at_until_.count(o.key()) != 0;
}

std::int64_t expected_frames(const std::vector<Segment>& segments, int out_rate) {
  std::int64_t total = 0;
  for (const auto& s : segments) {
    if (s.sample_rate <= 0) continue;
    total += s.sample_rate == out_rate
                 ? s.frames
                 : std::llround(static_cast<double>(s.frames) * out_rate / s.sample_rate);
  }
  return total;
}

}  // namespace loaxa
