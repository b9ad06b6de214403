#include "store/broadcast_log.h"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <nlohmann/json.hpp>

#include "store/audit_chain.h"

namespace loaxa {
namespace {

std::int64_t us(Instant t) {
  return t.time_since_epoch().count();
}
Instant instant(std::int64_t v) {
  return Instant{std::chrono::microseconds{v}};
}

constexpr const char* kSelect =
    "SELECT b.id, b.occurrence_key, b.programme_id, b.slot_index, b.segment_ids, "
    "b.segment_hashes, b.output, b.device, b.scheduled_at_us, b.opened_at_us, "
    "b.frames_expected, b.sample_rate, o.broadcast_id, o.started_at_us, o.ended_at_us, "
    "o.frames_delivered, o.underruns, o.peak_dbfs, o.rms_dbfs, o.outcome, o.reason, "
    "b.priority, b.zones, b.origin, o.longest_silence_ms, o.dead_air, ";

// A database opened read-only at schema 4 has no broadcast_reasons yet.
std::string select_from(SQLite::Database& db) {
  const bool codes = db.tableExists("broadcast_reasons");
  return std::string(kSelect) +
         (codes ? "r.code, r.params FROM broadcasts b LEFT JOIN broadcast_outcomes o ON "
                  "o.broadcast_id = b.id LEFT JOIN broadcast_reasons r ON r.broadcast_id = b.id "
                : "NULL, NULL FROM broadcasts b LEFT JOIN broadcast_outcomes o ON "
                  "o.broadcast_id = b.id ");
}

Outcome outcome_from(const std::string& s) {
  if (s == "partial") return Outcome::kPartial;
  if (s == "stopped") return Outcome::kStopped;
  if (s == "failed") return Outcome::kFailed;
  if (s == "interrupted") return Outcome::kInterrupted;
  if (s == "missed") return Outcome::kMissed;
  if (s == "preempted") return Outcome::kPreempted;
  return Outcome::kCompleted;
}

BroadcastEntry row_to_entry(SQLite::Statement& q) {
  BroadcastEntry e;
  e.id = q.getColumn(0).getInt64();
  auto& s = e.start;
  s.occurrence_key = q.getColumn(1).getString();
  s.programme_id = q.getColumn(2).getString();
  s.slot_index = q.getColumn(3).getInt();
  s.segment_ids = nlohmann::json::parse(q.getColumn(4).getString()).get<std::vector<std::string>>();
  s.segment_hashes =
      nlohmann::json::parse(q.getColumn(5).getString()).get<std::vector<std::string>>();
  s.output = q.getColumn(6).getString();
  s.device = q.getColumn(7).getString();
  s.scheduled_at = instant(q.getColumn(8).getInt64());
  s.opened_at = instant(q.getColumn(9).getInt64());
  s.frames_expected = q.getColumn(10).getInt64();
  s.sample_rate = q.getColumn(11).getInt();
  s.priority = q.getColumn(21).getString();
  s.zones = nlohmann::json::parse(q.getColumn(22).getString()).get<std::vector<std::string>>();
  s.origin = q.getColumn(23).getString();
  if (!q.getColumn(12).isNull()) {
    BroadcastEnd end;
    if (!q.getColumn(13).isNull()) end.started_at = instant(q.getColumn(13).getInt64());
    if (!q.getColumn(14).isNull()) end.ended_at = instant(q.getColumn(14).getInt64());
    end.frames_delivered = q.getColumn(15).getInt64();
    end.underruns = q.getColumn(16).getInt64();
    end.peak_dbfs = q.getColumn(17).getDouble();
    end.rms_dbfs = q.getColumn(18).getDouble();
    end.outcome = outcome_from(q.getColumn(19).getString());
    end.reason = q.getColumn(20).getString();
    end.longest_silence_ms = q.getColumn(24).getInt64();
    end.dead_air = q.getColumn(25).getInt() != 0;
    if (!q.getColumn(26).isNull()) {
      end.why = stored_reason(q.getColumn(26).getString(), q.getColumn(27).getString());
    }
    e.end = end;
  }
  return e;
}

}  // namespace

const char* to_string(Outcome o) noexcept {
  switch (o) {
    case Outcome::kCompleted:
      return "completed";
    case Outcome::kPartial:
      return "partial";
    case Outcome::kStopped:
      return "stopped";
    case Outcome::kFailed:
      return "failed";
    case Outcome::kInterrupted:
      return "interrupted";
    case Outcome::kMissed:
      return "missed";
    case Outcome::kPreempted:
      return "preempted";
  }
  return "failed";
}

std::string reason_params_json(const Reason& reason) {
  nlohmann::ordered_json o = nlohmann::ordered_json::object();
  for (const auto& [name, value] : reason.params) o[name] = value;
  return o.dump();
}

std::optional<Reason> stored_reason(std::string_view code, std::string_view params_json) {
  const auto c = reason_code_from_string(code);
  if (!c) return std::nullopt;
  const auto o = nlohmann::ordered_json::parse(params_json, nullptr, false);
  if (!o.is_object()) return std::nullopt;
  Reason r(*c);
  for (const auto& [name, value] : o.items()) {
    if (!value.is_string()) return std::nullopt;
    r.params.emplace_back(name, value.get<std::string>());
  }
  return r;
}

void insert_reason(SQLite::Database& db, std::int64_t id, const Reason& reason, bool from_text,
                   Instant at) {
  SQLite::Statement q(db,
                      "INSERT INTO broadcast_reasons (broadcast_id, code, params, from_text, "
                      "at_us) VALUES (?,?,?,?,?)");
  q.bind(1, static_cast<int64_t>(id));
  q.bind(2, to_string(reason.code));
  q.bind(3, reason_params_json(reason));
  q.bind(4, from_text ? 1 : 0);
  q.bind(5, static_cast<int64_t>(us(at)));
  q.exec();
  AuditChain(db).append("broadcast_reasons", id, at);
}

namespace {

/// Inserts the opening row (with `id`, or the next rowid for 0) and chains it.
std::int64_t insert_open(SQLite::Database& db_, std::int64_t id, const BroadcastStart& s) {
  ChainedWrite write(db_);
  SQLite::Statement q(db_,
                      "INSERT INTO broadcasts (occurrence_key, programme_id, slot_index, "
                      "segment_ids, segment_hashes, output, device, scheduled_at_us, "
                      "opened_at_us, frames_expected, sample_rate, priority, zones, origin, id) "
                      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  q.bind(1, s.occurrence_key);
  q.bind(2, s.programme_id);
  q.bind(3, s.slot_index);
  q.bind(4, nlohmann::json(s.segment_ids).dump());
  q.bind(5, nlohmann::json(s.segment_hashes).dump());
  q.bind(6, s.output);
  q.bind(7, s.device);
  q.bind(8, static_cast<int64_t>(us(s.scheduled_at)));
  q.bind(9, static_cast<int64_t>(us(s.opened_at)));
  q.bind(10, static_cast<int64_t>(s.frames_expected));
  q.bind(11, s.sample_rate);
  q.bind(12, s.priority);
  q.bind(13, nlohmann::json(s.zones).dump());
  q.bind(14, s.origin);
  if (id > 0) {
    q.bind(15, static_cast<int64_t>(id));
  } else {
    q.bind(15);
  }
  q.exec();
  const std::int64_t row = db_.getLastInsertRowid();
  AuditChain(db_).append("broadcasts", row, s.opened_at);
  write.commit();
  return row;
}

void insert_close(SQLite::Database& db_, std::int64_t id, const BroadcastEnd& e) {
  std::optional<Reason> why = e.why;
  if (!why && !e.reason.empty()) why = Reason(ReasonCode::kUnmappedText).with("text", e.reason);
  const std::string text = why ? render(*why, Lang::kEn) : std::string();
  ChainedWrite write(db_);
  SQLite::Statement q(
      db_,
      "INSERT INTO broadcast_outcomes (broadcast_id, started_at_us, ended_at_us, "
      "frames_delivered, underruns, peak_dbfs, rms_dbfs, outcome, reason, "
      "written_at_us, longest_silence_ms, dead_air) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
  q.bind(1, static_cast<int64_t>(id));
  if (e.started_at) q.bind(2, static_cast<int64_t>(us(*e.started_at)));
  if (e.ended_at) q.bind(3, static_cast<int64_t>(us(*e.ended_at)));
  q.bind(4, static_cast<int64_t>(e.frames_delivered));
  q.bind(5, static_cast<int64_t>(e.underruns));
  q.bind(6, e.peak_dbfs);
  q.bind(7, e.rms_dbfs);
  q.bind(8, to_string(e.outcome));
  q.bind(9, text);
  q.bind(10, static_cast<int64_t>(us(e.closed_at)));
  q.bind(11, static_cast<int64_t>(e.longest_silence_ms));
  q.bind(12, e.dead_air ? 1 : 0);
  q.exec();
  AuditChain(db_).append("broadcast_outcomes", id, e.closed_at);
  if (why) insert_reason(db_, id, *why, false, e.closed_at);
  write.commit();
}

}  // namespace

std::int64_t BroadcastLog::open(const BroadcastStart& s) {
  if (journal_ == nullptr) return insert_open(db_, 0, s);
  // The id is decided here, not by SQLite, so the outcome can refer to an opening row that
  // is still waiting for disk space. Only the daemon writes broadcasts.
  if (next_id_ == 0) {
    next_id_ = db_.execAndGet("SELECT coalesce(max(id), 0) + 1 FROM broadcasts").getInt64();
  }
  const std::int64_t id = next_id_++;
  waiting_keys_.insert(s.occurrence_key);
  journal_->write([this, id, s](SQLite::Database& db) {
    insert_open(db, id, s);
    waiting_keys_.erase(s.occurrence_key);
  });
  return id;
}

void BroadcastLog::close(std::int64_t id, const BroadcastEnd& e) {
  if (journal_ == nullptr) return insert_close(db_, id, e);
  journal_->write([id, e](SQLite::Database& db) { insert_close(db, id, e); });
}

std::vector<BroadcastEntry> BroadcastLog::between(Instant from, Instant to) const {
  SQLite::Statement q(db_, select_from(db_) +
                               "WHERE b.scheduled_at_us >= ? AND b.scheduled_at_us < ? "
                               "ORDER BY b.scheduled_at_us, b.id");
  q.bind(1, static_cast<int64_t>(us(from)));
  q.bind(2, static_cast<int64_t>(us(to)));
  std::vector<BroadcastEntry> out;
  while (q.executeStep()) out.push_back(row_to_entry(q));
  return out;
}

std::vector<BroadcastEntry> BroadcastLog::open_entries() const {
  SQLite::Statement q(db_, select_from(db_) + "WHERE o.broadcast_id IS NULL ORDER BY b.id");
  std::vector<BroadcastEntry> out;
  while (q.executeStep()) out.push_back(row_to_entry(q));
  return out;
}

bool BroadcastLog::has_occurrence(const std::string& key) const {
  if (waiting_keys_.count(key) != 0) return true;
  SQLite::Statement q(db_, "SELECT 1 FROM broadcasts WHERE occurrence_key = ? LIMIT 1");
  q.bind(1, key);
  return q.executeStep();
}

namespace {

void insert_progress(SQLite::Database& db_, std::int64_t id, const BroadcastProgress& p) {
  SQLite::Statement q(db_,
                      "INSERT INTO broadcast_progress (broadcast_id, at_us, started_at_us, "
                      "frames_delivered) VALUES (?,?,?,?)");
  q.bind(1, static_cast<int64_t>(id));
  q.bind(2, static_cast<int64_t>(us(p.at)));
  if (p.started_at) q.bind(3, static_cast<int64_t>(us(*p.started_at)));
  q.bind(4, static_cast<int64_t>(p.frames_delivered));
  q.exec();
}

}  // namespace

void BroadcastLog::add_progress(std::int64_t id, const BroadcastProgress& p) {
  if (journal_ == nullptr) return insert_progress(db_, id, p);
  journal_->write_or_drop([id, p](SQLite::Database& db) { insert_progress(db, id, p); });
}

std::optional<BroadcastProgress> BroadcastLog::latest_progress(std::int64_t id) const {
  SQLite::Statement q(db_,
                      "SELECT at_us, started_at_us, frames_delivered FROM broadcast_progress "
                      "WHERE broadcast_id = ? ORDER BY at_us DESC LIMIT 1");
  q.bind(1, static_cast<int64_t>(id));
  if (!q.executeStep()) return std::nullopt;
  BroadcastProgress p;
  p.at = instant(q.getColumn(0).getInt64());
  if (!q.getColumn(1).isNull()) p.started_at = instant(q.getColumn(1).getInt64());
  p.frames_delivered = q.getColumn(2).getInt64();
  return p;
}

}  // namespace loaxa
