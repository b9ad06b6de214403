#include "config/schedule_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace loaxa {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

Segment segment(const std::string& id, const std::string& tag) {
  Segment s;
  s.id = id;
  s.tag = tag;
  return s;
}

const std::vector<Segment> kCatalogue = {segment("a1b2c3d4e5f6", "cchc"),
                                         segment("0123456789ab", "news")};

std::vector<std::string> problems_en(const ScheduleSet& set) {
  std::vector<std::string> out;
  for (const auto& p : set.problems) out.push_back(p.format(Lang::kEn));
  return out;
}

constexpr const char* kValid = R"(# comment
[programme]
id = "cchc"
title = "Chuyên mục cải cách hành chính"

[[slot]]
days = ["mon", "wed", "fri"]
at = ["17:15:30", "06:00", "06:00"]
play = { tag = "cchc" }

[[slot]]
days = ["daily"]
at = [05:30:00]
play = { segment = "0123456789ab" }
)";

TEST(ScheduleFile, ParsesValidFile) {
  ScheduleSet set = parse_schedule(kValid, "schedules/cchc.toml", kCatalogue);
  ASSERT_TRUE(set.problems.empty()) << problems_en(set)[0];
  ASSERT_EQ(set.programmes.size(), 1u);
  const Programme& p = set.programmes[0];
  EXPECT_EQ(p.id, "cchc");
  EXPECT_EQ(p.title, "Chuyên mục cải cách hành chính");
  EXPECT_EQ(p.where.file, "schedules/cchc.toml");
  EXPECT_EQ(p.where.line, 3);
  ASSERT_EQ(p.slots.size(), 2u);
  const Slot& s0 = p.slots[0];
  EXPECT_EQ(s0.index, 0);
  EXPECT_EQ(s0.days, (std::array<bool, 7>{true, false, true, false, true, false, false}));
  EXPECT_EQ(s0.times, (std::vector<seconds>{seconds{6 * 3600}, seconds{17 * 3600 + 15 * 60 + 30}}));
  EXPECT_EQ(s0.play.kind, PlaySpec::Kind::kTag);
  EXPECT_EQ(s0.play.value, "cchc");
  EXPECT_EQ(s0.where.line, 6);
  const Slot& s1 = p.slots[1];
  EXPECT_EQ(s1.index, 1);
  EXPECT_EQ(s1.days, (std::array<bool, 7>{true, true, true, true, true, true, true}));
  EXPECT_EQ(s1.times, (std::vector<seconds>{seconds{5 * 3600 + 30 * 60}}));
  EXPECT_EQ(s1.play.kind, PlaySpec::Kind::kSegment);
  EXPECT_EQ(s1.play.value, "0123456789ab");
}

TEST(ScheduleFile, TitleDefaultsToId) {
  ScheduleSet set = parse_schedule(
      "[programme]\nid = \"x\"\n[[slot]]\ndays = [\"sun\"]\nat = [\"06:00\"]\nplay = { tag = "
      "\"cchc\" }\n",
      "x.toml", kCatalogue);
  ASSERT_EQ(set.programmes.size(), 1u);
  EXPECT_EQ(set.programmes[0].title, "x");
}

struct BadCase {
  const char* name;
  std::string text;
  std::vector<std::string> expected;  ///< English, formatted, in order
  bool unresolved = false;            ///< kUnresolved: the programme is still usable
};

