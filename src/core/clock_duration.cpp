#include "core/clock_duration.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace loaxa {

std::string clock_duration(double seconds) {
  const auto s = static_cast<long long>(std::llround(std::max(seconds, 0.0)));
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

std::string clock_duration(std::chrono::seconds d) {
  return clock_duration(static_cast<double>(d.count()));
}

}  // namespace loaxa
