#include "fakes/fixtures.h"

#include <sndfile.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <numbers>
#include <random>
#include <stdexcept>
#include <vector>

namespace loaxa::testing {

namespace fs = std::filesystem;

std::string_view name_of(AudioFormat format) {
  switch (format) {
    case AudioFormat::kWav16:
      return "wav16";
    case AudioFormat::kWavFloat:
      return "wav_float";
    case AudioFormat::kFlac16:
      return "flac";
    case AudioFormat::kVorbis:
      return "vorbis";
    case AudioFormat::kOpus:
      return "opus";
    case AudioFormat::kMp3:
      return "mp3";
  }
  return "?";
}

std::string_view extension_of(AudioFormat format) {
  switch (format) {
    case AudioFormat::kWav16:
    case AudioFormat::kWavFloat:
      return "wav";
    case AudioFormat::kFlac16:
      return "flac";
    case AudioFormat::kVorbis:
      return "ogg";
    case AudioFormat::kOpus:
      return "opus";
    case AudioFormat::kMp3:
      return "mp3";
  }
  return "bin";
}

int sndfile_format(AudioFormat format) {
  switch (format) {
    case AudioFormat::kWav16:
      return SF_FORMAT_WAV | SF_FORMAT_PCM_16;
    case AudioFormat::kWavFloat:
      return SF_FORMAT_WAV | SF_FORMAT_FLOAT;
    case AudioFormat::kFlac16:
      return SF_FORMAT_FLAC | SF_FORMAT_PCM_16;
    case AudioFormat::kVorbis:
      return SF_FORMAT_OGG | SF_FORMAT_VORBIS;
    case AudioFormat::kOpus:
      return SF_FORMAT_OGG | SF_FORMAT_OPUS;
    case AudioFormat::kMp3:
      return SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III;
  }
  return 0;
}

bool is_lossless(AudioFormat format) {
  return format == AudioFormat::kWav16 || format == AudioFormat::kWavFloat ||
         format == AudioFormat::kFlac16;
}

Signal sine(double frequency_hz, double amplitude, int sample_rate) {
  return [=](std::int64_t frame, int) {
    return static_cast<float>(amplitude * std::sin(2 * std::numbers::pi * frequency_hz *
                                                   static_cast<double>(frame) / sample_rate));
  };
}

Signal silence() {
  return [](std::int64_t, int) { return 0.0f; };
}

Signal noise(double amplitude, std::uint32_t seed) {
  // Shared so that successive calls continue one sequence, like a real noise source.
  auto engine = std::make_shared<std::mt19937>(seed);
  return [=](std::int64_t, int) {
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    return static_cast<float>(amplitude) * dist(*engine);
  };
}

void write_audio(const fs::path& path, const AudioSpec& spec, const Signal& signal) {
  SF_INFO info{};
  info.samplerate = spec.sample_rate;
  info.channels = spec.channels;
  info.format = sndfile_format(spec.format);
  SNDFILE* sf = sf_open(path.c_str(), SFM_WRITE, &info);
  if (sf == nullptr) {
    throw std::runtime_error("write_audio: " + path.string() + ": " + sf_strerror(nullptr));
  }
  // Integer outputs would wrap on a sample of exactly 1.0 without clipping.
  sf_command(sf, SFC_SET_CLIPPING, nullptr, SF_TRUE);
  constexpr std::int64_t kChunk = 4096;
  std::vector<float> buf(static_cast<std::size_t>(kChunk * spec.channels));
  for (std::int64_t done = 0; done < spec.frames;) {
    const std::int64_t n = std::min(kChunk, spec.frames - done);
    for (std::int64_t f = 0; f < n; ++f) {
      for (int c = 0; c < spec.channels; ++c) {
        buf[static_cast<std::size_t>(f * spec.channels + c)] = signal(done + f, c);
      }
    }
    if (sf_writef_float(sf, buf.data(), n) != n) {
      std::string why = sf_strerror(sf);
      sf_close(sf);
      throw std::runtime_error("write_audio: " + path.string() + ": " + why);
    }
    done += n;
  }
  if (sf_close(sf) != 0) throw std::runtime_error("write_audio: close failed: " + path.string());
}

std::int64_t decode_frame_count(const fs::path& path) {
  SF_INFO info{};
  SNDFILE* sf = sf_open(path.c_str(), SFM_READ, &info);
  if (sf == nullptr) {
    throw std::runtime_error("decode_frame_count: " + path.string() + ": " + sf_strerror(nullptr));
  }
  std::vector<float> buf(static_cast<std::size_t>(4096 * info.channels));
  std::int64_t total = 0;
  for (sf_count_t got; (got = sf_readf_float(sf, buf.data(), 4096)) > 0;) total += got;
  sf_close(sf);
  return total;
}

void write_bytes(const fs::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("write_bytes: " + path.string());
}

std::string random_bytes(std::size_t count, std::uint32_t seed) {
  std::mt19937 engine(seed);
  std::string out(count, '\0');
  for (char& c : out) c = static_cast<char>(engine() & 0xff);
  return out;
}

void write_truncated_copy(const fs::path& from, const fs::path& to, std::uintmax_t keep_bytes) {
  std::ifstream in(from, std::ios::binary);
  std::string bytes(static_cast<std::size_t>(keep_bytes), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(keep_bytes));
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  write_bytes(to, bytes);
}

TempDir::TempDir() {
  std::string tmpl = (fs::temp_directory_path() / "loaxa-test-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

}  // namespace loaxa::testing
