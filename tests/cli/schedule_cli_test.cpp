// `loaxa schedule check|preview` run as the real binary against a temporary station.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "store/database.h"
#include "store/segment_repository.h"

namespace loaxa {
namespace {

namespace fs = std::filesystem;

struct CliRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string slurp(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class ScheduleCli : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* bin_dir = std::getenv("LOAXA_BIN_DIR");
    if (bin_dir == nullptr || !fs::exists(fs::path(bin_dir) / "loaxa")) {
      GTEST_SKIP() << "LOAXA_BIN_DIR/loaxa not available (run under ctest)";
    }
    loaxa_ = fs::path(bin_dir) / "loaxa";
    dir_ = fs::temp_directory_path() /
           ("loaxa_schedule_cli_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "config");
    fs::create_directories(dir_ / "schedules");
    write("config/loaxa.toml",
          "[station]\nname = \"Xã Thử Nghiệm\"\ntimezone = \"Asia/Ho_Chi_Minh\"\n"
          "require_approval = false\n"
          "[storage]\ndatabase = \"../var/loaxa.db\"\n[schedules]\ndir = \"../schedules\"\n");
    write("schedules/cchc.toml",
          "[programme]\nid = \"cchc\"\ntitle = \"Chuyên mục cải cách hành chính\"\n\n"
          "[[slot]]\ndays = [\"mon\", \"wed\", \"fri\"]\nat = [\"06:00\"]\n"
          "play = { tag = \"cchc\" }\n\n"
          "[[slot]]\ndays = [\"tue\", \"thu\"]\nat = [\"17:15:30\"]\nplay = { tag = \"cchc\" }\n");
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }

  /// Two CCHC segments (95.5 s and 60 s) imported in that order, and one with another tag.
  void import_segments() {
    auto db = open_database(dir_ / "var" / "loaxa.db");
    SegmentRepository repo(*db);
    int n = 0;
    for (auto [title, tag, frames] : {std::tuple{"Thủ tục khai sinh", "cchc", 95.5 * 48000},
                                      std::tuple{"Dịch vụ công trực tuyến", "cchc", 60.0 * 48000},
                                      std::tuple{"Thời tiết", "news", 30.0 * 48000}}) {
      Segment s;
      s.id = "00000000000" + std::to_string(n);
      s.sha256 = std::string(63, '0') + std::to_string(n);
      s.title = title;
      s.tag = tag;
      s.format = "WAV";
      s.original_name = "x.wav";
      s.library_path = "x.wav";
      s.sample_rate = 48000;
      s.channels = 1;
      s.frames = static_cast<std::int64_t>(frames);
      repo.insert(s);
      ++n;
    }
  }

  CliRun loaxa(const std::string& args) {
    fs::create_directories(dir_ / "var");
    std::string cmd = "cd '" + dir_.string() + "' && '" + loaxa_.string() + "' --config '" +
                      (dir_ / "config" / "loaxa.toml").string() + "' " + args + " >'" +
                      (dir_ / "out.txt").string() + "' 2>'" + (dir_ / "err.txt").string() + "'";
    int status = std::system(cmd.c_str());
    CliRun r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(dir_ / "out.txt");
    r.err = slurp(dir_ / "err.txt");
    return r;
  }

  fs::path loaxa_;
  fs::path dir_;
};

TEST_F(ScheduleCli, CheckWithoutDatabaseSaysNothingImported) {
  CliRun r = loaxa("--lang en schedule check");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no segment has been imported yet"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("schedules/cchc.toml:8:16: tag \"cchc\" is empty: no imported segment "
                       "carries it\n"),
            std::string::npos)
      << r.err;
}

TEST_F(ScheduleCli, CheckValidPrintsSummary) {
  import_segments();
  CliRun r = loaxa("--lang en schedule check");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "schedules/cchc.toml: cchc \"Chuyên mục cải cách hành chính\": 2 slots, 5 broadcasts "
            "a week\n"
            "  # slot 1 — schedules/cchc.toml:5\n  [[slot]]\n  days = [\"mon\", \"wed\", \"fri\"]\n"
            "  at = [\"06:00\"]\n  play = { tag = \"cchc\" }\n"
            "  # slot 2 — schedules/cchc.toml:10\n  [[slot]]\n  days = [\"tue\", \"thu\"]\n"
            "  at = [\"17:15:30\"]\n  play = { tag = \"cchc\" }\n"
            "OK: 1 programme, 2 slots.\n");
  CliRun vi = loaxa("--lang vi schedule check");
  EXPECT_EQ(vi.exit_code, 0);
  EXPECT_NE(vi.out.find("Hợp lệ: 1 chương trình, 2 khung giờ."), std::string::npos) << vi.out;
  EXPECT_NE(vi.out.find("  # khung giờ 2 — schedules/cchc.toml:10\n"), std::string::npos) << vi.out;
}

