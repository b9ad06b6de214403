#include "store/audit_chain.h"

#include <SQLiteCpp/Statement.h>
#include <fmt/format.h>
#include <sodium.h>
#include <sqlite3.h>

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace loaxa {
namespace {

struct TableInfo {
  const char* name;
  const char* key;     ///< the integer column that identifies a row for ever
  const char* at;      ///< when the row's event happened (µs since the epoch, UTC)
  const char* filter;  ///< rows of the table that are chained
};

// segments' text id is its primary key, so its rowid is not stable across VACUUM;
// import_order is unique and never changes.
constexpr TableInfo kTables[] = {
    {"segments", "import_order", "imported_at_us", "1"},
    {"segment_events", "id", "at_us", "1"},
    {"segment_edits", "id", "at_us", "1"},
    {"broadcasts", "id", "opened_at_us", "1"},
    {"broadcast_outcomes", "broadcast_id", "written_at_us", "1"},
    {"broadcast_reasons", "broadcast_id", "at_us", "1"},
    {"station_events", "id", "at_us", "kind <> 'daemon_alive'"},
    {"checkpoints", "id", "at_us", "1"},
};

const TableInfo& info(std::string_view table) {
  for (const auto& t : kTables) {
    if (table == t.name) return t;
  }
  throw std::logic_error(fmt::format("table {} is not chained", table));
}

std::int64_t us(Instant t) {
  return t.time_since_epoch().count();
}

}  // namespace

bool from_hex(std::string_view hex, unsigned char* out, std::size_t size) {
  std::size_t len = 0;
  return hex.size() == 2 * size &&
         sodium_hex2bin(out, size, hex.data(), hex.size(), nullptr, &len, nullptr) == 0 &&
         len == size;
}

std::optional<Sha256> sha256_from_hex(std::string_view hex) {
  // Hashes are public: no need for sodium_hex2bin's constant time, and every event has one.
  static constexpr auto kDigit = [] {
    std::array<signed char, 256> t{};
    t.fill(-1);
    for (int c = 0; c < 10; ++c) t['0' + c] = static_cast<signed char>(c);
    for (int c = 0; c < 6; ++c) {
      t['a' + c] = static_cast<signed char>(10 + c);
      t['A' + c] = static_cast<signed char>(10 + c);
    }
    return t;
  }();
  Sha256 out{};
  if (hex.size() != 2 * out.size()) return std::nullopt;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = kDigit[static_cast<unsigned char>(hex[2 * i])];
    const int lo = kDigit[static_cast<unsigned char>(hex[2 * i + 1])];
    if ((hi | lo) < 0) return std::nullopt;
    out[i] = static_cast<unsigned char>(hi << 4 | lo);
  }
  return out;
}

ChainEvent read_chain_event(SQLite::Statement& q) {
  ChainEvent e;
  e.seq = q.getColumn(0).getInt64();
  e.table = q.getColumn(1).getString();
  e.row_id = q.getColumn(2).getInt64();
  e.at = Instant{std::chrono::microseconds{q.getColumn(3).getInt64()}};
  e.payload = q.getColumn(4).getString();
  e.hash = sha256_from_hex(q.getColumn(5).getString()).value_or(Sha256{});
  return e;
}

Sha256 chain_hash(const Sha256& previous, std::string_view payload) {
  Sha256Hasher h;
  h.update(previous.data(), previous.size());
  h.update(payload);
  return h.finish();
}

const std::vector<std::string>& chained_tables() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& t : kTables) v.emplace_back(t.name);
    return v;
  }();
  return names;
}

bool is_chained_station_event(std::string_view kind) {
  return kind != "daemon_alive";
}

std::optional<std::string> canonical_row(SQLite::Database& db, std::string_view table,
                                         std::int64_t row_id, std::int64_t seq) {
  return CanonicalRows(db).encode(table, row_id, seq);
}

