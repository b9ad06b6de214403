// Fault suite: the audio server killed and restarted again and again during broadcasts. Each
// broadcast cut that way is logged failed within 2 s, loaxad never hangs (it carries on, or
// exits 75 for its supervisor when PortAudio's close hangs — the test restarts it as systemd
// would), and the occurrence after the last restart plays in full.

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <string>

#include "station_fixture.h"

namespace loaxa::it {
namespace {

const std::string kProgramme = "storm";
const std::string kTag = "t";
constexpr int kRounds = 3;

pid_t read_pid(const fs::path& file) {
  std::ifstream in(file);
  pid_t pid = -1;
  in >> pid;
  return pid;
}

TEST(Faults, AudioServerKilledRepeatedlyEachFailureLoggedNeverHangs) {
  const fs::path state = require_env("LOAXA_JACK_STATE_DIR");
  const fs::path script =
      fs::path(require_env("LOAXA_SOURCE_DIR")) / "scripts" / "jack-test-server.sh";
  const std::string server = require_env("JACK_DEFAULT_SERVER");
  Station st("loaxa-jackstorm-");
  st.import_chirp("long", 5.0, kTag);
  std::vector<std::chrono::seconds> offsets;
  for (int i = 0; i <= kRounds; ++i) offsets.emplace_back(12 * i);
  const auto times = times_ahead(5s, offsets, std::chrono::seconds(12 * kRounds + 30));
  std::vector<std::string> clock_times;
  for (const auto& t : times) clock_times.push_back(local_time_of_day(t, kStationZone));
  write_schedule(st.dir(), kProgramme, kTag, clock_times);
  st.start_daemon();

  int restarts = 0;
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const bool on_air = wait_until(
        [&] {
          auto s = st.status();
          return s && s->contains("playing") && (*s)["playing"].is_object() &&
                 int_field((*s)["playing"], "frames_delivered") > kStationRate;
        },
        std::chrono::duration_cast<std::chrono::milliseconds>(times[round] -
                                                              std::chrono::system_clock::now()) +
            10s,
        50ms);
    ASSERT_TRUE(on_air) << st.daemon().transcript();

    const pid_t jackd = read_pid(state / "jackd.pid");
    ASSERT_GT(jackd, 0);
    const auto killed_at = std::chrono::system_clock::now();
    ASSERT_EQ(::kill(jackd, SIGKILL), 0);
    json log = st.wait_for_log(
        [&](const json& l) {
          const std::string o = outcome_of(entry_at(l, kProgramme, to_us(times[round])));
          return !o.empty() && o != "playing";
        },
        10s);
    const auto noticed_at = std::chrono::system_clock::now();
    EXPECT_EQ(outcome_of(entry_at(log, kProgramme, to_us(times[round]))), "failed")
        << summarize_log(log);
    EXPECT_LT(noticed_at - killed_at, 3s) << "the loss took too long to be logged";

    std::optional<ExitStatus> ended = st.daemon().wait_for(4s);
    if (ended) {
      ASSERT_TRUE(ended->exited && ended->code == 75)
          << ended->describe() << st.daemon().transcript();
    }
    RunResult back = run({script.string(), "start", state.string(), server}, st.dir(), 20s);
    ASSERT_TRUE(back.ok()) << back.describe();
    if (ended) {
      st.drop_daemon();
      st.start_daemon();
      ++restarts;
    }
  }

  const json log = st.wait_for_log(
      [&](const json& l) {
        const std::string o = outcome_of(entry_at(l, kProgramme, to_us(times[kRounds])));
        return !o.empty() && o != "playing";
      },
      std::chrono::duration_cast<std::chrono::milliseconds>(times[kRounds] -
                                                            std::chrono::system_clock::now()) +
          15s);
  EXPECT_EQ(outcome_of(entry_at(log, kProgramme, to_us(times[kRounds]))), "completed")
      << summarize_log(log) << st.daemon().transcript();
  EXPECT_EQ(entries_of(log, kProgramme).size(), static_cast<std::size_t>(kRounds + 1))
      << summarize_log(log);
  std::printf("%d audio server kills, loaxad restarted %d times\n", kRounds, restarts);
  auto stopped = st.stop_daemon();
  ASSERT_TRUE(stopped && stopped->exited && stopped->code == 0) << st.daemon().transcript();
  const auto audit = st.audit_verify();
  ASSERT_TRUE(audit.has_value());
  EXPECT_TRUE(audit->value("intact", false)) << audit->dump(2);
}

}  // namespace
}  // namespace loaxa::it
