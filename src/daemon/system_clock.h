#pragma once

#include "core/clock.h"

namespace loaxa {

/// The real wall clock (CLOCK_REALTIME).
class SystemClock final : public Clock {
 public:
  Instant now() const override {
    return std::chrono::time_point_cast<std::chrono::microseconds>(
        std::chrono::system_clock::now());
  }
};

}  // namespace loaxa
