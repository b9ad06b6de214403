// loaxad killed with SIGKILL in the middle of a broadcast, then started again: the open log entry
// must be closed as interrupted, not replayed, and the schedule must go on.

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <string>

#include "station_fixture.h"

namespace loaxa::it {
namespace {

const std::string kProgramme = "test";
const std::string kTag = "t";

TEST(Crash, KillNineMidBroadcastThenRestart) {
  Station st("loaxa-crash-");
  const ImportedSegment seg = st.import_chirp("long", 4.0, kTag);
  // The kill comes 2.5 s into the first occurrence, after the daemon's first periodic progress
  // checkpoint (every 2 s); the second leaves time for the restart and open_ahead (2 s).
  const auto times = times_ahead(5s, {0s, 9s}, 40s);
  write_schedule(
      st.dir(), kProgramme, kTag,
      {local_time_of_day(times[0], kStationZone), local_time_of_day(times[1], kStationZone)});
  st.start_daemon();

  std::int64_t delivered_at_kill = -1;
  const bool on_air = wait_until(
      [&] {
        auto s = st.status();
        if (!s || !s->contains("playing") || !(*s)["playing"].is_object()) return false;
        delivered_at_kill = int_field((*s)["playing"], "frames_delivered");
        return delivered_at_kill >= kStationRate * 5 / 2;
      },
      15s, 50ms);
  ASSERT_TRUE(on_air) << "the first occurrence never went on air\n" << st.daemon().transcript();
  const ExitStatus killed = st.daemon().kill_and_reap();
  ASSERT_FALSE(killed.exited) << killed.describe();
  std::printf("killed loaxad with %lld frames delivered (last status)\n",
              static_cast<long long>(delivered_at_kill));
  const std::string first_run = st.daemon().transcript();

  auto before = st.log();
  ASSERT_TRUE(before.has_value());
  EXPECT_EQ(outcome_of(entry_at(*before, kProgramme, to_us(times[0]))), "playing")
      << "a broadcast cut by a crash must leave its open entry" << summarize_log(*before);

  st.drop_daemon();
  st.start_daemon();  // over the stale socket file the killed daemon left
  json log = st.wait_for_log(
      [&](const json& l) {
        const std::string o = outcome_of(entry_at(l, kProgramme, to_us(times[1])));
        return !o.empty() && o != "playing";
      },
      std::chrono::duration_cast<std::chrono::milliseconds>(times[1] -
                                                            std::chrono::system_clock::now()) +
          20s);
  auto stopped = st.stop_daemon();

  const json* first = entry_at(log, kProgramme, to_us(times[0]));
  ASSERT_NE(first, nullptr) << summarize_log(log);
  EXPECT_EQ(outcome_of(first), "interrupted") << summarize_log(log) << "\n" << first_run;
  EXPECT_NE(first->value("reason", "").find("crash"), std::string::npos) << first->dump();
  EXPECT_EQ(first->value("reason_code", nlohmann::json()), "daemon_crashed") << first->dump();
  const std::int64_t delivered = int_field(*first, "frames_delivered");
  std::printf("interrupted entry: frames_delivered %lld of %lld (status said %lld at the kill)\n",
              static_cast<long long>(delivered),
              static_cast<long long>(int_field(*first, "frames_expected")),
              static_cast<long long>(delivered_at_kill));
  // The daemon checkpoints progress every 2 s, so the entry may lag what was heard by that much
  // (plus a watch period and the status round trip), never more, and never claim the whole.
  EXPECT_GE(delivered, delivered_at_kill - kStationRate * 5 / 2) << first->dump();
  EXPECT_GT(delivered, 0) << first->dump();
  EXPECT_LT(delivered, static_cast<std::int64_t>(seg.pcm.size())) << first->dump();

  const json* second = entry_at(log, kProgramme, to_us(times[1]));
  EXPECT_EQ(outcome_of(second), "completed")
      << "the occurrence after the restart; log:" << summarize_log(log) << "\n"
      << st.daemon().transcript();
  if (second != nullptr) {
    EXPECT_EQ(int_field(*second, "frames_delivered"), static_cast<std::int64_t>(seg.pcm.size()))
        << second->dump();
  }
  // The interrupted occurrence is not played a second time after the restart.
  EXPECT_EQ(entries_of(log, kProgramme).size(), 2u) << summarize_log(log);
  EXPECT_TRUE(stopped && stopped->exited && stopped->code == 0) << st.daemon().transcript();

  // The crash leaves the chain whole: the restart signs what the killed run left unsigned,
  // and the clean stop signs the rest.
  const auto audit = st.audit_verify();
  ASSERT_TRUE(audit.has_value());
  EXPECT_TRUE(audit->value("intact", false)) << audit->dump(2);
  EXPECT_EQ(audit->value("unsigned_events", -1), 0) << audit->dump(2);
  EXPECT_GE(audit->value("checkpoints", 0), 3)
      << "start, start again, shutdown: " << audit->dump(2);
}

}  // namespace
}  // namespace loaxa::it
