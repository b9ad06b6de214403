#include "core/planner.h"

#include <algorithm>
#include <stdexcept>
#include <tuple>

namespace loaxa {
namespace {

using std::chrono::microseconds;
using std::chrono::seconds;

/// The instant a local wall time names, with the header's rules for DST gaps and folds.
Instant to_instant(date::local_seconds local, const date::time_zone* zone) {
  date::local_info info = zone->get_info(local);
  date::sys_seconds sys;
  switch (info.result) {
    case date::local_info::nonexistent:
      // The wall clock jumps over this time; the transition instant is the first moment after
      // the jump, so a broadcast skipped by the gap still goes out, as soon as the day allows.
      sys = info.first.end;
      break;
    case date::local_info::ambiguous:
      // The first pass through the fold; the second is the same wall time and must not repeat.
      sys = date::sys_seconds{local.time_since_epoch() - info.first.offset};
      break;
    default:
      sys = date::sys_seconds{local.time_since_epoch() - info.first.offset};
  }
  return std::chrono::time_point_cast<microseconds>(sys);
}

void check_slot(const Slot& slot, const date::time_zone* zone) {
  if (zone == nullptr) throw std::invalid_argument("planner: no time zone given");
  for (seconds t : slot.times) {
    if (t < seconds{0} || t >= date::days{1}) {
      throw std::invalid_argument("planner: slot time outside 00:00:00..23:59:59");
    }
  }
}

}  // namespace

std::string Occurrence::key() const {
  auto utc = std::chrono::floor<seconds>(scheduled_at);
  return programme_id + "#" + std::to_string(slot_index) + "@" + date::format("%FT%TZ", utc);
}

std::optional<Instant> next_after(const Slot& slot, Instant after, const date::time_zone* zone) {
  check_slot(slot, zone);
  if (slot.times.empty() || std::none_of(slot.days.begin(), slot.days.end(), std::identity{})) {
    return std::nullopt;
  }
  // Start a day early: after a fold, an instant past `after` can still carry the previous local
  // date. Any enabled weekday shows up within the following week, so ten days always suffice.
  auto local_after = zone->to_local(std::chrono::floor<seconds>(after));
  date::local_days first_day = std::chrono::floor<date::days>(local_after) - date::days{1};
  std::optional<Instant> best;
  for (int i = 0; i < 10; ++i) {
    date::local_days day = first_day + date::days{i};
    unsigned iso = date::weekday{day}.iso_encoding();  // 1 = Monday ... 7 = Sunday
    if (!slot.days[iso - 1]) continue;
    for (seconds t : slot.times) {
      Instant candidate = to_instant(day + t, zone);
      if (candidate > after && (!best || candidate < *best)) best = candidate;
    }
    // Local-to-UTC is monotonic under the gap and fold rules above, so the first day that
    // yields a candidate holds the earliest one.
    if (best) return best;
  }
  return best;
}

std::vector<Segment> resolve(const PlaySpec& play, const std::vector<Segment>& catalogue) {
  std::vector<Segment> out;
  if (play.value.empty()) return out;
  for (const Segment& s : catalogue) {
    bool match = play.kind == PlaySpec::Kind::kTag ? s.tag == play.value : s.id == play.value;
    if (match) out.push_back(s);
  }
  if (play.kind == PlaySpec::Kind::kSegment) {
    if (out.size() > 1) out.resize(1);
    return out;
  }
  std::stable_sort(out.begin(), out.end(), [](const Segment& a, const Segment& b) {
    return a.import_order < b.import_order;
  });
  return out;
}

std::vector<Occurrence> expand(const std::vector<Programme>& programmes,
                               const std::vector<Segment>& catalogue, Instant from, Instant to,
                               const date::time_zone* zone) {
  if (zone == nullptr) throw std::invalid_argument("planner: no time zone given");
  std::vector<Occurrence> out;
  if (!(from < to)) return out;
  for (const Programme& p : programmes) {
    for (const Slot& slot : p.slots) {
      check_slot(slot, zone);
      std::vector<Segment> segments = resolve(slot.play, catalogue);
      double total = 0;
      for (const Segment& s : segments) total += s.duration_seconds();
      // next_after is strictly-after; step back one tick so an occurrence exactly at `from` counts.
      Instant after = from == Instant::min() ? from : from - microseconds{1};
      while (auto t = next_after(slot, after, zone)) {
        if (*t >= to) break;
        out.push_back({p.id, p.title, slot.index, *t, segments, total});
        after = *t;
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const Occurrence& a, const Occurrence& b) {
    return std::tie(a.scheduled_at, a.programme_id, a.slot_index) <
           std::tie(b.scheduled_at, b.programme_id, b.slot_index);
  });
  return out;
}

}  // namespace loaxa
