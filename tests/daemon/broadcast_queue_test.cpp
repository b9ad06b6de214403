#include "daemon/broadcast_queue.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "daemon/wake_policy.h"
#include "fakes/fake_clock.h"

namespace loaxa {
namespace {

/// A decision's reason as the log's English text; empty for none.
std::string english(const std::optional<Reason>& r) {
  return r ? render(*r, Lang::kEn) : std::string();
}

using namespace std::chrono;
using testing::FakeClock;

// 2026-11-30 06:00:00 +07:00, a Monday.
const Instant kT0 = Instant{seconds(1'796'000'400)};

Instant t(double s) {
  return kT0 + duration_cast<microseconds>(duration<double>(s));
}

PendingBroadcast item(const std::string& name, Priority p, double at, double grace = 600) {
  Occurrence o;
  o.programme_id = name;
  o.scheduled_at = t(at);
  o.priority = p;
  o.grace = duration_cast<seconds>(duration<double>(grace));
  return scheduled_item(o);
}

std::string names(const std::vector<PendingBroadcast>& items) {
  std::string s;
  for (const auto& i : items) s += (s.empty() ? "" : " ") + i.occurrence.programme_id;
  return s;
}

constexpr Priority N = Priority::kNormal;
constexpr Priority P = Priority::kPriority;
constexpr Priority E = Priority::kEmergency;

TEST(BroadcastQueue, PlaysHigherPriorityFirstAndEqualOnesInArrivalOrder) {
  struct Case {
    std::vector<std::pair<std::string, Priority>> arrivals;
    std::string expected;
  } cases[] = {
      {{{"a", N}, {"b", N}, {"c", N}}, "a b c"},
      {{{"a", N}, {"b", P}}, "b a"},
      {{{"a", N}, {"b", P}, {"c", N}, {"d", P}}, "b d a c"},
      {{{"a", P}, {"b", E}, {"c", N}, {"d", E}}, "b d a c"},
      {{{"a", E}, {"b", P}, {"c", N}}, "a b c"},
      {{}, ""},
  };
  for (const auto& c : cases) {
    BroadcastQueue q;
    for (const auto& [name, p] : c.arrivals) q.push(item(name, p, 0));
    std::vector<PendingBroadcast> popped;
    std::vector<Dropped> missed;
    while (auto i = q.pop(t(1), missed)) popped.push_back(*i);
    EXPECT_EQ(names(popped), c.expected);
    EXPECT_TRUE(missed.empty());
    EXPECT_TRUE(q.empty());
  }
}

TEST(BroadcastQueue, ItemsThatWaitedPastTheirGraceAreMissedWithTheReason) {
  struct Case {
    double now;
    std::string played;  // the item pop returns
    std::string missed;  // dropped in front of it
    std::string left;    // still queued
  } cases[] = {
      // a: 06:00 grace 10 min; b: 06:01 grace 15 min; c: 06:02 grace 10 min; all normal.
      {0, "a", "", "b c"},      {600, "a", "", "b c"},  // exactly at a's deadline: still plays
      {600.001, "b", "a", "c"},                         // a is past; b (deadline 06:16) is not
      {721, "b", "a", "c"},    // c is past too, but b comes first: c waits for the next pop
      {961, "", "a b c", ""},  // all past
  };
  for (const auto& c : cases) {
    BroadcastQueue q;
    q.push(item("a", N, 0, 600));
    q.push(item("b", N, 60, 900));
    q.push(item("c", N, 120, 600));
    std::vector<Dropped> missed;
    auto next = q.pop(t(c.now), missed);
    EXPECT_EQ(next ? next->occurrence.programme_id : "", c.played) << "now +" << c.now;
    std::vector<PendingBroadcast> dropped;
    for (const auto& m : missed) dropped.push_back(m.item);
    EXPECT_EQ(names(dropped), c.missed) << "now +" << c.now;
    EXPECT_EQ(names(q.take_all()), c.left) << "now +" << c.now;
  }
  BroadcastQueue q;
  q.push(item("b", N, 60, 300));
  std::vector<Dropped> missed;
  EXPECT_FALSE(q.pop(t(400), missed));
  ASSERT_EQ(missed.size(), 1u);
  EXPECT_EQ(missed[0].reason.code, ReasonCode::kWaitedPastGrace);
  EXPECT_EQ(render(missed[0].reason, Lang::kEn),
            "waited past its grace (5:00) behind another broadcast");
}

TEST(BroadcastQueue, OnlyAnEmergencyPreemptsAndNeverAnotherEmergency) {
  struct Case {
    Priority arriving, on_air;
    bool expected;
  } cases[] = {
      {N, N, false}, {N, P, false}, {N, E, false}, {P, N, false}, {P, P, false},
      {P, E, false}, {E, N, true},  {E, P, true},  {E, E, false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(preempts(c.arriving, c.on_air), c.expected)
        << to_string(c.arriving) << " over " << to_string(c.on_air);
  }
}

TEST(BroadcastQueue, StartTargetIsTheScheduledTimeOrTheLeadFromNow) {
  struct Case {
    double scheduled, now, expected;
  } cases[] = {
      {10, 0, 10},      // early: exactly on time
      {10, 9.6, 10},    // the lead still fits
      {10, 9.7, 10.1},  // it does not: as soon as the output is ready
      {10, 70, 70.4},   // late (queued, caught up): the log shows the delay
  };
  for (const auto& c : cases) {
    EXPECT_EQ(start_target(item("a", N, c.scheduled), t(c.now), milliseconds(400)), t(c.expected))
        << "scheduled +" << c.scheduled << " now +" << c.now;
  }
}

DueFacts logged() {
  DueFacts f;
  f.already_logged = true;
  return f;
}

DueFacts jumped(ClockJump j) {
  DueFacts f;
  f.last_jump = j;
  return f;
}

/// The amplifier's `before` has `failed` or is still `running`; the config says `cancel`.
DueFacts amplifier(bool failed, bool running, bool cancel, std::string detail = "") {
  DueFacts f;
  f.amplifier_failed = failed;
  f.amplifier_running = running;
  f.cancel_on_failure = cancel;
  f.amplifier_detail = std::move(detail);
  return f;
}

TEST(BroadcastQueue, DueOccurrencePlaysWithinGraceElseMissedOrCancelled) {
  const ClockJump forward{seconds(3600), t(30)};
  const ClockJump forward_before{seconds(3600), t(-5)};  // landed before the occurrence's time
  const ClockJump backward{-seconds(600), t(30)};
  struct Case {
    const char* what;
    double now;
    DueFacts facts;
    Verdict verdict;
    std::string reason;
  } cases[] = {
      {"on time", 0, {}, Verdict::kPlay, ""},
      {"late within grace", 599, {}, Verdict::kPlay, ""},
      {"at the deadline", 600, {}, Verdict::kPlay, ""},
      {"past the grace, no jump seen",
       601,
       {},
       Verdict::kMissed,
       "reached 601 s late, past its grace (10:00): the machine was suspended or the daemon was "
       "held up"},
      {"past the grace after a forward jump", 3600, jumped(forward), Verdict::kMissed,
       "reached 3600 s late, past its grace (10:00): the wall clock jumped forward 3600 s"},
      {"an older jump is not blamed", 3600, jumped(forward_before), Verdict::kMissed,
       "reached 3600 s late, past its grace (10:00): the machine was suspended or the daemon was "
       "held up"},
      {"a backward jump is not blamed", 700, jumped(backward), Verdict::kMissed,
       "reached 700 s late, past its grace (10:00): the machine was suspended or the daemon was "
       "held up"},
      {"already in the log", 0, logged(), Verdict::kAlready, ""},
      {"already in the log, late", 5000, logged(), Verdict::kAlready, ""},
      {"amplifier failed, cancel", 0, amplifier(true, false, true, "exit 3"), Verdict::kFailed,
       "cancelled: the amplifier's 'before' command failed (exit 3)"},
      {"amplifier failed, no cancel", 0, amplifier(true, false, false, "exit 3"), Verdict::kPlay,
       ""},
      {"amplifier failed, cancel, late", 900, amplifier(true, false, true, "timed out"),
       Verdict::kFailed, "cancelled: the amplifier's 'before' command failed (timed out)"},
      {"amplifier still running, cancel", 2, amplifier(false, true, true), Verdict::kWait, ""},
      {"amplifier still running, no cancel", 0, amplifier(false, true, false), Verdict::kPlay, ""},
      {"amplifier still running past the grace", 601, amplifier(false, true, true),
       Verdict::kMissed,
       "reached 601 s late, past its grace (10:00): the machine was suspended or the daemon was "
       "held up"},
  };
  for (const auto& c : cases) {
    const auto d = decide_due(item("a", N, 0, 600), t(c.now), c.facts);
    EXPECT_EQ(d.verdict, c.verdict) << c.what;
    EXPECT_EQ(english(d.reason), c.reason) << c.what;
  }
}

TEST(BroadcastQueue, CatchUpAfterDowntimePlaysLateWithinGraceElseDaemonNotRunning) {
  struct Case {
    double scheduled, grace, now;
    bool logged;
    Verdict verdict;
  } cases[] = {
      {0, 600, 1, false, Verdict::kPlay},       {0, 600, 600, false, Verdict::kPlay},
      {0, 600, 600.5, false, Verdict::kMissed}, {0, 60, 120, false, Verdict::kMissed},
      {0, 3600, 1800, false, Verdict::kPlay},   {0, 600, 1, true, Verdict::kAlready},
      {0, 600, 9000, true, Verdict::kAlready},
  };
  for (const auto& c : cases) {
    const auto d = decide_catch_up(item("a", N, c.scheduled, c.grace), t(c.now), c.logged);
    EXPECT_EQ(d.verdict, c.verdict) << "grace " << c.grace << " now +" << c.now;
    EXPECT_EQ(english(d.reason), c.verdict == Verdict::kMissed ? "daemon not running" : "");
    if (c.verdict == Verdict::kMissed) {
      EXPECT_EQ(d.reason->code, ReasonCode::kDaemonNotRunning);
    }
  }
}

TEST(ClockJumpDetector, SeesJumpsOfTheSystemClockNotThePassingOfTime) {
  FakeClock clock(kT0);
  ClockJumpDetector d;
  EXPECT_FALSE(d.observe(clock.now(), clock.mono_now()));  // first look: nothing to compare
  clock.advance(seconds(30));
  EXPECT_FALSE(d.observe(clock.now(), clock.mono_now()));
  clock.advance(seconds(1));
  clock.jump(milliseconds(999));  // under the threshold: drift, slewing
  EXPECT_FALSE(d.observe(clock.now(), clock.mono_now()));
  clock.advance(seconds(1));
  clock.jump(seconds(3600));
  EXPECT_EQ(d.observe(clock.now(), clock.mono_now()), microseconds(seconds(3600)));
  clock.advance(seconds(1));
  EXPECT_FALSE(d.observe(clock.now(), clock.mono_now()));  // reported once
  clock.jump(-seconds(90));
  clock.advance(seconds(5));
  EXPECT_EQ(d.observe(clock.now(), clock.mono_now()), -microseconds(seconds(90)));
  clock.jump(seconds(2));
  clock.jump(-seconds(2));  // there and back between two looks: nothing to account for
  EXPECT_FALSE(d.observe(clock.now(), clock.mono_now()));
}

TEST(StallWatch, CountsOnTheMonotonicClockFromWhenContentIsDue) {
  FakeClock clock(kT0);
  const microseconds limit = seconds(2);
  auto step = [&](StallWatch& w, bool due, std::int64_t delivered, double seconds) {
    clock.advance(duration_cast<microseconds>(duration<double>(seconds)));
    return w.stalled(due, delivered, clock.mono_now(), limit);
  };
  {
    StallWatch w;  // waiting for the target is not a stall, however long
    EXPECT_FALSE(step(w, false, 0, 0));
    EXPECT_FALSE(step(w, false, 0, 10));
    EXPECT_FALSE(step(w, true, 0, 0));  // due now: the count starts here
    EXPECT_FALSE(step(w, true, 0, 2));
    EXPECT_TRUE(step(w, true, 0, 0.05));
  }
  {
    StallWatch w;  // progress resets the count; frames that stop are a stall 2 s later
    EXPECT_FALSE(step(w, true, 0, 0));
    EXPECT_FALSE(step(w, true, 1024, 1.9));
    EXPECT_FALSE(step(w, true, 2048, 1.9));
    EXPECT_FALSE(step(w, true, 2048, 1.9));
    EXPECT_TRUE(step(w, true, 2048, 0.2));
  }
  {
    // The wall clock went back before the target mid-broadcast: content flowing still counts.
    StallWatch w;
    EXPECT_FALSE(step(w, true, 1024, 0));
    EXPECT_FALSE(step(w, false, 1024, 1));
    EXPECT_TRUE(step(w, false, 1024, 1.1));
  }
  {
    // A forward jump of the wall clock: the wall time since the target is long, but the count
    // starts when the watch first sees content due.
    StallWatch w;
    EXPECT_FALSE(step(w, false, 0, 0.05));
    clock.jump(seconds(3600));
    EXPECT_FALSE(step(w, true, 0, 0.05));
    EXPECT_FALSE(step(w, true, 480, 0.05));
  }
}

// The daemon's loop in miniature, on the pure parts it is made of: take the first occurrence
// after what was handled (and not in the log), and when the wall clock reaches it, decide.
// Wall-clock jumps either way: every occurrence is decided exactly once.
TEST(BroadcastQueue, ClockJumpsNeitherRepeatNorLoseAnOccurrence) {
  std::vector<Occurrence> plan;
  for (int i = 0; i < 6; ++i) {
    Occurrence o;
    o.programme_id = "cchc";
    o.slot_index = i;
    o.scheduled_at = t(60.0 * (i + 1));  // 06:01 ... 06:06
    o.grace = seconds(i == 2 ? 10 : 600);
    plan.push_back(o);
  }
  struct Step {
    double advance;  // seconds of time passing
    double jump;     // then the wall clock is set by this much
  };
  const std::vector<Step> steps = {
      {61, 0},     // #0 at 06:01:00, on time
      {5, 60},     // to 06:02:06: #1 reached 6 s late, within its grace
      {0, 100},    // to 06:03:46: #2 (grace 10 s) jumped over, missed
      {1, -150},   // back to 06:01:17: nothing again
      {200, 0},    // #3 at 06:04:00
      {1, -3600},  // an hour back
      {3660, 0},   // and forward by time passing: nothing twice; #4 at 06:05:00
      {90, 0},     // #5 at 06:06:00
  };
  FakeClock clock(kT0);
  ClockJumpDetector jumps;
  std::optional<ClockJump> last_jump;
  Instant handled_until = kT0;
  std::map<int, Verdict> decided;
  std::set<int> logged;
  auto tick = [&] {
    if (auto j = jumps.observe(clock.now(), clock.mono_now())) last_jump = {*j, clock.now()};
    for (;;) {
      auto next = first_after(plan, handled_until,
                              [&](const Occurrence& o) { return logged.count(o.slot_index) > 0; });
      if (!next || clock.now() < next->scheduled_at) return;
      handled_until = std::max(handled_until, next->scheduled_at);
      DueFacts facts;
      facts.already_logged = logged.count(next->slot_index) > 0;
      facts.last_jump = last_jump;
      const auto d = decide_due(scheduled_item(*next), clock.now(), facts);
      ASSERT_EQ(decided.count(next->slot_index), 0u) << "#" << next->slot_index << " twice";
      decided[next->slot_index] = d.verdict;
      logged.insert(next->slot_index);
      if (next->slot_index == 2) {
        EXPECT_EQ(d.reason->code, ReasonCode::kPastGraceClockJump);
        EXPECT_EQ(english(d.reason),
                  "reached 46 s late, past its grace (0:10): the wall clock jumped forward 100 s");
      }
    }
  };
  for (const auto& s : steps) {
    // The daemon wakes at least every second near a deadline (wake_policy): step likewise.
    for (double left = s.advance; left > 0; left -= 1) {
      clock.advance(duration_cast<microseconds>(duration<double>(std::min(left, 1.0))));
      tick();
    }
    clock.jump(duration_cast<microseconds>(duration<double>(s.jump)));
    tick();
  }
  const std::map<int, Verdict> expected = {{0, Verdict::kPlay},   {1, Verdict::kPlay},
                                           {2, Verdict::kMissed}, {3, Verdict::kPlay},
                                           {4, Verdict::kPlay},   {5, Verdict::kPlay}};
  EXPECT_EQ(decided, expected);

  // A restart after the wall clock went back: handled_until starts from now again, and only the
  // log keeps what was handled from playing twice.
  handled_until = t(0);
  auto next = first_after(plan, handled_until,
                          [&](const Occurrence& o) { return logged.count(o.slot_index) > 0; });
  EXPECT_FALSE(next.has_value());
  auto unguarded = first_after(plan, handled_until);
  ASSERT_TRUE(unguarded.has_value());
  DueFacts facts;
  facts.already_logged = true;
  EXPECT_EQ(decide_due(scheduled_item(*unguarded), t(61), facts).verdict, Verdict::kAlready);
}

}  // namespace
}  // namespace loaxa
