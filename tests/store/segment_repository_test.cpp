// SegmentRepository: segments are immutable rows; approval and validity come from the
// append-only segment_events history, title, tag and note edits from segment_edits.

#include "store/segment_repository.h"

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/text.h"
#include "store/audit_chain.h"
#include "store/database.h"

namespace loaxa {
namespace {

namespace fs = std::filesystem;
using Approval = Segment::Approval;
using Kind = SegmentEvent::Kind;

date::year_month_day ymd(int y, unsigned m, unsigned d) {
  return {date::year{y}, date::month{m}, date::day{d}};
}

Instant at(std::int64_t seconds) {
  return Instant{std::chrono::seconds{seconds}};
}

Segment sample(const std::string& hex_digit) {
  Segment s;
  s.sha256 = std::string(64, hex_digit.at(0));
  s.id = s.sha256.substr(0, 12);
  s.title = "Thủ tục hành chính " + hex_digit;
  s.tag = "cchc";
  s.format = "WAV";
  s.original_name = hex_digit + ".wav";
  s.library_path = s.sha256 + ".wav";
  s.sample_rate = 48000;
  s.channels = 1;
  s.frames = 48000 * 3;
  s.loudness_lufs = -20;
  s.true_peak_dbtp = -3;
  s.gain_db = 4;
  s.imported_at = at(1000);
  return s;
}

class SegmentRepositoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("loaxa-segrepo-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    db_ = open_database(dir_ / "loaxa.db");
  }
  void TearDown() override {
    db_.reset();
    fs::remove_all(dir_);
  }

  SegmentRepository repo() { return SegmentRepository(*db_); }
  Segment add(const std::string& hex_digit) {
    Segment s = sample(hex_digit);
    repo().insert(s);
    return s;
  }

  fs::path dir_;
  std::unique_ptr<SQLite::Database> db_;
};

TEST_F(SegmentRepositoryTest, NewSegmentIsPendingAndUnbounded) {
  const Segment a = add("a");
  const auto found = repo().find_by_id(a.id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->approval, Approval::kPending);
  EXPECT_TRUE(found->approved_by.empty());
  EXPECT_FALSE(found->approved_at);
  EXPECT_FALSE(found->valid_from);
  EXPECT_FALSE(found->valid_until);
  EXPECT_TRUE(repo().events(a.id).empty());
}

TEST_F(SegmentRepositoryTest, ApprovalIsDerivedFromTheLatestEventEverywhere) {
  const Segment a = add("a");
  const Segment b = add("b");
  const SegmentEvent e = repo().approve(a.id, "Chủ tịch UBND xã", at(2000));
  EXPECT_GT(e.seq, 0);

  for (const auto& found :
       {*repo().find_by_id(a.id), *repo().find_by_sha256(a.sha256), repo().all().at(0)}) {
    EXPECT_EQ(found.id, a.id);
    EXPECT_EQ(found.approval, Approval::kApproved);
    EXPECT_EQ(found.approved_by, "Chủ tịch UBND xã");
    EXPECT_EQ(found.approved_at, at(2000));
  }
  // The other segment is untouched.
  EXPECT_EQ(repo().all().at(1).approval, Approval::kPending);
  EXPECT_EQ(repo().find_by_id(b.id)->approval, Approval::kPending);
}

TEST_F(SegmentRepositoryTest, RetiredSegmentCannotBeApprovedAgain) {
  const Segment a = add("a");
  repo().approve(a.id, "A", at(2000));
  repo().retire(a.id, "B", at(3000));
  try {
    repo().approve(a.id, "C", at(4000));
    FAIL() << "approved a retired segment";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("retired"), std::string::npos) << e.what();
    EXPECT_NE(e.text().vi.find("đã ngừng phát"), std::string::npos) << e.text().vi;
  }
  const Segment found = *repo().find_by_id(a.id);
  EXPECT_EQ(found.approval, Approval::kRetired);
  EXPECT_EQ(found.approved_by, "B");
  EXPECT_EQ(repo().events(a.id).size(), 2u);
}

