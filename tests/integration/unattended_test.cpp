// Unattended operation through the real path: dead air is measured in what was delivered and
// flagged in the log; the amplifier's before/after commands run around each broadcast and a
// failed `before` cancels it when the config says so.

#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <string>

#include "jack_capture.h"
#include "station_fixture.h"
#include "test_signals.h"

namespace loaxa::it {
namespace {

const std::string kTag = "t";

std::string final_outcome(const json& log, const std::string& programme, std::int64_t at_us) {
  const std::string o = outcome_of(entry_at(log, programme, at_us));
  return o == "playing" ? "" : o;
}

json events_of(const Station& st, const std::string& kind) {
  json rows = st.query("SELECT detail FROM station_events WHERE kind = '" + kind + "' ORDER BY id")
                  .value_or(json::array());
  json out = json::array();
  for (const auto& r : rows) out.push_back(json::parse(r.value("detail", "{}")));
  return out;
}

/// One number per line (nanoseconds from `date +%s%N`), converted to microseconds.
std::vector<std::int64_t> stamps(const fs::path& file) {
  std::vector<std::int64_t> out;
  std::istringstream in(read_file(file));
  for (std::int64_t ns; in >> ns;) out.push_back(ns / 1000);
  return out;
}

TEST(DeadAir, LongSilenceInASegmentIsFlaggedWithItsLength) {
  Station st("loaxa-deadair-");
  st.add_config("audio", "dead_air_seconds = 1\n");
  // 0.5 s of sound, 1.5 s of digital silence, 0.5 s of sound.
  std::vector<std::int16_t> gappy = chirp_pcm16(kStationRate, 0.5);
  gappy.insert(gappy.end(), kStationRate * 3 / 2, 0);
  const auto tail = chirp_pcm16(kStationRate, 0.5);
  gappy.insert(gappy.end(), tail.begin(), tail.end());
  st.import_pcm("gappy", gappy, "gappy");
  st.import_chirp("steady", 1.0, "steady");
  const auto times = times_ahead(5s, {0s, 4s}, 30s);
  write_schedule(st.dir(), "gappy", "gappy", {local_time_of_day(times[0], kStationZone)});
  write_schedule(st.dir(), "steady", "steady", {local_time_of_day(times[1], kStationZone)});
  st.start_daemon();
  json log = st.wait_for_log(
      [&](const json& l) { return !final_outcome(l, "steady", to_us(times[1])).empty(); }, 25s);
  auto stopped = st.stop_daemon();
  ASSERT_TRUE(stopped && stopped->exited && stopped->code == 0) << st.daemon().transcript();

  const json* gap = entry_at(log, "gappy", to_us(times[0]));
  const json* steady = entry_at(log, "steady", to_us(times[1]));
  ASSERT_EQ(outcome_of(gap), "completed") << summarize_log(log) << st.daemon().transcript();
  ASSERT_EQ(outcome_of(steady), "completed") << summarize_log(log);
  // Measured per output block (1024 frames here, 21 ms): the 1.5 s gap, less the blocks it
  // shares with sound.
  EXPECT_EQ(gap->value("dead_air", false), true) << gap->dump();
  EXPECT_GE(int_field(*gap, "longest_silence_ms"), 1400) << gap->dump();
  EXPECT_LE(int_field(*gap, "longest_silence_ms"), 1500) << gap->dump();
  EXPECT_EQ(steady->value("dead_air", true), false) << steady->dump();
  EXPECT_LT(int_field(*steady, "longest_silence_ms"), 200) << steady->dump();
  EXPECT_NE(st.daemon().stdout_text().find("WARNING: dead air, 1."), std::string::npos)
      << st.daemon().transcript();
}

TEST(Amplifier, BeforeAndAfterRunAroundABroadcastAndAFailedBeforeCancels) {
  Station st("loaxa-amplifier-");
  const fs::path before_log = st.dir() / "before.log";
  const fs::path after_log = st.dir() / "after.log";
  const fs::path fail_flag = st.dir() / "relay-broken";
  const fs::path script = st.dir() / "amp-on.sh";
  // A relay script that fails slowly once the relay is "broken": the daemon must wait for its
  // result, even though the lead (1 s) is shorter than open_ahead (2 s).
  write_file(script, "date +%s%N >> '" + before_log.string() + "'\nif [ -e '" + fail_flag.string() +
                         "' ]; then sleep 0.5; exit 3; fi\n");
  st.add_config("amplifier", "before = \"sh '" + script.string() +
                                 "'\"\nafter = \"date +%s%N >> '" + after_log.string() +
                                 "'\"\nlead = 1\ntimeout = 3\ncancel_on_failure = true\n");
  st.import_chirp("chirp", 1.0, kTag);
  const auto times = times_ahead(6s, {0s, 6s}, 40s);
  write_schedule(
      st.dir(), "test", kTag,
      {local_time_of_day(times[0], kStationZone), local_time_of_day(times[1], kStationZone)});
  JackCapture capture("loaxad", 40.0);
  capture.start();
  st.start_daemon();

  json log = st.wait_for_log(
      [&](const json& l) { return !final_outcome(l, "test", to_us(times[0])).empty(); }, 20s);
  ASSERT_EQ(final_outcome(log, "test", to_us(times[0])), "completed")
      << summarize_log(log) << st.daemon().transcript();
  write_file(fail_flag, "");
  log = st.wait_for_log(
      [&](const json& l) { return !final_outcome(l, "test", to_us(times[1])).empty(); }, 20s);
  auto stopped = st.stop_daemon();
  capture.stop();
  ASSERT_TRUE(stopped && stopped->exited && stopped->code == 0) << st.daemon().transcript();

  const json* played = entry_at(log, "test", to_us(times[0]));
  const json* cancelled = entry_at(log, "test", to_us(times[1]));
  ASSERT_NE(cancelled, nullptr) << summarize_log(log);
  EXPECT_EQ(outcome_of(cancelled), "failed") << summarize_log(log) << st.daemon().transcript();
  EXPECT_EQ(cancelled->value("reason", ""),
            "cancelled: the amplifier's 'before' command failed (exit 3)");
  EXPECT_EQ(int_field(*cancelled, "frames_delivered"), 0);

  // `before` ran ahead of each occurrence (lead 1 s, but not later than the output opens, 2 s);
  // `after` once, after the broadcast that played, and not for the cancelled one.
  const auto befores = stamps(before_log);
  const auto afters = stamps(after_log);
  ASSERT_EQ(befores.size(), 2u) << read_file(before_log);
  ASSERT_EQ(afters.size(), 1u) << read_file(after_log);
  const auto started = time_field(*played, "started_at");
  ASSERT_TRUE(started.has_value());
  for (int i = 0; i < 2; ++i) {
    EXPECT_LT(befores[i], to_us(times[i])) << ms_text(befores[i] - to_us(times[i]));
    EXPECT_GT(befores[i], to_us(times[i]) - 3'000'000) << ms_text(befores[i] - to_us(times[i]));
  }
  EXPECT_GT(afters[0], *started + 900'000) << ms_text(afters[0] - *started);
  EXPECT_LT(afters[0], to_us(times[1])) << ms_text(afters[0] - to_us(times[1]));

  const json before_events = events_of(st, "amplifier_before");
  ASSERT_EQ(before_events.size(), 2u) << before_events.dump();
  EXPECT_EQ(before_events[0].value("ok", false), true) << before_events.dump();
  EXPECT_EQ(before_events[1].value("ok", true), false) << before_events.dump();
  EXPECT_EQ(before_events[1].value("result", ""), "exit 3") << before_events.dump();
  const json after_events = events_of(st, "amplifier_after");
  ASSERT_EQ(after_events.size(), 1u) << after_events.dump();
  EXPECT_EQ(after_events[0].value("ok", false), true) << after_events.dump();

  // Heard: the first broadcast only.
  EXPECT_EQ(capture.captured().bursts(kStationRate / 2).size(), 1u) << "xruns: " << capture.xruns();
}

}  // namespace
}  // namespace loaxa::it
