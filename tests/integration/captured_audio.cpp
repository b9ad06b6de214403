#include "captured_audio.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace loaxa::it {

CapturedAudio::CapturedAudio(std::uint32_t sample_rate, const std::vector<CaptureBlock>& blocks,
                             const float* const raw[kChannels])
    : rate_(sample_rate) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const auto max_gap = static_cast<std::int64_t>(sample_rate) * 10;
  bool have_previous = false;
  std::uint32_t expected = 0;
  for (const CaptureBlock& b : blocks) {
    if (have_previous && b.frame_time != expected) {
      // Unsigned difference: the frame clock wraps every 2^32 frames (~25 h at 48 kHz).
      auto jump = static_cast<std::int64_t>(static_cast<std::int32_t>(b.frame_time - expected));
      if (jump > 0 && jump <= max_gap) {
        gaps_.push_back({samples_[0].size(), samples_[0].size() + static_cast<std::size_t>(jump)});
        for (auto& s : samples_) s.insert(s.end(), static_cast<std::size_t>(jump), nan);
        gap_frames_ += static_cast<std::size_t>(jump);
      } else {
        ++anomalies_;
      }
    }
    placed_.push_back({samples_[0].size(), b.frame_time, b.wall_us});
    for (int c = 0; c < kChannels; ++c) {
      samples_[c].insert(samples_[c].end(), raw[c] + b.raw_offset,
                         raw[c] + b.raw_offset + b.frames);
    }
    expected = b.frame_time + b.frames;
    have_previous = true;
  }
}

CapturedAudio CapturedAudio::without_gaps() const {
  CapturedAudio out;
  out.rate_ = rate_;
  out.anomalies_ = anomalies_;
  auto removed_before = [&](std::size_t index) {
    std::size_t n = 0;
    for (const Burst& g : gaps_) {
      if (g.first < index) n += std::min(g.end, index) - g.first;
    }
    return n;
  };
  for (const Placed& p : placed_) {
    out.placed_.push_back({p.index - removed_before(p.index), p.frame_time, p.wall_us});
  }
  for (int c = 0; c < kChannels; ++c) {
    std::size_t from = 0;
    for (const Burst& g : gaps_) {
      out.samples_[c].insert(out.samples_[c].end(), samples_[c].begin() + from,
                             samples_[c].begin() + g.first);
      from = g.end;
    }
    out.samples_[c].insert(out.samples_[c].end(), samples_[c].begin() + from, samples_[c].end());
  }
  return out;
}

const CapturedAudio::Placed& CapturedAudio::block_of(std::size_t index) const {
  if (placed_.empty() || index >= frames()) throw std::out_of_range("CapturedAudio: frame index");
  auto it = std::upper_bound(placed_.begin(), placed_.end(), index,
                             [](std::size_t i, const Placed& p) { return i < p.index; });
  return *std::prev(it);
}

std::int64_t CapturedAudio::wall_us(std::size_t index) const {
  const Placed& p = block_of(index);
  auto offset = static_cast<std::int64_t>(index - p.index);
  return p.wall_us + (offset * 1'000'000 + rate_ / 2) / rate_;
}

std::uint32_t CapturedAudio::frame_time(std::size_t index) const {
  const Placed& p = block_of(index);
  return p.frame_time + static_cast<std::uint32_t>(index - p.index);
}

bool CapturedAudio::sounds(std::size_t index) const {
  for (const auto& s : samples_) {
    // NaN compares unequal to 0 too, so test it explicitly: a gap is not sound.
    if (!std::isnan(s[index]) && s[index] != 0.0f) return true;
  }
  return false;
}

std::optional<std::size_t> CapturedAudio::first_sound(std::size_t from) const {
  for (std::size_t i = from; i < frames(); ++i) {
    if (sounds(i)) return i;
  }
  return std::nullopt;
}

std::optional<std::size_t> CapturedAudio::last_sound() const {
  for (std::size_t i = frames(); i-- > 0;) {
    if (sounds(i)) return i;
  }
  return std::nullopt;
}

std::optional<std::int64_t> CapturedAudio::onset_us() const {
  auto i = first_sound();
  if (!i) return std::nullopt;
  return wall_us(*i);
}

std::optional<std::int64_t> CapturedAudio::last_sound_us() const {
  auto i = last_sound();
  if (!i) return std::nullopt;
  return wall_us(*i);
}

std::vector<Burst> CapturedAudio::bursts(std::size_t min_silence) const {
  std::vector<Burst> out;
  std::optional<std::size_t> start;
  std::size_t last = 0;
  for (std::size_t i = 0; i < frames(); ++i) {
    if (!sounds(i)) continue;
    if (start && i - last > min_silence) {
      out.push_back({*start, last + 1});
      start.reset();
    }
    if (!start) start = i;
    last = i;
  }
  if (start) out.push_back({*start, last + 1});
  return out;
}

}  // namespace loaxa::it
