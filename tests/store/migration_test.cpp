// Schema upgrades: a database written by an older loaxa keeps every row and gains what the new
// schema adds; opening an up-to-date database changes nothing.

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <string>
#include <vector>

#include "audit/chain_verifier.h"
#include "core/text.h"
#include "store/audit_chain.h"
#include "store/broadcast_log.h"
#include "store/database.h"
#include "store/segment_repository.h"
#include "store/station_events.h"

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

// The later steps exactly as released (store/database.cpp), frozen for the same reason. When a
// new schema version is released, freeze its step here too: PreviousVersionIsFrozen fails
// until then, so the upgrade from the version stations run is always tested.
constexpr const char* kStepV2 = R"sql(
CREATE TABLE segment_events (
  id INTEGER PRIMARY KEY,
  segment_id TEXT NOT NULL REFERENCES segments(id),
  kind TEXT NOT NULL CHECK (kind IN ('approved','retired','validity')),
  by TEXT NOT NULL,
  at_us INTEGER NOT NULL,
  valid_from TEXT,    -- local date YYYY-MM-DD in the station's zone; NULL = unbounded
  valid_until TEXT,   -- inclusive; both set only on 'validity' (the whole range after it)
  CHECK (kind = 'validity' OR (valid_from IS NULL AND valid_until IS NULL)),
  CHECK (valid_from IS NULL OR valid_until IS NULL OR valid_until >= valid_from)
);
CREATE INDEX segment_events_segment ON segment_events(segment_id, id);

-- Retirement is final: a retired recording never airs again, whatever is appended later.
CREATE TRIGGER segment_events_no_approval_after_retirement BEFORE INSERT ON segment_events
  WHEN NEW.kind = 'approved' AND EXISTS (
    SELECT 1 FROM segment_events WHERE segment_id = NEW.segment_id AND kind = 'retired')
  BEGIN SELECT RAISE(ABORT, 'a retired segment cannot be approved again'); END;

CREATE TRIGGER segment_events_no_update BEFORE UPDATE ON segment_events
  BEGIN SELECT RAISE(ABORT, 'segment events are append-only'); END;
CREATE TRIGGER segment_events_no_delete BEFORE DELETE ON segment_events
  BEGIN SELECT RAISE(ABORT, 'segment events are append-only'); END;
CREATE TRIGGER segments_no_update BEFORE UPDATE ON segments
  BEGIN SELECT RAISE(ABORT, 'segments are immutable; record a segment event instead'); END;
CREATE TRIGGER segments_no_delete BEFORE DELETE ON segments
  BEGIN SELECT RAISE(ABORT, 'segments are immutable; retire the segment instead'); END;
)sql";

constexpr const char* kStepV3 = R"sql(
CREATE TABLE station_events (
  id INTEGER PRIMARY KEY,
  at_us INTEGER NOT NULL,
  kind TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '{}'  -- JSON object
);
CREATE INDEX station_events_kind ON station_events(kind, at_us);
CREATE TRIGGER station_events_no_update BEFORE UPDATE ON station_events
  BEGIN SELECT RAISE(ABORT, 'station events are append-only'); END;
CREATE TRIGGER station_events_no_delete BEFORE DELETE ON station_events
  BEGIN SELECT RAISE(ABORT, 'station events are append-only'); END;

-- Written every few seconds while a broadcast plays, so a broadcast cut by a crash or power
-- loss is closed at the next start with the frames it had delivered.
CREATE TABLE broadcast_progress (
  broadcast_id INTEGER NOT NULL REFERENCES broadcasts(id),
  at_us INTEGER NOT NULL,
  started_at_us INTEGER,
  frames_delivered INTEGER NOT NULL
);
CREATE INDEX broadcast_progress_id ON broadcast_progress(broadcast_id, at_us);
CREATE TRIGGER broadcast_progress_no_update BEFORE UPDATE ON broadcast_progress
  BEGIN SELECT RAISE(ABORT, 'the broadcast log is append-only'); END;
CREATE TRIGGER broadcast_progress_no_delete BEFORE DELETE ON broadcast_progress
  BEGIN SELECT RAISE(ABORT, 'the broadcast log is append-only'); END;

