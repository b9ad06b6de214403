#include "store/station_events.h"

#include <SQLiteCpp/Statement.h>

#include "store/audit_chain.h"

namespace loaxa {

namespace {

void insert_event(SQLite::Database& db_, const std::string& kind, Instant at,
                  const nlohmann::json& detail) {
  ChainedWrite write(db_);
  SQLite::Statement q(db_, "INSERT INTO station_events (at_us, kind, detail) VALUES (?,?,?)");
  q.bind(1, static_cast<int64_t>(at.time_since_epoch().count()));
  q.bind(2, kind);
  q.bind(3, detail.dump());
  q.exec();
  if (is_chained_station_event(kind)) {
    AuditChain(db_).append("station_events", db_.getLastInsertRowid(), at);
  }
  write.commit();
}

}  // namespace

nlohmann::json with_reason(nlohmann::json detail, const Reason& reason) {
  nlohmann::json params = nlohmann::json::object();
  for (const auto& [name, value] : reason.params) params[name] = value;
  detail["reason"] = render(reason, Lang::kEn);
  detail["reason_code"] = to_string(reason.code);
  detail["reason_params"] = std::move(params);
  return detail;
}

void StationEvents::append(const std::string& kind, Instant at, const nlohmann::json& detail) {
  if (journal_ == nullptr) return insert_event(db_, kind, at, detail);
  journal_->write([kind, at, detail](SQLite::Database& db) { insert_event(db, kind, at, detail); });
}

std::optional<Instant> StationEvents::last_of(std::initializer_list<const char*> kinds) const {
  std::string in;
  for (std::size_t i = 0; i < kinds.size(); ++i) in += i ? ",?" : "?";
  SQLite::Statement q(db_, "SELECT max(at_us) FROM station_events WHERE kind IN (" + in + ")");
  int i = 1;
  for (const char* k : kinds) q.bind(i++, k);
  if (!q.executeStep() || q.getColumn(0).isNull()) return std::nullopt;
  return Instant{std::chrono::microseconds{q.getColumn(0).getInt64()}};
}

std::vector<StationEvent> StationEvents::between(Instant from, Instant to) const {
  SQLite::Statement q(db_,
                      "SELECT id, at_us, kind, detail FROM station_events WHERE at_us >= ? AND "
                      "at_us < ? ORDER BY at_us, id");
  q.bind(1, static_cast<int64_t>(from.time_since_epoch().count()));
  q.bind(2, static_cast<int64_t>(to.time_since_epoch().count()));
  std::vector<StationEvent> out;
  while (q.executeStep()) {
    StationEvent e;
    e.id = q.getColumn(0).getInt64();
    e.at = Instant{std::chrono::microseconds{q.getColumn(1).getInt64()}};
    e.kind = q.getColumn(2).getString();
    e.detail = nlohmann::json::parse(q.getColumn(3).getString(), nullptr, false);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace loaxa
