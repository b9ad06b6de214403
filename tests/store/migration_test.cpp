// Schema upgrades: a database written by an older loaxa keeps every row and gains what the new
// schema adds; opening an up-to-date database changes nothing.

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "audit/chain_verifier.h"
#include "core/text.h"
#include "store/database.h"
#include "store/segment_repository.h"

namespace loaxa {
namespace {

namespace fs = std::filesystem;

// Schema 1 exactly as loaxa released it (store/database.cpp, migration step 1). Frozen here on
// purpose: the test must upgrade what stations really have on disk, even if someone edits the
// step in the source by mistake.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE segments (
  id TEXT PRIMARY KEY,
  sha256 TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  tag TEXT NOT NULL DEFAULT '',
  format TEXT NOT NULL,
  original_name TEXT NOT NULL,
  library_path TEXT NOT NULL,
  sample_rate INTEGER NOT NULL,
  channels INTEGER NOT NULL,
  frames INTEGER NOT NULL,
  loudness_lufs REAL NOT NULL,
  true_peak_dbtp REAL NOT NULL,
  gain_db REAL NOT NULL,
  imported_at_us INTEGER NOT NULL,
  import_order INTEGER NOT NULL UNIQUE
);
CREATE INDEX segments_tag ON segments(tag, import_order);

-- The broadcast log. A row here is written before the first sample of a broadcast plays;
-- its outcome is a separate row written when it ends. Neither table is ever updated.
CREATE TABLE broadcasts (
  id INTEGER PRIMARY KEY,
  occurrence_key TEXT NOT NULL,
  programme_id TEXT NOT NULL,
  slot_index INTEGER NOT NULL,
  segment_ids TEXT NOT NULL,      -- JSON array
  segment_hashes TEXT NOT NULL,   -- JSON array, same order
  output TEXT NOT NULL,           -- 'portaudio' | 'rehearsal'
  device TEXT NOT NULL,
  scheduled_at_us INTEGER NOT NULL,
  opened_at_us INTEGER NOT NULL,
  frames_expected INTEGER NOT NULL,
  sample_rate INTEGER NOT NULL
);
CREATE INDEX broadcasts_scheduled ON broadcasts(scheduled_at_us);

CREATE TABLE broadcast_outcomes (
  broadcast_id INTEGER PRIMARY KEY REFERENCES broadcasts(id),
  started_at_us INTEGER,
  ended_at_us INTEGER,
  frames_delivered INTEGER NOT NULL,
  underruns INTEGER NOT NULL,
  peak_dbfs REAL NOT NULL,
  rms_dbfs REAL NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('completed','partial','stopped','failed','interrupted','missed','preempted')),
  reason TEXT NOT NULL,
  written_at_us INTEGER NOT NULL
);

CREATE TRIGGER broadcasts_no_update BEFORE UPDATE ON broadcasts
  BEGIN SELECT RAISE(ABORT, 'the broadcast log is append-only'); END;
CREATE TRIGGER broadcasts_no_delete BEFORE DELETE ON broadcasts
  BEGIN SELECT RAISE(ABORT, 'the broadcast log is append-only'); END;
CREATE TRIGGER outcomes_no_update BEFORE UPDATE ON broadcast_outcomes
  BEGIN SELECT RAISE(ABORT, 'the broadcast log is append-only'); END;
CREATE TRIGGER outcomes_no_delete BEFORE DELETE ON broadcast_outcomes
  BEGIN SELECT RAISE(ABORT, 'the broadcast log is append-only'); END;
)sql";

/// A station's database as loaxa 1 left it: two segments and one completed broadcast.
void write_v1_database(const fs::path& file) {
  SQLite::Database db(file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db.exec("PRAGMA journal_mode = WAL");
  db.exec(kSchemaV1);
  db.exec("PRAGMA application_id = 1280262488");  // "LOAX"
  db.exec("PRAGMA user_version = 1");
  for (const char* d : {"a", "b"}) {
    const std::string sha(64, d[0]);
    db.exec("INSERT INTO segments VALUES ('" + sha.substr(0, 12) + "', '" + sha + "', 'Một cửa " +
            d + "', 'cchc', 'WAV', 'x.wav', '" + sha +
            ".wav', 48000, 1, 144000, -20.0, -3.0, 4.0, 1000000, " + (d[0] == 'a' ? "1" : "2") +
            ")");
  }
  db.exec(
      "INSERT INTO broadcasts VALUES (1, 'cchc#0@1', 'cchc', 0, '[\"aaaaaaaaaaaa\"]', "
      "'[\"" +
      std::string(64, 'a') +
      "\"]', 'rehearsal', 'var/rehearsal/x.wav', 2000000, 1998000, 144000, 48000)");
  db.exec(
      "INSERT INTO broadcast_outcomes VALUES (1, 2000000, 5000000, 144000, 0, -6.0, -9.0, "
      "'completed', '', 5000001)");
}

/// Every schema object as (type, name, sql), for comparing two databases.
std::vector<std::string> schema_of(SQLite::Database& db) {
  std::vector<std::string> out;
  SQLite::Statement q(db,
                      "SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_schema "
                      "WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name");
  while (q.executeStep()) out.push_back(q.getColumn(0).getString());
  return out;
}

class MigrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("loaxa-migration-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(MigrationTest, CurrentVersionIsAtLeastTwo) {
  EXPECT_GE(current_schema_version(), 2);
}

TEST_F(MigrationTest, V1UpgradeKeepsEveryRowAndAddsSegmentEvents) {
  const fs::path file = dir_ / "loaxa.db";
  write_v1_database(file);

  auto db = open_database(file);
  EXPECT_EQ(db->execAndGet("PRAGMA user_version").getInt(), current_schema_version());
  EXPECT_EQ(db->execAndGet("SELECT count(*) FROM segments").getInt(), 2);
  EXPECT_EQ(db->execAndGet("SELECT count(*) FROM broadcasts").getInt(), 1);
  EXPECT_EQ(db->execAndGet("SELECT outcome FROM broadcast_outcomes").getString(), "completed");
  EXPECT_EQ(db->execAndGet("SELECT count(*) FROM segment_events").getInt(), 0);

  // What was imported before approvals existed waits for one.
  SegmentRepository repo(*db);
  const auto all = repo.all();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].title, "Một cửa a");
  EXPECT_EQ(all[0].approval, Segment::Approval::kPending);
  EXPECT_EQ(all[1].import_order, 2);

  repo.approve(all[0].id, "Chủ tịch UBND xã", Instant{std::chrono::seconds{3}});
  EXPECT_EQ(repo.find_by_id(all[0].id)->approval, Segment::Approval::kApproved);
  EXPECT_THROW(db->exec("UPDATE segments SET title = 'x'"), SQLite::Exception);
  EXPECT_THROW(db->exec("DELETE FROM segment_events"), SQLite::Exception);
}

