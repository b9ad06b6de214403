#include "store/broadcast_log.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/text.h"
#include "store/database.h"
#include "store/segment_repository.h"

namespace loaxa {
namespace {

namespace fs = std::filesystem;

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("loaxa-store-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

Instant at(std::int64_t seconds) {
  return Instant{std::chrono::seconds{seconds}};
}

BroadcastStart sample_start(std::int64_t when) {
  BroadcastStart s;
  s.occurrence_key = "cchc#0@" + std::to_string(when);
  s.programme_id = "cchc";
  s.segment_ids = {"aaaaaaaaaaaa", "bbbbbbbbbbbb"};
  s.segment_hashes = {"a-hash", "b-hash"};
  s.output = "portaudio";
  s.device = "JACK / system";
  s.scheduled_at = at(when);
  s.opened_at = at(when - 2);
  s.frames_expected = 48000;
  s.sample_rate = 48000;
  return s;
}

TEST_F(StoreTest, OpenWritesEntryThatSurvivesReopenWithoutOutcome) {
  {
    auto db = open_database(dir_ / "log.db");
    BroadcastLog log(*db);
    log.open(sample_start(1000));
  }
  auto db = open_database(dir_ / "log.db");
  BroadcastLog log(*db);
  auto open = log.open_entries();
  ASSERT_EQ(open.size(), 1u);
  EXPECT_FALSE(open[0].end.has_value());
  EXPECT_EQ(open[0].start.segment_ids, (std::vector<std::string>{"aaaaaaaaaaaa", "bbbbbbbbbbbb"}));
  EXPECT_EQ(open[0].start.scheduled_at, at(1000));
}

TEST_F(StoreTest, CloseRecordsOutcomeAndRangeQueryFiltersByScheduledTime) {
  auto db = open_database(dir_ / "log.db");
  BroadcastLog log(*db);
  auto a = log.open(sample_start(1000));
  auto b = log.open(sample_start(2000));
  BroadcastEnd end;
  end.started_at = at(1000);
  end.ended_at = at(1001);
  end.frames_delivered = 48000;
  end.outcome = Outcome::kCompleted;
  log.close(a, end);
  end.outcome = Outcome::kStopped;
  end.why = Reason(ReasonCode::kDaemonStopped).with("signal", "SIGTERM");
  log.close(b, end);
  EXPECT_TRUE(log.open_entries().empty());
  auto first = log.between(at(0), at(1500));
  ASSERT_EQ(first.size(), 1u);
  ASSERT_TRUE(first[0].end.has_value());
  EXPECT_EQ(first[0].end->outcome, Outcome::kCompleted);
  auto all = log.between(at(0), at(3000));
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].end->outcome, Outcome::kStopped);
  EXPECT_EQ(all[1].end->why, Reason(ReasonCode::kDaemonStopped).with("signal", "SIGTERM"));
  // The English text is still written beside the code, for older readers.
  EXPECT_EQ(all[1].end->reason, "loaxad stopped (SIGTERM)");
  EXPECT_EQ(db->execAndGet("SELECT code || ' ' || params FROM broadcast_reasons").getString(),
            "daemon_stopped {\"signal\":\"SIGTERM\"}");
  EXPECT_FALSE(all[0].end->why);
}

TEST_F(StoreTest, LogRefusesUpdateDeleteAndSecondOutcome) {
  auto db = open_database(dir_ / "log.db");
  BroadcastLog log(*db);
  auto id = log.open(sample_start(1000));
  log.close(id, BroadcastEnd{});
  EXPECT_THROW(log.close(id, BroadcastEnd{}), SQLite::Exception);
  EXPECT_THROW(db->exec("UPDATE broadcasts SET programme_id = 'x'"), SQLite::Exception);
  EXPECT_THROW(db->exec("DELETE FROM broadcasts"), SQLite::Exception);
  EXPECT_THROW(db->exec("UPDATE broadcast_outcomes SET outcome = 'completed'"), SQLite::Exception);
  EXPECT_THROW(db->exec("DELETE FROM broadcast_outcomes"), SQLite::Exception);
  EXPECT_EQ(log.between(at(0), at(5000)).size(), 1u);
}

TEST_F(StoreTest, ForeignFilesAreRefusedAndLeftUntouched) {
  const fs::path junk = dir_ / "junk.db";
  {
    std::ofstream f(junk, std::ios::binary);
    f << "this is not a database, just bytes that someone named .db\n";
  }
  auto size = fs::file_size(junk);
  EXPECT_THROW(open_database(junk), UserError);
  EXPECT_EQ(fs::file_size(junk), size);

  const fs::path other = dir_ / "other.db";
  {
    SQLite::Database db(other.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("CREATE TABLE t (x)");
  }
  try {
    open_database(other);
    FAIL() << "a foreign SQLite database was accepted";
  } catch (const UserError& e) {
    EXPECT_NE(e.text().en.find("not a loaxa database"), std::string::npos) << e.text().en;
  }
  SQLite::Database db(other.string());
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM sqlite_schema").getInt(), 1);
}

TEST_F(StoreTest, NewDatabaseIsAtCurrentSchemaInWalMode) {
  auto db = open_database(dir_ / "log.db");
  EXPECT_EQ(db->execAndGet("PRAGMA user_version").getInt(), current_schema_version());
  EXPECT_EQ(db->execAndGet("PRAGMA journal_mode").getString(), "wal");
}

TEST_F(StoreTest, SegmentsKeepImportOrder) {
  auto db = open_database(dir_ / "log.db");
  SegmentRepository repo(*db);
  for (const char* id : {"333333333333", "111111111111", "222222222222"}) {
    Segment s;
    s.id = id;
    s.sha256 = std::string(id) + std::string(52, '0');
    s.title = id;
    s.tag = "cchc";
    s.format = "WAV";
    s.original_name = "x.wav";
    s.library_path = s.sha256 + ".wav";
    s.sample_rate = 48000;
    s.channels = 1;
    s.frames = 480;
    repo.insert(s);
  }
  auto all = repo.all();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, "333333333333");
  EXPECT_EQ(all[2].id, "222222222222");
  EXPECT_LT(all[0].import_order, all[1].import_order);
  EXPECT_TRUE(repo.find_by_id("111111111111").has_value());
  EXPECT_FALSE(repo.find_by_id("999999999999").has_value());
  Segment dup = all[0];
  dup.id = "444444444444";
  EXPECT_THROW(repo.insert(dup), SQLite::Exception);
}

}  // namespace
}  // namespace loaxa
