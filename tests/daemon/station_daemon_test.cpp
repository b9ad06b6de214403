// StationDaemon in this process, on a FakeClock: what it plans, what it decides when an
// occurrence comes due and how it closes a broadcast follow the injected clock, not the
// machine's. Rehearsal output (WAV files), so no audio server is needed; the event loop is
// driven here with run_for, and the log is read from the database.

#include "daemon/station_daemon.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <fstream>
#include <functional>
#include <future>

#include "cli/cli_context.h"
#include "cli/segment_import.h"
#include "fakes/fake_clock.h"
#include "fakes/fixtures.h"

namespace loaxa {
namespace {

using namespace std::chrono;
using testing::FakeClock;
using testing::TempDir;

const char* kZone = "Asia/Ho_Chi_Minh";
// The slot's instant: a day far from the machine's clock, so nothing here can pass by
// reading the real time.
constexpr date::year_month_day kDay{date::year{2025}, date::month{3}, date::day{4}};

Instant slot_instant() {
  return local_midnight(kDay, find_zone(kZone)) + hours(6);
}

struct LogRow {
  std::string programme;
  Instant scheduled_at{};
  Instant opened_at{};
  std::optional<std::string> outcome;
  std::optional<Instant> closed_at;
  std::int64_t frames_expected = 0;
  std::int64_t frames_delivered = 0;
  std::optional<std::string> code;
};

class StationDaemonInProcess : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_ / "config");
    std::filesystem::create_directories(dir_ / "schedules");
    std::filesystem::create_directories(dir_ / "var");
    write("config/loaxa.toml",
          "[station]\nname = \"Xã Thử Nghiệm\"\ntimezone = \"Asia/Ho_Chi_Minh\"\n"
          "require_approval = false\n"
          "[storage]\ndatabase = \"../var/loaxa.db\"\nlibrary = \"../var/library\"\n"
          "keys = \"../var/keys\"\n"
          "[schedules]\ndir = \"../schedules\"\n"
          "[audio]\nhost_api = \"JACK\"\ndevice = \"system\"\nchannels = 1\n"
          "rehearsal_dir = \"../var/rehearsal\"\n"
          "[control]\nsocket = \"../var/loaxad.sock\"\n");
  }

  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  std::filesystem::path config_file() const { return dir_ / "config" / "loaxa.toml"; }

  /// A schedule of one occurrence, at slot_instant(), playing `segment` (or a tag no segment
  /// carries: decisions before playing do not look at what would play).
  void write_schedule(const std::string& segment = {}) {
    const std::string play =
        segment.empty() ? "{ tag = \"cchc\" }" : "{ segment = \"" + segment + "\" }";
    write("schedules/cchc.toml",
          "[programme]\nid = \"cchc\"\ntitle = \"CCHC\"\n\n[[slot]]\ndates = [\"2025-03-04\"]\n"
          "at = [\"06:00\"]\nplay = " +
              play + "\n");
  }

  /// Imports half a second of tone exactly as `loaxa segment import` does; its id.
  std::string import_tone() {
    const auto wav = dir_ / "tone.wav";
    testing::write_audio(wav, {testing::AudioFormat::kWav16, 48000, 1, 24000},
                         testing::sine(440, 0.5, 48000));
    CliContext ctx;
    ctx.config_flag = config_file().string();
    ctx.lang = Lang::kEn;
    auto imported = import_file(ctx, wav);
    if (!imported) throw std::runtime_error("import refused");
    return imported->segment.id;
  }

  void start(Instant fake_now) {
    clock_ = std::make_unique<FakeClock>(fake_now);
    daemon_ = std::make_unique<StationDaemon>(io_, *clock_, load_config(config_file()),
                                              DaemonOptions{true, Lang::kEn});
    daemon_->start();
  }

  /// Runs the event loop until `done`, for at most `limit` of real time.
  bool drive_until(const std::function<bool()>& done, milliseconds limit = seconds(10)) {
    const auto deadline = steady_clock::now() + limit;
    while (!done()) {
      if (steady_clock::now() > deadline) return false;
      io_.run_for(milliseconds(20));
    }
    return true;
  }

  /// One control request, answered by the daemon on this thread's event loop.
  nlohmann::json ask(const nlohmann::json& request) {
    auto reply = std::async(std::launch::async, [this, request] {
      CliContext ctx;
      ctx.config_flag = config_file().string();
      ctx.lang = Lang::kEn;
      return control_request(ctx, request);
    });
    drive_until([&] { return reply.wait_for(seconds(0)) == std::future_status::ready; });
    return reply.get();
  }

  std::vector<LogRow> log() const {
    SQLite::Database db((dir_ / "var" / "loaxa.db").string(), SQLite::OPEN_READONLY);
    SQLite::Statement q(db,
                        "SELECT b.programme_id, b.scheduled_at_us, b.opened_at_us, o.outcome, "
                        "o.written_at_us, b.frames_expected, o.frames_delivered, r.code "
                        "FROM broadcasts b "
                        "LEFT JOIN broadcast_outcomes o ON o.broadcast_id = b.id "
                        "LEFT JOIN broadcast_reasons r ON r.broadcast_id = b.id ORDER BY b.id");
    std::vector<LogRow> rows;
    auto instant = [](std::int64_t us) { return Instant{microseconds(us)}; };
    while (q.executeStep()) {
      LogRow r;
      r.programme = q.getColumn(0).getString();
      r.scheduled_at = instant(q.getColumn(1).getInt64());
      r.opened_at = instant(q.getColumn(2).getInt64());
      if (!q.getColumn(3).isNull()) r.outcome = q.getColumn(3).getString();
      if (!q.getColumn(4).isNull()) r.closed_at = instant(q.getColumn(4).getInt64());
      r.frames_expected = q.getColumn(5).getInt64();
      if (!q.getColumn(6).isNull()) r.frames_delivered = q.getColumn(6).getInt64();
      if (!q.getColumn(7).isNull()) r.code = q.getColumn(7).getString();
      rows.push_back(std::move(r));
    }
    return rows;
  }

  std::vector<Instant> station_events(const std::string& kind) const {
    SQLite::Database db((dir_ / "var" / "loaxa.db").string(), SQLite::OPEN_READONLY);
    SQLite::Statement q(db, "SELECT at_us FROM station_events WHERE kind = ? ORDER BY id");
    q.bind(1, kind);
    std::vector<Instant> at;
    while (q.executeStep()) at.push_back(Instant{microseconds(q.getColumn(0).getInt64())});
    return at;
  }

  bool closed() const {
    const auto rows = log();
    return !rows.empty() && rows.front().outcome.has_value();
  }

  TempDir dir_;
  boost::asio::io_context io_;
  std::unique_ptr<FakeClock> clock_;
  std::unique_ptr<StationDaemon> daemon_;
};

