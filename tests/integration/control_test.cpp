// Staff control through the real path: `loaxa status|play|stop|reload` and raw bytes on the
// control socket, against loaxad playing into the JACK test server, judged by what the capture
// heard and what the broadcast log says.

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <regex>
#include <string>
#include <thread>

#include "jack_capture.h"
#include "station_fixture.h"
#include "test_signals.h"

namespace loaxa::it {
namespace {

const std::string kProgramme = "test";
const std::string kTag = "t";
// The issue's limit for a pre-emption or stop fade, from the request to the last sound heard.
constexpr std::int64_t kFadeLimitUs = 500'000;

/// When frame `index` leaves the server: cycle start plus the declared playback latency.
std::int64_t heard_us(const CapturedAudio& audio, const JackCapture& capture, std::size_t index) {
  const std::int64_t latency_us =
      (static_cast<std::int64_t>(capture.output_latency_frames()) * 1'000'000 + kStationRate / 2) /
      kStationRate;
  return audio.wall_us(index) + latency_us;
}

/// Waits until the capture has heard `after_us` of sound; returns the onset frame if it did.
std::optional<std::size_t> wait_for_sound(const JackCapture& capture, std::int64_t after_us,
                                          std::chrono::milliseconds timeout) {
  std::optional<std::size_t> onset;
  wait_until(
      [&] {
        CapturedAudio audio = capture.captured();
        onset = audio.first_sound();
        return onset && realtime_us() >= audio.wall_us(*onset) + after_us;
      },
      timeout, 20ms);
  return onset;
}

/// Checks a broadcast cut by a fade: an exact prefix of `expected`, then samples that never
/// exceed it in size, ending within kFadeLimitUs of `answered_us`. Returns the fade's first frame.
std::optional<std::size_t> check_cut(Attempt& a, const std::string& which,
                                     const CapturedAudio& audio, const JackCapture& capture,
                                     const Burst& burst, const std::vector<double>& expected,
                                     std::int64_t asked_us, std::int64_t answered_us) {
  std::size_t exact = 0;
  while (exact < burst.size() && exact < expected.size() &&
         count_mismatches(audio, burst.first + exact, {expected[exact]}, 1, nullptr) == 0) {
    ++exact;
  }
  if (exact >= expected.size()) {
    a.fail(which + ": played to the end, it was not cut");
    return std::nullopt;
  }
  std::size_t louder = 0;
  for (std::size_t i = exact; i < burst.size() && i < expected.size(); ++i) {
    for (int c = 0; c < CapturedAudio::kChannels; ++c) {
      const double got = audio.channel(c)[burst.first + i];
      if (!(std::abs(got) <= std::abs(expected[i]) * (1 + 1e-6) + 1e-9)) ++louder;
    }
  }
  const std::int64_t fade_start = heard_us(audio, capture, burst.first + exact);
  const std::int64_t last = heard_us(audio, capture, burst.end - 1);
  const double fade_s = static_cast<double>(burst.end - burst.first - exact) / kStationRate;
  a.note(which + ": exact for " + std::to_string(exact) + " frames, then a fade of " +
         std::to_string(fade_s) + " s; fade heard from " + ms_text(fade_start - asked_us) +
         " after `loaxa` was started, silent " + ms_text(last - asked_us) + " after it (" +
         ms_text(last - answered_us) + " after its answer)");
  if (louder > 0) {
    a.fail(which + ": " + std::to_string(louder) +
           " samples after the cut are louder than the recording: not a fade");
  }
  // A cycle's samples are computed by the callback at about its start; one that shows the fade
  // before the request was even sent would mean the cut came from something else.
  if (audio.wall_us(burst.first + exact) < asked_us - 5'000) {
    a.fail(which + ": the fade began " + ms_text(asked_us - audio.wall_us(burst.first + exact)) +
           " before the request was sent");
  }
  if (last - answered_us > kFadeLimitUs) {
    a.fail(which + ": still sounding " + ms_text(last - answered_us) +
           " after the daemon acknowledged the request (limit 500 ms)");
  }
  return exact;
}

// (a) An emergency `loaxa play` cuts a scheduled broadcast ~1 s in: the capture shows the
// scheduled content, a fade within 0.5 s, then the emergency recording exactly; the log has the
// first as preempted and the emergency as completed.
Attempt emergency_scenario() {
  Attempt a;
  Station st("loaxa-emergency-");
  const ImportedSegment scheduled = st.import_chirp("scheduled", 4.0, kTag);
  const ImportedSegment urgent = st.import_chirp("urgent", 1.5, "urgent");
  const auto times = times_ahead(5s, {0s}, 30s);
  write_schedule(st.dir(), kProgramme, kTag, {local_time_of_day(times[0], kStationZone)});

  JackCapture capture("loaxad", 30.0);
  capture.start();
  st.start_daemon();
  if (!wait_for_sound(capture, 1'000'000, 15s)) {
    a.fail("the scheduled broadcast was never heard\n" + st.daemon().transcript());
    return a;
  }
  const std::int64_t asked = realtime_us();
  RunResult play = st.loaxa({"play", urgent.id, "--priority", "emergency"});
  const std::int64_t answered = realtime_us();
  a.note("`loaxa play` took " + ms_text(answered - asked) + "; said: " + play.out);
  if (!play.ok()) a.fail("loaxa play failed\n" + play.describe());

  json log = st.wait_for_log(
      [&](const json& l) {
        const auto ops = entries_of(l, "operator");
        return outcome_of(entry_at(l, kProgramme, to_us(times[0]))) == "preempted" &&
               !ops.empty() && outcome_of(&ops.back()) != "playing";
      },
      15s);
  auto stopped = st.stop_daemon();
  capture.stop();
  a.xruns = capture.xruns();
  const CapturedAudio recorded = capture.captured();
  a.gap_frames = recorded.gap_frames();
  // Cycles the loaded server skipped for every client are left out (see without_gaps): the
  // content is judged on what was recorded, the times on each recorded cycle's own clock.
  const CapturedAudio audio = recorded.without_gaps();
  a.note("log:" + summarize_log(log));
  a.note("capture: " + std::to_string(a.xruns) + " xruns, " + std::to_string(a.gap_frames) +
         " gap frames");
  if (!stopped || !stopped->exited || stopped->code != 0) {
    a.fail("loaxad did not exit 0 on SIGTERM\n" + st.daemon().transcript());
  }

  const json* cut = entry_at(log, kProgramme, to_us(times[0]));
  if (outcome_of(cut) != "preempted") {
    a.fail("scheduled broadcast logged as \"" + outcome_of(cut) +
           "\", expected preempted; log:" + summarize_log(log) + "\n" + st.daemon().transcript());
  } else {
    const auto delivered = int_field(*cut, "frames_delivered");
    const auto expected = int_field(*cut, "frames_expected");
    if (!(delivered > 0 && delivered < expected)) {
      a.fail("preempted entry: frames_delivered " + std::to_string(delivered) +
             ", frames_expected " + std::to_string(expected) +
             "; expected 0 < delivered < expected");
    }
    if (cut->value("reason", "").find("emergency") == std::string::npos ||
        cut->value("reason_code", nlohmann::json()) != "preempted_by_emergency") {
      a.fail("preempted entry's reason does not name the emergency: " + cut->dump());
    }
  }
  const auto ops = entries_of(log, "operator");
  if (ops.size() != 1) {
    a.fail("expected one operator entry, found " + std::to_string(ops.size()));
  } else {
    const json& e = ops.front();
    if (outcome_of(&e) != "completed") a.fail("emergency broadcast logged as " + e.dump());
    if (int_field(e, "frames_delivered") != static_cast<std::int64_t>(urgent.pcm.size()) ||
        int_field(e, "frames_expected") != static_cast<std::int64_t>(urgent.pcm.size())) {
      a.fail("emergency entry frames: " + e.dump() + "; the recording has " +
             std::to_string(urgent.pcm.size()));
    }
  }

  const auto bursts = audio.bursts(kStationRate / 5);
  std::string list;
  for (const Burst& b : bursts) {
    list += " [" + ms_text(heard_us(audio, capture, b.first) - to_us(times[0])) + ", " +
            std::to_string(b.size()) + " frames]";
  }
  a.note("bursts as heard, relative to the scheduled time:" + list);
  if (bursts.size() != 2) {
    a.fail("expected 2 bursts (cut broadcast, emergency), found " + std::to_string(bursts.size()) +
           ":" + list);
    return a;
  }
  check_cut(a, "scheduled broadcast", audio, capture, bursts[0], scheduled.expected(), asked,
            answered);
  if (cut != nullptr) {
    // The log counts what the output took, fade included; the capture ends at the last non-zero
    // sample, so a fade whose final samples round to zero may look a little shorter.
    const std::int64_t delivered = int_field(*cut, "frames_delivered");
    const auto heard = static_cast<std::int64_t>(bursts[0].size());
    a.note("preempted entry delivered " + std::to_string(delivered) +
           " frames; the capture heard " + std::to_string(heard));
    if (delivered < heard || delivered > heard + 1024) {
      a.fail("preempted entry says " + std::to_string(delivered) +
             " frames delivered, the capture heard " + std::to_string(heard));
    }
  }
  a.note("silence between the cut and the emergency: " +
         ms_text(audio.wall_us(bursts[1].first) - audio.wall_us(bursts[0].end - 1)));
  const auto want = urgent.expected();
  if (bursts[1].size() != want.size()) {
    a.fail("emergency burst has " + std::to_string(bursts[1].size()) + " frames, expected " +
           std::to_string(want.size()));
  }
  std::string detail;
  const auto bad = count_mismatches(audio, bursts[1].first, want, want.size(), &detail);
  if (bad > 0) {
    a.fail("emergency burst: " + std::to_string(bad) +
           " samples differ from recording x gain:" + detail);
  }
  return a;
}

TEST(Control, EmergencyPreemptsScheduledBroadcast) {
  run_with_xrun_retries(emergency_scenario);
}

// (b) A broken schedule on `loaxa reload` is refused with its position and the old schedule keeps
// playing; a valid one on SIGHUP, sent while a broadcast is on air, does not cut it and adds an
// occurrence that plays on time.
TEST(Control, ReloadWithBrokenScheduleKeepsOldOne) {
  Station st("loaxa-reload-");
  const ImportedSegment seg = st.import_chirp("short", 1.5, kTag);
  const auto times = times_ahead(6s, {0s, 5s}, 40s);
  const std::string t1 = local_time_of_day(times[0], kStationZone);
  const std::string t2 = local_time_of_day(times[1], kStationZone);
  write_schedule(st.dir(), kProgramme, kTag, {t1});
  st.start_daemon();

  const fs::path file = st.schedule_file(kProgramme);
  write_file(file,
             "[programme]\nid = \"test\"\ntitle = \"hỏng\"\n\n[[slot]]\ndays = [\"daily\"]\n"
             "at = [\"25:00\"]\nplay = { tag = \"t\" }\n");
  RunResult reload = st.loaxa({"reload"});
  ASSERT_TRUE(reload.status && reload.status->exited) << reload.describe();
  EXPECT_NE(reload.status->code, 0) << "reload of a broken schedule must fail\n"
                                    << reload.describe();
  const std::regex position(std::regex_replace(file.filename().string(), std::regex("\\."), "\\.") +
                            ":[0-9]+:[0-9]+: ");
  EXPECT_TRUE(std::regex_search(reload.out + reload.err, position))
      << "no file:line:col: in the output\n"
      << reload.describe();
  EXPECT_NE(reload.err.find("keeps the old"), std::string::npos) << reload.describe();
  RunResult reload_json = st.loaxa({"reload", "--json"});
  json r = json::parse(reload_json.out, nullptr, false);
  EXPECT_EQ(r.value("kept_old_schedule", false), true) << reload_json.describe();

  // The old occurrence is still in force: wait until it is on air, then reload a valid schedule
  // with one more occurrence by SIGHUP, in the middle of the broadcast.
  bool on_air = wait_until(
      [&] {
        auto s = st.status();
        return s && s->contains("playing") && (*s)["playing"].is_object() &&
               int_field((*s)["playing"], "frames_delivered") > 0;
      },
      std::chrono::duration_cast<std::chrono::milliseconds>(times[0] -
                                                            std::chrono::system_clock::now()) +
          5s,
      50ms);
  ASSERT_TRUE(on_air) << "the old schedule's occurrence never went on air\n"
                      << st.daemon().transcript();
  write_schedule(st.dir(), kProgramme, kTag, {t1, t2});
  st.daemon().send_signal(SIGHUP);

  json log = st.wait_for_log(
      [&](const json& l) {
        const std::string o = outcome_of(entry_at(l, kProgramme, to_us(times[1])));
        return !o.empty() && o != "playing";
      },
      std::chrono::duration_cast<std::chrono::milliseconds>(times[1] -
                                                            std::chrono::system_clock::now()) +
          40s);
  const json* first = entry_at(log, kProgramme, to_us(times[0]));
  const json* second = entry_at(log, kProgramme, to_us(times[1]));
  EXPECT_EQ(outcome_of(first), "completed")
      << "the old schedule's occurrence " << t1
      << " (SIGHUP arrived while it played); log:" << summarize_log(log) << "\n"
      << st.daemon().transcript();
  EXPECT_EQ(outcome_of(second), "completed")
      << "the occurrence " << t2 << " added by SIGHUP; log:" << summarize_log(log) << "\n"
      << st.daemon().transcript();
  if (second != nullptr) {
    auto started = time_field(*second, "started_at");
    ASSERT_TRUE(started.has_value()) << second->dump();
    const std::int64_t late = *started - to_us(times[1]);
    std::printf("occurrence added by SIGHUP started %s after its time\n", ms_text(late).c_str());
    EXPECT_LT(late, 100'000) << "the occurrence added by SIGHUP played late: " << ms_text(late);
    EXPECT_GT(late, -5'000) << "the occurrence added by SIGHUP played early: " << ms_text(late);
  }
  EXPECT_EQ(entries_of(log, kProgramme).size(), 2u) << summarize_log(log);
  EXPECT_NE(st.daemon().stdout_text().find("SIGHUP: schedules reloaded"), std::string::npos)
      << st.daemon().transcript();
  auto stopped = st.stop_daemon();
  EXPECT_TRUE(stopped && stopped->exited && stopped->code == 0) << st.daemon().transcript();
}

// (c) Status while playing shows progress; `loaxa stop` fades it out and logs it as stopped by
// the operator; malformed, oversized and unknown requests each get an error reply and the daemon
// keeps serving.
Attempt status_stop_scenario() {
  Attempt a;
  Station st("loaxa-control-");
  const ImportedSegment seg = st.import_chirp("long", 4.0, kTag);

  RunResult down = st.loaxa({"status"});
  a.note("`loaxa status` with no daemon: " + down.err);
  if (down.ok() || down.err.find("loaxad is not running") == std::string::npos ||
      down.err.find(st.socket().string()) == std::string::npos) {
    a.fail("status without a daemon must fail naming the socket\n" + down.describe());
  }

  const auto times = times_ahead(4s, {0s}, 30s);
  write_schedule(st.dir(), kProgramme, kTag, {local_time_of_day(times[0], kStationZone)});
  JackCapture capture("loaxad", 30.0);
  capture.start();
  st.start_daemon();

  json playing;
  const bool half_second = wait_until(
      [&] {
        auto s = st.status();
        if (!s || !s->contains("playing") || !(*s)["playing"].is_object()) return false;
        playing = (*s)["playing"];
        return int_field(playing, "frames_delivered") >= kStationRate / 2;
      },
      15s, 50ms);
  if (!half_second) {
    a.fail("status never showed the broadcast playing\n" + st.daemon().transcript());
    return a;
  }
  a.note("status while playing: " + playing.dump());
  const double progress = playing.value("progress", -1.0);
  if (!(progress > 0 && progress < 1)) a.fail("progress " + std::to_string(progress));
  if (int_field(playing, "frames_expected") != static_cast<std::int64_t>(seg.pcm.size())) {
    a.fail("status frames_expected: " + playing.dump());
  }
  if (!playing.contains("started_at") || !playing["started_at"].is_string()) {
    a.fail("status has no started_at while playing: " + playing.dump());
  }
  RunResult human = st.loaxa({"status"});
  a.note("`loaxa status`:\n" + human.out);
  if (!human.ok() || human.out.find("Playing: test, slot 1") == std::string::npos ||
      human.out.find("%") == std::string::npos || human.out.find("/ 0:04") == std::string::npos) {
    a.fail("human status does not show the broadcast with its progress\n" + human.describe());
  }

  const std::int64_t asked = realtime_us();
  RunResult stop = st.loaxa({"stop"});
  const std::int64_t answered = realtime_us();
  a.note("`loaxa stop`: " + stop.out);
  if (!stop.ok()) a.fail("loaxa stop failed\n" + stop.describe());
  json log = st.wait_for_log(
      [&](const json& l) {
        const std::string o = outcome_of(entry_at(l, kProgramme, to_us(times[0])));
        return !o.empty() && o != "playing";
      },
      10s);
  const json* e = entry_at(log, kProgramme, to_us(times[0]));
  if (outcome_of(e) != "stopped" || e->value("reason", "").find("operator") == std::string::npos ||
      e->value("reason_code", nlohmann::json()) != "operator_stop") {
    a.fail("after `loaxa stop` the log shows:" + summarize_log(log));
  }
  if (!st.daemon_running()) {
    a.fail("loaxad is gone after `loaxa stop`\n" + st.daemon().transcript());
    return a;
  }
  RunResult again = st.loaxa({"stop"});
  if (again.ok() || again.err.find("nothing is playing") == std::string::npos) {
    a.fail("`loaxa stop` with nothing playing\n" + again.describe());
  }

  struct Bad {
    std::string name;
    std::string bytes;
    std::string says;  ///< part of the English error
  };
  const std::vector<Bad> bad = {
      {"malformed JSON", "{\"cmd\": \"status\"\n", "not one JSON object"},
      {"a JSON array", "[\"status\"]\n", "not one JSON object"},
      {"a 100 KB line", "{\"cmd\":\"status\",\"pad\":\"" + std::string(100 * 1024, 'x') + "\"}\n",
       "too long"},
      {"an unknown cmd", "{\"cmd\":\"dance\"}\n", "unknown cmd"},
      {"play of an unknown segment", "{\"cmd\":\"play\",\"segment\":\"000000000000\"}\n",
       "no segment"},
      // loaxad names segments as every front door does (station/segment_lookup.h).
      {"play of a too short id", "{\"cmd\":\"play\",\"segment\":\"ab\"}\n", "too short"},
      {"play of a name that is not hex", "{\"cmd\":\"play\",\"segment\":\"announcement\"}\n",
       "is not a segment id"},
      {"a bad priority", "{\"cmd\":\"play\",\"segment\":\"" + seg.id + "\",\"priority\":\"x\"}\n",
       "unknown priority"},
      // Not "every zone" by mistake.
      {"zones that are not a list of names",
       "{\"cmd\":\"play\",\"segment\":\"" + seg.id + "\",\"zones\":\"thon-dong\"}\n",
       "must be a list of zone names"},
  };
  for (const Bad& b : bad) {
    std::string error;
    auto reply = raw_exchange(st.socket(), b.bytes, 5s, &error);
    if (!reply) {
      a.fail(b.name + ": no reply (" + error + ")");
      continue;
    }
    json j = json::parse(*reply, nullptr, false);
    const std::string en = j.is_object() && j.contains("error") && j["error"].is_object()
                               ? j["error"].value("en", "")
                               : "";
    if (j.is_discarded() || j.value("ok", true) != false || en.find(b.says) == std::string::npos) {
      a.fail(b.name + ": reply " + reply->substr(0, 300));
    }
    if (!st.daemon_running()) {
      a.fail(b.name + " killed loaxad\n" + st.daemon().transcript());
      return a;
    }
  }
  // A client that connects and says nothing must not block others.
  ControlConnection idle(st.socket());
  if (!idle.connected()) a.fail("cannot connect an idle client to the socket");
  auto after = st.status();
  if (!after || after->value("ok", false) != true || !(*after)["playing"].is_null()) {
    a.fail("status after the bad requests: " + (after ? after->dump() : std::string("failed")) +
           "\n" + st.daemon().transcript());
  }

  // A file not yet in the library: `loaxa play FILE` imports it, then plays it.
  const auto fresh = chirp_pcm16(kStationRate, 0.5);
  const fs::path wav = st.dir() / "announcement.wav";
  write_wav_pcm16(wav, kStationRate, fresh);
  RunResult play = st.loaxa({"play", wav.string()});
  a.note("`loaxa play FILE`: " + play.out);
  if (!play.ok() || play.out.find("imported as") == std::string::npos) {
    a.fail("`loaxa play FILE`\n" + play.describe());
  }
  log = st.wait_for_log(
      [&](const json& l) {
        const auto ops = entries_of(l, "operator");
        return !ops.empty() && outcome_of(&ops.back()) != "playing";
      },
      10s);
  const auto ops = entries_of(log, "operator");
  if (ops.size() != 1 || outcome_of(&ops.front()) != "completed" ||
      int_field(ops.front(), "frames_delivered") != static_cast<std::int64_t>(fresh.size())) {
    a.fail("after `loaxa play FILE` the log shows:" + summarize_log(log));
  }
  auto stopped = st.stop_daemon();
  if (!stopped || !stopped->exited || stopped->code != 0) {
    a.fail("loaxad did not exit 0 on SIGTERM\n" + st.daemon().transcript());
  }
  capture.stop();
  a.xruns = capture.xruns();
  const CapturedAudio recorded = capture.captured();
  a.gap_frames = recorded.gap_frames();
  const CapturedAudio audio = recorded.without_gaps();  // as in emergency_scenario
  const auto bursts = audio.bursts(kStationRate / 5);
  if (bursts.size() != 2) {
    a.fail("expected two bursts of sound (stopped broadcast, played file), found " +
           std::to_string(bursts.size()));
  } else {
    check_cut(a, "stopped broadcast", audio, capture, bursts[0], seg.expected(), asked, answered);
    std::vector<double> want(fresh.size());
    const auto decoded = pcm16_to_float(fresh);
    std::string detail;
    RunResult show = st.loaxa({"segment", "list", "--json"});
    json list = json::parse(show.out, nullptr, false);
    double g = 0;
    if (list.is_array()) {
      for (const json& j : list) {
        if (j.value("title", "") == "announcement")
          g = std::pow(10.0, j.value("gain_db", 0.0) / 20);
      }
    }
    for (std::size_t i = 0; i < want.size(); ++i) want[i] = decoded[i] * g;
    const auto bad = count_mismatches(audio, bursts[1].first, want, want.size(), &detail);
    if (bursts[1].size() != want.size() || bad > 0) {
      a.fail("played file: " + std::to_string(bursts[1].size()) + " frames, " +
             std::to_string(bad) + " samples differ from recording x gain:" + detail);
    }
  }
  return a;
}

TEST(Control, StatusStopAndBadRequests) {
  run_with_xrun_retries(status_stop_scenario);
}

// A connection left open across SIGTERM is closed when loaxad starts to stop: before, its session
// outlived the control server, and a request sent during the shutdown fade reached a handler that
// was gone (a heap use-after-free under ASan; the release build happened to answer).
TEST(Control, ShutdownClosesOpenConnections) {
  Station st("loaxa-control-shutdown-");
  const ImportedSegment seg = st.import_chirp("long", 8.0, kTag);
  // loaxad needs a programme; this one is hours away.
  const auto later = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) +
                     std::chrono::hours(6);
  write_schedule(st.dir(), kProgramme, kTag, {local_time_of_day(later, kStationZone)});
  st.start_daemon({"--output", "rehearsal"});
  RunResult play = st.loaxa({"play", seg.id});
  ASSERT_TRUE(play.ok()) << play.describe();
  ASSERT_TRUE(st.wait_on_air(kStationRate / 2, 10s)) << st.daemon().transcript();

  ControlConnection conn(st.socket());
  ASSERT_TRUE(conn.connected());
  std::string reply;
  ASSERT_EQ(conn.exchange(R"({"cmd":"status"})", 5s, &reply), ControlConnection::Result::kReply);
  ASSERT_NE(reply.find("\"ok\":true"), std::string::npos) << reply;

  st.daemon().send_signal(SIGTERM);
  // Requests keep coming on the open connection through the fade; the daemon must close it
  // while it is still stopping, not leave it to the process's exit.
  ControlConnection::Result last = ControlConnection::Result::kReply;
  bool running_at_close = false;
  const bool closed = wait_until(
      [&] {
        last = conn.exchange(R"({"cmd":"status"})", 200ms);
        if (last != ControlConnection::Result::kClosed) return false;
        running_at_close = st.daemon_running();
        return true;
      },
      5s, 10ms);
  EXPECT_TRUE(closed) << "the open connection was not closed after SIGTERM\n"
                      << st.daemon().transcript();
  EXPECT_TRUE(running_at_close)
      << "the connection was closed only when loaxad exited, not when it began to stop";
  auto stopped = st.daemon().wait_for(10s);
  ASSERT_TRUE(stopped.has_value()) << st.daemon().transcript();
  EXPECT_TRUE(stopped->exited && stopped->code == 0) << st.daemon().transcript();
  const auto log = st.log();
  ASSERT_TRUE(log.has_value());
  const auto ops = entries_of(*log, "operator");
  ASSERT_EQ(ops.size(), 1u) << summarize_log(*log);
  EXPECT_EQ(outcome_of(&ops.front()), "stopped") << summarize_log(*log);
}

}  // namespace
}  // namespace loaxa::it
