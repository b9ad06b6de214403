#include "daemon/station_daemon.h"

#include <fmt/format.h>

#include <cmath>
#include <csignal>
#include <iostream>

#include "config/schedule_file.h"
#include "daemon/wake_policy.h"

namespace loaxa {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;

// How often a playing broadcast is checked; the audio itself never waits on this.
constexpr milliseconds kWatchPeriod{50};
// An output that delivers nothing for this long is dead (unplugged card, audio server gone).
constexpr seconds kStallLimit{2};
// An occurrence the daemon reaches later than this (the wall clock jumped forward, the machine
// was suspended) is logged as missed rather than played at the wrong time.
constexpr std::chrono::minutes kGrace{10};
// How far ahead the daemon plans.
constexpr auto kPlanHorizon = std::chrono::hours(24 * 8);

double to_dbfs(double v) {
  return v > 0 ? 20.0 * std::log10(v) : -1000.0;
}

std::string duration_text(double s) {
  const long total = std::lround(s);
  return fmt::format("{}:{:02}", total / 60, total % 60);
}

}  // namespace

StationDaemon::StationDaemon(boost::asio::io_context& io, const Clock& clock, StationConfig config,
                             DaemonOptions options)
    : io_(io),
      clock_(clock),
      config_(std::move(config)),
      options_(options),
      wake_timer_(io),
      watch_timer_(io),
      signals_(io, SIGINT, SIGTERM) {}

StationDaemon::~StationDaemon() = default;

void StationDaemon::say(const Text& t) const {
  std::cout << t.in(options_.lang) << std::endl;
}

void StationDaemon::start() {
  zone_ = find_zone(config_.timezone);
  db_ = open_database(config_.database);
  log_ = std::make_unique<BroadcastLog>(*db_);
  segments_ = std::make_unique<SegmentRepository>(*db_);

  auto loaded = load_schedules(config_.schedules_dir, segments_->all());
  std::string invalid;
  for (const auto& p : loaded.problems) {
    if (p.kind == ScheduleProblem::Kind::kInvalid) {
      invalid += "\n  " + p.format(options_.lang);
    } else {
      // A tag nobody carries yet is not fatal: that occurrence is logged as missed, with its
      // reason, and the rest of the programme plays.
      say({"loaxad: cảnh báo: " + p.format(Lang::kVi), "loaxad: warning: " + p.format(Lang::kEn)});
    }
  }
  if (!invalid.empty()) {
    throw UserError({fmt::format("lịch phát có lỗi, loaxad không khởi động:{}", invalid),
                     fmt::format("the schedules have errors; loaxad does not start:{}", invalid)});
  }
  programmes_ = std::move(loaded.programmes);

  std::string output;
  if (options_.rehearsal) {
    output = fmt::format("DIỄN TẬP / REHEARSAL → {}", config_.rehearsal_dir.string());
  } else {
    portaudio_ = std::make_unique<PortAudioSystem>("loaxad");
    device_ = portaudio_->find(config_.host_api, config_.device);
    output = device_.label();
  }

  close_crashed_entries();
  handled_until_ = clock_.now();

  say({fmt::format("loaxad: đài \"{}\" ({})", config_.station_name, config_.timezone),
       fmt::format("loaxad: station \"{}\" ({})", config_.station_name, config_.timezone)});
  say({fmt::format("  đầu ra: {}", output), fmt::format("  output: {}", output)});
  say({fmt::format("  cơ sở dữ liệu: {}", config_.database.string()),
       fmt::format("  database: {}", config_.database.string())});
  const Instant now = clock_.now();
  auto plan = expand(programmes_, segments_->all(), now, now + kPlanHorizon, zone_);
  say({"  các lần phát sắp tới:", "  next broadcasts:"});
  if (plan.empty()) say({"    (không có trong 8 ngày tới)", "    (none in the next 8 days)"});
  for (std::size_t i = 0; i < plan.size() && i < 5; ++i) {
    const auto& o = plan[i];
    say({fmt::format("    {}  {}  {} đoạn, {}", format_local(o.scheduled_at, zone_), o.programme_id,
                     o.segments.size(), duration_text(o.total_seconds)),
         fmt::format("    {}  {}  {} segment(s), {}", format_local(o.scheduled_at, zone_),
                     o.programme_id, o.segments.size(), duration_text(o.total_seconds))});
  }

  signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
    if (!ec) on_signal(sig);
  });
  plan_and_arm();
}

