#include "jack_capture.h"

#include <time.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace loaxa::it {

namespace {

void ignore_jack_message(const char*) {}

std::int64_t realtime_now_us() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
}

// jack_get_time() runs on JACK's own (monotonic) clock. The pair of realtime reads that is
// closest together brackets the JACK read most tightly, so its midpoint is the best estimate.
std::int64_t sample_clock_offset_us() {
  std::int64_t best_width = INT64_MAX;
  std::int64_t best_offset = 0;
  for (int i = 0; i < 16; ++i) {
    std::int64_t before = realtime_now_us();
    auto jack_now = static_cast<std::int64_t>(jack_get_time());
    std::int64_t after = realtime_now_us();
    if (after - before < best_width) {
      best_width = after - before;
      best_offset = (before + after) / 2 - jack_now;
    }
  }
  return best_offset;
}

std::string regex_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (std::strchr(".[]{}()\\*+?^$|", c) != nullptr) out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

JackCapture::JackCapture(std::string source_prefix, double max_seconds, std::string client_name)
    : source_prefix_(std::move(source_prefix)) {
  // Without these, libjack prints connection attempts and server chatter into the test output.
  jack_set_error_function(ignore_jack_message);
  jack_set_info_function(ignore_jack_message);

  const char* server = std::getenv("JACK_DEFAULT_SERVER");
  if (server == nullptr || *server == '\0') {
    throw std::runtime_error(
        "JACK_DEFAULT_SERVER is not set: run the integration tests through ctest, which starts "
        "the test server (scripts/jack-test-server.sh)");
  }
  jack_status_t status{};
  client_ = jack_client_open(client_name.c_str(), JackNoStartServer, &status);
  if (client_ == nullptr) {
    char bits[16];
    std::snprintf(bits, sizeof bits, "0x%x", static_cast<unsigned>(status));
    throw std::runtime_error(std::string("cannot open a JACK client on server '") + server +
                             "' (status " + bits +
                             "); is it running? ctest starts it with the jack_server_start test");
  }
  rate_ = jack_get_sample_rate(client_);
  clock_offset_us_ = sample_clock_offset_us();

  for (int c = 0; c < CapturedAudio::kChannels; ++c) {
    std::string name = "in_" + std::to_string(c);
    inputs_[c] =
        jack_port_register(client_, name.c_str(), JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput, 0);
    if (inputs_[c] == nullptr) {
      jack_client_close(client_);
      throw std::runtime_error("cannot register JACK port " + name);
    }
  }

  auto max_frames = static_cast<std::size_t>(max_seconds * rate_);
  for (auto& r : raw_) r.assign(max_frames, 0.0f);
  std::size_t block = std::max<jack_nframes_t>(jack_get_buffer_size(client_), 1);
  blocks_.resize(max_frames / block + 16);

  jack_set_process_callback(client_, &JackCapture::process_trampoline, this);
  jack_set_port_registration_callback(client_, &JackCapture::port_registered, this);
  jack_set_xrun_callback(client_, &JackCapture::xrun_trampoline, this);
  worker_ = std::thread([this] { connect_worker(); });
}

JackCapture::~JackCapture() {
  {
    std::lock_guard lock(mutex_);
    quit_ = true;
  }
  wake_.notify_all();
  worker_.join();
  stop();
  jack_client_close(client_);
}

