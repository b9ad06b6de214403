#include "daemon/station_daemon.h"

#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <cctype>
#include <cmath>
#include <csignal>
#include <future>
#include <iostream>
#include <thread>

#include "audit/checkpoint.h"
#include "audit/witness.h"
#include "config/holiday_file.h"
#include "config/schedule_file.h"
#include "core/clock_duration.h"
#include "core/words.h"
#include "daemon/log_priority.h"
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
// Pre-emption fade (the issue allows at most 0.5 s).
constexpr double kFadeSeconds = 0.3;
// PortAudio is taken this long before a broadcast's output is opened (and kept when the next
// one is due within about twice that): on a loaded machine initialising it (a JACK client, the
// ALSA device list) can take longer than open_ahead leaves.
constexpr seconds kHoldAhead{10};
// The longest the event loop waits for an output to close or PortAudio to re-initialise.
constexpr milliseconds kCloseLimit{1500};
// Progress checkpoints while a broadcast plays, and the liveness heartbeat when idle: both bound
// what a crash or power cut can leave unknown.
constexpr seconds kCheckpointPeriod{2};
constexpr std::chrono::minutes kHeartbeatPeriod{5};
// Signed checkpoints of the audit chain at least this often while the daemon runs.
constexpr std::chrono::hours kDailyCheckpoint{24};
// How often log writes that wait for disk space are retried.
constexpr seconds kLogRetryPeriod{5};
// After downtime, occurrences this far before the last sign of life are checked too.
constexpr std::chrono::minutes kCatchUpMargin{10};
// Rotation continues from what the log shows for this long.
// How far ahead the daemon plans.
constexpr auto kPlanHorizon = std::chrono::hours(24 * 8);

/// Runs `work` on a thread of its own and waits at most `limit` for it: a PortAudio call that
/// talks to an audio server which went away can block forever. False when it did not finish in
/// time; the thread is then left to finish, or not, on its own, with what `work` owns.
template <class Work>
bool finishes_within(milliseconds limit, Work work) {
  auto done = std::make_shared<std::promise<void>>();
  auto finished = done->get_future();
  std::thread([work = std::move(work), done]() mutable {
    work();
    done->set_value();
  }).detach();
  return finished.wait_for(limit) == std::future_status::ready;
}

/// "cchc, khung giờ 1", or the words for a `loaxa play` broadcast.
Text what_text(const Occurrence& o) {
  if (o.programme_id == "operator") return operator_play_text();
  return programme_slot_text(o.programme_id, o.slot_index);
}

/// "JACK / zone-b (zones thon-bac)", or the label alone for a station without zones.
std::string output_name(const OutputSpec& spec) {
  if (spec.zones.empty()) return spec.label();
  return fmt::format("{} (zones {})", spec.label(), join(spec.zones));
}

/// A file-name-safe form of a device label: "JACK / zone-b" -> "JACK-zone-b".
std::string file_part(const OutputSpec& spec) {
  std::string out;
  for (char c : spec.host_api + "-" + spec.device) {
    out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.') ? c : '_';
  }
  return out;
}

