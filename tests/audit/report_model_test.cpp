// The report's numbers, verdicts and gaps for a log built from a known sequence of outcomes
// through the real writers (tests/fakes/audit_log.cpp has the table).

#include "audit/report_model.h"

#include <gtest/gtest.h>

#include <fstream>

#include "audit/bundle.h"
#include "audit/checkpoint.h"
#include "audit/report_csv.h"
#include "audit/report_html.h"
#include "audit/report_json.h"
#include "fakes/audit_log.h"
#include "fakes/command_runner.h"
#include "fakes/fixtures.h"
#include "store/legacy_reasons.h"
#include "store/segment_repository.h"

namespace loaxa {
namespace {

using testing::LoggedBroadcast;
using testing::StationLog;
using testing::TempDir;

date::year_month_day day(int y, unsigned m, unsigned d) {
  return date::year_month_day{date::year{y}, date::month{m}, date::day{d}};
}

const PeriodRow& period(const std::vector<PeriodRow>& rows, const std::string& label) {
  for (const auto& p : rows) {
    if (p.label == label) return p;
  }
  throw std::runtime_error("no period " + label);
}

class ReportModelTest : public ::testing::Test {
 protected:
  ReportModelTest() : log_(dir_.path(), "Xã Tân Phú") {
    testing::write_known_month(log_);
    log_.config().compliance = {{"cchc", 10, 3}};
  }
  CommuneReport build(ReportOptions options = {}) {
    const AuditSource source = read_database(log_.db(), log_.config(), std::nullopt);
    EXPECT_TRUE(source.verification.intact()) << source.verification.problems.front().what.en;
    return build_report(source, options, reasons_);
  }

