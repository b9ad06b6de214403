// Zones on devices of their own, through the real path. PortAudio's JACK host lists every JACK
// client with input ports as a device, so two capture clients ("zone-a", "zone-b") are two
// devices: PortAudio connects the stream it opens on each to that client's inputs, and each
// capture records exactly what its device was sent. A broadcast to every zone is heard on both,
// bit-exact and starting together on its scheduled instant; one to a single zone opens only its
// device; a device whose client dies mid-broadcast fails the broadcast, naming it, and the next
// occurrence plays once the device is back.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <string>

#include "jack_capture.h"
#include "station_fixture.h"

namespace loaxa::it {
namespace {

const std::string kProgramme = "zonedev";
const std::string kTag = "t";
// The capture clients play the devices; they connect to nothing themselves.
const std::string kNoSource = "no-such-client-";
// As in daemon_playback_test.cpp: never early beyond the two clocks' disagreement, at most 50 ms
// late.
constexpr std::int64_t kEarlyToleranceUs = 1000;
constexpr std::int64_t kMaxLateUs = 50'000;

const char* kZones =
    "thon-a = { device = \"zone-a\" }\n"
    "thon-b = { device = \"zone-b\", host_api = \"JACK\", channels = [1, 2] }\n";

std::string schedule_text(const std::vector<std::chrono::sys_seconds>& times,
                          const std::vector<std::string>& zones) {
  std::string s = "[programme]\nid = \"" + kProgramme + "\"\ntitle = \"Vùng\"\n";
  for (std::size_t i = 0; i < times.size(); ++i) {
    s += "\n[[slot]]\ndays = [\"daily\"]\nat = [\"" + local_time_of_day(times[i], kStationZone) +
         "\"]\nplay = { tag = \"" + kTag + "\" }\n" + zones[i];
  }
  return s;
}

/// Samples from frame `at` on both channels that differ from `expected` (relative 1e-6; NaN never
/// matches).
std::size_t mismatches(const CapturedAudio& audio, std::size_t at,
                       const std::vector<double>& expected) {
  std::size_t bad = 0;
  for (int c = 0; c < CapturedAudio::kChannels; ++c) {
    for (std::size_t i = 0; i < expected.size(); ++i) {
      const double got = at + i < audio.frames() ? audio.channel(c)[at + i] : NAN;
      if (!(std::abs(got - expected[i]) <= std::abs(expected[i]) * 1e-6 + 1e-9)) ++bad;
    }
  }
  return bad;
}

/// The burst whose first frame is within 2 s of `at_us`, if any.
const Burst* burst_near(const CapturedAudio& audio, const std::vector<Burst>& bursts,
                        std::int64_t at_us) {
  for (const Burst& b : bursts) {
    if (std::llabs(audio.wall_us(b.first) - at_us) < 2'000'000) return &b;
  }
  return nullptr;
}

Attempt two_devices_scenario() {
  Attempt a;
  Station st("loaxa-zonedev-");
  st.add_config("zones", kZones);
  const ImportedSegment seg = st.import_chirp("chirp", 1.0, kTag);
  const auto times = times_ahead(6s, {0s, 3s}, 60s);
  write_file(st.schedule_file(kProgramme), schedule_text(times, {"", "zones = [\"thon-a\"]\n"}));

  // The devices exist before loaxad starts: it checks them at start-up.
  JackCapture cap_a(kNoSource, 30.0, "zone-a");
  JackCapture cap_b(kNoSource, 30.0, "zone-b");
  cap_a.start();
  cap_b.start();
  st.start_daemon();
  const auto status = st.status();
  json log = st.wait_for_outcome(kProgramme, to_us(times[1]), 30s);
  auto stopped = st.stop_daemon();
  cap_a.stop();
  cap_b.stop();
  a.xruns = cap_a.xruns() + cap_b.xruns();
  const CapturedAudio recorded_a = cap_a.captured();
  const CapturedAudio recorded_b = cap_b.captured();
  a.gap_frames = recorded_a.gap_frames() + recorded_b.gap_frames();
  // Cycles the server skipped for every client left out; see CapturedAudio::without_gaps.
  const CapturedAudio audio_a = recorded_a.without_gaps();
  const CapturedAudio audio_b = recorded_b.without_gaps();
  a.note("log:" + summarize_log(log));
  if (!stopped || !stopped->exited || stopped->code != 0) {
    a.fail("loaxad did not exit 0 on SIGTERM\n" + st.daemon().transcript());
  }

  // `loaxa status`: one output per device, with its zones.
  const json want_outputs =
      json::array({{{"device", "JACK / zone-a"}, {"zones", {"thon-a"}}, {"state", "ok"}},
                   {{"device", "JACK / zone-b"}, {"zones", {"thon-b"}}, {"state", "ok"}}});
  if (!status || status->value("outputs", json()) != want_outputs) {
    a.fail("status outputs: " + (status ? status->value("outputs", json()).dump() : "none"));
  }

  const std::vector<std::string> devices = {"JACK / zone-a, JACK / zone-b", "JACK / zone-a"};
  const std::vector<json> zones = {json{"thon-a", "thon-b"}, json{"thon-a"}};
  for (int i = 0; i < 2; ++i) {
    const json* e = entry_at(log, kProgramme, to_us(times[i]));
    if (outcome_of(e) != "completed") {
      a.fail("occurrence " + std::to_string(i) + " logged \"" + outcome_of(e) + "\"" +
             summarize_log(log) + "\n" + st.daemon().transcript());
      continue;
    }
    if (e->value("zones", json()) != zones[i]) {
      a.fail("occurrence " + std::to_string(i) + " logged zones " +
             e->value("zones", json()).dump());
    }
    if (e->value("device", "") != devices[i]) {
      a.fail("occurrence " + std::to_string(i) + " logged device " + e->value("device", ""));
    }
  }

  const std::vector<double> expected = seg.expected();
  const auto bursts_a = audio_a.bursts(kStationRate / 2);
  const auto bursts_b = audio_b.bursts(kStationRate / 2);
  if (bursts_a.size() != 2 || bursts_b.size() != 1) {
    a.fail("zone-a heard " + std::to_string(bursts_a.size()) + " bursts (expected 2), zone-b " +
           std::to_string(bursts_b.size()) + " (expected 1: the second broadcast is thon-a's)");
  }
  std::int64_t onset[2] = {0, 0};
  const CapturedAudio* audio[2] = {&audio_a, &audio_b};
  const std::vector<Burst>* bursts[2] = {&bursts_a, &bursts_b};
  for (int d = 0; d < 2; ++d) {
    const std::string which = d == 0 ? "zone-a" : "zone-b";
    for (int i = 0; i < 2 - d; ++i) {
      const Burst* b = burst_near(*audio[d], *bursts[d], to_us(times[i]));
      if (b == nullptr) {
        a.fail(which + ": no sound near occurrence " + std::to_string(i));
        continue;
      }
      // Nothing in this path declares a playback latency (no physical port downstream), so a
      // frame is heard when its cycle starts.
      const std::int64_t late = audio[d]->wall_us(b->first) - to_us(times[i]);
      a.note(which + " occurrence " + std::to_string(i) + ": onset " + ms_text(late));
      if (i == 0) onset[d] = audio[d]->wall_us(b->first);
      if (late < -kEarlyToleranceUs || late > kMaxLateUs) {
        a.fail(which + " occurrence " + std::to_string(i) + " started " + ms_text(late) +
               " from its time");
      }
      if (b->size() != expected.size()) {
        a.fail(which + " occurrence " + std::to_string(i) + ": " + std::to_string(b->size()) +
               " frames of sound, expected " + std::to_string(expected.size()));
      }
      if (const std::size_t bad = mismatches(*audio[d], b->first, expected); bad > 0) {
        a.fail(which + " occurrence " + std::to_string(i) + ": " + std::to_string(bad) +
               " samples differ");
      }
    }
  }
  // Both devices run on the server's one frame clock here, so "together" can be judged closely.
  if (onset[0] != 0 && onset[1] != 0 && std::llabs(onset[0] - onset[1]) > kEarlyToleranceUs) {
    a.fail("the two devices started " + ms_text(onset[1] - onset[0]) + " apart");
  }
  return a;
}

TEST(ZoneDevices, EachDevicePlaysItsZonesOnTimeAndOnlyWhenAsked) {
  run_with_xrun_retries(two_devices_scenario);
}

TEST(ZoneDevices, OneDeviceLostFailsTheBroadcastNamingItAndTheNextPlays) {
  Station st("loaxa-zonedev-loss-");
  st.add_config("zones", kZones);
  st.import_chirp("long", 6.0, kTag);
  // The second occurrence comes while the device is still gone, the third after it is back.
  const auto times = times_ahead(5s, {0s, 9s, 24s}, 50s);
  write_file(st.schedule_file(kProgramme), schedule_text(times, {"", "", ""}));

  JackCapture cap_a(kNoSource, 40.0, "zone-a");
  auto cap_b = std::make_unique<JackCapture>(kNoSource, 40.0, "zone-b");
  cap_a.start();
  cap_b->start();
  st.start_daemon();
  const bool on_air = st.wait_on_air(kStationRate, 15s);
  ASSERT_TRUE(on_air) << st.daemon().transcript();

  // The device's JACK client goes away, as a USB card's bridge client does when it is pulled.
  const auto lost_at = std::chrono::system_clock::now();
  cap_b.reset();
  json log = st.wait_for_outcome(kProgramme, to_us(times[0]), 10s);
  const auto noticed_at = std::chrono::system_clock::now();
  const json* first = entry_at(log, kProgramme, to_us(times[0]));
  ASSERT_NE(first, nullptr) << summarize_log(log);
  EXPECT_EQ(outcome_of(first), "failed") << summarize_log(log);
  const std::string reason = first->value("reason", "");
  EXPECT_NE(reason.find("JACK / zone-b"), std::string::npos) << reason;
  EXPECT_NE(reason.find("thon-b"), std::string::npos) << reason;
  EXPECT_EQ(reason.find("zone-a"), std::string::npos) << reason;
  // Within 2 s of the loss (plus the watch period and the log poll).
  EXPECT_LT(noticed_at - lost_at, 3s) << "the loss took too long to be logged";
  ASSERT_TRUE(st.daemon_running()) << st.daemon().transcript();
  // zone-a was stopped with the broadcast, not left to play on.
  const CapturedAudio heard_a = cap_a.captured();
  const auto last_a = heard_a.last_sound_us();
  ASSERT_TRUE(last_a.has_value());
  EXPECT_LT(*last_a, to_us(times[0]) + 5'000'000) << "zone-a played on after the failure";

  const auto s = st.status();
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->value("output_state", ""), "lost") << s->dump();
  const json lost = s->value("outputs", json());
  EXPECT_EQ(lost.size(), 2u) << lost.dump();
  if (lost.size() == 2) {
    EXPECT_EQ(lost[0].value("state", ""), "ok") << lost.dump();
    EXPECT_EQ(lost[1].value("state", ""), "lost") << lost.dump();
  }