/// The first zone on `d` that names a channel the device's stream will not have: the stream has
/// [audio] channels, or fewer when the device has fewer.
std::optional<Text> channels_problem(const StationConfig& c, const OutputDevice& d) {
  const int have = std::min(c.channels, d.max_output_channels);
  for (const auto& z : c.zones) {
    if (z.device_label() != d.label()) continue;
    for (int ch : z.channels) {
      if (ch <= have) continue;
      return Text{fmt::format("{}: vùng \"{}\" dùng kênh {} nhưng thiết bị {} chỉ có {} kênh ra; "
                              "chọn kênh từ 1 đến {} hoặc một thiết bị khác",
                              z.where, z.name, ch, d.label(), have, have),
                  fmt::format("{}: zone \"{}\" uses channel {} but device {} has {} output "
                              "channel(s); use channels 1 to {} or another device",
                              z.where, z.name, ch, d.label(), have, have)};
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<Priority> priority_from(const std::string& s) noexcept {
  if (s == "normal") return Priority::kNormal;
  if (s == "priority") return Priority::kPriority;
  if (s == "emergency") return Priority::kEmergency;
  return std::nullopt;
}

StationDaemon::StationDaemon(boost::asio::io_context& io, const Clock& clock, StationConfig config,
                             DaemonOptions options)
    : io_(io),
      clock_(clock),
      config_(std::move(config)),
      options_(options),
      wake_timer_(io),
      watch_timer_(io),
      signals_(io, SIGINT, SIGTERM),
      hangup_(io, SIGHUP) {}

StationDaemon::~StationDaemon() = default;

void StationDaemon::say(const Text& t, LogPriority priority) const {
  static const bool journal = is_journal_stream(STDOUT_FILENO);
  std::cout << with_priority(t.in(options_.lang), priority, journal) << std::endl;
}

void StationDaemon::start() {
  zone_ = station_time_zone(config_);
  db_ = open_database(config_.database);
  journal_ = std::make_unique<LogJournal>(*db_, [this] {
    say({"loaxad: không ghi được nhật ký (" + journal_->error() +
             "); vẫn phát, các mục được giữ trong bộ nhớ và ghi lại khi có chỗ",
         "loaxad: cannot write the log (" + journal_->error() +
             "); playing on, entries are kept in memory and written when space returns"},
        LogPriority::kErr);
    retry_log_writes();
  });
  log_ = std::make_unique<BroadcastLog>(*db_, *journal_);
  segments_ = std::make_unique<SegmentRepository>(*db_);

  events_ = std::make_unique<StationEvents>(*db_, *journal_);
  key_ = StationKey::load_or_create(config_.keys);
  // A database older than what loaxad signed (a copy put back), or rewritten since: said at
  // once, and nothing is signed until it is resolved; broadcasts go on.
  if (auto problem = chain_problem()) raise_chain_alarm(*problem);
  auto loaded = load_schedules_for(config_);
  if (!loaded.valid()) {
    std::string vi, en;
    for (const auto& p : loaded.invalid()) {
      vi += "\n  " + p.format(Lang::kVi);
      en += "\n  " + p.format(Lang::kEn);
    }
    throw UserError({"lịch phát có lỗi, phần mềm phát thanh (loaxad) không khởi động:" + vi,
                     "the schedules have errors; loaxad does not start:" + en});
  }
  plan_ = StationPlan(std::move(loaded.programmes), std::move(loaded.options), zone_);

  if (options_.rehearsal) {
    output_label_ = fmt::format("rehearsal → {}", config_.rehearsal_dir.string());
  } else {
    portaudio_ = std::make_unique<PortAudioSystem>("loaxad");
    output_.take();
    std::vector<std::string> labels;
    for (const auto& spec : output_specs(config_)) {
      // A zone's own device is named by the zone's line; the rest are [audio]'s.
      std::string key = "[audio] host_api, device";
      for (const auto& z : config_.zones) {
        if (z.device_label() == spec.label() &&
            (z.device != config_.device || z.host_api != config_.host_api)) {
          key = fmt::format("{}: [zones] {}", z.where, z.name);
          break;
        }
      }
      const OutputDevice d = portaudio_->find(spec.host_api, spec.device, key);
      if (auto problem = channels_problem(config_, d)) throw UserError(*problem);
      devices_[spec.label()] = d;
      labels.push_back(spec.label());
    }
    output_label_ = join(labels);
  }
  import_worker_ = std::make_unique<boost::asio::thread_pool>(1);
  control_ = std::make_unique<ControlServer>(
      io_, config_.control_socket, [this](ControlRequest r, const ControlServer::Reply& reply) {
        handle_request(std::move(r), reply);
      });

  close_crashed_entries();
  const Instant started = clock_.now();
  const auto last_alive = events_->last_of({"daemon_started", "daemon_alive", "daemon_stopped"});
  events_->append("daemon_started", started,
                  {{"output", options_.rehearsal ? "rehearsal" : "portaudio"},
                   {"device", output_label_},
                   {"station", config_.station_name}});
  handled_.mark_through(started);

  say({fmt::format("loaxad: đài \"{}\" ({})", config_.station_name, config_.timezone),
       fmt::format("loaxad: station \"{}\" ({})", config_.station_name, config_.timezone)});
  say({fmt::format("  đầu ra: {}",
                   options_.rehearsal ? "DIỄN TẬP / " + output_label_ : output_label_),
       fmt::format("  output: {}",
                   options_.rehearsal ? "REHEARSAL / " + output_label_ : output_label_)});
  say({fmt::format("  cơ sở dữ liệu: {}", config_.database.string()),
       fmt::format("  database: {}", config_.database.string())});
  say({fmt::format("  cổng điều khiển: {}", config_.control_socket.string()),
       fmt::format("  control socket: {}", config_.control_socket.string())});
  say({fmt::format("  khóa ký nhật ký: {}", key_->public_key().fingerprint()),
       fmt::format("  log signing key: {}", key_->public_key().fingerprint())});
  const Instant now = clock_.now();
  auto upcoming = plan(now, now + kPlanHorizon);
  say({"  các lần phát sắp tới:", "  next broadcasts:"});
  if (upcoming.empty()) say({"    (không có trong 8 ngày tới)", "    (none in the next 8 days)"});
  for (std::size_t i = 0; i < upcoming.size() && i < 5; ++i) {
    const auto& o = upcoming[i];
    say({fmt::format("    {}  {}  {} đoạn, {}", format_local_text(o.scheduled_at, zone_).vi,
                     what_text(o).vi, o.segments.size(), clock_duration(o.total_seconds)),
         fmt::format("    {}  {}  {} segment(s), {}", format_local_text(o.scheduled_at, zone_).en,
                     what_text(o).en, o.segments.size(), clock_duration(o.total_seconds))});
  }

  arm_signals();
  arm_hangup();
  heartbeat_timer_.expires_after(kHeartbeatPeriod);
  heartbeat_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) heartbeat();
  });
  // A first start ever has no downtime to account for.
  if (last_alive) catch_up(*last_alive - kCatchUpMargin);
  // Signs what the previous run left (a crash leaves its tail unsigned) and the catch-up.
  checkpoint("start");
  arm_daily_checkpoint();
  note_clock(clock_.now());  // the first reading that later ones are compared with
  plan_and_arm();
  // The device was checked above; it is opened again when the next broadcast is due.
  drop_idle_output();
}

std::optional<Text> StationDaemon::chain_problem() {
  try {
    const auto head = read_witnessed_head(witnessed_head_file(config_.keys));
    if (!head) return std::nullopt;  // nothing signed yet on this station
    return witness_problem(*db_, *head);
  } catch (const UserError& e) {
    return e.text();
  } catch (const std::exception& e) {
    return Text{fmt::format("không kiểm tra được chuỗi kiểm toán: {}", e.what()),
                fmt::format("the audit chain could not be checked: {}", e.what())};
  }
}

void StationDaemon::raise_chain_alarm(const Text& problem) {
  const bool first = !chain_alarm_ || chain_alarm_->en != problem.en;
  chain_alarm_ = problem;
  say({"loaxad: CẢNH BÁO NGHIÊM TRỌNG: nhật ký không còn nối tiếp phần đã ký; không ký thêm (vẫn "
       "phát): " +
           problem.vi,
       "loaxad: CRITICAL: the log no longer extends what was signed; signing nothing more "
       "(playing on): " +
           problem.en},
      LogPriority::kCrit);
  if (first) {
    try {
      events_->append("chain_mismatch", clock_.now(), {{"detail", problem.en}});
    } catch (const std::exception&) {
      // Where it can: a database too broken to take the event still gets the console line.
    }
  }
}

