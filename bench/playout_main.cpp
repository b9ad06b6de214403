// loaxa_bench_playout: the engine's whole playout work for one file (decode, channel mapping,
// resampling to the device rate, gain) rendered into memory as fast as it goes, without a device.
// The bench driver compares its CPU time with `sox FILE -r 48000 -t f32 /dev/null`.
//
//   loaxa_bench_playout FILE [--rate 48000] [--channels 2]

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "audio/audio_analysis.h"
#include "audio/playout_engine.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE [--rate R] [--channels C]\n", argv[0]);
    return 2;
  }
  int rate = 48000;
  int channels = 2;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    if (key == "--rate") {
      rate = std::atoi(argv[i + 1]);
    } else if (key == "--channels") {
      channels = std::atoi(argv[i + 1]);
    } else {
      std::fprintf(stderr, "unknown option %s\n", argv[i]);
      return 2;
    }
  }
  // A typical station gain: a few dB down, so the gain stage does real work. The import hash
  // is passed as the daemon does, so the check of the library file is part of the cost.
  const auto sha256 = loaxa::sha256_of_file(argv[1]);
  if (!sha256) {
    std::fprintf(stderr, "cannot read %s\n", argv[1]);
    return 2;
  }
  loaxa::PlayoutEngine engine({{argv[1], -3.5, *sha256}}, rate, channels);
  engine.start();
  // JACK's block size in the tests; the render side is as cheap as in the audio callback.
  constexpr std::size_t kBlock = 1024;
  std::vector<float> block(kBlock * static_cast<std::size_t>(channels));
  while (!engine.finished()) {
    const auto before = engine.frames_delivered();
    engine.render(block.data(), kBlock);
    // The decoder is behind: give it the CPU rather than spinning on an empty ring.
    if (engine.frames_delivered() == before && !engine.finished()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  const auto stats = engine.stats();
  if (!engine.decode_error().empty()) {
    std::fprintf(stderr, "%s\n", engine.decode_error().c_str());
    return 1;
  }
  std::printf("frames=%lld peak=%.4f\n", static_cast<long long>(stats.frames_delivered),
              static_cast<double>(stats.peak));
  return 0;
}