const std::vector<BadCase> kBadCases = {
    {"unknown_weekday",
     "[programme]\nid = \"cchc\"\n\n[[slot]]\ndays = [\"mon\", \"thu2\"]\nat = [\"06:00\"]\n"
     "play = { tag = \"cchc\" }\n",
     {"f.toml:5:16: unknown weekday \"thu2\"; use mon..sun or \"daily\""}},
    {"daily_with_other_days",
     "[programme]\nid = \"cchc\"\n\n[[slot]]\ndays = [\"daily\", \"mon\"]\nat = [\"06:00\"]\n"
     "play = { tag = \"cchc\" }\n",
     {"f.toml:5:9: \"daily\" already means every day and cannot be combined with other days; "
      "write days = \"daily\" or list only weekdays, e.g. [\"mon\", \"wed\", \"fri\"]"}},
    {"weekday_not_a_string",
     "[programme]\nid = \"cchc\"\n\n[[slot]]\ndays = [1]\nat = [\"06:00\"]\nplay = { tag = "
     "\"cchc\" }\n",
     {"f.toml:5:9: unknown weekday 1; use mon..sun or \"daily\""}},
    {"hour_25",
     "[programme]\nid = \"cchc\"\n\n[[slot]]\ndays = [\"daily\"]\nat = [\"06:00\", \"25:00\"]\n"
     "play = { tag = \"cchc\" }\n",
     {"f.toml:6:16: invalid time \"25:00\"; use HH:MM or HH:MM:SS, from 00:00 to 23:59:59"}},
    {"minute_61",
     "[programme]\nid = \"cchc\"\n\n[[slot]]\ndays = [\"daily\"]\nat = [\"06:61\"]\n"
     "play = { tag = \"cchc\" }\n",
     {"f.toml:6:7: invalid time \"06:61\"; use HH:MM or HH:MM:SS, from 00:00 to 23:59:59"}},
    {"malformed_time",
     "[programme]\nid = \"cchc\"\n\n[[slot]]\ndays = [\"daily\"]\nat = [\"6h\", \"6:00\", "
     "\"06:00:60\", \"06:00:\"]\nplay = { tag = \"cchc\" }\n",
     {"f.toml:6:7: invalid time \"6h\"; use HH:MM or HH:MM:SS, from 00:00 to 23:59:59",
      "f.toml:6:13: invalid time \"6:00\"; use HH:MM or HH:MM:SS, from 00:00 to 23:59:59",
      "f.toml:6:21: invalid time \"06:00:60\"; use HH:MM or HH:MM:SS, from 00:00 to 23:59:59",
      "f.toml:6:33: invalid time \"06:00:\"; use HH:MM or HH:MM:SS, from 00:00 to 23:59:59"}},
    {"unknown_segment",
     "[programme]\nid = \"cchc\"\n\n[[slot]]\ndays = [\"daily\"]\nat = [\"06:00\"]\n"
     "play = { segment = \"ffffffffffff\" }\n",
     {"f.toml:7:20: unknown segment \"ffffffffffff\": no imported segment has this id"},
     true},
    {"tag_nobody_carries",
     "[programme]\nid = \"cchc\"\n\n[[slot]]\ndays = [\"daily\"]\nat = [\"06:00\"]\n"
     "play = { tag = \"weather\" }\n",
     {"f.toml:7:16: tag \"weather\" is empty: no imported segment carries it"},
     true},
    {"empty_tag_string",
     "[programme]\nid = \"cchc\"\n\n[[slot]]\ndays = [\"daily\"]\nat = [\"06:00\"]\n"
     "play = { tag = \"\" }\n",
     {"f.toml:7:16: empty tag: tag = \"\" selects no segment"}},
    {"unknown_keys",
     "colour = 1\n[programme]\nid = \"cchc\"\nowner = \"x\"\n[[slot]]\ndays = [\"daily\"]\n"
     "time = [\"06:00\"]\nat = [\"06:00\"]\nplay = { tag = \"cchc\", loop = true }\n",
     {"f.toml:1:1: unknown key \"colour\" in (top level); known keys: programme, slot",
      "f.toml:4:1: unknown key \"owner\" in [programme]; known keys: id, title",
      "f.toml:7:1: unknown key \"time\" in [[slot]]; known keys: days, monthdays, nth, dates, "
      "every_weeks, start, from, until, holidays, at, "
      "play, rotation, count, intro, outro, max_duration, priority, zones, grace",
      "f.toml:9:24: unknown key \"loop\" in play; known keys: tag, segment, list"}},
    {"wrong_types",
     "[programme]\nid = 7\ntitle = false\n[[slot]]\ndays = \"mon\"\nat = \"06:00\"\n"
     "play = \"cchc\"\n",
     {"f.toml:2:6: \"id\" must be a string in double quotes",
      "f.toml:3:9: \"title\" must be a string in double quotes",
      "f.toml:5:8: \"days\" must be a list or \"daily\", e.g. [\"mon\", \"wed\", \"fri\"] or "
      "\"daily\"",
      "f.toml:6:6: \"at\" must be a list of times, e.g. [\"06:00\", \"17:15:30\"]",
      "f.toml:7:8: \"play\" needs exactly one of { tag = \"cchc\" }, { segment = \"ID\" } or "
      "{ list = [\"ID1\", \"ID2\"] }"}},
    {"play_both",
     "[programme]\nid = \"cchc\"\n[[slot]]\ndays = [\"daily\"]\nat = [\"06:00\"]\n"
     "play = { tag = \"cchc\", segment = \"a1b2c3d4e5f6\" }\n",
     {"f.toml:6:8: \"play\" needs exactly one of { tag = \"cchc\" }, { segment = \"ID\" } or "
      "{ list = [\"ID1\", \"ID2\"] }"}},
    {"missing_programme",
     "[[slot]]\ndays = [\"daily\"]\nat = [\"06:00\"]\nplay = { tag = \"cchc\" }\n",
     {"f.toml:1:1: missing [programme] table (with id = \"...\" and title = \"...\")"}},
    {"missing_id",
     "[programme]\ntitle = \"x\"\n[[slot]]\ndays = [\"daily\"]\nat = [\"06:00\"]\n"
     "play = { tag = \"cchc\" }\n",
     {"f.toml:1:1: [programme] has no id; add e.g. id = \"cchc\""}},
    {"bad_id_chars",
     "[programme]\nid = \"CCHC 2026\"\n[[slot]]\ndays = [\"daily\"]\nat = [\"06:00\"]\n"
     "play = { tag = \"cchc\" }\n",
     {"f.toml:2:6: id \"CCHC 2026\" may only contain lowercase letters a-z, digits, \"-\" and "
      "\"_\""}},
    {"no_slots",
     "[programme]\nid = \"cchc\"\n",
     {"f.toml:2:6: the programme has no slots; add at least one [[slot]] table"}},
    {"slot_not_tables",
     "slot = [1, 2]\n[programme]\nid = \"cchc\"\n",
     {"f.toml:1:8: \"slot\" must be [[slot]] tables"}},
    // A `slot = ...` line under [programme] belongs to that table, as TOML reads it.
    {"slot_under_programme",
     "[programme]\nid = \"cchc\"\nslot = 1\n",
     {"f.toml:2:6: the programme has no slots; add at least one [[slot]] table",
      "f.toml:3:1: unknown key \"slot\" in [programme]; known keys: id, title"}},
    {"missing_slot_keys",
     "[programme]\nid = \"cchc\"\n\n[[slot]]\nat = [\"06:00\"]\n",
     {"f.toml:4:1: [[slot]] names no day: add days, monthdays, nth or dates, e.g. days = "
      "[\"mon\", \"wed\", \"fri\"]",
      "f.toml:4:1: [[slot]] is missing \"play\", e.g. play = { tag = \"cchc\" }"}},
    {"empty_lists",
     "[programme]\nid = \"cchc\"\n[[slot]]\ndays = []\nat = []\nplay = { tag = \"cchc\" }\n",
     {"f.toml:4:8: \"days\" is empty: this slot would never play",
      "f.toml:5:6: \"at\" is empty: this slot would never play"}},
    {"toml_syntax",
     "[programme]\nid = \"cchc\n",
     {"f.toml:2:11: TOML syntax error: Error while parsing string: unescaped control characters "
      "other than TAB (U+0009) are explicitly prohibited"}},
    {"collects_all_problems",
     "[programme]\nid = \"cchc\"\n[[slot]]\ndays = [\"thu2\"]\nat = [\"25:00\"]\n"
     "play = { tag = \"cchc\" }\n[[slot]]\ndays = [\"xx\"]\nat = [\"06:00\"]\n"
     "play = { segment = \"\" }\n",
     {"f.toml:4:9: unknown weekday \"thu2\"; use mon..sun or \"daily\"",
      "f.toml:5:7: invalid time \"25:00\"; use HH:MM or HH:MM:SS, from 00:00 to 23:59:59",
      "f.toml:8:9: unknown weekday \"xx\"; use mon..sun or \"daily\"",
      "f.toml:10:20: empty segment id: segment = \"\" selects no segment"}},
};