std::optional<std::int64_t> StationDaemon::checkpoint(const char* reason) {
  // Only a log that extends what loaxad witnessed gets its signature.
  if (auto problem = chain_problem()) {
    raise_chain_alarm(*problem);
    return std::nullopt;
  }
  chain_alarm_.reset();  // the right database is back
  try {
    auto seq = write_checkpoint(*db_, *key_, clock_.now(), reason);
    if (const auto head = AuditChain(*db_).head()) {
      write_witnessed_head(witnessed_head_file(config_.keys), {head->seq, head->hash});
    }
    return seq;
  } catch (const std::exception& e) {
    say({fmt::format("loaxad: không ghi được điểm ký nhật ký ({}): {}", reason, e.what()),
         fmt::format("loaxad: could not write the log checkpoint ({}): {}", reason, e.what())},
        LogPriority::kErr);
    return std::nullopt;
  }
}

void StationDaemon::retry_log_writes() {
  journal_timer_.expires_after(kLogRetryPeriod);
  journal_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    const auto waiting = journal_->backlog();
    if (journal_->flush()) {
      say({fmt::format("loaxad: đã ghi {} mục nhật ký còn chờ", waiting),
           fmt::format("loaxad: wrote the {} log entries that were waiting", waiting)});
      return;
    }
    retry_log_writes();
  });
}

void StationDaemon::arm_daily_checkpoint() {
  checkpoint_timer_.expires_after(kDailyCheckpoint);
  checkpoint_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    checkpoint("daily");
    arm_daily_checkpoint();
  });
}

void StationDaemon::heartbeat() {
  events_->append("daemon_alive", clock_.now());
  heartbeat_timer_.expires_after(kHeartbeatPeriod);
  heartbeat_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) heartbeat();
  });
}

StationSchedules StationDaemon::load_schedules_for(const StationConfig& config) {
  StationSchedules loaded = load_station_schedules(config, segments_->all());
  for (const Text& note : loaded.notes) {
    say({"loaxad: " + note.vi, "loaxad: " + note.en}, LogPriority::kWarning);
  }
  if (!loaded.valid()) return loaded;
  // A tag nobody carries yet is not fatal: that occurrence is logged as missed, with its
  // reason, and the rest of the programme plays.
  for (const auto& p : loaded.problems) {
    say({"loaxad: cảnh báo: " + p.format(Lang::kVi), "loaxad: warning: " + p.format(Lang::kEn)},
        LogPriority::kWarning);
  }
  return loaded;
}

std::vector<Occurrence> StationDaemon::plan(Instant from, Instant to) const {
  return plan_.occurrences(segments_->all(), *log_, from, to);
}

void StationDaemon::catch_up(Instant since) {
  const Instant now = clock_.now();
  // Everything up to `now` is the catch-up's; the schedule takes over after it. (Start-up
  // takes a moment: an occurrence falling between the start instant and this one was caught
  // up here and then planned again — kill -9 storms played it twice.)
  handled_.mark_through(now);
  for (const auto& o : plan(since, now + microseconds(1))) {
    Pending item = scheduled_item(o);
    const auto d = decide_catch_up(item, now, log_->has_occurrence(o.key()));
    if (d.verdict == Verdict::kMissed) log_without_playing(item, Outcome::kMissed, *d.reason);
    // Within its grace it plays late, and the log shows by how much.
    if (d.verdict == Verdict::kPlay) enqueue(std::move(item));
  }
}

void StationDaemon::arm_signals() {
  signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
    if (!ec) on_signal(sig);
  });
}

void StationDaemon::arm_hangup() {
  hangup_.async_wait([this](const boost::system::error_code& ec, int) {
    if (ec) return;
    auto r = reload();
    if (r.value("ok", false)) {
      say({"loaxad: SIGHUP: đã nạp lại lịch phát", "loaxad: SIGHUP: schedules reloaded"});
    } else {
      say({"loaxad: SIGHUP: lịch mới có lỗi, vẫn giữ lịch cũ:\n" + r["error"].value("vi", ""),
           "loaxad: SIGHUP: the new schedules have errors; the old ones stay in force:\n" +
               r["error"].value("en", "")},
          LogPriority::kErr);
    }
    arm_hangup();
  });
}

void StationDaemon::close_crashed_entries() {
  for (const auto& e : log_->open_entries()) {
    BroadcastEnd end;
    end.outcome = Outcome::kInterrupted;
    end.why = Reason(ReasonCode::kDaemonCrashed);
    if (auto p = log_->latest_progress(e.id)) {
      end.frames_delivered = p->frames_delivered;
      end.started_at = p->started_at;
      end.why->with("last_checkpoint", format_iso(p->at, zone_));
    }
    end.closed_at = clock_.now();
    log_->close(e.id, end);
  }
}

void StationDaemon::plan_and_arm() {
  if (stopping_) return;
  const Instant now = clock_.now();
  // What the log has was handled, by this process or an earlier one (the wall clock may have
  // gone back across a restart): never twice.
  next_ = first_after(
      plan(handled_.until() - seconds(1), now + kPlanHorizon), handled_.until() - microseconds(1),
      [this](const Occurrence& o) { return handled_.covers(o) || log_->has_occurrence(o.key()); });
  arm_wake();
}

void StationDaemon::note_clock(Instant now) {
  const auto jump = jumps_.observe(now, clock_.mono_now());
  if (!jump) return;
  last_jump_ = ClockJump{*jump, now};
  const double by = std::chrono::duration<double>(*jump).count();
  events_->append("clock_jump", now, {{"seconds", by}});
  say({fmt::format("loaxad: đồng hồ hệ thống nhảy {:+.1f} s", by),
       fmt::format("loaxad: the wall clock jumped {:+.1f} s", by)},
      LogPriority::kWarning);
}

