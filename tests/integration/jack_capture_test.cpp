// The harness proving itself: a test-only player whose samples and start frame are known plays
// into the test server, and JackCapture must give back exactly that, at the right frame and time.

#include "jack_capture.h"

#include <gtest/gtest.h>

#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "test_signals.h"
#include "test_support.h"

namespace loaxa::it {
namespace {

constexpr double kSeconds = 1.5;
// Not a multiple of any block size: the chirp starts inside a cycle.
constexpr std::uint32_t kOffsetInCycle = 317;

struct Attempt {
  std::vector<std::string> failures;
  int xruns = 0;
  std::size_t gap_frames = 0;
};

Attempt play_and_capture(const fs::path& dir) {
  Attempt a;
  auto fail = [&](const std::string& s) { a.failures.push_back(s); };

  JackCapture capture("loaxa_it_player", 20.0);
  capture.start();
  Process player(
      {{bin_path("loaxa_it_jack_player").string(), "--client", "loaxa_it_player", "--seconds",
        std::to_string(kSeconds), "--offset", std::to_string(kOffsetInCycle)},
       {},
       dir,
       "player"});
  auto status = player.wait_for(15s);
  capture.stop();
  a.xruns = capture.xruns();
  if (!status || !status->exited || status->code != 0) {
    fail("player failed: " + player.transcript());
    return a;
  }
  std::uint32_t start_frame = 0;
  std::int64_t start_wall = 0;
  std::size_t frames = 0;
  if (std::sscanf(player.stdout_text().c_str(),
                  "start_frame=%" SCNu32 " start_wall_us=%" SCNd64 " frames=%zu", &start_frame,
                  &start_wall, &frames) != 3) {
    fail("cannot read the player's report: " + player.transcript());
    return a;
  }
  if (capture.connections_made() < 2) {
    fail("capture made " + std::to_string(capture.connections_made()) +
         " connections; errors: " + capture.connection_errors());
  }
  if (capture.overflowed()) fail("capture buffer overflowed");

  CapturedAudio audio = capture.captured();
  a.gap_frames = audio.gap_frames();
  std::vector<float> expected = pcm16_to_float(chirp_pcm16(capture.sample_rate(), kSeconds));
  if (frames != expected.size()) fail("player played " + std::to_string(frames) + " frames");

  auto bursts = audio.bursts(capture.sample_rate() / 10);
  if (bursts.size() != 1) {
    fail("expected one burst of sound, found " + std::to_string(bursts.size()));
    return a;
  }
  const Burst& b = bursts[0];
  if (b.size() != expected.size()) {
    fail("burst of " + std::to_string(b.size()) + " frames, expected " +
         std::to_string(expected.size()));
  }
  if (audio.frame_time(b.first) != start_frame) {
    fail("burst starts at frame time " + std::to_string(audio.frame_time(b.first)) +
         ", the player started at " + std::to_string(start_frame));
  }
  std::int64_t skew = audio.wall_us(b.first) - start_wall;
  if (std::llabs(skew) > 1000) {
    fail("capture places the onset " + std::to_string(skew) +
         " us away from the player's own cycle time");
  }
  std::size_t mismatches = 0;
  std::string first_mismatch;
  for (std::size_t i = 0; i < expected.size() && b.first + i < audio.frames(); ++i) {
    float l = audio.channel(0)[b.first + i];
    float r = audio.channel(1)[b.first + i];
    // Bit-exact: JACK hands a single connection's buffer over untouched.
    if (l != expected[i] || r != 0.5f * expected[i]) {
      if (mismatches++ == 0) {
        first_mismatch = "frame " + std::to_string(i) + ": got " + std::to_string(l) + "/" +
                         std::to_string(r) + ", expected " + std::to_string(expected[i]);
      }
    }
  }
  if (mismatches > 0) {
    fail(std::to_string(mismatches) + " samples differ; first at " + first_mismatch);
  }
  return a;
}

TEST(JackCapture, CapturesKnownSignal) {
  TempDir dir("loaxa-capture-");
  Attempt a;
  for (int attempt = 1; attempt <= 3; ++attempt) {
    a = play_and_capture(dir.path());
    if (a.failures.empty()) break;
    // Only a reported xrun or a skipped cycle excuses a retry; anything else is a real defect.
    if (a.xruns == 0 && a.gap_frames == 0) break;
    std::printf("attempt %d had %d xrun(s), %zu gap frames; retrying\n", attempt, a.xruns,
                a.gap_frames);
  }
  for (const auto& f : a.failures) ADD_FAILURE() << f;
}

}  // namespace
}  // namespace loaxa::it
