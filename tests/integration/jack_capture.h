#pragma once
// A JACK client that records, bit for bit and on JACK's frame clock, what another client plays:
// the far end of the real path (file -> engine -> PortAudio -> JACK) in the end-to-end tests.

#include <jack/jack.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "captured_audio.h"

namespace loaxa::it {

/// Records both input ports from activation on, and connects them to the output ports of every
/// client whose name starts with `source_prefix` as soon as those ports appear (again after the
/// source closes and reopens its stream). The source's output ports, in name order, feed channel
/// 0, 1, 0, 1, ...
class JackCapture {
 public:
  /// Opens client `client_name` on the server named by $JACK_DEFAULT_SERVER (never starting one)
  /// and preallocates `max_seconds` of audio; throws when the server cannot be reached.
  JackCapture(std::string source_prefix, double max_seconds,
              std::string client_name = "loaxa_capture");
  /// Deactivates and closes the client.
  ~JackCapture();
  JackCapture(const JackCapture&) = delete;
  JackCapture& operator=(const JackCapture&) = delete;

  /// Starts recording; returns once the first cycle has been recorded, so that everything played
  /// from now on is captured.
  void start();
  /// Stops recording (idempotent). The capture stays readable.
  void stop();

  std::uint32_t sample_rate() const noexcept { return rate_; }
  /// Connections made so far from source ports to our inputs.
  int connections_made() const noexcept { return connections_.load(); }
  /// Xruns the server reported since start().
  int xruns() const noexcept { return xruns_.load(); }
  /// True when the preallocated buffer filled up and later cycles were dropped.
  bool overflowed() const noexcept { return overflow_.load(); }
  /// Problems of the connection worker (a failed jack_connect), for failure messages.
  std::string connection_errors() const;
  /// The source ports currently connected to our inputs, "loaxad:out_0 loaxad:out_1".
  std::string connected_sources() const;

  /// What has been recorded so far; callable while recording.
  CapturedAudio captured() const;

  /// Playback latency, in frames, that the server declares for its physical output
  /// (system:playback_1): how long after a cycle starts its samples leave the server. The dummy
  /// backend declares two periods. Sampled by start(); 0 without a physical output.
  std::uint32_t output_latency_frames() const noexcept { return output_latency_; }

  /// Microseconds to add to a jack_get_time() value to get CLOCK_REALTIME; sampled at open.
  std::int64_t jack_to_realtime_offset_us() const noexcept { return clock_offset_us_; }

 private:
  static int process_trampoline(jack_nframes_t nframes, void* self);
  static void port_registered(jack_port_id_t port, int registered, void* self);
  static int xrun_trampoline(void* self);
  int process(jack_nframes_t nframes) noexcept;
  void connect_worker();
  void connect_sources();

  std::string source_prefix_;
  jack_client_t* client_ = nullptr;
  jack_port_t* inputs_[CapturedAudio::kChannels] = {};
  std::uint32_t rate_ = 0;
  std::int64_t clock_offset_us_ = 0;
  std::uint32_t output_latency_ = 0;

  // Written only by the process callback; published to readers through blocks_used_.
  std::vector<float> raw_[CapturedAudio::kChannels];
  std::vector<CaptureBlock> blocks_;
  std::size_t raw_used_ = 0;
  std::atomic<std::size_t> blocks_used_{0};
  std::atomic<bool> recording_{false};
  std::atomic<bool> overflow_{false};
  std::atomic<int> xruns_{0};
  std::atomic<int> connections_{0};
  bool active_ = false;

  // jack_connect is a server request and must not be made from JACK's notification thread (the
  // server waits on that thread for the notification to finish), so the registration callback
  // only wakes this worker.
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool rescan_ = false;
  bool quit_ = false;
  std::string errors_;
  std::thread worker_;
};

}  // namespace loaxa::it