void StationDaemon::arm_wake() {
  if (stopping_) return;
  const Instant now = clock_.now();
  const auto ahead = std::chrono::duration_cast<microseconds>(
      std::chrono::duration<double>(config_.open_ahead_seconds));
  Instant wake_at = next_ ? next_->scheduled_at - ahead : now + std::chrono::hours(1);
  if (next_ && amplifier_due(*next_)) wake_at = std::min(wake_at, amplifier_at(*next_));
  wake_timer_.expires_after(next_wait(now, wake_at));
  wake_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) on_wake();
  });
}

void StationDaemon::on_wake() {
  if (stopping_) return;
  const Instant now = clock_.now();
  note_clock(now);
  const auto ahead = std::chrono::duration_cast<microseconds>(
      std::chrono::duration<double>(config_.open_ahead_seconds));
  if (next_ && amplifier_due(*next_) && now >= amplifier_at(*next_)) {
    const auto key = next_->key();
    amplifier_.key = key;
    amplifier_.state = AmplifierState::kRunning;
    amplifier_.detail.clear();
    run_command("amplifier_before", config_.amplifier_before,
                [this, key](bool ok, std::string detail) {
                  if (amplifier_.key != key) return;
                  amplifier_.state = ok ? AmplifierState::kOk : AmplifierState::kFailed;
                  amplifier_.detail = std::move(detail);
                  // The occurrence may be waiting for this result: decide now.
                  if (next_ && next_->key() == key && !stopping_) arm_wake();
                });
  }
  if (!next_) {
    plan_and_arm();  // nothing in the horizon: look again (hourly)
    return;
  }
  if (now < next_->scheduled_at - ahead) {
    // Not due yet: only the wait is recomputed from the wall clock; the occurrence is resolved
    // again when it comes due, so there is no need to re-plan at every capped wake-up.
    if (!options_.rehearsal && output_.lost().empty() &&
        now >= next_->scheduled_at - ahead - kHoldAhead) {
      hold_output();
    }
    arm_wake();
    return;
  }
  DueFacts facts;
  facts.already_logged = log_->has_occurrence(next_->key());
  const bool amplifier_ran = amplifier_.key == next_->key();
  facts.amplifier_failed = amplifier_ran && amplifier_.state == AmplifierState::kFailed;
  facts.amplifier_running = amplifier_ran && amplifier_.state == AmplifierState::kRunning;
  facts.cancel_on_failure = config_.amplifier_cancel_on_failure;
  facts.amplifier_detail = amplifier_.detail;
  facts.last_jump = last_jump_;
  auto d = decide_due(scheduled_item(*next_), now, facts);
  if (d.verdict == Verdict::kWait) {
    // The command's result re-arms at once (run_command); this only bounds the wait.
    wake_timer_.expires_after(kWatchPeriod);
    wake_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) on_wake();
    });
    return;
  }
  // Resolve again now: approvals, retirements and imports since planning count.
  for (auto& o : plan(next_->scheduled_at - seconds(1), next_->scheduled_at + seconds(1))) {
    if (o.key() == next_->key()) next_ = std::move(o);
  }
  Pending item = scheduled_item(*next_);
  handled_.mark(next_->scheduled_at, next_->key());
  next_.reset();
  switch (d.verdict) {
    case Verdict::kPlay:
      enqueue(std::move(item));
      break;
    case Verdict::kMissed:
      log_without_playing(item, Outcome::kMissed, *d.reason);
      break;
    case Verdict::kFailed:
      log_without_playing(item, Outcome::kFailed, *d.reason);
      break;
    case Verdict::kAlready:
    case Verdict::kWait:
      break;
  }
  plan_and_arm();
}

void StationDaemon::enqueue(Pending item) {
  if (!current_) {
    // Initialising PortAudio takes a while (a JACK client, the device list): done before the
    // lead is counted, so that it does not eat into the time the ring has to fill.
    if (!options_.rehearsal && output_.lost().empty()) hold_output();
    const Instant target = start_target(item, clock_.now(), kPlayNowLead);
    begin(std::move(item), target);
    return;
  }
  if (preempts(item.priority, current_->item.priority)) {
    cut_current(
        Outcome::kPreempted,
        Reason(ReasonCode::kPreemptedByEmergency).with("programme", item.occurrence.programme_id));
  }
  queue_.push(std::move(item));
}

void StationDaemon::play_next_in_queue() {
  while (!queue_.empty() && !current_) {
    const Instant now = clock_.now();
    std::vector<Dropped> missed;
    auto item = queue_.pop(now, missed);
    for (const auto& m : missed) log_without_playing(m.item, Outcome::kMissed, m.reason);
    if (!item) break;
    const Instant target = start_target(*item, now, kPlayNowLead);
    begin(std::move(*item), target);
  }
}

std::vector<OutputSpec> StationDaemon::outputs_for(const Occurrence& o) const {
  std::vector<OutputSpec> out;
  for (auto spec : output_specs(config_)) {
    if (!o.zones.empty() && !spec.zones.empty()) {
      std::erase_if(spec.zones, [&](const std::string& z) {
        return std::find(o.zones.begin(), o.zones.end(), z) == o.zones.end();
      });
      if (spec.zones.empty()) continue;  // none of its zones hears this broadcast
    }
    out.push_back(std::move(spec));
  }
  return out;
}

