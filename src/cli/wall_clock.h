#pragma once
// The clock the CLI hands to the station operations: read at the edge, as STYLE.md asks.

#include <chrono>

#include "core/clock.h"

namespace loaxa {

/// The wall clock (CLOCK_REALTIME), to the microsecond the records keep.
class WallClock final : public Clock {
 public:
  Instant now() const override {
    return std::chrono::floor<std::chrono::microseconds>(std::chrono::system_clock::now());
  }
};

}  // namespace loaxa
