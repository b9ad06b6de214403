#include "store/audit_chain.h"

#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "store/database.h"

namespace loaxa {
namespace {

namespace fs = std::filesystem;

/// The canonical text as the chain first defined it: the row as a nlohmann object, dumped.
/// Written here once more so that the encoder the store uses is held to it byte for byte.
std::string reference_encoding(SQLite::Database& db, const std::string& table, std::int64_t id,
                               std::int64_t seq) {
  SQLite::Statement q(db, "SELECT * FROM " + table + " WHERE id = ?");
  q.bind(1, static_cast<int64_t>(id));
  EXPECT_TRUE(q.executeStep());
  nlohmann::json row = nlohmann::json::object();
  for (int i = 0; i < q.getColumnCount(); ++i) {
    const SQLite::Column c = q.getColumn(i);
    switch (c.getType()) {
      case SQLITE_INTEGER:
        row[c.getName()] = static_cast<std::int64_t>(c.getInt64());
        break;
      case SQLITE_FLOAT:
        row[c.getName()] = c.getDouble();
        break;
      case SQLITE_TEXT:
        row[c.getName()] = c.getString();
        break;
      case SQLITE_BLOB:
        row[c.getName()] = "x'" +
                           to_hex(static_cast<const unsigned char*>(c.getBlob()),
                                  static_cast<std::size_t>(c.getBytes())) +
                           "'";
        break;
      default:
        row[c.getName()] = nullptr;
    }
  }
  nlohmann::json event = {{"row", std::move(row)}, {"seq", seq}, {"table", table}};
  return event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

TEST(CanonicalRowTest, EncodesEveryKindOfValueAsTheJsonTreeDid) {
  const fs::path dir =
      fs::temp_directory_path() / ("loaxa-canonical-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  {
    auto db = open_database(dir / "loaxa.db");
    // station_events takes any value in its columns (no STRICT): text of every sort that
    // needs escaping, non-ASCII text valid and invalid, a blob, a real, large integers.
    const char* values[] = {
        "'plain'",
        "'say \"xin chào\" \\ back\\slash'",
        "'Thông báo của UBND xã về phòng chống bão'",
        "'tab\tnew\nline' || char(1) || char(31) || char(127)",
        "CAST(X'61ff62c0af' AS TEXT)",
        "X'00ff10'",
        "0.1",
        "-2.5e-300",
        "9223372036854775807",
        "-9223372036854775808",
        "''",
    };
    std::vector<std::int64_t> ids;
    for (const char* v : values) {
      db->exec(std::string("INSERT INTO station_events (at_us, kind, detail) VALUES (") + v + ", " +
               v + ", " + v + ")");
      ids.push_back(db->getLastInsertRowid());
    }
    CanonicalRows rows(*db);
    for (std::size_t i = 0; i < ids.size(); ++i) {
      const auto seq = static_cast<std::int64_t>(i + 1);
      const auto encoded = rows.encode("station_events", ids[i], seq);
      ASSERT_TRUE(encoded) << values[i];
      EXPECT_EQ(*encoded, reference_encoding(*db, "station_events", ids[i], seq)) << values[i];
      EXPECT_EQ(*encoded, canonical_row(*db, "station_events", ids[i], seq)) << values[i];
    }
    EXPECT_FALSE(rows.encode("station_events", 999999, 1));
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace loaxa