std::unique_ptr<Sink> StationDaemon::make_sink(const Occurrence& o, const OutputSpec& spec) {
  if (options_.rehearsal) {
    // Milliseconds in the name: two operator plays within a second must not share a file.
    date::zoned_time<milliseconds> zt{zone_, std::chrono::floor<milliseconds>(o.scheduled_at)};
    auto name = date::format("%Y-%m-%dT%H%M%S", zt.get_local_time()) + "-" + o.programme_id;
    // One file per device when the zones are on several.
    if (output_specs(config_).size() > 1) name += "-" + file_part(spec);
    return std::make_unique<WavFileSink>(config_.rehearsal_dir / (name + ".wav"), 48000,
                                         config_.channels);
  }
  const std::string label = spec.label();
  if (output_.is_lost(label)) {
    throw UserError({fmt::format("thiết bị {} không dùng được", label),
                     fmt::format("output device {} is unavailable (lost, retrying)", label)});
  }
  const auto found = hold_output() ? devices_.find(label) : devices_.end();
  if (found == devices_.end()) {
    throw UserError(
        {fmt::format("không mở được PortAudio hoặc không còn thiết bị {}", label),
         fmt::format("PortAudio could not be initialised, or the output device {} is gone",
                     label)});
  }
  if (auto problem = channels_problem(config_, found->second)) throw UserError(*problem);
  return std::make_unique<PortAudioSink>(found->second, config_.channels);
}

BroadcastStart StationDaemon::start_row(const Pending& item,
                                        const std::vector<Output>* outputs) const {
  const auto& o = item.occurrence;
  BroadcastStart start;
  start.occurrence_key = o.key();
  start.programme_id = o.programme_id;
  start.slot_index = o.slot_index;
  for (const auto& s : o.segments) {
    start.segment_ids.push_back(s.id);
    start.segment_hashes.push_back(s.sha256);
  }
  start.scheduled_at = o.scheduled_at;
  start.output = options_.rehearsal ? "rehearsal" : "portaudio";
  std::vector<std::string> devices;
  if (outputs != nullptr && !outputs->empty()) {
    for (const auto& out : *outputs) devices.push_back(out.sink->device());
  } else if (!options_.rehearsal) {
    for (const auto& spec : outputs_for(o)) devices.push_back(spec.label());
  }
  start.device = join(devices);
  const Sink* first =
      outputs != nullptr && !outputs->empty() ? outputs->front().sink.get() : nullptr;
  start.sample_rate = first ? first->sample_rate() : 0;
  start.frames_expected = expected_frames(o.segments, first ? first->sample_rate() : 48000);
  start.opened_at = clock_.now();
  start.priority = to_string(item.priority);
  // "Every zone" is recorded by name, so the log says where it was heard.
  start.zones = o.zones;
  if (start.zones.empty()) {
    for (const auto& z : config_.zones) start.zones.push_back(z.name);
  }
  start.origin = item.origin;
  return start;
}

void StationDaemon::log_without_playing(const Pending& item, Outcome outcome,
                                        const Reason& reason) {
  const auto& o = item.occurrence;
  const auto id = log_->open(start_row(item, nullptr));
  BroadcastEnd end;
  end.outcome = outcome;
  end.why = reason;
  end.closed_at = clock_.now();
  log_->close(id, end);
  const Text said = outcome_text(to_string(outcome));
  say({fmt::format("loaxad: {} {} — {}: {}", what_text(o).vi,
                   format_local_text(o.scheduled_at, zone_).vi, said.vi, render(reason, Lang::kVi)),
       fmt::format("loaxad: {} {} — {}: {}", what_text(o).en,
                   format_local_text(o.scheduled_at, zone_).en, said.en,
                   render(reason, Lang::kEn))},
      LogPriority::kWarning);
}

std::int64_t StationDaemon::Broadcast::frames_delivered() const {
  std::optional<std::int64_t> fewest;
  for (const auto& out : outputs) {
    if (!out.engine) continue;
    const std::int64_t f = frames_at_rate(out.engine->frames_delivered(), out.sink->sample_rate(),
                                          outputs.front().sink->sample_rate());
    fewest = std::min(fewest.value_or(f), f);
  }
  return fewest.value_or(0);
}

std::optional<Instant> StationDaemon::Broadcast::first_frame_at() const {
  std::optional<Instant> first;
  for (const auto& out : outputs) {
    if (auto at = out.sink->first_frame_at()) first = std::min(first.value_or(*at), *at);
  }
  return first;
}

void StationDaemon::begin(Pending item, Instant target) {
  if (item.occurrence.segments.empty()) {
    log_without_playing(
        item, Outcome::kMissed,
        item.occurrence.nothing_reason.value_or(Reason(ReasonCode::kNothingEligible)));
    return;
  }
  auto b = std::make_unique<Broadcast>();
  b->item = std::move(item);
  const Occurrence& o = b->item.occurrence;
  // A lost device is tried again before any stream opens: re-initialising PortAudio would end
  // the streams opened before it.
  if (!options_.rehearsal && !output_.lost().empty()) reopen_output();
  for (const auto& spec : outputs_for(o)) {
    Output out;
    out.spec = spec;
    try {
      out.sink = make_sink(o, spec);
    } catch (const UserError& e) {
      b->unopened.push_back(fmt::format("{}: {}", output_name(spec), e.text().en));
      continue;
    }
    // A broadcast to every zone plays on every channel, as it did before zones had devices.
    if (!o.zones.empty() && !config_.zones.empty()) {
      out.channel_mask = 0;
      for (const auto& z : config_.zones) {
        if (std::find(spec.zones.begin(), spec.zones.end(), z.name) == spec.zones.end()) continue;
        if (z.channels.empty()) out.channel_mask = ~0u;  // every channel of its device
        for (int ch : z.channels) out.channel_mask |= 1u << (ch - 1);
      }
    }
    b->outputs.push_back(std::move(out));
  }
  const BroadcastStart start = start_row(b->item, &b->outputs);
  b->frames_expected = start.frames_expected;
  b->target = target;
  // Written before the first sample can play, so even a crash mid-broadcast leaves a trace.
  b->log_id = log_->open(start);
  current_ = std::move(b);
  output_.start_playing();

  if (current_->outputs.empty()) {
    finish();
    return;
  }
  std::vector<PlayItem> items;
  for (const auto& s : o.segments) {
    items.push_back({config_.library / s.library_path, s.gain_db, s.sha256});
  }
  for (auto& out : current_->outputs) {
    const int rate = out.sink->sample_rate();
    out.frames_expected = expected_frames(o.segments, rate);
    PlayoutOptions shape;
    shape.fade_seconds = kFadeSeconds;
    // Only content that is longer is faded: a fade is what marks a broadcast as cut short.
    if (o.max_duration) {
      const std::int64_t limit = o.max_duration->count() * rate;
      if (out.frames_expected > limit) shape.max_frames = limit;
    }
    shape.silence_level = static_cast<float>(std::pow(10.0, config_.dead_air_dbfs / 20.0));
    shape.channel_mask = out.channel_mask;
    out.engine = std::make_unique<PlayoutEngine>(items, rate, out.sink->channels(), shape);
    out.engine->start();
  }
  // Every sink places its own first frame on `target` by its own stream's output time, so
  // devices on separate clocks still start on the same instant.
  for (auto& out : current_->outputs) {
    try {
      out.sink->start(*out.engine, target);
    } catch (const UserError& e) {
      out.fault = DeviceFault::kNotStarted;
      out.fault_detail = e.text().en;
      finish();
      return;
    }
  }
  const auto& c = current_->item;
  const Text prio = priority_text(to_string(c.priority));
  say({fmt::format("loaxad: chuẩn bị phát {} lúc {} ({} đoạn, {}, mức ưu tiên: {})",
                   what_text(o).vi, format_local_text(target, zone_).vi, o.segments.size(),
                   clock_duration(o.total_seconds), prio.vi),
       fmt::format("loaxad: about to play {} at {} ({} segment(s), {}, {})", what_text(o).en,
                   format_local_text(target, zone_).en, o.segments.size(),
                   clock_duration(o.total_seconds), prio.en)});
  watch();
}

