// loaxa_bench_start: how close to its scheduled wall time a broadcast is heard, taken from what a
// JACK capture client recorded (the far end of the real path), never from the player's own belief.
//
//   loaxa_bench_start loaxad|reference [--count N] [--every-ms MS]
//
// loaxad: a station (tests/integration/station_fixture) with one chirp segment and N daily times
// EVERY apart; loaxad plays them through PortAudio into the JACK server of $JACK_DEFAULT_SERVER.
// reference: loaxa_bench_ref_player does what a naive player does, a bare Pa_StartStream when a
// timer expires, for the same number of starts.
// Prints one line: `start <who> n=.. heard=.. p50_us=.. p99_us=.. max_us=.. min_us=..
// early=.. early_over_2ms=.. xruns=..`. Exit 1 when the run itself failed (nothing captured,
// the daemon died); a start that is merely late or early is a result, not a failure.

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "jack_capture.h"
#include "station_fixture.h"
#include "test_signals.h"
#include "test_support.h"

namespace loaxa::it {
namespace {

constexpr double kChirpSeconds = 0.5;
// The onset is the first non-zero sample; chirps are apart by at least this much silence.
constexpr double kMinSilenceSeconds = 0.2;
constexpr auto kLead = 8s;

struct Result {
  std::vector<std::int64_t> late_us;  ///< heard onset minus scheduled time, per start heard
  int scheduled = 0;
  int xruns = 0;
};

/// Matches each burst of sound to the scheduled time nearest to it (within half the spacing).
Result measure(const JackCapture& capture, const std::vector<std::int64_t>& scheduled_us,
               std::chrono::milliseconds every) {
  Result r;
  r.scheduled = static_cast<int>(scheduled_us.size());
  r.xruns = capture.xruns();
  CapturedAudio audio = capture.captured();
  const std::uint32_t rate = audio.sample_rate();
  // As in daemon_playback_test: a sample is heard when its cycle starts plus the playback
  // latency the server declares for its output; PortAudio's reported output time includes it.
  const std::int64_t latency_us =
      (static_cast<std::int64_t>(capture.output_latency_frames()) * 1'000'000 + rate / 2) / rate;
  const auto half_us = std::chrono::duration_cast<std::chrono::microseconds>(every).count() / 2;
  for (const Burst& b : audio.bursts(static_cast<std::size_t>(kMinSilenceSeconds * rate))) {
    const std::int64_t heard = audio.wall_us(b.first) + latency_us;
    auto nearest = std::min_element(scheduled_us.begin(), scheduled_us.end(),
                                    [&](std::int64_t a, std::int64_t c) {
                                      return std::llabs(a - heard) < std::llabs(c - heard);
                                    });
    if (nearest == scheduled_us.end() || std::llabs(*nearest - heard) > half_us) continue;
    r.late_us.push_back(heard - *nearest);
  }
  return r;
}

void print(const char* who, Result r) {
  std::sort(r.late_us.begin(), r.late_us.end());
  const auto n = r.late_us.size();
  // Nearest-rank percentiles: with 50 starts p99 is the largest.
  auto rank = [&](double p) {
    return r.late_us[std::min(n - 1, static_cast<std::size_t>(std::ceil(p * n)) - 1)];
  };
  const auto early =
      std::count_if(r.late_us.begin(), r.late_us.end(), [](std::int64_t v) { return v < 0; });
  const auto early2 =
      std::count_if(r.late_us.begin(), r.late_us.end(), [](std::int64_t v) { return v < -2000; });
  if (n == 0) {
    std::printf("start %s n=%d heard=0 xruns=%d\n", who, r.scheduled, r.xruns);
    return;
  }
  std::printf("start %s n=%d heard=%zu p50_us=%" PRId64 " p99_us=%" PRId64 " max_us=%" PRId64
              " min_us=%" PRId64 " early=%td early_over_2ms=%td xruns=%d\n",
              who, r.scheduled, n, rank(0.50), rank(0.99), r.late_us.back(), r.late_us.front(),
              early, early2, r.xruns);
}

std::vector<std::chrono::seconds> offsets(int count, std::chrono::milliseconds every) {
  std::vector<std::chrono::seconds> out;
  for (int k = 0; k < count; ++k) {
    out.push_back(std::chrono::duration_cast<std::chrono::seconds>(every * k));
  }
  return out;
}

int run_loaxad(int count, std::chrono::milliseconds every) {
  if (every % 1000ms != 0ms) throw std::runtime_error("--every-ms: whole seconds for loaxad");
  Station station("loaxa-bench-start-");
  station.import_chirp("chirp", kChirpSeconds, "b");
  // One second ahead is ample to open the stream and fill the ring, and lets the starts follow
  // each other closely enough for 50 of them to take under three minutes.
  std::string config = read_file(station.config());
  const auto at = config.find("open_ahead = 2");
  if (at == std::string::npos) throw std::runtime_error("no open_ahead in the station config");
  config.replace(at, 14, "open_ahead = 1");
  write_file(station.config(), config);

  const auto span = every * count + kLead;
  auto times = times_ahead(kLead, offsets(count, every),
                           std::chrono::duration_cast<std::chrono::seconds>(span));
  std::vector<std::string> local;
  std::vector<std::int64_t> scheduled;
  for (auto t : times) {
    local.push_back(local_time_of_day(t, kStationZone));
    scheduled.push_back(to_us(t));
  }
  write_schedule(station.dir(), "bench", "b", local);

  const double seconds = std::chrono::duration<double>(span).count() + 20;
  JackCapture capture("loaxad", seconds);
  capture.start();
  station.start_daemon();
  const auto ended = [&](const json& log) {
    int n = 0;
    for (const json& e : entries_of(log, "bench")) {
      const std::string o = outcome_of(&e);
      n += !o.empty() && o != "playing";
    }
    return n >= count;
  };
  const json log = station.wait_for_log(
      ended, std::chrono::duration_cast<std::chrono::milliseconds>(span) + 30s);
  capture.stop();
  const bool alive = station.daemon_running();
  station.stop_daemon();
  if (!alive || !ended(log)) {
    std::fprintf(stderr, "loaxa_bench_start: the broadcasts did not all end%s\n%s\n%s\n",
                 alive ? "" : " (loaxad died)", summarize_log(log).c_str(),
                 station.daemon().transcript().c_str());
    return 1;
  }
  print("loaxad", measure(capture, scheduled, every));
  return 0;
}

int run_reference(int count, std::chrono::milliseconds every) {
  TempDir dir("loaxa-bench-ref-");
  const auto first = std::chrono::ceil<std::chrono::seconds>(std::chrono::system_clock::now()) + 3s;
  std::vector<std::int64_t> scheduled;
  for (int k = 0; k < count; ++k) {
    scheduled.push_back(to_us(std::chrono::time_point_cast<std::chrono::seconds>(first)) +
                        std::chrono::duration_cast<std::chrono::microseconds>(every * k).count());
  }
  const double seconds = std::chrono::duration<double>(every * count + 3s).count() + 10;
  JackCapture capture("loaxa_ref", seconds);
  capture.start();
  const fs::path player = fs::path(require_env("LOAXA_BENCH_BIN_DIR")) / "loaxa_bench_ref_player";
  RunResult r =
      run({player.string(), "--first-us", std::to_string(scheduled.front()), "--every-ms",
           std::to_string(every.count()), "--count", std::to_string(count), "--seconds",
           std::to_string(kChirpSeconds)},
          dir.path(), std::chrono::duration_cast<std::chrono::milliseconds>(every * count) + 30s);
  capture.stop();
  if (!r.ok()) {
    std::fprintf(stderr, "loaxa_bench_start: the reference player failed\n%s\n",
                 r.describe().c_str());
    return 1;
  }
  print("reference", measure(capture, scheduled, every));
  return 0;
}

}  // namespace
}  // namespace loaxa::it

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s loaxad|reference [--count N] [--every-ms MS]\n", argv[0]);
    return 2;
  }
  const std::string who = argv[1];
  int count = 50;
  long every_ms = 3000;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    if (key == "--count") {
      count = std::atoi(argv[i + 1]);
    } else if (key == "--every-ms") {
      every_ms = std::atol(argv[i + 1]);
    } else {
      std::fprintf(stderr, "unknown option %s\n", argv[i]);
      return 2;
    }
  }
  try {
    const std::chrono::milliseconds every{every_ms};
    if (who == "loaxad") return loaxa::it::run_loaxad(count, every);
    if (who == "reference") return loaxa::it::run_reference(count, every);
    std::fprintf(stderr, "unknown player %s\n", who.c_str());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "loaxa_bench_start: %s\n", e.what());
    return 1;
  }
}