// The holiday calendar is loaded as loaxad loads it (station/station_plan): a missing file is a
// warning naming it, a broken one a problem with its position, and Tết is left out of the plan.
TEST_F(ScheduleCli, HolidayFileAsLoaxadReadsIt) {
  import_segments();
  for (const char* cmd :
       {"--lang en schedule check", "--lang en schedule preview --from 2026-02-16 --days 1"}) {
    CliRun r = loaxa(cmd);
    EXPECT_EQ(r.exit_code, 0) << cmd << "\n" << r.err;
    EXPECT_NE(r.err.find("warning: no holiday file config/holidays.toml; no day is skipped as a "
                         "holiday"),
              std::string::npos)
        << cmd << "\n"
        << r.err;
  }
  CliRun vi = loaxa("--lang vi schedule check");
  EXPECT_NE(vi.err.find("cảnh báo: không có tệp ngày lễ config/holidays.toml"), std::string::npos)
      << vi.err;

  // Monday 16 February 2026, in Tết: without the calendar the 06:00 slot airs.
  CliRun before = loaxa("--lang en schedule preview --from 2026-02-16 --days 1 --json");
  auto plan = nlohmann::json::parse(before.out, nullptr, false);
  ASSERT_TRUE(plan.is_array()) << before.out;
  EXPECT_EQ(plan.size(), 1u) << before.out;

  write("config/holidays.toml",
        "[[holiday]]\nname = \"Tết Nguyên Đán\"\nfrom = \"2026-02-14\"\nuntil = \"2026-02-22\"\n");
  CliRun tet = loaxa("--lang en schedule preview --from 2026-02-16 --days 1 --json");
  EXPECT_EQ(tet.exit_code, 0) << tet.err;
  EXPECT_EQ(tet.err.find("holiday file"), std::string::npos) << tet.err;
  plan = nlohmann::json::parse(tet.out, nullptr, false);
  ASSERT_TRUE(plan.is_array()) << tet.out;
  EXPECT_TRUE(plan.empty()) << "a Tết day previewed as a normal day: " << tet.out;

  write("config/holidays.toml", "[[holiday]]\nname = \"Tết\"\ndate = \"2026-02-31\"\n");
  for (const char* cmd :
       {"--lang en schedule check", "--lang en schedule preview --from 2026-02-16 --days 1"}) {
    CliRun broken = loaxa(cmd);
    EXPECT_EQ(broken.exit_code, 1) << cmd << "\n" << broken.err;
    EXPECT_NE(broken.err.find("holidays.toml:3:"), std::string::npos) << cmd << "\n" << broken.err;
  }
}

TEST_F(ScheduleCli, CheckReportsEveryProblemWithPosition) {
  import_segments();
  write("schedules/bad.toml",
        "[programme]\nid = \"cchc\"\n[[slot]]\ndays = [\"thu2\"]\nat = [\"25:00\"]\n"
        "play = { segment = \"ffffffffffff\" }\n");
  CliRun r = loaxa("--lang en schedule check");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "loaxa: warning: no holiday file config/holidays.toml; no day is skipped as a "
            "holiday\n"
            "schedules/bad.toml:4:9: unknown weekday \"thu2\"; use mon..sun or \"daily\"\n"
            "schedules/bad.toml:5:7: invalid time \"25:00\"; use HH:MM or HH:MM:SS, from 00:00 "
            "to 23:59:59\n"
            "schedules/bad.toml:6:20: unknown segment \"ffffffffffff\": no imported segment has "
            "this id\n"
            "schedules/cchc.toml:2:6: duplicate programme id \"cchc\"; already used at "
            "schedules/bad.toml:2:6\n"
            "loaxa: 4 problems in schedules; fix and run `loaxa schedule check` again\n");
  CliRun vi = loaxa("--lang vi schedule check");
  EXPECT_NE(vi.err.find("ngày trong tuần không hợp lệ \"thu2\""), std::string::npos) << vi.err;
}

