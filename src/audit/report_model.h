#pragma once
// `loaxa audit report`'s content, independent of its format: the occurrences a verified log
// records, their tallies per ISO week and per month, the compliance verdicts against the
// [compliance] rules and the gaps that explain a failed period. Pure: built from an
// AuditSource, rendered by report_csv, report_json and report_html.

#include <date/date.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_source.h"
#include "audit/report_text.h"
#include "config/station_config.h"
#include "core/text.h"
#include "core/time.h"

namespace loaxa {

enum class Verdict {
  kNone,        ///< no rule for this period
  kMet,         ///< every rule's minimum reached
  kFailed,      ///< a rule's minimum missed over a period the data covers entirely
  kIncomplete,  ///< a minimum not reached, but the data covers only part of the period
};
/// "met", "failed", "incomplete", "none": what CSV and JSON carry.
const char* to_string(Verdict v) noexcept;
/// "ĐẠT" / "met", ...: what people read.
Text verdict_text(Verdict v);

/// Counts of occurrences. `planned` counts the scheduled ones the log holds (each has exactly
/// one outcome, or `open`); operator plays are not planned and are counted apart.
struct Tally {
  int planned = 0;
  int completed = 0;
  int partial = 0;
  int preempted = 0;
  int interrupted = 0;
  int failed = 0;
  int missed = 0;
  int stopped = 0;
  int open = 0;         ///< no outcome yet (playing at export, or never closed)
  int unscheduled = 0;  ///< operator plays (`loaxa play`), whatever their outcome
  void add(const std::string& outcome, bool scheduled);
};

/// One broadcast of the log.
struct OccurrenceRow {
  std::int64_t broadcast_id = 0;
  std::string programme;
  int slot = 0;
  std::string origin;  ///< schedule | operator
  std::string priority;
  std::string output;  ///< portaudio | rehearsal
  Instant scheduled_at{};
  date::year_month_day day{};  ///< local date of scheduled_at
  std::optional<Instant> started_at;
  std::optional<Instant> ended_at;
  std::optional<double> delay_seconds;  ///< first frame out minus scheduled time
  std::vector<std::string> segment_ids;
  std::vector<std::string> segment_titles;  ///< same order; the id where the title is unknown
  std::int64_t frames_expected = 0;
  std::int64_t frames_delivered = 0;
  int sample_rate = 0;             ///< the output's; 0 when nothing was opened
  double played_seconds = 0;       ///< frames delivered / sample rate
  double expected_seconds = 0;     ///< frames expected / sample rate
  std::string outcome;             ///< completed, partial, ..., or "open"
  std::string reason;              ///< the English text as logged
  std::optional<Reason> coded;     ///< the chained code (broadcast_reasons), if the log has one
  ReasonText why;                  ///< its words and cause
  std::vector<std::string> zones;  ///< empty = every zone
  bool dead_air = false;
  bool scheduled() const { return origin != "operator"; }
};

enum class PeriodKind { kWeek, kMonth };

/// One rule applied to one period.
struct RuleCheck {
  std::string programme;
  int required = 0;
  int completed = 0;
  int planned = 0;
  Verdict verdict = Verdict::kNone;
};

struct PeriodRow {
  PeriodKind kind = PeriodKind::kMonth;
  std::string label;  ///< "2026-W48" (ISO week) or "2026-11"
  date::year_month_day first{};
  date::year_month_day last{};
  bool covered = false;  ///< every day of it lies in the report's period and in the data
  Tally total;           ///< every programme
  std::map<std::string, Tally> programmes;
  std::vector<RuleCheck> checks;
  Verdict verdict = Verdict::kNone;  ///< the worst of the checks
};

/// Occurrences of a failed period that share a reason.
struct GapReason {
  Cause cause = Cause::kOther;
  std::string outcome;
  Text text;
  int count = 0;
  std::vector<std::string> days;  ///< local dates, YYYY-MM-DD, in order (repeats removed)
};

/// A period that failed a rule, and why.
struct Gap {
  PeriodKind kind = PeriodKind::kMonth;
  std::string label;
  date::year_month_day first{};
  date::year_month_day last{};
  std::string programme;
  int required = 0;
  int completed = 0;
  int planned = 0;
  std::vector<GapReason> reasons;  ///< the shortfalls, most frequent first
  std::vector<Text> notes;         ///< what the station recorded: device lost, restarts, ...
};

/// One day of the calendar heatmap.
struct DayCount {
  date::year_month_day day{};
  int planned = 0;
  int completed = 0;
  bool covered = false;
};

struct CommuneReport {
  std::string label;  ///< the file it came from
  std::string station;
  std::string timezone;
  std::string fingerprint;  ///< empty when the log has no key
  Verification verification;
  std::vector<ComplianceRule> rules;
  std::string rules_from;  ///< "config", "log" (the station's own, carried by its log) or "none"
  std::optional<std::string> programme;  ///< --programme
  bool has_period = false;               ///< false: no event and no --from/--to
  date::year_month_day from{};           ///< the report's period, local dates, inclusive
  date::year_month_day to{};
  std::optional<date::year_month_day> data_from;  ///< what the log covers
  std::optional<date::year_month_day> data_to;
  std::vector<OccurrenceRow> occurrences;  ///< in scheduled order
  std::vector<PeriodRow> weeks;
  std::vector<PeriodRow> months;
  std::vector<Gap> gaps;
  std::vector<DayCount> days;
  Tally total;
};

struct ReportOptions {
  std::optional<date::year_month_day> from;  ///< --from
  std::optional<date::year_month_day> to;    ///< --to
  std::optional<std::string> programme;      ///< --programme
  /// The config's [compliance], which wins over the rules a log carries.
  std::optional<std::vector<ComplianceRule>> rules;
  /// A station's live database: its data runs up to this instant (now), not to its last event.
  std::optional<Instant> live_until;
};

/// The report of one station's verified log.
CommuneReport build_report(const AuditSource& source, const ReportOptions& options,
                           ReasonTranslator& reasons);

/// Every station of a report, and when it was made.
struct Report {
  std::vector<CommuneReport> communes;
  Instant generated_at{};
  /// The month labels any commune reports, in order (the columns of the summary table).
  std::vector<std::string> months() const;
};

/// "2026-11-03".
std::string format_day(date::year_month_day d);
/// "03/11/2026" in Vietnamese, "2026-11-03" in English.
std::string display_day(date::year_month_day d, Lang lang);

/// The verification result as a report's first line: intact with the events and period it
/// covers, or broken with the first problem.
Text verification_text(const CommuneReport& r);
/// "cchc: at least 8 completed broadcasts per month and at least 1 per week".
Text rule_text(const ComplianceRule& rule);
/// Where the rules came from, for the report's header.
Text rules_from_text(const std::string& rules_from);
/// The zone of a report's times (the station's, else Asia/Ho_Chi_Minh).
const date::time_zone* report_zone(const CommuneReport& r);

}  // namespace loaxa
