// `loaxa log` as staff read it, and as scripts read it (--json), run as the built executable on
// a log written through the real writers.

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "fakes/audit_log.h"
#include "fakes/command_runner.h"
#include "fakes/fixtures.h"

namespace loaxa {
namespace {

using testing::LoggedBroadcast;
using testing::StationLog;
using testing::TempDir;

class LogCli : public ::testing::Test {
 protected:
  LogCli() : log_(dir_ / "station", "Xã Tân Phú") {
    log_.segment("aaaaaaaaaaaa", "Giới thiệu dịch vụ công", log_.at(2026, 11, 1));
    {
      LoggedBroadcast b;
      b.scheduled_at = log_.at(2026, 11, 2, 6, 0);
      b.zones = {"thon-dong"};
      log_.broadcast(b);
    }
    {
      LoggedBroadcast b;
      b.scheduled_at = log_.at(2026, 11, 3, 6, 0);
      b.outcome = Outcome::kMissed;
      b.why = Reason(ReasonCode::kDaemonNotRunning);
      b.played_fraction = 0;
      b.zones = {"thon-dong", "thon-tay"};
      log_.broadcast(b);
    }
    std::ofstream(dir_ / "loaxa.toml") << "[station]\n"
                                          "name = \"Xã Tân Phú\"\n"
                                          "[storage]\n"
                                          "database = \"station/loaxa.db\"\n"
                                          "keys = \"station/keys\"\n"
                                          "[zones]\n"
                                          "thon-dong = { name = \"Thôn Đông\", channels = [1] }\n"
                                          "thon-tay = { name = \"Thôn Tây\", channels = [2] }\n";
  }

  testing::CommandResult loaxa(std::vector<std::string> args) {
    args.insert(args.begin(),
                {testing::loaxa_binary().string(), "--config", (dir_ / "loaxa.toml").string()});
    return testing::run_command(args, dir_.path());
  }

  static bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
  }

  TempDir dir_;
  StationLog log_;
};

TEST_F(LogCli, StaffReadTitlesLocalDatesZoneNamesAndOutcomesInVietnamese) {
  const auto r = loaxa({"--lang", "vi", "log"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out,
                       "02/11/2026 06:00:00  cchc, khung giờ 1 — đã phát trọn vẹn, "
                       "bắt đầu trễ 4 ms\n"
                       "    Giới thiệu dịch vụ công (aaaaaaaaaaaa)\n"
                       "    vùng: Thôn Đông; đầu ra: JACK / system\n"))
      << r.out;
  EXPECT_TRUE(contains(r.out, "03/11/2026 06:00:00  cchc, khung giờ 1 — không phát\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "    vùng: Thôn Đông, Thôn Tây; đầu ra: JACK / system\n    lý do: "))
      << r.out;
  // Nothing of the stored English shows through.
  for (const char* english : {"completed", "missed", "thon-dong", "2026-11-02"}) {
    EXPECT_FALSE(contains(r.out, english)) << english << " in:\n" << r.out;
  }
}

TEST_F(LogCli, EnglishOnRequest) {
  const auto r = loaxa({"--lang", "en", "log", "--from", "2026-11-02", "--to", "2026-11-02"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out,
                       "2026-11-02 06:00:00  cchc, slot 1 — completed, started 4 ms late\n"
                       "    Giới thiệu dịch vụ công (aaaaaaaaaaaa)\n"
                       "    zones: Thôn Đông; output: JACK / system\n"))
      << r.out;
  EXPECT_FALSE(contains(r.out, "2026-11-03")) << r.out;
}

TEST_F(LogCli, JsonKeepsTheStoredValuesAndAddsWhatPeopleRead) {
  const auto r = loaxa({"log", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = nlohmann::json::parse(r.out);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0]["slot"], 0);
  EXPECT_EQ(rows[0]["zones"], nlohmann::json::array({"thon-dong"}));
  EXPECT_EQ(rows[0]["zone_names"], nlohmann::json::array({"Thôn Đông"}));
  EXPECT_EQ(rows[0]["segment_titles"], nlohmann::json::array({"Giới thiệu dịch vụ công"}));
  EXPECT_EQ(rows[0]["outcome"], "completed");
  EXPECT_EQ(rows[1]["outcome"], "missed");
  EXPECT_EQ(rows[1]["reason_code"], "daemon_not_running");
}

TEST_F(LogCli, ReversedPeriodIsAProblemInWhatWasAsked) {
  const auto r = loaxa({"--lang", "vi", "log", "--from", "2026-11-05", "--to", "2026-11-03"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "trước ngày đầu")) << r.err;
}

}  // namespace
}  // namespace loaxa