TEST_F(ScheduleCli, PreviewText) {
  import_segments();
  CliRun r = loaxa("--lang en schedule preview --from 2026-11-30 --days 2");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "Plan from 2026-11-30 to 2026-12-01 (2 days, time zone Asia/Ho_Chi_Minh)\n"
            "\n"
            "Mon 2026-11-30 06:00:00  cchc, slot 1  Chuyên mục cải cách hành chính  2:36\n"
            "    1. Thủ tục khai sinh [000000000000]  1:36\n"
            "    2. Dịch vụ công trực tuyến [000000000001]  1:00\n"
            "\n"
            "Tue 2026-12-01 17:15:30  cchc, slot 2  Chuyên mục cải cách hành chính  2:36\n"
            "    1. Thủ tục khai sinh [000000000000]  1:36\n"
            "    2. Dịch vụ công trực tuyến [000000000001]  1:00\n"
            "\n"
            "2 broadcasts, total duration 5:11\n");
}

// The planner takes a segment's current tag and title: those of its latest edit.
TEST_F(ScheduleCli, PreviewFollowsSegmentEdits) {
  import_segments();
  ASSERT_EQ(loaxa("segment edit 000000000000 --tag '' --by 'Văn phòng'").exit_code, 0);
  CliRun r = loaxa("segment edit 000000000002 --tag cchc --title 'Thời tiết tuần này'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = loaxa("--lang en schedule preview --from 2026-11-30 --days 1");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("    1. Dịch vụ công trực tuyến [000000000001]  1:00\n"
                       "    2. Thời tiết tuần này [000000000002]  0:30\n"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("Thủ tục khai sinh"), std::string::npos) << r.out;
}

TEST_F(ScheduleCli, PreviewMarksNothingToPlay) {
  CliRun r = loaxa("--lang vi schedule preview --from 2026-12-01 --days 1");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(
                "T3 01/12/2026 17:15:30  cchc, khung giờ 2  Chuyên mục cải cách hành chính  --:--\n"
                "    (không có gì để phát: chưa có đoạn nào mang nhãn \"cchc\")\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.err.find("chưa nhập đoạn nào"), std::string::npos) << r.err;
}

TEST_F(ScheduleCli, PreviewJson) {
  import_segments();
  CliRun r = loaxa("schedule preview --from 2026-11-30 --days 7 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto plan = nlohmann::json::parse(r.out);
  ASSERT_TRUE(plan.is_array());
  ASSERT_EQ(plan.size(), 5u);  // mon, wed, fri at 06:00; tue, thu at 17:15:30
  const auto& first = plan[0];
  EXPECT_EQ(first["scheduled_at"], "2026-11-30T06:00:00.000+07:00");
  EXPECT_EQ(first["local_time"], "2026-11-30 06:00:00");
  EXPECT_EQ(first["programme"], "cchc");
  EXPECT_EQ(first["programme_title"], "Chuyên mục cải cách hành chính");
  EXPECT_EQ(first["slot"], 0);
  ASSERT_EQ(first["segments"].size(), 2u);
  EXPECT_EQ(first["segments"][0]["id"], "000000000000");
  EXPECT_EQ(first["segments"][0]["title"], "Thủ tục khai sinh");
  EXPECT_DOUBLE_EQ(first["segments"][0]["duration_seconds"].get<double>(), 95.5);
  EXPECT_DOUBLE_EQ(first["total_seconds"].get<double>(), 155.5);
  EXPECT_EQ(plan[1]["scheduled_at"], "2026-12-01T17:15:30.000+07:00");
  EXPECT_EQ(plan[1]["slot"], 1);
}

TEST_F(ScheduleCli, PreviewBadArguments) {
  CliRun r = loaxa("--lang en schedule preview --from 2026-02-30");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "loaxa: --from \"2026-02-30\" is not a valid date; use YYYY-MM-DD, e.g. 2026-11-30\n");
  CliRun days = loaxa("--lang en schedule preview --days 0");
  EXPECT_EQ(days.exit_code, 1);
  EXPECT_NE(days.err.find("--days must be from 1 to 366"), std::string::npos) << days.err;
}

TEST_F(ScheduleCli, PreviewLeavesOutBrokenFilesAndFails) {
  import_segments();
  write("schedules/news.toml", "[programme]\nid = \"news\"\n[[slot]]\ndays = [\"daily\"]\n");
  CliRun r = loaxa("--lang en schedule preview --from 2026-11-30 --days 1");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("cchc, slot 1"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("schedules/news.toml:3:1: [[slot]] is missing \"at\""), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("left out of this preview"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace loaxa
