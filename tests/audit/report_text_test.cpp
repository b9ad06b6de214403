// The reasons the report translates, as their producers really word them.

#include "audit/report_text.h"

#include <gtest/gtest.h>

#include "daemon/broadcast_queue.h"

namespace loaxa {
namespace {

// The reasons as the daemon's decisions really word them, so a change of wording there that
// the report does not follow fails here rather than reaching an inspector in English.
TEST(ReportTextTest, TranslatesTheQueueDecisionsOwnWords) {
  const Instant t0{std::chrono::hours(24 * 20000)};
  Occurrence o;
  o.scheduled_at = t0;
  o.grace = std::chrono::minutes(10);
  const PendingBroadcast item = scheduled_item(o);
  std::vector<std::string> reasons;

  BroadcastQueue queue;
  queue.push(item);
  std::vector<Dropped> missed;
  queue.pop(t0 + std::chrono::minutes(11), missed);
  ASSERT_EQ(missed.size(), 1u);
  reasons.push_back(missed[0].reason);

  DueFacts jumped;
  jumped.last_jump = ClockJump{std::chrono::minutes(30), t0 + std::chrono::minutes(20)};
  reasons.push_back(decide_due(item, t0 + std::chrono::minutes(20), jumped).reason);
  reasons.push_back(decide_due(item, t0 + std::chrono::minutes(20), DueFacts{}).reason);
  reasons.push_back(decide_catch_up(item, t0 + std::chrono::minutes(20), false).reason);

  for (const auto& reason : reasons) {
    const auto r = explain_reason(reason);
    EXPECT_NE(r.cause, Cause::kOther) << reason;
    EXPECT_NE(r.text.vi, reason) << "left in English: " << reason;
  }
}

}  // namespace
}  // namespace loaxa
