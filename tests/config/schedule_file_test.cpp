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
  const char* text;
  std::vector<std::string> expected;  ///< English, formatted, in order
  bool unresolved = false;            ///< kUnresolved: the programme is still usable
};

const std::vector<BadCase> kBadCases = {
    {"unknown_weekday",
     "[programme]\nid = \"cchc\"\n\n[[slot]]\ndays = [\"mon\", \"thu2\"]\nat = [\"06:00\"]\n"
     "play = { tag = \"cchc\" }\n",
     {"f.toml:5:16: unknown weekday \"thu2\"; use mon..sun or \"daily\""}},
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
     "[programme]\nid = 7\ntitle = false\n[[slot]]\ndays = \"daily\"\nat = \"06:00\"\n"
     "play = \"cchc\"\n",
     {"f.toml:2:6: \"id\" must be a string in double quotes",
      "f.toml:3:9: \"title\" must be a string in double quotes",
      "f.toml:5:8: \"days\" must be a list, e.g. [\"mon\", \"wed\", \"fri\"] or [\"daily\"]",
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
  ScheduleSet set = parse_schedule(text, "schedules/cchc.toml", kCatalogue);
  EXPECT_TRUE(set.problems.empty()) << set.problems[0].format(Lang::kEn);
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
