// What loaxad witnessed: the head file, and whether a database still extends it.

#include "audit/witness.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "fakes/audit_log.h"
#include "fakes/fixtures.h"

namespace loaxa {
namespace {

namespace fs = std::filesystem;

WitnessedHead head_of(SQLite::Database& db) {
  const auto h = AuditChain(db).head();
  return {h->seq, h->hash};
}

TEST(Witness, HeadFileRoundTripsAndIsAbsentAtFirst) {
  testing::TempDir dir;
  const fs::path file = witnessed_head_file(dir.path());
  EXPECT_FALSE(read_witnessed_head(file));
  WitnessedHead h{42, {}};
  h.hash[0] = 0xab;
  write_witnessed_head(file, h);
  const auto back = read_witnessed_head(file);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->seq, 42);
  EXPECT_EQ(back->hash, h.hash);
  EXPECT_EQ(fs::status(file).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  std::ofstream(file) << "something else\n";
  EXPECT_THROW(read_witnessed_head(file), UserError);
}

// A symlink planted where the file goes is replaced, never written through.
TEST(Witness, WritingReplacesASymlinkRatherThanFollowingIt) {
  testing::TempDir dir;
  const fs::path victim = dir / "victim";
  std::ofstream(victim) << "keep me\n";
  const fs::path file = witnessed_head_file(dir.path());
  fs::create_symlink(victim, file);
  EXPECT_THROW(read_witnessed_head(file), UserError);  // not followed for reading either
  write_witnessed_head(file, {7, {}});
  EXPECT_FALSE(fs::is_symlink(file));
  std::ifstream in(victim);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "keep me");
}

TEST(Witness, ALogThatGrewExtendsWhatWasSigned) {
  testing::TempDir dir;
  testing::StationLog log(dir.path(), "Xã A");
  log.segment("aaaaaaaaaaaa", "Một", log.at(2026, 11, 2));
  log.checkpoint(log.at(2026, 11, 2, 7));
  const WitnessedHead signed_head = head_of(log.db());
  testing::LoggedBroadcast b;
  b.scheduled_at = log.at(2026, 11, 3);
  log.broadcast(b);
  log.checkpoint(log.at(2026, 11, 3, 7));
  EXPECT_EQ(witness_problem(log.db(), signed_head), std::nullopt);
}

TEST(Witness, ALogCutBackBeforeWhatWasSignedIsNamed) {
  testing::TempDir dir;
  testing::StationLog log(dir.path(), "Xã A");
  log.segment("aaaaaaaaaaaa", "Một", log.at(2026, 11, 2));
  log.checkpoint(log.at(2026, 11, 2, 7));
  WitnessedHead later = head_of(log.db());
  later.seq += 10;  // what loaxad signed after this copy was taken
  const auto problem = witness_problem(log.db(), later);
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->en.find("the log ends before event #" + std::to_string(later.seq)),
            std::string::npos)
      << problem->en;
  EXPECT_NE(problem->vi.find("nhật ký kết thúc trước sự kiện #"), std::string::npos);
}

TEST(Witness, ALogChainedAgainIsNamed) {
  testing::TempDir dir;
  testing::StationLog log(dir.path(), "Xã A");
  log.segment("aaaaaaaaaaaa", "Một", log.at(2026, 11, 2));
  log.checkpoint(log.at(2026, 11, 2, 7));
  WitnessedHead witnessed = head_of(log.db());
  witnessed.hash[0] ^= 0xff;  // the same seq now holds another event's hash
  const auto problem = witness_problem(log.db(), witnessed);
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->en.find("has another hash now"), std::string::npos) << problem->en;
  // An event after the signed head that does not link to it.
  const WitnessedHead good = head_of(log.db());
  log.event("daemon_started", log.at(2026, 11, 2, 8));
  log.event("daemon_stopped", log.at(2026, 11, 2, 9));  // its checkpoint not written yet: fine
  EXPECT_EQ(witness_problem(log.db(), good), std::nullopt);
  log.db().exec("DROP TRIGGER IF EXISTS audit_chain_no_update");
  log.db().exec("UPDATE audit_chain SET payload = payload || ' ' WHERE seq = " +
                std::to_string(good.seq + 1));
  const auto unlinked = witness_problem(log.db(), good);
  ASSERT_TRUE(unlinked);
  EXPECT_NE(unlinked->en.find("event #" + std::to_string(good.seq + 1) + " does not follow"),
            std::string::npos)
      << unlinked->en;
  // No chain at all any more.
  log.db().exec("DROP TABLE audit_chain");
  const auto gone = witness_problem(log.db(), witnessed);
  ASSERT_TRUE(gone);
  EXPECT_NE(gone->en.find("no audit chain any more"), std::string::npos) << gone->en;
}

}  // namespace
}  // namespace loaxa
