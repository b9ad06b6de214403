#pragma once
// The known signals the tests play and look for. Every value is a 16-bit PCM step (k / 32768), so
// a 16-bit WAV holds it exactly and libsndfile decodes it back to the same floats.

#include <cstdint>
#include <filesystem>
#include <vector>

namespace loaxa::it {

/// A linear chirp from 220 Hz to 3.5 kHz with a 997 Hz tone on top, peak about 0.4: no stretch of
/// it repeats or is silent, so a shifted, truncated or repeated copy cannot pass for it. Its first
/// and last samples are non-zero, so its edges are where the sound starts and stops.
std::vector<std::int16_t> chirp_pcm16(std::uint32_t sample_rate, double seconds);

/// The floats libsndfile's sf_read_float() gives for 16-bit samples (v / 32768).
std::vector<float> pcm16_to_float(const std::vector<std::int16_t>& pcm);

/// Writes a mono 16-bit WAV; throws with libsndfile's reason on failure.
void write_wav_pcm16(const std::filesystem::path& file, std::uint32_t sample_rate,
                     const std::vector<std::int16_t>& pcm);

}  // namespace loaxa::it
