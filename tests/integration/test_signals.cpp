#include "test_signals.h"

#include <sndfile.h>

#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

namespace loaxa::it {

std::vector<std::int16_t> chirp_pcm16(std::uint32_t sample_rate, double seconds) {
  const auto n = static_cast<std::size_t>(std::llround(seconds * sample_rate));
  const double f0 = 220.0;
  const double f1 = 3500.0;
  const double pi = std::numbers::pi;
  std::vector<std::int16_t> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    double t = static_cast<double>(i) / sample_rate;
    double chirp = std::cos(2 * pi * (f0 * t + (f1 - f0) * t * t / (2 * seconds)));
    double tone = std::cos(2 * pi * 997.0 * t + 0.3);
    double v = 0.3 * chirp + 0.1 * tone;
    auto q = static_cast<std::int16_t>(std::lround(v * 32767.0));
    // Keep the edges audible even where the waveform happens to cross zero.
    if (q == 0 && (i == 0 || i + 1 == n)) q = 1;
    out[i] = q;
  }
  return out;
}

std::vector<float> pcm16_to_float(const std::vector<std::int16_t>& pcm) {
  std::vector<float> out(pcm.size());
  for (std::size_t i = 0; i < pcm.size(); ++i) out[i] = static_cast<float>(pcm[i]) / 32768.0f;
  return out;
}

void write_wav_pcm16(const std::filesystem::path& file, std::uint32_t sample_rate,
                     const std::vector<std::int16_t>& pcm) {
  SF_INFO info{};
  info.samplerate = static_cast<int>(sample_rate);
  info.channels = 1;
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  SNDFILE* f = sf_open(file.c_str(), SFM_WRITE, &info);
  if (f == nullptr) throw std::runtime_error(file.string() + ": " + sf_strerror(nullptr));
  sf_count_t written = sf_write_short(f, pcm.data(), static_cast<sf_count_t>(pcm.size()));
  std::string error = written == static_cast<sf_count_t>(pcm.size()) ? "" : sf_strerror(f);
  sf_close(f);
  if (!error.empty()) throw std::runtime_error(file.string() + ": " + error);
}

}  // namespace loaxa::it
