#pragma once

#include "core/time.h"

namespace loaxa {

/// Wall-clock source, injected so logic can be tested with a FakeClock.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Instant now() const = 0;
};

}  // namespace loaxa
