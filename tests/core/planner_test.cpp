#include "core/planner.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <sstream>
#include <stdexcept>
#include <string_view>

namespace loaxa {
namespace {

using std::chrono::microseconds;
using std::chrono::seconds;

/// "mon,wed" / "daily" / "" and "06:00:00" lists -> a Slot, without going through the parser.
Slot make_slot(const std::string& days, const std::vector<std::string>& times,
               PlaySpec play = {PlaySpec::Kind::kTag, "cchc"}, int index = 0) {
  static const std::vector<std::string> kNames = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  Slot slot;
  slot.index = index;
  std::stringstream ss(days);
  for (std::string d; std::getline(ss, d, ',');) {
    for (size_t i = 0; i < kNames.size(); ++i) {
      if (d == "daily" || d == kNames[i]) slot.days[i] = true;
    }
  }
  for (const auto& t : times) {
    int h = 0, m = 0, s = 0;
    std::sscanf(t.c_str(), "%d:%d:%d", &h, &m, &s);
    slot.times.push_back(seconds{h * 3600 + m * 60 + s});
  }
  slot.play = std::move(play);
  return slot;
}

const date::time_zone* zone(const std::string& name) {
  const date::time_zone* z = find_zone(name);
  EXPECT_NE(z, nullptr) << name;
  return z;
}

/// "2026-11-30T06:00:00+07:00", optionally with a fraction ("...:00.000001+07:00") -> Instant.
/// Parsed by hand: date::parse trips a -Wmaybe-uninitialized false positive in GCC 12.
Instant at(const std::string& iso) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, oh = 0, om = 0, used = 0;
  char sign = 0;
  std::string_view rest(iso);
  EXPECT_EQ(std::sscanf(iso.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &used),
            6)
      << iso;
  rest.remove_prefix(static_cast<size_t>(used));
  long micros = 0;
  if (!rest.empty() && rest.front() == '.') {
    rest.remove_prefix(1);
    int digits = 0;
    while (!rest.empty() && rest.front() >= '0' && rest.front() <= '9') {
      micros = micros * 10 + (rest.front() - '0');
      rest.remove_prefix(1);
      ++digits;
    }
    for (; digits < 6; ++digits) micros *= 10;
  }
  EXPECT_EQ(std::sscanf(std::string(rest).c_str(), "%c%2d:%2d", &sign, &oh, &om), 3) << iso;
  auto offset = std::chrono::minutes{(sign == '-' ? -1 : 1) * (oh * 60 + om)};
  date::sys_days day = date::year{y} / mo / d;
  return Instant{day.time_since_epoch()} + std::chrono::hours{h} + std::chrono::minutes{mi} +
         seconds{s} + microseconds{micros} - offset;
}

struct NextCase {
  const char* name;
  const char* zone;
  const char* days;
  std::vector<std::string> times;
  const char* after;     ///< ISO with offset
  const char* expected;  ///< format_iso in the zone, or "" for never
};

// Like systemd's test-calendarspec: (rule, after) -> next, one row per edge.
const std::vector<NextCase> kNextCases = {
    {"same_day_before",
     "Asia/Ho_Chi_Minh",
     "daily",
     {"06:00"},
     "2026-11-30T05:59:59+07:00",
     "2026-11-30T06:00:00.000+07:00"},
    {"exactly_at_occurrence_gives_next",
     "Asia/Ho_Chi_Minh",
     "daily",
     {"06:00"},
     "2026-11-30T06:00:00+07:00",
     "2026-12-01T06:00:00.000+07:00"},
    {"one_microsecond_before",
     "Asia/Ho_Chi_Minh",
     "daily",
     {"06:00"},
     "2026-11-30T05:59:59.999999+07:00",
     "2026-11-30T06:00:00.000+07:00"},
    {"one_microsecond_after",
     "Asia/Ho_Chi_Minh",
     "daily",
     {"06:00"},
     "2026-11-30T06:00:00.000001+07:00",
     "2026-12-01T06:00:00.000+07:00"},
    {"time_with_seconds",
     "Asia/Ho_Chi_Minh",
     "daily",
     {"17:15:30"},
     "2026-11-30T17:15:29+07:00",
     "2026-11-30T17:15:30.000+07:00"},
    {"second_time_same_day",
     "Asia/Ho_Chi_Minh",
     "daily",
     {"06:00", "17:15"},
     "2026-11-30T06:00:00+07:00",
     "2026-11-30T17:15:00.000+07:00"},
    {"midnight",
     "Asia/Ho_Chi_Minh",
     "daily",
     {"00:00"},
     "2026-11-30T23:59:59+07:00",
     "2026-12-01T00:00:00.000+07:00"},
    {"last_second_of_day",
     "Asia/Ho_Chi_Minh",
     "daily",
     {"23:59:59"},
     "2026-11-30T23:59:58+07:00",
     "2026-11-30T23:59:59.000+07:00"},
    {"weekdays_skip_weekend",
     "Asia/Ho_Chi_Minh",
     "mon,wed,fri",
     {"06:00"},
     "2026-12-04T06:00:00+07:00",
     "2026-12-07T06:00:00.000+07:00"},
    {"weekday_later_in_week",
     "Asia/Ho_Chi_Minh",
     "mon,wed,fri",
     {"06:00"},
     "2026-11-30T07:00:00+07:00",
     "2026-12-02T06:00:00.000+07:00"},
    {"sunday_only_full_week",
     "Asia/Ho_Chi_Minh",
     "sun",
     {"06:00"},
     "2026-12-06T06:00:00+07:00",
     "2026-12-13T06:00:00.000+07:00"},
    {"month_end_30",
     "Asia/Ho_Chi_Minh",
     "daily",
     {"06:00"},
     "2026-04-30T07:00:00+07:00",
     "2026-05-01T06:00:00.000+07:00"},
    {"month_end_31",
     "Asia/Ho_Chi_Minh",
     "daily",
     {"06:00"},
     "2026-01-31T06:00:00+07:00",
     "2026-02-01T06:00:00.000+07:00"},
    {"year_end",
     "Asia/Ho_Chi_Minh",
     "daily",
     {"06:00"},
     "2026-12-31T06:00:00+07:00",
     "2027-01-01T06:00:00.000+07:00"},
    {"year_end_weekday",
     "Asia/Ho_Chi_Minh",
     "mon",
     {"05:30"},
     "2026-12-28T06:00:00+07:00",
     "2027-01-04T05:30:00.000+07:00"},
    {"leap_day",
     "Asia/Ho_Chi_Minh",
     "daily",
     {"06:00"},
     "2028-02-28T06:00:00+07:00",
     "2028-02-29T06:00:00.000+07:00"},
    {"after_leap_day",
     "Asia/Ho_Chi_Minh",
     "daily",
     {"06:00"},
     "2028-02-29T06:00:00+07:00",
     "2028-03-01T06:00:00.000+07:00"},
    {"no_leap_day_2027",
     "Asia/Ho_Chi_Minh",
     "daily",
     {"06:00"},
     "2027-02-28T06:00:00+07:00",
     "2027-03-01T06:00:00.000+07:00"},
    {"leap_day_tuesday",
     "Asia/Ho_Chi_Minh",
     "tue",
     {"17:15"},
     "2028-02-23T18:00:00+07:00",
     "2028-02-29T17:15:00.000+07:00"},
    {"utc_date_differs_from_local",
     "Asia/Ho_Chi_Minh",
     "mon",
     {"05:00"},
     "2026-11-29T21:00:00+00:00",
     "2026-11-30T05:00:00.000+07:00"},
    {"new_york",
     "America/New_York",
     "daily",
     {"06:00"},
     "2026-11-30T06:00:00-05:00",
     "2026-12-01T06:00:00.000-05:00"},
    {"kolkata_half_hour_offset",
     "Asia/Kolkata",
     "daily",
     {"06:00"},
     "2026-11-30T00:00:00+05:30",
     "2026-11-30T06:00:00.000+05:30"},
    {"berlin_winter",
     "Europe/Berlin",
     "daily",
     {"06:00"},
     "2026-01-15T07:00:00+01:00",
     "2026-01-16T06:00:00.000+01:00"},
    {"berlin_summer",
     "Europe/Berlin",
     "daily",
     {"06:00"},
     "2026-07-15T07:00:00+02:00",
     "2026-07-16T06:00:00.000+02:00"},
    // 2026-03-29 02:00 CET -> 03:00 CEST: 02:30 does not exist and fires at the gap's end.
    {"berlin_gap_fires_at_gap_end",
     "Europe/Berlin",
     "daily",
     {"02:30"},
     "2026-03-28T03:00:00+01:00",
     "2026-03-29T03:00:00.000+02:00"},
    {"berlin_after_gap",
     "Europe/Berlin",
     "daily",
     {"02:30"},
     "2026-03-29T03:00:00+02:00",
     "2026-03-30T02:30:00.000+02:00"},
    {"berlin_two_times_in_gap_fire_once",
     "Europe/Berlin",
     "daily",
     {"02:15", "02:45"},
     "2026-03-29T03:00:00+02:00",
     "2026-03-30T02:15:00.000+02:00"},
    {"berlin_time_after_gap_unaffected",
     "Europe/Berlin",
     "daily",
     {"03:00"},
     "2026-03-29T00:00:00+01:00",
     "2026-03-29T03:00:00.000+02:00"},
    // 2026-10-25 03:00 CEST -> 02:00 CET: 02:30 happens twice and fires at the first.
    {"berlin_fold_fires_first",
     "Europe/Berlin",
     "daily",
     {"02:30"},
     "2026-10-24T03:00:00+02:00",
     "2026-10-25T02:30:00.000+02:00"},
    {"berlin_fold_not_twice",
     "Europe/Berlin",
     "daily",
     {"02:30"},
     "2026-10-25T02:30:00+02:00",
     "2026-10-26T02:30:00.000+01:00"},
    {"berlin_fold_after_inside_second_pass",
     "Europe/Berlin",
     "daily",
     {"02:45"},
     "2026-10-25T02:10:00+01:00",
     "2026-10-26T02:45:00.000+01:00"},
    // Samoa skipped all of Friday 2011-12-30; that day's broadcast goes out when the day resumes.
    {"apia_skipped_day",
     "Pacific/Apia",
     "fri",
     {"12:00"},
     "2011-12-29T12:00:00-10:00",
     "2011-12-31T00:00:00.000+14:00"},
    {"no_days_never", "Asia/Ho_Chi_Minh", "", {"06:00"}, "2026-11-30T00:00:00+07:00", ""},
    {"no_times_never", "Asia/Ho_Chi_Minh", "daily", {}, "2026-11-30T00:00:00+07:00", ""},
};

class PlannerNextAfter : public ::testing::TestWithParam<NextCase> {};

TEST_P(PlannerNextAfter, Table) {
  const NextCase& c = GetParam();
  const date::time_zone* z = zone(c.zone);
  ASSERT_NE(z, nullptr);
  std::optional<Instant> next = next_after(make_slot(c.days, c.times), at(c.after), z);
  if (std::string(c.expected).empty()) {
    EXPECT_FALSE(next.has_value()) << format_iso(*next, z);
  } else {
    ASSERT_TRUE(next.has_value());
    EXPECT_EQ(format_iso(*next, z), c.expected);
  }
}

INSTANTIATE_TEST_SUITE_P(Planner, PlannerNextAfter, ::testing::ValuesIn(kNextCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(PlannerNextAfterBadInput, NullZoneThrows) {
  EXPECT_THROW(next_after(make_slot("daily", {"06:00"}), at("2026-11-30T00:00:00+07:00"), nullptr),
               std::invalid_argument);
}

TEST(PlannerNextAfterBadInput, TimeOutsideDayThrows) {
  Slot slot = make_slot("daily", {"06:00"});
  slot.times.push_back(seconds{24 * 3600});
  EXPECT_THROW(next_after(slot, at("2026-11-30T00:00:00+07:00"), zone("Asia/Ho_Chi_Minh")),
               std::invalid_argument);
  slot.times = {seconds{-1}};
  EXPECT_THROW(next_after(slot, at("2026-11-30T00:00:00+07:00"), zone("Asia/Ho_Chi_Minh")),
               std::invalid_argument);
}

TEST(PlannerNextAfterBadInput, UnsortedTimesStillGiveEarliest) {
  Slot slot = make_slot("daily", {"17:15", "06:00"});
  auto next = next_after(slot, at("2026-11-30T00:00:00+07:00"), zone("Asia/Ho_Chi_Minh"));
  ASSERT_TRUE(next);
  EXPECT_EQ(format_iso(*next, zone("Asia/Ho_Chi_Minh")), "2026-11-30T06:00:00.000+07:00");
}

Segment segment(const std::string& id, const std::string& tag, std::int64_t order,
                std::int64_t seconds_long) {
  Segment s;
  s.id = id;
  s.title = "title " + id;
  s.tag = tag;
  s.import_order = order;
  s.sample_rate = 48000;
  s.frames = seconds_long * 48000;
  return s;
}

const std::vector<Segment> kCatalogue = {
    segment("ccc", "cchc", 3, 30), segment("aaa", "cchc", 1, 60), segment("bbb", "news", 2, 45),
    segment("ddd", "cchc", 2, 15)};

std::vector<std::string> ids(const std::vector<Segment>& segments) {
  std::vector<std::string> out;
  for (const auto& s : segments) out.push_back(s.id);
  return out;
}

TEST(PlannerResolve, TagInImportOrder) {
  EXPECT_EQ(ids(resolve({PlaySpec::Kind::kTag, "cchc"}, kCatalogue)),
            (std::vector<std::string>{"aaa", "ddd", "ccc"}));
}

TEST(PlannerResolve, SegmentById) {
  EXPECT_EQ(ids(resolve({PlaySpec::Kind::kSegment, "bbb"}, kCatalogue)),
            (std::vector<std::string>{"bbb"}));
}

TEST(PlannerResolve, NothingMatches) {
  EXPECT_TRUE(resolve({PlaySpec::Kind::kTag, "weather"}, kCatalogue).empty());
  EXPECT_TRUE(resolve({PlaySpec::Kind::kSegment, "zzz"}, kCatalogue).empty());
  EXPECT_TRUE(resolve({PlaySpec::Kind::kTag, ""}, {segment("e", "", 1, 1)}).empty());
  EXPECT_TRUE(resolve({PlaySpec::Kind::kTag, "cchc"}, {}).empty());
}

Programme programme(const std::string& id, std::vector<Slot> slots) {
  Programme p;
  p.id = id;
  p.title = "Title of " + id;
  p.slots = std::move(slots);
  return p;
}

TEST(PlannerExpand, SortedByTimeThenProgrammeThenSlot) {
  const auto* z = zone("Asia/Ho_Chi_Minh");
  std::vector<Programme> progs = {
      programme("news", {make_slot("daily", {"06:00"}, {PlaySpec::Kind::kTag, "news"})}),
      programme("cchc", {make_slot("mon,wed,fri", {"06:00"}, {PlaySpec::Kind::kTag, "cchc"}, 0),
                         make_slot("tue,thu", {"17:15"}, {PlaySpec::Kind::kTag, "cchc"}, 1),
                         make_slot("mon", {"06:00"}, {PlaySpec::Kind::kSegment, "bbb"}, 2)})};
  auto plan = expand(progs, kCatalogue, at("2026-11-30T00:00:00+07:00"),
                     at("2026-12-02T00:00:00+07:00"), z);
  std::vector<std::string> keys;
  for (const auto& o : plan) keys.push_back(o.key());
  EXPECT_EQ(keys,
            (std::vector<std::string>{"cchc#0@2026-11-29T23:00:00Z", "cchc#2@2026-11-29T23:00:00Z",
                                      "news#0@2026-11-29T23:00:00Z", "news#0@2026-11-30T23:00:00Z",
                                      "cchc#1@2026-12-01T10:15:00Z"}));
  EXPECT_EQ(plan[0].programme_title, "Title of cchc");
  EXPECT_EQ(ids(plan[0].segments), (std::vector<std::string>{"aaa", "ddd", "ccc"}));
  EXPECT_DOUBLE_EQ(plan[0].total_seconds, 105.0);
  EXPECT_EQ(ids(plan[1].segments), (std::vector<std::string>{"bbb"}));
  EXPECT_DOUBLE_EQ(plan[1].total_seconds, 45.0);
}

TEST(PlannerExpand, HalfOpenPeriod) {
  const auto* z = zone("Asia/Ho_Chi_Minh");
  std::vector<Programme> progs = {programme("cchc", {make_slot("daily", {"06:00"})})};
  auto plan = expand(progs, kCatalogue, at("2026-11-30T06:00:00+07:00"),
                     at("2026-12-02T06:00:00+07:00"), z);
  ASSERT_EQ(plan.size(), 2u);
  EXPECT_EQ(format_iso(plan[0].scheduled_at, z), "2026-11-30T06:00:00.000+07:00");
  EXPECT_EQ(format_iso(plan[1].scheduled_at, z), "2026-12-01T06:00:00.000+07:00");
}

TEST(PlannerExpand, EmptySlotStaysVisible) {
  const auto* z = zone("Asia/Ho_Chi_Minh");
  std::vector<Programme> progs = {programme("cchc", {make_slot("daily", {"06:00"})})};
  auto plan =
      expand(progs, {}, at("2026-11-30T00:00:00+07:00"), at("2026-12-01T00:00:00+07:00"), z);
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_TRUE(plan[0].segments.empty());
  EXPECT_EQ(plan[0].total_seconds, 0);
}

TEST(PlannerExpand, WholeYearCountsAndLeapYear) {
  const auto* z = zone("Asia/Ho_Chi_Minh");
  std::vector<Programme> progs = {programme("cchc", {make_slot("daily", {"06:00", "17:15"})})};
  EXPECT_EQ(
      expand(progs, {}, at("2028-01-01T00:00:00+07:00"), at("2029-01-01T00:00:00+07:00"), z).size(),
      2u * 366);
  EXPECT_EQ(
      expand(progs, {}, at("2027-01-01T00:00:00+07:00"), at("2028-01-01T00:00:00+07:00"), z).size(),
      2u * 365);
}

TEST(PlannerExpand, DstGapCollapsesAndFoldDoesNotRepeat) {
  const auto* z = zone("Europe/Berlin");
  std::vector<Programme> progs = {programme("p", {make_slot("daily", {"02:15", "02:45"})})};
  auto spring =
      expand(progs, {}, at("2026-03-29T00:00:00+01:00"), at("2026-03-30T00:00:00+02:00"), z);
  ASSERT_EQ(spring.size(), 1u);
  EXPECT_EQ(format_iso(spring[0].scheduled_at, z), "2026-03-29T03:00:00.000+02:00");
  auto autumn =
      expand(progs, {}, at("2026-10-25T00:00:00+02:00"), at("2026-10-26T00:00:00+01:00"), z);
  ASSERT_EQ(autumn.size(), 2u);
  EXPECT_EQ(format_iso(autumn[0].scheduled_at, z), "2026-10-25T02:15:00.000+02:00");
  EXPECT_EQ(format_iso(autumn[1].scheduled_at, z), "2026-10-25T02:45:00.000+02:00");
}

TEST(PlannerExpand, EmptyOrReversedPeriod) {
  const auto* z = zone("Asia/Ho_Chi_Minh");
  std::vector<Programme> progs = {programme("cchc", {make_slot("daily", {"06:00"})})};
  Instant t = at("2026-11-30T06:00:00+07:00");
  EXPECT_TRUE(expand(progs, {}, t, t, z).empty());
  EXPECT_TRUE(expand(progs, {}, t + seconds{1}, t, z).empty());
  EXPECT_THROW(expand(progs, {}, t, t + seconds{1}, nullptr), std::invalid_argument);
}

TEST(PlannerOccurrence, KeyIsUtcToTheSecond) {
  Occurrence o;
  o.programme_id = "cchc";
  o.slot_index = 1;
  o.scheduled_at = at("2026-11-30T17:15:30+07:00");
  EXPECT_EQ(o.key(), "cchc#1@2026-11-30T10:15:30Z");
}

}  // namespace
}  // namespace loaxa