TEST_F(StationDaemonInProcess, PlansFromTheInjectedClock) {
  write_schedule();
  const Instant fake_now = slot_instant() - hours(1);
  start(fake_now);
  EXPECT_EQ(station_events("daemon_started"), std::vector<Instant>{fake_now});

  const auto status = ask({{"cmd", "status"}});
  ASSERT_TRUE(status.value("ok", false)) << status.dump();
  EXPECT_EQ(status["now"], format_iso(fake_now, find_zone(kZone)));
  ASSERT_EQ(status["next"].size(), 1u) << status.dump();
  EXPECT_EQ(status["next"][0]["scheduled_at"], format_iso(slot_instant(), find_zone(kZone)));
  EXPECT_TRUE(status["playing"].is_null());
  EXPECT_TRUE(log().empty());
}

// The status reply names the villages as loaxad's config does, so that no front door needs the
// config to show them.
TEST_F(StationDaemonInProcess, StatusNamesTheZonesByTheirDisplayNames) {
  std::ofstream(config_file(), std::ios::app)
      << "[zones]\nthon-dong = { name = \"Thôn Đông\", channels = [1] }\n";
  write("schedules/cchc.toml",
        "[programme]\nid = \"cchc\"\ntitle = \"CCHC\"\n\n[[slot]]\ndates = [\"2025-03-04\"]\n"
        "at = [\"06:00\"]\nzones = [\"thon-dong\"]\nplay = { tag = \"cchc\" }\n");
  start(slot_instant() - hours(1));
  const auto status = ask({{"cmd", "status"}});
  ASSERT_EQ(status["next"].size(), 1u) << status.dump();
  EXPECT_EQ(status["next"][0]["zones"], nlohmann::json::array({"thon-dong"}));
  EXPECT_EQ(status["next"][0]["zone_names"], nlohmann::json::array({"Thôn Đông"}));
}