  // Still gone: the next occurrence is heard where its devices work and logged partial.
  log = st.wait_for_outcome(kProgramme, to_us(times[1]), 25s);
  const json* second = entry_at(log, kProgramme, to_us(times[1]));
  EXPECT_EQ(outcome_of(second), "partial") << summarize_log(log) << st.daemon().transcript();
  const std::string why = second ? second->value("reason", "") : "";
  EXPECT_EQ(why.find("not played on JACK / zone-b (zones thon-b)"), 0u) << why;
  EXPECT_EQ(second ? second->value("device", "") : "", "JACK / zone-a");
  EXPECT_TRUE(cap_a.captured().last_sound_us() > to_us(times[1]))
      << "zone-a did not play the second occurrence";

  // The device comes back; loaxad's back-off finds it and the next occurrence plays on both.
  cap_b = std::make_unique<JackCapture>(kNoSource, 40.0, "zone-b");
  cap_b->start();
  log = st.wait_for_outcome(kProgramme, to_us(times[2]),
                            std::chrono::duration_cast<std::chrono::milliseconds>(
                                times[2] - std::chrono::system_clock::now()) +
                                15s);
  EXPECT_EQ(outcome_of(entry_at(log, kProgramme, to_us(times[2]))), "completed")
      << summarize_log(log) << st.daemon().transcript();
  EXPECT_TRUE(cap_b->captured().first_sound().has_value())
      << "zone-b heard nothing after it came back";

