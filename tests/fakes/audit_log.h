#pragma once
// A station's log written through the real writers (SegmentRepository, BroadcastLog,
// StationEvents, write_checkpoint), for the audit tests: a known sequence of outcomes whose
// tallies and verdicts the tests know in advance.

#include <SQLiteCpp/Database.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "audit/station_key.h"
#include "config/station_config.h"
#include "core/time.h"
#include "store/broadcast_log.h"

namespace loaxa::testing {

/// One broadcast to write: its opening row, then (unless `outcome` is none) its outcome.
struct LoggedBroadcast {
  std::string programme = "cchc";
  Instant scheduled_at{};
  std::optional<Outcome> outcome = Outcome::kCompleted;  ///< none: left open
  std::optional<Reason> why;                             ///< none only for completed
  double played_fraction = 1.0;  ///< of the 30 s segment; 0 = nothing left the output
  int delay_ms = 4;              ///< first frame after the scheduled time
  std::string origin = "schedule";
  std::vector<std::string> zones;
  std::string output = "portaudio";  ///< or "rehearsal" (loaxad --output rehearsal)
};

class StationLog {
 public:
  /// A database and a key pair under `dir`; the config names them, with `station` as the
  /// station's name and Asia/Ho_Chi_Minh as its zone.
  StationLog(const std::filesystem::path& dir, const std::string& station);

  SQLite::Database& db() { return *db_; }
  StationConfig& config() { return config_; }
  const StationKey& key() const { return key_; }

  /// 06:00 (or `hour`:`minute`) local time on that day in the station's zone.
  Instant at(int year, unsigned month, unsigned day, int hour = 6, int minute = 0) const;

  /// Imports (as a row) and approves a 30 s segment "Giới thiệu dịch vụ công" with `id`.
  void segment(const std::string& id, const std::string& title, Instant at);
  std::int64_t broadcast(const LoggedBroadcast& b);
  void event(const std::string& kind, Instant at, const nlohmann::json& detail = {});
  void checkpoint(Instant at, const char* reason = "daily");

 private:
  StationConfig config_;
  std::unique_ptr<SQLite::Database> db_;
  StationKey key_;
  const date::time_zone* zone_;
};

/// November 2026 as the report tests expect it (table in audit_log.cpp): data from Monday
/// 2 November to Sunday 29 November, ISO weeks 45 to 48, programme cchc.
void write_known_month(StationLog& log);

}  // namespace loaxa::testing
