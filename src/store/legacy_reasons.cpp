#include "store/legacy_reasons.h"

#include <SQLiteCpp/Statement.h>

#include <chrono>
#include <regex>
#include <vector>

#include "store/audit_chain.h"
#include "store/broadcast_log.h"

namespace loaxa {
namespace {

struct Pattern {
  std::regex en;
  ReasonCode code;
  std::vector<const char*> params;  ///< the name of each captured part, in order
};

// Every text station_daemon.cpp, broadcast_queue.cpp, the playout engine and the planner wrote
// before reasons had codes, oldest wordings included.
const std::vector<Pattern>& patterns() {
  static const std::vector<Pattern> list = [] {
    const auto re = [](const char* s) { return std::regex(s, std::regex::ECMAScript); };
    using C = ReasonCode;
    return std::vector<Pattern>{
        {re(R"re(daemon not running)re"), C::kDaemonNotRunning, {}},
        {re(R"re(loaxad stopped while broadcasting \(crash or power cut\))re"),
         C::kDaemonCrashed,
         {}},
        {re(R"re(loaxad was stopped before it could play)re"), C::kStoppedBeforePlay, {}},
        {re(R"re(loaxad stopped \((.*)\))re"), C::kDaemonStopped, {"signal"}},
        {re(R"re(waited past its grace \(([\d:]+)\) behind another broadcast)re"),
         C::kWaitedPastGrace,
         {"grace"}},
        {re(R"re(reached (\d+) s late, past its grace \(([\d:]+)\): the wall clock jumped forward (\d+) s)re"),
         C::kPastGraceClockJump,
         {"late_s", "grace", "jump_s"}},
        {re(R"re(reached (\d+) s late, past its grace \(([\d:]+)\): the machine was suspended or the daemon was held up)re"),
         C::kPastGrace,
         {"late_s", "grace"}},
        {re(R"re(the daemon reached it (\d+) s late \(wall clock jumped forward, or the machine was suspended\))re"),
         C::kReachedLate,
         {"late_s"}},
        {re(R"re(output could not be opened: (.*))re"), C::kOutputNotOpened, {"detail"}},
        {re(R"re(output could not be started: (.*))re"), C::kOutputNotStarted, {"detail"}},
        {re(R"re(output stalled: no audio delivered for (\d+) s \(device gone\?\))re"),
         C::kOutputStalled,
         {"seconds"}},
        {re(R"re(output (.*) stalled: no audio delivered for (\d+) s \(device gone\?\))re"),
         C::kOutputStalled,
         {"output", "seconds"}},
        {re(R"re(output (.*) lost: the device went away)re"), C::kOutputLost, {"output"}},
        {re(R"re(not played on (.*))re"), C::kNotPlayedOn, {"detail"}},
        {re(R"re(cancelled: the amplifier's 'before' command failed \((.*)\))re"),
         C::kAmplifierCancelled,
         {"detail"}},
        {re(R"re(stopped by the operator \(loaxa stop\))re"), C::kOperatorStop, {}},
        {re(R"re(pre-empted by an emergency broadcast \((.*)\))re"),
         C::kPreemptedByEmergency,
         {"programme"}},
        {re(R"re(longer than the slot's max_duration \((.*)\); faded out)re"),
         C::kCutAtMaxDuration,
         {"max_duration"}},
        {re(R"re(delivered (\d+) of (\d+) frames)re"),
         C::kDeliveredShort,
         {"delivered", "expected"}},
        {re(R"re((.*): delivered (\d+) of (\d+) frames)re"),
         C::kDeliveredShort,
         {"output", "delivered", "expected"}},
        {re(R"re((.*): the segment's file is missing from the library)re"),
         C::kSegmentFileMissing,
         {"file"}},
        {re(R"re((.*): the segment's file in the library cannot be read \(check its permissions and the disk\))re"),
         C::kSegmentFileUnreadable,
         {"file"}},
        {re(R"re((.*): the segment's file changed after import \(sha256 (\w+) instead of (\w+)\); not played — import the approved recording again)re"),
         C::kContentHashMismatch,
         {"file", "found", "expected"}},
        {re(R"re((.*): cannot decode audio \((.*)\))re"), C::kCannotDecode, {"file", "error"}},
        {re(R"re((.*): decode error \((.*)\))re"), C::kDecodeError, {"file", "error"}},
        {re(R"re((.*): cannot resample \((.*)\))re"), C::kCannotResample, {"file", "error"}},
        {re(R"re((.*): resampling failed \((.*)\))re"), C::kResampleFailed, {"file", "error"}},
        {re(R"re(no imported segment has tag "(.*)")re"), C::kNoSegmentWithTag, {"tag"}},
        {re(R"re(no approved segment with tag "(.*)" valid on (\S+))re"),
         C::kNoApprovedWithTag,
         {"tag", "date"}},
        {re(R"re(no segment with tag "(.*)" valid on (\S+))re"),
         C::kNoValidWithTag,
         {"tag", "date"}},
        {re(R"re(segment "(.*)" is not imported)re"), C::kSegmentNotImported, {"segment"}},
        {re(R"re(segment "(.*)" is retired)re"), C::kSegmentRetired, {"segment"}},
        {re(R"re(segment "(.*)" is not approved)re"), C::kSegmentNotApproved, {"segment"}},
        {re(R"re(segment "(.*)" is not valid on (\S+))re"),
         C::kSegmentNotValid,
         {"segment", "date"}},
        {re(R"re(none of the listed segments is imported)re"), C::kListNotImported, {}},
        {re(R"re(no listed segment is approved and valid on (\S+))re"),
         C::kListNoneApproved,
         {"date"}},
        {re(R"re(no listed segment is valid on (\S+))re"), C::kListNoneValid, {"date"}},
        {re(R"re(nothing to play: no eligible segment)re"), C::kNothingEligible, {}},
    };
  }();
  return list;
}

constexpr std::string_view kBeforeStart = " (before the broadcast began)";
constexpr std::string_view kLastCheckpoint = "; last checkpoint ";

}  // namespace

Reason legacy_reason(std::string_view logged) {
  // Endings the daemon appended to another reason.
  if (logged.size() > kBeforeStart.size() && logged.ends_with(kBeforeStart)) {
    Reason r = legacy_reason(logged.substr(0, logged.size() - kBeforeStart.size()));
    if (r.code != ReasonCode::kUnmappedText) return r.with("before_start", "1");
  }
  if (const auto at = logged.rfind(kLastCheckpoint); at != std::string_view::npos) {
    Reason r = legacy_reason(logged.substr(0, at));
    if (r.code != ReasonCode::kUnmappedText) {
      return r.with("last_checkpoint", std::string(logged.substr(at + kLastCheckpoint.size())));
    }
  }
  const std::string text(logged);
  std::smatch m;
  for (const auto& p : patterns()) {
    if (!std::regex_match(text, m, p.en)) continue;
    Reason r(p.code);
    for (std::size_t i = 0; i < p.params.size(); ++i) r.with(p.params[i], m[i + 1].str());
    return r;
  }
  // The oldest wording of waited_past_grace: its grace in whole minutes.
  static const std::regex minutes(
      R"re(waited past its grace \((\d+) min\) behind another broadcast)re");
  if (std::regex_match(text, m, minutes)) {
    return Reason(ReasonCode::kWaitedPastGrace).with("grace", m[1].str() + ":00");
  }
  return Reason(ReasonCode::kUnmappedText).with("text", text);
}

void map_logged_reasons(SQLite::Database& db) {
  const auto now =
      std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
  const Instant at{now.time_since_epoch()};
  struct Logged {
    std::int64_t id;
    std::string text;
  };
  std::vector<Logged> rows;
  {
    SQLite::Statement q(db,
                        "SELECT o.broadcast_id, o.reason FROM broadcast_outcomes o "
                        "WHERE o.outcome <> 'completed' AND NOT EXISTS (SELECT 1 FROM "
                        "broadcast_reasons r WHERE r.broadcast_id = o.broadcast_id) "
                        "ORDER BY o.written_at_us, o.broadcast_id");
    while (q.executeStep()) rows.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getString()});
  }
  // Chained now, when they are written: their at_us is the migration's, not the outcome's, so
  // the chain's times stay those of the writes.
  for (const auto& r : rows) {
    ChainedWrite write(db);
    insert_reason(db, r.id, legacy_reason(r.text), true, at);
    write.commit();
  }
}

}  // namespace loaxa
