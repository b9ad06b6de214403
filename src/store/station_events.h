#pragma once
// What the station itself did: daemon start and stop, liveness, output device lost and back,
// schedule reloads, amplifier commands. Append-only, like the broadcast log.

#include <SQLiteCpp/Database.h>

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/reason.h"
#include "core/time.h"
#include "store/log_journal.h"

namespace loaxa {

struct StationEvent {
  std::int64_t id = 0;
  Instant at{};
  std::string kind;  ///< daemon_started, daemon_alive, daemon_stopped, device_lost, ...
  nlohmann::json detail = nlohmann::json::object();
};

/// `detail` with the reason of the event: reason_code, reason_params (an object of strings, in
/// order) and, for older readers, reason (the English text).
nlohmann::json with_reason(nlohmann::json detail, const Reason& reason);

class StationEvents {
 public:
  explicit StationEvents(SQLite::Database& db) : db_(db) {}
  /// Writes through `journal`: while the disk is full, events wait in memory (the daemon).
  StationEvents(SQLite::Database& db, LogJournal& journal) : db_(db), journal_(&journal) {}
  void append(const std::string& kind, Instant at,
              const nlohmann::json& detail = nlohmann::json::object());
  /// The latest time any of `kinds` was recorded.
  std::optional<Instant> last_of(std::initializer_list<const char*> kinds) const;
  /// Events with from <= at < to, in order.
  std::vector<StationEvent> between(Instant from, Instant to) const;

 private:
  SQLite::Database& db_;
  LogJournal* journal_ = nullptr;
};

}  // namespace loaxa
