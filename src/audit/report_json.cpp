#include "audit/report_json.h"

#include <algorithm>

#include "audit/key_register.h"

namespace loaxa {
namespace {

using nlohmann::json;

/// A reason's parameters as an object (null when there is no reason).
json reason_params(const std::optional<Reason>& r) {
  if (!r) return nullptr;
  json o = json::object();
  for (const auto& [name, value] : r->params) o[name] = value;
  return o;
}

const char* cause_code(Cause c) {
  switch (c) {
    case Cause::kNone:
      return "none";
    case Cause::kStationDown:
      return "station_down";
    case Cause::kDevice:
      return "device";
    case Cause::kNothingToPlay:
      return "nothing_to_play";
    case Cause::kLate:
      return "late";
    case Cause::kPreempted:
      return "preempted";
    case Cause::kOperator:
      return "operator";
    case Cause::kSchedule:
      return "schedule";
    case Cause::kContent:
      return "content";
    case Cause::kOther:
      return "other";
  }
  return "other";
}

json tally(const Tally& t) {
  return {
      {"planned", t.planned},         {"completed", t.completed},     {"partial", t.partial},
      {"preempted", t.preempted},     {"interrupted", t.interrupted}, {"failed", t.failed},
      {"missed", t.missed},           {"stopped", t.stopped},         {"open", t.open},
      {"unscheduled", t.unscheduled}, {"rehearsal", t.rehearsal},     {"unverified", t.unverified}};
}

json optional_time(const std::optional<Instant>& t, const date::time_zone* zone) {
  return t ? json(format_iso(*t, zone)) : json(nullptr);
}

json periods(const std::vector<PeriodRow>& rows, Lang lang) {
  json out = json::array();
  for (const auto& p : rows) {
    json programmes = json::object();
    for (const auto& [name, t] : p.programmes) programmes[name] = tally(t);
    json checks = json::array();
    for (const auto& k : p.checks) {
      checks.push_back({{"programme", k.programme},
                        {"required", k.required},
                        {"completed", k.completed},
                        {"planned", k.planned},
                        {"rehearsal", k.rehearsal},
                        {"verdict", to_string(k.verdict)},
                        {"verdict_text", verdict_text(k.verdict).in(lang)}});
    }
    out.push_back({{"period", p.label},
                   {"first_day", format_day(p.first)},
                   {"last_day", format_day(p.last)},
                   {"covered", p.covered},
                   {"verified", p.verified},
                   {"total", tally(p.total)},
                   {"programmes", programmes},
                   {"checks", checks},
                   {"verdict", to_string(p.verdict)},
                   {"verdict_text", verdict_text(p.verdict).in(lang)}});
  }
  return out;
}

json commune(const CommuneReport& c, Lang lang) {
  const auto* zone = report_zone(c);
  const auto& v = c.verification;
  json problems = json::array();
  for (const auto& p : v.problems)
    problems.push_back({{"seq", p.seq}, {"message", p.what.in(lang)}});
  json notes = json::array();
  for (const auto& n : v.notes) notes.push_back(n.in(lang));
  json rules = json::array();
  for (const auto& r : c.rules) {
    rules.push_back({{"programme", r.programme},
                     {"per_month", r.per_month ? json(*r.per_month) : json(nullptr)},
                     {"per_week", r.per_week ? json(*r.per_week) : json(nullptr)},
                     {"text", rule_text(r).in(lang)}});
  }
  json gaps = json::array();
  for (const auto& g : c.gaps) {
    json reasons = json::array();
    for (const auto& r : g.reasons) {
      reasons.push_back({{"cause", cause_code(r.cause)},
                         {"cause_text", cause_text(r.cause).in(lang)},
                         {"outcome", r.outcome},
                         {"reason", r.text.in(lang)},
                         {"count", r.count},
                         {"days", r.days}});
    }
    json gap_notes = json::array();
    for (const auto& n : g.notes) gap_notes.push_back(n.in(lang));
    gaps.push_back({{"kind", g.kind == PeriodKind::kWeek ? "week" : "month"},
                    {"period", g.label},
                    {"first_day", format_day(g.first)},
                    {"last_day", format_day(g.last)},
                    {"programme", g.programme},
                    {"required", g.required},
                    {"completed", g.completed},
                    {"planned", g.planned},
                    {"reasons", reasons},
                    {"notes", gap_notes}});
  }
  json days = json::array();
  for (const auto& d : c.days) {
    days.push_back({{"day", format_day(d.day)},
                    {"planned", d.planned},
                    {"completed", d.completed},
                    {"rehearsal", d.rehearsal},
                    {"covered", d.covered},
                    {"verified", d.verified}});
  }
  json occurrences = json::array();
  for (const auto& o : c.occurrences) {
    occurrences.push_back(
        {{"broadcast_id", o.broadcast_id},
         {"programme", o.programme},
         {"slot", o.slot},
         {"origin", o.origin},
         {"priority", o.priority},
         {"output", o.output},
         {"scheduled_at", format_iso(o.scheduled_at, zone)},
         {"started_at", optional_time(o.started_at, zone)},
         {"ended_at", optional_time(o.ended_at, zone)},
         {"delay_s", o.delay_seconds ? json(*o.delay_seconds) : json(nullptr)},
         {"segments", o.segment_titles},
         {"segment_ids", o.segment_ids},
         {"duration_s", o.played_seconds},
         {"expected_s", o.expected_seconds},
         {"frames_delivered", o.frames_delivered},
         {"sample_rate", o.sample_rate},
         {"outcome", o.outcome},
         {"outcome_text", occurrence_outcome_text(o).in(lang)},
         {"rehearsal", o.rehearsal()},
         {"verified", o.verified},
         {"broken", o.broken},
         {"reason", o.reason},
         {"reason_code", o.why.reason ? json(to_string(o.why.reason->code)) : json(nullptr)},
         {"reason_params", reason_params(o.why.reason)},
         {"reason_text", o.why.text.in(lang)},
         {"cause", cause_code(o.why.cause)},
         {"zones", o.zones},
         {"dead_air", o.dead_air}});
  }
  return {
      {"station", c.station},
      {"source", c.label},
      {"status", c.status()},
      {"key_check", to_string(c.key_check)},
      {"key_check_text", c.key_check_text.in(lang)},
      {"refused", c.refused
                      ? json{{"code", c.refused_code.value_or("")}, {"reason", c.refused->in(lang)}}
                      : json(nullptr)},
      {"timezone", c.timezone},
      {"fingerprint", c.fingerprint},
      {"verification",
       {{"intact", v.intact()},
        {"summary", verification_text(c).in(lang)},
        {"events", v.events},
        {"first_seq", v.first_seq},
        {"last_seq", v.last_seq},
        {"first_at", optional_time(v.first_at, zone)},
        {"last_at", optional_time(v.last_at, zone)},
        {"checkpoints", v.checkpoints},
        {"signed_through", v.signed_through},
        {"unsigned_events", v.unsigned_events},
        {"problems", problems},
        {"notes", notes},
        {"verified_before", c.verified_before ? json(*c.verified_before) : json(nullptr)},
        {"unverified_at", optional_time(c.unverified_at, zone)},
        {"unverified_from",
         c.unverified_from ? json(format_day(*c.unverified_from)) : json(nullptr)},
        {"broken_event", c.broken_event ? json(c.broken_event->in(lang)) : json(nullptr)}}},
      {"rules", rules},
      {"rules_from", c.rules_from},
      {"programme", c.programme ? json(*c.programme) : json(nullptr)},
      {"period",
       {{"from", c.has_period ? json(format_day(c.from)) : json(nullptr)},
        {"to", c.has_period ? json(format_day(c.to)) : json(nullptr)},
        {"data_from", c.data_from ? json(format_day(*c.data_from)) : json(nullptr)},
        {"data_to", c.data_to ? json(format_day(*c.data_to)) : json(nullptr)}}},
      {"total", tally(c.total)},
      {"weeks", periods(c.weeks, lang)},
      {"months", periods(c.months, lang)},
      {"gaps", gaps},
      {"days", days},
      {"occurrences", occurrences},
  };
}

json summary(const Report& report) {
  json out = json::array();
  const auto months = report.months();
  for (const auto& c : report.communes) {
    json verdicts = json::object();
    for (const auto& m : months) {
      auto it = std::find_if(c.months.begin(), c.months.end(),
                             [&](const PeriodRow& p) { return p.label == m; });
      verdicts[m] = it == c.months.end() ? json(nullptr) : json(to_string(it->verdict));
    }
    out.push_back({{"station", c.station},
                   {"source", c.label},
                   {"fingerprint", c.fingerprint},
                   {"intact", c.verification.intact()},
                   {"status", c.status()},
                   {"planned", c.total.planned},
                   {"completed", c.total.completed},
                   {"months", verdicts}});
  }
  return out;
}

json head(const Report& report, Lang lang) {
  return {{"format", "loaxa-audit-report"},
          {"version", 1},
          {"lang", lang == Lang::kEn ? "en" : "vi"},
          {"key_check", report.key_not_compared() ? "not_compared" : "compared"},
          {"key_check_text",
           report.key_not_compared() ? json(key_not_compared_text().in(lang)) : json(nullptr)},
          {"generated_at", format_iso(report.generated_at, date::locate_zone("UTC"))},
          {"summary", summary(report)}};
}

}  // namespace

json report_json(const Report& report, Lang lang) {
  json out = head(report, lang);
  json communes = json::array();
  for (const auto& c : report.communes) communes.push_back(commune(c, lang));
  out["communes"] = std::move(communes);
  return out;
}

std::string render_json(const Report& report, Lang lang) {
  // The same content as report_json(), "communes" last.
  std::string text = head(report, lang).dump(2);
  text.resize(text.size() - 2);  // "\n}"
  text += ",\n  \"communes\": [";
  for (std::size_t i = 0; i < report.communes.size(); ++i) {
    std::string one = commune(report.communes[i], lang).dump(2);
    // Indented one level deeper, as an element of the array.
    std::string indented = "\n    ";
    for (char ch : one) {
      indented += ch;
      if (ch == '\n') indented += "    ";
    }
    text += indented;
    if (i + 1 < report.communes.size()) text += ',';
  }
  text += report.communes.empty() ? "]\n}\n" : "\n  ]\n}\n";
  return text;
}

}  // namespace loaxa