TEST_F(MigrationTest, UpgradeChainsTheRowsAlreadyThereOldestFirst) {
  const fs::path file = dir_ / "loaxa.db";
  write_v1_database(file);
  auto db = open_database(file);
  // Two segments imported at 1 s, the broadcast opened at 1.998 s, its outcome at 5 s.
  std::vector<std::string> order;
  SQLite::Statement q(*db, "SELECT source FROM audit_chain ORDER BY seq");
  while (q.executeStep()) order.push_back(q.getColumn(0).getString());
  EXPECT_EQ(order,
            (std::vector<std::string>{"segments", "segments", "broadcasts", "broadcast_outcomes"}));
  const auto v = verify_database(*db, std::nullopt);
  EXPECT_TRUE(v.intact()) << v.problems.front().what.en;
  EXPECT_EQ(v.events, 4);
  EXPECT_EQ(v.unsigned_events, 4);
}

TEST_F(MigrationTest, UpgradedV1HasTheSameSchemaAsANewDatabase) {
  write_v1_database(dir_ / "old.db");
  auto upgraded = open_database(dir_ / "old.db");
  auto fresh = open_database(dir_ / "new.db");
  EXPECT_EQ(schema_of(*upgraded), schema_of(*fresh));
}

TEST_F(MigrationTest, OpeningAnUpToDateDatabaseAgainChangesNothing) {
  const fs::path file = dir_ / "loaxa.db";
  write_v1_database(file);
  std::vector<std::string> before;
  {
    auto db = open_database(file);
    SegmentRepository(*db).approve("aaaaaaaaaaaa", "A", Instant{std::chrono::seconds{3}});
    before = schema_of(*db);
  }
  auto db = open_database(file);
  EXPECT_EQ(db->execAndGet("PRAGMA user_version").getInt(), current_schema_version());
  EXPECT_EQ(schema_of(*db), before);
  EXPECT_EQ(db->execAndGet("SELECT count(*) FROM segment_events").getInt(), 1);
  EXPECT_EQ(db->execAndGet("SELECT count(*) FROM segments").getInt(), 2);
}

TEST_F(MigrationTest, ReadOnlyOpenOfAV1DatabaseListsSegmentsAsPending) {
  // `loaxa segment list` opens read-only and does not migrate: a station upgraded while its
  // daemon is stopped must still be able to inspect its catalogue.
  const fs::path file = dir_ / "loaxa.db";
  write_v1_database(file);
  auto db = open_database_readonly(file);
  SegmentRepository repo(*db);
  const auto all = repo.all();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].approval, Segment::Approval::kPending);
  EXPECT_TRUE(repo.events(all[0].id).empty());
  EXPECT_EQ(db->execAndGet("PRAGMA user_version").getInt(), 1);
}

TEST_F(MigrationTest, NewerSchemaIsRefusedAndLeftUntouched) {
  const fs::path file = dir_ / "loaxa.db";
  write_v1_database(file);
  {
    SQLite::Database db(file.string(), SQLite::OPEN_READWRITE);
    db.exec("PRAGMA user_version = " + std::to_string(current_schema_version() + 1));
  }
  try {
    open_database(file);
    FAIL() << "opened a database from a newer loaxa";
  } catch (const UserError& e) {
    EXPECT_NE(e.text().en.find("newer than this loaxa supports"), std::string::npos) << e.text().en;
  }
  SQLite::Database db(file.string(), SQLite::OPEN_READONLY);
  EXPECT_EQ(
      db.execAndGet("SELECT count(*) FROM sqlite_schema WHERE name = 'segment_events'").getInt(),
      0);
}

}  // namespace
}  // namespace loaxa