class ScheduleFileBad : public ::testing::TestWithParam<BadCase> {};

TEST_P(ScheduleFileBad, ReportsEachProblemAtItsValue) {
  const BadCase& c = GetParam();
  ScheduleSet set = parse_schedule(c.text, "f.toml", kCatalogue);
  EXPECT_EQ(problems_en(set), c.expected);
  // A catalogue gap keeps the programme in the plan (its slots play nothing); anything else
  // leaves the file out.
  EXPECT_EQ(set.programmes.size(), c.unresolved ? 1u : 0u);
  for (const auto& p : set.problems) {
    EXPECT_EQ(p.kind == ScheduleProblem::Kind::kUnresolved, c.unresolved) << p.format(Lang::kEn);
  }
}

INSTANTIATE_TEST_SUITE_P(Schedule, ScheduleFileBad, ::testing::ValuesIn(kBadCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(ScheduleFile, VietnameseMessages) {
  ScheduleSet set = parse_schedule(
      "[programme]\nid = \"cchc\"\n[[slot]]\ndays = [\"thu2\"]\nat = [\"25:00\"]\n"
      "play = { tag = \"cchc\" }\n",
      "schedules/cchc.toml", kCatalogue);
  ASSERT_EQ(set.problems.size(), 2u);
  EXPECT_EQ(set.problems[0].format(Lang::kVi),
            "schedules/cchc.toml:4:9: ngày trong tuần không hợp lệ \"thu2\"; dùng mon..sun (thứ "
            "Hai..Chủ nhật) hoặc \"daily\" (hằng ngày)");
  EXPECT_EQ(set.problems[1].format(Lang::kVi),
            "schedules/cchc.toml:5:7: giờ không hợp lệ \"25:00\"; dùng HH:MM hoặc HH:MM:SS, từ "
            "00:00 đến 23:59:59");
}

TEST(ScheduleFile, ProblemWithoutPositionFormatsAsFileOnly) {
  ScheduleProblem p{{"schedules", 0, 0}, {"vi", "en"}};
  EXPECT_EQ(p.format(Lang::kEn), "schedules: en");
}

TEST(ScheduleFile, CanonicalTextRoundTrips) {
  ScheduleSet first = parse_schedule(kValid, "a.toml", kCatalogue);
  ASSERT_EQ(first.programmes.size(), 1u);
  std::string canonical = format_schedule(first.programmes[0]);
  EXPECT_EQ(canonical,
            "[programme]\n"
            "id = \"cchc\"\n"
            "title = \"Chuyên mục cải cách hành chính\"\n"
            "\n[[slot]]\n"
            "days = [\"mon\", \"wed\", \"fri\"]\n"
            "at = [\"06:00\", \"17:15:30\"]\n"
            "play = { tag = \"cchc\" }\n"
            "\n[[slot]]\n"
            "days = [\"daily\"]\n"
            "at = [\"05:30\"]\n"
            "play = { segment = \"0123456789ab\" }\n");
  ScheduleSet second = parse_schedule(canonical, "a.toml", kCatalogue);
  ASSERT_TRUE(second.problems.empty());
  ASSERT_EQ(second.programmes.size(), 1u);
  EXPECT_EQ(format_schedule(second.programmes[0]), canonical);
  const Programme& a = first.programmes[0];
  const Programme& b = second.programmes[0];
  ASSERT_EQ(a.slots.size(), b.slots.size());
  for (size_t i = 0; i < a.slots.size(); ++i) {
    EXPECT_EQ(a.slots[i].days, b.slots[i].days);
    EXPECT_EQ(a.slots[i].times, b.slots[i].times);
    EXPECT_EQ(a.slots[i].play.value, b.slots[i].play.value);
  }
}

TEST(ScheduleFile, CanonicalTextEscapesQuotes) {
  Programme p;
  p.id = "x";
  p.title = "Say \"hi\" \\ now";
  Slot s;
  s.days[6] = true;
  s.times = {seconds{0}};
  s.play = {PlaySpec::Kind::kTag, "cchc"};
  p.slots.push_back(s);
  ScheduleSet set = parse_schedule(format_schedule(p), "x.toml", kCatalogue);
  ASSERT_EQ(set.programmes.size(), 1u);
  EXPECT_EQ(set.programmes[0].title, p.title);
}

// ---- Issue 3: recurrence, content, priority, zones, window. ----

constexpr const char* kFull = R"([programme]
id = "cchc"
title = "CCHC"

[[slot]]
days = ["mon"]
monthdays = [-1, 15, 1, 15]
nth = ["last fri", "1st mon", "2nd tue"]
dates = ["2027-01-15", 2026-12-24]
every_weeks = 2
start = "2026-01-05"
from = "2026-01-01"
until = 2027-12-31
holidays = "keep"
at = ["06:00"]
play = { tag = "cchc" }
rotation = "shuffle"
count = 2
intro = "a1b2c3d4e5f6"
outro = "a1b2c3d4e5f6"
max_duration = "12:30"
priority = "priority"
zones = ["thon-tay", "thon-dong"]
grace = "1:00:00"

[[slot]]
dates = ["2026-09-02"]
at = ["20:00"]
play = { list = ["0123456789ab", "a1b2c3d4e5f6"] }
priority = "emergency"
grace = "00:00"
)";

TEST(ScheduleFile, ParsesEveryKey) {
  ScheduleSet set = parse_schedule(kFull, "f.toml", kCatalogue);
  ASSERT_TRUE(set.problems.empty()) << problems_en(set)[0];
  ASSERT_EQ(set.programmes.size(), 1u);
  const Slot& s = set.programmes[0].slots[0];
  EXPECT_EQ(s.monthdays, (std::vector<int>{1, 15, -1}));
  EXPECT_EQ(s.nth, (std::vector<NthWeekday>{{1, 1}, {2, 2}, {-1, 5}}));
  EXPECT_EQ(s.dates, (std::vector<date::year_month_day>{*parse_date("2026-12-24"),
                                                        *parse_date("2027-01-15")}));
  EXPECT_EQ(s.every_weeks, 2);
  EXPECT_EQ(s.start, parse_date("2026-01-05"));
  EXPECT_EQ(s.from, parse_date("2026-01-01"));
  EXPECT_EQ(s.until, parse_date("2027-12-31"));
  EXPECT_EQ(s.holidays, HolidayPolicy::kKeep);
  EXPECT_EQ(s.rotation, Rotation::kShuffle);
  EXPECT_EQ(s.count, 2);
  EXPECT_EQ(s.intro, "a1b2c3d4e5f6");
  EXPECT_EQ(s.max_duration, seconds{750});
  EXPECT_EQ(s.priority, Priority::kPriority);
  EXPECT_EQ(s.zones, (std::vector<std::string>{"thon-dong", "thon-tay"}));
  EXPECT_EQ(s.grace, seconds{3600});
  const Slot& e = set.programmes[0].slots[1];
  EXPECT_EQ(e.play.kind, PlaySpec::Kind::kList);
  EXPECT_EQ(e.play.list, (std::vector<std::string>{"0123456789ab", "a1b2c3d4e5f6"}));
  EXPECT_EQ(e.priority, Priority::kEmergency);
  EXPECT_EQ(e.holidays, HolidayPolicy::kKeep);  // the emergency default
  EXPECT_EQ(e.grace, seconds{0});
  EXPECT_EQ(set.programmes[0].slots[0].rotation, Rotation::kShuffle);
  // Defaults.
  ScheduleSet plain = parse_schedule(kValid, "a.toml", kCatalogue);
  const Slot& d = plain.programmes[0].slots[0];
  EXPECT_EQ(d.holidays, HolidayPolicy::kSkip);
  EXPECT_EQ(d.rotation, Rotation::kAll);
  EXPECT_EQ(d.priority, Priority::kNormal);
  EXPECT_EQ(d.grace, seconds{600});
  EXPECT_FALSE(d.max_duration);
  EXPECT_TRUE(d.zones.empty());
}

TEST(ScheduleFile, EveryKeyRoundTripsThroughTheCanonicalForm) {
  ScheduleSet first = parse_schedule(kFull, "f.toml", kCatalogue);
  ASSERT_EQ(first.programmes.size(), 1u);
  std::string canonical = format_schedule(first.programmes[0]);
  EXPECT_EQ(format_slot(first.programmes[0].slots[0]),
            "[[slot]]\n"
            "days = [\"mon\"]\n"
            "monthdays = [1, 15, -1]\n"
            "nth = [\"1st mon\", \"2nd tue\", \"last fri\"]\n"
            "dates = [\"2026-12-24\", \"2027-01-15\"]\n"
            "every_weeks = 2\n"
            "start = \"2026-01-05\"\n"
            "from = \"2026-01-01\"\n"
            "until = \"2027-12-31\"\n"
            "holidays = \"keep\"\n"
            "at = [\"06:00\"]\n"
            "play = { tag = \"cchc\" }\n"
            "rotation = \"shuffle\"\n"
            "count = 2\n"
            "intro = \"a1b2c3d4e5f6\"\n"
            "outro = \"a1b2c3d4e5f6\"\n"
            "max_duration = \"12:30\"\n"
            "priority = \"priority\"\n"
            "zones = [\"thon-dong\", \"thon-tay\"]\n"
            "grace = \"1:00:00\"\n");
  EXPECT_EQ(format_slot(first.programmes[0].slots[1]),
            "[[slot]]\n"
            "dates = [\"2026-09-02\"]\n"
            "at = [\"20:00\"]\n"
            "play = { list = [\"0123456789ab\", \"a1b2c3d4e5f6\"] }\n"
            "priority = \"emergency\"\n"
            "grace = \"00:00\"\n");
  ScheduleSet second = parse_schedule(canonical, "f.toml", kCatalogue);
  ASSERT_TRUE(second.problems.empty()) << problems_en(second)[0];
  EXPECT_EQ(format_schedule(second.programmes[0]), canonical);
}

struct RoundTripCase {
  const char* name;
  const char* slot;       ///< [[slot]] body as a user might write it
  const char* canonical;  ///< format_slot of it
};

const std::vector<RoundTripCase> kRoundTrips = {
    {"every_week_keeps_its_start", "days = [\"tue\"]\nevery_weeks = 1\nstart = \"2026-01-06\"\n",
     "days = [\"tue\"]\nevery_weeks = 1\nstart = \"2026-01-06\"\n"},
    {"bare_daily_string_is_the_list", "days = \"daily\"\n", "days = [\"daily\"]\n"},
    {"all_days_is_daily", "days = [\"mon\",\"tue\",\"wed\",\"thu\",\"fri\",\"sat\",\"sun\"]\n",
     "days = [\"daily\"]\n"},
    {"holidays_skip_is_default", "days = [\"mon\"]\nholidays = \"skip\"\n", "days = [\"mon\"]\n"},
    {"emergency_keep_is_default",
     "days = [\"mon\"]\npriority = \"emergency\"\nholidays = \"keep\"\n", "days = [\"mon\"]\n"},
    {"emergency_skip_is_said", "days = [\"mon\"]\npriority = \"emergency\"\nholidays = \"skip\"\n",
     "days = [\"mon\"]\nholidays = \"skip\"\n"},
    {"grace_ten_minutes_is_default", "days = [\"mon\"]\ngrace = \"10:00\"\n", "days = [\"mon\"]\n"},
    {"long_minutes_become_hours", "days = [\"mon\"]\nmax_duration = \"90:00\"\n",
     "days = [\"mon\"]\n"},
    {"rotation_all_is_default", "days = [\"mon\"]\nrotation = \"all\"\n", "days = [\"mon\"]\n"},
    {"count_one_is_default", "days = [\"mon\"]\nrotation = \"least_recent\"\ncount = 1\n",
     "days = [\"mon\"]\n"},
    {"monthdays_sorted_unique", "monthdays = [-2, 31, -1, 1, 31]\n",
     "monthdays = [1, 31, -1, -2]\n"},
};

TEST(ScheduleFile, CanonicalFormTable) {
  for (const auto& c : kRoundTrips) {
    std::string text = std::string("[programme]\nid = \"p\"\n[[slot]]\n") + c.slot +
                       "at = [\"06:00\"]\nplay = { tag = \"cchc\" }\n";
    ScheduleSet first = parse_schedule(text, "f.toml", kCatalogue);
    ASSERT_EQ(first.programmes.size(), 1u) << c.name << ": " << problems_en(first)[0];
    std::string slot = format_slot(first.programmes[0].slots[0]);
    std::string body = slot.substr(std::string("[[slot]]\n").size());
    // The keys the case is about, in their canonical spelling, come before at/play.
    std::string expected_head = c.canonical;
    if (std::string(c.name) == "long_minutes_become_hours") {
      EXPECT_NE(body.find("max_duration = \"1:30:00\"\n"), std::string::npos) << body;
    } else if (std::string(c.name) == "count_one_is_default") {
      EXPECT_NE(body.find("rotation = \"least_recent\"\n"), std::string::npos) << body;
      EXPECT_EQ(body.find("count"), std::string::npos) << body;
    }
    EXPECT_EQ(body.substr(0, expected_head.size()), expected_head) << c.name << "\n" << body;
    ScheduleSet second = parse_schedule("[programme]\nid = \"p\"\n" + slot, "f.toml", kCatalogue);
    ASSERT_EQ(second.programmes.size(), 1u) << c.name;
    EXPECT_EQ(format_slot(second.programmes[0].slots[0]), slot) << c.name;
  }
}

/// A [[slot]] body around `lines`, the slot table starting on line 3.
std::string slot_text(const std::string& lines) {
  return "[programme]\nid = \"p\"\n[[slot]]\n" + lines;
}

const std::vector<BadCase> kNewBadCases = {
    {"monthday_zero_and_32",
     slot_text("monthdays = [0, 32, -32, \"1\"]\nat = [\"06:00\"]\nplay = { tag = \"cchc\" }\n"),
     {"f.toml:4:14: invalid day of the month 0; use 1..31, or -1 for the last day (-2 for the "
      "day before...)",
      "f.toml:4:17: invalid day of the month 32; use 1..31, or -1 for the last day (-2 for the "
      "day before...)",
      "f.toml:4:21: invalid day of the month -32; use 1..31, or -1 for the last day (-2 for the "
      "day before...)",
      "f.toml:4:26: invalid day of the month \"1\"; use 1..31, or -1 for the last day (-2 for "
      "the day before...)"}},
    {"nth_bad",
     slot_text("nth = [\"6th mon\", \"last\", \"first mon\"]\nat = [\"06:00\"]\nplay = { tag = "
               "\"cchc\" }\n"),
     {"f.toml:4:8: invalid nth weekday \"6th mon\"; use \"1st\"..\"5th\" or \"last\" and a day "
      "mon..sun, e.g. \"1st mon\", \"last fri\"",
      "f.toml:4:19: invalid nth weekday \"last\"; use \"1st\"..\"5th\" or \"last\" and a day "
      "mon..sun, e.g. \"1st mon\", \"last fri\"",
      "f.toml:4:27: invalid nth weekday \"first mon\"; use \"1st\"..\"5th\" or \"last\" and a "
      "day mon..sun, e.g. \"1st mon\", \"last fri\""}},
    {"bad_dates",
     slot_text(
         "dates = [\"2027-02-29\", \"24/12/2026\"]\nat = [\"06:00\"]\nplay = { tag = \"cchc\" }\n"),
     {"f.toml:4:10: invalid date \"2027-02-29\" for \"dates\"; use YYYY-MM-DD, e.g. "
      "\"2026-12-24\"",
      "f.toml:4:24: invalid date \"24/12/2026\" for \"dates\"; use YYYY-MM-DD, e.g. "
      "\"2026-12-24\""}},
    {"every_weeks_without_start",
     slot_text("days = [\"mon\"]\nevery_weeks = 2\nat = [\"06:00\"]\nplay = { tag = \"cchc\" }\n"),
     {"f.toml:5:15: every_weeks needs start = \"YYYY-MM-DD\": the week of that day is the first "
      "week that plays"}},
    {"every_weeks_out_of_range",
     slot_text("days = [\"mon\"]\nevery_weeks = 0\nstart = \"2026-01-05\"\nat = [\"06:00\"]\nplay "
               "= { tag = \"cchc\" }\n"),
     {"f.toml:5:15: invalid every_weeks 0; use a number of weeks from 1 to 52, e.g. every_weeks "
      "= 2 (fortnightly)"}},
    {"start_alone",
     slot_text(
         "days = [\"mon\"]\nstart = \"2026-01-05\"\nat = [\"06:00\"]\nplay = { tag = \"cchc\" }\n"),
     {"f.toml:5:9: start only goes with every_weeks; for the first day the slot is valid, use "
      "from"}},
    {"until_before_from",
     slot_text("days = [\"mon\"]\nfrom = \"2026-05-01\"\nuntil = \"2026-04-30\"\nat = "
               "[\"06:00\"]\nplay = { tag = \"cchc\" }\n"),
     {"f.toml:6:9: until 2026-04-30 is before from 2026-05-01: this slot would never play"}},
    {"date_outside_range",
     slot_text("dates = [\"2027-01-01\"]\nuntil = \"2026-12-31\"\nat = [\"06:00\"]\nplay = { tag = "
               "\"cchc\" }\n"),
     {"f.toml:4:10: date 2027-01-01 is outside from/until, so it would never play"}},
    {"choices",
     slot_text("days = [\"mon\"]\nholidays = \"maybe\"\nat = [\"06:00\"]\nplay = { tag = \"cchc\" "
               "}\nrotation = \"random\"\npriority = \"urgent\"\n"),
     {"f.toml:5:12: invalid holidays \"maybe\"; use \"skip\" or \"keep\"",
      "f.toml:8:12: invalid rotation \"random\"; use \"all\", \"sequential\", \"shuffle\" or "
      "\"least_recent\"",
      "f.toml:9:12: invalid priority \"urgent\"; use \"normal\", \"priority\" or \"emergency\""}},
    {"rotation_on_segment_and_count_without_rotation",
     slot_text("days = [\"mon\"]\nat = [\"06:00\"]\nplay = { segment = \"a1b2c3d4e5f6\" "
               "}\nrotation = \"shuffle\"\n[[slot]]\ndays = [\"mon\"]\nat = [\"06:00\"]\nplay = { "
               "tag = \"cchc\" }\ncount = 2\n"),
     {"f.toml:7:12: rotation goes with play = { tag = ... } or { list = [...] }, not with a "
      "single segment",
      "f.toml:12:9: count needs rotation = \"sequential\", \"shuffle\" or \"least_recent\"; "
      "without a rotation every segment plays each time"}},
    {"durations",
     slot_text("days = [\"mon\"]\nat = [\"06:00\"]\nplay = { tag = \"cchc\" }\nmax_duration = "
               "\"00:00\"\ngrace = \"10 min\"\n"),
     {"f.toml:7:16: invalid duration \"00:00\" for \"max_duration\"; use \"MM:SS\" or "
      "\"H:MM:SS\", e.g. \"10:00\" (ten minutes)",
      "f.toml:8:9: invalid duration \"10 min\" for \"grace\"; use \"MM:SS\" or \"H:MM:SS\", e.g. "
      "\"10:00\" (ten minutes)"}},
    {"empty_list_and_zones",
     slot_text("days = [\"mon\"]\nat = [\"06:00\"]\nplay = { list = [] }\nzones = []\n"),
     {"f.toml:6:17: \"list\" is empty: remove the key or add values",
      "f.toml:7:9: \"zones\" is empty: remove the key or add values"}},
    {"unknown_list_item_and_jingle",
     slot_text("days = [\"mon\"]\nat = [\"06:00\"]\nplay = { list = [\"a1b2c3d4e5f6\", "
               "\"ffffffffffff\"] }\nintro = \"eeeeeeeeeeee\"\n"),
     {"f.toml:6:34: unknown segment \"ffffffffffff\": no imported segment has this id",
      "f.toml:7:9: unknown segment \"eeeeeeeeeeee\": no imported segment has this id"},
     true},
    {"no_day_at_all",
     slot_text("at = [\"06:00\"]\nplay = { tag = \"cchc\" }\n"),
     {"f.toml:3:1: [[slot]] names no day: add days, monthdays, nth or dates, e.g. days = "
      "[\"mon\", \"wed\", \"fri\"]"}},
};

INSTANTIATE_TEST_SUITE_P(ScheduleNew, ScheduleFileBad, ::testing::ValuesIn(kNewBadCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(ScheduleFile, WindowAndZonesFromTheStation) {
  ScheduleOptions opt;
  opt.window = BroadcastWindow{seconds{5 * 3600 + 30 * 60}, seconds{21 * 3600}};
  opt.known_zones = {"thon-dong", "thon-tay"};
  const std::string text = slot_text(
      "days = [\"mon\"]\nat = [\"05:29\", \"05:30\", \"20:59:59\", \"21:00\"]\n"
      "play = { tag = \"cchc\" }\nzones = [\"thon-dong\", \"thon-bac\"]\n"
      "[[slot]]\ndays = [\"mon\"]\nat = [\"20:50\"]\nplay = { tag = \"cchc\" }\n"
      "max_duration = \"15:00\"\npriority = \"priority\"\n"
      "[[slot]]\ndays = [\"mon\"]\nat = [\"02:00\"]\nplay = { tag = \"cchc\" }\n"
      "priority = \"emergency\"\n");
  ScheduleSet set = parse_schedule(text, "f.toml", kCatalogue, opt);
  EXPECT_EQ(problems_en(set),
            (std::vector<std::string>{
                "f.toml:5:7: 05:29 is outside the station's broadcast window (05:30-21:00, "
                "[station] window)",
                "f.toml:5:37: 21:00 is outside the station's broadcast window (05:30-21:00, "
                "[station] window)",
                "f.toml:7:23: unknown zone \"thon-bac\"; the station's zones: thon-dong, thon-tay",
                "f.toml:10:7: 20:50 with max_duration 15:00 would run past the station's "
                "broadcast window (05:30-21:00)"}));
  // Without a window or zones from the config, the same file is valid.
  EXPECT_TRUE(parse_schedule(text, "f.toml", kCatalogue).problems.empty());
}

TEST(ScheduleFile, WindowOverMidnight) {
  ScheduleOptions opt;
  opt.window = BroadcastWindow{seconds{22 * 3600}, seconds{2 * 3600}};
  ScheduleSet set =
      parse_schedule(slot_text("days = [\"mon\"]\nat = [\"23:00\", \"01:00\", \"03:00\"]\n"
                               "play = { tag = \"cchc\" }\nmax_duration = \"30:00\"\n"),
                     "f.toml", kCatalogue, opt);
  EXPECT_EQ(problems_en(set),
            (std::vector<std::string>{"f.toml:5:25: 03:00 is outside the station's broadcast "
                                      "window (22:00-02:00, [station] window)"}));
}

class ScheduleDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("loaxa_schedule_test_" +
            std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  fs::path dir_;
};

TEST_F(ScheduleDir, DuplicateIdPointsAtTheSecondFile) {
  const std::string body =
      "[[slot]]\ndays = [\"daily\"]\nat = [\"06:00\"]\nplay = { tag = \"cchc\" }\n";
  write("b.toml", "[programme]\nid = \"cchc\"\n" + body);
  write("a.toml", "[programme]\nid = \"news\"\n" + body);
  write("c.toml", "# second copy\n[programme]\nid   = \"cchc\"\n" + body);
  write("notes.txt", "not a schedule");
  ScheduleSet set = load_schedules(dir_, kCatalogue);
  ASSERT_EQ(set.problems.size(), 1u);
  std::string first = display_path(dir_ / "b.toml");
  EXPECT_EQ(set.problems[0].format(Lang::kEn),
            display_path(dir_ / "c.toml") +
                ":3:8: duplicate programme id \"cchc\"; already used at " + first + ":2:6");
  ASSERT_EQ(set.programmes.size(), 2u);
  EXPECT_EQ(set.programmes[0].id, "news");  // name order: a.toml, b.toml
  EXPECT_EQ(set.programmes[1].id, "cchc");
}

TEST_F(ScheduleDir, BrokenCopyDoesNotTakeTheWorkingProgrammeOffAir) {
  const std::string good =
      "[programme]\nid = \"cchc\"\n[[slot]]\ndays = [\"daily\"]\nat = [\"06:00\"]\n"
      "play = { tag = \"cchc\" }\n";
  write("a_copy.toml",
        "[programme]\nid = \"cchc\"\n[[slot]]\ndays = [\"thu2\"]\nat = [\"06:00\"]\n"
        "play = { tag = \"cchc\" }\n");
  write("cchc.toml", good);
  write("z_third.toml", good);
  ScheduleSet set = load_schedules(dir_, kCatalogue);
  std::vector<std::string> got = problems_en(set);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_NE(got[0].find("a_copy.toml:4:9: unknown weekday"), std::string::npos) << got[0];
  EXPECT_NE(got[1].find("cchc.toml:2:6: duplicate programme id"), std::string::npos) << got[1];
  EXPECT_NE(got[2].find("z_third.toml:2:6: duplicate programme id"), std::string::npos) << got[2];
  ASSERT_EQ(set.programmes.size(), 1u);
  EXPECT_NE(set.programmes[0].where.file.find("cchc.toml"), std::string::npos);
  EXPECT_EQ(set.programmes[0].where.file.find("z_third"), std::string::npos);
}

TEST_F(ScheduleDir, EmptyAndMissingFolders) {
  ScheduleSet empty = load_schedules(dir_, kCatalogue);
  ASSERT_EQ(empty.problems.size(), 1u);
  EXPECT_NE(empty.problems[0].message.en.find("no schedule file"), std::string::npos);
  ScheduleSet missing = load_schedules(dir_ / "nope", kCatalogue);
  ASSERT_EQ(missing.problems.size(), 1u);
  EXPECT_NE(missing.problems[0].message.en.find("not found"), std::string::npos);
}

TEST_F(ScheduleDir, DisplayPathRelativeUnderCurrentDirectory) {
  fs::path old = fs::current_path();
  fs::create_directories(dir_ / "schedules");
  fs::current_path(dir_);
  EXPECT_EQ(display_path(dir_ / "schedules" / "cchc.toml"), "schedules/cchc.toml");
  EXPECT_EQ(display_path("schedules/cchc.toml"), "schedules/cchc.toml");
  EXPECT_EQ(display_path("/elsewhere/cchc.toml"), "/elsewhere/cchc.toml");
  EXPECT_EQ(display_path("../x/cchc.toml"), "../x/cchc.toml");
  fs::current_path(old);
}

TEST(ScheduleBundled, CchcFileIsValid) {
  // CMake compiles with absolute paths, so the repository root is three levels up from here.
  fs::path file =
      fs::path(__FILE__).parent_path().parent_path().parent_path() / "schedules" / "cchc.toml";
  std::ifstream in(file);
  ASSERT_TRUE(in) << file;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // As the bundled config/loaxa.toml checks it: its window and its zones.
  ScheduleOptions opt;
  opt.window = BroadcastWindow{seconds{5 * 3600}, seconds{21 * 3600}};
  opt.known_zones = {"thon-dong", "thon-tay"};
  ScheduleSet set = parse_schedule(text, "schedules/cchc.toml", kCatalogue, opt);
  EXPECT_TRUE(set.problems.empty()) << set.problems[0].format(Lang::kEn);
  // Its canonical form parses back to the same programme.
  ScheduleSet again =
      parse_schedule(format_schedule(set.programmes.at(0)), "c.toml", kCatalogue, opt);
  ASSERT_EQ(again.programmes.size(), 1u);
  EXPECT_EQ(format_schedule(again.programmes[0]), format_schedule(set.programmes[0]));
  ASSERT_EQ(set.programmes.size(), 1u);
  EXPECT_EQ(set.programmes[0].id, "cchc");
  for (const Slot& s : set.programmes[0].slots) {
    EXPECT_EQ(s.play.kind, PlaySpec::Kind::kTag);
    EXPECT_EQ(s.play.value, "cchc");
    for (seconds t : s.times) {
      // Inside the customary broadcast sessions, where nobody complains of noise.
      bool morning = t >= seconds{5 * 3600} && t <= seconds{6 * 3600 + 30 * 60};
      bool afternoon = t >= seconds{17 * 3600} && t <= seconds{17 * 3600 + 30 * 60};
      EXPECT_TRUE(morning || afternoon) << t.count();
    }
  }
}

}  // namespace
}  // namespace loaxa
