#include "audio/playout_engine.h"

#include <gtest/gtest.h>
#include <sndfile.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <thread>
#include <vector>

namespace loaxa {
namespace {

namespace fs = std::filesystem;

class PlayoutEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("loaxa-engine-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  /// Writes a float WAV of `frames` frames; sample (f, c) = signal(f, c).
  template <typename F>
  fs::path write_wav(const std::string& name, int rate, int channels, std::int64_t frames,
                     F signal) {
    fs::path p = dir_ / name;
    SF_INFO info{};
    info.samplerate = rate;
    info.channels = channels;
    info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
    SNDFILE* sf = sf_open(p.c_str(), SFM_WRITE, &info);
    EXPECT_NE(sf, nullptr);
    std::vector<float> buf(static_cast<std::size_t>(frames * channels));
    for (std::int64_t f = 0; f < frames; ++f) {
      for (int c = 0; c < channels; ++c) buf[f * channels + c] = signal(f, c);
    }
    sf_writef_float(sf, buf.data(), frames);
    sf_close(sf);
    return p;
  }

  static void wait_decoded(const PlayoutEngine& e) {
    for (int i = 0; i < 2000 && !e.decode_done(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ASSERT_TRUE(e.decode_done());
  }

  /// Renders like an audio device would (fixed blocks) until the engine finishes.
  static std::vector<float> drain(PlayoutEngine& e, std::size_t block = 256) {
    std::vector<float> out;
    std::vector<float> buf(block * e.channels());
    for (int guard = 0; guard < 100000 && !e.finished(); ++guard) {
      e.render(buf.data(), block);
      out.insert(out.end(), buf.begin(), buf.end());
      if (!e.decode_done()) std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    return out;
  }

  fs::path dir_;
};

float ramp(std::int64_t f, int c) {
  return static_cast<float>((f % 1000) - 500) / 1000.0f + c * 0.001f;
}

TEST_F(PlayoutEngineTest, PlaysTwoFilesBackToBackWithGainSampleExact) {
  auto a = write_wav("a.wav", 48000, 2, 5000, ramp);
  auto b = write_wav("b.wav", 48000, 2, 3000,
                     [](std::int64_t f, int) { return f % 2 ? 0.25f : -0.25f; });
  PlayoutEngine e({{a, -6.0}, {b, 0.0}}, 48000, 2);
  e.start();
  wait_decoded(e);
  auto out = drain(e);
  const float g = static_cast<float>(std::pow(10.0, -6.0 / 20.0));
  ASSERT_GE(out.size(), 8000u * 2);
  for (std::int64_t f = 0; f < 5000; ++f) {
    for (int c = 0; c < 2; ++c) ASSERT_EQ(out[f * 2 + c], ramp(f, c) * g) << "frame " << f;
  }
  for (std::int64_t f = 0; f < 3000; ++f) {
    ASSERT_EQ(out[(5000 + f) * 2], f % 2 ? 0.25f : -0.25f) << "frame " << f;
  }
  for (std::size_t i = 8000 * 2; i < out.size(); ++i) ASSERT_EQ(out[i], 0.0f);
  auto s = e.stats();
  EXPECT_EQ(s.frames_delivered, 8000);
  EXPECT_EQ(e.frames_decoded(), 8000);
  EXPECT_TRUE(s.finished);
  EXPECT_FALSE(s.faded);
  EXPECT_EQ(s.underruns, 0);
  EXPECT_NEAR(s.peak, 0.5f * g, 1e-3);
}

TEST_F(PlayoutEngineTest, MonoGoesToEveryChannel) {
  auto a = write_wav("m.wav", 48000, 1, 1000, [](std::int64_t f, int) { return f * 0.0005f; });
  PlayoutEngine e({{a, 0.0}}, 48000, 2);
  e.start();
  wait_decoded(e);
  auto out = drain(e);
  for (std::int64_t f = 0; f < 1000; ++f) {
    ASSERT_EQ(out[f * 2], f * 0.0005f);
    ASSERT_EQ(out[f * 2 + 1], f * 0.0005f);
  }
}

TEST_F(PlayoutEngineTest, ResamplesToTheDeviceRate) {
  // 1 s of a 440 Hz sine at 22050 Hz (espeak's rate) comes out as 1 s at 48000 Hz.
  const double pi = std::acos(-1.0);
  auto a = write_wav("r.wav", 22050, 1, 22050, [&](std::int64_t f, int) {
    return static_cast<float>(0.5 * std::sin(2 * pi * 440.0 * f / 22050.0));
  });
  PlayoutEngine e({{a, 0.0}}, 48000, 1);
  e.start();
  wait_decoded(e);
  auto out = drain(e);
  EXPECT_NEAR(static_cast<double>(e.stats().frames_delivered), 48000.0, 2.0);
  // Same tone after conversion: compare with the ideal 48 kHz sine in the steady middle part.
  double err = 0;
  int best_shift = 0;
  double best = 1e9;
  for (int shift = -64; shift <= 64; ++shift) {
    err = 0;
    for (int f = 10000; f < 11000; ++f) {
      double want = 0.5 * std::sin(2 * pi * 440.0 * (f + shift) / 48000.0);
      err = std::max(err, std::fabs(out[f] - want));
    }
    if (err < best) best = err, best_shift = shift;
  }
  EXPECT_LT(best, 0.01) << "shift " << best_shift;
  EXPECT_NEAR(e.stats().peak, 0.5, 0.02);
}

TEST_F(PlayoutEngineTest, EmptyRingBeforeDecodingCountsUnderrunAndWritesSilence) {
  auto a = write_wav("u.wav", 48000, 2, 2000, ramp);
  PlayoutEngine e({{a, 0.0}}, 48000, 2);
  std::vector<float> buf(256 * 2, 1.0f);
  e.render(buf.data(), 256);  // the decoder has not started: nothing to give
  for (float v : buf) ASSERT_EQ(v, 0.0f);
  EXPECT_EQ(e.stats().underruns, 1);
  EXPECT_EQ(e.stats().frames_delivered, 0);
  EXPECT_FALSE(e.finished());
  e.start();
  wait_decoded(e);
  auto out = drain(e);
  EXPECT_EQ(e.stats().frames_delivered, 2000);
  EXPECT_EQ(out[0], ramp(0, 0));  // nothing was lost: content resumes at its first frame
}

TEST_F(PlayoutEngineTest, FadeEndsThePlayoutWithinTheFadeTime) {
  auto a = write_wav("f.wav", 48000, 1, 48000 * 3, [](std::int64_t, int) { return 0.5f; });
  PlayoutEngine e({{a, 0.0}}, 48000, 1, PlayoutOptions{.fade_seconds = 0.3});
  e.start();
  for (int i = 0; i < 2000 && e.frames_decoded() < 48000; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_GE(e.frames_decoded(), 48000);
  std::vector<float> buf(480);
  for (int i = 0; i < 50; ++i) e.render(buf.data(), 480);  // 0.5 s played
  ASSERT_EQ(buf.back(), 0.5f);
  e.request_fade();
  std::vector<float> faded;
  for (int i = 0; i < 100 && !e.finished(); ++i) {
    e.render(buf.data(), 480);
    faded.insert(faded.end(), buf.begin(), buf.end());
  }
  ASSERT_TRUE(e.finished());
  auto s = e.stats();
  EXPECT_TRUE(s.faded);
  EXPECT_EQ(s.frames_delivered, 24000 + 14400);  // 0.5 s + exactly the 0.3 s fade
  for (std::size_t i = 1; i < 14400; ++i) ASSERT_LE(faded[i], faded[i - 1]);
  EXPECT_LT(faded[14399], 0.001f);
}

TEST_F(PlayoutEngineTest, MaxFramesFadesOutAndMarksTruncated) {
  auto a = write_wav("long.wav", 48000, 1, 48000 * 3, [](std::int64_t, int) { return 0.5f; });
  PlayoutEngine e({{a, 0.0}}, 48000, 1, PlayoutOptions{.fade_seconds = 0.1, .max_frames = 48000});
  e.start();
  for (int i = 0; i < 2000 && e.frames_decoded() < 60000; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  auto out = drain(e, 480);
  auto s = e.stats();
  EXPECT_TRUE(s.truncated);
  EXPECT_TRUE(s.faded);
  EXPECT_LE(s.frames_delivered, 48000 + 480);  // ends by max_frames, within one block
  EXPECT_GE(s.frames_delivered, 48000 - 480);
  EXPECT_LT(std::fabs(out[s.frames_delivered - 1]), 0.01f);
}

TEST_F(PlayoutEngineTest, ChannelMaskSilencesOtherZonesAndSilenceRunIsMeasured) {
  // 0.5 s tone, 1 s of silence, 0.5 s tone: the longest silent run is about 1 s.
  auto a = write_wav("z.wav", 48000, 1, 96000,
                     [](std::int64_t f, int) { return (f >= 24000 && f < 72000) ? 0.0f : 0.5f; });
  PlayoutEngine e({{a, 0.0}}, 48000, 2, PlayoutOptions{.channel_mask = 0b10});
  e.start();
  wait_decoded(e);
  auto out = drain(e, 480);
  EXPECT_EQ(out[0], 0.0f);  // channel 1 (bit 0) is off
  EXPECT_EQ(out[1], 0.5f);  // channel 2 carries the zone
  auto s = e.stats();
  EXPECT_NEAR(static_cast<double>(s.longest_silence_frames), 48000.0, 960.0);
}

TEST_F(PlayoutEngineTest, MissingFileEndsWithDecodeError) {
  PlayoutEngine e({{dir_ / "gone.wav", 0.0}}, 48000, 2);
  e.start();
  wait_decoded(e);
  drain(e);
  EXPECT_TRUE(e.finished());
  EXPECT_EQ(e.stats().frames_delivered, 0);
  ASSERT_TRUE(e.decode_error());
  EXPECT_EQ(e.decode_error()->code, ReasonCode::kCannotDecode);
  const std::string text = render(*e.decode_error(), Lang::kEn);
  EXPECT_NE(text.find("gone.wav"), std::string::npos) << text;
}

}  // namespace
}  // namespace loaxa