TEST_F(SegmentRepositoryTest, TheSchemaItselfRefusesApprovalAfterRetirement) {
  const Segment a = add("a");
  repo().retire(a.id, "B", at(3000));
  EXPECT_THROW(db_->exec("INSERT INTO segment_events (segment_id, kind, by, at_us) VALUES ('" +
                         a.id + "', 'approved', 'x', 1)"),
               SQLite::Exception);
}

TEST_F(SegmentRepositoryTest, ValidityIsStoredAsLocalDatesAndReplaced) {
  const Segment a = add("a");
  repo().set_validity(a.id, ymd(2026, 12, 1), ymd(2026, 12, 31), "A", at(2000));
  Segment found = *repo().find_by_id(a.id);
  EXPECT_EQ(found.valid_from, ymd(2026, 12, 1));
  EXPECT_EQ(found.valid_until, ymd(2026, 12, 31));
  EXPECT_EQ(found.approval, Approval::kPending);
  EXPECT_EQ(
      db_->execAndGet("SELECT valid_from || '/' || valid_until FROM segment_events").getString(),
      "2026-12-01/2026-12-31");

  repo().set_validity(a.id, std::nullopt, ymd(2027, 1, 31), "B", at(3000));
  found = *repo().find_by_id(a.id);
  EXPECT_FALSE(found.valid_from);
  EXPECT_EQ(found.valid_until, ymd(2027, 1, 31));
}

TEST_F(SegmentRepositoryTest, ValidityEndingBeforeItStartsIsRefused) {
  const Segment a = add("a");
  EXPECT_THROW(repo().set_validity(a.id, ymd(2026, 12, 31), ymd(2026, 12, 1), "A", at(1)),
               UserError);
  // And by the schema, for anything that bypasses the repository.
  EXPECT_THROW(db_->exec("INSERT INTO segment_events (segment_id, kind, by, at_us, valid_from, "
                         "valid_until) VALUES ('" +
                         a.id + "', 'validity', 'x', 1, '2026-12-31', '2026-12-01')"),
               SQLite::Exception);
  EXPECT_TRUE(repo().events(a.id).empty());
}

TEST_F(SegmentRepositoryTest, EventForUnknownSegmentIsRefused) {
  add("a");
  try {
    repo().approve("0123456789ab", "A", at(1));
    FAIL();
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("no segment with id \"0123456789ab\""), std::string::npos);
  }
  // The foreign key holds even without the repository's check.
  EXPECT_THROW(db_->exec("INSERT INTO segment_events (segment_id, kind, by, at_us) VALUES "
                         "('0123456789ab', 'approved', 'x', 1)"),
               SQLite::Exception);
}

TEST_F(SegmentRepositoryTest, HistoryKeepsEveryEventInOrder) {
  const Segment a = add("a");
  const Segment b = add("b");
  repo().approve(a.id, "A", at(10));
  repo().set_validity(b.id, ymd(2026, 1, 1), std::nullopt, "B", at(20));
  repo().set_validity(a.id, std::nullopt, ymd(2026, 6, 30), "C", at(30));
  repo().retire(a.id, "D", at(40));

  const auto history = repo().events(a.id);
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[0].kind, Kind::kApproved);
  EXPECT_EQ(history[1].kind, Kind::kValidity);
  EXPECT_EQ(history[1].valid_until, ymd(2026, 6, 30));
  EXPECT_EQ(history[2].kind, Kind::kRetired);
  EXPECT_EQ(history[2].by, "D");
  EXPECT_EQ(history[2].at, at(40));
  EXPECT_LT(history[0].seq, history[1].seq);
  EXPECT_EQ(repo().all_events().size(), 4u);

  // Validity survives retirement: the record says what the range was.
  const Segment found = *repo().find_by_id(a.id);
  EXPECT_EQ(found.approval, Approval::kRetired);
  EXPECT_EQ(found.valid_until, ymd(2026, 6, 30));
}

struct Forbidden {
  const char* name;
  const char* sql;
};

