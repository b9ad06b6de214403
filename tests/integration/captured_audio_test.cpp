// CapturedAudio without a server: how blocks land on the frame clock.

#include "captured_audio.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace loaxa::it {
namespace {

struct Raw {
  std::vector<float> left;
  std::vector<float> right;
  std::vector<CaptureBlock> blocks;

  // Appends a block whose samples are value, value+1, ... (right channel negated).
  void add(std::uint32_t frame_time, std::uint32_t frames, std::int64_t wall_us, float value) {
    blocks.push_back({frame_time, frames, wall_us, left.size()});
    for (std::uint32_t i = 0; i < frames; ++i) {
      left.push_back(value == 0 ? 0 : value + static_cast<float>(i));
      right.push_back(value == 0 ? 0 : -(value + static_cast<float>(i)));
    }
  }
  CapturedAudio audio(std::uint32_t rate = 1000) const {
    const float* raw[2] = {left.data(), right.data()};
    return CapturedAudio(rate, blocks, raw);
  }
};

TEST(CaptureAssembly, ContiguousBlocksAreJoinedWithoutGaps) {
  Raw r;
  r.add(100, 4, 1'000'000, 1);
  r.add(104, 4, 1'004'000, 10);
  CapturedAudio a = r.audio();
  ASSERT_EQ(a.frames(), 8u);
  EXPECT_EQ(a.gap_frames(), 0u);
  EXPECT_EQ(a.channel(0)[5], 11.0f);
  EXPECT_EQ(a.channel(1)[5], -11.0f);
  EXPECT_EQ(a.frame_time(5), 105u);
}

TEST(CaptureAssembly, SkippedCycleBecomesNanNotSilenceOrShift) {
  Raw r;
  r.add(0, 4, 0, 1);
  r.add(8, 4, 8000, 20);  // cycle 4..7 never ran
  CapturedAudio a = r.audio();
  ASSERT_EQ(a.frames(), 12u);
  EXPECT_EQ(a.gap_frames(), 4u);
  for (int i = 4; i < 8; ++i) EXPECT_TRUE(std::isnan(a.channel(0)[i])) << i;
  EXPECT_EQ(a.channel(0)[8], 20.0f);
  EXPECT_EQ(a.frame_time(8), 8u);
  EXPECT_EQ(a.wall_us(8), 8000);
}

TEST(CaptureAssembly, WithoutGapsJoinsTheRecordedCyclesAndKeepsTheirTimes) {
  Raw r;
  r.add(0, 4, 0, 1);
  r.add(8, 4, 8000, 20);  // cycle 4..7 never ran
  r.add(12, 4, 12000, 40);
  r.add(20, 4, 20000, 60);  // cycle 16..19 never ran
  const CapturedAudio a = r.audio().without_gaps();
  ASSERT_EQ(a.frames(), 16u);
  EXPECT_EQ(a.gap_frames(), 0u);
  const std::vector<float> want = {1, 2, 3, 4, 20, 21, 22, 23, 40, 41, 42, 43, 60, 61, 62, 63};
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(a.channel(0)[i], want[i]) << i;
    EXPECT_EQ(a.channel(1)[i], -want[i]) << i;
  }
  // Each frame keeps the time of the cycle that recorded it, not one shifted by the gaps.
  EXPECT_EQ(a.frame_time(4), 8u);
  EXPECT_EQ(a.wall_us(4), 8000);
  EXPECT_EQ(a.wall_us(13), 21000);
  EXPECT_EQ(a.frame_time(15), 23u);
  EXPECT_EQ(r.audio().without_gaps().bursts(1).size(), 1u);
}

TEST(CaptureAssembly, FrameClockWrapIsNotAGap) {
  Raw r;
  r.add(0xFFFFFFFCu, 4, 0, 1);
  r.add(0, 4, 4000, 5);
  CapturedAudio a = r.audio();
  EXPECT_EQ(a.gap_frames(), 0u);
  EXPECT_EQ(a.clock_anomalies(), 0u);
  EXPECT_EQ(a.frame_time(4), 0u);
}

TEST(CaptureAssembly, BackwardsClockIsCountedNotFilled) {
  Raw r;
  r.add(100, 4, 0, 1);
  r.add(50, 4, 4000, 1);
  CapturedAudio a = r.audio();
  EXPECT_EQ(a.frames(), 8u);
  EXPECT_EQ(a.clock_anomalies(), 1u);
}

TEST(CaptureAssembly, WallTimeComesFromEachCycleNotFromTheFirst) {
  // The dummy backend's cycles drift from the nominal rate; each block keeps its own start.
  Raw r;
  r.add(0, 1000, 5'000'000, 1);
  r.add(1000, 1000, 6'020'000, 1);
  CapturedAudio a = r.audio(1000);
  EXPECT_EQ(a.wall_us(999), 5'999'000);
  EXPECT_EQ(a.wall_us(1000), 6'020'000);
  EXPECT_EQ(a.wall_us(1500), 6'520'000);
}

TEST(CaptureAssembly, OnsetAndBursts) {
  struct Case {
    std::vector<float> left;
    std::size_t min_silence;
    std::size_t first;
    std::size_t last;
    std::vector<std::pair<std::size_t, std::size_t>> bursts;
  };
  const float nan = std::nanf("");
  const std::vector<Case> cases = {
      {{0, 0, 1, 1, 0, 0, 0, 1, 0}, 2, 2, 7, {{2, 4}, {7, 8}}},
      {{0, 0, 1, 1, 0, 0, 0, 1, 0}, 4, 2, 7, {{2, 8}}},
      {{1, 0, 1}, 1, 0, 2, {{0, 1}, {2, 3}}},
      {{1, 0, 1}, 2, 0, 2, {{0, 3}}},
      {{0, nan, 1, nan, nan, 1}, 2, 2, 5, {{2, 3}, {5, 6}}},
  };
  for (const Case& c : cases) {
    std::vector<float> right(c.left.size(), 0.0f);
    const float* raw[2] = {c.left.data(), right.data()};
    CapturedAudio a(1000, {{0, static_cast<std::uint32_t>(c.left.size()), 0, 0}}, raw);
    EXPECT_EQ(a.first_sound(), c.first);
    EXPECT_EQ(a.last_sound(), c.last);
    std::vector<std::pair<std::size_t, std::size_t>> got;
    for (const Burst& b : a.bursts(c.min_silence)) got.emplace_back(b.first, b.end);
    EXPECT_EQ(got, c.bursts);
  }
}

TEST(CaptureAssembly, SilenceHasNoOnset) {
  Raw r;
  r.add(0, 16, 0, 0);
  CapturedAudio a = r.audio();
  EXPECT_FALSE(a.onset_us());
  EXPECT_FALSE(a.last_sound_us());
  EXPECT_TRUE(a.bursts(1).empty());
}

}  // namespace
}  // namespace loaxa::it
