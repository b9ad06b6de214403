#include "fakes/audit_log.h"

#include <nlohmann/json.hpp>

#include "audit/checkpoint.h"
#include "store/database.h"
#include "store/segment_repository.h"
#include "store/station_events.h"

namespace loaxa::testing {
namespace {

constexpr int kRate = 48000;
constexpr std::int64_t kFrames = 30 * kRate;  // every test segment lasts 30 s

StationConfig config_in(const std::filesystem::path& dir, const std::string& station) {
  StationConfig c;
  c.station_name = station;
  c.database = dir / "loaxa.db";
  c.keys = dir / "keys";
  // Not designated initializers: GCC 12 warns for every member they leave out.
  for (const auto& [name, channel] : {std::pair{"thon-dong", 1}, std::pair{"thon-tay", 2}}) {
    StationConfig::Zone z;
    z.name = name;
    z.channels = {channel};
    c.zones.push_back(z);
  }
  return c;
}

}  // namespace

StationLog::StationLog(const std::filesystem::path& dir, const std::string& station)
    : config_(config_in(dir, station)),
      db_(open_database(config_.database)),
      key_(StationKey::load_or_create(config_.keys)),
      zone_(find_zone(config_.timezone)) {}

Instant StationLog::at(int year, unsigned month, unsigned day, int hour, int minute) const {
  const date::year_month_day d{date::year{year}, date::month{month}, date::day{day}};
  return local_midnight(d, zone_) + std::chrono::hours{hour} + std::chrono::minutes{minute};
}

void StationLog::segment(const std::string& id, const std::string& title, Instant at) {
  Segment s;
  s.id = id;
  s.sha256 = id + std::string(64 - id.size(), '0');
  s.title = title;
  s.tag = "cchc";
  s.format = "WAV";
  s.original_name = title + ".wav";
  s.library_path = s.sha256 + ".wav";
  s.sample_rate = kRate;
  s.channels = 1;
  s.frames = kFrames;
  s.loudness_lufs = -16;
  s.true_peak_dbtp = -3;
  s.imported_at = at;
  SegmentRepository repo(*db_);
  repo.insert(s);
  repo.approve(id, "Chủ tịch UBND xã", at + std::chrono::minutes{5});
}

std::int64_t StationLog::broadcast(const LoggedBroadcast& b) {
  BroadcastLog log(*db_);
  BroadcastStart s;
  s.occurrence_key = b.programme + "#0@" + format_iso(b.scheduled_at, zone_);
  s.programme_id = b.programme;
  s.slot_index = b.origin == "operator" ? -1 : 0;
  s.segment_ids = {"aaaaaaaaaaaa"};
  s.segment_hashes = {"aaaaaaaaaaaa" + std::string(52, '0')};
  s.output = b.output;
  s.device = b.output == "rehearsal" ? "var/rehearsal/cchc.wav" : "JACK / system";
  s.scheduled_at = b.scheduled_at;
  s.opened_at = b.scheduled_at - std::chrono::seconds{2};
  s.frames_expected = kFrames;
  s.sample_rate = kRate;
  s.zones = b.zones;
  s.origin = b.origin;
  const auto id = log.open(s);
  if (!b.outcome) return id;
  BroadcastEnd e;
  e.outcome = *b.outcome;
  e.why = b.why;
  e.frames_delivered = static_cast<std::int64_t>(kFrames * b.played_fraction);
  if (e.frames_delivered > 0) {
    e.started_at = b.scheduled_at + std::chrono::milliseconds{b.delay_ms};
    e.ended_at = *e.started_at + std::chrono::microseconds{e.frames_delivered * 1000000 / kRate};
    e.peak_dbfs = -3;
    e.rms_dbfs = -18;
  }
  e.closed_at = (e.ended_at ? *e.ended_at : b.scheduled_at) + std::chrono::milliseconds{50};
  log.close(id, e);
  return id;
}

void StationLog::event(const std::string& kind, Instant at, const nlohmann::json& detail) {
  StationEvents(*db_).append(kind, at, detail.is_null() ? nlohmann::json::object() : detail);
}

void StationLog::checkpoint(Instant at, const char* reason) {
  write_checkpoint(*db_, key_, at, reason);
}

// Programme cchc, rule (set by the tests) at least 3 completed per week:
//
//   week 45 (2–8 Nov)    3 completed                                        -> met
//   week 46 (9–15 Nov)   1 completed, 1 partial, 1 pre-empted, 1 missed
//                        (nothing approved), output device lost on the 12th -> failed
//   week 47 (16–22 Nov)  2 completed, 1 interrupted (crash), 1 failed (output stalled),
//                        1 stopped (SIGTERM), 1 missed (daemon not running) -> failed
//   week 48 (23–29 Nov)  3 completed, 1 left open (no outcome), 1 operator play
//                                                                           -> met
// November: 17 planned, 9 completed, 1 partial, 1 pre-empted, 1 interrupted, 1 failed,
// 2 missed, 1 stopped, 1 open; 1 unscheduled.
void write_known_month(StationLog& log) {
  using O = Outcome;
  log.event("daemon_started", log.at(2026, 11, 2, 0, 5),
            {{"station", log.config().station_name}, {"output", "portaudio"}});
  log.segment("aaaaaaaaaaaa", "Giới thiệu dịch vụ công", log.at(2026, 11, 2, 0, 10));
  log.checkpoint(log.at(2026, 11, 2, 0, 20), "start");
  using C = ReasonCode;
  const auto b = [&](unsigned day, std::optional<O> outcome,
                     std::optional<Reason> why = std::nullopt, double played = 1.0) {
    LoggedBroadcast x;
    x.scheduled_at = log.at(2026, 11, day);
    x.outcome = outcome;
    x.why = std::move(why);
    x.played_fraction = played;
    return x;
  };
  for (unsigned day : {2u, 4u, 6u}) log.broadcast(b(day, O::kCompleted));

  log.broadcast(b(9, O::kCompleted));
  log.broadcast(
      b(10, O::kPartial,
        Reason(C::kDeliveredShort).with("delivered", "720000").with("expected", "1440000"), 0.5));
  log.broadcast(
      b(11, O::kPreempted, Reason(C::kPreemptedByEmergency).with("programme", "bao-lu"), 0.25));
  log.event(
      "device_lost", log.at(2026, 11, 12, 9),
      with_reason({{"device", "JACK / system"}}, Reason(C::kOutputStalled).with("seconds", "2")));
  log.event("device_back", log.at(2026, 11, 12, 9, 1), {{"device", "JACK / system"}});
  log.broadcast(b(13, O::kMissed,
                  Reason(C::kNoApprovedWithTag).with("tag", "cchc").with("date", "2026-11-13"), 0));
  log.checkpoint(log.at(2026, 11, 15, 23), "daily");

  log.broadcast(b(16, O::kCompleted));
  log.broadcast(
      b(17, O::kInterrupted,
        Reason(C::kDaemonCrashed).with("last_checkpoint", "2026-11-17T06:00:10.000+07:00"), 0.33));
  log.broadcast(b(18, O::kFailed, Reason(C::kOutputStalled).with("seconds", "2"), 0));
  log.broadcast(b(19, O::kStopped, Reason(C::kDaemonStopped).with("signal", "SIGTERM"), 0.5));
  log.event("daemon_stopped", log.at(2026, 11, 19, 6, 1));
  log.checkpoint(log.at(2026, 11, 19, 6, 1), "shutdown");
  log.event("daemon_started", log.at(2026, 11, 20, 8),
            {{"station", log.config().station_name}, {"output", "portaudio"}});
  log.broadcast(b(20, O::kMissed, Reason(C::kDaemonNotRunning), 0));
  log.broadcast(b(21, O::kCompleted));

  for (unsigned day : {23u, 25u, 27u}) log.broadcast(b(day, O::kCompleted));
  LoggedBroadcast play = b(26, O::kCompleted);
  play.programme = "operator";
  play.origin = "operator";
  play.scheduled_at = log.at(2026, 11, 26, 10);
  play.zones = {"thon-dong"};
  log.broadcast(play);
  log.broadcast(b(28, std::nullopt));
  log.checkpoint(log.at(2026, 11, 29, 23), "daily");
}

}  // namespace loaxa::testing
