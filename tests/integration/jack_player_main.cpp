// loaxa_it_jack_player: a test-only JACK client that plays the known chirp once, so the capture
// harness can be proven against a player whose every sample and start frame are known.
//
//   loaxa_it_jack_player --client NAME --seconds S --offset K
//
// Once both output ports are connected it lets two cycles of silence pass, then starts the chirp
// K frames into a cycle (to prove sub-block placement), and prints
//   start_frame=<frame time of the first chirp sample> start_wall_us=<its CLOCK_REALTIME, us>
//   frames=<chirp length>
// then exits 0. Exit 2: not connected within 5 s; 1: bad arguments or no server.

#include <jack/jack.h>
#include <time.h>

#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "test_signals.h"

namespace {

struct Player {
  jack_client_t* client = nullptr;
  jack_port_t* out[2] = {};
  std::vector<float> signal;
  jack_nframes_t offset = 0;
  std::atomic<bool> armed{false};
  int silent_cycles = 2;
  std::size_t next = 0;  ///< next signal sample to write
  bool started = false;
  jack_nframes_t start_frame = 0;
  jack_nframes_t start_in_cycle = 0;
  jack_time_t start_usecs = 0;
  std::atomic<bool> done{false};
};

int process(jack_nframes_t nframes, void* arg) {
  auto* p = static_cast<Player*>(arg);
  auto* left = static_cast<float*>(jack_port_get_buffer(p->out[0], nframes));
  auto* right = static_cast<float*>(jack_port_get_buffer(p->out[1], nframes));
  std::memset(left, 0, nframes * sizeof(float));
  std::memset(right, 0, nframes * sizeof(float));
  if (!p->armed.load() || p->done.load()) return 0;
  if (p->silent_cycles > 0) {
    --p->silent_cycles;
    return 0;
  }
  jack_nframes_t first = 0;
  if (!p->started) {
    jack_nframes_t frames = 0;
    jack_time_t usecs = 0;
    jack_time_t next_usecs = 0;
    float period = 0;
    jack_get_cycle_times(p->client, &frames, &usecs, &next_usecs, &period);
    first = p->offset < nframes ? p->offset : 0;
    p->start_frame = frames + first;
    p->start_in_cycle = first;
    p->start_usecs = usecs;
    p->started = true;
  }
  for (jack_nframes_t i = first; i < nframes && p->next < p->signal.size(); ++i) {
    left[i] = p->signal[p->next];
    right[i] = 0.5f * p->signal[p->next];
    ++p->next;
  }
  if (p->next == p->signal.size()) p->done.store(true);
  return 0;
}

std::int64_t realtime_us() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
}

void quiet(const char*) {}

}  // namespace

int main(int argc, char** argv) {
  std::string name = "loaxa_it_player";
  double seconds = 1.0;
  long offset = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string key = argv[i];
    if (key == "--client") {
      name = argv[i + 1];
    } else if (key == "--seconds") {
      seconds = std::atof(argv[i + 1]);
    } else if (key == "--offset") {
      offset = std::atol(argv[i + 1]);
    } else {
      std::fprintf(stderr, "unknown option %s\n", argv[i]);
      return 1;
    }
  }
  jack_set_error_function(quiet);
  jack_set_info_function(quiet);

  Player p;
  jack_status_t status{};
  p.client = jack_client_open(name.c_str(), JackNoStartServer, &status);
  if (p.client == nullptr) {
    std::fprintf(stderr, "cannot open JACK client (status 0x%x)\n", static_cast<unsigned>(status));
    return 1;
  }
  jack_nframes_t rate = jack_get_sample_rate(p.client);
  p.signal = loaxa::it::pcm16_to_float(loaxa::it::chirp_pcm16(rate, seconds));
  p.offset = static_cast<jack_nframes_t>(offset);
  p.out[0] = jack_port_register(p.client, "out_0", JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
  p.out[1] = jack_port_register(p.client, "out_1", JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
  jack_set_process_callback(p.client, process, &p);
  // Sampled before activation, as the capture does, so both convert the same cycle-start time.
  std::int64_t best_width = INT64_MAX;
  std::int64_t clock_offset = 0;
  for (int i = 0; i < 16; ++i) {
    std::int64_t before = realtime_us();
    auto now = static_cast<std::int64_t>(jack_get_time());
    std::int64_t after = realtime_us();
    if (after - before < best_width) {
      best_width = after - before;
      clock_offset = (before + after) / 2 - now;
    }
  }
  if (jack_activate(p.client) != 0) {
    std::fprintf(stderr, "cannot activate\n");
    return 1;
  }

  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (jack_port_connected(p.out[0]) == 0 || jack_port_connected(p.out[1]) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      std::fprintf(stderr, "nobody connected to %s:out_0/out_1 within 5 s\n", name.c_str());
      jack_client_close(p.client);
      return 2;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  p.armed.store(true);
  while (!p.done.load()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  // One more cycle of silence so the capture sees the end before the ports disappear.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  jack_client_close(p.client);

  std::int64_t start_wall =
      static_cast<std::int64_t>(p.start_usecs) + clock_offset +
      (static_cast<std::int64_t>(p.start_in_cycle) * 1'000'000 + rate / 2) / rate;
  std::printf("start_frame=%" PRIu32 " start_wall_us=%" PRId64 " frames=%zu\n", p.start_frame,
              start_wall, p.signal.size());
  return 0;
}
