#pragma once
// Why a broadcast did not complete, or why the station did something (issue 12): a stable code
// and its parameters, stored in the log and covered by the audit chain. The words, Vietnamese
// and English, are rendered from the code where someone reads them (CLI, reports, the daemon's
// console); nothing parses them back.

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/text.h"

namespace loaxa {

/// Every reason loaxa writes. The ids (to_string) are stored in logs and bundles: never rename
/// or reuse one; add a new code instead.
enum class ReasonCode {
  // The station was down or stopped.
  kDaemonNotRunning,   ///< daemon_not_running
  kDaemonCrashed,      ///< daemon_crashed [last_checkpoint]
  kStoppedBeforePlay,  ///< stopped_before_play
  kDaemonStopped,      ///< daemon_stopped {signal}
  // Too late to start.
  kWaitedPastGrace,     ///< waited_past_grace {grace}
  kPastGraceClockJump,  ///< past_grace_clock_jump {late_s, grace, jump_s}
  kPastGrace,           ///< past_grace {late_s, grace}
  kReachedLate,         ///< reached_late {late_s} (wording of logs before 0.4)
  // The output device or the amplifier.
  kOutputNotOpened,       ///< output_not_opened {detail}
  kOutputNotStarted,      ///< output_not_started {detail}
  kOutputStalled,         ///< output_stalled {seconds} [output]
  kOutputLost,            ///< output_lost {output}
  kNotPlayedOn,           ///< not_played_on {detail}
  kAmplifierCancelled,    ///< amplifier_cancelled {detail}
  kDeviceNotFound,        ///< device_not_found (station event device_lost)
  kOutputCloseHung,       ///< output_close_hung (station event restart_required)
  kPortAudioReleaseHung,  ///< portaudio_release_hung (station event restart_required)
  // People.
  kOperatorStop,          ///< operator_stop
  kPreemptedByEmergency,  ///< preempted_by_emergency {programme}
  // The recording.
  kCutAtMaxDuration,       ///< cut_at_max_duration {max_duration}
  kDeliveredShort,         ///< delivered_short {delivered, expected} [output, more_outputs]
  kSegmentFileMissing,     ///< segment_file_missing {file}
  kSegmentFileUnreadable,  ///< segment_file_unreadable {file}
  kContentHashMismatch,    ///< content_hash_mismatch {file, found, expected}
  kCannotDecode,           ///< cannot_decode {file, error}
  kDecodeError,            ///< decode_error {file, error}
  kCannotResample,         ///< cannot_resample {file, error}
  kResampleFailed,         ///< resample_failed {file, error}
  kPlayoutError,           ///< playout_error {error}
  // Nothing eligible to play (the planner).
  kNoSegmentWithTag,    ///< no_segment_with_tag {tag}
  kNoApprovedWithTag,   ///< no_approved_with_tag {tag, date}
  kNoValidWithTag,      ///< no_valid_with_tag {tag, date}
  kSegmentNotImported,  ///< segment_not_imported {segment}
  kSegmentRetired,      ///< segment_retired {segment}
  kSegmentNotApproved,  ///< segment_not_approved {segment}
  kSegmentNotValid,     ///< segment_not_valid {segment, date}
  kListNotImported,     ///< list_not_imported
  kListNoneApproved,    ///< list_none_approved {date}
  kListNoneValid,       ///< list_none_valid {date}
  kNothingEligible,     ///< nothing_eligible
  // A text logged before reasons had codes that the v5 migration did not recognise.
  kUnmappedText,  ///< unmapped_text {text}
};

/// Every code, in declaration order (for tests and the migration's checks).
const std::vector<ReasonCode>& all_reason_codes();
/// The stable lowercase id, e.g. "preempted_by_emergency".
const char* to_string(ReasonCode code) noexcept;
/// The code of a stable id; none for an id this version does not know.
std::optional<ReasonCode> reason_code_from_string(std::string_view id);

/// Why a broadcast fell short, grouped as a report's gap list explains it.
enum class Cause {
  kNone,           ///< completed, nothing to explain
  kStationDown,    ///< loaxad was not running, crashed, or was stopped
  kDevice,         ///< the output device or the amplifier failed
  kNothingToPlay,  ///< no approved, valid segment to play
  kLate,           ///< could not start within its grace
  kPreempted,      ///< cut by an emergency broadcast
  kOperator,       ///< stopped by the operator
  kSchedule,       ///< the schedule itself: content longer than the slot's max_duration
  kContent,        ///< the recording itself: undecodable, changed, delivered short
  kOther,          ///< a reason this version does not know
};

/// The cause a report files a reason under: a function of the code alone.
Cause cause_of(ReasonCode code) noexcept;

/// A code with its parameters, in the order they were given. Parameter values are data (a
/// device name, a date, a library's error message) and are carried over untranslated.
struct Reason {
  using Param = std::pair<std::string, std::string>;

  ReasonCode code = ReasonCode::kUnmappedText;
  std::vector<Param> params;

  Reason() = default;
  explicit Reason(ReasonCode c, std::vector<Param> p = {}) : code(c), params(std::move(p)) {}

  /// Appends (or replaces) parameter `name`.
  Reason& with(const std::string& name, std::string value);
  /// The value of `name`, if given.
  const std::string* param(std::string_view name) const;
  bool operator==(const Reason&) const = default;
};

/// The reason in `lang`, e.g. "pre-empted by an emergency broadcast (canh-bao-bao)".
std::string render(const Reason& reason, Lang lang);
/// Both languages.
Text render(const Reason& reason);

/// A UserError whose cause is a Reason (the playout engine's decode failures): what() and
/// text() are rendered from it.
class ReasonError : public UserError {
 public:
  explicit ReasonError(Reason reason) : UserError(render(reason)), reason_(std::move(reason)) {}
  const Reason& reason() const noexcept { return reason_; }

 private:
  Reason reason_;
};

}  // namespace loaxa
