// The fixed values of the log have words in both languages: every outcome the store knows and
// every priority, so no console line, status or report shows a bare identifier.

#include "core/words.h"

#include <gtest/gtest.h>

#include "core/programme.h"
#include "store/broadcast_log.h"

namespace loaxa {
namespace {

TEST(Words, EveryOutcomeHasVietnameseAndEnglish) {
  // kPreempted is the last enumerator (store/broadcast_log.h).
  for (int i = 0; i <= static_cast<int>(Outcome::kPreempted); ++i) {
    const std::string id = to_string(static_cast<Outcome>(i));
    const Text t = outcome_text(id);
    EXPECT_FALSE(t.vi.empty()) << id;
    EXPECT_FALSE(t.en.empty()) << id;
    EXPECT_NE(t.vi, id) << id << " is shown untranslated in Vietnamese";
    EXPECT_NE(t.vi, t.en) << id;
  }
  EXPECT_EQ(outcome_text("completed").vi, "đã phát trọn vẹn");
  EXPECT_EQ(outcome_text("no-such-outcome").en, "no-such-outcome");
}

TEST(Words, EveryPriorityHasVietnameseAndEnglish) {
  for (const Priority p : {Priority::kNormal, Priority::kPriority, Priority::kEmergency}) {
    const std::string id = to_string(p);
    const Text t = priority_text(id);
    EXPECT_NE(t.vi, id) << id;
    EXPECT_NE(t.vi, t.en) << id;
  }
}

}  // namespace
}  // namespace loaxa