void JackCapture::start() {
  recording_.store(true);
  if (jack_activate(client_) != 0) throw std::runtime_error("cannot activate the JACK client");
  active_ = true;
  // Same choice as PortAudio's JACK host (the first physical playback port, minimum of the
  // range), so the capture and the player judge "heard" by the same number.
  if (const char** outs = jack_get_ports(client_, nullptr, JACK_DEFAULT_AUDIO_TYPE,
                                         JackPortIsPhysical | JackPortIsInput)) {
    if (outs[0] != nullptr) {
      jack_latency_range_t range{};
      jack_port_get_latency_range(jack_port_by_name(client_, outs[0]), JackPlaybackLatency, &range);
      output_latency_ = range.min;
    }
    jack_free(outs);
  }
  {
    std::lock_guard lock(mutex_);
    rescan_ = true;
  }
  wake_.notify_all();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (blocks_used_.load(std::memory_order_acquire) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("the JACK server ran no process cycle within 2 s of activation");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void JackCapture::stop() {
  recording_.store(false);
  if (active_) {
    jack_deactivate(client_);
    active_ = false;
  }
}

std::string JackCapture::connection_errors() const {
  std::lock_guard lock(mutex_);
  return errors_;
}

std::string JackCapture::connected_sources() const {
  std::string s;
  for (jack_port_t* in : inputs_) {
    const char** names = jack_port_get_all_connections(client_, in);
    if (names == nullptr) continue;
    for (const char** n = names; *n != nullptr; ++n) s += (s.empty() ? "" : " ") + std::string(*n);
    jack_free(names);
  }
  return s;
}

CapturedAudio JackCapture::captured() const {
  std::size_t n = blocks_used_.load(std::memory_order_acquire);
  std::vector<CaptureBlock> blocks(blocks_.begin(), blocks_.begin() + static_cast<long>(n));
  const float* raw[CapturedAudio::kChannels] = {raw_[0].data(), raw_[1].data()};
  return CapturedAudio(rate_, blocks, raw);
}

int JackCapture::process_trampoline(jack_nframes_t nframes, void* self) {
  return static_cast<JackCapture*>(self)->process(nframes);
}

void JackCapture::port_registered(jack_port_id_t, int, void* self) {
  auto* me = static_cast<JackCapture*>(self);
  {
    std::lock_guard lock(me->mutex_);
    me->rescan_ = true;
  }
  me->wake_.notify_all();
}

int JackCapture::xrun_trampoline(void* self) {
  static_cast<JackCapture*>(self)->xruns_.fetch_add(1);
  return 0;
}

// Real-time thread: copies into the preallocated buffers and publishes the block; no allocation,
// no lock, no I/O.
int JackCapture::process(jack_nframes_t nframes) noexcept {
  if (!recording_.load(std::memory_order_relaxed)) return 0;
  std::size_t n = blocks_used_.load(std::memory_order_relaxed);
  if (n == blocks_.size() || raw_used_ + nframes > raw_[0].size()) {
    overflow_.store(true, std::memory_order_relaxed);
    return 0;
  }
  jack_nframes_t frame_time = 0;
  jack_time_t usecs = 0;
  jack_time_t next_usecs = 0;
  float period_usecs = 0;
  if (jack_get_cycle_times(client_, &frame_time, &usecs, &next_usecs, &period_usecs) != 0) {
    // Some backends give no cycle times; the frames already elapsed place the cycle start.
    frame_time = jack_last_frame_time(client_);
    usecs = jack_get_time() -
            static_cast<jack_time_t>(jack_frames_since_cycle_start(client_)) * 1'000'000 / rate_;
  }
  for (int c = 0; c < CapturedAudio::kChannels; ++c) {
    const auto* in = static_cast<const float*>(jack_port_get_buffer(inputs_[c], nframes));
    std::memcpy(raw_[c].data() + raw_used_, in, nframes * sizeof(float));
  }
  blocks_[n] = {frame_time, nframes, static_cast<std::int64_t>(usecs) + clock_offset_us_,
                raw_used_};
  raw_used_ += nframes;
  blocks_used_.store(n + 1, std::memory_order_release);
  return 0;
}

void JackCapture::connect_worker() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return rescan_ || quit_; });
    if (quit_) return;
    rescan_ = false;
    lock.unlock();
    connect_sources();
    lock.lock();
  }
}

void JackCapture::connect_sources() {
  std::string pattern = "^" + regex_escape(source_prefix_) + "[^:]*:";
  const char** found =
      jack_get_ports(client_, pattern.c_str(), JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput);
  if (found == nullptr) return;
  std::vector<std::string> sources;
  for (const char** p = found; *p != nullptr; ++p) sources.emplace_back(*p);
  jack_free(found);
  std::sort(sources.begin(), sources.end());

  for (std::size_t i = 0; i < sources.size(); ++i) {
    for (int c = 0; c < CapturedAudio::kChannels; ++c) {
      // No "mono feeds both" rule: ports appear one by one, so a stereo source looks mono
      // for a moment, and its first port would stay connected to both inputs.
      if (static_cast<int>(i % CapturedAudio::kChannels) != c ||
          jack_port_connected_to(inputs_[c], sources[i].c_str()))
        continue;
      int rc = jack_connect(client_, sources[i].c_str(), jack_port_name(inputs_[c]));
      if (rc == 0) {
        connections_.fetch_add(1);
      } else if (rc != EEXIST) {
        // The source may vanish between listing and connecting (a stream closed): not an error
        // unless it stays, which the test sees as missing audio.
        std::lock_guard lock(mutex_);
        errors_ += "jack_connect " + sources[i] + " -> " + jack_port_name(inputs_[c]) +
                   " failed (" + std::to_string(rc) + "); ";
      }
    }
  }
}

}  // namespace loaxa::it
