// Zones through the real path: a station with two villages on the two channels of its output.
// A slot for one zone is heard on that zone's channel only, exactly; a slot without zones on
// both; the log records each broadcast's zones by name.

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <string>

#include "jack_capture.h"
#include "station_fixture.h"

namespace loaxa::it {
namespace {

const std::string kProgramme = "zones";
const std::string kTag = "t";

/// Samples of channel `c` from frame `at` that differ from `expected` (relative 1e-6; NaN never
/// matches).
std::size_t mismatches_on(const CapturedAudio& audio, int c, std::size_t at,
                          const std::vector<double>& expected) {
  std::size_t bad = 0;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const double got = at + i < audio.frames() ? audio.channel(c)[at + i] : NAN;
    if (!(std::abs(got - expected[i]) <= std::abs(expected[i]) * 1e-6 + 1e-9)) ++bad;
  }
  return bad;
}

/// Frames of channel `c` in [from, to) that are not exactly zero.
std::size_t sounding_on(const CapturedAudio& audio, int c, std::size_t from, std::size_t to) {
  std::size_t n = 0;
  for (std::size_t i = from; i < to && i < audio.frames(); ++i) n += audio.channel(c)[i] != 0.0f;
  return n;
}

Attempt zones_scenario() {
  Attempt a;
  Station st("loaxa-zones-");
  st.add_config("zones", "thon-dong = { channels = [1] }\nthon-tay = { channels = [2] }\n");
  const ImportedSegment seg = st.import_chirp("chirp", 1.0, kTag);
  const auto times = times_ahead(6s, {0s, 3s, 6s}, 60s);
  std::string schedule = "[programme]\nid = \"" + kProgramme + "\"\ntitle = \"Vùng\"\n";
  const char* zones[] = {"zones = [\"thon-dong\"]\n", "zones = [\"thon-tay\"]\n", ""};
  for (int i = 0; i < 3; ++i) {
    schedule += "\n[[slot]]\ndays = [\"daily\"]\nat = [\"" +
                local_time_of_day(times[i], kStationZone) + "\"]\nplay = { tag = \"" + kTag +
                "\" }\n" + zones[i];
  }
  write_file(st.schedule_file(kProgramme), schedule);

  JackCapture capture("loaxad", 40.0);
  capture.start();
  st.start_daemon();
  json log = st.wait_for_log(
      [&](const json& l) {
        const std::string o = outcome_of(entry_at(l, kProgramme, to_us(times[2])));
        return !o.empty() && o != "playing";
      },
      30s);
  auto stopped = st.stop_daemon();
  capture.stop();
  a.xruns = capture.xruns();
  const CapturedAudio recorded = capture.captured();
  a.gap_frames = recorded.gap_frames();
  // Cycles the server skipped for every client left out; see CapturedAudio::without_gaps.
  const CapturedAudio audio = recorded.without_gaps();
  a.note("log:" + summarize_log(log));
  if (!stopped || !stopped->exited || stopped->code != 0) {
    a.fail("loaxad did not exit 0 on SIGTERM\n" + st.daemon().transcript());
  }

  const std::vector<std::vector<std::string>> logged_zones = {
      {"thon-dong"}, {"thon-tay"}, {"thon-dong", "thon-tay"}};
  for (int i = 0; i < 3; ++i) {
    const json* e = entry_at(log, kProgramme, to_us(times[i]));
    if (outcome_of(e) != "completed") {
      a.fail("occurrence " + std::to_string(i) + " logged \"" + outcome_of(e) + "\"" +
             summarize_log(log) + "\n" + st.daemon().transcript());
      continue;
    }
    if (e->value("zones", json::array()) != json(logged_zones[i])) {
      a.fail("occurrence " + std::to_string(i) + " logged zones " + (*e)["zones"].dump());
    }
  }

  const auto bursts = audio.bursts(kStationRate / 2);
  if (bursts.size() != 3) {
    a.fail("heard " + std::to_string(bursts.size()) + " bursts, expected 3");
    return a;
  }
  const std::vector<double> expected = seg.expected();
  // Which channels carry each broadcast: thon-dong = channel 1, thon-tay = channel 2, all.
  const bool on[3][2] = {{true, false}, {false, true}, {true, true}};
  for (int i = 0; i < 3; ++i) {
    const Burst& b = bursts[i];
    for (int c = 0; c < 2; ++c) {
      const std::string which =
          "broadcast " + std::to_string(i) + ", channel " + std::to_string(c + 1);
      if (on[i][c]) {
        const std::size_t bad = mismatches_on(audio, c, b.first, expected);
        if (bad > 0) a.fail(which + ": " + std::to_string(bad) + " samples differ");
      } else {
        const std::size_t loud = sounding_on(audio, c, b.first, b.end);
        if (loud > 0)
          a.fail(which + ": " + std::to_string(loud) + " non-zero samples, expected none");
      }
    }
  }
  return a;
}

TEST(Zones, EachZoneHearsOnlyItsChannelsAndTheLogNamesThem) {
  run_with_xrun_retries(zones_scenario);
}

}  // namespace
}  // namespace loaxa::it
