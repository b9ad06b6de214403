#include "audit/report_csv.h"

#include <fmt/format.h>

#include <algorithm>
#include <initializer_list>
#include <map>
#include <set>

#include "audit/key_register.h"

namespace loaxa {
namespace {

std::string field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + '"';
}

class Csv {
 public:
  void header(std::initializer_list<std::string> names) {
    if (!out_.empty() && out_ != kBom) out_ += "\r\n";
    row(std::vector<std::string>(names));
  }
  void row(const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) out_ += ',';
      out_ += field(cells[i]);
    }
    out_ += "\r\n";
  }
  std::string take() { return std::move(out_); }

  static constexpr const char* kBom = "\xEF\xBB\xBF";

 private:
  std::string out_ = kBom;
};

std::string number(double v, int decimals) {
  return fmt::format("{:.{}f}", v, decimals);
}

std::vector<std::string> tally_cells(const Tally& t) {
  return {std::to_string(t.planned),    std::to_string(t.completed),   std::to_string(t.partial),
          std::to_string(t.preempted),  std::to_string(t.interrupted), std::to_string(t.failed),
          std::to_string(t.missed),     std::to_string(t.stopped),     std::to_string(t.open),
          std::to_string(t.unscheduled)};
}

void period_rows(Csv& csv, const CommuneReport& c, const std::vector<PeriodRow>& periods,
                 Lang lang) {
  for (const auto& p : periods) {
    // One row per programme the period has or a rule names.
    std::map<std::string, const RuleCheck*> checks;
    for (const auto& k : p.checks) checks[k.programme] = &k;
    std::set<std::string> programmes;
    for (const auto& [name, t] : p.programmes) programmes.insert(name);
    for (const auto& [name, k] : checks) programmes.insert(name);
    if (programmes.empty()) programmes.insert("");
    for (const auto& name : programmes) {
      const auto t = p.programmes.find(name);
      std::vector<std::string> cells = {p.kind == PeriodKind::kWeek ? "week" : "month",
                                        c.station,
                                        p.label,
                                        format_day(p.first),
                                        format_day(p.last),
                                        p.covered ? "true" : "false",
                                        name};
      for (auto& v : tally_cells(t != p.programmes.end() ? t->second : Tally{})) {
        cells.push_back(std::move(v));
      }
      const auto k = checks.find(name);
      const Verdict v = k != checks.end() ? k->second->verdict : Verdict::kNone;
      cells.push_back(k != checks.end() ? std::to_string(k->second->required) : "");
      cells.push_back(to_string(v));
      cells.push_back(verdict_text(v).in(lang));
      const Tally& tally = t != p.programmes.end() ? t->second : Tally{};
      cells.push_back(std::to_string(tally.rehearsal));
      cells.push_back(std::to_string(tally.unverified));
      cells.push_back(p.verified ? "true" : "false");
      csv.row(cells);
    }
  }
}

}  // namespace

