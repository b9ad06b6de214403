#include "daemon/broadcast_close.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "core/clock_duration.h"

namespace loaxa {
namespace {

double to_dbfs(double v) {
  return v > 0 ? 20.0 * std::log10(v) : -1000.0;
}

Reason fault_reason(const BroadcastRun& run, const DeviceRun& d) {
  switch (d.fault) {
    case DeviceFault::kNotStarted:
      return Reason(ReasonCode::kOutputNotStarted)
          .with("detail", fmt::format("{}: {}", d.name, d.fault_detail));
    case DeviceFault::kStalled: {
      Reason why = Reason(ReasonCode::kOutputStalled)
                       .with("seconds", std::to_string(run.stall_limit.count()));
      // A station with one plain output has nothing to tell apart.
      if (d.has_zones || run.devices.size() != 1) why.with("output", d.name);
      return why;
    }
    case DeviceFault::kGone:
    case DeviceFault::kNone:
      break;
  }
  return Reason(ReasonCode::kOutputLost).with("output", d.name);
}

}  // namespace

std::int64_t frames_at_rate(std::int64_t frames, int rate, int log_rate) noexcept {
  return rate == log_rate || rate <= 0 ? frames : frames * log_rate / rate;
}

ClosedBroadcast close_broadcast(const BroadcastRun& run, Instant closed_at) {
  ClosedBroadcast closed;
  BroadcastEnd& end = closed.end;
  double squares = 0;
  std::int64_t samples = 0;
  bool truncated = false;
  std::optional<Reason> decode_error;
  std::vector<Reason> short_outputs;
  std::optional<std::int64_t> fewest;
  const DeviceRun* faulty = nullptr;
  const std::int64_t slack = 2 * static_cast<std::int64_t>(run.segments);
  for (const auto& d : run.devices) {
    const auto& stats = d.stats;
    end.underruns += stats.underruns;
    end.peak_dbfs = std::max(end.peak_dbfs, to_dbfs(stats.peak));
    squares += stats.rms * stats.rms * static_cast<double>(stats.frames_delivered);
    samples += stats.frames_delivered;
    const std::int64_t silence_ms =
        d.sample_rate > 0 ? stats.longest_silence_frames * 1000 / d.sample_rate : 0;
    end.longest_silence_ms = std::max(end.longest_silence_ms, silence_ms);
    if (silence_ms > run.dead_air_seconds * 1000) closed.silent.push_back(d.label);
    truncated = truncated || stats.truncated;
    if (!decode_error) decode_error = d.decode_error;
    if (std::llabs(stats.frames_delivered - d.frames_expected) > slack) {
      Reason short_by(ReasonCode::kDeliveredShort);
      if (run.devices.size() != 1) short_by.with("output", d.name);
      short_by.with("delivered", std::to_string(stats.frames_delivered))
          .with("expected", std::to_string(d.frames_expected));
      short_outputs.push_back(std::move(short_by));
    }
    if (d.last_frame_at && stats.frames_delivered > 0) {
      end.ended_at = std::max(end.ended_at.value_or(*d.last_frame_at), *d.last_frame_at);
    }
    if (d.first_frame_at) {
      end.started_at = std::min(end.started_at.value_or(*d.first_frame_at), *d.first_frame_at);
    }
    const std::int64_t f =
        frames_at_rate(stats.frames_delivered, d.sample_rate, run.devices.front().sample_rate);
    fewest = std::min(fewest.value_or(f), f);
    if (d.fault != DeviceFault::kNone) {
      closed.failed.push_back(d.label);
      if (!faulty) faulty = &d;
    }
  }
  end.frames_delivered = fewest.value_or(0);
  if (samples > 0) end.rms_dbfs = to_dbfs(std::sqrt(squares / static_cast<double>(samples)));
  end.dead_air = !closed.silent.empty();
  if (end.frames_delivered == 0) end.ended_at.reset();

  if (faulty) {
    end.outcome = Outcome::kFailed;
    end.why = fault_reason(run, *faulty);
  } else if (run.devices.empty()) {
    end.outcome = Outcome::kFailed;
    end.why = Reason(ReasonCode::kOutputNotOpened).with("detail", join(run.unopened, "; "));
  } else if (run.cut) {
    end.outcome = run.cut->outcome;
    end.why = run.cut->reason;
    if (run.cut->before_start) end.why->with("before_start", "1");
  } else if (truncated) {
    end.outcome = Outcome::kPartial;
    end.why = Reason(ReasonCode::kCutAtMaxDuration)
                  .with("max_duration",
                        clock_duration(run.max_duration.value_or(std::chrono::seconds(0))));
  } else if (decode_error) {
    end.outcome = end.frames_delivered > 0 ? Outcome::kPartial : Outcome::kFailed;
    end.why = decode_error;
  } else if (!run.unopened.empty()) {
    // Heard where its devices worked, not everywhere it was meant for.
    end.outcome = Outcome::kPartial;
    end.why = Reason(ReasonCode::kNotPlayedOn).with("detail", join(run.unopened, "; "));
  } else if (!short_outputs.empty()) {
    end.outcome = Outcome::kPartial;
    end.why = short_outputs.front();
    if (short_outputs.size() > 1) {
      end.why->with("more_outputs", std::to_string(short_outputs.size() - 1));
    }
  } else {
    end.outcome = Outcome::kCompleted;
  }
  end.closed_at = closed_at;
  return closed;
}

}  // namespace loaxa