void StationDaemon::watch() {
  watch_timer_.expires_after(kWatchPeriod);
  watch_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || !current_) return;
    auto& b = *current_;
    if (std::all_of(b.outputs.begin(), b.outputs.end(),
                    [](const Output& out) { return out.engine->finished(); })) {
      finish();
      return;
    }
    const Instant now = clock_.now();
    const MonoInstant mono = clock_.mono_now();
    note_clock(now);
    const auto delivered = b.frames_delivered();
    if (delivered != b.last_frames) {
      b.last_frames = delivered;
      if (mono - b.last_checkpoint >= kCheckpointPeriod) {
        b.last_checkpoint = mono;
        log_->add_progress(b.log_id, {now, b.first_frame_at(), delivered});
      }
    }
    // One dead device ends the whole broadcast: the log keeps one outcome per occurrence, and
    // "failed" must not hide that the other villages heard only part of it.
    for (auto& out : b.outputs) {
      if (out.engine->finished()) continue;
      if (out.stall.stalled(now >= b.target, out.engine->frames_delivered(), mono, kStallLimit)) {
        out.fault = DeviceFault::kStalled;
      } else if (out.sink->device_gone()) {
        out.fault = DeviceFault::kGone;
      } else {
        continue;
      }
      finish();
      return;
    }
    watch();
  });
}

void StationDaemon::cut_current(Outcome as, const Reason& reason) {
  if (!current_ || current_->cut) return;
  current_->cut = CutRequest{as, reason};
  if (current_->outputs.empty() || !current_->outputs.front().engine ||
      !current_->first_frame_at()) {
    // Nothing has been heard yet: end now rather than fade silence.
    current_->cut->before_start = true;
    watch_timer_.cancel();
    finish();
    return;
  }
  // The fades run in the audio callbacks; watch() sees the engines finish and closes the entry.
  for (auto& out : current_->outputs) out.engine->request_fade();
}

BroadcastRun StationDaemon::run_of(const Broadcast& b) const {
  BroadcastRun run;
  for (const auto& out : b.outputs) {
    if (!out.engine) continue;
    DeviceRun d;
    d.label = out.spec.label();
    d.name = output_name(out.spec);
    d.has_zones = !out.spec.zones.empty();
    d.sample_rate = out.sink->sample_rate();
    d.frames_expected = out.frames_expected;
    d.stats = out.engine->stats();
    d.decode_error = out.engine->decode_error();
    d.first_frame_at = out.sink->first_frame_at();
    d.last_frame_at = out.sink->last_frame_at();
    d.fault = out.fault;
    d.fault_detail = out.fault_detail;
    run.devices.push_back(std::move(d));
  }
  run.unopened = b.unopened;
  run.segments = b.item.occurrence.segments.size();
  run.max_duration = b.item.occurrence.max_duration;
  run.cut = b.cut;
  run.stall_limit = kStallLimit;
  run.dead_air_seconds = config_.dead_air_seconds;
  return run;
}

