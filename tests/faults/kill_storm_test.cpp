// Fault suite: loaxad killed with SIGKILL at random moments across 50 short broadcasts and
// started again each time, as a flaky power supply would. Afterwards every occurrence has
// exactly one entry with a final outcome, the database passes SQLite's integrity check and the
// audit chain verifies, signed to the end.
//
// The output is rehearsal (WAV files paced by the clock): what is under test is the log's
// survival, and the JACK path's own crash behaviour is covered by Crash.* and DeviceLoss.*,
// where a storm of dead JACK clients would only test jackd's cleanup.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <thread>

#include "station_fixture.h"

namespace loaxa::it {
namespace {

const std::string kProgramme = "storm";
const std::string kTag = "s";
constexpr int kOccurrences = 50;

TEST(Faults, KillNineAtRandomMomentsLosesAndDuplicatesNothing) {
  Station st("loaxa-storm-");
  st.import_chirp("short", 0.5, kTag);
  std::vector<std::chrono::seconds> offsets;
  for (int i = 0; i < kOccurrences; ++i) offsets.emplace_back(i);
  const auto times = times_ahead(4s, offsets, std::chrono::seconds(kOccurrences + 20));
  std::vector<std::string> clock_times;
  for (const auto& t : times) clock_times.push_back(local_time_of_day(t, kStationZone));
  write_schedule(st.dir(), kProgramme, kTag, clock_times);

  // A new seed each run (printed), or the one given, so a failure can be replayed.
  const char* seed_env = std::getenv("LOAXA_STORM_SEED");
  const unsigned seed =
      seed_env != nullptr ? static_cast<unsigned>(std::stoul(seed_env)) : std::random_device{}();
  std::printf("storm seed %u (LOAXA_STORM_SEED=%u to replay)\n", seed, seed);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> alive_ms(50, 3000);
  std::uniform_int_distribution<int> down_ms(0, 800);

  const std::vector<std::string> rehearsal = {"--output", "rehearsal"};
  st.start_daemon(rehearsal);
  int kills = 0;
  while (std::chrono::system_clock::now() < times.back() + 1s) {
    std::this_thread::sleep_for(std::chrono::milliseconds(alive_ms(rng)));
    const ExitStatus killed = st.daemon().kill_and_reap();
    ASSERT_FALSE(killed.exited) << "loaxad ended by itself: " << killed.describe() << "\n"
                                << st.daemon().transcript();
    ++kills;
    st.drop_daemon();
    std::this_thread::sleep_for(std::chrono::milliseconds(down_ms(rng)));
    st.start_daemon(rehearsal);
  }
  // The last run catches up what the last downtime missed (all within the slot's grace).
  const json log = st.wait_for_log(
      [&](const json& l) {
        int final_entries = 0;
        for (const auto& t : times) {
          const std::string o = outcome_of(entry_at(l, kProgramme, to_us(t)));
          if (!o.empty() && o != "playing") ++final_entries;
        }
        return final_entries == kOccurrences;
      },
      60s);
  auto stopped = st.stop_daemon();
  ASSERT_TRUE(stopped && stopped->exited && stopped->code == 0) << st.daemon().transcript();

  std::map<std::string, int> outcomes;
  std::map<std::int64_t, int> entries_per_time;
  for (const auto& e : entries_of(log, kProgramme)) {
    const auto at = time_field(e, "scheduled_at");
    ASSERT_TRUE(at.has_value()) << e.dump();
    ++entries_per_time[*at];
  }
  for (const auto& t : times) {
    const json* e = entry_at(log, kProgramme, to_us(t));
    ASSERT_NE(e, nullptr) << "occurrence at " << local_time_of_day(t, kStationZone)
                          << " has no entry" << summarize_log(log);
    EXPECT_EQ(entries_per_time[to_us(t)], 1)
        << "occurrence at " << local_time_of_day(t, kStationZone) << " logged more than once"
        << summarize_log(log);
    const std::string o = outcome_of(e);
    EXPECT_TRUE(o == "completed" || o == "interrupted" || o == "missed" || o == "partial")
        << o << ": " << e->dump();
    ++outcomes[o];
  }
  EXPECT_EQ(entries_of(log, kProgramme).size(), static_cast<std::size_t>(kOccurrences))
      << summarize_log(log);
  std::printf("%d kills over %d occurrences:", kills, kOccurrences);
  for (const auto& [o, n] : outcomes) std::printf(" %s %d", o.c_str(), n);
  std::printf("\n");
  EXPECT_GE(kills, 10) << "the storm was too mild to mean anything";
  EXPECT_GT(outcomes["completed"], 0);

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
