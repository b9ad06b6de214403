#include "core/planner.h"

#include <algorithm>
#include <stdexcept>
#include <tuple>
#include <utility>

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

const char* to_string(Priority p) noexcept {
  switch (p) {
    case Priority::kNormal:
      return "normal";
    case Priority::kPriority:
      return "priority";
    case Priority::kEmergency:
      return "emergency";
  }
  return "normal";
}

const char* to_string(Rotation r) noexcept {
  switch (r) {
    case Rotation::kAll:
      return "all";
    case Rotation::kSequential:
      return "sequential";
    case Rotation::kShuffle:
      return "shuffle";
    case Rotation::kLeastRecent:
      return "least_recent";
  }
  return "all";
}

std::string Occurrence::key() const {
  auto utc = std::chrono::floor<seconds>(scheduled_at);
  return programme_id + "#" + std::to_string(slot_index) + "@" + date::format("%FT%TZ", utc);
}

bool fires_on(const Slot& slot, date::year_month_day day, const Holidays& holidays) {
  if (slot.from && day < *slot.from) return false;
  if (slot.until && day > *slot.until) return false;
  if (std::binary_search(slot.dates.begin(), slot.dates.end(), day)) return true;
  if (slot.start && day < *slot.start) return false;

  const date::sys_days sd{day};
  const unsigned iso = date::weekday{sd}.iso_encoding();
  const int d = static_cast<int>(static_cast<unsigned>(day.day()));
  const int last = static_cast<int>(static_cast<unsigned>(
      date::year_month_day_last{day.year() / day.month() / date::last}.day()));
  bool selected = slot.days[iso - 1];
  for (int md : slot.monthdays) {
    if (selected) break;
    selected = md > 0 ? md == d : last + md + 1 == d;
  }
  for (const NthWeekday& nw : slot.nth) {
    if (selected) break;
    if (nw.weekday != iso) continue;
    selected = nw.n > 0 ? (d - 1) / 7 + 1 == nw.n : d + 7 > last;
  }
  if (!selected) return false;

  if (slot.every_weeks > 1 && slot.start) {
    // Weeks run Monday to Sunday, so "every 2 weeks from Wednesday the 7th" keeps its rhythm
    // for every weekday of the slot, across year ends and leap days alike.
    auto monday = [](date::sys_days x) {
      return x - date::days{date::weekday{x}.iso_encoding() - 1};
    };
    auto weeks = (monday(sd) - monday(date::sys_days{*slot.start})).count() / 7;
    if (weeks % slot.every_weeks != 0) return false;
  }
  if (slot.holidays == HolidayPolicy::kSkip && holidays.contains(day)) return false;
  return true;
}

