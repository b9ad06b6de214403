// The audio server killed in the middle of a broadcast (the "USB sound card pulled out" case):
// the broadcast must end as failed within 2 s, loaxad must never hang, and once the server is back
// the next occurrence plays. When PortAudio's close hangs, loaxad exits 75 for its supervisor;
// the test then plays the supervisor's part and starts it again.

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <string>

#include "station_fixture.h"

namespace loaxa::it {
namespace {

const std::string kProgramme = "test";
const std::string kTag = "t";

pid_t read_pid(const fs::path& file) {
  std::ifstream in(file);
  pid_t pid = -1;
  in >> pid;
  return pid;
}

TEST(DeviceLoss, AudioServerKilledMidBroadcastFailsFastAndNextPlays) {
  const fs::path state = require_env("LOAXA_JACK_STATE_DIR");
  const fs::path script =
      fs::path(require_env("LOAXA_SOURCE_DIR")) / "scripts" / "jack-test-server.sh";
  const std::string server = require_env("JACK_DEFAULT_SERVER");
  Station st("loaxa-devloss-");
  st.import_chirp("long", 6.0, kTag);
  const auto times = times_ahead(5s, {0s, 16s}, 40s);
  write_schedule(
      st.dir(), kProgramme, kTag,
      {local_time_of_day(times[0], kStationZone), local_time_of_day(times[1], kStationZone)});
  st.start_daemon();

  const bool on_air = wait_until(
      [&] {
        auto s = st.status();
        return s && s->contains("playing") && (*s)["playing"].is_object() &&
               int_field((*s)["playing"], "frames_delivered") > kStationRate;
      },
      15s, 50ms);
  ASSERT_TRUE(on_air) << st.daemon().transcript();

  const pid_t jackd = read_pid(state / "jackd.pid");
  ASSERT_GT(jackd, 0);
  const auto killed_at = std::chrono::system_clock::now();
  ASSERT_EQ(::kill(jackd, SIGKILL), 0);

  // failed within 2 s of the loss (plus the 50 ms watch period and the log write).
  json log = st.wait_for_log(
      [&](const json& l) {
        const std::string o = outcome_of(entry_at(l, kProgramme, to_us(times[0])));
        return !o.empty() && o != "playing";
      },
      10s);
  const auto noticed_at = std::chrono::system_clock::now();
  const json* first = entry_at(log, kProgramme, to_us(times[0]));
  ASSERT_NE(first, nullptr) << summarize_log(log);
  EXPECT_EQ(outcome_of(first), "failed") << summarize_log(log);
  EXPECT_LT(noticed_at - killed_at, 3s) << "the loss took too long to be logged";

  // loaxad either carries on, or exits 75 (its close hung) within a few seconds: never hangs.
  std::optional<ExitStatus> ended = st.daemon().wait_for(4s);
  if (ended) {
    ASSERT_TRUE(ended->exited && ended->code == 75)
        << ended->describe() << st.daemon().transcript();
  }

  RunResult restarted = run({script.string(), "start", state.string(), server}, st.dir(), 20s);
  ASSERT_TRUE(restarted.ok()) << restarted.describe();
  if (ended) {
    st.drop_daemon();
    st.start_daemon();  // what systemd's Restart=on-failure (or make run's loop) does
  }

  log = st.wait_for_log(
      [&](const json& l) {
        const std::string o = outcome_of(entry_at(l, kProgramme, to_us(times[1])));
        return !o.empty() && o != "playing";
      },
      std::chrono::duration_cast<std::chrono::milliseconds>(times[1] -
                                                            std::chrono::system_clock::now()) +
          15s);
  EXPECT_EQ(outcome_of(entry_at(log, kProgramme, to_us(times[1]))), "completed")
      << summarize_log(log) << st.daemon().transcript();
  auto stopped = st.stop_daemon();
  ASSERT_TRUE(stopped && stopped->exited && stopped->code == 0) << st.daemon().transcript();
}

}  // namespace
}  // namespace loaxa::it
