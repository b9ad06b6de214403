// Wall-clock jumps through a real loaxad process playing into JACK: no occurrence plays twice,
// none disappears silently — each is played (late, with its delay) or logged missed with why.
//
// libfaketime (LD_PRELOAD) moves loaxad's CLOCK_REALTIME by an offset it reads from a file,
// re-read at most a second later after the test changes it, the way an NTP step or someone
// setting the clock moves a real wall clock. CLOCK_MONOTONIC is left alone
// (FAKETIME_DONT_FAKE_MONOTONIC), as a real step leaves it: loaxad's timers run on it, and so
// do JACK's. libfaketime 0.9.10 still shifts absolute monotonic timer deadlines, which hangs
// Boost.Asio after a forward jump; faketime_fix.c, preloaded first, keeps those calls real. The
// JACK server and the capture run unfaked; loaxad places its first frame by its own (faked) wall
// clock, so the audio still goes through the real PortAudio/JACK path.

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <string>

#include "jack_capture.h"
#include "station_fixture.h"

namespace loaxa::it {
namespace {

const std::string kProgramme = "test";
const std::string kTag = "t";

/// The offset file libfaketime reads, and the environment that makes loaxad read it.
class FakedSystemClock {
 public:
  explicit FakedSystemClock(const fs::path& dir) : file_(dir / "faketime-offset") { set(0s); }

  /// From now on (within a second) loaxad's wall clock reads real time + `offset`.
  void set(std::chrono::seconds offset) {
    // Written whole, then renamed: libfaketime must never read a half-written file.
    const fs::path tmp = file_.string() + ".tmp";
    write_file(tmp, (offset.count() < 0 ? "" : "+") + std::to_string(offset.count()) + "\n");
    fs::rename(tmp, file_);
    offset_ = offset;
  }
  /// Sets the offset so that loaxad's clock reads `at` now.
  void set_reading(std::int64_t at_us) {
    set(std::chrono::seconds(static_cast<std::int64_t>(std::floor((at_us - realtime_us()) / 1e6))));
  }
  /// What loaxad's wall clock reads (once it has seen the latest offset).
  std::int64_t now_us() const { return realtime_us() + offset_.count() * 1'000'000; }

  std::vector<std::pair<std::string, std::string>> env() const {
    // libfaketime, preceded by faketime_fix.c's shim (monotonic timers stay real).
    return {{"LD_PRELOAD", require_env("LOAXA_FAKETIME_PRELOAD")},
            {"FAKETIME_TIMESTAMP_FILE", file_.string()},
            {"FAKETIME_CACHE_DURATION", "1"},
            {"FAKETIME_DONT_FAKE_MONOTONIC", "1"}};
  }

