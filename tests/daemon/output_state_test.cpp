#include "daemon/output_state.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>

namespace loaxa {
namespace {

/// "lost pa {a,b}": the phase, "pa" when PortAudio is held, the lost devices.
std::string describe(const OutputState& s) {
  std::string out = to_string(s.phase());
  if (s.holds()) out += " pa";
  if (!s.lost().empty()) {
    std::string lost;
    for (const auto& d : s.lost()) lost += (lost.empty() ? "" : ",") + d;
    out += " {" + lost + "}";
  }
  return out;
}

/// The states the daemon's output goes through, each reached the way the daemon reaches it.
std::map<std::string, std::function<OutputState()>> states() {
  return {
      {"idle", [] { return OutputState{}; }},
      {"held",
       [] {
         OutputState s;
         s.take();
         return s;
       }},
      {"playing",
       [] {
         OutputState s;
         s.take();
         s.start_playing();
         return s;
       }},
      {"rehearsing",  // a rehearsal plays without PortAudio
       [] {
         OutputState s;
         s.start_playing();
         return s;
       }},
      {"playing, a lost",
       [] {
         OutputState s;
         s.take();
         s.lose("a");
         s.start_playing();
         return s;
       }},
      {"lost, held",
       [] {
         OutputState s;
         s.take();
         s.lose("a");
         return s;
       }},
      {"lost, let go",
       [] {
         OutputState s;
         s.take();
         s.lose("a");
         s.let_go();
         return s;
       }},
      {"restart",
       [] {
         OutputState s;
         s.take();
         s.require_restart();
         return s;
       }},
  };
}

const std::map<std::string, std::function<bool(OutputState&)>> kTransitions = {
    {"take", [](OutputState& s) { return s.take(); }},
    {"let_go", [](OutputState& s) { return s.let_go(); }},
    {"start_playing", [](OutputState& s) { return s.start_playing(); }},
    {"stop_playing", [](OutputState& s) { return s.stop_playing(); }},
    {"lose a", [](OutputState& s) { return s.lose("a"); }},
    {"lose b", [](OutputState& s) { return s.lose("b"); }},
    {"recover a", [](OutputState& s) { return s.recover("a"); }},
    {"recover b", [](OutputState& s) { return s.recover("b"); }},
};

TEST(OutputState, StatesAreReachedAsTheDaemonReachesThem) {
  const std::map<std::string, std::string> expected = {
      {"idle", "idle"},
      {"held", "held pa"},
      {"playing", "playing pa"},
      {"rehearsing", "playing"},
      {"playing, a lost", "playing pa {a}"},
      {"lost, held", "lost pa {a}"},
      {"lost, let go", "lost {a}"},
      {"restart", "restart_required pa"},
  };
  for (const auto& [name, make] : states()) EXPECT_EQ(describe(make()), expected.at(name)) << name;
}

// Every transition from every state: where it leads, or "refused" (and then nothing changed).
TEST(OutputState, EveryTransitionFromEveryState) {
  const std::string kRefused = "refused";
  struct Case {
    const char* state;
    const char* transition;
    std::string expected;
  } cases[] = {
      {"idle", "take", "held pa"},
      {"idle", "let_go", kRefused},
      {"idle", "start_playing", "playing"},
      {"idle", "stop_playing", kRefused},
      {"idle", "lose a", "lost {a}"},
      {"idle", "lose b", "lost {b}"},
      {"idle", "recover a", kRefused},
      {"idle", "recover b", kRefused},

      {"held", "take", kRefused},  // PortAudio is initialised once
      {"held", "let_go", "idle"},
      {"held", "start_playing", "playing pa"},
      {"held", "stop_playing", kRefused},
      {"held", "lose a", "lost pa {a}"},
      {"held", "lose b", "lost pa {b}"},
      {"held", "recover a", kRefused},
      {"held", "recover b", kRefused},

      {"playing", "take", kRefused},
      {"playing", "let_go", kRefused},         // would kill the broadcast's streams
      {"playing", "start_playing", kRefused},  // one broadcast at a time
      {"playing", "stop_playing", "held pa"},
      {"playing", "lose a", "playing pa {a}"},
      {"playing", "lose b", "playing pa {b}"},
      {"playing", "recover a", kRefused},
      {"playing", "recover b", kRefused},

      {"rehearsing", "take", kRefused},
      {"rehearsing", "let_go", kRefused},
      {"rehearsing", "start_playing", kRefused},
      {"rehearsing", "stop_playing", "idle"},
      {"rehearsing", "lose a", "playing {a}"},
      {"rehearsing", "lose b", "playing {b}"},
      {"rehearsing", "recover a", kRefused},
      {"rehearsing", "recover b", kRefused},

      {"playing, a lost", "take", kRefused},
      {"playing, a lost", "let_go", kRefused},
      {"playing, a lost", "start_playing", kRefused},
      {"playing, a lost", "stop_playing", "lost pa {a}"},  // the retries go on
      {"playing, a lost", "lose a", kRefused},
      {"playing, a lost", "lose b", "playing pa {a,b}"},
      {"playing, a lost", "recover a", kRefused},  // re-initialising would cut the broadcast
      {"playing, a lost", "recover b", kRefused},

      {"lost, held", "take", kRefused},
      {"lost, held", "let_go", "lost {a}"},  // before a re-initialisation
      {"lost, held", "start_playing", "playing pa {a}"},
      {"lost, held", "stop_playing", kRefused},
      {"lost, held", "lose a", kRefused},
      {"lost, held", "lose b", "lost pa {a,b}"},
      {"lost, held", "recover a", "held pa"},
      {"lost, held", "recover b", kRefused},

      {"lost, let go", "take", "lost pa {a}"},
      {"lost, let go", "let_go", kRefused},
      {"lost, let go", "start_playing", "playing {a}"},
      {"lost, let go", "stop_playing", kRefused},
      {"lost, let go", "lose a", kRefused},
      {"lost, let go", "lose b", "lost {a,b}"},
      {"lost, let go", "recover a", "idle"},
      {"lost, let go", "recover b", kRefused},

      {"restart", "take", kRefused},
      {"restart", "let_go", kRefused},
      {"restart", "start_playing", kRefused},
      {"restart", "stop_playing", kRefused},
      {"restart", "lose a", kRefused},
      {"restart", "lose b", kRefused},
      {"restart", "recover a", kRefused},
      {"restart", "recover b", kRefused},
  };
  const auto made = states();
  ASSERT_EQ(std::size(cases), made.size() * kTransitions.size()) << "a pair is missing";
  for (const auto& c : cases) {
    OutputState s = made.at(c.state)();
    const std::string before = describe(s);
    const bool accepted = kTransitions.at(c.transition)(s);
    const std::string got = accepted ? describe(s) : kRefused;
    EXPECT_EQ(got, c.expected) << c.state << " + " << c.transition;
    if (!accepted) {
      EXPECT_EQ(describe(s), before) << c.state << " + " << c.transition;
    }
  }
}

TEST(OutputState, ARestartIsRequiredFromAnyStateAndNeverLeft) {
  for (const auto& [name, make] : states()) {
    OutputState s = make();
    s.require_restart();
    EXPECT_EQ(s.phase(), OutputPhase::kRestartRequired) << name;
    for (const auto& [t, run] : kTransitions) EXPECT_FALSE(run(s)) << name << " + " << t;
    EXPECT_EQ(s.phase(), OutputPhase::kRestartRequired) << name;
  }
}

// Two devices lost one after the other come back one at a time, across a broadcast on the one
// that still works: the output is lost until the last one is back.
TEST(OutputState, LostUntilTheLastDeviceIsBack) {
  OutputState s;
  ASSERT_TRUE(s.take());
  ASSERT_TRUE(s.lose("a"));
  ASSERT_TRUE(s.start_playing());
  ASSERT_TRUE(s.lose("b"));
  ASSERT_TRUE(s.stop_playing());
  EXPECT_EQ(describe(s), "lost pa {a,b}");
  ASSERT_TRUE(s.let_go());
  ASSERT_TRUE(s.take());
  ASSERT_TRUE(s.recover("b"));
  EXPECT_EQ(describe(s), "lost pa {a}");
  EXPECT_TRUE(s.is_lost("a"));
  EXPECT_FALSE(s.is_lost("b"));
  ASSERT_TRUE(s.recover("a"));
  EXPECT_EQ(describe(s), "held pa");
  EXPECT_TRUE(s.let_go());
  EXPECT_EQ(s.phase(), OutputPhase::kIdle);
}

TEST(OutputState, CanTakeAnswersAsTakeWould) {
  for (const auto& [name, make] : states()) {
    OutputState s = make();
    const bool can = s.can_take();
    EXPECT_EQ(s.take(), can) << name;
  }
}

}  // namespace
}  // namespace loaxa