TEST_F(StationDaemonInProcess, NothingIsPlannedBeforeTheInjectedClock) {
  write_schedule();
  // The slot is an hour before the fake "now": a first start has no downtime to catch up on.
  start(slot_instant() + hours(1));
  const auto status = ask({{"cmd", "status"}});
  EXPECT_TRUE(status["next"].empty()) << status.dump();
  EXPECT_TRUE(log().empty());
}

// The wall clock is set forward over the slot while the daemon waits for it: the jump is seen
// by comparing the injected wall and monotonic clocks, and the occurrence is logged missed,
// naming the jump, at the injected time.
TEST_F(StationDaemonInProcess, AForwardJumpOverTheSlotIsLoggedMissedNamingIt) {
  write_schedule();
  start(slot_instant() - seconds(90));
  io_.run_for(milliseconds(100));
  EXPECT_TRUE(log().empty());

  clock_->jump(hours(2));
  ASSERT_TRUE(drive_until([&] { return closed(); })) << "nothing logged after the jump";
  const auto rows = log();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].programme, "cchc");
  EXPECT_EQ(rows[0].scheduled_at, slot_instant());
  EXPECT_EQ(rows[0].outcome, "missed");
  EXPECT_EQ(rows[0].code, "past_grace_clock_jump");
  EXPECT_EQ(rows[0].closed_at, clock_->now());
  EXPECT_EQ(station_events("clock_jump"), std::vector<Instant>{clock_->now()});
}

// The same wait with time passing and no jump: the occurrence is not due until the injected
// clock reaches its opening, however long the test's real time runs.
TEST_F(StationDaemonInProcess, NotDueUntilTheInjectedClockReachesTheOpening) {
  write_schedule();
  start(slot_instant() - seconds(90));
  io_.run_for(milliseconds(1500));  // more than the 1 s wake-up step near a deadline
  EXPECT_TRUE(log().empty());
  EXPECT_TRUE(station_events("clock_jump").empty());
}

// Due within open_ahead: played on the rehearsal output and closed completed; the log's
// opening and closing instants are the injected clock's.
TEST_F(StationDaemonInProcess, PlaysWhenDueAndClosesAtTheInjectedTime) {
  const std::string segment = import_tone();
  write_schedule(segment);
  const Instant fake_now = slot_instant() - seconds(1);
  start(fake_now);
  ASSERT_TRUE(drive_until([&] { return closed(); })) << "the broadcast did not close";
  const auto rows = log();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].scheduled_at, slot_instant());
  EXPECT_EQ(rows[0].opened_at, fake_now);
  EXPECT_EQ(rows[0].outcome, "completed");
  EXPECT_FALSE(rows[0].code.has_value());
  EXPECT_EQ(rows[0].frames_expected, 24000);
  EXPECT_EQ(rows[0].frames_delivered, 24000);
  EXPECT_EQ(rows[0].closed_at, fake_now);

  // Handled once: nothing comes round again.
  io_.run_for(milliseconds(200));
  EXPECT_EQ(log().size(), 1u);
}

}  // namespace
}  // namespace loaxa