void StationDaemon::close_crashed_entries() {
  for (const auto& e : log_->open_entries()) {
    BroadcastEnd end;
    end.outcome = Outcome::kInterrupted;
    end.reason = "loaxad stopped while broadcasting (crash or power cut)";
    end.closed_at = clock_.now();
    log_->close(e.id, end);
  }
}

void StationDaemon::plan_and_arm() {
  if (stopping_) return;
  const Instant now = clock_.now();
  auto plan =
      expand(programmes_, segments_->all(), handled_until_ - seconds(1), now + kPlanHorizon, zone_);
  next_ = first_after(plan, handled_until_);
  const Instant wake_at =
      next_ ? next_->scheduled_at - std::chrono::duration_cast<microseconds>(
                                        std::chrono::duration<double>(config_.open_ahead_seconds))
            : now + std::chrono::hours(1);
  wake_timer_.expires_after(next_wait(now, wake_at));
  wake_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) on_wake();
  });
}

void StationDaemon::on_wake() {
  if (stopping_ || current_) return;
  const Instant now = clock_.now();
  const auto ahead = std::chrono::duration_cast<microseconds>(
      std::chrono::duration<double>(config_.open_ahead_seconds));
  if (next_ && now > next_->scheduled_at + kGrace) {
    const auto late = std::chrono::duration_cast<seconds>(now - next_->scheduled_at).count();
    begin(*next_, fmt::format("missed: the daemon reached it {} s late (wall clock jumped "
                              "forward, or the machine was suspended)",
                              late));
    return;
  }
  if (next_ && now >= next_->scheduled_at - ahead) {
    begin(*next_, "");
    return;
  }
  plan_and_arm();
}

std::unique_ptr<Sink> StationDaemon::make_sink(const Occurrence& o) {
  if (options_.rehearsal) {
    date::zoned_time<seconds> zt{zone_, std::chrono::floor<seconds>(o.scheduled_at)};
    auto name =
        date::format("%Y-%m-%dT%H%M%S", zt.get_local_time()) + "-" + o.programme_id + ".wav";
    return std::make_unique<WavFileSink>(config_.rehearsal_dir / name, 48000, config_.channels);
  }
  return std::make_unique<PortAudioSink>(device_, config_.channels);
}

void StationDaemon::begin(const Occurrence& o, const std::string& missed_reason) {
  auto b = std::make_unique<Broadcast>();
  b->occurrence = o;
  BroadcastStart start;
  start.occurrence_key = o.key();
  start.programme_id = o.programme_id;
  start.slot_index = o.slot_index;
  for (const auto& s : o.segments) {
    start.segment_ids.push_back(s.id);
    start.segment_hashes.push_back(s.sha256);
  }
  start.scheduled_at = o.scheduled_at;

  std::string open_error;
  if (missed_reason.empty() && !o.segments.empty()) {
    try {
      b->sink = make_sink(o);
    } catch (const UserError& e) {
      open_error = e.text().en;
    }
  }
  start.output = options_.rehearsal ? "rehearsal" : "portaudio";
  start.device = b->sink ? b->sink->device() : (options_.rehearsal ? "" : device_.label());
  start.sample_rate = b->sink ? b->sink->sample_rate() : 0;
  b->frames_expected =
      expected_frames(o.segments, start.sample_rate > 0 ? start.sample_rate : 48000);
  start.frames_expected = b->frames_expected;
  start.opened_at = clock_.now();
  // Written before the first sample can play, so even a crash mid-broadcast leaves a trace.
  b->log_id = log_->open(start);
  current_ = std::move(b);

  if (!missed_reason.empty()) {
    finish(Outcome::kMissed, missed_reason);
    return;
  }
  if (o.segments.empty()) {
    finish(Outcome::kMissed, "nothing to play: no segment matches the slot's play = ...");
    return;
  }
  if (!current_->sink) {
    finish(Outcome::kFailed, "output could not be opened: " + open_error);
    return;
  }
  std::vector<PlayItem> items;
  for (const auto& s : o.segments) items.push_back({config_.library / s.library_path, s.gain_db});
  current_->engine = std::make_unique<PlayoutEngine>(
      std::move(items), current_->sink->sample_rate(), current_->sink->channels());
  current_->engine->start();
  try {
    current_->sink->start(*current_->engine, o.scheduled_at);
  } catch (const UserError& e) {
    finish(Outcome::kFailed, "output could not be started: " + e.text().en);
    return;
  }
  current_->last_progress = o.scheduled_at;
  say({fmt::format("loaxad: chuẩn bị phát {} lúc {} ({} đoạn, {})", o.programme_id,
                   format_local(o.scheduled_at, zone_), o.segments.size(),
                   duration_text(o.total_seconds)),
       fmt::format("loaxad: about to play {} at {} ({} segment(s), {})", o.programme_id,
                   format_local(o.scheduled_at, zone_), o.segments.size(),
                   duration_text(o.total_seconds))});
  watch();
}

