#include "audio/portaudio_sink.h"

#include <alsa/asoundlib.h>
#include <fmt/format.h>
#include <jack/jack.h>
#include <pa_jack.h>
#include <portaudio.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>

#include "core/text.h"

namespace loaxa {
namespace {

constexpr std::chrono::milliseconds kProbePeriod{250};

void alsa_quiet(const char*, int, const char*, int, const char*, ...) {}
void jack_quiet(const char*) {}

std::int64_t wall_now_us() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);  // vDSO: no system call, fine in the callback
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
}

int trampoline(const void*, void* output, unsigned long frames,
               const PaStreamCallbackTimeInfo* time, PaStreamCallbackFlags, void* user) {
  auto* sink = static_cast<PortAudioSink*>(user);
  // How far from this very moment the block's first frame reaches the output. The stream's
  // clock is read now rather than taking timeInfo->currentTime: on JACK that is the cycle's
  // start, and the callback runs some time into the cycle, so the difference would place the
  // first frame early by however late the callback ran.
  double ahead = 0.0;
  if (time != nullptr) ahead = time->outputBufferDacTime - Pa_GetStreamTime(sink->stream());
  return sink->on_audio(static_cast<float*>(output), frames, ahead);
}

// Short, stable names ("JACK", not "JACK Audio Connection Kit") for the config and the log.
std::string host_api_name(const PaHostApiInfo& api) {
  switch (api.type) {
    case paJACK:
      return "JACK";
    case paALSA:
      return "ALSA";
    case paOSS:
      return "OSS";
    case paInDevelopment:
    default:
      return api.name;
  }
}

[[noreturn]] void pa_fail(const std::string& what, PaError err) {
  std::string why = Pa_GetErrorText(err);
  throw UserError({fmt::format("{}: lỗi PortAudio: {}", what, why),
                   fmt::format("{}: PortAudio error: {}", what, why)});
}

}  // namespace

PortAudioSystem::PortAudioSystem(const std::string& client_name) {
  snd_lib_error_set_handler(alsa_quiet);
  jack_set_error_function(jack_quiet);
  jack_set_info_function(jack_quiet);
  PaJack_SetClientName(client_name.c_str());
  if (PaError err = Pa_Initialize(); err != paNoError) pa_fail("Pa_Initialize", err);
}

PortAudioSystem::~PortAudioSystem() {
  Pa_Terminate();
}

std::vector<OutputDevice> PortAudioSystem::output_devices() const {
  std::vector<OutputDevice> out;
  const int n = Pa_GetDeviceCount();
  for (int i = 0; i < n; ++i) {
    const PaDeviceInfo* info = Pa_GetDeviceInfo(i);
    if (info == nullptr || info->maxOutputChannels <= 0) continue;
    const PaHostApiInfo* api = Pa_GetHostApiInfo(info->hostApi);
    OutputDevice d;
    d.index = i;
    d.host_api = api != nullptr ? host_api_name(*api) : "?";
    d.name = info->name;
    d.max_output_channels = info->maxOutputChannels;
    d.default_sample_rate = info->defaultSampleRate;
    out.push_back(d);
  }
  return out;
}

OutputDevice PortAudioSystem::find(const std::string& host_api, const std::string& device,
                                   const std::string& config_key) const {
  auto devices = output_devices();
  for (const auto& d : devices) {
    if (d.host_api == host_api && d.name == device) return d;
  }
  if (devices.empty()) {
    // A server or a test machine: the newcomer's way to hear the schedule anyway is rehearsal.
    throw UserError(
        {fmt::format("không có thiết bị âm thanh \"{} / {}\" ({}): máy này không có thiết bị phát "
                     "âm thanh nào. Để chạy thử lịch phát mà không cần thiết bị, khởi động "
                     "loaxad với --output rehearsal (mỗi lần phát được ghi thành tệp WAV, nhật ký "
                     "ghi đầu ra là \"rehearsal\")",
                     host_api, device, config_key),
         fmt::format("output device \"{} / {}\" not found ({}): this machine has no sound output "
                     "at all. To try the schedule without one, start loaxad with --output "
                     "rehearsal (each broadcast is written to a WAV file and logged with output "
                     "\"rehearsal\")",
                     host_api, device, config_key)});
  }
  std::string list;
  for (const auto& d : devices) list += "\n  " + d.label();
  throw UserError({fmt::format("không có thiết bị âm thanh \"{} / {}\" ({}). "
                               "Các thiết bị hiện có:{}\nHoặc chạy thử bằng --output rehearsal.",
                               host_api, device, config_key, list),
                   fmt::format("output device \"{} / {}\" not found ({}). "
                               "Devices that exist:{}\nOr try it with --output rehearsal.",
                               host_api, device, config_key, list)});
}

