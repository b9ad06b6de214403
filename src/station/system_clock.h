#pragma once

#include "core/clock.h"

namespace loaxa {

/// The real clocks, for every front door (loaxad, loaxa; tests use tests/fakes/fake_clock.h):
/// CLOCK_REALTIME and CLOCK_MONOTONIC (std::chrono::steady_clock, the clock
/// Asio's steady_timer waits on).
class SystemClock final : public Clock {
 public:
  Instant now() const override {
    return std::chrono::time_point_cast<std::chrono::microseconds>(
        std::chrono::system_clock::now());
  }
  MonoInstant mono_now() const override { return std::chrono::steady_clock::now(); }
};

}  // namespace loaxa