  TempDir dir_;
  StationLog log_;
  ReasonTranslator reasons_;
};

// A title corrected with `loaxa segment edit` is a chained segment_edits event: the report
// names the segment by it, from the live log and from a bundle of it.
TEST_F(ReportModelTest, OccurrencesCarryTheLatestEditedTitle) {
  SegmentRepository(log_.db()).edit("aaaaaaaaaaaa", "Dịch vụ công trực tuyến", std::nullopt,
                                    std::nullopt, "Văn phòng", log_.at(2026, 11, 20, 0, 0));
  write_checkpoint(log_.db(), log_.key(), log_.at(2026, 11, 20, 0, 1), "daily");
  const auto r = build();
  EXPECT_EQ(r.occurrences.front().segment_titles,
            std::vector<std::string>{"Dịch vụ công trực tuyến"});

  // The bundle lists the segment as imported (what its reader checks against the chained
  // segments row) and carries the edit as an event of its period.
  const auto out = dir_ / "xa.loaxa";
  write_bundle(log_.db(), log_.config(), {"2026-11-09", "2026-11-22", out});
  const AuditSource b = read_bundle(out, std::nullopt);
  ASSERT_TRUE(b.verification.intact()) << b.verification.problems.front().what.en;
  const auto from_bundle = build_report(b, {}, reasons_);
  ASSERT_FALSE(from_bundle.occurrences.empty());
  EXPECT_EQ(from_bundle.occurrences.front().segment_titles,
            std::vector<std::string>{"Dịch vụ công trực tuyến"});
}

TEST_F(ReportModelTest, TalliesEveryOutcomeOfTheMonth) {
  const auto r = build();
  ASSERT_TRUE(r.has_period);
  EXPECT_EQ(r.from, day(2026, 11, 2));  // where the data begins
  EXPECT_EQ(r.to, day(2026, 11, 29));
  EXPECT_EQ(r.station, "Xã Tân Phú");
  EXPECT_EQ(r.fingerprint, log_.key().public_key().fingerprint());
  const Tally& t = r.total;
  EXPECT_EQ(t.planned, 17);
  EXPECT_EQ(t.completed, 9);
  EXPECT_EQ(t.partial, 1);
  EXPECT_EQ(t.preempted, 1);
  EXPECT_EQ(t.interrupted, 1);
  EXPECT_EQ(t.failed, 1);
  EXPECT_EQ(t.missed, 2);
  EXPECT_EQ(t.stopped, 1);
  EXPECT_EQ(t.open, 1);
  EXPECT_EQ(t.unscheduled, 1);
  EXPECT_EQ(r.occurrences.size(), 18u);

  ASSERT_EQ(r.weeks.size(), 4u);
  EXPECT_EQ(r.weeks[0].label, "2026-W45");
  EXPECT_EQ(r.weeks[3].label, "2026-W48");
  const auto& w46 = period(r.weeks, "2026-W46").total;
  EXPECT_EQ(w46.planned, 4);
  EXPECT_EQ(w46.completed, 1);
  EXPECT_EQ(w46.partial, 1);
  EXPECT_EQ(w46.preempted, 1);
  EXPECT_EQ(w46.missed, 1);
  const auto& w47 = period(r.weeks, "2026-W47").total;
  EXPECT_EQ(w47.planned, 6);
  EXPECT_EQ(w47.completed, 2);
  EXPECT_EQ(w47.interrupted, 1);
  EXPECT_EQ(w47.failed, 1);
  EXPECT_EQ(w47.stopped, 1);
  EXPECT_EQ(w47.missed, 1);
  ASSERT_EQ(r.months.size(), 1u);
  EXPECT_EQ(r.months[0].label, "2026-11");
  EXPECT_EQ(r.months[0].total.completed, 9);
  EXPECT_EQ(r.months[0].programmes.at("cchc").planned, 17);
  EXPECT_EQ(r.months[0].programmes.at("operator").unscheduled, 1);
}

TEST_F(ReportModelTest, VerdictsPerWeekAndMonthWithPartlyCoveredPeriodsIncomplete) {
  const auto r = build();
  EXPECT_EQ(r.rules_from, "log");
  EXPECT_EQ(period(r.weeks, "2026-W45").verdict, Verdict::kMet);
  EXPECT_EQ(period(r.weeks, "2026-W46").verdict, Verdict::kFailed);
  EXPECT_EQ(period(r.weeks, "2026-W47").verdict, Verdict::kFailed);
  EXPECT_EQ(period(r.weeks, "2026-W48").verdict, Verdict::kMet);
  // 9 of 10 in November, but the data runs from the 2nd to the 29th only.
  EXPECT_FALSE(r.months[0].covered);
  EXPECT_EQ(r.months[0].verdict, Verdict::kIncomplete);
  ASSERT_EQ(r.months[0].checks.size(), 1u);
  EXPECT_EQ(r.months[0].checks[0].completed, 9);
  EXPECT_EQ(r.months[0].checks[0].required, 10);

  // Asked for the whole month and a week beyond: the first and last weeks are partial.
  ReportOptions wide;
  wide.from = day(2026, 11, 1);
  wide.to = day(2026, 12, 6);
  const auto w = build(wide);
  EXPECT_EQ(w.weeks.front().label, "2026-W44");
  EXPECT_EQ(w.weeks.front().verdict, Verdict::kIncomplete);
  EXPECT_EQ(w.weeks.back().label, "2026-W49");
  EXPECT_EQ(w.weeks.back().verdict, Verdict::kIncomplete);
  EXPECT_EQ(period(w.months, "2026-12").verdict, Verdict::kIncomplete);
  EXPECT_EQ(w.days.size(), 36u);
  EXPECT_FALSE(w.days.front().covered);
  EXPECT_TRUE(w.days[1].covered);
}

TEST_F(ReportModelTest, AFullyCoveredMonthBelowTheMinimumFails) {
  ReportOptions options;
  options.rules = std::vector<ComplianceRule>{{"cchc", 8, std::nullopt}};
  options.from = day(2026, 11, 9);
  options.to = day(2026, 11, 22);
  auto r = build(options);
  EXPECT_EQ(r.rules_from, "config");
  EXPECT_TRUE(r.weeks[0].checks.empty());  // no weekly minimum in this rule
  EXPECT_EQ(r.weeks[0].verdict, Verdict::kNone);
  EXPECT_EQ(r.months[0].verdict, Verdict::kIncomplete);  // 3 completed, period not whole

  // The live database of a station whose data covers all of November up to now.
  options.from = day(2026, 11, 1);
  options.to = day(2026, 11, 30);
  options.live_until = log_.at(2026, 12, 1, 12);
  log_.event("daemon_started", log_.at(2026, 10, 31, 12), {{"station", "Xã Tân Phú"}});
  r = build(options);
  ASSERT_TRUE(r.months[0].covered) << format_day(*r.data_from);
  EXPECT_EQ(r.months[0].verdict, Verdict::kMet);  // 9 >= 8
  options.rules = std::vector<ComplianceRule>{{"cchc", 12, std::nullopt}};
  r = build(options);
  EXPECT_EQ(r.months[0].verdict, Verdict::kFailed);
  ASSERT_EQ(r.gaps.size(), 1u);
  EXPECT_EQ(r.gaps[0].label, "2026-11");
  EXPECT_EQ(r.gaps[0].completed, 9);
}

TEST_F(ReportModelTest, GapsSayWhyAWeekFailed) {
  const auto r = build();
  ASSERT_EQ(r.gaps.size(), 2u);
  const Gap& g46 = r.gaps[0];
  EXPECT_EQ(g46.label, "2026-W46");
  EXPECT_EQ(g46.programme, "cchc");
  EXPECT_EQ(g46.required, 3);
  EXPECT_EQ(g46.completed, 1);
  EXPECT_EQ(g46.planned, 4);
  ASSERT_EQ(g46.reasons.size(), 3u);
  bool nothing_to_play = false;
  for (const auto& reason : g46.reasons) {
    if (reason.cause != Cause::kNothingToPlay) continue;
    nothing_to_play = true;
    EXPECT_EQ(reason.outcome, "missed");
    EXPECT_EQ(reason.days, std::vector<std::string>{"2026-11-13"});
    EXPECT_EQ(reason.text.vi,
              "không có đoạn nào đã duyệt mang nhãn \"cchc\" còn hiệu lực ngày 13/11/2026");
  }
  EXPECT_TRUE(nothing_to_play);
  ASSERT_FALSE(g46.notes.empty());
  EXPECT_EQ(g46.notes[0].en, "output device lost 1 time(s) (JACK / system)");

  const Gap& g47 = r.gaps[1];
  EXPECT_EQ(g47.label, "2026-W47");
  std::map<Cause, int> causes;
  for (const auto& reason : g47.reasons) causes[reason.cause] += reason.count;
  EXPECT_EQ(causes[Cause::kStationDown], 3);  // interrupted, stopped, daemon not running
  EXPECT_EQ(causes[Cause::kDevice], 1);       // output stalled
  bool stopped_noted = false;
  for (const auto& n : g47.notes) stopped_noted |= n.en == "loaxad was stopped 1 time(s)";
  EXPECT_TRUE(stopped_noted);
}

TEST_F(ReportModelTest, OccurrenceRowsCarryTimesSegmentsAndTranslatedReasons) {
  const auto r = build();
  const OccurrenceRow& first = r.occurrences.front();
  EXPECT_EQ(first.programme, "cchc");
  EXPECT_EQ(format_day(first.day), "2026-11-02");
  ASSERT_TRUE(first.delay_seconds.has_value());
  EXPECT_NEAR(*first.delay_seconds, 0.004, 1e-9);
  EXPECT_EQ(first.segment_titles, std::vector<std::string>{"Giới thiệu dịch vụ công"});
  EXPECT_DOUBLE_EQ(first.played_seconds, 30.0);
  EXPECT_EQ(first.outcome, "completed");
  EXPECT_EQ(first.why.cause, Cause::kNone);

  const auto find = [&](const std::string& outcome) -> const OccurrenceRow& {
    for (const auto& o : r.occurrences) {
      if (o.outcome == outcome) return o;
    }
    throw std::runtime_error("no " + outcome);
  };
  EXPECT_DOUBLE_EQ(find("partial").played_seconds, 15.0);
  // The words come from the chained code, not from the English text beside it.
  ASSERT_TRUE(find("interrupted").coded);
  EXPECT_EQ(find("interrupted").coded->code, ReasonCode::kDaemonCrashed);
  EXPECT_EQ(find("interrupted").why.text.vi,
            "phần mềm phát thanh (loaxad) dừng giữa buổi phát (sự cố hoặc mất điện); điểm lưu "
            "cuối lúc 2026-11-17T06:00:10.000+07:00");
  EXPECT_EQ(find("stopped").why.text.vi, "phần mềm phát thanh (loaxad) bị dừng (SIGTERM)");
  EXPECT_EQ(find("stopped").why.cause, Cause::kStationDown);
  EXPECT_FALSE(find("failed").delay_seconds.has_value());
  EXPECT_EQ(find("open").reason, "");
  const OccurrenceRow& play = r.occurrences[r.occurrences.size() - 3];  // 26th, 10:00
  EXPECT_EQ(play.origin, "operator");
  EXPECT_FALSE(play.scheduled());
  EXPECT_EQ(play.zones, std::vector<std::string>{"thon-dong"});
}

TEST_F(ReportModelTest, StreamedJsonIsTheSameDocument) {
  Report report;
  report.communes = {build(), build()};
  const auto text = render_json(report, Lang::kVi);
  EXPECT_EQ(nlohmann::json::parse(text), report_json(report, Lang::kVi));
  report.communes.clear();
  EXPECT_EQ(nlohmann::json::parse(render_json(report, Lang::kEn)), report_json(report, Lang::kEn));
}

TEST_F(ReportModelTest, ProgrammeFilterKeepsOnlyThatProgrammeAndItsRules) {
  ReportOptions options;
  options.programme = "operator";
  const auto r = build(options);
  EXPECT_EQ(r.occurrences.size(), 1u);
  EXPECT_TRUE(r.rules.empty());
  EXPECT_TRUE(r.gaps.empty());
  EXPECT_EQ(r.total.unscheduled, 1);
  EXPECT_EQ(r.total.planned, 0);
}

TEST_F(ReportModelTest, ABundleCarriesTheRulesAndThePeriod) {
  const auto out = dir_ / "xa.loaxa";
  write_bundle(log_.db(), log_.config(), {"2026-11-09", "2026-11-22", out});
  const AuditSource b = read_bundle(out, std::nullopt);
  ASSERT_TRUE(b.verification.intact()) << b.verification.problems.front().what.en;
  ASSERT_EQ(b.compliance.size(), 1u);
  EXPECT_EQ(b.compliance[0], (ComplianceRule{"cchc", 10, 3}));
  const auto r = build_report(b, {}, reasons_);
  EXPECT_EQ(r.from, day(2026, 11, 9));
  EXPECT_EQ(r.to, day(2026, 11, 22));
  ASSERT_EQ(r.weeks.size(), 2u);
  EXPECT_TRUE(r.weeks[0].covered);
  EXPECT_EQ(r.weeks[0].verdict, Verdict::kFailed);
  EXPECT_EQ(r.total.planned, 10);
  EXPECT_EQ(r.total.completed, 3);
}

// --- what the verification vouches for --------------------------------------------------------

/// Replaces every `from` in the bundle file: an edit made after export.
void edit_bundle(const std::filesystem::path& file, const std::string& from,
                 const std::string& to) {
  std::string text = testing::read_file(file);
  std::size_t edits = 0;
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
    ++edits;
  }
  ASSERT_GT(edits, 0u) << from;
  std::ofstream(file, std::ios::binary | std::ios::trunc) << text;
}

const OccurrenceRow& on_day(const CommuneReport& r, unsigned d) {
  for (const auto& o : r.occurrences) {
    if (o.day == day(2026, 11, d)) return o;
  }
  throw std::runtime_error("no occurrence on day " + std::to_string(d));
}

// The outcome of the 18th (failed) turned into completed in the bundle: the chain breaks
// there, and the last good signature is the checkpoint of the 15th. What that signature
// covers counts; from the first event after it on, nothing does, and no period is met.
TEST_F(ReportModelTest, ABrokenLogCountsWhatVerifiedAndCallsTheRestUnverifiable) {
  const auto out = dir_ / "xa.loaxa";
  write_bundle(log_.db(), log_.config(), {std::nullopt, std::nullopt, out});
  edit_bundle(out, R"(\"outcome\":\"failed\")", R"(\"outcome\":\"completed\")");
  const AuditSource b = read_bundle(out, std::nullopt);
  ASSERT_FALSE(b.verification.intact());
  const auto r = build_report(b, {}, reasons_);

  ASSERT_TRUE(r.verified_before.has_value());
  EXPECT_EQ(*r.verified_before, b.verification.signed_through + 1);
  ASSERT_TRUE(r.unverified_from.has_value());
  EXPECT_EQ(*r.unverified_from, day(2026, 11, 16));
  EXPECT_EQ(period(r.weeks, "2026-W45").verdict, Verdict::kMet);
  EXPECT_EQ(period(r.weeks, "2026-W46").verdict, Verdict::kFailed);
  EXPECT_EQ(period(r.weeks, "2026-W47").verdict, Verdict::kUnverifiable);
  EXPECT_EQ(period(r.weeks, "2026-W48").verdict, Verdict::kUnverifiable);
  EXPECT_FALSE(period(r.weeks, "2026-W47").verified);
  EXPECT_EQ(r.months[0].verdict, Verdict::kUnverifiable);
  // Only W46's gap: past the break there is nothing to explain.
  ASSERT_EQ(r.gaps.size(), 1u);
  EXPECT_EQ(r.gaps[0].label, "2026-W46");

  // The rows up to the 15th count; the edited one and every later one are shown, marked.
  EXPECT_TRUE(on_day(r, 13).verified);
  EXPECT_FALSE(on_day(r, 16).verified);
  EXPECT_FALSE(on_day(r, 18).verified);
  EXPECT_TRUE(on_day(r, 18).broken);
  EXPECT_FALSE(on_day(r, 17).broken);
  EXPECT_EQ(on_day(r, 18).outcome, "completed");  // what the edited log says...
  EXPECT_EQ(occurrence_outcome_text(on_day(r, 18)).vi,
            "KHÔNG XÁC MINH ĐƯỢC (nhật ký ghi: đã phát trọn vẹn)");  // ... and how it is shown
  ASSERT_TRUE(r.broken_event.has_value());
  EXPECT_EQ(r.broken_event->vi, "kết quả buổi phát lịch 06:00 ngày 18/11/2026");
  EXPECT_EQ(r.total.planned, 7);    // W45 and W46
  EXPECT_EQ(r.total.completed, 4);  // the forged one is not among them
  EXPECT_EQ(r.total.unverified, 11);
  EXPECT_NE(verification_text(r).vi.find("KHÔNG XÁC MINH ĐƯỢC"), std::string::npos)
      << verification_text(r).vi;

  // Every format marks the row and the periods.
  Report report;
  report.communes = {r};
  const auto j = report_json(report, Lang::kVi);
  const auto& c = j["communes"][0];
  int broken_rows = 0;
  for (const auto& o : c["occurrences"]) broken_rows += o["broken"].get<bool>() ? 1 : 0;
  EXPECT_EQ(broken_rows, 1);
  EXPECT_EQ(c["months"][0]["verdict"], "unverifiable");
  EXPECT_EQ(c["months"][0]["verdict_text"], "KHÔNG XÁC MINH ĐƯỢC");
  EXPECT_EQ(c["verification"]["unverified_from"], "2026-11-16");
  const std::string csv = render_csv(report, Lang::kVi);
  EXPECT_NE(csv.find(",unverifiable,KHÔNG XÁC MINH ĐƯỢC,"), std::string::npos);
  EXPECT_NE(csv.find("KHÔNG XÁC MINH ĐƯỢC (nhật ký ghi: đã phát trọn vẹn)"), std::string::npos);
  const std::string html = render_html(report, Lang::kEn);
  EXPECT_NE(html.find("data-broken=\"true\""), std::string::npos);
  EXPECT_NE(html.find("BROKEN: the first broken event"), std::string::npos);
  EXPECT_NE(html.find("data-verdict=\"unverifiable\">UNVERIFIABLE"), std::string::npos);
}

// A break before the first checkpoint leaves no good signature to vouch for anything: every
// period is unverifiable, whatever the events say.
TEST_F(ReportModelTest, ABreakBeforeTheFirstCheckpointLeavesNothingVerified) {
  const auto out = dir_ / "xa.loaxa";
  write_bundle(log_.db(), log_.config(), {std::nullopt, std::nullopt, out});
  // The segment's title as chained at import, the second event.
  edit_bundle(out, R"(\"title\":\"Giới thiệu dịch vụ công\")", R"(\"title\":\"Khác\")");
  const AuditSource b = read_bundle(out, std::nullopt);
  ASSERT_FALSE(b.verification.intact());
  const auto r = build_report(b, {}, reasons_);
  for (const auto& w : r.weeks) EXPECT_EQ(w.verdict, Verdict::kUnverifiable) << w.label;
  EXPECT_EQ(r.months[0].verdict, Verdict::kUnverifiable);
  EXPECT_EQ(r.total.planned, 0);
  EXPECT_EQ(r.total.unverified, 18);
  EXPECT_NE(verification_text(r).en.find("No event is verified"), std::string::npos)
      << verification_text(r).en;
}

// Broadcasts to `--output rehearsal` (WAV files) were never heard: they count towards no rule,
// every format says DIỄN TẬP, and a log of rehearsals only is never met.
TEST(ReportRehearsalTest, ALogOfRehearsalsOnlyGetsNoMetVerdict) {
  TempDir dir;
  StationLog log(dir.path(), "Xã Diễn Tập");
  log.config().compliance = {{"cchc", 4, 1}};
  log.event("daemon_started", log.at(2026, 11, 1, 0, 5),
            {{"station", "Xã Diễn Tập"}, {"output", "rehearsal"}});
  log.segment("aaaaaaaaaaaa", "Giới thiệu dịch vụ công", log.at(2026, 11, 1, 0, 10));
  log.checkpoint(log.at(2026, 11, 1, 0, 20), "start");
  for (unsigned d = 2; d <= 29; d += 2) {
    LoggedBroadcast b;
    b.scheduled_at = log.at(2026, 11, d);
    b.output = "rehearsal";
    log.broadcast(b);
  }
  log.checkpoint(log.at(2026, 11, 30, 23), "daily");
  ReasonTranslator reasons;
  const AuditSource source = read_database(log.db(), log.config(), std::nullopt);
  ASSERT_TRUE(source.verification.intact());
  const auto r = build_report(source, {}, reasons);
  EXPECT_EQ(r.total.rehearsal, 14);
  EXPECT_EQ(r.total.planned, 0);
  EXPECT_EQ(r.total.completed, 0);
  for (const auto& p : r.weeks) {
    EXPECT_NE(p.verdict, Verdict::kMet) << p.label;
    ASSERT_FALSE(p.checks.empty());
    // Weeks 45 to 48 hold the rehearsals; 44 and 49 reach into October and December.
    if (p.label != "2026-W44" && p.label != "2026-W49") {
      EXPECT_GT(p.checks[0].rehearsal, 0) << p.label;
    }
  }
  EXPECT_EQ(period(r.weeks, "2026-W46").verdict, Verdict::kFailed);
  EXPECT_EQ(r.months[0].verdict, Verdict::kFailed);
  bool noted = false;
  for (const auto& g : r.gaps) {
    for (const auto& n : g.notes) noted |= n.vi.find("DIỄN TẬP") != std::string::npos;
  }
  EXPECT_TRUE(noted);

  Report report;
  report.communes = {r};
  const auto j = report_json(report, Lang::kVi);
  EXPECT_EQ(j["communes"][0]["occurrences"][0]["rehearsal"], true);
  EXPECT_EQ(j["communes"][0]["occurrences"][0]["outcome_text"],
            "DIỄN TẬP (không phải phát thật): đã phát trọn vẹn");
  EXPECT_EQ(j["communes"][0]["total"]["rehearsal"], 14);
  for (const Lang lang : {Lang::kVi, Lang::kEn}) {
    const std::string word = lang == Lang::kVi ? "DIỄN TẬP" : "REHEARSAL";
    EXPECT_NE(render_csv(report, lang).find(word), std::string::npos) << word;
    const std::string html = render_html(report, lang);
    EXPECT_NE(html.find(word), std::string::npos) << word;
    EXPECT_NE(html.find("data-rehearsal=\"true\""), std::string::npos);
    EXPECT_EQ(html.find("data-verdict=\"met\""), std::string::npos);
  }
  // Once per row in the page: the mark, and the outcome's words beside it.
  const std::string html = render_html(report, Lang::kVi);
  std::size_t marks = 0;
  const std::string mark = "DIỄN TẬP (không phải phát thật)";
  for (auto at = html.find(mark); at != std::string::npos; at = html.find(mark, at + 1)) ++marks;
  EXPECT_EQ(marks, 14u);
}

// Rehearsals beside real broadcasts add nothing to the real ones' count.
TEST_F(ReportModelTest, RehearsalsBesideRealBroadcastsAreNotCounted) {
  for (unsigned d : {12u, 14u, 15u}) {
    LoggedBroadcast b;
    b.scheduled_at = log_.at(2026, 11, d, 17);
    b.output = "rehearsal";
    log_.broadcast(b);
  }
  log_.checkpoint(log_.at(2026, 11, 30, 1));
  const auto r = build();
  const auto& w46 = period(r.weeks, "2026-W46");
  EXPECT_EQ(w46.verdict, Verdict::kFailed);
  EXPECT_EQ(w46.total.completed, 1);
  EXPECT_EQ(w46.total.rehearsal, 3);
  EXPECT_EQ(w46.total.planned, 4);
  EXPECT_EQ(r.total.rehearsal, 3);
  EXPECT_EQ(r.occurrences.size(), 21u);
}

// A broadcast cut at its slot's max_duration is a matter of the schedule, not of the recording.
TEST_F(ReportModelTest, AMaxDurationCutIsAScheduleMatterInTheGaps) {
  LoggedBroadcast b;
  b.scheduled_at = log_.at(2026, 11, 22, 17);
  b.outcome = Outcome::kPartial;
  b.why = Reason(ReasonCode::kCutAtMaxDuration).with("max_duration", "0:20");
  b.played_fraction = 0.66;
  log_.broadcast(b);
  log_.checkpoint(log_.at(2026, 11, 30, 1));
  const auto r = build();
  const Gap* w47 = nullptr;
  for (const auto& g : r.gaps) {
    if (g.label == "2026-W47") w47 = &g;
  }
  ASSERT_NE(w47, nullptr);
  int schedule = 0, content = 0;
  for (const auto& reason : w47->reasons) {
    schedule += reason.cause == Cause::kSchedule ? reason.count : 0;
    content += reason.cause == Cause::kContent ? reason.count : 0;
  }
  EXPECT_EQ(schedule, 1);
  EXPECT_EQ(content, 0);
  Report report;
  report.communes = {r};
  const auto j = report_json(report, Lang::kEn);
  bool found = false;
  for (const auto& g : j["communes"][0]["gaps"]) {
    for (const auto& reason : g["reasons"]) {
      if (reason["cause"] == "schedule") {
        found = true;
        EXPECT_EQ(reason["cause_text"],
                  "longer than the slot's max_duration (a matter of the schedule, not of the "
                  "recording)");
      }
    }
  }
  EXPECT_TRUE(found);
}

// Logs written before schema 5 carry only English: the v5 migration (and a report on an older
// bundle) maps each text the daemon wrote to its code, then renders the words from the code.
TEST(ReportTextTest, MapsEveryTextOlderDaemonsWroteToItsCode) {
  using C = ReasonCode;
  struct Case {
    const char* en;
    ReasonCode code;
    Cause cause;
    const char* vi;
  };
  const Case cases[] = {
      {"daemon not running", C::kDaemonNotRunning, Cause::kStationDown,
       "phần mềm phát thanh (loaxad) không chạy"},
      {"loaxad was stopped before it could play", C::kStoppedBeforePlay, Cause::kStationDown,
       "phần mềm phát thanh (loaxad) bị dừng trước khi kịp phát"},
      {"loaxad stopped while broadcasting (crash or power cut); last checkpoint "
       "2026-11-30T06:00:02+07:00",
       C::kDaemonCrashed, Cause::kStationDown,
       "phần mềm phát thanh (loaxad) dừng giữa buổi phát (sự cố hoặc mất điện); điểm lưu cuối "
       "lúc 2026-11-30T06:00:02+07:00"},
      {"loaxad stopped (SIGTERM)", C::kDaemonStopped, Cause::kStationDown,
       "phần mềm phát thanh (loaxad) bị dừng (SIGTERM)"},
      {"waited past its grace (10 min) behind another broadcast", C::kWaitedPastGrace, Cause::kLate,
       "chờ quá thời gian cho phép (10:00) sau một buổi phát khác"},
      {"reached 46 s late, past its grace (0:10): the wall clock jumped forward 100 s",
       C::kPastGraceClockJump, Cause::kLate,
       "đến lượt phát trễ 46 giây, quá thời gian cho phép (0:10): đồng hồ bị chỉnh nhảy tới 100 "
       "giây"},
      {"the daemon reached it 912 s late (wall clock jumped forward, or the machine was "
       "suspended)",
       C::kReachedLate, Cause::kLate,
       "phần mềm phát thanh (loaxad) đến lượt phát trễ 912 giây (đồng hồ nhảy tới, hoặc máy bị "
       "tạm ngưng)"},
      {"output could not be started: output device ALSA / default is unavailable (lost, "
       "retrying)",
       C::kOutputNotStarted, Cause::kDevice,
       "không khởi động được thiết bị ra: output device ALSA / default is unavailable (lost, "
       "retrying)"},
      {"output could not be opened: Device unavailable", C::kOutputNotOpened, Cause::kDevice,
       "không mở được thiết bị ra: Device unavailable"},
      // Zones on devices of their own (station_daemon.cpp watch() and finish()).
      {"output JACK / zone-b (zones thon-b, thon-c) stalled: no audio delivered for 2 s (device "
       "gone?)",
       C::kOutputStalled, Cause::kDevice,
       "thiết bị ra JACK / zone-b (vùng thon-b, thon-c) bị treo: không có âm thanh ra trong 2 "
       "giây (mất thiết bị?)"},
      {"output stalled: no audio delivered for 2 s (device gone?)", C::kOutputStalled,
       Cause::kDevice, "thiết bị ra bị treo: không có âm thanh ra trong 2 giây (mất thiết bị?)"},
      {"output JACK / zone-b (zones thon-b) lost: the device went away", C::kOutputLost,
       Cause::kDevice, "mất thiết bị ra JACK / zone-b (vùng thon-b)"},
      {"not played on ALSA / hw:1,0 (zones thon-bac): output device ALSA / hw:1,0 is unavailable "
       "(lost, retrying)",
       C::kNotPlayedOn, Cause::kDevice,
       "không phát được trên ALSA / hw:1,0 (vùng thon-bac): output device ALSA / hw:1,0 is "
       "unavailable (lost, retrying)"},
      {"JACK / zone-a (zones thon-a): delivered 100 of 48000 frames", C::kDeliveredShort,
       Cause::kContent, "JACK / zone-a (vùng thon-a): chỉ phát được 100 trên 48000 mẫu âm thanh"},
      {"cancelled: the amplifier's 'before' command failed (exit 1)", C::kAmplifierCancelled,
       Cause::kDevice, "đã hủy: lệnh 'before' của bộ khuếch đại bị lỗi (exit 1)"},
      {"pre-empted by an emergency broadcast (bao-lu) (before the broadcast began)",
       C::kPreemptedByEmergency, Cause::kPreempted,
       "bị tin khẩn chen ngang (bao-lu) (trước khi buổi phát bắt đầu)"},
      {"stopped by the operator (loaxa stop)", C::kOperatorStop, Cause::kOperator,
       "dừng theo lệnh người vận hành (loaxa stop)"},
      {"longer than the slot's max_duration (15:00); faded out", C::kCutAtMaxDuration,
       Cause::kSchedule,
       "dài hơn thời lượng tối đa của khung giờ (15:00); đã giảm dần âm lượng để kết thúc"},
      {"/var/lib/loaxa/a.mp3: decode error (bad frame)", C::kDecodeError, Cause::kContent,
       "/var/lib/loaxa/a.mp3: lỗi giải mã (bad frame)"},
      {"/var/lib/loaxa/a.mp3: the segment's file changed after import (sha256 0123456789ab "
       "instead of ba9876543210); not played — import the approved recording again",
       C::kContentHashMismatch, Cause::kContent,
       "/var/lib/loaxa/a.mp3: tệp của đoạn đã bị thay đổi sau khi nhập (mã băm 0123456789ab thay "
       "vì ba9876543210); không phát — hãy nhập lại bản đã duyệt"},
      {"segment \"abc\" is retired", C::kSegmentRetired, Cause::kNothingToPlay,
       "đoạn \"abc\" đã ngừng phát"},
      {"no listed segment is approved and valid on 2026-12-01", C::kListNoneApproved,
       Cause::kNothingToPlay,
       "không có đoạn nào trong danh sách đã duyệt và còn hiệu lực ngày 01/12/2026"},
      {"no imported segment has tag \"cchc\"", C::kNoSegmentWithTag, Cause::kNothingToPlay,
       "chưa có đoạn nào mang nhãn \"cchc\""},
      {"nothing to play: no eligible segment", C::kNothingEligible, Cause::kNothingToPlay,
       "không có gì để phát: không có đoạn nào đủ điều kiện"},
      {"something new", C::kUnmappedText, Cause::kOther,
       "something new (ghi bằng tiếng Anh, chưa dịch)"},
  };
  ReasonTranslator translator;
  for (const auto& c : cases) {
    const Reason mapped = legacy_reason(c.en);
    EXPECT_EQ(to_string(mapped.code), std::string(to_string(c.code))) << c.en;
    const auto r = translator.explain(std::nullopt, c.en);
    EXPECT_EQ(r.cause, c.cause) << c.en;
    EXPECT_EQ(r.text.vi, c.vi) << c.en;
    // The code's own words are the ones the text was written in (bar the oldest wordings).
    if (c.code != C::kWaitedPastGrace) {
      EXPECT_EQ(r.text.en, c.en);
    }
  }
  EXPECT_EQ(outcome_text("missed").vi, "không phát");
  EXPECT_EQ(outcome_text("preempted").en, "pre-empted");
}

}  // namespace
}  // namespace loaxa
