#pragma once
// The hash chain that makes the station's records tamper-evident (issue 4).
//
// Every record an inspector relies on (segments imported, segment approvals, retirements and
// edits, each broadcast's opening row and its outcome, station events, signed checkpoints) is, in
// the same transaction as its own row, appended to `audit_chain` as one event:
//
//   payload = canonical JSON {"row":{column:value,...},"seq":N,"table":"broadcasts"}
//   hash    = SHA-256(previous event's hash ‖ payload), the first event's previous hash being
//             32 zero bytes
//
// The payload is derived from the stored row by one function (canonical_row), so a verifier
// can recompute it from the table and see an edited field, and can recompute the hashes and
// see an edited, deleted, inserted or reordered event. Heartbeats (`daemon_alive`) and
// progress checkpoints of broadcasts under way are operational data and not chained.

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "hash/sha256.h"

namespace loaxa {

/// Parses exactly 2 × `size` hex digits into `out`; false for anything else.
bool from_hex(std::string_view hex, unsigned char* out, std::size_t size);
/// Parses 64 hex digits; none for anything else.
std::optional<Sha256> sha256_from_hex(std::string_view hex);

/// The columns of an audit_chain row in the order read_chain_event() takes them.
inline constexpr const char* kChainEventSelect =
    "SELECT seq, source, source_id, at_us, payload, hash FROM audit_chain ";

/// SHA-256(previous ‖ payload): the link of the chain.
Sha256 chain_hash(const Sha256& previous, std::string_view payload);

/// The tables whose rows are chained, in the order a migration chains existing rows.
const std::vector<std::string>& chained_tables();
/// Whether row `kind` of station_events is chained (heartbeats are not).
bool is_chained_station_event(std::string_view kind);

/// One event of the chain as stored.
struct ChainEvent {
  std::int64_t seq = 0;
  std::string table;
  std::int64_t row_id = 0;
  Instant at{};
  std::string payload;
  Sha256 hash{};
};

/// The current row of a statement that starts with kChainEventSelect.
ChainEvent read_chain_event(SQLite::Statement& q);

/// The canonical JSON of row `row_id` of `table` (every column, keys sorted), wrapped with
/// the event's seq and table; none if the row does not exist.
std::optional<std::string> canonical_row(SQLite::Database& db, std::string_view table,
                                         std::int64_t row_id, std::int64_t seq);

/// canonical_row() for many rows, keeping one prepared statement per table.
class CanonicalRows {
 public:
  explicit CanonicalRows(SQLite::Database& db);
  ~CanonicalRows();
  std::optional<std::string> encode(std::string_view table, std::int64_t row_id, std::int64_t seq);

 private:
  struct Table;
  SQLite::Database& db_;
  std::vector<Table> tables_;
};

/// For each chained table: the keys of rows that should be chained but have no event.
struct UnchainedRow {
  std::string table;
  std::int64_t row_id = 0;
  Instant at{};
};
std::vector<UnchainedRow> unchained_rows(SQLite::Database& db);

class AuditChain {
 public:
  explicit AuditChain(SQLite::Database& db) : db_(db) {}

  /// Chains row `row_id` of `table`, just written in the caller's open transaction (the row
  /// insert must come first: it takes the write lock, so the head read here is current).
  ChainEvent append(std::string_view table, std::int64_t row_id, Instant at);
  /// The last event, if any.
  std::optional<ChainEvent> head() const;
  /// Whether the audit_chain table exists (a database opened read-only at an old schema).
  bool exists() const;

 private:
  SQLite::Database& db_;
};

/// A row insert and its chain event land together or not at all: a SAVEPOINT inside a
/// caller's transaction, else its own BEGIN IMMEDIATE (taking the write lock before the head
/// is read, so two processes appending at once queue instead of forking the chain).
class ChainedWrite {
 public:
  explicit ChainedWrite(SQLite::Database& db);
  ~ChainedWrite();
  ChainedWrite(const ChainedWrite&) = delete;
  ChainedWrite& operator=(const ChainedWrite&) = delete;
  void commit();

 private:
  SQLite::Database& db_;
  bool nested_ = false;
  bool done_ = false;
};

/// Chains every row of the chained tables that has no event yet, oldest first. Only the
/// migration that introduces the chain calls it: afterwards an unchained row is a finding.
void chain_existing_rows(SQLite::Database& db);

}  // namespace loaxa