void StationDaemon::finish() {
  auto b = std::move(current_);
  output_.stop_playing();
  watch_timer_.cancel();
  const ClosedBroadcast closed = close_broadcast(run_of(*b), clock_.now());
  const BroadcastEnd& end = closed.end;
  log_->close(b->log_id, end);
  if (!config_.amplifier_after.empty() && end.frames_delivered > 0) {
    run_command("amplifier_after", config_.amplifier_after, [](bool, std::string) {});
  }
  release_output(std::move(b->outputs));
  if (!options_.rehearsal) {
    for (const auto& device : closed.failed) {
      device_lost(device, end.why.value_or(Reason(ReasonCode::kOutputLost).with("output", device)));
    }
  }
  if (output_.phase() == OutputPhase::kRestartRequired) {
    exit_code_ = kExitRestart;
    stopping_ = true;
  }
  if (end.dead_air) {
    say({fmt::format("loaxad: CẢNH BÁO: khoảng lặng {} giây trong lần phát (dưới {} dBFS) trên {}",
                     decimal(end.longest_silence_ms / 1000.0, 1, Lang::kVi),
                     decimal(config_.dead_air_dbfs, 1, Lang::kVi), join(closed.silent)),
         fmt::format("loaxad: WARNING: dead air, {:.1f} s below {} dBFS in this broadcast on {}",
                     end.longest_silence_ms / 1000.0, config_.dead_air_dbfs, join(closed.silent))},
        LogPriority::kWarning);
  }

  const auto& o = b->item.occurrence;
  const std::string started =
      end.started_at ? format_iso(*end.started_at, zone_) : std::string("-");
  const Text why = end.why ? render(*end.why) : Text{};
  const Text said = outcome_text(to_string(end.outcome));
  say({fmt::format("loaxad: {} {} — {} (bắt đầu {}, {} mẫu âm thanh){}", what_text(o).vi,
                   format_local_text(o.scheduled_at, zone_).vi, said.vi, started,
                   end.frames_delivered, why.vi.empty() ? "" : ": " + why.vi),
       fmt::format("loaxad: {} {} — {} (started {}, {} frames){}", what_text(o).en,
                   format_local_text(o.scheduled_at, zone_).en, said.en, started,
                   end.frames_delivered, why.en.empty() ? "" : ": " + why.en)},
      end.outcome == Outcome::kCompleted ? LogPriority::kInfo : LogPriority::kWarning);
  b.reset();
  if (stopping_) {
    shut_down();
    return;
  }
  play_next_in_queue();
  drop_idle_output();
}

void StationDaemon::release_output(std::vector<Output> outputs) {
  if (outputs.empty()) return;
  // Closing a stream whose audio server died can block forever (TESTING.md). Close off the
  // event loop and wait a bounded time; a close that hangs is abandoned with its engine (the
  // callback may still point at it) and PortAudio is re-initialised before the next broadcast.
  auto done = std::make_shared<std::promise<void>>();
  auto closed = done->get_future();
  std::thread([outputs = std::move(outputs), done]() mutable {
    // Every stream stops first, so a device that ends the broadcast silences the others at
    // once rather than after its own close.
    for (auto& out : outputs) {
      if (out.sink) out.sink->stop();
    }
    outputs.clear();
    done->set_value();
  }).detach();
  if (closed.wait_for(kCloseLimit) != std::future_status::ready) {
    // PortAudio cannot be re-initialised while one of its streams is stuck in a close, so the
    // process cannot recover its output by itself: say so, record it, and exit with
    // kExitRestart for the supervisor (systemd, or `make run`'s loop) to start a fresh loaxad,
    // which closes what is left in the log and plays the next occurrence.
    say({"loaxad: đóng đầu ra bị treo (máy chủ âm thanh đã mất); khởi động lại loaxad",
         "loaxad: closing the output hung (the audio server is gone); loaxad must restart"},
        LogPriority::kErr);
    events_->append("restart_required", clock_.now(),
                    with_reason({{"device", output_label_}}, Reason(ReasonCode::kOutputCloseHung)));
    output_.require_restart();
  }
}

void StationDaemon::device_lost(const std::string& device, const Reason& why) {
  if (output_.is_lost(device)) return;  // recorded already; its back-off is running
  events_->append("device_lost", clock_.now(), with_reason({{"device", device}}, why));
  const bool retrying = !output_.lost().empty();
  // Refused once a restart is required: this process cannot get the device back.
  if (!output_.lose(device)) return;
  say({fmt::format("loaxad: mất thiết bị {}: {}", device, render(why, Lang::kVi)),
       fmt::format("loaxad: output device {} lost: {}", device, render(why, Lang::kEn))},
      LogPriority::kErr);
  if (retrying) return;  // the running back-off covers this device too
  reopen_backoff_ = seconds(1);
  schedule_reopen();
}

void StationDaemon::schedule_reopen() {
  reopen_timer_.expires_after(reopen_backoff_);
  reopen_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopping_) return;
    if (reopen_output()) {
      drop_idle_output();
      return;
    }
    reopen_backoff_ = std::min<seconds>(reopen_backoff_ * 2, seconds(60));
    schedule_reopen();
  });
}

bool StationDaemon::reopen_output() {
  if (output_.lost().empty()) return true;
  // Re-initialising PortAudio would cut a broadcast playing on the devices that still work;
  // after a hang it cannot be initialised again at all.
  if (output_.phase() != OutputPhase::kLost) return false;
  if (output_.holds()) {
    // Let go whether or not Pa_Terminate returns in time: the handle is given up either way.
    output_.let_go();
    // Pa_Terminate talks to the audio server, which may be the one that went away.
    if (!finishes_within(kCloseLimit, [old = std::move(portaudio_)]() mutable { old.reset(); })) {
      return false;
    }
  }
  if (!hold_output()) return false;
  const std::set<std::string> lost = output_.lost();
  for (const auto& device : lost) {
    if (!devices_.contains(device)) continue;
    events_->append("device_back", clock_.now(), {{"device", device}});
    say({fmt::format("loaxad: thiết bị {} đã trở lại", device),
         fmt::format("loaxad: output device {} is back", device)},
        LogPriority::kNotice);
    output_.recover(device);
  }
  if (!output_.lost().empty()) return false;
  reopen_backoff_ = seconds(0);
  return true;
}

