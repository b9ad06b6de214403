#include "store/database.h"

#include <SQLiteCpp/Transaction.h>
#include <fmt/format.h>
#include <sqlite3.h>

#include <array>
#include <string_view>

#include "core/text.h"
#include "store/audit_chain.h"
#include "store/legacy_reasons.h"

namespace loaxa {
namespace {

// Identifies a loaxa database (PRAGMA application_id), so a foreign SQLite file is refused
// rather than migrated. "LOAX" in ASCII.
constexpr int kApplicationId = 0x4c4f4158;

// The schema version that introduced the audit chain.
constexpr int kChainVersion = 4;
// The schema version that introduced reason codes.
constexpr int kReasonVersion = 5;

// Migration N takes the schema from version N to N+1. Never edit a step once released:
// add a new one.
constexpr std::array<std::string_view, 6> kMigrations = {
    R"sql(
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
)sql",
    // 2: approval and validity of segments (issue 3), as an append-only history an inspector
    // can read, rather than columns that an UPDATE would silently overwrite. A segment's
    // current state is derived from its events; the segment rows themselves become immutable.
    R"sql(
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
)sql",
    // v3: what the station itself did (start, stop, device lost/back, reloads, amplifier
    // commands), progress checkpoints of broadcasts under way, and per-broadcast details.
    R"sql(
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
)sql",
    // v4: the hash chain over every record an inspector relies on, and the signed checkpoints
    // of its head (issue 4; see store/audit_chain.h). The rows already there are chained by
    // the migration, oldest first.
    R"sql(
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
)sql",
    // v5: why a broadcast did not complete, as a code and its parameters (issue 12), in a
    // chained table of its own: a column added to broadcast_outcomes would change the canonical
    // payload of every outcome already chained. Each outcome other than completed gets one row,
    // written with it; the migration maps the outcomes already logged from their English text
    // (store/legacy_reasons.h) and marks those rows from_text = 1.
    R"sql(
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
)sql",
    // v6: edits of a segment's title, tag and note (`loaxa segment edit`), chained like its
    // approvals, in a table of their own: a new kind in segment_events would mean rebuilding
    // the table for its CHECK, and new columns there would change the canonical payload of
    // every event already chained. Nothing to migrate: no edit existed before.
    R"sql(
CREATE TABLE segment_edits (
  id INTEGER PRIMARY KEY,
  segment_id TEXT NOT NULL REFERENCES segments(id),
  title TEXT,   -- the new title; NULL = unchanged
  tag TEXT,     -- the new tag ('' = none); NULL = unchanged
  note TEXT,    -- the new note ('' = none); NULL = unchanged
  by TEXT NOT NULL,
  at_us INTEGER NOT NULL,
  CHECK (title IS NOT NULL OR tag IS NOT NULL OR note IS NOT NULL),
  CHECK (title IS NULL OR title <> '')
);
CREATE INDEX segment_edits_segment ON segment_edits(segment_id, id);
CREATE TRIGGER segment_edits_no_update BEFORE UPDATE ON segment_edits
  BEGIN SELECT RAISE(ABORT, 'segment edits are append-only'); END;
CREATE TRIGGER segment_edits_no_delete BEFORE DELETE ON segment_edits
  BEGIN SELECT RAISE(ABORT, 'segment edits are append-only'); END;
)sql",
};

[[noreturn]] void not_ours(const std::filesystem::path& file, const std::string& why) {
  throw UserError(
      {fmt::format("{}: không phải cơ sở dữ liệu của loaxa ({}); tệp được giữ nguyên — hãy "
                   "kiểm tra [storage] database trong cấu hình",
                   file.string(), why),
       fmt::format("{}: not a loaxa database ({}); the file was left untouched — check "
                   "[storage] database in the config",
                   file.string(), why)});
}

void configure(SQLite::Database& db) {
  db.exec("PRAGMA foreign_keys = ON");
  db.exec("PRAGMA busy_timeout = 5000");
}

}  // namespace

int current_schema_version() {
  return static_cast<int>(kMigrations.size());
}

std::unique_ptr<SQLite::Database> open_database(const std::filesystem::path& file) {
  std::error_code ec;
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
  std::unique_ptr<SQLite::Database> db;
  try {
    db = std::make_unique<SQLite::Database>(file.string(),
                                            SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    configure(*db);
    int app_id = db->execAndGet("PRAGMA application_id").getInt();
    int version = db->execAndGet("PRAGMA user_version").getInt();
    int tables = db->execAndGet("SELECT count(*) FROM sqlite_schema").getInt();
    if (app_id != kApplicationId && !(app_id == 0 && version == 0 && tables == 0)) {
      not_ours(file, "application_id khác / foreign application_id");
    }
    if (version > current_schema_version()) {
      throw UserError(
          {fmt::format("{}: cơ sở dữ liệu có phiên bản lược đồ {} mới hơn bản loaxa này ({}); "
                       "hãy cập nhật loaxa",
                       file.string(), version, current_schema_version()),
           fmt::format("{}: database schema version {} is newer than this loaxa supports ({}); "
                       "upgrade loaxa",
                       file.string(), version, current_schema_version())});
    }
    // WAL: readers (the CLI) never block the daemon's writes; synchronous=FULL so an entry
    // acknowledged before a power cut is still there after it.
    db->exec("PRAGMA journal_mode = WAL");
    db->exec("PRAGMA synchronous = FULL");
    for (int v = version; v < current_schema_version(); ++v) {
      SQLite::Transaction tx(*db);
      db->exec(std::string(kMigrations[v]));
      if (v + 1 == kChainVersion) chain_existing_rows(*db);
      if (v + 1 == kReasonVersion) map_logged_reasons(*db);
      db->exec(fmt::format("PRAGMA application_id = {}", kApplicationId));
      db->exec(fmt::format("PRAGMA user_version = {}", v + 1));
      tx.commit();
    }
  } catch (const SQLite::Exception& e) {
    if (e.getErrorCode() == SQLITE_NOTADB || e.getErrorCode() == SQLITE_CORRUPT) {
      not_ours(file, e.what());
    }
    throw UserError({fmt::format("{}: không mở được cơ sở dữ liệu: {}", file.string(), e.what()),
                     fmt::format("{}: cannot open database: {}", file.string(), e.what())});
  }
  return db;
}

std::unique_ptr<SQLite::Database> open_database_readonly(const std::filesystem::path& file) {
  if (!std::filesystem::exists(file)) {
    throw UserError({fmt::format("{}: chưa có cơ sở dữ liệu (chưa nhập đoạn âm thanh nào, "
                                 "hoặc sai [storage] database)",
                                 file.string()),
                     fmt::format("{}: no database yet (nothing imported, or wrong [storage] "
                                 "database)",
                                 file.string())});
  }
  try {
    // One thread per read-only connection (the CLI's): SQLite's own locking is not needed.
    auto db = std::make_unique<SQLite::Database>(file.string(),
                                                 SQLite::OPEN_READONLY | SQLite::OPEN_NOMUTEX);
    db->exec("PRAGMA busy_timeout = 5000");
    if (db->execAndGet("PRAGMA application_id").getInt() != kApplicationId) {
      not_ours(file, "application_id");
    }
    return db;
  } catch (const SQLite::Exception& e) {
    not_ours(file, e.what());
  }
}

}  // namespace loaxa
