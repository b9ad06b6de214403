// Generates the province of bench/audit_scale.sh: for each of N communes, a station log of D
// days written through loaxa's own writers (segments and their approvals, every broadcast's
// opening row and outcome, station events, signed daily and shutdown checkpoints), then its
// export bundle. Deterministic for a given seed.
//
//   loaxa_bench_audit_gen --out DIR [--communes 100] [--days 365] [--start 2025-12-01]
//                         [--seed 1] [--events N] [--keep-db 1]
//
// --events N writes days until a commune's chain holds at least N events (the days that takes,
// at the same daily shape, not --days). --keep-db 1 keeps each commune's database and keys as
// DIR/commune-NNN/{loaxa.db,keys/}, which `loaxa audit verify --db` reads.
//
// A day of a commune: CCHC at 05:30 and 17:00, news at 11:00 (three broadcasts), a daily
// checkpoint; about 3% of broadcasts fall short, for each of the reasons the daemon writes;
// a device lost and back now and then; a restart (stop, shutdown checkpoint, start) weekly.

#include <SQLiteCpp/Transaction.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>

#include "audit/bundle.h"
#include "audit/checkpoint.h"
#include "audit/station_key.h"
#include "store/broadcast_log.h"
#include "store/database.h"
#include "store/segment_repository.h"
#include "store/station_events.h"

