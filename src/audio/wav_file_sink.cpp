#include "audio/wav_file_sink.h"

#include <fmt/format.h>
#include <sndfile.h>

#include <chrono>
#include <vector>

#include "core/text.h"

namespace loaxa {
namespace {

constexpr std::size_t kBlockFrames = 1024;

Instant wall_now() {
  return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
}

}  // namespace

WavFileSink::WavFileSink(std::filesystem::path path, int sample_rate, int channels)
    : path_(std::move(path)), rate_(sample_rate), channels_(channels) {
  std::error_code ec;
  std::filesystem::create_directories(path_.parent_path(), ec);
  SF_INFO info{};
  info.samplerate = rate_;
  info.channels = channels_;
  info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
  SNDFILE* sf = sf_open(path_.c_str(), SFM_WRITE, &info);
  if (sf == nullptr) {
    std::string why = sf_strerror(nullptr);
    throw UserError({fmt::format("{}: không ghi được tệp diễn tập ({})", path_.string(), why),
                     fmt::format("{}: cannot write the rehearsal file ({})", path_.string(), why)});
  }
  sf_ = sf;
}

WavFileSink::~WavFileSink() {
  stop();
  if (sf_ != nullptr) sf_close(static_cast<SNDFILE*>(sf_));
}

void WavFileSink::start(PlayoutEngine& engine, Instant target) {
  writer_ = std::thread([this, &engine, target] { run(engine, target); });
}

void WavFileSink::stop() noexcept {
  quit_.store(true);
  if (writer_.joinable()) writer_.join();
}

void WavFileSink::run(PlayoutEngine& engine, Instant target) noexcept {
  std::vector<float> block(kBlockFrames * static_cast<std::size_t>(channels_));
  auto* sf = static_cast<SNDFILE*>(sf_);
  // Pace by the clock: block k is rendered at target + k blocks, like a device would pull it.
  std::int64_t written = 0;
  while (!quit_.load() && !engine.finished()) {
    const auto due = target + std::chrono::microseconds(written * 1'000'000 / rate_);
    while (!quit_.load() && wall_now() < due) {
      std::this_thread::sleep_until(std::chrono::system_clock::time_point(due));
    }
    if (quit_.load()) break;
    const Instant now = wall_now();
    const std::int64_t before = engine.frames_delivered();
    engine.render(block.data(), kBlockFrames);
    const std::int64_t delivered = engine.frames_delivered() - before;
    if (delivered == 0 && engine.finished()) break;
    if (first_us_.load() == 0 && delivered > 0) first_us_.store(now.time_since_epoch().count());
    sf_writef_float(sf, block.data(), delivered > 0 ? delivered : kBlockFrames);
    if (delivered > 0) {
      last_us_.store(now.time_since_epoch().count() + delivered * 1'000'000 / rate_);
    }
    written += kBlockFrames;
  }
  sf_write_sync(sf);
}

std::optional<Instant> WavFileSink::first_frame_at() const noexcept {
  auto v = first_us_.load();
  if (v == 0) return std::nullopt;
  return Instant{std::chrono::microseconds{v}};
}

std::optional<Instant> WavFileSink::last_frame_at() const noexcept {
  auto v = last_us_.load();
  if (v == 0) return std::nullopt;
  return Instant{std::chrono::microseconds{v}};
}

}  // namespace loaxa