ALTER TABLE broadcasts ADD COLUMN priority TEXT NOT NULL DEFAULT 'normal';
ALTER TABLE broadcasts ADD COLUMN zones TEXT NOT NULL DEFAULT '[]';  -- JSON array; [] = all
ALTER TABLE broadcasts ADD COLUMN origin TEXT NOT NULL DEFAULT 'schedule';
ALTER TABLE broadcast_outcomes ADD COLUMN longest_silence_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE broadcast_outcomes ADD COLUMN dead_air INTEGER NOT NULL DEFAULT 0;
CREATE INDEX broadcasts_occurrence ON broadcasts(occurrence_key);
)sql";

// Step 4 (the audit chain) as released; the rows already there were chained by
// chain_existing_rows() after it.
constexpr const char* kStepV4 = R"sql(
CREATE TABLE audit_chain (
  seq INTEGER PRIMARY KEY,         -- 1, 2, 3, ... without gaps
  source TEXT NOT NULL,            -- the table of the chained row
  source_id INTEGER NOT NULL,      -- its key (import_order for segments)
  at_us INTEGER NOT NULL,
  payload TEXT NOT NULL,           -- canonical JSON of the row, with seq and table
  hash TEXT NOT NULL,              -- hex SHA-256(previous hash || payload)
  UNIQUE (source, source_id)
);
CREATE INDEX audit_chain_at ON audit_chain(at_us);
CREATE TRIGGER audit_chain_no_update BEFORE UPDATE ON audit_chain
  BEGIN SELECT RAISE(ABORT, 'the audit chain is append-only'); END;
CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_chain
  BEGIN SELECT RAISE(ABORT, 'the audit chain is append-only'); END;

-- The station's Ed25519 signature over the chain head: written at start, daily and at every
-- clean shutdown. Itself chained, so removing one breaks the chain.
CREATE TABLE checkpoints (
  id INTEGER PRIMARY KEY,
  at_us INTEGER NOT NULL,
  head_seq INTEGER NOT NULL,
  head_hash TEXT NOT NULL,
  public_key TEXT NOT NULL,        -- hex, 32 bytes
  signature TEXT NOT NULL,         -- hex, 64 bytes, over checkpoint_message()
  reason TEXT NOT NULL             -- start | daily | shutdown | export
);
CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints
  BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints
  BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
)sql";

// Step 5 (reason codes) as released; the outcomes already logged were mapped by
// map_logged_reasons() after it.
constexpr const char* kStepV5 = R"sql(
CREATE TABLE broadcast_reasons (
  broadcast_id INTEGER PRIMARY KEY REFERENCES broadcast_outcomes(broadcast_id),
  code TEXT NOT NULL,                 -- a stable id, core/reason.h (e.g. 'past_grace')
  params TEXT NOT NULL DEFAULT '{}',  -- JSON object of strings, in the order given
  from_text INTEGER NOT NULL DEFAULT 0 CHECK (from_text IN (0, 1)),
  at_us INTEGER NOT NULL              -- when the row was written
);
CREATE TRIGGER broadcast_reasons_no_update BEFORE UPDATE ON broadcast_reasons
  BEGIN SELECT RAISE(ABORT, 'the broadcast log is append-only'); END;
CREATE TRIGGER broadcast_reasons_no_delete BEFORE DELETE ON broadcast_reasons
  BEGIN SELECT RAISE(ABORT, 'the broadcast log is append-only'); END;
)sql";

/// Schema N is kReleasedSteps[0..N-1] applied in order.
constexpr std::array<const char*, 5> kReleasedSteps = {kSchemaV1, kStepV2, kStepV3, kStepV4,
                                                       kStepV5};

/// What loaxa 3 and 4 wrote for a broadcast cut by a crash.
constexpr const char* kCrashText =
    "loaxad stopped while broadcasting (crash or power cut); last checkpoint "
    "1970-01-01T07:00:10.000+07:00";

void write_database_at(const fs::path& file, int version);

