#pragma once
// The words of a report: outcomes, verdicts and the log's reasons in Vietnamese and English.
// The log records reasons in English (one text for every station, whatever its language); a
// report translates the ones loaxa writes, by pattern, and keeps any other text as it is.

#include <string>
#include <string_view>
#include <unordered_map>

#include "core/text.h"

namespace loaxa {

/// Why a broadcast fell short, grouped as the gap list explains it.
enum class Cause {
  kNone,           ///< completed, nothing to explain
  kStationDown,    ///< loaxad was not running, crashed, or was stopped
  kDevice,         ///< the output device or the amplifier failed
  kNothingToPlay,  ///< no approved, valid segment to play
  kLate,           ///< could not start within its grace
  kPreempted,      ///< cut by an emergency broadcast
  kOperator,       ///< stopped by the operator
  kContent,        ///< the recording itself: cut at max_duration, undecodable, short
  kOther,          ///< a text this version does not know
};

/// "missed" -> {"bỏ lỡ", "missed"}; "open" is a broadcast with no outcome yet.
Text outcome_text(std::string_view outcome);
/// The heading of a cause in the gap list.
Text cause_text(Cause cause);

struct ReasonText {
  Cause cause = Cause::kNone;
  Text text;  ///< `vi` translated when the pattern is known, else the logged text
};

/// Translates and classifies reasons, remembering those already seen (a year of a province's
/// logs repeats a few hundred texts).
class ReasonTranslator {
 public:
  const ReasonText& explain(const std::string& logged);

 private:
  std::unordered_map<std::string, ReasonText> seen_;
};

/// explain() without the memory.
ReasonText explain_reason(std::string_view logged);

}  // namespace loaxa
