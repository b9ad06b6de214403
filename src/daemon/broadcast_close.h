#pragma once
// How one broadcast's run is closed: from what its outputs did to the outcome, the reason, the
// levels and the dead-air finding the log records. Pure: the daemon reads its engines, sinks and
// clock and hands the facts in; tests hand in tables.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "audio/playout_engine.h"
#include "core/reason.h"
#include "core/time.h"
#include "store/broadcast_log.h"

namespace loaxa {

/// Why a device ended the broadcast before its content did.
enum class DeviceFault {
  kNone,
  kNotStarted,  ///< its stream would not start
  kStalled,     ///< it delivered nothing for the stall limit
  kGone,        ///< its device went away (card unplugged, audio server client gone)
};

/// What one device did during a broadcast, read from its engine and sink when the run ends.
struct DeviceRun {
  std::string label;       ///< "JACK / zone-b", as station events name the device
  std::string name;        ///< as reasons name it: the label, with its zones when it has some
  bool has_zones = false;  ///< the station names zones on this device
  int sample_rate = 48000;
  std::int64_t frames_expected = 0;  ///< at this device's rate
  PlayoutStats stats;
  std::optional<Reason> decode_error;
  std::optional<Instant> first_frame_at;  ///< wall time the first content frame was heard
  std::optional<Instant> last_frame_at;
  DeviceFault fault = DeviceFault::kNone;
  std::string fault_detail;  ///< for kNotStarted: the sink's error
};

/// An end someone asked for: an operator's stop, a signal, an emergency's pre-emption.
struct CutRequest {
  Outcome outcome = Outcome::kStopped;  ///< kStopped or kPreempted
  Reason reason;
  /// Nothing had been heard yet, so the broadcast ended at once instead of fading out.
  bool before_start = false;
};

/// What happened to one broadcast, everything close_broadcast needs.
struct BroadcastRun {
  /// The devices it opened, in order; the first one's rate is the one the log counts frames in.
  std::vector<DeviceRun> devices;
  /// "device: why" for each device it should have played on but could not open.
  std::vector<std::string> unopened;
  /// Each segment's length may be rounded by a frame or two in resampling.
  std::size_t segments = 0;
  std::optional<std::chrono::seconds> max_duration;
  std::optional<CutRequest> cut;
  std::chrono::seconds stall_limit{2};
  double dead_air_seconds = 10.0;  ///< [audio] dead_air_seconds
};

/// What the log gets for a closed broadcast, and what the daemon does next with its devices.
struct ClosedBroadcast {
  BroadcastEnd end;
  std::vector<std::string> silent;  ///< labels of the devices with dead air, for the warning
  std::vector<std::string> failed;  ///< labels of the devices that ended it: now lost
};

/// `frames` at `rate` counted at `log_rate`.
std::int64_t frames_at_rate(std::int64_t frames, int rate, int log_rate) noexcept;

/// The outcome of `run`, closed at `closed_at`. A device's fault fails the whole broadcast
/// (the log keeps one outcome per occurrence, and "failed" must not hide that other villages
/// heard only part of it); then nothing opened; then a requested cut; then, for a run that went
/// to its end: cut at max_duration, a decode error, devices it never played on, a device that
/// delivered other than what was expected; otherwise completed.
ClosedBroadcast close_broadcast(const BroadcastRun& run, Instant closed_at);

}  // namespace loaxa