namespace {

using namespace loaxa;
namespace fs = std::filesystem;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr int kRate = 48000;

struct Options {
  fs::path out;
  int communes = 100;
  int days = 365;
  std::string start = "2025-12-01";
  unsigned seed = 1;
  std::int64_t events = 0;  ///< 0: exactly `days` days
  bool keep_db = false;
};

struct Shortfall {
  Outcome outcome;
  const char* reason;
  double played;  ///< fraction delivered
};

// What goes wrong, in the daemon's words, roughly as often as the field reports it.
const Shortfall kShortfalls[] = {
    {Outcome::kMissed, "daemon not running", 0},
    {Outcome::kMissed, "waited past its grace (10 min) behind another broadcast", 0},
    {Outcome::kMissed, "no approved segment with tag \"cchc\" valid on {day}", 0},
    {Outcome::kFailed, "output stalled: no audio delivered for 2 s (device gone?)", 0},
    {Outcome::kFailed,
     "output could not be started: output device ALSA / default is unavailable (lost, retrying)",
     0},
    {Outcome::kInterrupted, "loaxad stopped while broadcasting (crash or power cut)", 0.4},
    {Outcome::kPartial, "longer than the slot's max_duration (15:00); faded out", 0.9},
    {Outcome::kPreempted, "pre-empted by an emergency broadcast (bao-lu)", 0.3},
    {Outcome::kStopped, "stopped by the operator (loaxa stop)", 0.5},
};

void generate_commune(const Options& o, int index, const fs::path& work) {
  fs::remove_all(work);
  fs::create_directories(work);
  StationConfig config;
  config.station_name = fmt::format("Xã Thử Nghiệm {:03}", index + 1);
  config.database = work / "loaxa.db";
  config.keys = work / "keys";
  config.zones = {{.name = "thon-dong", .channels = {1}}, {.name = "thon-tay", .channels = {2}}};
  config.compliance = {{"cchc", 50, 12}, {"tin-tuc", 25, std::nullopt}};
  auto db = open_database(config.database);
  // Generation is not what is measured: no fsync per entry.
  db->exec("PRAGMA synchronous = OFF");
  const auto key = StationKey::load_or_create(config.keys);
  const date::time_zone* zone = find_zone(config.timezone);
  std::mt19937 rng(o.seed * 7919u + static_cast<unsigned>(index));
  std::uniform_real_distribution<double> unit(0, 1);
  const date::sys_days first{*parse_date(o.start)};

  SegmentRepository segments(*db);
  BroadcastLog log(*db);
  StationEvents events(*db);
  std::vector<Segment> catalogue;
  for (int s = 0; s < 24; ++s) {
    Segment seg;
    seg.sha256 = fmt::format("{:04x}{:04x}{:04x}{:052x}", o.seed & 0xffff, index, s, 0);
    seg.id = seg.sha256.substr(0, 12);
    seg.title = fmt::format("{} số {}", s % 2 ? "Bản tin thời sự" : "Chuyên mục CCHC", s + 1);
    seg.tag = s % 2 ? "tin-tuc" : "cchc";
    seg.format = "WAV";
    seg.original_name = seg.title + ".wav";
    seg.library_path = seg.sha256 + ".wav";
    seg.sample_rate = kRate;
    seg.channels = 1;
    seg.frames = static_cast<std::int64_t>(kRate) * (300 + 30 * s);
    seg.loudness_lufs = -16;
    seg.true_peak_dbtp = -2;
    catalogue.push_back(seg);
  }
  int imported = 0;
  const char* programmes[] = {"cchc", "tin-tuc", "cchc"};
  const int times[][2] = {{5, 30}, {11, 0}, {17, 0}};
  std::int64_t chained = 0;
  int d = 0;
  for (; o.events > 0 ? chained < o.events : d < o.days; ++d) {
    const date::sys_days day = first + date::days{d};
    const Instant midnight = local_midnight(date::year_month_day{day}, zone);
    SQLite::Transaction tx(*db);
    if (d == 0) {
      events.append("daemon_started", midnight + minutes(30),
                    {{"station", config.station_name}, {"output", "portaudio"}});
    }
    // Six segments on the first day, then one more every two weeks.
    const int wanted = std::min(static_cast<int>(catalogue.size()), 6 + d / 14);
    for (; imported < wanted; ++imported) {
      Segment& seg = catalogue[static_cast<std::size_t>(imported)];
      seg.imported_at = midnight + minutes(40 + imported);
      segments.insert(seg);
      segments.approve(seg.id, "Chủ tịch UBND xã", seg.imported_at + minutes(10));
    }
    for (int b = 0; b < 3; ++b) {
      const Instant scheduled = midnight + hours(times[b][0]) + minutes(times[b][1]);
      BroadcastStart s;
      s.programme_id = programmes[b];
      s.slot_index = b == 2 ? 1 : 0;
      s.occurrence_key =
          fmt::format("{}#{}@{}", s.programme_id, s.slot_index, format_iso(scheduled, zone));
      const Segment* pick = nullptr;
      int seen = 0;
      for (const auto& seg : catalogue) {
        if (seg.import_order == 0 || seg.tag != s.programme_id) continue;
        if (++seen == 1 || static_cast<int>(rng() % 3) == 0) pick = &seg;
      }
      if (pick != nullptr) {
        s.segment_ids = {pick->id};
        s.segment_hashes = {pick->sha256};
      }
      s.output = "portaudio";
      s.device = "ALSA / default";
      s.scheduled_at = scheduled;
      s.opened_at = scheduled - seconds(2);
      s.frames_expected = pick != nullptr ? pick->frames : 0;
      s.sample_rate = kRate;
      s.zones = b == 1 ? std::vector<std::string>{"thon-dong"} : std::vector<std::string>{};
      BroadcastEnd e;
      const double roll = unit(rng);
      double played = 1.0;
      if (roll < 0.03 || pick == nullptr) {
        const auto& f = kShortfalls[rng() % std::size(kShortfalls)];
        e.outcome = f.outcome;
        e.reason = fmt::format(fmt::runtime(f.reason),
                               fmt::arg("day", format_iso(scheduled, zone).substr(0, 10)));
        played = f.played;
      }
      e.frames_delivered =
          static_cast<std::int64_t>(static_cast<double>(s.frames_expected) * played);
      if (e.frames_delivered > 0) {
        e.started_at = scheduled + milliseconds(2 + static_cast<int>(rng() % 5));
        e.ended_at =
            *e.started_at + std::chrono::microseconds(e.frames_delivered * 1000000 / kRate);
        e.peak_dbfs = -2.5;
        e.rms_dbfs = -17.5;
      } else {
        s.sample_rate = 0;
      }
      e.closed_at = (e.ended_at ? *e.ended_at : scheduled) + milliseconds(40);
      const auto id = log.open(s);
      log.close(id, e);
    }
    if (unit(rng) < 0.02) {
      events.append("device_lost", midnight + hours(12),
                    {{"device", "ALSA / default"}, {"reason", "output stalled"}});
      events.append("device_back", midnight + hours(12) + seconds(8),
                    {{"device", "ALSA / default"}});
    }
    if (d % 7 == 6) {
      events.append("daemon_stopped", midnight + hours(20));
      write_checkpoint(*db, key, midnight + hours(20), "shutdown");
      events.append("daemon_started", midnight + hours(20) + minutes(2),
                    {{"station", config.station_name}, {"output", "portaudio"}});
    }
    write_checkpoint(*db, key, midnight + hours(23) + minutes(59), "daily");
    tx.commit();
    chained = db->execAndGet("SELECT max(seq) FROM audit_chain").getInt64();
  }
  const auto last = date::year_month_day{first + date::days{d - 1}};
  write_bundle(*db, config,
               {o.start, format_iso(local_midnight(last, zone), zone).substr(0, 10),
                o.out / fmt::format("commune-{:03}.loaxa", index + 1)});
  db.reset();
  if (o.keep_db) {
    const fs::path kept = o.out / fmt::format("commune-{:03}", index + 1);
    fs::remove_all(kept);
    fs::rename(work, kept);
  } else {
    fs::remove_all(work);
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    const std::string v = argv[i + 1];
    if (a == "--out") {
      o.out = v;
    } else if (a == "--communes") {
      o.communes = std::stoi(v);
    } else if (a == "--days") {
      o.days = std::stoi(v);
    } else if (a == "--start") {
      o.start = v;
    } else if (a == "--seed") {
      o.seed = static_cast<unsigned>(std::stoul(v));
    } else if (a == "--events") {
      o.events = std::stoll(v);
    } else if (a == "--keep-db") {
      o.keep_db = v != "0";
    } else {
      std::cerr << "unknown option " << a << "\n";
      return 2;
    }
  }
  if (o.out.empty() || !parse_date(o.start) || o.communes < 1 || o.days < 1) {
    std::cerr << "usage: loaxa_bench_audit_gen --out DIR [--communes N] [--days D] "
                 "[--start YYYY-MM-DD] [--seed S] [--events N] [--keep-db 1]\n";
    return 2;
  }
  try {
    fs::create_directories(o.out);
    for (int c = 0; c < o.communes; ++c) {
      generate_commune(o, c, o.out / ".work");
      std::fprintf(stderr, "\r  generated %d/%d communes", c + 1, o.communes);
    }
    std::fprintf(stderr, "\n");
  } catch (const std::exception& e) {
    std::cerr << "loaxa_bench_audit_gen: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