class SegmentRepositoryAppendOnly : public SegmentRepositoryTest,
                                    public ::testing::WithParamInterface<Forbidden> {};

TEST_P(SegmentRepositoryAppendOnly, TriggersRefuse) {
  const Segment a = add("a");
  repo().approve(a.id, "A", at(10));
  EXPECT_THROW(db_->exec(GetParam().sql), SQLite::Exception);
  const Segment found = *repo().find_by_id(a.id);
  EXPECT_EQ(found.title, a.title);
  EXPECT_EQ(found.approval, Approval::kApproved);
  EXPECT_EQ(repo().events(a.id).size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(
    Statements, SegmentRepositoryAppendOnly,
    ::testing::Values(Forbidden{"update_event", "UPDATE segment_events SET by = 'someone else'"},
                      Forbidden{"delete_event", "DELETE FROM segment_events"},
                      Forbidden{"update_segment", "UPDATE segments SET title = 'khác'"},
                      Forbidden{"delete_segment", "DELETE FROM segments"},
                      Forbidden{"event_without_by",
                                "INSERT INTO segment_events (segment_id, kind, at_us) "
                                "VALUES ('aaaaaaaaaaaa', 'approved', 1)"},
                      Forbidden{"unknown_kind",
                                "INSERT INTO segment_events (segment_id, kind, by, at_us) "
                                "VALUES ('aaaaaaaaaaaa', 'deleted', 'x', 1)"},
                      Forbidden{"dates_on_approval",
                                "INSERT INTO segment_events (segment_id, kind, by, at_us, "
                                "valid_from) VALUES ('aaaaaaaaaaaa', 'approved', 'x', 1, "
                                "'2026-01-01')"}),
    [](const auto& info) { return std::string(info.param.name); });

// --- edits (schema 6) --------------------------------------------------------------------------

TEST_F(SegmentRepositoryTest, EditsSetTheCurrentTitleTagAndNoteAndAreChained) {
  const Segment a = add("a");
  repo().approve(a.id, "A", at(10));
  const SegmentEvent e =
      repo().edit(a.id, "Bộ phận một cửa", std::nullopt, "đọc chậm", "B", at(20));
  EXPECT_EQ(e.kind, Kind::kEdited);
  EXPECT_GT(e.seq, 0);
  Segment found = *repo().find_by_id(a.id);
  EXPECT_EQ(found.title, "Bộ phận một cửa");
  EXPECT_EQ(found.tag, "cchc");
  EXPECT_EQ(found.note, "đọc chậm");
  EXPECT_EQ(found.approval, Approval::kApproved);

  repo().edit(a.id, std::nullopt, "", std::nullopt, "C", at(30));
  found = repo().all().at(0);
  EXPECT_EQ(found.title, "Bộ phận một cửa");
  EXPECT_EQ(found.tag, "");
  EXPECT_EQ(found.note, "đọc chậm");

  // What the chained segments row says, for bundles.
  const Segment imported = repo().all_as_imported().at(0);
  EXPECT_EQ(imported.title, a.title);
  EXPECT_EQ(imported.tag, "cchc");
  EXPECT_EQ(imported.approval, Approval::kApproved);

  // One chain event per edit, whose payload is the stored row.
  EXPECT_EQ(
      db_->execAndGet("SELECT count(*) FROM audit_chain WHERE source = 'segment_edits'").getInt(),
      2);
  EXPECT_TRUE(unchained_rows(*db_).empty());
  const std::string payload =
      db_->execAndGet(
             "SELECT payload FROM audit_chain WHERE source = 'segment_edits' AND "
             "source_id = 1")
          .getString();
  EXPECT_NE(payload.find("\"title\":\"Bộ phận một cửa\""), std::string::npos) << payload;
  EXPECT_NE(payload.find("\"tag\":null"), std::string::npos) << payload;
}

TEST_F(SegmentRepositoryTest, HistoryMergesDecisionsAndEditsByTime) {
  const Segment a = add("a");
  add("b");
  repo().set_validity(a.id, ymd(2026, 12, 1), std::nullopt, "A", at(10));
  repo().edit(a.id, "Tiêu đề mới", std::nullopt, std::nullopt, "B", at(20));
  repo().approve(a.id, "C", at(30));
  repo().edit("bbbbbbbbbbbb", std::nullopt, "khac", std::nullopt, "D", at(25));
  const auto history = repo().events(a.id);
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[0].kind, Kind::kValidity);
  EXPECT_EQ(history[1].kind, Kind::kEdited);
  EXPECT_EQ(history[1].title, "Tiêu đề mới");
  EXPECT_FALSE(history[1].tag);
  EXPECT_EQ(history[2].kind, Kind::kApproved);
  const auto all = repo().all_events();
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[2].by, "D");
}

