#include "audio/audio_analysis.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>

#include "fakes/fixtures.h"

namespace loaxa {
namespace {

namespace fs = std::filesystem;
using testing::AudioFormat;
using testing::AudioSpec;
using testing::TempDir;

// A sine of amplitude 0.5 sits 6.02 dB below full scale; a full-scale 1 kHz sine measures
// -3.01 LUFS per channel (the K-weighting is ~0 dB at 1 kHz), and channels add in power.
constexpr double kHalfScaleMonoLufs = -3.01 - 6.02;

struct FormatCase {
  AudioFormat format;
  int rate;
  int channels;
  double seconds;
};

std::string format_case_name(const ::testing::TestParamInfo<FormatCase>& info) {
  return std::string(testing::name_of(info.param.format)) + "_" + std::to_string(info.param.rate) +
         "_" + std::to_string(info.param.channels) + "ch";
}

class AnalyseFormat : public ::testing::TestWithParam<FormatCase> {};

TEST_P(AnalyseFormat, MeasuresFramesRateChannelsAndLoudness) {
  const FormatCase& c = GetParam();
  TempDir dir;
  const fs::path file = dir / ("tone." + std::string(testing::extension_of(c.format)));
  const auto frames = static_cast<std::int64_t>(c.seconds * c.rate) + 17;  // not a block multiple
  testing::write_audio(file, {c.format, c.rate, c.channels, frames},
                       testing::sine(1000, 0.5, c.rate));

  auto result = analyse_audio(file);
  const auto* a = std::get_if<AudioAnalysis>(&result);
  ASSERT_NE(a, nullptr) << std::get<AudioRefusal>(result).message.en;

  if (testing::is_lossless(c.format)) {
    EXPECT_EQ(a->frames, frames);
  } else {
    EXPECT_EQ(a->frames, testing::decode_frame_count(file));
    EXPECT_NEAR(static_cast<double>(a->frames) / a->sample_rate, c.seconds, 0.1);
  }
  EXPECT_EQ(a->sample_rate, c.rate);
  EXPECT_EQ(a->channels, c.channels);
  EXPECT_EQ(a->file_bytes, fs::file_size(file));
  EXPECT_EQ(a->sha256, sha256_of_file(file));
  EXPECT_FALSE(library_extension(a->format).empty()) << a->format;

  const double expected_lufs = kHalfScaleMonoLufs + 10 * std::log10(c.channels);
  const bool lossless = testing::is_lossless(c.format);
  EXPECT_NEAR(a->loudness_lufs, expected_lufs, lossless ? 0.1 : 0.5);
  // Lossy codecs overshoot on peaks, a low-rate Vorbis by more than half a decibel.
  EXPECT_NEAR(a->true_peak_dbtp, -6.02, lossless ? 0.1 : 1.0);
}

INSTANTIATE_TEST_SUITE_P(Formats, AnalyseFormat,
                         ::testing::Values(FormatCase{AudioFormat::kWav16, 44100, 1, 3.0},
                                           FormatCase{AudioFormat::kWav16, 22050, 2, 2.0},
                                           FormatCase{AudioFormat::kWavFloat, 48000, 2, 2.5},
                                           FormatCase{AudioFormat::kFlac16, 22050, 1, 3.0},
                                           FormatCase{AudioFormat::kFlac16, 48000, 2, 2.0},
                                           FormatCase{AudioFormat::kVorbis, 22050, 1, 3.0},
                                           FormatCase{AudioFormat::kVorbis, 44100, 2, 2.0},
                                           FormatCase{AudioFormat::kOpus, 48000, 1, 2.0},
                                           FormatCase{AudioFormat::kOpus, 48000, 2, 3.0},
                                           FormatCase{AudioFormat::kMp3, 44100, 1, 3.0},
                                           FormatCase{AudioFormat::kMp3, 48000, 2, 2.0}),
                         format_case_name);

TEST(AnalyseAudio, FormatNamesAndLibraryExtensions) {
  const struct {
    AudioFormat format;
    int rate;
    const char* name;
    const char* ext;
  } cases[] = {
      {AudioFormat::kWav16, 22050, "WAV", "wav"},
      {AudioFormat::kFlac16, 22050, "FLAC", "flac"},
      {AudioFormat::kVorbis, 22050, "OGG/VORBIS", "ogg"},
      {AudioFormat::kOpus, 48000, "OGG/OPUS", "opus"},
      {AudioFormat::kMp3, 22050, "MP3", "mp3"},
  };
  TempDir dir;
  for (const auto& c : cases) {
    // A misleading extension must not matter: the library names the copy by its content.
    const fs::path file = dir / (std::string(testing::name_of(c.format)) + ".dat");
    testing::write_audio(file, {c.format, c.rate, 1, c.rate}, testing::sine(440, 0.3, c.rate));
    auto result = analyse_audio(file);
    const auto* a = std::get_if<AudioAnalysis>(&result);
    ASSERT_NE(a, nullptr) << c.name << ": " << std::get<AudioRefusal>(result).message.en;
    EXPECT_EQ(a->format, c.name);
    EXPECT_EQ(library_extension(a->format), c.ext);
  }
}

// --- refusals ---------------------------------------------------------------------------------

/// Builds the bad file in `dir` and returns its path.
using BadFileMaker = fs::path (*)(const TempDir& dir);

struct RefusalCase {
  const char* name;
  BadFileMaker make;
  RefusalReason reason;
};

fs::path good_file(const TempDir& dir, AudioFormat format, int rate = 48000) {
  const fs::path file = dir / ("good." + std::string(testing::extension_of(format)));
  testing::write_audio(file, {format, rate, 2, rate * 3}, testing::sine(1000, 0.5, rate));
  return file;
}

fs::path cut(const TempDir& dir, AudioFormat format, double keep) {
  const fs::path good = good_file(dir, format);
  const fs::path bad = dir / ("cut." + std::string(testing::extension_of(format)));
  testing::write_truncated_copy(good, bad, static_cast<std::uintmax_t>(fs::file_size(good) * keep));
  return bad;
}

// The first bytes of an iTunes AAC file: libsndfile has no MP4 reader.
const std::string kM4aHeader(
    "\0\0\0\x20"
    "ftypM4A \0\0\0\0M4A mp42isom\0\0\0\0",
    32);

const RefusalCase kRefusals[] = {
    {"missing", [](const TempDir& d) { return d / "nothing-here.wav"; }, RefusalReason::kMissing},
    {"folder",
     [](const TempDir& d) {
       fs::create_directory(d / "folder.wav");
       return d / "folder.wav";
     },
     RefusalReason::kNotAFile},
    {"zero_bytes",
     [](const TempDir& d) {
       testing::write_bytes(d / "empty.wav", "");
       return d / "empty.wav";
     },
     RefusalReason::kEmpty},
    {"random_bytes_named_wav",
     [](const TempDir& d) {
       testing::write_bytes(d / "noise.wav", testing::random_bytes(100000));
       return d / "noise.wav";
     },
     RefusalReason::kUnrecognisedFormat},
    {"aac_m4a",
     [](const TempDir& d) {
       testing::write_bytes(d / "speech.m4a", kM4aHeader + testing::random_bytes(50000));
       return d / "speech.m4a";
     },
     RefusalReason::kUnrecognisedFormat},
    // The .mp3 name makes libsndfile try its MPEG decoder, which fails differently.
    {"text_named_mp3",
     [](const TempDir& d) {
       testing::write_bytes(d / "notes.mp3", "Lịch phát thanh tuần này\n");
       return d / "notes.mp3";
     },
     RefusalReason::kMalformed},
    {"zero_frames_wav",
     [](const TempDir& d) {
       testing::write_audio(d / "zero.wav", {AudioFormat::kWav16, 44100, 1, 0}, testing::silence());
       return d / "zero.wav";
     },
     RefusalReason::kNoAudio},
    {"zero_frames_ogg",
     [](const TempDir& d) {
       testing::write_audio(d / "zero.ogg", {AudioFormat::kVorbis, 44100, 1, 0},
                            testing::silence());
       return d / "zero.ogg";
     },
     RefusalReason::kNoAudio},
    {"truncated_wav16", [](const TempDir& d) { return cut(d, AudioFormat::kWav16, 0.5); },
     RefusalReason::kTruncated},
    {"truncated_wav_float", [](const TempDir& d) { return cut(d, AudioFormat::kWavFloat, 0.7); },
     RefusalReason::kTruncated},
    {"truncated_flac", [](const TempDir& d) { return cut(d, AudioFormat::kFlac16, 0.5); },
     RefusalReason::kTruncated},
    {"truncated_vorbis", [](const TempDir& d) { return cut(d, AudioFormat::kVorbis, 0.5); },
     RefusalReason::kTruncated},
    {"truncated_opus", [](const TempDir& d) { return cut(d, AudioFormat::kOpus, 0.5); },
     RefusalReason::kTruncated},
    {"truncated_mp3", [](const TempDir& d) { return cut(d, AudioFormat::kMp3, 0.5); },
     RefusalReason::kTruncated},
    {"vorbis_headers_only", [](const TempDir& d) { return cut(d, AudioFormat::kVorbis, 0.1); },
     RefusalReason::kMalformed},
    {"digital_silence",
     [](const TempDir& d) {
       testing::write_audio(d / "silence.flac", {AudioFormat::kFlac16, 44100, 2, 44100 * 5},
                            testing::silence());
       return d / "silence.flac";
     },
     RefusalReason::kSilent},
    {"below_absolute_gate",
     [](const TempDir& d) {
       // -80 dBFS: audible to a meter, gated out by EBU R128.
       testing::write_audio(d / "hiss.wav", {AudioFormat::kWavFloat, 44100, 1, 44100 * 5},
                            testing::sine(1000, 1e-4, 44100));
       return d / "hiss.wav";
     },
     RefusalReason::kSilent},
    {"too_short",
     [](const TempDir& d) {
       testing::write_audio(d / "blip.wav", {AudioFormat::kWav16, 44100, 1, 44100 / 5},
                            testing::sine(1000, 0.5, 44100));
       return d / "blip.wav";
     },
     RefusalReason::kTooShort},
    {"nan_samples",
     [](const TempDir& d) {
       testing::write_audio(d / "nan.wav", {AudioFormat::kWavFloat, 44100, 1, 44100 * 2},
                            [](std::int64_t f, int) {
                              return f == 30000 ? std::numeric_limits<float>::quiet_NaN() : 0.5f;
                            });
       return d / "nan.wav";
     },
     RefusalReason::kDecodeError},
};

class AnalyseRefuses : public ::testing::TestWithParam<RefusalCase> {};

TEST_P(AnalyseRefuses, WithItsReason) {
  TempDir dir;
  const fs::path file = GetParam().make(dir);
  auto result = analyse_audio(file);
  const auto* r = std::get_if<AudioRefusal>(&result);
  ASSERT_NE(r, nullptr) << "accepted " << file;
  EXPECT_EQ(reason_name(r->reason), reason_name(GetParam().reason)) << r->message.en;
  EXPECT_FALSE(r->message.vi.empty());
  EXPECT_FALSE(r->message.en.empty());
}

INSTANTIATE_TEST_SUITE_P(BadFiles, AnalyseRefuses, ::testing::ValuesIn(kRefusals),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(AnalyseAudio, UnrecognisedFormatSaysWhatToDo) {
  TempDir dir;
  testing::write_bytes(dir / "a.m4a", kM4aHeader + testing::random_bytes(1000));
  auto result = analyse_audio(dir / "a.m4a");
  const auto& r = std::get<AudioRefusal>(result);
  EXPECT_NE(r.message.en.find("Format not recognised"), std::string::npos) << r.message.en;
  EXPECT_NE(r.message.en.find("convert"), std::string::npos) << r.message.en;
  EXPECT_NE(r.message.vi.find("chuyển đổi"), std::string::npos) << r.message.vi;
}

TEST(AnalyseAudio, UnfinalisedWavPlaceholderSizeIsNotATruncation) {
  // Field recorders that lose power leave 0xffffffff in the data chunk size; the audio written so
  // far is complete and playable.
  TempDir dir;
  const fs::path file = dir / "recorder.wav";
  testing::write_audio(file, {AudioFormat::kWav16, 44100, 1, 44100 * 2},
                       testing::sine(1000, 0.5, 44100));
  {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(40);  // the canonical 44-byte header: "data" at 36, its size at 40
    const char ff[4] = {'\xff', '\xff', '\xff', '\xff'};
    f.write(ff, 4);
  }
  auto result = analyse_audio(file);
  const auto* a = std::get_if<AudioAnalysis>(&result);
  ASSERT_NE(a, nullptr) << std::get<AudioRefusal>(result).message.en;
  EXPECT_EQ(a->frames, 44100 * 2);
}

TEST(AnalyseAudio, ReportsProgressUpToOne) {
  TempDir dir;
  const fs::path file = dir / "long.flac";
  testing::write_audio(file, {AudioFormat::kFlac16, 44100, 1, 44100 * 10},
                       testing::sine(1000, 0.5, 44100));
  std::vector<double> seen;
  auto result = analyse_audio(file, [&](double f) { seen.push_back(f); });
  ASSERT_TRUE(std::holds_alternative<AudioAnalysis>(result));
  ASSERT_GT(seen.size(), 10u);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_GE(seen.front(), 0.0);
  EXPECT_DOUBLE_EQ(seen.back(), 1.0);
}

TEST(Sha256OfFile, MatchesTheStandardVector) {
  TempDir dir;
  testing::write_bytes(dir / "abc", "abc");
  EXPECT_EQ(sha256_of_file(dir / "abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_of_file(dir / "missing"), std::nullopt);
}

TEST(GainToTarget, ReachesTargetUnlessThePeakWouldPassTheCeiling) {
  const struct {
    double loudness, true_peak, target, ceiling, expected;
  } cases[] = {
      {-23, -10, -16, -1, 7},     // quiet, room to spare: full gain
      {-23, -5, -16, -1, 4},      // quiet but peaky: stopped at the ceiling
      {-10, -0.5, -16, -1, -6},   // hot: attenuated to target
      {-16, -1, -16, -1, 0},      // already there
      {-16, 0.5, -16, -1, -1.5},  // on target but over the ceiling: brought down
      {-30, -1, -16, -1, 0},      // quiet and already at the ceiling: left alone
  };
  for (const auto& c : cases) {
    const double g = gain_to_target(c.loudness, c.true_peak, c.target, c.ceiling);
    EXPECT_DOUBLE_EQ(g, c.expected) << c.loudness << " LUFS, " << c.true_peak << " dBTP";
    EXPECT_LE(c.true_peak + g, c.ceiling + 1e-9);
  }
}

// The shipped sample segments (audio/*.ogg from audio/generate.sh) must import as they are.
TEST(BundledAudio, EverySampleImportsAndStaysSmall) {
  const fs::path audio = fs::path(__FILE__).parent_path().parent_path().parent_path() / "audio";
  ASSERT_TRUE(fs::is_directory(audio)) << audio;
  std::uintmax_t total_bytes = 0;
  int count = 0;
  for (const auto& entry : fs::directory_iterator(audio)) {
    if (entry.path().extension() != ".ogg") continue;
    ++count;
    total_bytes += entry.file_size();
    auto result = analyse_audio(entry.path());
    const auto* a = std::get_if<AudioAnalysis>(&result);
    ASSERT_NE(a, nullptr) << entry.path() << ": " << std::get<AudioRefusal>(result).message.en;
    EXPECT_EQ(a->format, "OGG/VORBIS");
    EXPECT_EQ(a->sample_rate, 22050);
    EXPECT_EQ(a->channels, 1);
    EXPECT_GE(a->duration_seconds(), 15) << entry.path();
    EXPECT_LE(a->duration_seconds(), 40) << entry.path();
    // Processed to play at the station default (-16 LUFS, -1 dBTP) without being held back by
    // the true-peak limit.
    EXPECT_NEAR(gain_to_target(a->loudness_lufs, a->true_peak_dbtp, -16, -1), 0, 1.5);

    std::ifstream text(fs::path(entry.path()).replace_extension(".txt"));
    std::string title;
    std::string spoken;
    ASSERT_TRUE(std::getline(text, title)) << "no text beside " << entry.path();
    ASSERT_TRUE(std::getline(text, spoken));
    EXPECT_FALSE(title.empty());
  }
  EXPECT_GE(count, 3);
  EXPECT_LT(total_bytes, 1024u * 1024u);
}

}  // namespace
}  // namespace loaxa
