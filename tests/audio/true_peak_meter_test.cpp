#include "audio/true_peak_meter.h"

#include <ebur128.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <vector>

namespace loaxa {
namespace {

/// libebur128's own true peak of `audio`, fed in blocks of `block` frames.
double libebur128_true_peak(const std::vector<float>& audio, int channels, int rate,
                            std::size_t block) {
  ebur128_state* st = ebur128_init(static_cast<unsigned>(channels),
                                   static_cast<unsigned long>(rate), EBUR128_MODE_TRUE_PEAK);
  const std::size_t frames = audio.size() / static_cast<std::size_t>(channels);
  for (std::size_t f = 0; f < frames; f += block) {
    ebur128_add_frames_float(st, audio.data() + f * channels, std::min(block, frames - f));
  }
  double peak = 0;
  for (int c = 0; c < channels; ++c) {
    double p = 0;
    ebur128_true_peak(st, static_cast<unsigned>(c), &p);
    peak = std::max(peak, p);
  }
  ebur128_destroy(&st);
  return peak;
}

double meter_peak(const std::vector<float>& audio, int channels, int rate, std::size_t block) {
  TruePeakMeter meter(channels, rate);
  const std::size_t frames = audio.size() / static_cast<std::size_t>(channels);
  for (std::size_t f = 0; f < frames; f += block) {
    meter.add(audio.data() + f * channels, std::min(block, frames - f));
  }
  return meter.peak();
}

struct Case {
  const char* name;
  int rate;
  int channels;
  std::size_t frames;
  std::size_t block;  ///< frames per add(): odd sizes cross the meter's internal blocks
};

class TruePeakMeterTest : public ::testing::TestWithParam<Case> {};

// The meter replaces libebur128's true peak for speed; it must measure the same thing.
TEST_P(TruePeakMeterTest, AgreesWithLibebur128) {
  const Case& c = GetParam();
  const double pi = std::numbers::pi;
  std::vector<std::vector<float>> signals;
  // A sine at a quarter of the rate, phase-shifted so every sample misses the crest by 45
  // degrees: the true peak is 3 dB over the sample peak, where a plain peak meter is wrong.
  std::vector<float> quarter(c.frames * c.channels);
  for (std::size_t f = 0; f < c.frames; ++f) {
    for (int ch = 0; ch < c.channels; ++ch) {
      quarter[f * c.channels + ch] =
          static_cast<float>(0.5 * std::sin(pi / 2 * static_cast<double>(f) + pi / 4 + ch));
    }
  }
  signals.push_back(quarter);
  // Noise whose loudest burst sits in one channel, late, across a block boundary.
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(-0.3f, 0.3f);
  std::vector<float> noise(c.frames * c.channels);
  for (float& s : noise) s = u(rng);
  const std::size_t at = c.frames - c.frames / 3;
  for (std::size_t f = at; f < at + 5 && f < c.frames; ++f) {
    noise[f * c.channels + c.channels - 1] = (f % 2 ? 0.97f : -0.97f);
  }
  signals.push_back(noise);
  // A single full-scale click in the very last frame.
  std::vector<float> click(c.frames * c.channels, 0.0f);
  click[click.size() - 1] = 1.0f;
  signals.push_back(click);

  for (std::size_t i = 0; i < signals.size(); ++i) {
    const double expected = libebur128_true_peak(signals[i], c.channels, c.rate, c.block);
    const double got = meter_peak(signals[i], c.channels, c.rate, c.block);
    // libebur128 sums in double, the meter in float: far below the 0.01 dB we report.
    EXPECT_NEAR(got, expected, 1e-5 * expected) << "signal " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(Rates, TruePeakMeterTest,
                         ::testing::Values(Case{"mono_44k", 44100, 1, 20000, 4096},
                                           Case{"stereo_48k", 48000, 2, 48000, 1000},
                                           Case{"stereo_48k_tiny_blocks", 48000, 2, 3001, 7},
                                           Case{"six_ch_22k", 22050, 6, 9999, 333},
                                           Case{"stereo_96k", 96000, 2, 30000, 4096},
                                           Case{"stereo_192k", 192000, 2, 30000, 4096}),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return std::string(info.param.name);
                         });

TEST(TruePeakMeter, SilenceIsZero) {
  TruePeakMeter meter(2, 48000);
  std::vector<float> zeros(2 * 5000, 0.0f);
  meter.add(zeros.data(), 5000);
  EXPECT_EQ(meter.peak(), 0.0);
}

}  // namespace
}  // namespace loaxa
