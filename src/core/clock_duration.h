#pragma once
// The one way a duration is shown to people: the CLI, the daemon's console and messages, reports.

#include <chrono>
#include <string>

namespace loaxa {

/// Rounded to the nearest second: "0:32", "1:08" for 67.8 s, "12:05", "1:02:03"; negative as 0:00.
std::string clock_duration(double seconds);
/// The same for a whole number of seconds (a grace, a max_duration).
std::string clock_duration(std::chrono::seconds d);

}  // namespace loaxa
