#pragma once
// The only place (with portaudio_sink.cpp) that includes portaudio.h.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "audio/sink.h"

namespace loaxa {

/// An output device as PortAudio lists it.
struct OutputDevice {
  int index = -1;
  std::string host_api;  ///< "ALSA", "JACK", "OSS"
  std::string name;      ///< "system", "default", "hw:0,0", ...
  int max_output_channels = 0;
  double default_sample_rate = 0;
  std::string label() const { return host_api + " / " + name; }
};

/// Pa_Initialize / Pa_Terminate. ALSA's and JACK's console chatter is silenced first.
class PortAudioSystem {
 public:
  /// `client_name` names the JACK client ("loaxad").
  explicit PortAudioSystem(const std::string& client_name = "loaxa");
  ~PortAudioSystem();
  PortAudioSystem(const PortAudioSystem&) = delete;
  PortAudioSystem& operator=(const PortAudioSystem&) = delete;

  std::vector<OutputDevice> output_devices() const;
  /// Finds host_api / device; throws UserError naming `config_key` (where the config names
  /// the device) and listing the devices that do exist.
  OutputDevice find(const std::string& host_api, const std::string& device,
                    const std::string& config_key = "[audio] host_api, device") const;
};

class PortAudioSink final : public Sink {
 public:
  /// Opens (not starts) a float32 stream at the device's default rate. Throws UserError.
  PortAudioSink(const OutputDevice& device, int channels);
  ~PortAudioSink() override;

  void start(PlayoutEngine& engine, Instant target) override;
  void stop() noexcept override;
  std::optional<Instant> first_frame_at() const noexcept override;
  std::optional<Instant> last_frame_at() const noexcept override;
  bool device_gone() const noexcept override { return gone_.load(std::memory_order_relaxed); }
  int sample_rate() const noexcept override { return rate_; }
  int channels() const noexcept override { return channels_; }
  std::string kind() const override { return "portaudio"; }
  std::string device() const override { return device_.label(); }

  /// The PortAudio stream (for the C trampoline only).
  void* stream() const noexcept { return stream_; }
  /// The stream callback (public for the C trampoline only).
  int on_audio(float* out, unsigned long frames, double dac_minus_now) noexcept;

 private:
  OutputDevice device_;
  int channels_;
  int rate_ = 0;
  void* stream_ = nullptr;
  std::atomic<PlayoutEngine*> engine_{nullptr};
  std::atomic<std::int64_t> target_us_{0};
  std::atomic<std::int64_t> first_us_{0};  // 0 = not yet
  std::atomic<std::int64_t> last_us_{0};
  bool started_content_ = false;  // callback thread only
  bool running_ = false;

  // PortAudio's JACK host lists every client with input ports as a device and connects the
  // stream to them when it starts, but says nothing when that client goes away: the stream runs
  // on, into nothing, and delivers every frame. A JACK client of our own (never activated, so no
  // process thread) looks for the device's ports every kProbePeriod while the stream runs.
  void probe() noexcept;
  std::thread prober_;
  std::mutex probe_mutex_;
  std::condition_variable probe_wake_;
  bool probe_quit_ = false;  // guarded by probe_mutex_
  std::atomic<bool> gone_{false};
};

}  // namespace loaxa
