// Fault suite: bad files under the daemon. A corrupted or foreign database at start gives a
// clear error, leaves the file untouched and exits non-zero; a segment whose library file was
// altered or deleted after import is logged failed with that reason and the next item plays.

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "station_fixture.h"

namespace loaxa::it {
namespace {

struct BadDatabase {
  const char* name;
  std::function<void(const fs::path&, const fs::path& scratch)> make;
};

TEST(Faults, CorruptedOrForeignDatabaseAtStartIsRefusedUntouched) {
  const std::vector<BadDatabase> cases = {
      {"garbage",
       [](const fs::path& db, const fs::path&) {
         std::string bytes(8192, '\0');
         for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 131 + 7);
         write_file(db, bytes);
       }},
      {"foreign_sqlite",
       [](const fs::path& db, const fs::path& scratch) {
         RunResult r = run({"/usr/bin/env", "sqlite3", db.string(),
                            "CREATE TABLE accounts (id INTEGER, owner TEXT); "
                            "INSERT INTO accounts VALUES (1, 'someone else');"},
                           scratch);
         ASSERT_TRUE(r.ok()) << r.describe();
       }},
      {"damaged_loaxa_header",
       [](const fs::path& db, const fs::path&) {
         // A loaxa database whose first page was overwritten: SQLite's magic is gone.
         std::string bytes = "SQLite format 3";
         bytes.resize(4096, '\x5a');
         write_file(db, bytes);
       }},
  };
  for (const auto& c : cases) {
    Station st(std::string("loaxa-baddb-") + c.name + "-");
    const fs::path db = st.dir() / "var" / "loaxa.db";
    fs::create_directories(db.parent_path());
    c.make(db, st.dir());
    const std::string before = read_file(db);
    Process daemon({{bin_path("loaxad").string(), "--config", st.config().string(), "--lang", "en"},
                    {},
                    st.dir(),
                    "loaxad"});
    const auto status = daemon.wait_for(15s);
    ASSERT_TRUE(status.has_value()) << c.name << ": loaxad did not exit\n" << daemon.transcript();
    EXPECT_TRUE(status->exited && status->code != 0) << c.name << ": " << status->describe();
    const std::string err = daemon.stderr_text();
    EXPECT_NE(err.find(db.string()), std::string::npos) << c.name << ": names the file\n" << err;
    EXPECT_NE(err.find("not a loaxa database"), std::string::npos) << c.name << ":\n" << err;
    EXPECT_NE(err.find("left untouched"), std::string::npos) << c.name << ":\n" << err;
    EXPECT_EQ(read_file(db), before) << c.name << ": the file was changed";
    EXPECT_FALSE(fs::exists(db.string() + "-wal")) << c.name;
  }
}

TEST(Faults, AlteredOrDeletedSegmentFileFailsWithReasonAndTheNextPlays) {
  Station st("loaxa-badseg-");
  const ImportedSegment altered = st.import_chirp("altered", 0.5, "a");
  const ImportedSegment deleted = st.import_chirp("deleted", 0.6, "d");
  const ImportedSegment good = st.import_chirp("good", 0.7, "g");
  // Same length, other bytes: what a disk error or a hand-copied replacement leaves behind.
  bool found_altered = false, found_deleted = false;
  for (const auto& f : fs::directory_iterator(st.dir() / "var" / "library")) {
    const std::string name = f.path().filename().string();
    if (name.rfind(altered.id, 0) == 0) {
      std::string bytes = read_file(f.path());
      bytes[bytes.size() - 100] ^= 0x55;
      write_file(f.path(), bytes);
      found_altered = true;
    } else if (name.rfind(deleted.id, 0) == 0) {
      fs::remove(f.path());
      found_deleted = true;
    }
  }
  ASSERT_TRUE(found_altered && found_deleted) << "library files are named by content hash";

  const auto times = times_ahead(4s, {0s, 3s, 6s}, 20s);
  write_schedule(st.dir(), "pa", "a", {local_time_of_day(times[0], kStationZone)});
  write_schedule(st.dir(), "pd", "d", {local_time_of_day(times[1], kStationZone)});
  write_schedule(st.dir(), "pg", "g", {local_time_of_day(times[2], kStationZone)});
  st.start_daemon();
  const json log = st.wait_for_log(
      [&](const json& l) {
        const std::string o = outcome_of(entry_at(l, "pg", to_us(times[2])));
        return !o.empty() && o != "playing";
      },
      25s);
  auto stopped = st.stop_daemon();

  const json* a = entry_at(log, "pa", to_us(times[0]));
  ASSERT_NE(a, nullptr) << summarize_log(log);
  EXPECT_EQ(outcome_of(a), "failed") << a->dump();
  EXPECT_NE(a->value("reason", "").find("changed after import"), std::string::npos) << a->dump();
  EXPECT_EQ(a->value("reason_code", nlohmann::json()), "content_hash_mismatch") << a->dump();
  EXPECT_EQ(int_field(*a, "frames_delivered"), 0) << a->dump();

  const json* d = entry_at(log, "pd", to_us(times[1]));
  ASSERT_NE(d, nullptr) << summarize_log(log);
  EXPECT_EQ(outcome_of(d), "failed") << d->dump();
  EXPECT_NE(d->value("reason", "").find("missing from the library"), std::string::npos)
      << d->dump();
  EXPECT_EQ(d->value("reason_code", nlohmann::json()), "segment_file_missing") << d->dump();

  const json* g = entry_at(log, "pg", to_us(times[2]));
  ASSERT_NE(g, nullptr) << summarize_log(log);
  EXPECT_EQ(outcome_of(g), "completed") << g->dump() << st.daemon().transcript();
  EXPECT_EQ(int_field(*g, "frames_delivered"), int_field(*g, "frames_expected")) << g->dump();
  EXPECT_TRUE(stopped && stopped->exited && stopped->code == 0) << st.daemon().transcript();
}

}  // namespace
}  // namespace loaxa::it