bool StationDaemon::hold_output() {
  if (output_.holds()) return true;
  if (!output_.can_take()) return false;
  // Pa_Initialize talks to the audio server; bound it like a close.
  auto made = std::make_shared<std::unique_ptr<PortAudioSystem>>();
  const bool in_time = finishes_within(kCloseLimit, [made] {
    try {
      *made = std::make_unique<PortAudioSystem>("loaxad");
    } catch (...) {  // an exception must not end the process from a detached thread
    }
  });
  if (!in_time || !*made) return false;
  portaudio_ = std::move(*made);
  output_.take();
  // PortAudio lists devices once, at initialisation: a device missing now is lost until a
  // re-initialisation (reopen_output's back-off) finds it again.
  devices_.clear();
  std::vector<std::string> missing;
  for (const auto& spec : output_specs(config_)) {
    try {
      devices_[spec.label()] = portaudio_->find(spec.host_api, spec.device);
    } catch (const UserError&) {
      missing.push_back(spec.label());
    }
  }
  for (const auto& label : missing) device_lost(label, Reason(ReasonCode::kDeviceNotFound));
  return true;
}

void StationDaemon::drop_idle_output() {
  // Only a held output with nothing lost, playing or waiting is let go (a rehearsal never
  // holds one).
  if (output_.phase() != OutputPhase::kHeld || !queue_.empty() || stopping_) return;
  const auto ahead = std::chrono::duration_cast<microseconds>(
      std::chrono::duration<double>(config_.open_ahead_seconds));
  if (next_ && next_->scheduled_at - ahead - kHoldAhead <= clock_.now() + kHoldAhead) return;
  output_.let_go();
  if (!finishes_within(kCloseLimit,
                       [system = std::move(portaudio_)]() mutable { system.reset(); })) {
    // Pa_Terminate stuck on the audio server: PortAudio cannot be initialised again in this
    // process, as after a hung close (release_output).
    say({"loaxad: giải phóng PortAudio bị treo (máy chủ âm thanh đã mất); khởi động lại loaxad",
         "loaxad: releasing PortAudio hung (the audio server is gone); loaxad must restart"},
        LogPriority::kErr);
    events_->append(
        "restart_required", clock_.now(),
        with_reason({{"device", output_label_}}, Reason(ReasonCode::kPortAudioReleaseHung)));
    output_.require_restart();
    exit_code_ = kExitRestart;
    stopping_ = true;
    shut_down();
  }
}

bool StationDaemon::amplifier_due(const Occurrence& o) const {
  return !config_.amplifier_before.empty() && amplifier_.key != o.key() && !o.segments.empty();
}

Instant StationDaemon::amplifier_at(const Occurrence& o) const {
  return o.scheduled_at -
         std::chrono::duration_cast<microseconds>(std::chrono::duration<double>(
             std::max(config_.amplifier_lead_seconds, config_.open_ahead_seconds)));
}

void StationDaemon::run_command(const std::string& kind, const std::string& command,
                                std::function<void(bool, std::string)> done) {
  const auto limit = std::chrono::duration_cast<milliseconds>(
      std::chrono::duration<double>(config_.amplifier_timeout_seconds));
  // A worker thread waits for the command, so a slow relay script never blocks the event loop;
  // the result comes back to the loop by post(). The timeout bounds a real child process on
  // that thread, so it is counted on the real monotonic clock, not the injected one (which is
  // read on the event loop only).
  std::thread([this, kind, command, limit, done = std::move(done)]() mutable {
    const auto began = std::chrono::steady_clock::now();
    std::string detail;
    bool ok = false;
    pid_t pid = -1;
    const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
    if (posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ) != 0) {
      detail = "could not start /bin/sh";
    } else {
      int status = 0;
      for (;;) {
        const pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) {
          ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
          detail = WIFEXITED(status) ? fmt::format("exit {}", WEXITSTATUS(status))
                                     : fmt::format("killed by signal {}", WTERMSIG(status));
          break;
        }
        if (std::chrono::steady_clock::now() - began > limit) {
          kill(pid, SIGKILL);
          waitpid(pid, &status, 0);
          detail = fmt::format("timed out after {} ms", limit.count());
          break;
        }
        std::this_thread::sleep_for(milliseconds(20));
      }
    }
    const auto took =
        std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - began);
    boost::asio::post(io_, [this, kind, command, ok, detail, took, done = std::move(done)]() {
      if (events_) {
        events_->append(
            kind, clock_.now(),
            {{"command", command}, {"ok", ok}, {"result", detail}, {"duration_ms", took.count()}});
      }
      say({fmt::format("loaxad: {} `{}`: {}", kind, command, detail),
           fmt::format("loaxad: {} `{}`: {}", kind, command, detail)},
          ok ? LogPriority::kInfo : LogPriority::kWarning);
      done(ok, detail);
    });
  }).detach();
}

void StationDaemon::shut_down() {
  if (output_.phase() == OutputPhase::kRestartRequired) {
    // Pa_Terminate would block on the stuck stream: leave PortAudio to the process exit.
    (void)portaudio_.release();
  }
  for (const auto& p : queue_.take_all()) {
    log_without_playing(p, Outcome::kMissed, Reason(ReasonCode::kStoppedBeforePlay));
  }
  heartbeat_timer_.cancel();
  checkpoint_timer_.cancel();
  reopen_timer_.cancel();
  events_->append("daemon_stopped", clock_.now());
  journal_timer_.cancel();
  if (!journal_->flush()) {
    say({fmt::format("loaxad: {} mục nhật ký KHÔNG ghi được khi dừng ({})", journal_->backlog(),
                     journal_->error()),
         fmt::format("loaxad: {} log entries could NOT be written at shutdown ({})",
                     journal_->backlog(), journal_->error())},
        LogPriority::kErr);
  }
  checkpoint("shutdown");
  io_.stop();
}

void StationDaemon::on_signal(int sig) {
  stopping_ = true;
  wake_timer_.cancel();
  const char* name = sig == SIGINT ? "SIGINT" : "SIGTERM";
  say({fmt::format("loaxad: nhận {}, dừng", name),
       fmt::format("loaxad: {} received, stopping", name)});
  control_.reset();
  if (!current_) {
    shut_down();
    return;
  }
  cut_current(Outcome::kStopped, Reason(ReasonCode::kDaemonStopped).with("signal", name));
}

}  // namespace loaxa
