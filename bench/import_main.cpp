// loaxa_bench_import: what `loaxa segment import` does to a file before it enters the library
// (analyse_audio: SHA-256 of the bytes, a full decode, EBU R128 loudness and true peak), alone.
// The bench driver compares its CPU time with `sox FILE -n stats`.
//
//   loaxa_bench_import FILE

#include <cstdio>
#include <variant>

#include "audio/audio_analysis.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s FILE\n", argv[0]);
    return 2;
  }
  const auto result = loaxa::analyse_audio(argv[1]);
  if (const auto* refused = std::get_if<loaxa::AudioRefusal>(&result)) {
    std::fprintf(stderr, "refused: %s\n", refused->message.en.c_str());
    return 1;
  }
  const auto& a = std::get<loaxa::AudioAnalysis>(result);
  std::printf("sha256=%s frames=%lld loudness=%.2f true_peak=%.2f\n", a.sha256.c_str(),
              static_cast<long long>(a.frames), a.loudness_lufs, a.true_peak_dbtp);
  return 0;
}
