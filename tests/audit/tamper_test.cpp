// The tamper suite (issue 4): each kind of tampering, applied to a copy of a station's log
// with the sqlite3 command (as someone editing the file would) or by editing an export bundle,
// is detected and named by `loaxa audit verify`; an untouched log verifies.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>

#include "audit/bundle.h"
#include "audit/checkpoint.h"
#include "audit/station_key.h"
#include "fakes/command_runner.h"
#include "store/audit_chain.h"
#include "store/broadcast_log.h"
#include "store/database.h"
#include "store/segment_repository.h"
#include "store/station_events.h"

namespace loaxa {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::loaxa_binary;
using testing::read_file;
using testing::run_command;

Instant at_minute(std::int64_t m) {
  // 2026-11-02 00:00 UTC, 07:00 in Hà Nội.
  return Instant{std::chrono::seconds{1'793'577'600} + std::chrono::minutes{m}};
}

/// A station's log as loaxa writes it, over three days: segments imported and approved, one
/// broadcast of every outcome, a device lost and back, start, daily and shutdown checkpoints.
class TamperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("loaxa-tamper-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "station");
    config_.station_name = "Xã Thử Nghiệm";
    config_.database = dir_ / "station" / "loaxa.db";
    config_.keys = dir_ / "station" / "keys";
    // Not designated initializers: GCC 12 warns for every member they leave out.
    for (const auto& [name, channel] : {std::pair{"thon-dong", 1}, std::pair{"thon-tay", 2}}) {
      StationConfig::Zone z;
      z.name = name;
      z.channels = {channel};
      config_.zones.push_back(z);
    }
    auto db = open_database(config_.database);
    const auto key = StationKey::load_or_create(config_.keys);
    fingerprint_ = key.public_key().fingerprint();
    StationEvents events(*db);
    SegmentRepository segments(*db);
    BroadcastLog log(*db);
    for (int i = 0; i < 2; ++i) {
      Segment s;
      s.id = i == 0 ? "aaaaaaaaaaaa" : "bbbbbbbbbbbb";
      s.sha256 = std::string(64, i == 0 ? 'a' : 'b');
      s.title = i == 0 ? "Một cửa liên thông" : "Dịch vụ công trực tuyến";
      s.tag = "cchc";
      s.format = "WAV";
      s.original_name = s.id + ".wav";
      s.library_path = s.sha256 + ".wav";
      s.sample_rate = 48000;
      s.channels = 1;
      s.frames = 48000 * 60;
      s.imported_at = at_minute(i);
      segments.insert(s);
      segments.approve(s.id, "Chủ tịch UBND xã", at_minute(2 + i));
    }
    events.append("daemon_started", at_minute(5), {{"station", config_.station_name}});
    write_checkpoint(*db, key, at_minute(5), "start");
    const Outcome outcomes[] = {Outcome::kCompleted, Outcome::kPartial,     Outcome::kStopped,
                                Outcome::kFailed,    Outcome::kInterrupted, Outcome::kMissed,
                                Outcome::kPreempted};
    int minute = 60;
    for (Outcome o : outcomes) {
      broadcast(log, minute, o);
      events.append("daemon_alive", at_minute(minute + 5));  // not chained
      minute += 12 * 60;                                     // twice a day
      if (minute > 24 * 60 && minute < 25 * 60 + 12 * 60) {
        write_checkpoint(*db, key, at_minute(minute - 30), "daily");
      }
    }
    events.append("device_lost", at_minute(minute), {{"device", "ALSA / default"}});
    events.append("device_back", at_minute(minute + 3), {{"device", "ALSA / default"}});
    segments.retire("bbbbbbbbbbbb", "Chủ tịch UBND xã", at_minute(minute + 4));
    broadcast(log, minute + 60, Outcome::kCompleted);
    events.append("daemon_stopped", at_minute(minute + 90));
    write_checkpoint(*db, key, at_minute(minute + 90), "shutdown");
    // Closing the last connection folds the WAL into the file, so a plain copy is the log.
  }
  void TearDown() override { fs::remove_all(dir_); }

  void broadcast(BroadcastLog& log, int minute, Outcome outcome) {
    BroadcastStart s;
    s.occurrence_key = "cchc#0@" + std::to_string(minute);
    s.programme_id = "cchc";
    s.segment_ids = {"aaaaaaaaaaaa"};
    s.segment_hashes = {std::string(64, 'a')};
    s.output = "portaudio";
    s.device = "ALSA / default";
    s.scheduled_at = at_minute(minute);
    s.opened_at = s.scheduled_at - std::chrono::seconds{2};
    s.frames_expected = 48000 * 60;
    s.sample_rate = 48000;
    s.zones = {"thon-dong"};
    const auto id = log.open(s);
    BroadcastEnd e;
    e.outcome = outcome;
    if (outcome != Outcome::kCompleted) {
      e.why = Reason(ReasonCode::kUnmappedText)
                  .with("text", std::string("because: ") + to_string(outcome));
    }
    const bool played = outcome != Outcome::kMissed;
    if (played) e.started_at = s.scheduled_at + std::chrono::microseconds{150};
    e.frames_delivered = outcome == Outcome::kCompleted ? s.frames_expected
                         : played                       ? 48000 * 20
                                                        : 0;
    e.peak_dbfs = played ? -1.5 : -1000;
    e.rms_dbfs = played ? -17.25 : -1000;
    e.closed_at = s.scheduled_at + std::chrono::seconds{61};
    log.close(id, e);
  }

  /// A copy of the station's database in its own folder (no key beside it).
  fs::path copy(const std::string& name) {
    const fs::path d = dir_ / name;
    fs::create_directories(d);
    fs::copy_file(config_.database, d / "loaxa.db", fs::copy_options::overwrite_existing);
    return d / "loaxa.db";
  }

  void sql(const fs::path& db, const std::string& statements) {
    const CommandResult r = run_command({"sqlite3", db.string(), statements}, dir_);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  /// What someone with the database but not the station's key can do: run `edit` (SQL), throw
  /// the chain and the checkpoints away, chain every row again and sign the head with a key of
  /// their own. Returns the open database, for edits after the forgery.
  std::unique_ptr<SQLite::Database> forge(const fs::path& db_file, const std::string& edit) {
    sql(db_file, edit +
                     "DROP TRIGGER audit_chain_no_delete; DROP TRIGGER checkpoints_no_delete; "
                     "DELETE FROM audit_chain; DELETE FROM checkpoints;");
    auto db = std::make_unique<SQLite::Database>(db_file.string(), SQLite::OPEN_READWRITE);
    chain_existing_rows(*db);
    const auto forger = StationKey::load_or_create(dir_ / "forger-keys");
    write_checkpoint(*db, forger, at_minute(9000), "shutdown");
    return db;
  }

  CommandResult verify(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {loaxa_binary().string(), "--lang", "en", "audit", "verify"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, dir_);
  }

  fs::path bundle(const std::string& name) {
    auto db = open_database_readonly(config_.database);
    ExportRequest request;
    request.out = dir_ / name;
    const auto result = write_bundle(*db, config_, request);
    EXPECT_TRUE(result.ends_signed);
    return request.out;
  }

  fs::path dir_;
  StationConfig config_;
  std::string fingerprint_;
};

TEST_F(TamperTest, UntouchedLogVerifiesWithItsPeriodAndKey) {
  const auto r = verify({"--db", copy("plain").string(), "--key", fingerprint_});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  // 2 segments + 2 approvals + start + 3 checkpoints + 8 × (open + outcome) + the reasons of
  // the 6 outcomes other than completed + lost, back, retirement, stop.
  EXPECT_NE(r.out.find("INTACT: 34 events (#1–#34)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("signed through event #34 (3 checkpoints"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(fingerprint_), std::string::npos) << r.out;
}

TEST_F(TamperTest, VietnameseIsTheDefault) {
  const auto r =
      run_command({loaxa_binary().string(), "audit", "verify", "--db", copy("vi").string()}, dir_);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("NGUYÊN VẸN: 34 sự kiện"), std::string::npos) << r.out;
}

struct Tampering {
  const char* name;
  const char* sql;
  const char* expected;  ///< in the first problem line
};

class SqlTamper : public TamperTest, public ::testing::WithParamInterface<Tampering> {};

TEST_P(SqlTamper, IsDetectedAndNamed) {
  const Tampering& t = GetParam();
  const fs::path db = copy(t.name);
  sql(db, t.sql);
  const auto r = verify({"--db", db.string(), "--key", fingerprint_});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  const auto broken = r.out.find("BROKEN: ");
  ASSERT_NE(broken, std::string::npos) << r.out << r.err;
  const std::string first = r.out.substr(broken, r.out.find('\n', broken) - broken);
  EXPECT_NE(first.find(t.expected), std::string::npos) << first << "\n---\n" << r.out;
}

INSTANTIATE_TEST_SUITE_P(
    Tamper, SqlTamper,
    ::testing::Values(
        Tampering{"edited_field",
                  "DROP TRIGGER outcomes_no_update; UPDATE broadcast_outcomes SET "
                  "outcome = 'completed' WHERE outcome = 'missed';",
                  "the row was edited after it was chained (outcome: 'missed' → 'completed')"},
        // Reason codes (schema 5): changing why a broadcast failed, or removing it, is an edit
        // like any other.
        Tampering{"edited_reason_code",
                  "DROP TRIGGER broadcast_reasons_no_update; UPDATE broadcast_reasons SET "
                  "code = 'operator_stop' WHERE code = 'unmapped_text' AND params LIKE "
                  "'%missed%';",
                  "the row was edited after it was chained (code: 'unmapped_text' → "
                  "'operator_stop')"},
        Tampering{"deleted_reason_row",
                  "DROP TRIGGER broadcast_reasons_no_delete; DELETE FROM broadcast_reasons "
                  "WHERE params LIKE '%missed%';",
                  "of broadcast_reasons was deleted"},
        Tampering{"edited_row_and_chain",
                  "DROP TRIGGER outcomes_no_update; DROP TRIGGER audit_chain_no_update; "
                  "UPDATE broadcast_outcomes SET outcome = 'completed' WHERE outcome = 'missed'; "
                  "UPDATE audit_chain SET payload = replace(payload, '\"outcome\":\"missed\"', "
                  "'\"outcome\":\"completed\"') WHERE source = 'broadcast_outcomes';",
                  "content does not match its hash"},
        Tampering{"deleted_event",
                  "DROP TRIGGER outcomes_no_delete; DROP TRIGGER audit_chain_no_delete; "
                  "DELETE FROM audit_chain WHERE source = 'broadcast_outcomes' AND source_id = "
                  "(SELECT broadcast_id FROM broadcast_outcomes WHERE outcome = 'failed'); "
                  "DELETE FROM broadcast_outcomes WHERE outcome = 'failed';",
                  "deleted: #"},
        Tampering{"deleted_row",
                  "DROP TRIGGER outcomes_no_delete; "
                  "DELETE FROM broadcast_outcomes WHERE outcome = 'failed';",
                  "of broadcast_outcomes was deleted"},
        Tampering{"inserted_row",
                  "INSERT INTO broadcasts (occurrence_key, programme_id, slot_index, segment_ids, "
                  "segment_hashes, output, device, scheduled_at_us, opened_at_us, "
                  "frames_expected, sample_rate) VALUES ('cchc#0@x', 'cchc', 0, '[]', '[]', "
                  "'portaudio', 'ALSA / default', 1793580000000000, 1793580000000000, 0, 48000);",
                  "is not in the chain — it was inserted outside loaxa"},
        Tampering{"inserted_event",
                  "DROP TRIGGER audit_chain_no_update; "
                  "UPDATE audit_chain SET seq = seq + 1000 WHERE seq >= 10; "
                  "UPDATE audit_chain SET seq = seq - 999 WHERE seq >= 1000; "
                  "INSERT INTO audit_chain (seq, source, source_id, at_us, payload, hash) "
                  "SELECT 10, source, source_id + 100, at_us, payload, hash FROM audit_chain "
                  "WHERE seq = 9;",
                  "event #10"},
        Tampering{"reordered",
                  "DROP TRIGGER audit_chain_no_update; "
                  "UPDATE audit_chain SET seq = -1 WHERE seq = 12; "
                  "UPDATE audit_chain SET seq = 12 WHERE seq = 13; "
                  "UPDATE audit_chain SET seq = 13 WHERE seq = -1;",
                  "carries position #13: events were reordered"},
        Tampering{"removed_last_checkpoint",
                  "DROP TRIGGER audit_chain_no_delete; DROP TRIGGER checkpoints_no_delete; "
                  "DELETE FROM audit_chain WHERE seq = (SELECT max(seq) FROM audit_chain); "
                  "DELETE FROM checkpoints WHERE id = (SELECT max(id) FROM checkpoints);",
                  "the checkpoint of the clean shutdown"},
        Tampering{"removed_middle_checkpoint",
                  "DROP TRIGGER audit_chain_no_delete; DROP TRIGGER checkpoints_no_delete; "
                  "DELETE FROM audit_chain WHERE source = 'checkpoints' AND source_id = 2; "
                  "DELETE FROM checkpoints WHERE id = 2;",
                  "deleted: #"}),
    [](const ::testing::TestParamInfo<Tampering>& info) { return std::string(info.param.name); });

TEST_F(TamperTest, EventsAfterTheLastCheckpointAreReportedUnsigned) {
  {
    auto db = open_database(config_.database);
    StationEvents(*db).append("daemon_started", at_minute(5000), {{"station", "x"}});
    StationEvents(*db).append("device_lost", at_minute(5001), {{"device", "x"}});
  }
  const auto r = verify({"--db", copy("tail").string(), "--key", fingerprint_});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("INTACT: 36 events"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2 events after the last checkpoint are unsigned (#35–#36)"),
            std::string::npos)
      << r.out;
}

// Segment edits (schema 6) are chained like approvals: an edit appended by loaxa verifies, and
// a title changed behind its back, or an edit removed, is found and named.
struct EditTampering {
  const char* name;
  const char* sql;       ///< empty: untouched
  const char* expected;  ///< in the output
};

class SegmentEditTamper : public TamperTest, public ::testing::WithParamInterface<EditTampering> {};

TEST_P(SegmentEditTamper, IsDetectedAndNamed) {
  const EditTampering& t = GetParam();
  const fs::path db = copy(t.name);
  {
    auto open = open_database(db);
    SegmentRepository(*open).edit("aaaaaaaaaaaa", "Bộ phận một cửa liên thông", std::nullopt,
                                  "bản thu lại", "Văn phòng UBND xã", at_minute(5000));
  }
  if (*t.sql != '\0') sql(db, t.sql);
  const auto r = verify({"--db", db.string(), "--key", fingerprint_});
  EXPECT_EQ(r.exit_code, *t.sql == '\0' ? 0 : 2) << r.out << r.err;
  EXPECT_NE(r.out.find(t.expected), std::string::npos) << r.out;
}

INSTANTIATE_TEST_SUITE_P(
    Tamper, SegmentEditTamper,
    ::testing::Values(EditTampering{"untouched", "", "INTACT: 35 events"},
                      EditTampering{"edited_title",
                                    "DROP TRIGGER segment_edits_no_update; UPDATE segment_edits "
                                    "SET title = 'Một cửa';",
                                    "the row was edited after it was chained (title: 'Bộ phận "
                                    "một cửa liên thông' → 'Một cửa')"},
                      EditTampering{"deleted_edit",
                                    "DROP TRIGGER segment_edits_no_delete; DELETE FROM "
                                    "segment_edits;",
                                    "row 1 of segment_edits was deleted"}),
    [](const auto& info) { return std::string(info.param.name); });

/// Someone with the database but not the station's key edits a row, rebuilds the whole chain
/// and signs it with a key of their own: it verifies only against itself.
TEST_F(TamperTest, AReSignedLogFailsAgainstThePinnedKeyAndTheStationKey) {
  const fs::path db_file = copy("resigned");
  forge(db_file,
        "DROP TRIGGER outcomes_no_update; "
        "UPDATE broadcast_outcomes SET outcome = 'completed' WHERE outcome = 'missed'; ");
  auto r = verify({"--db", db_file.string()});
  EXPECT_EQ(r.exit_code, 0) << "without a pinned key the forgery is self-consistent: " << r.out;

  r = verify({"--db", db_file.string(), "--key", fingerprint_});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("not the registered key " + fingerprint_), std::string::npos) << r.out;

  // With the station's own public key beside the file, no pin is needed.
  fs::copy(config_.keys, db_file.parent_path() / "keys");
  r = verify({"--db", db_file.string()});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("is not the key that signed the log"), std::string::npos) << r.out;
}

/// The forger of the test above, with a float in an integer field of their checkpoint and the
/// chain rebuilt over it: the chain is consistent, so the checkpoint's fields are read, and the
/// float is a finding at that checkpoint, not a JSON library error out of the command naming no
/// row. The same forgery without the float verifies (no key pinned), so the finding is the
/// float's.
TEST_F(TamperTest, ARechainedCheckpointWithAFloatIsAFinding) {
  struct Case {
    const char* name;
    const char* set;  ///< SQL assignment to the forged checkpoint, or "" for none
    const char* expected;
  };
  const std::vector<Case> cases = {
      {"forged", "", "INTACT"},
      {"float_head_seq", "head_seq = head_seq + 0.5",
       "the checkpoint does not cover the event just before it"},
      {"float_at_us", "at_us = at_us + 0.5", "bad signature"},
  };
  for (const auto& c : cases) {
    const fs::path db_file = copy(c.name);
    {
      const auto db = forge(db_file, "DROP TRIGGER checkpoints_no_update; ");
      if (*c.set) {
        db->exec(std::string("UPDATE checkpoints SET ") + c.set + "; DELETE FROM audit_chain;");
        chain_existing_rows(*db);
      }
    }
    const auto r = verify({"--db", db_file.string()});
    EXPECT_EQ(r.exit_code, *c.set ? 2 : 0) << c.name << ": " << r.out << r.err;
    const auto line = r.out.find(*c.set ? "BROKEN: " : "INTACT");
    ASSERT_NE(line, std::string::npos) << c.name << ": " << r.out << r.err;
    EXPECT_NE(r.out.find(c.expected, line), std::string::npos) << c.name << ": " << r.out;
    if (*c.set) {
      EXPECT_NE(r.out.find("(checkpoints ", line), std::string::npos) << r.out;
    }
  }
}

// --- registered keys (--keys) ---------------------------------------------------------------

/// The inspection team's key register, as a file.
fs::path write_register(const fs::path& dir, const std::string& body) {
  const fs::path f = dir / "keys.toml";
  std::ofstream(f, std::ios::binary | std::ios::trunc) << body;
  return f;
}

TEST_F(TamperTest, WithoutAKeyTheFirstLinesSayItWasNotCompared) {
  const auto r = verify({"--db", copy("unpinned").string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  std::istringstream lines(r.out);
  std::string first, second;
  std::getline(lines, first);
  std::getline(lines, second);
  EXPECT_EQ(
      second.rfind("KEY NOT COMPARED: the station key was not compared with a registered one", 0),
      0u)
      << r.out;
  const auto vi = run_command(
      {loaxa_binary().string(), "audit", "verify", "--db", copy("unpinned-vi").string()}, dir_);
  EXPECT_NE(vi.out.find("CHƯA ĐỐI CHIẾU KHÓA: khóa của đài chưa được so với khóa đã đăng ký"),
            std::string::npos)
      << vi.out;
  const auto pinned = verify({"--db", copy("pinned").string(), "--key", fingerprint_, "--json"});
  EXPECT_EQ(pinned.exit_code, 0) << pinned.out;
  EXPECT_NE(pinned.out.find("\"key_check\": \"pinned\""), std::string::npos) << pinned.out;
}

struct RegisterCase {
  const char* name;
  const char* body;  ///< {fp} stands for the station's fingerprint, {other} for another one
  int exit_code;
  const char* expected;
};

class KeyRegisterTamper : public TamperTest, public ::testing::WithParamInterface<RegisterCase> {};

TEST_P(KeyRegisterTamper, ComparesTheSigningKeyWithTheRegisteredOne) {
  const RegisterCase& c = GetParam();
  std::string body = c.body;
  for (const auto& [from, to] : {std::pair<std::string, std::string>{"{fp}", fingerprint_},
                                 {"{other}", "0000-1111-2222-3333"}}) {
    for (auto at = body.find(from); at != std::string::npos; at = body.find(from)) {
      body.replace(at, from.size(), to);
    }
  }
  const fs::path keys = write_register(dir_, body);
  const fs::path b = bundle("registered.loaxa");
  const auto r = verify({b.string(), "--keys", keys.string()});
  EXPECT_EQ(r.exit_code, c.exit_code) << r.out << r.err;
  EXPECT_NE((r.out + r.err).find(c.expected), std::string::npos) << r.out << r.err;
  EXPECT_EQ(r.out.find("KEY NOT COMPARED"), std::string::npos) << r.out;
}

INSTANTIATE_TEST_SUITE_P(
    Tamper, KeyRegisterTamper,
    ::testing::Values(
        RegisterCase{"registered", "[communes]\n\"Xã Thử Nghiệm\" = \"{fp}\"\n", 0,
                     "is the key registered for station \"Xã Thử Nghiệm\""},
        RegisterCase{"registered_among_two",
                     "[communes]\n\"Xã Thử Nghiệm\" = [\"{other}\", \"{fp}\"]\n", 0,
                     "is the key registered for station"},
        RegisterCase{"other_key", "[communes]\n\"Xã Thử Nghiệm\" = \"{other}\"\n", 2,
                     "BROKEN: REGISTERED KEY MISMATCH: station \"Xã Thử Nghiệm\" signed with key"},
        RegisterCase{"key_of_another_commune", "[communes]\n\"Xã Khác\" = \"{fp}\"\n", 2,
                     "UNREGISTERED STATION: the register"},
        RegisterCase{"unregistered", "[communes]\n\"Xã Khác\" = \"{other}\"\n", 2,
                     "UNREGISTERED KEY: the register"},
        RegisterCase{"not_a_fingerprint", "[communes]\n\"Xã Thử Nghiệm\" = \"3FA2\"\n", 1,
                     "keys.toml:2:"},
        RegisterCase{"unknown_table", "[communes]\n\"Xã Thử Nghiệm\" = \"{fp}\"\n[extra]\n", 1,
                     "unknown key \"extra\"; a key register holds only the [communes] table"},
        RegisterCase{"syntax", "[communes\n", 1, "keys.toml:1:"}),
    [](const auto& info) { return std::string(info.param.name); });

// Someone holding the database but not the key: the whole log re-chained and signed with a key
// of their own, under the same commune name. Against the register it is an impostor by name.
TEST_F(TamperTest, AnImpostorKeyIsAFindingAgainstTheRegister) {
  const fs::path db_file = copy("impostor");
  forge(db_file,
        "DROP TRIGGER outcomes_no_update; "
        "UPDATE broadcast_outcomes SET outcome = 'completed' WHERE outcome = 'missed'; ");
  const fs::path keys =
      write_register(dir_, "[communes]\n\"Xã Thử Nghiệm\" = \"" + fingerprint_ + "\"\n");
  const auto r = verify({"--db", db_file.string(), "--keys", keys.string()});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("REGISTERED KEY MISMATCH: station \"Xã Thử Nghiệm\" signed with key"),
            std::string::npos)
      << r.out;
}

// --- forks and rollbacks across bundles (--previous, merge) ---------------------------------

class ContinuityTest : public TamperTest {
 protected:
  /// An export of the database `db_file` (the station's own key in its header).
  fs::path export_of(const fs::path& db_file, const std::string& name,
                     std::optional<std::string> from = std::nullopt,
                     std::optional<std::string> to = std::nullopt) {
    SQLite::Database db(db_file.string(), SQLite::OPEN_READONLY);
    ExportRequest request;
    request.from = std::move(from);
    request.to = std::move(to);
    request.out = dir_ / name;
    EXPECT_TRUE(write_bundle(db, config_, request).ends_signed);
    return request.out;
  }
  /// The station goes on: a start and its checkpoint, events #35 and #36.
  void carry_on(const fs::path& db_file, std::int64_t minute) {
    auto db = open_database(db_file);
    StationEvents(*db).append("daemon_started", at_minute(minute),
                              {{"station", config_.station_name}});
    write_checkpoint(*db, StationKey::load_or_create(config_.keys), at_minute(minute + 1), "start");
  }
  /// What the issue's forger does with the station's own key at hand (loaxad signed whatever
  /// head the database held): edit, throw the chain away, chain every row again, sign.
  void forge_with_station_key(const fs::path& db_file) {
    sql(db_file,
        "DROP TRIGGER outcomes_no_update; "
        "UPDATE broadcast_outcomes SET outcome = 'completed' WHERE outcome = 'missed'; "
        "DROP TRIGGER audit_chain_no_delete; DROP TRIGGER checkpoints_no_delete; "
        "DELETE FROM audit_chain; DELETE FROM checkpoints;");
    SQLite::Database db(db_file.string(), SQLite::OPEN_READWRITE);
    chain_existing_rows(db);
    write_checkpoint(db, StationKey::load_or_create(config_.keys), at_minute(9000), "shutdown");
  }
  CommandResult merge(std::vector<std::string> args) {
    args.insert(args.begin(), {loaxa_binary().string(), "--lang", "en", "audit", "merge"});
    return run_command(args, dir_);
  }
};

TEST_F(ContinuityTest, ALaterBundleThatExtendsTheOlderOneVerifies) {
  const fs::path before = export_of(config_.database, "before.loaxa");
  carry_on(config_.database, 5000);
  const fs::path after = export_of(config_.database, "after.loaxa");
  const auto r = verify({after.string(), "--previous", before.string(), "--key", fingerprint_});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("INTACT: 36 events"), std::string::npos) << r.out;
  EXPECT_NE(
      r.out.find("extends " + before.string() + ": the same hash at every shared event, up to #34"),
      std::string::npos)
      << r.out;
}

// The issue's first forgery: edited, re-chained and signed with the station's own key, the
// forged log verifies against the pinned key. Against the bundle the inspector kept, it forks.
TEST_F(ContinuityTest, AForgedLogSignedWithTheStationKeyForksFromTheOlderBundle) {
  const fs::path before = export_of(config_.database, "before.loaxa");
  const fs::path forged_db = copy("forged");
  forge_with_station_key(forged_db);
  const fs::path forged = export_of(forged_db, "forged.loaxa");
  auto r = verify({forged.string(), "--key", fingerprint_});
  ASSERT_EQ(r.exit_code, 0) << "the forgery is self-consistent under the station key: " << r.out;

  r = verify({forged.string(), "--previous", before.string(), "--key", fingerprint_});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  const auto line = r.out.find("BROKEN: FORK at event #");
  ASSERT_NE(line, std::string::npos) << r.out;
  const std::string first = r.out.substr(line, r.out.find('\n', line) - line);
  EXPECT_NE(first.find(forged.string() + " and " + before.string() + " differ"), std::string::npos)
      << first;
  // Where it forks: no later than the edited outcome (the missed one's event in the original).
  const auto n = std::stoll(first.substr(std::string("BROKEN: FORK at event #").size()));
  EXPECT_GE(n, 1);
  EXPECT_LE(n, 34);

  // merge: the same two bundles, in either order: the later-made one is refused by name.
  const auto m = merge({before.string(), forged.string(), "--out", (dir_ / "m.db").string()});
  EXPECT_EQ(m.exit_code, 2) << m.out << m.err;
  EXPECT_NE(m.err.find("REFUSED " + forged.string() + ": FORK at event #" + std::to_string(n)),
            std::string::npos)
      << m.err;
  const auto m2 = merge({forged.string(), before.string(), "--out", (dir_ / "m2.db").string()});
  EXPECT_EQ(m2.exit_code, 2) << m2.out << m2.err;
  EXPECT_NE(m2.err.find("REFUSED " + before.string() + ": FORK at event #" + std::to_string(n) +
                        ": " + forged.string() + " and " + before.string()),
            std::string::npos)
      << m2.err;
}

// An older copy of the whole database put back: its bundle ends where the older log did.
TEST_F(ContinuityTest, AnOlderDatabasePutBackIsARollback) {
  const fs::path then = copy("then");
  carry_on(config_.database, 5000);
  const fs::path now = export_of(config_.database, "now.loaxa");
  const fs::path put_back = export_of(then, "put-back.loaxa");
  const auto r = verify({put_back.string(), "--previous", now.string()});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.out.find("BROKEN: ROLLBACK: the log " + put_back.string() +
                       " ends before event #35 of " + now.string() +
                       " (it ends at #34, the "
                       "older one at #36)"),
            std::string::npos)
      << r.out;

  // Put back and started again: loaxad signs a new head on the old chain, and that head is not
  // the one the inspector holds at #35.
  carry_on(then, 6000);
  const fs::path resigned = export_of(then, "resigned.loaxa");
  const auto f = verify({resigned.string(), "--previous", now.string()});
  EXPECT_EQ(f.exit_code, 2) << f.out;
  EXPECT_NE(f.out.find("BROKEN: FORK at event #35"), std::string::npos) << f.out;
  const auto m = merge({now.string(), resigned.string(), "--out", (dir_ / "m.db").string()});
  EXPECT_EQ(m.exit_code, 2) << m.out << m.err;
  EXPECT_NE(m.err.find("REFUSED " + resigned.string() + ": FORK at event #35"), std::string::npos)
      << m.err;
}

// The merged file keeps the station's highest verified head: a fork merged later, against the
// merged file, is caught as it would have been against the bundles.
TEST_F(ContinuityTest, AMergedFileKeepsTheHeadSoALaterForkIsCaught) {
  const fs::path first = export_of(config_.database, "first.loaxa", std::nullopt, "2026-11-02");
  const fs::path forged_db = copy("forged");
  carry_on(config_.database, 5000);
  const fs::path second = export_of(config_.database, "second.loaxa", "2026-11-03");
  // Two consistent bundles of one station join into one commune holding all 36 events.
  const fs::path province = dir_ / "province.db";
  const auto m = merge({first.string(), second.string(), "--out", province.string()});
  EXPECT_EQ(m.exit_code, 0) << m.out << m.err;
  {
    SQLite::Database db(province.string(), SQLite::OPEN_READONLY);
    EXPECT_EQ(db.execAndGet("SELECT count(*) FROM communes").getInt(), 1);
    EXPECT_EQ(db.execAndGet("SELECT count(*) FROM events").getInt(), 36);
    EXPECT_EQ(db.execAndGet("SELECT min(seq) || '-' || max(seq) FROM events").getString(), "1-36");
    EXPECT_EQ(db.execAndGet("SELECT bundle FROM communes").getString(),
              "first.loaxa, second.loaxa");
  }
  const auto v = verify({"--db", province.string(), "--key", fingerprint_});
  EXPECT_EQ(v.exit_code, 0) << v.out;
  EXPECT_NE(v.out.find("INTACT: 36 events (#1–#36)"), std::string::npos) << v.out;

  forge_with_station_key(forged_db);
  const fs::path forged = export_of(forged_db, "forged.loaxa");
  const fs::path later = dir_ / "later.db";
  const auto m2 = merge({province.string(), forged.string(), "--out", later.string()});
  EXPECT_EQ(m2.exit_code, 2) << m2.out << m2.err;
  EXPECT_NE(m2.err.find("REFUSED " + forged.string() + ": FORK at event #"), std::string::npos)
      << m2.err;
  EXPECT_NE(m2.err.find(province.string() + " (first.loaxa, second.loaxa)"), std::string::npos)
      << m2.err;
  EXPECT_NE(m2.out.find("merged " + province.string() + " (first.loaxa, second.loaxa)"),
            std::string::npos)
      << m2.out;
  const auto p = verify({forged.string(), "--previous", province.string()});
  EXPECT_EQ(p.exit_code, 2) << p.out;
  EXPECT_NE(p.out.find("BROKEN: FORK at event #"), std::string::npos) << p.out;
}

// Bundles that share no event cannot be compared: said, not guessed; merge will not join them.
TEST_F(ContinuityTest, BundlesThatShareNoEventAreNotedAndNotJoined) {
  const fs::path first = export_of(config_.database, "first.loaxa", std::nullopt, "2026-11-02");
  carry_on(config_.database, 5000);
  const fs::path last = export_of(config_.database, "last.loaxa", "2026-11-05");
  const auto r = verify({last.string(), "--previous", first.string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("share no event"), std::string::npos) << r.out;
  const auto m = merge({first.string(), last.string(), "--out", (dir_ / "m.db").string()});
  EXPECT_EQ(m.exit_code, 2) << m.out << m.err;
  EXPECT_NE(m.err.find("REFUSED " + last.string() + ": the same station"), std::string::npos)
      << m.err;
}

TEST_F(ContinuityTest, PreviousGoesWithOneLogAndNamesAFileItCannotRead) {
  const fs::path b = export_of(config_.database, "b.loaxa");
  const auto r = verify({b.string(), "--previous", (dir_ / "missing.loaxa").string()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("missing.loaxa: cannot open"), std::string::npos) << r.err;
}

// --- bundles ------------------------------------------------------------------------------

std::vector<std::string> lines_of(const fs::path& f) {
  std::istringstream in(read_file(f));
  std::vector<std::string> out;
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

void write_lines(const fs::path& f, const std::vector<std::string>& lines) {
  std::ofstream out(f, std::ios::binary | std::ios::trunc);
  for (const auto& l : lines) out << l << '\n';
}

/// Rewrites the end line's event count, as someone hiding a removed line would.
void fix_end(std::vector<std::string>& lines, int events) {
  lines.back() = "{\"end\":{\"events\":" + std::to_string(events) + ",\"segments\":2}}";
}

TEST_F(TamperTest, UntouchedBundleVerifiesOfflineWithItsKey) {
  const fs::path b = bundle("plain.loaxa");
  // Nothing of the station is needed: no config, no database, no key folder.
  fs::remove_all(dir_ / "station");
  const auto r = verify({b.string(), "--key", fingerprint_});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("station \"Xã Thử Nghiệm\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("INTACT: 34 events"), std::string::npos) << r.out;
}

TEST_F(TamperTest, BundleWithAnEditedEventIsBroken) {
  const fs::path b = bundle("edited.loaxa");
  auto lines = lines_of(b);
  bool edited = false;
  for (auto& l : lines) {
    const auto p = l.find("\\\"outcome\\\":\\\"missed\\\"");
    if (p != std::string::npos) {
      l.replace(p, 22, "\\\"outcome\\\":\\\"completed\\\"");
      edited = true;
    }
  }
  ASSERT_TRUE(edited);
  write_lines(b, lines);
  const auto r = verify({b.string()});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.out.find("content does not match its hash"), std::string::npos) << r.out;
}

// A chained field of another type than loaxa writes (a number where the segment's id belongs)
// is an altered event like any other, not a crash: the JSON library's value() threw on it,
// out of the reader (found by loaxa_fuzz_bundle).
TEST_F(TamperTest, BundleWithAFieldOfAnotherTypeIsBroken) {
  const fs::path b = bundle("retyped.loaxa");
  auto lines = lines_of(b);
  int edited = 0;
  for (auto& l : lines) {
    const auto p = l.find("\\\"id\\\":\\\"");
    if (l.rfind("{\"event\"", 0) == 0 && p != std::string::npos) {
      l.replace(p, 9, "\\\"id\\\":7,\\\"was\\\":\\\"");
      ++edited;
    }
  }
  ASSERT_GT(edited, 0);
  write_lines(b, lines);
  const auto r = verify({b.string()});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  // The segment check reads the number as what it is, and names it.
  EXPECT_NE(r.out.find("segment 7: the entry (missing) in the segment list differs from the "
                       "chained record (event #1)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("content does not match its hash"), std::string::npos) << r.out;
}

TEST_F(TamperTest, BundleWithADeletedEventIsBroken) {
  const fs::path b = bundle("deleted.loaxa");
  auto lines = lines_of(b);
  // header, 2 segments, then events #1..#34, then the end line: drop event #15.
  lines.erase(lines.begin() + 3 + 14);
  fix_end(lines, 33);
  write_lines(b, lines);
  const auto r = verify({b.string()});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.out.find("event #15 deleted"), std::string::npos) << r.out;
}

TEST_F(TamperTest, BundleWithReorderedEventsIsBroken) {
  const fs::path b = bundle("reordered.loaxa");
  auto lines = lines_of(b);
  std::swap(lines[3 + 10], lines[3 + 11]);
  write_lines(b, lines);
  const auto r = verify({b.string()});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.out.find("event #12"), std::string::npos) << r.out;
}

TEST_F(TamperTest, BundleCutAfterItsLastCheckpointIsBroken) {
  const fs::path b = bundle("cut.loaxa");
  auto lines = lines_of(b);
  lines.erase(lines.end() - 2);  // the shutdown checkpoint
  fix_end(lines, 33);
  write_lines(b, lines);
  const auto r = verify({b.string()});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.out.find("checkpoint of the clean shutdown"), std::string::npos) << r.out;
}

TEST_F(TamperTest, BundleUnderAnotherKeyFailsThePin) {
  const fs::path b = bundle("pinned.loaxa");
  const auto r = verify({b.string(), "--key", "0000-0000-0000-0000"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.out.find("not the registered key 0000-0000-0000-0000"), std::string::npos) << r.out;
}

struct Damage {
  const char* name;
  std::function<void(std::string&)> apply;
  const char* expected;
};

TEST_F(TamperTest, DamagedBundlesGiveAClearErrorNeverACrash) {
  const fs::path b = bundle("source.loaxa");
  const std::string good = read_file(b);
  const std::vector<Damage> damages = {
      {"empty", [](std::string& s) { s.clear(); }, "empty file"},
      {"truncated_mid_line", [](std::string& s) { s.resize(s.size() / 2); },
       "not JSON (damaged or cut short?)"},
      {"truncated_at_line", [](std::string& s) { s.resize(s.rfind("{\"event\"")); },
       "no end line — the file was cut short"},
      {"garbage", [](std::string& s) { s = std::string(4096, '\x9c'); }, "not JSON"},
      {"foreign_json", [](std::string& s) { s = "{\"hello\":1}\n"; }, "not a loaxa export bundle"},
      {"newer_version",
       [](std::string& s) { s.replace(s.find("\"version\":1"), 11, "\"version\":9"); },
       "version 9 is not supported"},
      {"bad_field",
       [](std::string& s) { s.replace(s.find("\"seq\":"), 6, "\"seq\":\"x\",\"old\":"); },
       "missing or wrong field"},
      // A float where an integer belongs: converting 1e300 to an integer is undefined
      // behaviour in the JSON library (found by loaxa_fuzz_bundle under UBSan).
      {"huge_float",
       [](std::string& s) { s.replace(s.find("\"at_us\":"), 8, "\"at_us\":1e300,\"old\":"); },
       "at_us is not a whole number in range: 1e+300"},
      {"fraction", [](std::string& s) { s.replace(s.find("\"seq\":"), 6, "\"seq\":1.5,\"old\":"); },
       "seq is not a whole number in range"},
      {"past_int64",
       [](std::string& s) {
         s.replace(s.find("\"row_id\":"), 9, "\"row_id\":18446744073709551615,\"old\":");
       },
       "row_id is not a whole number in range"},
      // A wrong count without the other: its message used to look up the absent key in a
      // const object, undefined behaviour in the JSON library.
      {"end_without_segments",
       [](std::string& s) {
         s.replace(s.rfind("{\"end\""), std::string::npos, "{\"end\":{\"events\":5}}\n");
       },
       "missing or wrong field"},
      {"channel_fraction",
       [](std::string& s) { s.replace(s.find("\"channels\":["), 12, "\"channels\":[0.5,"); },
       "channel is not a whole number in range: 0.5"},
  };
  for (const auto& d : damages) {
    std::string text = good;
    d.apply(text);
    const fs::path f = dir_ / (std::string(d.name) + ".loaxa");
    std::ofstream(f, std::ios::binary) << text;
    const auto r = verify({f.string()});
    EXPECT_EQ(r.exit_code, 1) << d.name << ": " << r.out << r.err;
    EXPECT_NE(r.err.find("not a valid export bundle"), std::string::npos)
        << d.name << ": " << r.err;
    EXPECT_NE(r.err.find(d.expected), std::string::npos) << d.name << ": " << r.err;
    EXPECT_NE(r.err.find(f.string() + ":"), std::string::npos) << d.name << ": names the file";
  }
}

// The order of a station's bundles is the time their last checkpoint signed, not the chain's
// at_us beside it (which no hash covers): an edited at_us does not turn an older export into
// a "later" one that rolls back.
TEST_F(ContinuityTest, BundlesAreOrderedByTheirSignedTime) {
  const fs::path first = export_of(config_.database, "first.loaxa", std::nullopt, "2026-11-02");
  carry_on(config_.database, 6000);
  const fs::path all = export_of(config_.database, "all.loaxa");
  auto lines = lines_of(first);
  const std::string last_event = lines[lines.size() - 2];
  const auto at = last_event.find("\"at_us\":");
  ASSERT_NE(at, std::string::npos) << last_event;
  const auto end = last_event.find(',', at);
  lines[lines.size() - 2] = last_event.substr(0, at) + "\"at_us\":4102444800000000" +
                            last_event.substr(end);  // 2100-01-01
  write_lines(first, lines);
  ASSERT_EQ(verify({first.string()}).exit_code, 0);
  const fs::path province = dir_ / "province.db";
  const auto m = merge({all.string(), first.string(), "--out", province.string()});
  EXPECT_EQ(m.exit_code, 0) << m.out << m.err;
  SQLite::Database db(province.string(), SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM communes").getInt(), 1);
}

}  // namespace
}  // namespace loaxa