  const auto events = st.query(
      "SELECT kind, json_extract(detail, '$.device') AS device FROM station_events WHERE kind IN "
      "('device_lost', 'device_back') ORDER BY id");
  ASSERT_TRUE(events.has_value());
  EXPECT_EQ(*events, json::parse(R"([{"kind":"device_lost","device":"JACK / zone-b"},
                                     {"kind":"device_back","device":"JACK / zone-b"}])"))
      << events->dump();
  auto stopped = st.stop_daemon();
  ASSERT_TRUE(stopped && stopped->exited && stopped->code == 0) << st.daemon().transcript();
}

TEST(ZoneDevices, StopFadesEveryDevice) {
  Station st("loaxa-zonedev-stop-");
  st.add_config("zones", kZones);
  st.import_chirp("long", 6.0, kTag);
  const auto times = times_ahead(5s, {0s}, 30s);
  write_file(st.schedule_file(kProgramme), schedule_text(times, {""}));
  JackCapture cap_a(kNoSource, 30.0, "zone-a");
  JackCapture cap_b(kNoSource, 30.0, "zone-b");
  cap_a.start();
  cap_b.start();
  st.start_daemon();
  const bool on_air = st.wait_on_air(kStationRate, 15s);
  ASSERT_TRUE(on_air) << st.daemon().transcript();
  const RunResult stop = st.loaxa({"stop"});
  ASSERT_TRUE(stop.ok()) << stop.describe();
  json log = st.wait_for_outcome(kProgramme, to_us(times[0]), 10s);
  EXPECT_EQ(outcome_of(entry_at(log, kProgramme, to_us(times[0]))), "stopped")
      << summarize_log(log);
  auto stopped = st.stop_daemon();
  ASSERT_TRUE(stopped && stopped->exited && stopped->code == 0) << st.daemon().transcript();
  cap_a.stop();
  cap_b.stop();
  // Both devices fell silent well before the 6 s recording's end, and they ended together: the
  // fade ran on each (0.3 s), not only on the first.
  const auto end_a = cap_a.captured().last_sound_us();
  const auto end_b = cap_b.captured().last_sound_us();
  ASSERT_TRUE(end_a && end_b);
  EXPECT_LT(*end_a, to_us(times[0]) + 5'000'000);
  EXPECT_LT(*end_b, to_us(times[0]) + 5'000'000);
  EXPECT_LT(std::llabs(*end_a - *end_b), 100'000) << ms_text(*end_b - *end_a);
}

TEST(ZoneDevices, RehearsalWritesOneFilePerDevice) {
  Station st("loaxa-zonedev-rehearsal-");
  st.add_config("zones", kZones);
  st.import_chirp("chirp", 1.0, kTag);
  const auto times = times_ahead(4s, {0s, 2s}, 40s);
  write_file(st.schedule_file(kProgramme), schedule_text(times, {"", "zones = [\"thon-b\"]\n"}));
  // No such devices exist for rehearsal: it opens none.
  st.start_daemon({"--output", "rehearsal"});
  json log = st.wait_for_outcome(kProgramme, to_us(times[1]), 30s);
  auto stopped = st.stop_daemon();
  ASSERT_TRUE(stopped && stopped->exited && stopped->code == 0) << st.daemon().transcript();
  // <local date>T<HHMMSS.mmm>-<programme>-<host_api>-<device>.wav; the date is left out here.
  auto suffix = [&](int i, const std::string& device) {
    std::string hms = local_time_of_day(times[i], kStationZone);
    std::erase(hms, ':');
    return "T" + hms + ".000-" + kProgramme + "-" + device + ".wav";
  };
  const std::vector<std::string> expected = {suffix(0, "JACK-zone-a"), suffix(0, "JACK-zone-b"),
                                             suffix(1, "JACK-zone-b")};
  std::vector<std::string> written;
  for (const auto& f : fs::directory_iterator(st.dir() / "var" / "rehearsal")) {
    written.push_back(f.path().filename().string());
  }
  std::sort(written.begin(), written.end());
  ASSERT_EQ(written.size(), expected.size()) << ::testing::PrintToString(written);
  for (std::size_t k = 0; k < written.size(); ++k) {
    EXPECT_TRUE(written[k].ends_with(expected[k])) << written[k] << " vs *" << expected[k];
  }
  for (int i = 0; i < 2; ++i) {
    const json* e = entry_at(log, kProgramme, to_us(times[i]));
    EXPECT_EQ(outcome_of(e), "completed") << summarize_log(log);
    const std::string device = e ? e->value("device", "") : "";
    EXPECT_EQ(device.find("zone-a") != std::string::npos, i == 0) << device;
    EXPECT_NE(device.find("zone-b"), std::string::npos) << device;
  }
}

struct StartCase {
  const char* audio;  // lines added to [audio]
  const char* zones;
  std::vector<std::string> expected;  // substrings of loaxad's error
};

TEST(ZoneDevices, StartRefusesAMissingDeviceOrChannelNamingTheZone) {
  const StartCase cases[] = {
      {"",
       "thon-a = { channels = [1] }\nthon-x = { device = \"no-such-card\" }\n",
       {"output device \"JACK / no-such-card\" not found", "loaxa.toml:", "[zones] thon-x",
        "JACK / system", "--output rehearsal"}},
      // The test server's system device has two playback ports.
      {"channels = 4\n",
       "thon-a = { channels = [1] }\nthon-x = { device = \"system\", channels = [3] }\n",
       {"zone \"thon-x\" uses channel 3 but device JACK / system has 2 output channel(s)",
        "loaxa.toml:"}},
  };
  for (const auto& c : cases) {
    Station st("loaxa-zonedev-start-");
    if (*c.audio != '\0') st.add_config("audio", c.audio);
    st.add_config("zones", c.zones);
    write_schedule(st.dir(), kProgramme, kTag, {"03:00:00"});
    Process daemon({{bin_path("loaxad").string(), "--config", st.config().string(), "--lang", "en"},
                    {},
                    st.dir(),
                    ""});
    const auto ended = daemon.wait_for(10s);
    ASSERT_TRUE(ended) << "loaxad still runs 10 s after start\n" << c.zones;
    EXPECT_FALSE(ended->exited && ended->code == 0) << ended->describe();
    const std::string err = daemon.stderr_text();
    for (const auto& want : c.expected) {
      EXPECT_NE(err.find(want), std::string::npos) << "missing \"" << want << "\" in:\n" << err;
    }
  }
}

}  // namespace
}  // namespace loaxa::it