namespace {

/// Appends `s` as nlohmann's dump() writes a string (ensure_ascii off, invalid UTF-8 replaced).
/// ASCII text is escaped here; anything else goes through nlohmann itself, so the output is
/// the same byte for byte.
void append_string(std::string& out, std::string_view s) {
  for (const unsigned char c : s) {
    if (c < 0x20 || c >= 0x80) {
      out += nlohmann::json(std::string(s))
                 .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      return;
    }
  }
  out += '"';
  for (const char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

void append_integer(std::string& out, std::int64_t n) {
  char digits[24];
  const auto end = std::to_chars(std::begin(digits), std::end(digits), n).ptr;
  out.append(digits, end);
}

}  // namespace

struct CanonicalRows::Table {
  std::string name;
  std::unique_ptr<SQLite::Statement> query;
  std::vector<int> order;         ///< column indexes, by column name
  std::vector<std::string> keys;  ///< "\"name\":" of each, in that order
};

CanonicalRows::CanonicalRows(SQLite::Database& db) : db_(db) {}
CanonicalRows::~CanonicalRows() = default;

std::optional<std::string> CanonicalRows::encode(std::string_view table, std::int64_t row_id,
                                                 std::int64_t seq) {
  const TableInfo& t = info(table);
  Table* found = nullptr;
  for (auto& candidate : tables_) {
    if (candidate.name == t.name) found = &candidate;
  }
  if (!found) {
    Table fresh{t.name,
                std::make_unique<SQLite::Statement>(
                    db_, fmt::format("SELECT * FROM {} WHERE {} = ?", t.name, t.key)),
                {},
                {}};
    const int columns = fresh.query->getColumnCount();
    for (int i = 0; i < columns; ++i) fresh.order.push_back(i);
    // The order of nlohmann's object (a std::map): one text for one row, whoever computes it.
    std::sort(fresh.order.begin(), fresh.order.end(), [&](int a, int b) {
      return std::string(fresh.query->getColumnName(a)) <
             std::string(fresh.query->getColumnName(b));
    });
    for (const int i : fresh.order) {
      std::string key;
      append_string(key, fresh.query->getColumnName(i));
      fresh.keys.push_back(key + ':');
    }
    tables_.push_back(std::move(fresh));
    found = &tables_.back();
  }
  SQLite::Statement& q = *found->query;
  q.reset();
  q.bind(1, static_cast<int64_t>(row_id));
  if (!q.executeStep()) return std::nullopt;
  // Written directly rather than through a JSON tree, as nlohmann's dump(): compact, keys
  // sorted. Each row is encoded once at write and once per verification.
  std::string out = "{\"row\":{";
  for (std::size_t k = 0; k < found->order.size(); ++k) {
    if (k > 0) out += ',';
    out += found->keys[k];
    const SQLite::Column c = q.getColumn(found->order[k]);
    switch (c.getType()) {
      case SQLITE_INTEGER:
        append_integer(out, c.getInt64());
        break;
      case SQLITE_FLOAT:
        out += nlohmann::json(c.getDouble()).dump();
        break;
      case SQLITE_TEXT: {
        const char* text = c.getText();  // before getBytes(), as SQLite asks
        append_string(out, std::string_view(text, static_cast<std::size_t>(c.getBytes())));
        break;
      }
      case SQLITE_BLOB:
        append_string(out, "x'" +
                               to_hex(static_cast<const unsigned char*>(c.getBlob()),
                                      static_cast<std::size_t>(c.getBytes())) +
                               "'");
        break;
      default:
        out += "null";
    }
  }
  out += "},\"seq\":";
  append_integer(out, seq);
  out += ",\"table\":";
  append_string(out, t.name);
  out += '}';
  return out;
}

bool AuditChain::exists() const {
  return db_.tableExists("audit_chain");
}

std::optional<ChainEvent> AuditChain::head() const {
  SQLite::Statement q(db_, std::string(kChainEventSelect) + "ORDER BY seq DESC LIMIT 1");
  if (!q.executeStep()) return std::nullopt;
  return read_chain_event(q);
}

ChainEvent AuditChain::append(std::string_view table, std::int64_t row_id, Instant at) {
  const auto previous = head();
  ChainEvent e;
  e.seq = previous ? previous->seq + 1 : 1;
  e.table = std::string(table);
  e.row_id = row_id;
  e.at = at;
  auto payload = canonical_row(db_, table, row_id, e.seq);
  if (!payload) {
    throw std::logic_error(fmt::format("chaining {} row {}: no such row", table, row_id));
  }
  e.payload = std::move(*payload);
  e.hash = chain_hash(previous ? previous->hash : Sha256{}, e.payload);
  SQLite::Statement q(db_,
                      "INSERT INTO audit_chain (seq, source, source_id, at_us, payload, hash) "
                      "VALUES (?,?,?,?,?,?)");
  q.bind(1, static_cast<int64_t>(e.seq));
  q.bind(2, e.table);
  q.bind(3, static_cast<int64_t>(e.row_id));
  q.bind(4, static_cast<int64_t>(us(e.at)));
  q.bind(5, e.payload);
  q.bind(6, to_hex(e.hash));
  q.exec();
  return e;
}

ChainedWrite::ChainedWrite(SQLite::Database& db)
    : db_(db), nested_(sqlite3_get_autocommit(db.getHandle()) == 0) {
  db_.exec(nested_ ? "SAVEPOINT chained_write" : "BEGIN IMMEDIATE");
}

ChainedWrite::~ChainedWrite() {
  if (done_) return;
  try {
    if (nested_) {
      db_.exec("ROLLBACK TO chained_write");
      db_.exec("RELEASE chained_write");
    } else {
      db_.exec("ROLLBACK");
    }
  } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
  }
}

void ChainedWrite::commit() {
  db_.exec(nested_ ? "RELEASE chained_write" : "COMMIT");
  done_ = true;
}

namespace {

std::string unchained_query(SQLite::Database& db) {
  std::string sql;
  int rank = 0;
  for (const auto& t : kTables) {
    if (!db.tableExists(t.name)) continue;
    if (!sql.empty()) sql += " UNION ALL ";
    sql += fmt::format(
        "SELECT '{0}' AS tbl, {1} AS rank, {2} AS row_id, {3} AS at FROM {0} WHERE {4} AND "
        "NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.source = '{0}' AND c.source_id = {2})",
        t.name, rank++, t.key, t.at, t.filter);
  }
  return sql + " ORDER BY at, rank, row_id";
}

}  // namespace

std::vector<UnchainedRow> unchained_rows(SQLite::Database& db) {
  SQLite::Statement q(db, unchained_query(db));
  std::vector<UnchainedRow> out;
  while (q.executeStep()) {
    out.push_back({q.getColumn(0).getString(), q.getColumn(2).getInt64(),
                   Instant{std::chrono::microseconds{q.getColumn(3).getInt64()}}});
  }
  return out;
}

void chain_existing_rows(SQLite::Database& db) {
  AuditChain chain(db);
  for (const auto& r : unchained_rows(db)) chain.append(r.table, r.row_id, r.at);
}

}  // namespace loaxa
