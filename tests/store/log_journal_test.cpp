#include "store/log_journal.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "audit/chain_verifier.h"
#include "store/broadcast_log.h"
#include "store/database.h"
#include "store/station_events.h"

namespace loaxa {
namespace {

namespace fs = std::filesystem;

class LogJournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("loaxa-journal-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = open_database(dir_ / "log.db");
  }
  void TearDown() override {
    db_.reset();
    fs::remove_all(dir_);
  }
  /// SQLite answers SQLITE_FULL once the file would grow past its current size: the same
  /// error a full disk gives.
  void fill_disk() {
    const auto pages = db_->execAndGet("PRAGMA page_count").getInt64();
    db_->exec("PRAGMA max_page_count = " + std::to_string(pages));
  }
  void free_disk() { db_->exec("PRAGMA max_page_count = 1073741823"); }

  static BroadcastStart start(int second) {
    BroadcastStart s;
    s.occurrence_key = "cchc#0@" + std::to_string(second);
    s.programme_id = "cchc";
    s.output = "portaudio";
    s.device = "JACK / system";
    s.scheduled_at = Instant{std::chrono::seconds{second}};
    s.opened_at = s.scheduled_at;
    s.frames_expected = 48000;
    s.sample_rate = 48000;
    return s;
  }

  fs::path dir_;
  std::unique_ptr<SQLite::Database> db_;
};

TEST_F(LogJournalTest, WritesWaitInOrderWhileTheDiskIsFullAndLandWhenSpaceReturns) {
  int waiting_calls = 0;
  LogJournal journal(*db_, [&] { ++waiting_calls; });
  BroadcastLog log(*db_, journal);
  StationEvents events(*db_, journal);
  events.append("daemon_started", Instant{std::chrono::seconds{1}});
  EXPECT_EQ(journal.backlog(), 0u);

  fill_disk();
  // Enough rows that they cannot fit in the pages already there.
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 60; ++i) {
    const auto id = log.open(start(100 + i));
    BroadcastEnd end;
    end.outcome = Outcome::kCompleted;
    end.frames_delivered = 48000;
    end.closed_at = Instant{std::chrono::seconds{101 + i}};
    log.add_progress(id, {end.closed_at, std::nullopt, 24000});
    log.close(id, end);
    ids.push_back(id);
  }
  ASSERT_GT(journal.backlog(), 0u) << "the full disk refused nothing; the test proves nothing";
  EXPECT_EQ(waiting_calls, 1);
  EXPECT_NE(journal.error().find("full"), std::string::npos) << journal.error();
  // What waits still counts: the daemon must not play a waiting occurrence again.
  EXPECT_TRUE(log.has_occurrence("cchc#0@159"));
  EXPECT_FALSE(journal.flush());

  free_disk();
  EXPECT_TRUE(journal.flush());
  EXPECT_EQ(journal.backlog(), 0u);
  EXPECT_TRUE(journal.error().empty());
  const auto entries = log.between(Instant{}, Instant{std::chrono::seconds{1000}});
  ASSERT_EQ(entries.size(), 60u);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ(entries[i].id, ids[i]);
    ASSERT_TRUE(entries[i].end.has_value());
    EXPECT_EQ(entries[i].end->outcome, Outcome::kCompleted);
  }
  const auto v = verify_database(*db_, std::nullopt);
  EXPECT_TRUE(v.intact()) << v.problems.front().what.en;
  EXPECT_EQ(db_->execAndGet("PRAGMA integrity_check").getString(), "ok");
}

// Progress checkpoints are the most frequent write while on air, so often the first to meet a
// full disk: they must be dropped, not thrown out of the daemon's event loop.
TEST_F(LogJournalTest, ProgressOnAFullDiskIsDroppedNeitherThrownNorQueued) {
  LogJournal journal(*db_);
  BroadcastLog log(*db_, journal);
  const auto id = log.open(start(5));
  fill_disk();
  bool dropped = false;
  for (int i = 0; i < 500 && !dropped; ++i) {
    dropped = !journal.write_or_drop([&](SQLite::Database& db) {
      db.exec("INSERT INTO broadcast_progress (broadcast_id, at_us, frames_delivered) VALUES (" +
              std::to_string(id) + ", " + std::to_string(i) + ", 0)");
    });
  }
  EXPECT_TRUE(dropped) << "the full disk refused nothing; the test proves nothing";
  EXPECT_EQ(journal.backlog(), 0u);
  for (int i = 0; i < 50; ++i) {
    EXPECT_NO_THROW(log.add_progress(id, {Instant{std::chrono::seconds{10 + i}}, {}, 100}));
  }
  EXPECT_EQ(journal.backlog(), 0u);
}

TEST_F(LogJournalTest, AConstraintViolationIsABugAndIsThrownNotQueued) {
  LogJournal journal(*db_);
  BroadcastLog log(*db_, journal);
  const auto id = log.open(start(5));
  BroadcastEnd end;
  end.closed_at = Instant{std::chrono::seconds{6}};
  log.close(id, end);
  EXPECT_THROW(log.close(id, end), SQLite::Exception);
  EXPECT_EQ(journal.backlog(), 0u);
}

}  // namespace
}  // namespace loaxa
