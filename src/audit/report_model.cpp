#include "audit/report_model.h"

#include <date/iso_week.h>
#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>

#include "audit/key_register.h"
#include "store/broadcast_log.h"

namespace loaxa {
namespace {

using date::sys_days;

Instant instant(std::int64_t us) {
  return Instant{std::chrono::microseconds{us}};
}

std::optional<Instant> instant_or_none(const nlohmann::json& row, const char* key) {
  const auto it = row.find(key);
  if (it == row.end() || !it->is_number_integer()) return std::nullopt;
  return instant(it->get<std::int64_t>());
}

std::int64_t integer(const nlohmann::json& row, const char* key) {
  const auto it = row.find(key);
  return it != row.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

std::string text(const nlohmann::json& row, const char* key) {
  const auto it = row.find(key);
  return it != row.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// A column holding a JSON array of strings as text (segment_ids, zones).
std::vector<std::string> string_list(const nlohmann::json& row, const char* key) {
  std::vector<std::string> out;
  const auto j = nlohmann::json::parse(text(row, key), nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& v : j) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

class LocalDays {
 public:
  explicit LocalDays(const date::time_zone* zone) : zone_(zone) {}
  date::year_month_day operator()(Instant t) const {
    return date::year_month_day{
        date::floor<date::days>(zone_->to_local(std::chrono::time_point_cast<std::chrono::seconds>(
            std::chrono::sys_seconds::clock::time_point(t))))};
  }

 private:
  const date::time_zone* zone_;
};

sys_days week_start(sys_days d) {
  return d - (date::weekday{d} - date::Monday);
}

std::string week_label(sys_days monday) {
  const iso_week::year_weeknum_weekday w{monday};
  return fmt::format("{}-W{:02}", static_cast<int>(w.year()), static_cast<unsigned>(w.weeknum()));
}

std::string month_label(date::year_month ym) {
  return fmt::format("{}-{:02}", static_cast<int>(ym.year()), static_cast<unsigned>(ym.month()));
}

Verdict worse(Verdict a, Verdict b) {
  auto rank = [](Verdict v) {
    switch (v) {
      case Verdict::kNone:
        return 0;
      case Verdict::kMet:
        return 1;
      case Verdict::kIncomplete:
        return 2;
      case Verdict::kFailed:
        return 3;
      case Verdict::kUnverifiable:
        return 4;
    }
    return 0;
  };
  return rank(a) >= rank(b) ? a : b;
}

struct StationEvent {
  sys_days day;
  std::string kind;
  nlohmann::json detail;
};

/// What the station recorded during a failed period, in the words of the gap list.
std::vector<Text> station_notes(const std::vector<StationEvent>& events, sys_days first,
                                sys_days last) {
  int lost = 0, restarts = 0, stops = 0;
  std::set<std::string> devices;
  for (const auto& e : events) {
    if (e.day < first || e.day > last) continue;
    if (e.kind == "device_lost") {
      ++lost;
      if (e.detail.is_object() && e.detail.contains("device") && e.detail["device"].is_string()) {
        devices.insert(e.detail["device"].get<std::string>());
      }
    } else if (e.kind == "restart_required") {
      ++restarts;
    } else if (e.kind == "daemon_stopped") {
      ++stops;
    }
  }
  std::vector<Text> notes;
  if (lost > 0) {
    std::string names;
    for (const auto& d : devices) names += (names.empty() ? "" : ", ") + d;
    notes.push_back({fmt::format("thiết bị ra bị mất {} lần ({})", lost, names),
                     fmt::format("output device lost {} time(s) ({})", lost, names)});
  }
  if (restarts > 0) {
    notes.push_back(
        {fmt::format(
             "phần mềm phát thanh (loaxad) phải khởi động lại {} lần vì thiết bị ra bị treo",
             restarts),
         fmt::format("loaxad had to restart {} time(s) because the output hung", restarts)});
  }
  if (stops > 0) {
    notes.push_back({fmt::format("phần mềm phát thanh (loaxad) bị dừng {} lần", stops),
                     fmt::format("loaxad was stopped {} time(s)", stops)});
  }
  return notes;
}

/// The seq before which a broken log's events are vouched for: the first problem's event (the
/// first event for a problem tied to none), or the event after the last good signature when
/// that comes first — events signed by nothing may have been rewritten with their hashes.
std::int64_t verified_before(const AuditSource& s) {
  const auto& v = s.verification;
  std::int64_t before = v.signed_through + 1;
  for (const auto& p : v.problems) before = std::min(before, p.seq == 0 ? s.first_seq : p.seq);
  return std::max(before, s.first_seq);
}

bool broadcast_table(const std::string& table) {
  return table == "broadcasts" || table == "broadcast_outcomes" || table == "broadcast_reasons";
}

/// "kết quả buổi phát lịch 17:00 ngày 14/11/2026": a broadcast's row as people name it.
Text broadcast_row_text(const std::string& table, const OccurrenceRow& o,
                        const date::time_zone* zone) {
  const auto local = zone->to_local(std::chrono::floor<std::chrono::seconds>(o.scheduled_at));
  const std::string hm = date::format("%H:%M", local);
  const date::year_month_day d{date::floor<date::days>(local)};
  const bool scheduled = o.scheduled();
  std::string vi = fmt::format("buổi phát {} {} ngày {}", scheduled ? "lịch" : "lúc", hm,
                               display_day(d, Lang::kVi));
  std::string en = fmt::format("the broadcast {} {} on {}", scheduled ? "scheduled at" : "at", hm,
                               format_day(d));
  if (table == "broadcast_outcomes") {
    vi = "kết quả " + vi;
    en = "the outcome of " + en;
  } else if (table == "broadcast_reasons") {
    vi = "lý do ghi cho " + vi;
    en = "the reason logged for " + en;
  }
  return {vi, en};
}

}  // namespace

const char* to_string(Verdict v) noexcept {
  switch (v) {
    case Verdict::kNone:
      return "none";
    case Verdict::kMet:
      return "met";
    case Verdict::kFailed:
      return "failed";
    case Verdict::kIncomplete:
      return "incomplete";
    case Verdict::kUnverifiable:
      return "unverifiable";
  }
  return "none";
}

Text verdict_text(Verdict v) {
  switch (v) {
    case Verdict::kNone:
      return {"—", "—"};
    case Verdict::kMet:
      return {"ĐẠT", "MET"};
    case Verdict::kFailed:
      return {"KHÔNG ĐẠT", "NOT MET"};
    case Verdict::kIncomplete:
      return {"CHƯA ĐỦ DỮ LIỆU", "INCOMPLETE DATA"};
    case Verdict::kUnverifiable:
      return unverifiable_text();
  }
  return {"—", "—"};
}

Text unverifiable_text() {
  return {"KHÔNG XÁC MINH ĐƯỢC", "UNVERIFIABLE"};
}

Text rehearsal_text() {
  return {"DIỄN TẬP (không phải phát thật)", "REHEARSAL (not a real broadcast)"};
}

Text occurrence_outcome_text(const OccurrenceRow& o, bool rehearsal_shown) {
  Text t = outcome_text(o.outcome);
  if (o.rehearsal() && !rehearsal_shown) {
    const Text r = rehearsal_text();
    t = {r.vi + ": " + t.vi, r.en + ": " + t.en};
  }
  if (!o.verified) {
    const Text u = unverifiable_text();
    t = {fmt::format("{} (nhật ký ghi: {})", u.vi, t.vi),
         fmt::format("{} (the log says: {})", u.en, t.en)};
  }
  return t;
}

bool CommuneReport::verified_period(date::year_month_day last) const {
  if (!broken()) return true;
  return unverified_from && sys_days{last} < sys_days{*unverified_from};
}

void Tally::add(const OccurrenceRow& o) {
  if (!o.verified) {
    ++unverified;
  } else if (o.rehearsal()) {
    ++rehearsal;
  } else {
    add(o.outcome, o.scheduled());
  }
}

void Tally::add(const std::string& outcome, bool scheduled) {
  if (!scheduled) {
    ++unscheduled;
    return;
  }
  ++planned;
  if (outcome == "completed") {
    ++completed;
  } else if (outcome == "partial") {
    ++partial;
  } else if (outcome == "preempted") {
    ++preempted;
  } else if (outcome == "interrupted") {
    ++interrupted;
  } else if (outcome == "failed") {
    ++failed;
  } else if (outcome == "missed") {
    ++missed;
  } else if (outcome == "stopped") {
    ++stopped;
  } else {
    ++open;
  }
}

std::string format_day(date::year_month_day d) {
  return fmt::format("{}-{:02}-{:02}", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                     static_cast<unsigned>(d.day()));
}

std::string display_day(date::year_month_day d, Lang lang) {
  if (lang == Lang::kEn) return format_day(d);
  return fmt::format("{:02}/{:02}/{}", static_cast<unsigned>(d.day()),
                     static_cast<unsigned>(d.month()), static_cast<int>(d.year()));
}

const date::time_zone* report_zone(const CommuneReport& r) {
  const date::time_zone* zone = find_zone(r.timezone);
  return zone != nullptr ? zone : find_zone("Asia/Ho_Chi_Minh");
}

Text verification_text(const CommuneReport& r) {
  const auto& v = r.verification;
  const date::time_zone* zone = report_zone(r);
  if (r.refused) {
    return {"TỪ CHỐI KHI GỘP: " + r.refused->vi, "REFUSED AT MERGE: " + r.refused->en};
  }
  if (!v.intact()) {
    Text t{"Nhật ký BỊ HỎNG: " + v.problems.front().what.vi,
           "The log is BROKEN: " + v.problems.front().what.en};
    if (r.broken_event) {
      t.vi += fmt::format(" (sự kiện hỏng đầu tiên: {})", r.broken_event->vi);
      t.en += fmt::format(" (the first broken event: {})", r.broken_event->en);
    }
    if (r.unverified_at && r.verified_before && *r.verified_before > v.first_seq) {
      const Text when = format_local_text(*r.unverified_at, zone);
      t.vi +=
          fmt::format(". Chỉ tính các sự kiện trước #{}; các kỳ từ {} trở đi KHÔNG XÁC MINH ĐƯỢC",
                      *r.verified_before, when.vi);
      t.en += fmt::format(
          ". Only the events before #{} are counted; periods from {} on are UNVERIFIABLE",
          *r.verified_before, when.en);
    } else {
      t.vi += ". Không sự kiện nào được xác minh: mọi kỳ đều KHÔNG XÁC MINH ĐƯỢC";
      t.en += ". No event is verified: every period is UNVERIFIABLE";
    }
    return t;
  }
  const std::string first = v.first_at ? format_local(*v.first_at, zone) : "-";
  const std::string last = v.last_at ? format_local(*v.last_at, zone) : "-";
  Text t{fmt::format("Nhật ký NGUYÊN VẸN: {} sự kiện (#{}–#{}) từ {} đến {}, đã ký đến sự kiện #{}",
                     v.events, v.first_seq, v.last_seq, first, last, v.signed_through),
         fmt::format("The log is INTACT: {} events (#{}–#{}) from {} to {}, signed through "
                     "event #{}",
                     v.events, v.first_seq, v.last_seq, first, last, v.signed_through)};
  if (v.unsigned_events > 0) {
    t.vi += fmt::format("; {} sự kiện sau điểm ký cuối chưa được ký", v.unsigned_events);
    t.en += fmt::format("; {} events after the last checkpoint are unsigned", v.unsigned_events);
  }
  return t;
}

Text rule_text(const ComplianceRule& rule) {
  Text t{rule.programme + ": ", rule.programme + ": "};
  if (rule.per_month) {
    t.vi += fmt::format("tối thiểu {} buổi phát trọn vẹn mỗi tháng", *rule.per_month);
    t.en += fmt::format("at least {} completed broadcasts per month", *rule.per_month);
  }
  if (rule.per_month && rule.per_week) {
    t.vi += " và ";
    t.en += " and ";
  }
  if (rule.per_week) {
    t.vi += fmt::format("tối thiểu {} buổi mỗi tuần", *rule.per_week);
    t.en += fmt::format("at least {} per week", *rule.per_week);
  }
  return t;
}

Text rules_from_text(const std::string& rules_from) {
  if (rules_from == "config")
    return {"theo cấu hình [compliance] đang dùng", "from the [compliance] of the config in use"};
  if (rules_from == "log")
    return {"theo cấu hình của đài, ghi trong gói xuất",
            "the station's own, carried by its export"};
  return {"không có quy định nào: thêm [compliance] vào cấu hình",
          "no rules: add [compliance] to the config"};
}

std::vector<std::string> Report::months() const {
  std::set<std::string> labels;
  for (const auto& c : communes) {
    for (const auto& m : c.months) labels.insert(m.label);
  }
  return {labels.begin(), labels.end()};
}

bool Report::key_not_compared() const {
  return std::any_of(communes.begin(), communes.end(), [](const CommuneReport& c) {
    return !c.refused && c.key_check == KeyCheck::kNotCompared;
  });
}

CommuneReport build_report(const AuditSource& source, const ReportOptions& options,
                           ReasonTranslator& reasons) {
  CommuneReport r;
  r.label = source.label;
  r.station = source.station.name;
  r.timezone = source.station.timezone;
  r.verification = source.verification;
  if (source.key) r.fingerprint = source.key->fingerprint();
  r.programme = options.programme;
  r.key_check = source.key_check;
  r.key_check_text = key_check_text(source);
  if (source.refused) {
    // Nothing of it was merged: the report says so and why, and counts nothing.
    r.refused = source.refused;
    r.refused_code = source.refused_code;
    r.rules_from = "none";
    return r;
  }
  if (options.rules && !options.rules->empty()) {
    r.rules = *options.rules;
    r.rules_from = "config";
  } else if (!source.compliance.empty()) {
    r.rules = source.compliance;
    r.rules_from = "log";
  } else {
    r.rules_from = "none";
  }
  if (options.programme) {
    std::erase_if(r.rules,
                  [&](const ComplianceRule& rule) { return rule.programme != *options.programme; });
  }
  const date::time_zone* zone = find_zone(source.station.timezone);
  if (zone == nullptr) zone = find_zone("Asia/Ho_Chi_Minh");
  const LocalDays local_day(zone);

  // A broken log counts what its verification vouches for, and nothing after.
  const std::int64_t counted_before = r.broken() ? verified_before(source) : INT64_MAX;
  if (r.broken()) r.verified_before = counted_before;
  const std::int64_t first_broken = r.broken() ? r.verification.problems.front().seq : 0;
  std::optional<std::pair<std::string, std::int64_t>> broken_row;  // table, broadcast id

  // The log's records, by table. Checkpoints and segment events say nothing a report counts;
  // segment edits give titles.
  std::unordered_map<std::string, std::string> titles;
  for (const auto& s : source.segments) titles[s.id] = s.title;
  std::map<std::int64_t, OccurrenceRow> rows;
  std::vector<StationEvent> station_events;
  std::optional<Instant> first_at, last_at;
  for (const auto& e : source.events) {
    // The span of the events' times (a clock set back makes chain order differ from it).
    if (!first_at || e.at < *first_at) first_at = e.at;
    if (!last_at || e.at > *last_at) last_at = e.at;
    if (e.table != "broadcasts" && e.table != "broadcast_outcomes" && e.table != "station_events" &&
        e.table != "segments" && e.table != "segment_edits" && e.table != "broadcast_reasons") {
      continue;
    }
    const bool verified = e.seq < counted_before;
    if (!verified && (!r.unverified_at || e.at < *r.unverified_at)) r.unverified_at = e.at;
    const auto p = nlohmann::json::parse(e.payload, nullptr, false);
    if (p.is_discarded() || !p.contains("row") || !p["row"].is_object()) continue;
    const auto& row = p["row"];
    if (!verified && !broadcast_table(e.table)) continue;  // no title or note it does not vouch for
    const std::int64_t broadcast_id =
        e.table == "broadcasts" ? integer(row, "id") : integer(row, "broadcast_id");
    if (broadcast_table(e.table)) {
      if (!verified) rows[broadcast_id].verified = false;
      if (e.seq == first_broken) {
        rows[broadcast_id].broken = true;
        broken_row = {e.table, broadcast_id};
      }
    }
    if (e.table == "segments") {
      titles.try_emplace(text(row, "id"), text(row, "title"));
    } else if (e.table == "segment_edits") {
      // The title staff corrected last (segment edit), in chain order; null = not changed.
      if (row.contains("title") && row["title"].is_string()) {
        titles[text(row, "segment_id")] = row["title"].get<std::string>();
      }
    } else if (e.table == "station_events") {
      station_events.push_back({sys_days{local_day(instant(integer(row, "at_us")))},
                                text(row, "kind"),
                                nlohmann::json::parse(text(row, "detail"), nullptr, false)});
    } else if (e.table == "broadcasts") {
      OccurrenceRow& o = rows[integer(row, "id")];
      o.broadcast_id = integer(row, "id");
      o.programme = text(row, "programme_id");
      o.slot = static_cast<int>(integer(row, "slot_index"));
      o.origin = text(row, "origin");
      o.priority = text(row, "priority");
      o.output = text(row, "output");
      o.scheduled_at = instant(integer(row, "scheduled_at_us"));
      o.day = local_day(o.scheduled_at);
      o.segment_ids = string_list(row, "segment_ids");
      o.zones = string_list(row, "zones");
      o.sample_rate = static_cast<int>(integer(row, "sample_rate"));
      o.frames_expected = integer(row, "frames_expected");
      if (o.outcome.empty()) o.outcome = "open";
    } else if (e.table == "broadcast_reasons") {
      // A code this version does not know keeps the outcome's English text.
      rows[broadcast_id].coded = stored_reason(text(row, "code"), text(row, "params"));
    } else {
      OccurrenceRow& o = rows[broadcast_id];
      o.outcome = text(row, "outcome");
      o.reason = text(row, "reason");
      o.started_at = instant_or_none(row, "started_at_us");
      o.ended_at = instant_or_none(row, "ended_at_us");
      o.frames_delivered = integer(row, "frames_delivered");
      o.dead_air = integer(row, "dead_air") != 0;
    }
  }

  // The period: asked for, else what the data covers.
  if (source.from) r.data_from = parse_date(*source.from);
  if (!r.data_from && first_at) r.data_from = local_day(*first_at);
  if (source.to) r.data_to = parse_date(*source.to);
  if (!r.data_to && options.live_until) {
    // A live log covers every day up to now, and at least up to its last event (a clock that
    // was ahead).
    r.data_to = local_day(last_at ? std::max(*options.live_until, *last_at) : *options.live_until);
  }
  if (!r.data_to && last_at) r.data_to = local_day(*last_at);
  const auto from = options.from ? options.from : r.data_from;
  const auto to = options.to ? options.to : r.data_to;
  if (broken_row) {
    const auto it = rows.find(broken_row->second);
    if (it != rows.end() && !it->second.programme.empty()) {
      r.broken_event = broadcast_row_text(broken_row->first, it->second, zone);
    }
  }
  if (!from || !to || sys_days{*to} < sys_days{*from}) return r;
  r.has_period = true;
  r.from = *from;
  r.to = *to;
  if (r.broken()) {
    // Nothing verified: every period of the report is unverifiable.
    const bool any_verified =
        std::any_of(source.events.begin(), source.events.end(),
                    [&](const ChainEvent& e) { return e.seq < counted_before; });
    if (!any_verified) {
      r.unverified_from =
          std::min(sys_days{r.from}, r.data_from ? sys_days{*r.data_from} : sys_days{r.from});
    } else if (r.unverified_at) {
      r.unverified_from = local_day(*r.unverified_at);
    } else if (last_at) {
      r.unverified_from = local_day(*last_at);
    }
  }
  sys_days covered_from = sys_days{r.from};
  sys_days covered_to = sys_days{r.to};
  if (r.data_from) covered_from = std::max(covered_from, sys_days{*r.data_from});
  if (r.data_to) covered_to = std::min(covered_to, sys_days{*r.data_to});
  const bool any_data = r.data_from && r.data_to;
  auto covered = [&](sys_days a, sys_days b) {
    return any_data && a >= covered_from && b <= covered_to;
  };

  // The rows of the period, with their words and segment titles.
  for (auto& [id, o] : rows) {
    if (o.programme.empty() && o.origin.empty()) continue;  // an outcome with no opening row
    if (sys_days{o.day} < sys_days{r.from} || sys_days{o.day} > sys_days{r.to}) continue;
    if (options.programme && o.programme != *options.programme) continue;
    if (o.sample_rate > 0) {
      o.played_seconds = static_cast<double>(o.frames_delivered) / o.sample_rate;
      o.expected_seconds = static_cast<double>(o.frames_expected) / o.sample_rate;
    }
    o.why = o.outcome == "completed" ? ReasonText{} : reasons.explain(o.coded, o.reason);
    for (const auto& sid : o.segment_ids) {
      auto t = titles.find(sid);
      o.segment_titles.push_back(t != titles.end() && !t->second.empty() ? t->second : sid);
    }
    if (o.started_at) {
      o.delay_seconds = std::chrono::duration<double>(*o.started_at - o.scheduled_at).count();
    }
    r.occurrences.push_back(std::move(o));
  }
  std::stable_sort(r.occurrences.begin(), r.occurrences.end(),
                   [](const OccurrenceRow& a, const OccurrenceRow& b) {
                     return a.scheduled_at < b.scheduled_at;
                   });

  // Days, weeks and months.
  const sys_days first_day{r.from};
  const sys_days last_day{r.to};
  std::map<sys_days, std::size_t> day_index;
  for (sys_days d = first_day; d <= last_day; d += date::days{1}) {
    day_index[d] = r.days.size();
    r.days.push_back({date::year_month_day{d}, 0, 0, 0, covered(d, d),
                      r.verified_period(date::year_month_day{d})});
  }
  for (sys_days w = week_start(first_day); w <= last_day; w += date::weeks{1}) {
    PeriodRow p;
    p.kind = PeriodKind::kWeek;
    p.label = week_label(w);
    p.first = date::year_month_day{w};
    p.last = date::year_month_day{w + date::days{6}};
    p.covered = covered(w, w + date::days{6});
    p.verified = r.verified_period(p.last);
    r.weeks.push_back(std::move(p));
  }
  for (date::year_month m = r.from.year() / r.from.month(); m <= r.to.year() / r.to.month();
       m += date::months{1}) {
    PeriodRow p;
    p.kind = PeriodKind::kMonth;
    p.label = month_label(m);
    p.first = date::year_month_day{m / 1};
    p.last = date::year_month_day{m / date::last};
    p.covered = covered(sys_days{p.first}, sys_days{p.last});
    p.verified = r.verified_period(p.last);
    r.months.push_back(std::move(p));
  }
  for (const auto& o : r.occurrences) {
    const sys_days d{o.day};
    r.total.add(o);
    auto& day = r.days[day_index.at(d)];
    if (o.verified && o.rehearsal()) {
      ++day.rehearsal;
    } else if (o.verified && o.scheduled()) {
      ++day.planned;
      if (o.outcome == "completed") ++day.completed;
    }
    auto& week =
        r.weeks[static_cast<std::size_t>((week_start(d) - week_start(first_day)).count() / 7)];
    const date::year_month ym = o.day.year() / o.day.month();
    auto& month =
        r.months[static_cast<std::size_t>((ym - (r.from.year() / r.from.month())).count())];
    for (PeriodRow* p : {&week, &month}) {
      p->total.add(o);
      p->programmes[o.programme].add(o);
    }
  }

  // Verdicts, and for each failure the reasons the log gives.
  for (auto* periods : {&r.weeks, &r.months}) {
    for (auto& p : *periods) {
      for (const auto& rule : r.rules) {
        const auto minimum = p.kind == PeriodKind::kWeek ? rule.per_week : rule.per_month;
        if (!minimum) continue;
        RuleCheck c{rule.programme, *minimum, 0, 0, 0, Verdict::kMet};
        if (auto t = p.programmes.find(rule.programme); t != p.programmes.end()) {
          c.completed = t->second.completed;
          c.planned = t->second.planned;
          c.rehearsal = t->second.rehearsal;
        }
        if (!p.verified) {
          // Past the break nothing is known: neither met nor failed, and no gap to explain.
          c.verdict = Verdict::kUnverifiable;
        } else if (c.completed < c.required) {
          c.verdict = p.covered ? Verdict::kFailed : Verdict::kIncomplete;
        }
        p.verdict = worse(p.verdict, c.verdict);
        p.checks.push_back(c);
        if (c.verdict != Verdict::kFailed) continue;
        Gap g{p.kind,     p.label,     p.first,   p.last, c.programme,
              c.required, c.completed, c.planned, {},     {}};
        for (const auto& o : r.occurrences) {
          if (!o.verified || o.rehearsal() || !o.scheduled() || o.programme != c.programme ||
              o.outcome == "completed") {
            continue;
          }
          if (sys_days{o.day} < sys_days{p.first} || sys_days{o.day} > sys_days{p.last}) continue;
          auto it = std::find_if(g.reasons.begin(), g.reasons.end(), [&](const GapReason& x) {
            return x.outcome == o.outcome && x.text.en == o.why.text.en;
          });
          if (it == g.reasons.end()) {
            g.reasons.push_back(
                {o.outcome == "open" ? Cause::kOther : o.why.cause, o.outcome, o.why.text, 0, {}});
            it = std::prev(g.reasons.end());
          }
          ++it->count;
          const std::string day = format_day(o.day);
          if (it->days.empty() || it->days.back() != day) it->days.push_back(day);
        }
        std::stable_sort(g.reasons.begin(), g.reasons.end(),
                         [](const GapReason& a, const GapReason& b) { return a.count > b.count; });
        if (c.rehearsal > 0) {
          g.notes.push_back(
              {fmt::format("{} buổi DIỄN TẬP (không phải phát thật, chỉ ghi ra tệp) của chương "
                           "trình \"{}\" không được tính",
                           c.rehearsal, c.programme),
               fmt::format("{} REHEARSAL broadcast(s) of programme \"{}\" (not real broadcasts, "
                           "written to files only) are not counted",
                           c.rehearsal, c.programme)});
        }
        if (c.planned == 0) {
          if (c.rehearsal == 0) {
            g.notes.push_back(
                {fmt::format("nhật ký không có buổi phát nào của chương trình \"{}\" trong kỳ này "
                             "(chưa có trong lịch, hoặc phần mềm phát thanh (loaxad) không chạy)",
                             c.programme),
                 fmt::format("the log has no broadcast of programme \"{}\" in this period (not "
                             "scheduled, or loaxad was not running)",
                             c.programme)});
          }
        } else if (c.planned < c.required) {
          g.notes.push_back(
              {fmt::format("lịch phát chỉ có {} buổi, ít hơn mức tối thiểu {}", c.planned,
                           c.required),
               fmt::format("the schedule planned only {} broadcast(s), fewer than the minimum {}",
                           c.planned, c.required)});
        }
        for (auto& n : station_notes(station_events, sys_days{p.first}, sys_days{p.last})) {
          g.notes.push_back(std::move(n));
        }
        r.gaps.push_back(std::move(g));
      }
    }
  }
  return r;
}

}  // namespace loaxa