/// A station's database as loaxa 1 left it: two segments and one completed broadcast.
void write_v1_database(const fs::path& file) {
  write_database_at(file, 1);
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

/// A station's database as the loaxa of schema `version` left it: kReleasedSteps applied up to
/// `version`, and rows in every table that version has.
void write_database_at(const fs::path& file, int version) {
  SQLite::Database db(file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db.exec("PRAGMA journal_mode = WAL");
  for (int v = 0; v < version; ++v) db.exec(kReleasedSteps[static_cast<std::size_t>(v)]);
  db.exec("PRAGMA application_id = 1280262488");  // "LOAX"
  db.exec("PRAGMA user_version = " + std::to_string(version));
  for (const char* d : {"a", "b"}) {
    const std::string sha(64, d[0]);
    db.exec("INSERT INTO segments VALUES ('" + sha.substr(0, 12) + "', '" + sha + "', 'Một cửa " +
            d + "', 'cchc', 'WAV', 'x.wav', '" + sha +
            ".wav', 48000, 1, 144000, -20.0, -3.0, 4.0, 1000000, " + (d[0] == 'a' ? "1" : "2") +
            ")");
  }
  const std::string hashes = "'[\"" + std::string(64, 'a') + "\"]'";
  db.exec(
      "INSERT INTO broadcasts (id, occurrence_key, programme_id, slot_index, segment_ids, "
      "segment_hashes, output, device, scheduled_at_us, opened_at_us, frames_expected, "
      "sample_rate) VALUES (1, 'cchc#0@2', 'cchc', 0, '[\"aaaaaaaaaaaa\"]', " +
      hashes + ", 'portaudio', 'JACK / system', 2000000, 1998000, 144000, 48000)");
  db.exec(
      "INSERT INTO broadcast_outcomes (broadcast_id, started_at_us, ended_at_us, "
      "frames_delivered, underruns, peak_dbfs, rms_dbfs, outcome, reason, written_at_us) "
      "VALUES (1, 2000000, 5000000, 144000, 0, -6.0, -9.0, 'completed', '', 5000001)");
  if (version >= 2) {
    db.exec(
        "INSERT INTO segment_events (segment_id, kind, by, at_us) "
        "VALUES ('aaaaaaaaaaaa', 'approved', 'Chủ tịch UBND xã', 1500000)");
  }
  if (version >= 3) {
    db.exec(
        "INSERT INTO station_events (at_us, kind, detail) VALUES "
        "(1000000, 'daemon_started', '{\"output\":\"portaudio\"}'), "
        "(7000000, 'daemon_alive', '{}')");
    db.exec(
        "INSERT INTO broadcasts (id, occurrence_key, programme_id, slot_index, segment_ids, "
        "segment_hashes, output, device, scheduled_at_us, opened_at_us, frames_expected, "
        "sample_rate, priority, zones, origin) VALUES (2, 'operator@8', 'operator', 0, "
        "'[\"aaaaaaaaaaaa\"]', " +
        hashes +
        ", 'portaudio', 'JACK / system', 8000000, 7600000, 144000, 48000, 'emergency', "
        "'[\"thon-dong\"]', 'operator')");
    db.exec("INSERT INTO broadcast_progress VALUES (2, 10000000, 8000000, 96000)");
    db.exec(
        "INSERT INTO broadcast_outcomes VALUES (2, 8000000, 10000000, 96000, 0, -6.0, -9.0, "
        "'interrupted', '" +
        std::string(kCrashText) + "', 12000000, 1234, 1)");
  }
  if (version >= 5) {
    // The row the migration to 5 mapped from the crash text of a station upgraded from 4.
    db.exec(
        "INSERT INTO broadcast_reasons VALUES (2, 'daemon_crashed', "
        "'{\"last_checkpoint\":\"1970-01-01T07:00:10.000+07:00\"}', 1, 12500000)");
  }
  // Schema 4 chained every record as it was written (the migration to 4 chained the rows
  // already there, which comes to the same chain).
  if (version >= 4) chain_existing_rows(db);
}

/// Every released schema version stations may have on disk, oldest first: each must upgrade
/// to the schema a new database has.
class UpgradeFrom : public MigrationTest, public ::testing::WithParamInterface<int> {};

TEST_F(MigrationTest, PreviousVersionIsFrozen) {
  EXPECT_GE(static_cast<int>(kReleasedSteps.size()), current_schema_version() - 1)
      << "schema " << current_schema_version() - 1
      << " is released but not frozen in kReleasedSteps: copy its migration step from "
         "store/database.cpp, so the upgrade from it is tested";
}

TEST_P(UpgradeFrom, KeepsEveryRowAndEndsWithTheSchemaOfANewDatabase) {
  const int version = GetParam();
  const fs::path file = dir_ / "old.db";
  write_database_at(file, version);

  auto db = open_database(file);
  EXPECT_EQ(db->execAndGet("PRAGMA user_version").getInt(), current_schema_version());
  auto fresh = open_database(dir_ / "new.db");
  EXPECT_EQ(schema_of(*db), schema_of(*fresh));

  // What the old version wrote reads back through today's repositories.
  SegmentRepository segments(*db);
  ASSERT_EQ(segments.all().size(), 2u);
  EXPECT_EQ(segments.find_by_id("aaaaaaaaaaaa")->approval,
            version >= 2 ? Segment::Approval::kApproved : Segment::Approval::kPending);
  const auto entries = BroadcastLog(*db).between(Instant{}, Instant{std::chrono::hours(1)});
  ASSERT_EQ(entries.size(), version >= 3 ? 2u : 1u);
  ASSERT_TRUE(entries[0].end.has_value());
  EXPECT_EQ(entries[0].end->outcome, Outcome::kCompleted);
  EXPECT_EQ(entries[0].end->frames_delivered, 144000);
  EXPECT_EQ(entries[0].start.priority, "normal");
  EXPECT_EQ(entries[0].start.origin, "schedule");
  if (version >= 3) {
    EXPECT_EQ(entries[1].start.priority, "emergency");
    EXPECT_EQ(entries[1].start.zones, std::vector<std::string>{"thon-dong"});
    EXPECT_EQ(entries[1].start.origin, "operator");
    ASSERT_TRUE(entries[1].end.has_value());
    EXPECT_EQ(entries[1].end->outcome, Outcome::kInterrupted);
    EXPECT_TRUE(entries[1].end->dead_air);
    EXPECT_EQ(StationEvents(*db).between(Instant{}, Instant{std::chrono::hours(1)}).size(), 2u);
    EXPECT_EQ(db->execAndGet("SELECT count(*) FROM broadcast_progress").getInt(), 1);
  }

  // The v5 migration gave the outcome other than completed its code, from its English text.
  if (version >= 3) {
    ASSERT_TRUE(entries[1].end->why.has_value());
    EXPECT_EQ(*entries[1].end->why, Reason(ReasonCode::kDaemonCrashed)
                                        .with("last_checkpoint", "1970-01-01T07:00:10.000+07:00"));
    EXPECT_EQ(entries[1].end->reason, kCrashText);
    EXPECT_EQ(db->execAndGet("SELECT from_text FROM broadcast_reasons").getInt(), 1);
  }
  EXPECT_FALSE(entries[0].end->why.has_value());

  // The v4 migration chained every record the old version kept (the heartbeat is not chained),
  // oldest first, and the v5 migration the reason it mapped, into a chain that verifies.
  const auto v = verify_database(*db, std::nullopt);
  EXPECT_TRUE(v.intact()) << v.problems.front().what.en;
  EXPECT_EQ(v.events, version >= 3 ? 9 : version >= 2 ? 5 : 4);

  // The upgraded log stays append-only.
  EXPECT_THROW(db->exec("UPDATE broadcast_outcomes SET outcome = 'completed'"), SQLite::Exception);
  EXPECT_THROW(db->exec("DELETE FROM broadcasts"), SQLite::Exception);
}

// Schema 5 maps the reasons a v4 station logged to codes without touching what was chained:
// the old events keep their payloads and hashes, the new rows are appended to the chain, and
// an edit of a mapped code is found like any other edit.
TEST_F(MigrationTest, V4ReasonsAreMappedByAppendingToTheChain) {
  const fs::path file = dir_ / "v4.db";
  write_database_at(file, 4);
  std::vector<std::string> before;
  {
    SQLite::Database old(file.string(), SQLite::OPEN_READONLY);
    SQLite::Statement q(old, "SELECT payload || hash FROM audit_chain ORDER BY seq");
    while (q.executeStep()) before.push_back(q.getColumn(0).getString());
  }
  ASSERT_EQ(before.size(), 8u);

  auto db = open_database(file);
  std::vector<std::string> after;
  {
    SQLite::Statement q(*db, "SELECT payload || hash FROM audit_chain ORDER BY seq");
    while (q.executeStep()) after.push_back(q.getColumn(0).getString());
  }
  ASSERT_EQ(after.size(), 9u);
  EXPECT_EQ(std::vector<std::string>(after.begin(), after.begin() + 8), before);
  EXPECT_NE(after[8].find("\"table\":\"broadcast_reasons\""), std::string::npos) << after[8];
  EXPECT_NE(after[8].find("\"code\":\"daemon_crashed\""), std::string::npos) << after[8];
  EXPECT_NE(after[8].find("\"from_text\":1"), std::string::npos) << after[8];
  EXPECT_TRUE(verify_database(*db, std::nullopt).intact());

  // Opening it again maps nothing twice.
  db.reset();
  db = open_database(file);
  EXPECT_EQ(db->execAndGet("SELECT count(*) FROM broadcast_reasons").getInt(), 1);

  db->exec("DROP TRIGGER broadcast_reasons_no_update");
  db->exec("UPDATE broadcast_reasons SET code = 'operator_stop'");
  const auto v = verify_database(*db, std::nullopt);
  ASSERT_FALSE(v.intact());
  EXPECT_NE(v.problems.front().what.en.find("code: 'daemon_crashed' → 'operator_stop'"),
            std::string::npos)
      << v.problems.front().what.en;
}

// Schema 6 adds segment edits as a chained table of their own: an upgraded log keeps every
// event as it was, verifies, and chains the edits made afterwards like any other record.
TEST_F(MigrationTest, V5UpgradeAddsSegmentEditsWithoutTouchingTheChain) {
  const fs::path file = dir_ / "v5.db";
  write_database_at(file, 5);
  std::vector<std::string> before;
  {
    SQLite::Database old(file.string(), SQLite::OPEN_READONLY);
    SQLite::Statement q(old, "SELECT payload || hash FROM audit_chain ORDER BY seq");
    while (q.executeStep()) before.push_back(q.getColumn(0).getString());
  }
  ASSERT_EQ(before.size(), 9u);

  auto db = open_database(file);
  std::vector<std::string> after;
  {
    SQLite::Statement q(*db, "SELECT payload || hash FROM audit_chain ORDER BY seq");
    while (q.executeStep()) after.push_back(q.getColumn(0).getString());
  }
  EXPECT_EQ(after, before);
  EXPECT_TRUE(verify_database(*db, std::nullopt).intact());

  SegmentRepository segments(*db);
  segments.edit("aaaaaaaaaaaa", "Bộ phận một cửa", std::nullopt, std::nullopt, "Văn phòng",
                Instant{std::chrono::seconds{20}});
  EXPECT_EQ(segments.find_by_id("aaaaaaaaaaaa")->title, "Bộ phận một cửa");
  EXPECT_TRUE(verify_database(*db, std::nullopt).intact());

  db->exec("DROP TRIGGER segment_edits_no_update");
  db->exec("UPDATE segment_edits SET title = 'Một cửa a'");
  const auto v = verify_database(*db, std::nullopt);
  ASSERT_FALSE(v.intact());
  EXPECT_NE(v.problems.front().what.en.find("title: 'Bộ phận một cửa' → 'Một cửa a'"),
            std::string::npos)
      << v.problems.front().what.en;
}

INSTANTIATE_TEST_SUITE_P(Schema, UpgradeFrom,
                         ::testing::Range(1, std::min(current_schema_version(),
                                                      static_cast<int>(kReleasedSteps.size())) +
                                                 1),
                         [](const ::testing::TestParamInfo<int>& p) {
                           return "V" + std::to_string(p.param);
                         });

}  // namespace
}  // namespace loaxa