 private:
  fs::path file_;
  std::chrono::seconds offset_{0};
};

std::string final_outcome(const json& log, std::int64_t at_us) {
  const std::string o = outcome_of(entry_at(log, kProgramme, at_us));
  return o == "playing" ? "" : o;
}

/// station_events of `kind`, as sqlite3 -json rows.
json events_of(const Station& st, const std::string& kind) {
  return st.query("SELECT detail FROM station_events WHERE kind = '" + kind + "' ORDER BY id")
      .value_or(json::array());
}

/// Sound bursts the capture heard, separated by at least 0.5 s of silence.
std::size_t bursts_heard(const JackCapture& capture) {
  return capture.captured().bursts(kStationRate / 2).size();
}

TEST(ClockJump, ForwardPastGraceIsMissedWithinGracePlaysLate) {
  Station st("loaxa-clockjump-fwd-");
  FakedSystemClock clock(st.dir());
  const ImportedSegment seg = st.import_chirp("chirp", 1.5, kTag);
  const auto times = times_ahead(15s, {0s, 2s}, 120s);
  write_file(st.schedule_file(kProgramme), "[programme]\nid = \"" + kProgramme +
                                               "\"\ntitle = \"Nhảy giờ\"\n\n"
                                               "[[slot]]\ndays = [\"daily\"]\nat = [\"" +
                                               local_time_of_day(times[0], kStationZone) +
                                               "\"]\nplay = { tag = \"" + kTag +
                                               "\" }\ngrace = \"0:05\"\n\n"
                                               "[[slot]]\ndays = [\"daily\"]\nat = [\"" +
                                               local_time_of_day(times[1], kStationZone) +
                                               "\"]\nplay = { tag = \"" + kTag + "\" }\n");
  JackCapture capture("loaxad", 60.0);
  capture.start();
  st.start_daemon({}, clock.env());
  ASSERT_LT(realtime_us(), to_us(times[0]) - 5'000'000)
      << "loaxad took too long to start; the jump must come before the first occurrence opens";

  // 30 s forward: the first occurrence (grace 5 s) is then about 18 s late, the second (grace
  // 10 min) about 16 s.
  clock.set(30s);
  const std::int64_t jumped_at = clock.now_us();
  json log = st.wait_for_log(
      [&](const json& l) {
        return !final_outcome(l, to_us(times[0])).empty() &&
               !final_outcome(l, to_us(times[1])).empty();
      },
      25s);
  const json* missed = entry_at(log, kProgramme, to_us(times[0]));
  const json* late = entry_at(log, kProgramme, to_us(times[1]));
  ASSERT_NE(missed, nullptr) << summarize_log(log) << st.daemon().transcript();
  ASSERT_NE(late, nullptr) << summarize_log(log) << st.daemon().transcript();

  EXPECT_EQ(outcome_of(missed), "missed") << summarize_log(log);
  EXPECT_EQ(missed->value("reason_code", nlohmann::json()), "past_grace_clock_jump")
      << missed->dump();
  EXPECT_EQ(missed->at("reason_params").value("grace", ""), "0:05") << missed->dump();
  const std::string reason = missed->value("reason", "");
  EXPECT_NE(reason.find("past its grace (0:05)"), std::string::npos) << reason;
  EXPECT_NE(reason.find("the wall clock jumped forward"), std::string::npos) << reason;
  EXPECT_EQ(int_field(*missed, "frames_delivered"), 0);

  EXPECT_EQ(outcome_of(late), "completed") << summarize_log(log) << st.daemon().transcript();
  EXPECT_EQ(int_field(*late, "frames_delivered"), int_field(*late, "frames_expected"));
  const auto started = time_field(*late, "started_at");
  ASSERT_TRUE(started.has_value()) << summarize_log(log);
  // Played late, and the log shows by how much: from the jump on, not from its scheduled time.
  const std::int64_t delay = *started - to_us(times[1]);
  EXPECT_GT(delay, 10'000'000) << ms_text(delay);
  EXPECT_GE(*started, jumped_at - 1'500'000) << ms_text(*started - jumped_at);

  const json jumps = events_of(st, "clock_jump");
  ASSERT_EQ(jumps.size(), 1u) << jumps.dump() << st.daemon().transcript();
  const double by = json::parse(jumps[0].value("detail", "{}")).value("seconds", 0.0);
  EXPECT_NEAR(by, 30.0, 1.5) << jumps.dump();

  auto stopped = st.stop_daemon();
  capture.stop();
  ASSERT_TRUE(stopped && stopped->exited && stopped->code == 0) << st.daemon().transcript();
  // What the log says is what was heard: one broadcast, the one played late.
  EXPECT_EQ(bursts_heard(capture), 1u) << "xruns: " << capture.xruns();
}

TEST(ClockJump, BackwardNeverReplaysWithinARunOrAcrossARestart) {
  Station st("loaxa-clockjump-back-");
  FakedSystemClock clock(st.dir());
  const ImportedSegment seg = st.import_chirp("chirp", 1.0, kTag);
  const auto times = times_ahead(8s, {0s, 4s}, 120s);
  write_schedule(
      st.dir(), kProgramme, kTag,
      {local_time_of_day(times[0], kStationZone), local_time_of_day(times[1], kStationZone)});
  JackCapture capture("loaxad", 90.0);
  capture.start();
  st.start_daemon({}, clock.env());

  json log = st.wait_for_log(
      [&](const json& l) { return !final_outcome(l, to_us(times[0])).empty(); }, 20s);
  ASSERT_EQ(final_outcome(log, to_us(times[0])), "completed")
      << summarize_log(log) << st.daemon().transcript();

  // Back to 4 s before the occurrence that has just played: it must not play again, and the
  // next one plays when the (set back) clock reaches it.
  clock.set_reading(to_us(times[0]) - 4'000'000);
  log = st.wait_for_log([&](const json& l) { return !final_outcome(l, to_us(times[1])).empty(); },
                        25s);
  EXPECT_EQ(final_outcome(log, to_us(times[1])), "completed")
      << summarize_log(log) << st.daemon().transcript();
  EXPECT_EQ(entries_of(log, kProgramme).size(), 2u) << summarize_log(log);
  const json jumps = events_of(st, "clock_jump");
  ASSERT_FALSE(jumps.empty()) << st.daemon().transcript();
  EXPECT_LT(json::parse(jumps.back().value("detail", "{}")).value("seconds", 0.0), -1.0)
      << jumps.dump();

  // Stopped, and started again with the clock reading before the second occurrence: a fresh
  // process knows only the log, and the log says it played.
  auto stopped = st.stop_daemon();
  ASSERT_TRUE(stopped && stopped->exited && stopped->code == 0) << st.daemon().transcript();
  st.drop_daemon();
  clock.set_reading(to_us(times[1]) - 5'000'000);
  st.start_daemon({}, clock.env());
  // A replay would have opened its log entry open_ahead (2 s) before the occurrence: look 3 s
  // after it (the new process read the offset file at its first clock reading).
  ASSERT_TRUE(wait_until([&] { return clock.now_us() > to_us(times[1]) + 3'000'000; }, 15s));
  log = st.log().value_or(json::array());
  EXPECT_EQ(entries_of(log, kProgramme).size(), 2u)
      << "replayed after the clock went back across a restart:" << summarize_log(log)
      << st.daemon().transcript();
  stopped = st.stop_daemon();
  capture.stop();
  ASSERT_TRUE(stopped && stopped->exited && stopped->code == 0) << st.daemon().transcript();
  EXPECT_EQ(bursts_heard(capture), 2u) << "xruns: " << capture.xruns();
}

}  // namespace
}  // namespace loaxa::it
