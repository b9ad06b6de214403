#include "audio/playout_engine.h"

#include <fmt/format.h>
#include <soxr.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>

#include "audio/audio_analysis.h"
#include "audio/sound_file.h"
#include "core/reason.h"

namespace loaxa {
namespace {

constexpr std::int64_t kReadFrames = 4096;
// Two seconds of audio ahead of the output: enough to ride out a slow disk, small in memory.
constexpr int kRingSeconds = 2;

struct SoxrDeleter {
  void operator()(soxr_t s) const noexcept { soxr_delete(s); }
};
using SoxrPtr = std::unique_ptr<std::remove_pointer_t<soxr_t>, SoxrDeleter>;

/// Maps `in_ch` interleaved channels to `out_ch`: mono is copied to every output, extra input
/// channels are mixed down by averaging, missing ones are silent.
void map_channels(const float* in, std::int64_t frames, int in_ch, float* out, int out_ch) {
  for (std::int64_t f = 0; f < frames; ++f) {
    const float* src = in + f * in_ch;
    float* dst = out + f * out_ch;
    if (in_ch == 1) {
      std::fill(dst, dst + out_ch, src[0]);
    } else if (in_ch == out_ch) {
      std::copy(src, src + in_ch, dst);
    } else if (out_ch == 1) {
      float sum = 0;
      for (int c = 0; c < in_ch; ++c) sum += src[c];
      dst[0] = sum / static_cast<float>(in_ch);
    } else {
      for (int c = 0; c < out_ch; ++c) dst[c] = c < in_ch ? src[c] : 0.0f;
    }
  }
}

}  // namespace

PlayoutEngine::PlayoutEngine(std::vector<PlayItem> items, int out_rate, int out_channels,
                             PlayoutOptions options)
    : items_(std::move(items)),
      out_rate_(out_rate),
      out_channels_(out_channels),
      ring_(static_cast<std::size_t>(out_rate) * out_channels * kRingSeconds),
      options_(options),
      fade_frames_total_(std::max<std::int64_t>(1, std::llround(options.fade_seconds * out_rate))) {
}

PlayoutEngine::~PlayoutEngine() {
  quit_.store(true);
  if (decoder_.joinable()) decoder_.join();
  if (hasher_.joinable()) hasher_.join();
}

void PlayoutEngine::start() {
  hash_promises_.resize(items_.size());
  for (auto& p : hash_promises_) hashes_.push_back(p.get_future());
  hasher_ = std::thread([this] { hash_all(); });
  decoder_ = std::thread([this] { decode_all(); });
}

void PlayoutEngine::hash_all() noexcept {
  for (std::size_t i = 0; i < items_.size(); ++i) {
    std::optional<std::string> hash;
    if (!items_[i].sha256.empty() && !quit_.load()) hash = sha256_of_file(items_[i].path);
    hash_promises_[i].set_value(std::move(hash));
  }
}

std::optional<Reason> PlayoutEngine::decode_error() const {
  return decode_done() ? decode_error_ : std::nullopt;
}

bool PlayoutEngine::push_all(const float* data, std::size_t samples) {
  while (samples > 0) {
    if (quit_.load(std::memory_order_relaxed)) return false;
    // Push whole chunks only, so the ring never holds part of a frame.
    std::size_t room = ring_.write_available();
    std::size_t n = std::min(samples, room - room % static_cast<std::size_t>(out_channels_));
    if (n == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      continue;
    }
    ring_.push(data, n);
    data += n;
    samples -= n;
  }
  return true;
}

void PlayoutEngine::decode_one(std::size_t index) {
  const PlayItem& item = items_[index];
  if (!item.sha256.empty()) {
    const auto now = hashes_[index].get();
    if (!now) {
      std::error_code ec;
      const auto code = std::filesystem::exists(item.path, ec) ? ReasonCode::kSegmentFileUnreadable
                                                               : ReasonCode::kSegmentFileMissing;
      throw ReasonError(Reason(code).with("file", item.path.string()));
    }
    if (*now != item.sha256) {
      throw ReasonError(Reason(ReasonCode::kContentHashMismatch)
                            .with("file", item.path.string())
                            .with("found", now->substr(0, 12))
                            .with("expected", item.sha256.substr(0, 12)));
    }
  }
  SoundFile file(item.path);
  const int in_ch = file.channels();
  const float gain = static_cast<float>(std::pow(10.0, item.gain_db / 20.0));
  std::vector<float> in(static_cast<std::size_t>(kReadFrames * in_ch));
  std::vector<float> mapped(static_cast<std::size_t>(kReadFrames * out_channels_));

  SoxrPtr resampler;
  std::vector<float> resampled;
  if (file.sample_rate() != out_rate_) {
    soxr_error_t err = nullptr;
    soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
    soxr_quality_spec_t q = soxr_quality_spec(SOXR_HQ, 0);
    resampler.reset(
        soxr_create(file.sample_rate(), out_rate_, out_channels_, &err, &io, &q, nullptr));
    if (err != nullptr) {
      throw ReasonError(
          Reason(ReasonCode::kCannotResample).with("file", item.path.string()).with("error", err));
    }
    const double ratio = static_cast<double>(out_rate_) / file.sample_rate();
    resampled.resize(static_cast<std::size_t>((kReadFrames * ratio + 64) * out_channels_));
  }

  // Channels of zones this broadcast does not go to carry silence (done here, not in render).
  std::vector<float> channel_gain(static_cast<std::size_t>(out_channels_));
  for (int c = 0; c < out_channels_; ++c) {
    channel_gain[c] = (c < 32 && (options_.channel_mask >> c) & 1u) ? gain : 0.0f;
  }
  auto emit = [&](float* data, std::size_t frames) {
    const std::size_t samples = frames * static_cast<std::size_t>(out_channels_);
    for (std::size_t f = 0; f < frames; ++f) {
      float* frame = data + f * static_cast<std::size_t>(out_channels_);
      for (int c = 0; c < out_channels_; ++c) frame[c] *= channel_gain[c];
    }
    frames_decoded_.fetch_add(static_cast<std::int64_t>(frames), std::memory_order_relaxed);
    return push_all(data, samples);
  };

  const std::size_t out_cap = resampled.size() / static_cast<std::size_t>(out_channels_);
  for (;;) {
    const std::int64_t got = file.read(in.data(), kReadFrames);
    map_channels(in.data(), got, in_ch, mapped.data(), out_channels_);
    if (!resampler) {
      if (got == 0) break;
      if (!emit(mapped.data(), static_cast<std::size_t>(got))) return;
      continue;
    }
    // At the end, a null input flushes what the resampler still holds.
    const float* src = got > 0 ? mapped.data() : nullptr;
    std::size_t in_left = static_cast<std::size_t>(got);
    do {
      std::size_t used = 0, made = 0;
      soxr_error_t err =
          soxr_process(resampler.get(), src, in_left, &used, resampled.data(), out_cap, &made);
      if (err != nullptr) {
        throw ReasonError(Reason(ReasonCode::kResampleFailed)
                              .with("file", item.path.string())
                              .with("error", err));
      }
      if (made > 0 && !emit(resampled.data(), made)) return;
      if (src != nullptr) src += used * static_cast<std::size_t>(out_channels_);
      in_left -= used;
      if (got == 0 && made == 0) break;
    } while (in_left > 0 || got == 0);
    if (got == 0) break;
  }
}

void PlayoutEngine::decode_all() noexcept {
  try {
    for (std::size_t i = 0; i < items_.size(); ++i) {
      if (quit_.load()) break;
      decode_one(i);
    }
  } catch (const ReasonError& e) {
    decode_error_ = e.reason();
  } catch (const UserError& e) {
    decode_error_ = Reason(ReasonCode::kPlayoutError).with("error", e.text().en);
  } catch (const std::exception& e) {
    decode_error_ = Reason(ReasonCode::kPlayoutError).with("error", e.what());
  }
  decode_done_.store(true, std::memory_order_release);
}

void PlayoutEngine::render(float* out, std::size_t frames) noexcept {
  const std::size_t ch = static_cast<std::size_t>(out_channels_);
  const std::size_t want = frames * ch;
  if (finished_.load(std::memory_order_relaxed)) {
    std::fill(out, out + want, 0.0f);
    return;
  }
  if (fade_frames_left_ < 0 && fade_requested_.load(std::memory_order_relaxed)) {
    fade_frames_left_ = fade_frames_total_;
  }
  if (fade_frames_left_ < 0 && options_.max_frames > 0 &&
      frames_delivered_.load(std::memory_order_relaxed) + fade_frames_total_ >=
          options_.max_frames) {
    fade_frames_left_ = fade_frames_total_;
    truncated_.store(true, std::memory_order_relaxed);
  }
  // decode_done is read before the ring: if it was done, everything it made is visible.
  const bool done = decode_done_.load(std::memory_order_acquire);
  std::size_t got = ring_.pop(out, want);
  got -= got % ch;
  std::size_t frames_got = got / ch;

  if (fade_frames_left_ >= 0) {
    const float total = static_cast<float>(fade_frames_total_);
    std::size_t f = 0;
    for (; f < frames_got && fade_frames_left_ > 0; ++f, --fade_frames_left_) {
      const float g = static_cast<float>(fade_frames_left_) / total;
      for (std::size_t c = 0; c < ch; ++c) out[f * ch + c] *= g;
    }
    frames_got = f;
    got = frames_got * ch;
  }

  float peak = peak_.load(std::memory_order_relaxed);
  float block_peak = 0;
  double sum = 0;
  for (std::size_t i = 0; i < got; ++i) {
    const float v = out[i];
    block_peak = std::max(block_peak, std::fabs(v));
    sum += static_cast<double>(v) * v;
  }
  peak = std::max(peak, block_peak);
  if (frames_got > 0) {
    // Dead air: the longest run of delivered blocks that stayed below the silence level.
    if (block_peak < options_.silence_level) {
      silence_run_ += static_cast<std::int64_t>(frames_got);
      if (silence_run_ > longest_silence_.load(std::memory_order_relaxed)) {
        longest_silence_.store(silence_run_, std::memory_order_relaxed);
      }
    } else {
      silence_run_ = 0;
    }
  }
  std::fill(out + got, out + want, 0.0f);
  peak_.store(peak, std::memory_order_relaxed);
  sum_squares_.store(sum_squares_.load(std::memory_order_relaxed) + sum, std::memory_order_relaxed);
  frames_delivered_.fetch_add(static_cast<std::int64_t>(frames_got), std::memory_order_relaxed);

  if (fade_frames_left_ == 0) {
    faded_.store(true, std::memory_order_relaxed);
    finished_.store(true, std::memory_order_release);
  } else if (frames_got < frames) {
    if (done && ring_.read_available() == 0) {
      finished_.store(true, std::memory_order_release);
    } else {
      underruns_.fetch_add(1, std::memory_order_relaxed);
    }
  }
}

PlayoutStats PlayoutEngine::stats() const noexcept {
  PlayoutStats s;
  s.frames_delivered = frames_delivered_.load(std::memory_order_relaxed);
  s.underruns = underruns_.load(std::memory_order_relaxed);
  s.peak = peak_.load(std::memory_order_relaxed);
  const double n = static_cast<double>(s.frames_delivered) * out_channels_;
  s.rms = n > 0 ? std::sqrt(sum_squares_.load(std::memory_order_relaxed) / n) : 0.0;
  s.finished = finished_.load(std::memory_order_acquire);
  s.faded = faded_.load(std::memory_order_relaxed);
  s.truncated = truncated_.load(std::memory_order_relaxed);
  s.longest_silence_frames = longest_silence_.load(std::memory_order_relaxed);
  return s;
}

}  // namespace loaxa