std::optional<Instant> next_after(const Slot& slot, Instant after, const date::time_zone* zone,
                                  const Holidays& holidays) {
  check_slot(slot, zone);
  bool any_day = std::any_of(slot.days.begin(), slot.days.end(), std::identity{}) ||
                 !slot.monthdays.empty() || !slot.nth.empty();
  if (slot.times.empty() || (!any_day && slot.dates.empty())) return std::nullopt;
  // Start a day early: after a fold, an instant past `after` can still carry the previous local
  // date.
  auto local_after = zone->to_local(std::chrono::floor<seconds>(after));
  date::local_days first_day = std::chrono::floor<date::days>(local_after) - date::days{1};
  // Weekly rules fire within a week, monthly ones within months, every_weeks within a year; eight
  // years also outlast any run of holidays. Past `until` or the last date nothing fires again.
  date::local_days last_day = first_day + date::days{8 * 366};
  std::optional<date::year_month_day> bound = slot.until;
  if (!any_day) bound = bound ? std::min(*bound, slot.dates.back()) : slot.dates.back();
  if (bound)
    last_day = std::min(last_day, date::local_days{date::sys_days{*bound}.time_since_epoch()});
  std::optional<Instant> best;
  for (date::local_days day = first_day; day <= last_day; day += date::days{1}) {
    if (!fires_on(slot, date::year_month_day{day}, holidays)) continue;
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

std::optional<Instant> next_after(const Slot& slot, Instant after, const date::time_zone* zone) {
  return next_after(slot, after, zone, Holidays{});
}

std::vector<Segment> resolve(const PlaySpec& play, const std::vector<Segment>& catalogue) {
  std::vector<Segment> out;
  if (play.kind == PlaySpec::Kind::kList) {
    for (const std::string& id : play.list) {
      auto it = std::find_if(catalogue.begin(), catalogue.end(),
                             [&](const Segment& s) { return s.id == id; });
      if (it != catalogue.end()) out.push_back(*it);
    }
    return out;
  }
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

namespace {

Reason nothing_reason(const PlaySpec& play, const std::vector<Segment>& pool,
                      date::year_month_day day, bool require_approval) {
  using C = ReasonCode;
  const std::string d = date::format("%F", day);
  switch (play.kind) {
    case PlaySpec::Kind::kTag:
      if (pool.empty()) return Reason(C::kNoSegmentWithTag).with("tag", play.value);
      return Reason(require_approval ? C::kNoApprovedWithTag : C::kNoValidWithTag)
          .with("tag", play.value)
          .with("date", d);
    case PlaySpec::Kind::kSegment: {
      if (pool.empty()) return Reason(C::kSegmentNotImported).with("segment", play.value);
      const Segment& s = pool.front();
      if (s.approval == Segment::Approval::kRetired) {
        return Reason(C::kSegmentRetired).with("segment", play.value);
      }
      if (require_approval && s.approval != Segment::Approval::kApproved) {
        return Reason(C::kSegmentNotApproved).with("segment", play.value);
      }
      return Reason(C::kSegmentNotValid).with("segment", play.value).with("date", d);
    }
    case PlaySpec::Kind::kList:
      if (pool.empty()) return Reason(C::kListNotImported);
      return Reason(require_approval ? C::kListNoneApproved : C::kListNoneValid).with("date", d);
  }
  return Reason(C::kNothingEligible);
}

/// The slot's plays as they stood just before `t`: the log's records, then the plan's own
/// earlier choices for occurrences after the last logged play.
std::vector<std::string> played_before(
    Instant t, const std::vector<PlayRecord>& logged,
    const std::vector<std::pair<Instant, std::vector<std::string>>>& planned) {
  std::vector<std::string> out;
  std::optional<Instant> last_logged;
  for (const PlayRecord& r : logged) {
    if (!(r.at < t)) break;
    out.push_back(r.segment_id);
    last_logged = r.at;
  }
  for (const auto& [when, ids] : planned) {
    if (!(when < t)) break;
    if (last_logged && when <= *last_logged) continue;
    out.insert(out.end(), ids.begin(), ids.end());
  }
  return out;
}

const Segment* find_segment(const std::vector<Segment>& catalogue, const std::string& id) {
  if (id.empty()) return nullptr;
  auto it = std::find_if(catalogue.begin(), catalogue.end(),
                         [&](const Segment& s) { return s.id == id; });
  return it == catalogue.end() ? nullptr : &*it;
}

}  // namespace

std::vector<Occurrence> expand(const std::vector<Programme>& programmes,
                               const std::vector<Segment>& catalogue, Instant from, Instant to,
                               const date::time_zone* zone, const PlanOptions& options,
                               const PlayHistory& history) {
  if (zone == nullptr) throw std::invalid_argument("planner: no time zone given");
  std::vector<Occurrence> out;
  if (!(from < to)) return out;
  for (const Programme& p : programmes) {
    for (const Slot& slot : p.slots) {
      check_slot(slot, zone);
      std::vector<Segment> pool = resolve(slot.play, catalogue);
      // The jingle is not part of the rotation even when it carries the column's tag.
      std::erase_if(pool, [&](const Segment& s) {
        return (!slot.intro.empty() && s.id == slot.intro) ||
               (!slot.outro.empty() && s.id == slot.outro);
      });
      if (slot.rotation != Rotation::kAll) {
        // A rotation counts plays by id; a listed id twice would hold its place forever.
        std::vector<Segment> unique;
        for (const Segment& s : pool) {
          if (std::none_of(unique.begin(), unique.end(),
                           [&](const Segment& u) { return u.id == s.id; })) {
            unique.push_back(s);
          }
        }
        pool = std::move(unique);
      }
      std::vector<std::string> pool_ids;
      for (const Segment& s : pool) pool_ids.push_back(s.id);
      const std::string seed = PlayHistory::key(p.id, slot.index);
      const std::vector<PlayRecord>& logged = history.of(p.id, slot.index);
      std::vector<std::pair<Instant, std::vector<std::string>>> planned;

      // Only occurrences in the period are simulated: one before it that the log does not
      // show did not air (the daemon logged it missed), so it must not advance the rotation.
      Instant after = from == Instant::min() ? from : from - microseconds{1};
      while (auto t = next_after(slot, after, zone, options.holidays)) {
        if (*t >= to) break;
        after = *t;
        auto local =
            std::chrono::floor<date::days>(zone->to_local(std::chrono::floor<seconds>(*t)));
        date::year_month_day day{local};
        std::vector<bool> ok;
        for (const Segment& s : pool) ok.push_back(eligible(s, day, options.require_approval));
        std::vector<std::size_t> chosen = choose_segments(slot.rotation, slot.count, pool_ids, ok,
                                                          played_before(*t, logged, planned), seed);
        std::vector<std::string> chosen_ids;
        for (std::size_t i : chosen) chosen_ids.push_back(pool_ids[i]);
        planned.emplace_back(*t, chosen_ids);

        Occurrence o;
        o.programme_id = p.id;
        o.programme_title = p.title;
        o.slot_index = slot.index;
        o.scheduled_at = *t;
        o.priority = slot.priority;
        o.zones = slot.zones;
        o.grace = slot.grace;
        o.max_duration = slot.max_duration;
        if (chosen.empty()) {
          o.nothing_reason = nothing_reason(slot.play, pool, day, options.require_approval);
        } else {
          auto jingle = [&](const std::string& id) -> const Segment* {
            const Segment* s = find_segment(catalogue, id);
            return s != nullptr && eligible(*s, day, options.require_approval) ? s : nullptr;
          };
          if (const Segment* s = jingle(slot.intro)) {
            o.segments.push_back(*s);
            o.intro_count = 1;
          }
          for (std::size_t i : chosen) o.segments.push_back(pool[i]);
          if (const Segment* s = jingle(slot.outro)) {
            o.segments.push_back(*s);
            o.outro_count = 1;
          }
        }
        for (const Segment& s : o.segments) o.total_seconds += s.duration_seconds();
        out.push_back(std::move(o));
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const Occurrence& a, const Occurrence& b) {
    return std::tie(a.scheduled_at, a.programme_id, a.slot_index) <
           std::tie(b.scheduled_at, b.programme_id, b.slot_index);
  });
  return out;
}

std::vector<Occurrence> expand(const std::vector<Programme>& programmes,
                               const std::vector<Segment>& catalogue, Instant from, Instant to,
                               const date::time_zone* zone) {
  return expand(programmes, catalogue, from, to, zone, PlanOptions{});
}

}  // namespace loaxa
