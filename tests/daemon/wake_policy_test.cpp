#include "daemon/wake_policy.h"

#include <gtest/gtest.h>

namespace loaxa {
namespace {

using namespace std::chrono;

Instant at(double seconds) {
  return Instant{duration_cast<microseconds>(duration<double>(seconds))};
}

TEST(WakePolicy, WaitsInLongStepsFarAwayAndShortStepsNearTheDeadline) {
  struct Case {
    double now, wake;
    double expected;
  } cases[] = {
      {0, 3600, 30},      // an hour away: 30 s steps
      {0, 121, 30},       // just over two minutes: still 30 s
      {0, 120, 1},        // within two minutes: 1 s steps
      {0, 0.25, 0.25},    // less than a step: exactly to the deadline
      {10, 10, 0},        // due now
      {10, 9, 0},         // overdue (clock jumped forward): no wait
      {100, 100.5, 0.5},  //
  };
  for (const auto& c : cases) {
    EXPECT_EQ(next_wait(at(c.now), at(c.wake)),
              duration_cast<microseconds>(duration<double>(c.expected)))
        << "now " << c.now << " wake " << c.wake;
  }
}

TEST(WakePolicy, FirstAfterSkipsWhatWasHandled) {
  std::vector<Occurrence> plan(3);
  plan[0].scheduled_at = at(10);
  plan[1].scheduled_at = at(20);
  plan[2].scheduled_at = at(30);
  EXPECT_EQ(first_after(plan, at(0))->scheduled_at, at(10));
  EXPECT_EQ(first_after(plan, at(10))->scheduled_at, at(20));  // strictly after: no replay
  EXPECT_EQ(first_after(plan, at(25))->scheduled_at, at(30));
  EXPECT_FALSE(first_after(plan, at(30)).has_value());
  EXPECT_FALSE(first_after({}, at(0)).has_value());
}

// Two programmes at one instant (one per village at 06:00): handling the first must leave
// the second to play, and neither may come round twice.
TEST(WakePolicy, OccurrencesSharingAnInstantAreEachTakenOnce) {
  std::vector<Occurrence> plan(3);
  plan[0].programme_id = "thon-dong";
  plan[1].programme_id = "thon-tay";
  plan[0].scheduled_at = plan[1].scheduled_at = at(20);
  plan[2].programme_id = "thon-dong";
  plan[2].scheduled_at = at(30);
  HandledOccurrences handled;
  handled.mark_through(at(5));  // the daemon started
  auto next = [&] {
    return first_after(plan, handled.until() - std::chrono::microseconds(1),
                       [&](const Occurrence& o) { return handled.covers(o); });
  };
  std::vector<std::string> taken;
  for (auto o = next(); o; o = next()) {
    taken.push_back(o->key());
    handled.mark(o->scheduled_at, o->key());
    ASSERT_LE(taken.size(), 3u) << "an occurrence came round twice";
  }
  EXPECT_EQ(taken, (std::vector<std::string>{plan[0].key(), plan[1].key(), plan[2].key()}));

  // A catch-up covers its whole instant.
  HandledOccurrences caught_up;
  caught_up.mark_through(at(20));
  EXPECT_TRUE(caught_up.covers(plan[0]));
  EXPECT_TRUE(caught_up.covers(plan[1]));
  EXPECT_FALSE(caught_up.covers(plan[2]));
}

TEST(WakePolicy, ExpectedFramesAtTheOutputRate) {
  Segment a, b;
  a.sample_rate = 48000;
  a.frames = 48000;
  b.sample_rate = 22050;
  b.frames = 22050 * 3;
  EXPECT_EQ(expected_frames({a}, 48000), 48000);
  EXPECT_EQ(expected_frames({a, b}, 48000), 48000 + 144000);
  EXPECT_EQ(expected_frames({b}, 44100), 132300);
  EXPECT_EQ(expected_frames({}, 48000), 0);
}

}  // namespace
}  // namespace loaxa
