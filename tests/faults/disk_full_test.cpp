// Fault suite: the disk fills up while loaxad logs. A file-size limit of one byte, set on the
// running daemon with prlimit, makes every write to the database fail as a full disk does;
// playback goes on, the entries wait in memory (shown by `loaxa status`), and once the limit is
// lifted they are written, in order, and the log verifies with nothing corrupted.

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "station_fixture.h"

namespace loaxa::it {
namespace {

const std::string kProgramme = "full";
const std::string kTag = "t";

TEST(Faults, DiskFullWhileLoggingKeepsPlayingAndWritesTheEntriesLater) {
  Station st("loaxa-diskfull-");
  st.import_chirp("tone", 2.0, kTag);
  const auto times = times_ahead(6s, {0s, 5s}, 20s);
  write_schedule(
      st.dir(), kProgramme, kTag,
      {local_time_of_day(times[0], kStationZone), local_time_of_day(times[1], kStationZone)});
  st.start_daemon();
  const std::string pid = std::to_string(st.daemon().pid());
  // The soft limit only: an unprivileged test can raise it again.
  RunResult full = run({"/usr/bin/env", "prlimit", "--pid", pid, "--fsize=1:"}, st.dir());
  ASSERT_TRUE(full.ok()) << full.describe();

  // Both occurrences play while nothing can be written.
  std::int64_t most_delivered = 0;
  std::size_t backlog = 0;
  std::string log_error;
  const bool both_played = wait_until(
      [&] {
        auto s = st.status();
        if (!s) return false;
        backlog = s->value("log_backlog", std::size_t{0});
        log_error = s->value("log_error", "");
        if ((*s)["playing"].is_object()) {
          most_delivered = std::max(most_delivered, int_field((*s)["playing"], "frames_delivered"));
        }
        return std::chrono::system_clock::now() > times[1] + 3s && !(*s)["playing"].is_object();
      },
      std::chrono::duration_cast<std::chrono::milliseconds>(times[1] -
                                                            std::chrono::system_clock::now()) +
          10s,
      100ms);
  ASSERT_TRUE(both_played) << st.daemon().transcript();
  EXPECT_GT(most_delivered, kStationRate) << "playback went on";
  // Each occurrence's opening row and outcome wait.
  EXPECT_GE(backlog, 4u) << "log_error: " << log_error;
  EXPECT_FALSE(log_error.empty());
  const auto during = st.log();
  ASSERT_TRUE(during.has_value());
  EXPECT_EQ(entry_at(*during, kProgramme, to_us(times[0])), nullptr)
      << "nothing could have been written" << summarize_log(*during);

  RunResult room = run({"/usr/bin/env", "prlimit", "--pid", pid, "--fsize=unlimited:"}, st.dir());
  ASSERT_TRUE(room.ok()) << room.describe();
  const json log = st.wait_for_log(
      [&](const json& l) {
        return outcome_of(entry_at(l, kProgramme, to_us(times[1]))) == "completed";
      },
      15s);
  for (const auto& t : times) {
    const json* e = entry_at(log, kProgramme, to_us(t));
    ASSERT_NE(e, nullptr) << summarize_log(log);
    EXPECT_EQ(outcome_of(e), "completed") << e->dump();
    EXPECT_EQ(int_field(*e, "frames_delivered"), int_field(*e, "frames_expected")) << e->dump();
  }
  const auto status = st.status();
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->value("log_backlog", std::size_t{99}), 0u);

  auto stopped = st.stop_daemon();
  ASSERT_TRUE(stopped && stopped->exited && stopped->code == 0) << st.daemon().transcript();
  RunResult integrity = run({"/usr/bin/env", "sqlite3", (st.dir() / "var" / "loaxa.db").string(),
                             "PRAGMA integrity_check"},
                            st.dir());
  ASSERT_TRUE(integrity.ok()) << integrity.describe();
  EXPECT_EQ(integrity.out, "ok\n");
  const auto audit = st.audit_verify();
  ASSERT_TRUE(audit.has_value());
  EXPECT_TRUE(audit->value("intact", false)) << audit->dump(2);
  EXPECT_EQ(audit->value("unsigned_events", -1), 0) << audit->dump(2);
}

}  // namespace
}  // namespace loaxa::it