PortAudioSink::PortAudioSink(const OutputDevice& device, int channels)
    : device_(device), channels_(std::min(channels, device.max_output_channels)) {
  PaStreamParameters p{};
  p.device = device.index;
  p.channelCount = channels_;
  p.sampleFormat = paFloat32;
  const PaDeviceInfo* info = Pa_GetDeviceInfo(device.index);
  p.suggestedLatency = info != nullptr ? info->defaultHighOutputLatency : 0.1;
  rate_ = static_cast<int>(std::lround(device.default_sample_rate));
  PaStream* s = nullptr;
  // Unspecified buffer size: PortAudio then hands us the host's own blocks (JACK's period)
  // without an extra adaptation buffer and its latency.
  PaError err = Pa_OpenStream(&s, nullptr, &p, rate_, paFramesPerBufferUnspecified, paNoFlag,
                              trampoline, this);
  if (err != paNoError) pa_fail(device.label(), err);
  stream_ = s;
}

PortAudioSink::~PortAudioSink() {
  stop();
  if (stream_ != nullptr) Pa_CloseStream(static_cast<PaStream*>(stream_));
}

void PortAudioSink::start(PlayoutEngine& engine, Instant target) {
  target_us_.store(target.time_since_epoch().count());
  engine_.store(&engine);
  if (PaError err = Pa_StartStream(static_cast<PaStream*>(stream_)); err != paNoError) {
    engine_.store(nullptr);
    pa_fail(device_.label(), err);
  }
  running_ = true;
  if (device_.host_api == "JACK") prober_ = std::thread([this] { probe(); });
}

void PortAudioSink::probe() noexcept {
  jack_status_t status{};
  jack_client_t* client = jack_client_open("loaxad-probe", JackNoStartServer, &status);
  // Without a client nothing can be told; a dead server still shows as a stalled stream.
  if (client == nullptr) return;
  std::string pattern = "^";
  for (char c : device_.name) {
    if (std::strchr(".[]{}()\\*+?^$|", c) != nullptr) pattern += '\\';
    pattern += c;
  }
  pattern += ":";
  std::unique_lock lock(probe_mutex_);
  while (!probe_quit_) {
    lock.unlock();
    const char** ports =
        jack_get_ports(client, pattern.c_str(), JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput);
    if (ports == nullptr) {
      gone_.store(true, std::memory_order_relaxed);
    } else {
      jack_free(ports);
    }
    lock.lock();
    if (gone_.load(std::memory_order_relaxed)) break;
    probe_wake_.wait_for(lock, kProbePeriod, [this] { return probe_quit_; });
  }
  lock.unlock();
  jack_client_close(client);
}

void PortAudioSink::stop() noexcept {
  if (!running_) return;
  running_ = false;
  Pa_StopStream(static_cast<PaStream*>(stream_));
  engine_.store(nullptr);
  if (prober_.joinable()) {
    {
      std::lock_guard lock(probe_mutex_);
      probe_quit_ = true;
    }
    probe_wake_.notify_all();
    prober_.join();
  }
}

std::optional<Instant> PortAudioSink::first_frame_at() const noexcept {
  auto v = first_us_.load();
  if (v == 0) return std::nullopt;
  return Instant{std::chrono::microseconds{v}};
}

std::optional<Instant> PortAudioSink::last_frame_at() const noexcept {
  auto v = last_us_.load();
  if (v == 0) return std::nullopt;
  return Instant{std::chrono::microseconds{v}};
}

int PortAudioSink::on_audio(float* out, unsigned long frames, double dac_minus_now) noexcept {
  PlayoutEngine* engine = engine_.load(std::memory_order_acquire);
  const std::size_t ch = static_cast<std::size_t>(channels_);
  if (engine == nullptr) {
    std::fill(out, out + frames * ch, 0.0f);
    return paContinue;
  }
  // The wall time at which this block's first frame is heard: now plus the latency the host
  // reports for this very block (0 on JACK's dummy backend, the card's buffer on ALSA).
  std::int64_t block_us = wall_now_us();
  if (dac_minus_now > -1.0 && dac_minus_now < 1.0) {
    block_us += static_cast<std::int64_t>(dac_minus_now * 1e6);
  }
  const double us_per_frame = 1e6 / rate_;
  std::size_t offset = 0;
  if (!started_content_) {
    const std::int64_t target = target_us_.load(std::memory_order_relaxed);
    if (block_us < target) {
      // Never early: the first content frame is the first slot at or after the target.
      offset = static_cast<std::size_t>(std::ceil((target - block_us) / us_per_frame));
      if (offset >= frames) {
        std::fill(out, out + frames * ch, 0.0f);
        return paContinue;
      }
      std::fill(out, out + offset * ch, 0.0f);
    }
    started_content_ = true;
    first_us_.store(block_us + static_cast<std::int64_t>(offset * us_per_frame));
  }
  const std::int64_t before = engine->frames_delivered();
  engine->render(out + offset * ch, frames - offset);
  const std::int64_t delivered = engine->frames_delivered() - before;
  if (delivered > 0) {
    last_us_.store(block_us + static_cast<std::int64_t>((offset + delivered) * us_per_frame));
  }
  return paContinue;
}

}  // namespace loaxa
