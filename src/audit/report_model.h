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
  /// The period reaches the first broken event of the log (or the log's key is not the
  /// registered one): what happened in it cannot be verified, so it is neither met nor failed.
  kUnverifiable,
};
/// "met", "failed", "incomplete", "unverifiable", "none": what CSV and JSON carry.
const char* to_string(Verdict v) noexcept;
/// "ĐẠT" / "met", ...: what people read.
Text verdict_text(Verdict v);

struct OccurrenceRow;

/// Counts of occurrences. `planned` counts the verified scheduled ones the log holds (each has
/// exactly one outcome, or `open`); operator plays, rehearsals and rows the verification does
/// not vouch for are not planned and are counted apart.
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
  int rehearsal = 0;    ///< played to `--output rehearsal` (WAV files): no broadcast at all
  int unverified = 0;   ///< resting on an event at or after the log's first broken one
  void add(const std::string& outcome, bool scheduled);
  /// Files `o` under rehearsal, unverified, unscheduled or its outcome, in that order.
  void add(const OccurrenceRow& o);
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
  /// False when its opening row or its outcome is an event at or after the first broken one:
  /// what it says is shown, marked, and counted towards nothing.
  bool verified = true;
  bool broken = false;  ///< one of its rows is the log's first broken event
  bool scheduled() const { return origin != "operator"; }
  /// Played to WAV files (`loaxad --output rehearsal`), not to the loudspeakers.
  bool rehearsal() const { return output == "rehearsal"; }
};

enum class PeriodKind { kWeek, kMonth };

/// One rule applied to one period.
struct RuleCheck {
  std::string programme;
  int required = 0;
  int completed = 0;
  int planned = 0;
  int rehearsal = 0;  ///< rehearsals of the programme in the period, counted towards nothing
  Verdict verdict = Verdict::kNone;
};

struct PeriodRow {
  PeriodKind kind = PeriodKind::kMonth;
  std::string label;  ///< "2026-W48" (ISO week) or "2026-11"
  date::year_month_day first{};
  date::year_month_day last{};
  bool covered = false;  ///< every day of it lies in the report's period and in the data
  bool verified = true;  ///< it ends before the day of the log's first broken event
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
  int rehearsal = 0;  ///< rehearsals that day, not planned
  bool covered = false;
  bool verified = true;  ///< before the day of the log's first broken event
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
  /// When the log is broken: the events a report counts are those before this seq (the first
  /// problem, or the event after the last good signature when that comes first; the first
  /// event for a problem tied to no event, such as a key that is not the registered one).
  std::optional<std::int64_t> verified_before;
  /// When the log is broken, the earliest time any event from verified_before on claims, and
  /// its local day: every period reaching that day is unverifiable (from the report's first
  /// day when nothing is verified).
  std::optional<Instant> unverified_at;
  std::optional<date::year_month_day> unverified_from;
  /// The first broken event in words people read ("kết quả buổi phát lịch 17:00 ngày
  /// 14/11/2026"), when it is a broadcast's row.
  std::optional<Text> broken_event;
  /// A bundle the merge refused (AuditSource::refused): no data, only the reason.
  std::optional<std::string> refused_code;
  std::optional<Text> refused;
  KeyCheck key_check = KeyCheck::kNotCompared;
  Text key_check_text;  ///< matched, the finding, or "not compared"
  bool broken() const { return !verification.intact(); }
  /// "intact", "broken" or "refused": what CSV and JSON carry.
  const char* status() const { return refused ? "refused" : broken() ? "broken" : "intact"; }
  /// Whether a period ending on `last` lies entirely before the break.
  bool verified_period(date::year_month_day last) const;
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
  /// Whether some commune's key was compared with nothing (no --key, no --keys): every format
  /// says so in its first lines.
  bool key_not_compared() const;
};

/// "2026-11-03".
std::string format_day(date::year_month_day d);
/// "03/11/2026" in Vietnamese, "2026-11-03" in English.
std::string display_day(date::year_month_day d, Lang lang);

/// The verification result as a report's first line: intact with the events and period it
/// covers, or broken with the first problem and from when on nothing is verified.
Text verification_text(const CommuneReport& r);
/// "DIỄN TẬP (không phải phát thật)" / "REHEARSAL (not a real broadcast)".
Text rehearsal_text();
/// "KHÔNG XÁC MINH ĐƯỢC" / "UNVERIFIABLE".
Text unverifiable_text();
/// An occurrence's outcome as a report prints it: the outcome's words, after "DIỄN TẬP" for a
/// rehearsal (unless `rehearsal_shown`: the page marks it apart), and marked unverifiable when
/// the log does not vouch for it.
Text occurrence_outcome_text(const OccurrenceRow& o, bool rehearsal_shown = false);
/// "cchc: at least 8 completed broadcasts per month and at least 1 per week".
Text rule_text(const ComplianceRule& rule);
/// Where the rules came from, for the report's header.
Text rules_from_text(const std::string& rules_from);
/// The zone of a report's times (the station's, else Asia/Ho_Chi_Minh).
const date::time_zone* report_zone(const CommuneReport& r);

}  // namespace loaxa
