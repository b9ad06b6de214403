#include "core/rotation.h"

#include <gtest/gtest.h>

#include <set>

namespace loaxa {
namespace {

using Ids = std::vector<std::string>;

const Ids kPool = {"a", "b", "c", "d"};

Ids pick(Rotation r, int count, const Ids& played, std::vector<bool> ok = {true, true, true, true},
         const Ids& pool = kPool) {
  Ids out;
  for (std::size_t i : choose_segments(r, count, pool, ok, played, "cchc#0")) {
    out.push_back(pool[i]);
  }
  return out;
}

struct Case {
  const char* name;
  Rotation rotation;
  int count;
  Ids played;
  std::vector<bool> eligible;
  Ids expected;
};

const std::vector<Case> kCases = {
    {"all_in_pool_order", Rotation::kAll, 1, {"c"}, {true, true, true, true}, {"a", "b", "c", "d"}},
    {"all_skips_ineligible", Rotation::kAll, 1, {}, {true, false, true, false}, {"a", "c"}},
    {"sequential_fresh_starts_first",
     Rotation::kSequential,
     1,
     {},
     {true, true, true, true},
     {"a"}},
    {"sequential_after_last",
     Rotation::kSequential,
     1,
     {"a", "b"},
     {true, true, true, true},
     {"c"}},
    {"sequential_wraps",
     Rotation::kSequential,
     2,
     {"c", "d"},
     {true, true, true, true},
     {"a", "b"}},
    {"sequential_skips_ineligible",
     Rotation::kSequential,
     2,
     {"a"},
     {true, false, true, true},
     {"c", "d"}},
    {"sequential_retired_last_keeps_its_place",
     Rotation::kSequential,
     1,
     {"a", "b"},
     {true, false, true, true},
     {"c"}},
    {"sequential_ignores_ids_outside_pool",
     Rotation::kSequential,
     1,
     {"b", "jingle", "zzz"},
     {true, true, true, true},
     {"c"}},
    {"sequential_count_capped",
     Rotation::kSequential,
     9,
     {"b"},
     {true, true, true, true},
     {"c", "d", "a", "b"}},
    {"least_recent_never_played_first",
     Rotation::kLeastRecent,
     2,
     {"a", "c"},
     {true, true, true, true},
     {"b", "d"}},
    {"least_recent_oldest_next",
     Rotation::kLeastRecent,
     2,
     {"d", "a", "c", "b", "d", "a"},
     {true, true, true, true},
     {"c", "b"}},
    {"least_recent_skips_ineligible",
     Rotation::kLeastRecent,
     1,
     {"a", "b", "c", "d"},
     {false, true, true, true},
     {"b"}},
    {"nothing_eligible", Rotation::kShuffle, 2, {}, {false, false, false, false}, {}},
    {"empty_pool_sequential", Rotation::kSequential, 1, {}, {}, {}},
};

class RotationTable : public ::testing::TestWithParam<Case> {};

TEST_P(RotationTable, Choice) {
  const Case& c = GetParam();
  Ids pool = c.eligible.empty() ? Ids{} : kPool;
  EXPECT_EQ(pick(c.rotation, c.count, c.played, c.eligible, pool), c.expected);
}

INSTANTIATE_TEST_SUITE_P(Rotation, RotationTable, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return std::string(info.param.name); });

/// Runs `n` occurrences forward, each seeing what the earlier ones played.
Ids run(Rotation r, int count, int n, Ids played = {}) {
  Ids out;
  for (int i = 0; i < n; ++i) {
    for (const auto& id : pick(r, count, played)) {
      out.push_back(id);
      played.push_back(id);
    }
  }
  return out;
}

TEST(Rotation, ShuffleNoRepeatUntilAllHavePlayed) {
  for (int count : {1, 2, 3}) {
    Ids seq = run(Rotation::kShuffle, count, 24);
    // Each block of 4 consecutive plays is one cycle: every segment exactly once.
    for (std::size_t cycle = 0; cycle + 4 <= seq.size(); cycle += 4) {
      std::set<std::string> seen(seq.begin() + static_cast<long>(cycle),
                                 seq.begin() + static_cast<long>(cycle) + 4);
      EXPECT_EQ(seen.size(), 4u) << "count " << count << " cycle " << cycle / 4;
    }
  }
}

TEST(Rotation, ShuffleIsDeterministicAndNotJustImportOrder) {
  Ids once = run(Rotation::kShuffle, 1, 12);
  EXPECT_EQ(run(Rotation::kShuffle, 1, 12), once);
  // Over three cycles, at least one differs from pool order and the cycles are not all equal.
  Ids c0(once.begin(), once.begin() + 4), c1(once.begin() + 4, once.begin() + 8),
      c2(once.begin() + 8, once.end());
  EXPECT_TRUE(c0 != kPool || c1 != kPool || c2 != kPool);
  EXPECT_TRUE(c0 != c1 || c1 != c2);
  // Another slot shuffles differently.
  Ids other;
  Ids played;
  for (int i = 0; i < 12; ++i) {
    auto idx =
        choose_segments(Rotation::kShuffle, 1, kPool, {true, true, true, true}, played, "news#3");
    played.push_back(kPool[idx[0]]);
  }
  EXPECT_NE(played, once);
}

TEST(Rotation, EveryPolicyResumesAfterACutHistory) {
  // The daemon rebuilds the history from the log after a restart; a cut at any point must
  // continue exactly as the uninterrupted run.
  for (Rotation r : {Rotation::kSequential, Rotation::kShuffle, Rotation::kLeastRecent}) {
    for (int count : {1, 2, 3}) {
      Ids whole = run(r, count, 10);
      for (int cut = 0; cut <= 10; ++cut) {
        Ids prefix(whole.begin(), whole.begin() + cut * count);
        Ids resumed = prefix;
        Ids tail = run(r, count, 10 - cut, prefix);
        resumed.insert(resumed.end(), tail.begin(), tail.end());
        EXPECT_EQ(resumed, whole) << to_string(r) << " count " << count << " cut " << cut;
      }
    }
  }
}

TEST(Rotation, ShuffleNewSegmentJoinsWithoutRepeats) {
  Ids played = {"a", "b"};
  Ids pool = {"a", "b", "c", "d", "e"};
  Ids out;
  for (int i = 0; i < 3; ++i) {
    auto idx =
        choose_segments(Rotation::kShuffle, 1, pool, std::vector<bool>(5, true), played, "cchc#0");
    played.push_back(pool[idx[0]]);
    out.push_back(pool[idx[0]]);
  }
  std::set<std::string> rest(out.begin(), out.end());
  EXPECT_EQ(rest, (std::set<std::string>{"c", "d", "e"}));
}

TEST(Rotation, HistoryKeepsTimeOrder) {
  PlayHistory h;
  Instant t{std::chrono::seconds{1000}};
  h.add("cchc", 0, "b", t + std::chrono::seconds{10});
  h.add("cchc", 0, "a", t);
  h.add("cchc", 1, "z", t);
  ASSERT_EQ(h.of("cchc", 0).size(), 2u);
  EXPECT_EQ(h.of("cchc", 0)[0].segment_id, "a");
  EXPECT_EQ(h.of("cchc", 0)[1].segment_id, "b");
  EXPECT_TRUE(h.of("news", 0).empty());
  EXPECT_EQ(PlayHistory::key("cchc", 1), "cchc#1");
}

TEST(Rotation, StableHashIsFnv1a) {
  EXPECT_EQ(stable_hash(""), 14695981039346656037ull);
  EXPECT_EQ(stable_hash("a"), 0xaf63dc4c8601ec8cull);
}

TEST(Rotation, MismatchedSizesThrow) {
  EXPECT_THROW(choose_segments(Rotation::kAll, 1, kPool, {true}, {}, "x"), std::invalid_argument);
}

}  // namespace
}  // namespace loaxa