std::string render_csv(const Report& report, Lang lang) {
  Csv csv;
  const auto months = report.months();
  {
    std::vector<std::string> names = {"section",   "station",       "source",    "fingerprint",
                                      "intact",    "planned",       "completed", "status",
                                      "key_check", "key_check_text"};
    for (const auto& m : months) names.push_back(m);
    csv.row(names);
    for (const auto& c : report.communes) {
      std::vector<std::string> cells = {"commune",
                                        c.station,
                                        c.label,
                                        c.fingerprint,
                                        c.verification.intact() ? "true" : "false",
                                        std::to_string(c.total.planned),
                                        std::to_string(c.total.completed),
                                        c.status(),
                                        to_string(c.key_check),
                                        c.key_check_text.in(lang)};
      for (const auto& m : months) {
        auto it = std::find_if(c.months.begin(), c.months.end(),
                               [&](const PeriodRow& p) { return p.label == m; });
        cells.push_back(it == c.months.end() ? "" : to_string(it->verdict));
      }
      csv.row(cells);
    }
  }
  csv.header({"section", "station", "source", "fingerprint", "intact", "events", "first_at",
              "last_at", "signed_through", "unsigned_events", "period_from", "period_to", "rules",
              "rules_from", "result", "verified_before", "unverified_from", "broken_event"});
  for (const auto& c : report.communes) {
    const auto& v = c.verification;
    const auto* zone = report_zone(c);
    std::vector<std::string> rules;
    for (const auto& r : c.rules) rules.push_back(rule_text(r).in(lang));
    csv.row({"verification", c.station, c.label, c.fingerprint, v.intact() ? "true" : "false",
             std::to_string(v.events), v.first_at ? format_iso(*v.first_at, zone) : "",
             v.last_at ? format_iso(*v.last_at, zone) : "", std::to_string(v.signed_through),
             std::to_string(v.unsigned_events), c.has_period ? format_day(c.from) : "",
             c.has_period ? format_day(c.to) : "", join(rules, "; "), c.rules_from,
             verification_text(c).in(lang),
             c.verified_before ? std::to_string(*c.verified_before) : "",
             c.unverified_at ? format_iso(*c.unverified_at, zone) : "",
             c.broken_event ? c.broken_event->in(lang) : ""});
  }
  csv.header({"section",   "station",      "period",    "first_day",  "last_day",    "covered",
              "programme", "planned",      "completed", "partial",    "preempted",   "interrupted",
              "failed",    "missed",       "stopped",   "open",       "unscheduled", "required",
              "verdict",   "verdict_text", "rehearsal", "unverified", "verified"});
  for (const auto& c : report.communes) {
    period_rows(csv, c, c.weeks, lang);
    period_rows(csv, c, c.months, lang);
  }
  csv.header({"section", "station", "period", "programme", "required", "completed", "planned",
              "cause", "outcome", "count", "days", "text"});
  for (const auto& c : report.communes) {
    for (const auto& g : c.gaps) {
      const std::vector<std::string> head = {"gap",
                                             c.station,
                                             g.label,
                                             g.programme,
                                             std::to_string(g.required),
                                             std::to_string(g.completed),
                                             std::to_string(g.planned)};
      for (const auto& r : g.reasons) {
        auto cells = head;
        for (auto v : {cause_text(r.cause).in(lang), outcome_text(r.outcome).in(lang),
                       std::to_string(r.count), join(r.days, " "), r.text.in(lang)}) {
          cells.push_back(std::move(v));
        }
        csv.row(cells);
      }
      for (const auto& n : g.notes) {
        auto cells = head;
        for (auto v :
             {std::string("note"), std::string(), std::string(), std::string(), n.in(lang)}) {
          cells.push_back(std::move(v));
        }
        csv.row(cells);
      }
    }
  }
  csv.header({"section",      "station",      "broadcast_id", "programme",  "origin",
              "priority",     "scheduled_at", "started_at",   "ended_at",   "delay_s",
              "segments",     "segment_ids",  "duration_s",   "expected_s", "outcome",
              "outcome_text", "reason",       "reason_text",  "zones",      "dead_air",
              "reason_code",  "rehearsal",    "verified",     "broken"});
  for (const auto& c : report.communes) {
    const auto* zone = report_zone(c);
    for (const auto& o : c.occurrences) {
      csv.row({"occurrence",
               c.station,
               std::to_string(o.broadcast_id),
               o.programme,
               o.origin,
               o.priority,
               format_iso(o.scheduled_at, zone),
               o.started_at ? format_iso(*o.started_at, zone) : "",
               o.ended_at ? format_iso(*o.ended_at, zone) : "",
               o.delay_seconds ? number(*o.delay_seconds, 3) : "",
               join(o.segment_titles, " | "),
               join(o.segment_ids, " "),
               number(o.played_seconds, 3),
               number(o.expected_seconds, 3),
               o.outcome,
               occurrence_outcome_text(o).in(lang),
               o.reason,
               o.why.text.in(lang),
               join(o.zones, " "),
               o.dead_air ? "true" : "false",
               o.why.reason ? to_string(o.why.reason->code) : "",
               o.rehearsal() ? "true" : "false",
               o.verified ? "true" : "false",
               o.broken ? "true" : "false"});
    }
  }
  return csv.take();
}

}  // namespace loaxa
