#pragma once

#include <optional>
#include <string>

#include "audio/playout_engine.h"
#include "core/time.h"

namespace loaxa {

/// Where a playout goes: a PortAudio device, or a rehearsal WAV file. Only the sink differs;
/// the engine is the same.
class Sink {
 public:
  virtual ~Sink() = default;
  /// Starts pulling from `engine`. Frames before `target` (wall time) are silence; the
  /// engine's first frame goes out at the first frame slot at or after `target`.
  virtual void start(PlayoutEngine& engine, Instant target) = 0;
  /// Stops pulling and releases the output. Idempotent.
  virtual void stop() noexcept = 0;
  /// Wall time at which the first content frame left, as the audio path measured it.
  virtual std::optional<Instant> first_frame_at() const noexcept = 0;
  /// Wall time just after the last content frame delivered so far.
  virtual std::optional<Instant> last_frame_at() const noexcept = 0;
  /// True once the device is known to have gone away while the stream runs on regardless.
  virtual bool device_gone() const noexcept { return false; }
  virtual int sample_rate() const noexcept = 0;
  virtual int channels() const noexcept = 0;
  /// "portaudio" or "rehearsal": goes into the log.
  virtual std::string kind() const = 0;
  /// "JACK / system", or the WAV file's path.
  virtual std::string device() const = 0;
};

}  // namespace loaxa
