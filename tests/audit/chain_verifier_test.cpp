#include "audit/chain_verifier.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "audit/checkpoint.h"
#include "audit/station_key.h"
#include "store/broadcast_log.h"
#include "store/database.h"
#include "store/station_events.h"

namespace loaxa {
namespace {

namespace fs = std::filesystem;

class ChainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("loaxa-chain-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = open_database(dir_ / "log.db");
  }
  void TearDown() override {
    db_.reset();
    fs::remove_all(dir_);
  }

  std::int64_t broadcast(std::int64_t second, Outcome outcome) {
    BroadcastLog log(*db_);
    BroadcastStart s;
    s.occurrence_key = "cchc#0@" + std::to_string(second);
    s.programme_id = "cchc";
    s.segment_ids = {"aaaaaaaaaaaa"};
    s.segment_hashes = {"a-hash"};
    s.output = "portaudio";
    s.device = "JACK / system";
    s.scheduled_at = Instant{std::chrono::seconds{second}};
    s.opened_at = s.scheduled_at - std::chrono::seconds{2};
    s.frames_expected = 48000;
    s.sample_rate = 48000;
    const auto id = log.open(s);
    BroadcastEnd e;
    e.outcome = outcome;
    // No reason: its own chained row would shift the seqs these tests name (reasons are in
    // TamperTest and the migration tests).
    e.frames_delivered = outcome == Outcome::kCompleted ? 48000 : 0;
    e.peak_dbfs = -3.25;
    e.rms_dbfs = -18.125;
    e.closed_at = s.scheduled_at + std::chrono::seconds{1};
    log.close(id, e);
    return id;
  }

