// The reasons a report explains, as their producers really write them.

#include "audit/report_text.h"

#include <gtest/gtest.h>

#include "daemon/broadcast_queue.h"

namespace loaxa {
namespace {

// The reasons the daemon's decisions really produce: each has a cause and Vietnamese words of
// its own, from its code.
TEST(ReportTextTest, ExplainsTheQueueDecisionsFromTheirCodes) {
  const Instant t0{std::chrono::hours(24 * 20000)};
  Occurrence o;
  o.scheduled_at = t0;
  o.grace = std::chrono::minutes(10);
  const PendingBroadcast item = scheduled_item(o);
  std::vector<Reason> reasons;

  BroadcastQueue queue;
  queue.push(item);
  std::vector<Dropped> missed;
  queue.pop(t0 + std::chrono::minutes(11), missed);
  ASSERT_EQ(missed.size(), 1u);
  reasons.push_back(missed[0].reason);

  DueFacts jumped;
  jumped.last_jump = ClockJump{std::chrono::minutes(30), t0 + std::chrono::minutes(20)};
  reasons.push_back(*decide_due(item, t0 + std::chrono::minutes(20), jumped).reason);
  reasons.push_back(*decide_due(item, t0 + std::chrono::minutes(20), DueFacts{}).reason);
  reasons.push_back(*decide_catch_up(item, t0 + std::chrono::minutes(20), false).reason);

  for (const auto& reason : reasons) {
    const auto r = explain_reason(reason);
    EXPECT_NE(r.cause, Cause::kOther) << to_string(reason.code);
    EXPECT_NE(r.text.vi, r.text.en) << "left in English: " << r.text.en;
  }
  EXPECT_EQ(explain_reason(reasons.back()).cause, Cause::kStationDown);
}

// A code in the log wins over its English text: nothing is read back out of the prose.
TEST(ReportTextTest, TheCodeDecidesNotTheText) {
  ReasonTranslator translator;
  const auto r = translator.explain(Reason(ReasonCode::kOperatorStop), "daemon not running");
  EXPECT_EQ(r.cause, Cause::kOperator);
  EXPECT_EQ(r.text.en, "stopped by the operator (loaxa stop)");
}

}  // namespace
}  // namespace loaxa