void StationDaemon::watch() {
  watch_timer_.expires_after(kWatchPeriod);
  watch_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || !current_) return;
    auto& b = *current_;
    if (b.engine->finished()) {
      finish(std::nullopt, "");
      return;
    }
    const Instant now = clock_.now();
    const auto delivered = b.engine->stats().frames_delivered;
    if (delivered != b.last_frames) {
      b.last_frames = delivered;
      b.last_progress = now;
    } else if (now > b.occurrence.scheduled_at && now - b.last_progress > kStallLimit) {
      finish(Outcome::kFailed,
             fmt::format("output stalled: no audio delivered for {} s (device gone?)",
                         kStallLimit.count()));
      return;
    }
    watch();
  });
}

void StationDaemon::finish(std::optional<Outcome> forced, const std::string& forced_reason) {
  auto b = std::move(current_);
  if (b->sink) b->sink->stop();
  BroadcastEnd end;
  if (b->engine) {
    const auto stats = b->engine->stats();
    end.frames_delivered = stats.frames_delivered;
    end.underruns = stats.underruns;
    end.peak_dbfs = to_dbfs(stats.peak);
    end.rms_dbfs = to_dbfs(stats.rms);
  }
  if (b->sink) {
    end.started_at = b->sink->first_frame_at();
    if (end.frames_delivered > 0) end.ended_at = b->sink->last_frame_at();
  }
  if (forced) {
    end.outcome = *forced;
    end.reason = forced_reason;
  } else if (b->stop_reason) {
    end.outcome = Outcome::kStopped;
    end.reason = *b->stop_reason;
  } else if (!b->engine->decode_error().empty()) {
    end.outcome = end.frames_delivered > 0 ? Outcome::kPartial : Outcome::kFailed;
    end.reason = b->engine->decode_error();
  } else {
    // The resampler may round each segment's length by a frame.
    const std::int64_t slack = 2 * static_cast<std::int64_t>(b->occurrence.segments.size());
    if (std::llabs(end.frames_delivered - b->frames_expected) <= slack) {
      end.outcome = Outcome::kCompleted;
    } else {
      end.outcome = Outcome::kPartial;
      end.reason =
          fmt::format("delivered {} of {} frames", end.frames_delivered, b->frames_expected);
    }
  }
  end.closed_at = clock_.now();
  log_->close(b->log_id, end);

  const std::string started =
      end.started_at ? format_iso(*end.started_at, zone_) : std::string("-");
  say({fmt::format("loaxad: {} {} — {} (bắt đầu {}, {} khung){}", b->occurrence.programme_id,
                   format_local(b->occurrence.scheduled_at, zone_), to_string(end.outcome), started,
                   end.frames_delivered, end.reason.empty() ? "" : ": " + end.reason),
       fmt::format("loaxad: {} {} — {} (started {}, {} frames){}", b->occurrence.programme_id,
                   format_local(b->occurrence.scheduled_at, zone_), to_string(end.outcome), started,
                   end.frames_delivered, end.reason.empty() ? "" : ": " + end.reason)});

  handled_until_ = std::max(handled_until_, b->occurrence.scheduled_at);
  b.reset();
  if (stopping_) {
    io_.stop();
    return;
  }
  plan_and_arm();
}

void StationDaemon::on_signal(int sig) {
  stopping_ = true;
  wake_timer_.cancel();
  const char* name = sig == SIGINT ? "SIGINT" : "SIGTERM";
  say({fmt::format("loaxad: nhận {}, dừng", name),
       fmt::format("loaxad: {} received, stopping", name)});
  if (!current_) {
    io_.stop();
    return;
  }
  current_->stop_reason = fmt::format("loaxad stopped ({})", name);
  if (!current_->engine || !current_->sink || !current_->sink->first_frame_at()) {
    // Nothing has been heard yet: end now rather than fade silence.
    watch_timer_.cancel();
    finish(Outcome::kStopped, *current_->stop_reason + " before the broadcast began");
    return;
  }
  // The fade runs in the audio callback; watch() sees the engine finish and closes the entry.
  current_->engine->request_fade();
}

}  // namespace loaxa
