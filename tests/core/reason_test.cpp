// The message catalogue of reasons: every code has its id, its cause and words in both
// languages, with its parameters filled in.

#include "core/reason.h"

#include <gtest/gtest.h>

#include <set>

namespace loaxa {
namespace {

// A parameter value no template contains by itself, so its presence in the output shows it
// was substituted.
std::string value_of(const std::string& name) {
  return name == "date" ? "2026-12-01" : "<" + name + "-value>";
}

TEST(ReasonTest, EveryCodeHasAStableIdThatReadsBack) {
  std::set<std::string> ids;
  for (const ReasonCode c : all_reason_codes()) {
    const std::string id = to_string(c);
    EXPECT_TRUE(ids.insert(id).second) << "id used twice: " << id;
    for (const char ch : id) EXPECT_TRUE((ch >= 'a' && ch <= 'z') || ch == '_') << id;
    EXPECT_EQ(reason_code_from_string(id), c) << id;
  }
  EXPECT_EQ(reason_code_from_string("no_such_code"), std::nullopt);
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(ReasonCode::kUnmappedText) + 1)
      << "a code is missing from the catalogue";
}

TEST(ReasonTest, EveryCodeRendersInBothLanguagesWithItsParameters) {
  for (const ReasonCode c : all_reason_codes()) {
    Reason r(c);
    // Parameters come from the English wording; the variant parameters (output) and the
    // endings (last_checkpoint, ...) are walked below.
    for (const auto& name :
         {"signal", "grace", "late_s", "jump_s", "detail", "seconds", "programme", "max_duration",
          "delivered", "expected", "file", "found", "error", "tag", "date", "segment", "text"}) {
      r.with(name, value_of(name));
    }
    for (const bool variant : {false, true}) {
      Reason x = r;
      if (variant) x.with("output", value_of("output"));
      const Text t = render(x);
      const char* id = to_string(c);
      // output_lost always names its device: it is walked with it.
      if (!variant && t.en.find("{output}") != std::string::npos) continue;
      EXPECT_FALSE(t.vi.empty()) << id;
      EXPECT_FALSE(t.en.empty()) << id;
      EXPECT_NE(t.vi, t.en) << id << ": the Vietnamese is the English";
      // A placeholder left means a parameter this walk does not know, or a typo in a text.
      for (const std::string* s : {&t.vi, &t.en}) {
        EXPECT_EQ(s->find('{'), std::string::npos) << id << ": " << *s;
      }
      // Every parameter the English uses appears in the Vietnamese too.
      for (const auto& [name, value] : x.params) {
        if (t.en.find(value) == std::string::npos) continue;
        const std::string shown = name == "date" ? "01/12/2026" : value;
        EXPECT_NE(t.vi.find(shown), std::string::npos)
            << id << ": {" << name << "} lost in " << t.vi;
      }
    }
    // Without its parameters a reason still renders, showing what is missing.
    EXPECT_NE(render(Reason(c), Lang::kEn), "");
  }
}

TEST(ReasonTest, EndingsAndVariantsFollowTheirParameters) {
  EXPECT_EQ(render(Reason(ReasonCode::kDaemonStopped), Lang::kEn), "loaxad stopped ({signal})");
  Reason stalled(ReasonCode::kOutputStalled);
  stalled.with("seconds", "2");
  EXPECT_EQ(render(stalled, Lang::kEn),
            "output stalled: no audio delivered for 2 s (device gone?)");
  stalled.with("output", "JACK / zone-b (zones thon-b)");
  EXPECT_EQ(render(stalled, Lang::kEn),
            "output JACK / zone-b (zones thon-b) stalled: no audio delivered for 2 s (device "
            "gone?)");
  EXPECT_EQ(render(stalled, Lang::kVi),
            "thiết bị ra JACK / zone-b (vùng thon-b) bị treo: không có âm thanh ra trong 2 giây "
            "(mất thiết bị?)");

  const Reason cut = Reason(ReasonCode::kPreemptedByEmergency)
                         .with("programme", "bao-lu")
                         .with("before_start", "1");
  EXPECT_EQ(render(cut, Lang::kEn),
            "pre-empted by an emergency broadcast (bao-lu) (before the broadcast began)");
  EXPECT_EQ(render(cut, Lang::kVi),
            "bị tin khẩn chen ngang (bao-lu) (trước khi buổi phát bắt đầu)");

  // A `loaxa play` broadcast is logged under the programme id "operator": shown in words.
  const Reason by_play = Reason(ReasonCode::kPreemptedByEmergency).with("programme", "operator");
  EXPECT_EQ(render(by_play, Lang::kVi), "bị tin khẩn chen ngang (phát theo lệnh trực tiếp)");
  EXPECT_EQ(render(by_play, Lang::kEn), "pre-empted by an emergency broadcast (played on request)");

  const Reason crash = Reason(ReasonCode::kDaemonCrashed).with("last_checkpoint", "06:00:10");
  EXPECT_EQ(render(crash, Lang::kEn),
            "loaxad stopped while broadcasting (crash or power cut); last checkpoint 06:00:10");

  const Reason short_on = Reason(ReasonCode::kDeliveredShort)
                              .with("output", "a")
                              .with("delivered", "1")
                              .with("expected", "2")
                              .with("more_outputs", "1");
  EXPECT_EQ(render(short_on, Lang::kEn), "a: delivered 1 of 2 frames (and 1 more output(s))");
}

// The report's causes are a function of the code alone.
TEST(ReasonTest, CauseIsAFunctionOfTheCode) {
  using C = ReasonCode;
  const std::pair<ReasonCode, Cause> table[] = {
      {C::kDaemonNotRunning, Cause::kStationDown},
      {C::kDaemonCrashed, Cause::kStationDown},
      {C::kStoppedBeforePlay, Cause::kStationDown},
      {C::kDaemonStopped, Cause::kStationDown},
      {C::kWaitedPastGrace, Cause::kLate},
      {C::kPastGraceClockJump, Cause::kLate},
      {C::kPastGrace, Cause::kLate},
      {C::kReachedLate, Cause::kLate},
      {C::kOutputNotOpened, Cause::kDevice},
      {C::kOutputNotStarted, Cause::kDevice},
      {C::kOutputStalled, Cause::kDevice},
      {C::kOutputLost, Cause::kDevice},
      {C::kNotPlayedOn, Cause::kDevice},
      {C::kAmplifierCancelled, Cause::kDevice},
      {C::kDeviceNotFound, Cause::kDevice},
      {C::kOutputCloseHung, Cause::kDevice},
      {C::kPortAudioReleaseHung, Cause::kDevice},
      {C::kOperatorStop, Cause::kOperator},
      {C::kPreemptedByEmergency, Cause::kPreempted},
      {C::kCutAtMaxDuration, Cause::kSchedule},
      {C::kDeliveredShort, Cause::kContent},
      {C::kSegmentFileMissing, Cause::kContent},
      {C::kSegmentFileUnreadable, Cause::kContent},
      {C::kContentHashMismatch, Cause::kContent},
      {C::kCannotDecode, Cause::kContent},
      {C::kDecodeError, Cause::kContent},
      {C::kCannotResample, Cause::kContent},
      {C::kResampleFailed, Cause::kContent},
      {C::kPlayoutError, Cause::kContent},
      {C::kNoSegmentWithTag, Cause::kNothingToPlay},
      {C::kNoApprovedWithTag, Cause::kNothingToPlay},
      {C::kNoValidWithTag, Cause::kNothingToPlay},
      {C::kSegmentNotImported, Cause::kNothingToPlay},
      {C::kSegmentRetired, Cause::kNothingToPlay},
      {C::kSegmentNotApproved, Cause::kNothingToPlay},
      {C::kSegmentNotValid, Cause::kNothingToPlay},
      {C::kListNotImported, Cause::kNothingToPlay},
      {C::kListNoneApproved, Cause::kNothingToPlay},
      {C::kListNoneValid, Cause::kNothingToPlay},
      {C::kNothingEligible, Cause::kNothingToPlay},
      {C::kUnmappedText, Cause::kOther},
  };
  ASSERT_EQ(std::size(table), all_reason_codes().size()) << "a code has no expected cause here";
  for (const auto& [code, cause] : table) {
    EXPECT_EQ(cause_of(code), cause) << to_string(code);
    // Whatever its parameters say.
    EXPECT_EQ(cause_of(Reason(code).with("text", "daemon not running").code), cause);
  }
}

}  // namespace
}  // namespace loaxa
