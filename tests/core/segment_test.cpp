// Segment eligibility and the derivation of approval and validity from events.

#include "core/segment.h"

#include <gtest/gtest.h>

#include <set>

namespace loaxa {
namespace {

using date::day;
using date::month;
using date::year;
using Approval = Segment::Approval;
using Kind = SegmentEvent::Kind;

date::year_month_day ymd(int y, unsigned m, unsigned d) {
  return {year{y}, month{m}, day{d}};
}

Instant at(std::int64_t seconds) {
  return Instant{std::chrono::seconds{seconds}};
}

// --- eligible() --------------------------------------------------------------------------------

struct EligibleCase {
  const char* name;
  Approval approval;
  std::optional<date::year_month_day> from;
  std::optional<date::year_month_day> until;
  date::year_month_day day;
  bool require_approval;
  bool expected;
};

const EligibleCase kEligible[] = {
    {"pending_when_required", Approval::kPending, {}, {}, ymd(2026, 12, 1), true, false},
    {"pending_when_not_required", Approval::kPending, {}, {}, ymd(2026, 12, 1), false, true},
    {"approved_when_required", Approval::kApproved, {}, {}, ymd(2026, 12, 1), true, true},
    {"retired_when_required", Approval::kRetired, {}, {}, ymd(2026, 12, 1), true, false},
    {"retired_even_when_not_required", Approval::kRetired, {}, {}, ymd(2026, 12, 1), false, false},
    {"day_before_from", Approval::kApproved, ymd(2026, 12, 1), ymd(2026, 12, 31), ymd(2026, 11, 30),
     true, false},
    {"first_day_is_inclusive", Approval::kApproved, ymd(2026, 12, 1), ymd(2026, 12, 31),
     ymd(2026, 12, 1), true, true},
    {"last_day_is_inclusive", Approval::kApproved, ymd(2026, 12, 1), ymd(2026, 12, 31),
     ymd(2026, 12, 31), true, true},
    {"day_after_until", Approval::kApproved, ymd(2026, 12, 1), ymd(2026, 12, 31), ymd(2027, 1, 1),
     true, false},
    {"only_from_far_future",
     Approval::kApproved,
     ymd(2026, 12, 1),
     {},
     ymd(2099, 1, 1),
     true,
     true},
    {"only_until_far_past",
     Approval::kApproved,
     {},
     ymd(2026, 12, 31),
     ymd(2000, 1, 1),
     true,
     true},
    {"single_day", Approval::kApproved, ymd(2028, 2, 29), ymd(2028, 2, 29), ymd(2028, 2, 29), true,
     true},
    {"pending_out_of_range_not_required",
     Approval::kPending,
     ymd(2026, 12, 1),
     {},
     ymd(2026, 11, 1),
     false,
     false},
};

class SegmentEligible : public ::testing::TestWithParam<EligibleCase> {};

TEST_P(SegmentEligible, FollowsApprovalAndValidity) {
  const EligibleCase& c = GetParam();
  Segment s;
  s.approval = c.approval;
  s.valid_from = c.from;
  s.valid_until = c.until;
  EXPECT_EQ(eligible(s, c.day, c.require_approval), c.expected);
}

INSTANTIATE_TEST_SUITE_P(Table, SegmentEligible, ::testing::ValuesIn(kEligible),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(SegmentNotAiring, FirstReasonThatHoldsIsGivenWithItsCodeAndWords) {
  Segment s;
  s.approval = Approval::kRetired;
  s.valid_until = ymd(2026, 11, 30);
  // Retired outranks the dates: it will never air whatever the dates say.
  EXPECT_EQ(why_not_eligible(s, ymd(2026, 12, 1), true), NotAiring::kRetired);
  s.approval = Approval::kPending;
  EXPECT_EQ(why_not_eligible(s, ymd(2026, 12, 1), true), NotAiring::kNotApproved);
  EXPECT_EQ(why_not_eligible(s, ymd(2026, 12, 1), false), NotAiring::kExpired);
  EXPECT_EQ(why_not_eligible(s, ymd(2026, 11, 30), false), std::nullopt);
  s.valid_from = ymd(2026, 11, 20);
  EXPECT_EQ(why_not_eligible(s, ymd(2026, 11, 19), false), NotAiring::kNotYetValid);
  EXPECT_EQ(not_airing_text(NotAiring::kNotYetValid, s).vi, "chưa tới ngày hiệu lực 20/11/2026");
  EXPECT_EQ(not_airing_text(NotAiring::kNotYetValid, s).en, "not valid before 2026-11-20");
  EXPECT_EQ(not_airing_text(NotAiring::kExpired, s).vi, "hết hiệu lực từ sau 30/11/2026");
  EXPECT_EQ(not_airing_text(NotAiring::kNotApproved, s).vi, "chưa được duyệt");
}

TEST(SegmentNotAiring, EveryReasonHasACodeAndBothLanguages) {
  const Segment s;
  std::set<std::string_view> codes;
  for (NotAiring why : {NotAiring::kRetired, NotAiring::kNotApproved, NotAiring::kNotYetValid,
                        NotAiring::kExpired}) {
    const std::string_view code = not_airing_code(why);
    EXPECT_NE(code, "?");
    EXPECT_TRUE(codes.insert(code).second) << code;
    const Text t = not_airing_text(why, s);
    EXPECT_FALSE(t.vi.empty()) << code;
    EXPECT_FALSE(t.en.empty()) << code;
    EXPECT_NE(t.vi, t.en) << code;
  }
}

// --- apply_event() -----------------------------------------------------------------------------

SegmentEvent event(Kind kind, std::string by, std::int64_t when,
                   std::optional<date::year_month_day> from = {},
                   std::optional<date::year_month_day> until = {}) {
  return {0, "abcdefabcdef", kind, std::move(by), at(when), from, until, {}, {}, {}};
}

TEST(SegmentEvents, NoEventsMeansPendingAndUnbounded) {
  const Segment s;
  EXPECT_EQ(s.approval, Approval::kPending);
  EXPECT_TRUE(s.approved_by.empty());
  EXPECT_FALSE(s.approved_at);
  EXPECT_FALSE(s.valid_from);
  EXPECT_FALSE(s.valid_until);
}

TEST(SegmentEvents, ApprovalRecordsWhoAndWhen) {
  Segment s;
  apply_event(s, event(Kind::kApproved, "Chủ tịch UBND xã", 100));
  EXPECT_EQ(s.approval, Approval::kApproved);
  EXPECT_EQ(s.approved_by, "Chủ tịch UBND xã");
  EXPECT_EQ(s.approved_at, at(100));
}

TEST(SegmentEvents, LaterApprovalWins) {
  Segment s;
  apply_event(s, event(Kind::kApproved, "A", 100));
  apply_event(s, event(Kind::kApproved, "B", 200));
  EXPECT_EQ(s.approved_by, "B");
  EXPECT_EQ(s.approved_at, at(200));
}

TEST(SegmentEvents, RetirementIsFinal) {
  Segment s;
  apply_event(s, event(Kind::kApproved, "A", 100));
  apply_event(s, event(Kind::kRetired, "B", 200));
  apply_event(s, event(Kind::kApproved, "C", 300));
  EXPECT_EQ(s.approval, Approval::kRetired);
  EXPECT_EQ(s.approved_by, "B");
  EXPECT_EQ(s.approved_at, at(200));
  EXPECT_FALSE(eligible(s, ymd(2026, 12, 1), false));
}

TEST(SegmentEvents, ValidityReplacesTheWholeRangeAndLeavesApprovalAlone) {
  Segment s;
  apply_event(s, event(Kind::kApproved, "A", 100));
  apply_event(s, event(Kind::kValidity, "A", 150, ymd(2026, 12, 1), ymd(2026, 12, 31)));
  EXPECT_EQ(s.valid_from, ymd(2026, 12, 1));
  EXPECT_EQ(s.valid_until, ymd(2026, 12, 31));
  apply_event(s, event(Kind::kValidity, "B", 200, {}, ymd(2027, 1, 15)));
  EXPECT_FALSE(s.valid_from);
  EXPECT_EQ(s.valid_until, ymd(2027, 1, 15));
  EXPECT_EQ(s.approval, Approval::kApproved);
  EXPECT_EQ(s.approved_by, "A");
}

TEST(SegmentEvents, AnEditSetsOnlyTheFieldsItNames) {
  Segment s;
  s.title = "Một cửa";
  s.tag = "cchc";
  apply_event(s, event(Kind::kApproved, "A", 100));
  SegmentEvent edit = event(Kind::kEdited, "B", 200);
  edit.title = "Bộ phận một cửa";
  apply_event(s, edit);
  EXPECT_EQ(s.title, "Bộ phận một cửa");
  EXPECT_EQ(s.tag, "cchc");
  EXPECT_EQ(s.note, "");
  edit.title.reset();
  edit.tag = "";
  edit.note = "đọc lại năm 2027";
  apply_event(s, edit);
  EXPECT_EQ(s.title, "Bộ phận một cửa");
  EXPECT_EQ(s.tag, "");
  EXPECT_EQ(s.note, "đọc lại năm 2027");
  // An edit is not a decision about airing.
  EXPECT_EQ(s.approval, Approval::kApproved);
  EXPECT_EQ(s.approved_by, "A");
}

TEST(SegmentEvents, KindNamesRoundTrip) {
  for (Kind k : {Kind::kApproved, Kind::kRetired, Kind::kValidity, Kind::kEdited}) {
    EXPECT_EQ(parse_kind(kind_name(k)), k);
  }
  EXPECT_FALSE(parse_kind("deleted"));
  EXPECT_EQ(approval_name(Approval::kPending), "pending");
  EXPECT_EQ(approval_name(Approval::kApproved), "approved");
  EXPECT_EQ(approval_name(Approval::kRetired), "retired");
  EXPECT_EQ(approval_text(Approval::kApproved).vi, "đã duyệt");
}

// --- validity_error() --------------------------------------------------------------------------

TEST(SegmentValidity, UntilBeforeFromIsRefusedInBothLanguages) {
  const auto error = validity_error(ymd(2026, 12, 31), ymd(2026, 12, 1));
  ASSERT_TRUE(error);
  EXPECT_NE(error->en.find("--until 2026-12-01"), std::string::npos) << error->en;
  EXPECT_NE(error->en.find("before its start (--from 2026-12-31)"), std::string::npos) << error->en;
  EXPECT_NE(error->vi.find("trước ngày bắt đầu"), std::string::npos) << error->vi;
}

TEST(SegmentValidity, SameDayOpenEndsAndNoneAreFine) {
  EXPECT_FALSE(validity_error(ymd(2026, 12, 1), ymd(2026, 12, 1)));
  EXPECT_FALSE(validity_error(ymd(2026, 12, 1), std::nullopt));
  EXPECT_FALSE(validity_error(std::nullopt, ymd(2026, 12, 1)));
  EXPECT_FALSE(validity_error(std::nullopt, std::nullopt));
}

TEST(SegmentValidity, DatesFormatWithLeadingZeros) {
  EXPECT_EQ(format_date(ymd(2026, 1, 5)), "2026-01-05");
  EXPECT_EQ(format_date(*parse_date("2028-02-29")), "2028-02-29");
}

}  // namespace
}  // namespace loaxa
