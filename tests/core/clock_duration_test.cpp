// One rounding for durations people read: the preview, `segment list` and the daemon must agree.

#include "core/clock_duration.h"

#include <gtest/gtest.h>

namespace loaxa {
namespace {

struct DurationCase {
  double seconds;
  const char* shown;
};

class ClockDuration : public ::testing::TestWithParam<DurationCase> {};

TEST_P(ClockDuration, RoundsToTheNearestSecond) {
  EXPECT_EQ(clock_duration(GetParam().seconds), GetParam().shown) << GetParam().seconds;
}

INSTANTIATE_TEST_SUITE_P(
    Table, ClockDuration,
    ::testing::Values(DurationCase{0, "0:00"}, DurationCase{-3, "0:00"}, DurationCase{0.49, "0:00"},
                      DurationCase{0.5, "0:01"}, DurationCase{32, "0:32"},
                      DurationCase{67.8, "1:08"},  // the preview once said 01:07 for this
                      DurationCase{95.5, "1:36"}, DurationCase{599.6, "10:00"},
                      DurationCase{725, "12:05"}, DurationCase{3599.4, "59:59"},
                      DurationCase{3599.5, "1:00:00"}, DurationCase{3723, "1:02:03"}));

}  // namespace
}  // namespace loaxa