  fs::path dir_;
  std::unique_ptr<SQLite::Database> db_;
};

TEST_F(ChainTest, EveryRecordIsChainedInOrderAndVerifies) {
  broadcast(1000, Outcome::kCompleted);
  StationEvents(*db_).append("daemon_alive", Instant{std::chrono::seconds{1100}});
  StationEvents(*db_).append("device_lost", Instant{std::chrono::seconds{1200}}, {{"why", "x"}});
  broadcast(2000, Outcome::kMissed);
  const auto key = StationKey::load_or_create(dir_ / "keys");
  ASSERT_TRUE(write_checkpoint(*db_, key, Instant{std::chrono::seconds{3000}}, "test"));
  // Nothing new since: no second checkpoint.
  EXPECT_FALSE(write_checkpoint(*db_, key, Instant{std::chrono::seconds{3001}}, "test"));

  const auto v = verify_database(*db_, key.public_key().fingerprint());
  EXPECT_TRUE(v.intact()) << (v.problems.empty() ? "" : v.problems[0].what.en);
  // 2 × (open + outcome) + device_lost + checkpoint; the heartbeat is not chained.
  EXPECT_EQ(v.events, 6);
  EXPECT_EQ(v.checkpoints, 1);
  EXPECT_EQ(v.signed_through, 6);
  EXPECT_EQ(v.unsigned_events, 0);
  ASSERT_TRUE(v.key.has_value());
  EXPECT_EQ(v.key->fingerprint(), key.public_key().fingerprint());
}

TEST_F(ChainTest, EventsAfterTheLastCheckpointAreReportedUnsigned) {
  broadcast(1000, Outcome::kCompleted);
  const auto key = StationKey::load_or_create(dir_ / "keys");
  write_checkpoint(*db_, key, Instant{std::chrono::seconds{1500}}, "test");
  broadcast(2000, Outcome::kCompleted);
  const auto v = verify_database(*db_, std::nullopt);
  EXPECT_TRUE(v.intact());
  EXPECT_EQ(v.unsigned_events, 2);
  ASSERT_FALSE(v.notes.empty());
  EXPECT_NE(v.notes[0].en.find("2 events after the last checkpoint are unsigned"),
            std::string::npos)
      << v.notes[0].en;
}

TEST_F(ChainTest, APinnedFingerprintRejectsAnotherKey) {
  broadcast(1000, Outcome::kCompleted);
  const auto key = StationKey::load_or_create(dir_ / "keys");
  const auto other = StationKey::load_or_create(dir_ / "other-keys");
  write_checkpoint(*db_, other, Instant{std::chrono::seconds{1500}}, "test");
  const auto v = verify_database(*db_, key.public_key().fingerprint());
  ASSERT_FALSE(v.intact());
  EXPECT_NE(v.problems[0].what.en.find("not the registered key"), std::string::npos)
      << v.problems[0].what.en;
}

/// Recomputes the hashes from events[from] on, each checkpoint pointed at its new head, as a
/// forger without the key would: only the signatures are left wrong.
void rechain(std::vector<ChainEvent>& events, std::size_t from) {
  Sha256 previous = from == 0 ? Sha256{} : events[from - 1].hash;
  for (std::size_t i = from; i < events.size(); ++i) {
    auto& e = events[i];
    if (e.table == "checkpoints") {
      auto p = nlohmann::json::parse(e.payload);
      p["row"]["head_hash"] = to_hex(previous);
      e.payload = p.dump();
    }
    e.hash = chain_hash(previous, e.payload);
    previous = e.hash;
  }
}

/// Someone without the key edits an event between two checkpoints and rebuilds everything after
/// it, each later checkpoint pointed at its new head: every link and head checks out, and only
/// the signatures tell. The verifier checks the last signature; finding it bad, it reports the
/// first bad one, where the rewrite begins, and what was signed before it.
TEST_F(ChainTest, ARehashedRewriteIsReportedAtTheFirstCheckpointItInvalidates) {
  const auto key = StationKey::load_or_create(dir_ / "keys");
  broadcast(1000, Outcome::kCompleted);
  write_checkpoint(*db_, key, Instant{std::chrono::seconds{1500}}, "daily");  // seq 3
  broadcast(2000, Outcome::kMissed);                                          // seq 4, 5
  write_checkpoint(*db_, key, Instant{std::chrono::seconds{2500}}, "daily");  // seq 6
  broadcast(3000, Outcome::kCompleted);
  write_checkpoint(*db_, key, Instant{std::chrono::seconds{3500}}, "daily");  // seq 9
  std::vector<ChainEvent> events;
  ASSERT_TRUE(verify_database(*db_, std::nullopt, &events).intact());
  ASSERT_EQ(events.size(), 9u);

  auto feed = [](const std::vector<ChainEvent>& events) {
    ChainVerifier verifier(Sha256{}, 1, std::nullopt);
    for (const auto& e : events) verifier.add(e);
    return verifier.finish();
  };
  auto rewritten = events;
  const auto at = rewritten[4].payload.find("\"outcome\":\"missed\"");
  ASSERT_NE(at, std::string::npos);
  rewritten[4].payload.replace(at, 18, "\"outcome\":\"completed\"");
  rechain(rewritten, 4);
  auto v = feed(rewritten);
  ASSERT_EQ(v.problems.size(), 1u);
  EXPECT_EQ(v.problems[0].seq, 6);
  EXPECT_NE(v.problems[0].what.en.find("event #6 (checkpoints 2"), std::string::npos)
      << v.problems[0].what.en;
  EXPECT_NE(v.problems[0].what.en.find("bad signature"), std::string::npos)
      << v.problems[0].what.en;
  EXPECT_EQ(v.checkpoints, 1);
  EXPECT_EQ(v.signed_through, 3);
  EXPECT_EQ(v.events, 9);

  // The same rewrite cut after its first bad checkpoint: the last checkpoint is the bad one.
  rewritten.resize(6);
  v = feed(rewritten);
  ASSERT_EQ(v.problems.size(), 1u);
  EXPECT_EQ(v.problems[0].seq, 6);
  EXPECT_EQ(v.signed_through, 3);

  // Rewritten from the start: no signature holds, and none is counted.
  events[0].payload += " ";
  rechain(events, 0);
  v = feed(events);
  ASSERT_EQ(v.problems.size(), 1u);
  EXPECT_EQ(v.problems[0].seq, 3);
  EXPECT_EQ(v.checkpoints, 0);
  EXPECT_EQ(v.signed_through, 0);
  EXPECT_FALSE(v.key.has_value());
}

TEST_F(ChainTest, KeyIsCreatedOnceWithPrivateFileMode0600) {
  const auto a = StationKey::load_or_create(dir_ / "keys");
  const auto b = StationKey::load_or_create(dir_ / "keys");
  EXPECT_EQ(a.public_key(), b.public_key());
  struct stat st {};
  ASSERT_EQ(::stat((dir_ / "keys" / "station.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const auto pub = StationKey::load_public(dir_ / "keys");
  ASSERT_TRUE(pub.has_value());
  EXPECT_EQ(*pub, a.public_key());
  const std::string fp = a.public_key().fingerprint();
  EXPECT_EQ(fp.size(), 19u);
  EXPECT_TRUE(matches_pin(a.public_key(), fp));
  EXPECT_TRUE(matches_pin(a.public_key(), a.public_key().hex()));
  EXPECT_FALSE(matches_pin(a.public_key(), "0000-0000-0000-0000"));
}

TEST_F(ChainTest, ACleanShutdownWithoutItsCheckpointIsABreak) {
  broadcast(1000, Outcome::kCompleted);
  StationEvents(*db_).append("daemon_stopped", Instant{std::chrono::seconds{1100}});
  auto v = verify_database(*db_, std::nullopt);
  ASSERT_FALSE(v.intact());
  EXPECT_NE(v.problems[0].what.en.find("checkpoint of the clean shutdown"), std::string::npos);
  const auto key = StationKey::load_or_create(dir_ / "keys");
  write_checkpoint(*db_, key, Instant{std::chrono::seconds{1100}}, "shutdown");
  v = verify_database(*db_, std::nullopt);
  EXPECT_TRUE(v.intact()) << v.problems[0].what.en;
}

TEST_F(ChainTest, StreamingVerifierNamesADeletedEvent) {
  broadcast(1000, Outcome::kCompleted);
  broadcast(2000, Outcome::kCompleted);
  SQLite::Statement q(
      *db_, "SELECT seq, source, source_id, at_us, payload, hash FROM audit_chain ORDER BY seq");
  ChainVerifier verifier(Sha256{}, 1, std::nullopt);
  while (q.executeStep()) {
    if (q.getColumn(0).getInt64() == 2) continue;
    ChainEvent e{
        q.getColumn(0).getInt64(),  q.getColumn(1).getString(),
        q.getColumn(2).getInt64(),  Instant{std::chrono::microseconds{q.getColumn(3).getInt64()}},
        q.getColumn(4).getString(), *sha256_from_hex(q.getColumn(5).getString())};
    verifier.add(e);
  }
  const auto v = verifier.finish();
  ASSERT_FALSE(v.intact());
  EXPECT_EQ(v.problems[0].seq, 2);
  EXPECT_NE(v.problems[0].what.en.find("event #2 deleted"), std::string::npos)
      << v.problems[0].what.en;
}

}  // namespace
}  // namespace loaxa