TEST_F(SegmentRepositoryTest, AnEditThatChangesNothingOrBlanksTheTitleIsRefused) {
  const Segment a = add("a");
  EXPECT_THROW(repo().edit(a.id, std::nullopt, std::nullopt, std::nullopt, "A", at(10)), UserError);
  EXPECT_THROW(repo().edit(a.id, "", std::nullopt, std::nullopt, "A", at(10)), UserError);
  EXPECT_THROW(repo().edit("0123456789ab", "x", std::nullopt, std::nullopt, "A", at(10)),
               UserError);
  EXPECT_TRUE(repo().events(a.id).empty());
  EXPECT_EQ(repo().find_by_id(a.id)->title, a.title);
}

TEST_F(SegmentRepositoryTest, FindByPrefixMatchesTheIdThenTheHash) {
  Segment a = sample("a");
  a.sha256 = "abcd1111" + std::string(56, '0');
  a.id = a.sha256.substr(0, 12);
  repo().insert(a);
  Segment b = sample("b");
  b.sha256 = "abcd2222" + std::string(56, '0');
  b.id = b.sha256.substr(0, 12);
  repo().insert(b);
  EXPECT_EQ(repo().find_by_prefix("abcd").size(), 2u);
  ASSERT_EQ(repo().find_by_prefix("abcd1").size(), 1u);
  EXPECT_EQ(repo().find_by_prefix("abcd1").front().id, a.id);
  EXPECT_EQ(repo().find_by_prefix(a.id).size(), 1u);
  EXPECT_EQ(repo().find_by_prefix(b.sha256.substr(0, 20)).front().id, b.id);
  EXPECT_EQ(repo().find_by_prefix(b.sha256).front().id, b.id);
  EXPECT_TRUE(repo().find_by_prefix("abcd3").empty());
}

class SegmentEditsAppendOnly : public SegmentRepositoryTest,
                               public ::testing::WithParamInterface<Forbidden> {};

TEST_P(SegmentEditsAppendOnly, TriggersAndChecksRefuse) {
  const Segment a = add("a");
  repo().edit(a.id, "Tiêu đề đã sửa", std::nullopt, std::nullopt, "A", at(10));
  EXPECT_THROW(db_->exec(GetParam().sql), SQLite::Exception);
  EXPECT_EQ(repo().find_by_id(a.id)->title, "Tiêu đề đã sửa");
  EXPECT_EQ(repo().events(a.id).size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(
    Statements, SegmentEditsAppendOnly,
    ::testing::Values(Forbidden{"update_edit", "UPDATE segment_edits SET title = 'khác'"},
                      Forbidden{"delete_edit", "DELETE FROM segment_edits"},
                      Forbidden{"edit_of_nothing",
                                "INSERT INTO segment_edits (segment_id, by, at_us) "
                                "VALUES ('aaaaaaaaaaaa', 'x', 1)"},
                      Forbidden{"empty_title",
                                "INSERT INTO segment_edits (segment_id, title, by, at_us) "
                                "VALUES ('aaaaaaaaaaaa', '', 'x', 1)"},
                      Forbidden{"edit_without_by",
                                "INSERT INTO segment_edits (segment_id, title, at_us) "
                                "VALUES ('aaaaaaaaaaaa', 'y', 1)"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace loaxa
