#pragma once
// A clock for logic tests: the wall clock and the monotonic clock move together when time
// passes, and apart when the wall clock is set (a jump), as on a real machine.

#include <chrono>

#include "core/clock.h"

namespace loaxa::testing {

/// Wall and monotonic instants under a test's control.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(Instant wall) : wall_(wall) {}

  Instant now() const override { return wall_; }
  MonoInstant mono_now() const override { return mono_; }

  /// Time passes: both clocks move.
  void advance(std::chrono::microseconds d) noexcept {
    wall_ += d;
    mono_ += d;
  }
  /// The wall clock is set (NTP step, an operator, a bad RTC): only it moves, either way.
  void jump(std::chrono::microseconds d) noexcept { wall_ += d; }

 private:
  Instant wall_;
  MonoInstant mono_{std::chrono::hours(1)};
};

}  // namespace loaxa::testing
