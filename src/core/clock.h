#pragma once

#include "core/time.h"

namespace loaxa {

/// The wall and monotonic clocks, injected so logic can be tested with a FakeClock. The daemon
/// compares the two to notice wall-clock jumps, and measures stalls and checkpoint periods on
/// the monotonic one.
class Clock {
 public:
  virtual ~Clock() = default;
  /// The wall clock, UTC.
  virtual Instant now() const = 0;
  /// The monotonic clock.
  virtual MonoInstant mono_now() const = 0;
};

}  // namespace loaxa
