// loaxa_bench_ref_player: the reference for start accuracy, what a player does without any timing
// compensation. The stream is opened half a second ahead; at each scheduled time a timer expires
// (clock_nanosleep on CLOCK_REALTIME, absolute) and Pa_StartStream is called; the callback plays
// the chirp from the first frame it is given. JACK client name "loaxa_ref".
//
//   loaxa_bench_ref_player --first-us T --every-ms MS --count N --seconds S

#include <pa_jack.h>
#include <portaudio.h>
#include <time.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "test_signals.h"

namespace {

struct Chirp {
  std::vector<float> samples;
  std::size_t next = 0;
  std::atomic<bool> done{false};
};

int callback(const void*, void* output, unsigned long frames, const PaStreamCallbackTimeInfo*,
             PaStreamCallbackFlags, void* user) {
  auto* c = static_cast<Chirp*>(user);
  auto* out = static_cast<float*>(output);
  for (unsigned long f = 0; f < frames; ++f) {
    const float v = c->next < c->samples.size() ? c->samples[c->next++] : 0.0f;
    out[2 * f] = v;
    out[2 * f + 1] = v;
  }
  if (c->next == c->samples.size()) c->done.store(true);
  return paContinue;
}

void sleep_until_us(std::int64_t wall_us) {
  timespec ts{};
  ts.tv_sec = wall_us / 1'000'000;
  ts.tv_nsec = (wall_us % 1'000'000) * 1000;
  while (clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &ts, nullptr) != 0) {
  }
}

int fail(const char* what, PaError err) {
  std::fprintf(stderr, "%s: %s\n", what, Pa_GetErrorText(err));
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::int64_t first_us = 0;
  long every_ms = 1500;
  int count = 50;
  double seconds = 0.3;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    if (key == "--first-us") {
      first_us = std::atoll(argv[i + 1]);
    } else if (key == "--every-ms") {
      every_ms = std::atol(argv[i + 1]);
    } else if (key == "--count") {
      count = std::atoi(argv[i + 1]);
    } else if (key == "--seconds") {
      seconds = std::atof(argv[i + 1]);
    } else {
      std::fprintf(stderr, "unknown option %s\n", argv[i]);
      return 2;
    }
  }
  PaJack_SetClientName("loaxa_ref");
  if (PaError err = Pa_Initialize(); err != paNoError) return fail("Pa_Initialize", err);
  int device = -1;
  for (int i = 0; i < Pa_GetDeviceCount(); ++i) {
    const PaDeviceInfo* info = Pa_GetDeviceInfo(i);
    const PaHostApiInfo* api = Pa_GetHostApiInfo(info->hostApi);
    if (api->type == paJACK && info->maxOutputChannels >= 2) device = i;
  }
  if (device < 0) {
    std::fprintf(stderr, "no JACK output device\n");
    return 1;
  }
  const PaDeviceInfo* info = Pa_GetDeviceInfo(device);
  const auto rate = static_cast<std::uint32_t>(info->defaultSampleRate);
  const std::vector<float> chirp = loaxa::it::pcm16_to_float(loaxa::it::chirp_pcm16(rate, seconds));

  for (int k = 0; k < count; ++k) {
    const std::int64_t target = first_us + static_cast<std::int64_t>(k) * every_ms * 1000;
    sleep_until_us(target - 500'000);
    Chirp c;
    c.samples = chirp;
    PaStreamParameters p{};
    p.device = device;
    p.channelCount = 2;
    p.sampleFormat = paFloat32;
    p.suggestedLatency = info->defaultHighOutputLatency;
    PaStream* stream = nullptr;
    if (PaError err = Pa_OpenStream(&stream, nullptr, &p, rate, paFramesPerBufferUnspecified,
                                    paNoFlag, callback, &c);
        err != paNoError) {
      return fail("Pa_OpenStream", err);
    }
    sleep_until_us(target);
    if (PaError err = Pa_StartStream(stream); err != paNoError) return fail("Pa_StartStream", err);
    while (!c.done.load()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    // Let the last block reach the capture before the ports go away.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    Pa_StopStream(stream);
    Pa_CloseStream(stream);
  }
  Pa_Terminate();
  return 0;
}
