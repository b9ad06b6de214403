// SegmentOperations and find_segment: what a person can do to a station's segments, against a
// real SQLite file and library folder in a temporary directory, on a FakeClock.

#include "station/segment_operations.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "audit/chain_verifier.h"
#include "fakes/fake_clock.h"
#include "fakes/fixtures.h"
#include "store/database.h"
#include "store/segment_repository.h"

namespace loaxa {
namespace {

namespace fs = std::filesystem;
using testing::AudioFormat;
using testing::FakeClock;
using testing::TempDir;
using Status = SegmentLookup::Status;

constexpr Instant kStart{std::chrono::seconds{1'793'577'600}};  // 2026-11-02 07:00 in Hà Nội

date::year_month_day ymd(int y, unsigned m, unsigned d) {
  return {date::year{y}, date::month{m}, date::day{d}};
}

/// A station in a temp folder: its config, a clock, and the operations over them.
class SegmentOperationsTest : public ::testing::Test {
 protected:
  SegmentOperationsTest() {
    config_.database = dir_ / "var/loaxa.db";
    config_.library = dir_ / "var/library";
    fs::create_directories(dir_ / "in");
  }

  /// A 1 s tone in `name`; another frequency is another recording.
  std::string tone(const std::string& name, double frequency = 1000) const {
    const fs::path file = dir_ / "in" / name;
    testing::write_audio(file, {AudioFormat::kWav16, 22050, 1, 22050},
                         testing::sine(frequency, 0.5, 22050));
    return file.string();
  }

  /// Imports `files` with no options, as `actor`.
  ImportResult import(std::vector<std::string> files, const std::string& actor = "canbo") {
    SegmentImportRequest req;
    req.files = std::move(files);
    return ops_.import(req, actor);
  }

  std::string import_one(const std::string& name, double frequency = 1000) {
    const ImportResult r = import({tone(name, frequency)});
    EXPECT_EQ(r.files.at(0).status, ImportStatus::kImported);
    return r.files.at(0).segment.id;
  }

  /// Inserts a segment with this exact hash, so that tests can choose ids that share a prefix.
  Segment insert_with_hash(const std::string& sha256, const std::string& title) {
    auto db = open_database(config_.database);
    Segment s;
    s.sha256 = sha256;
    s.id = sha256.substr(0, 12);
    s.title = title;
    s.format = "WAV";
    s.original_name = title + ".wav";
    s.library_path = sha256 + ".wav";
    s.sample_rate = 48000;
    s.channels = 1;
    s.frames = 48000;
    s.imported_at = kStart;
    SegmentRepository(*db).insert(s);
    return s;
  }

  std::vector<SegmentEvent> history(const std::string& id) {
    auto db = open_database_readonly(config_.database);
    return SegmentRepository(*db).events(id);
  }

  TempDir dir_;
  StationConfig config_;
  FakeClock clock_{kStart};
  SegmentOperations ops_{config_, clock_};
};

// --- import ------------------------------------------------------------------------------------

TEST_F(SegmentOperationsTest, ImportSaysForEachFileImportedAlreadyThereOrRefusedWithWhy) {
  const std::string good = tone("mot-cua.wav");
  testing::write_bytes(dir_ / "in/hong.wav", testing::random_bytes(4000));
  std::vector<std::string> done;
  ImportProgress progress;
  progress.decoding = [](const std::string&, double f) {
    EXPECT_GE(f, 0.0);
    EXPECT_LE(f, 1.0);
  };
  progress.done = [&](const FileImport& f) { done.push_back(f.file); };
  SegmentImportRequest req;
  req.files = {good, (dir_ / "in/hong.wav").string(), good};
  const ImportResult r = ops_.import(req, "canbo", progress);

  ASSERT_EQ(r.files.size(), 3u);
  EXPECT_EQ(done, req.files);
  EXPECT_EQ(r.files[0].status, ImportStatus::kImported);
  EXPECT_EQ(r.files[0].segment.imported_at, kStart);
  EXPECT_EQ(r.files[0].segment.title, "mot-cua");
  EXPECT_FALSE(r.files[0].refusal);
  EXPECT_TRUE(fs::exists(config_.library / r.files[0].segment.library_path));

  const FileImport& refused = r.files[1];
  EXPECT_EQ(refused.status, ImportStatus::kRefused);
  ASSERT_TRUE(refused.refusal);
  EXPECT_EQ(refused.refusal->code, "unrecognised_format");
  EXPECT_FALSE(refused.refusal->message.vi.empty());
  EXPECT_FALSE(refused.refusal->message.en.empty());
  EXPECT_NE(refused.refusal->message.vi, refused.refusal->message.en);

  EXPECT_EQ(r.files[2].status, ImportStatus::kAlreadyThere);
  EXPECT_EQ(r.files[2].segment.id, r.files[0].segment.id);
  EXPECT_EQ(r.count(ImportStatus::kImported), 1u);
  EXPECT_EQ(r.count(ImportStatus::kAlreadyThere), 1u);
  EXPECT_EQ(r.count(ImportStatus::kRefused), 1u);
  EXPECT_EQ(ops_.list().size(), 1u);
}

TEST_F(SegmentOperationsTest, ImportRecordsValidityByTheActorAndApprovalByTheApprover) {
  SegmentImportRequest req;
  req.files = {tone("a.wav")};
  req.valid_until = ymd(2026, 12, 31);
  ImportResult r = ops_.import(req, "canbo");
  ASSERT_EQ(r.files[0].recorded.size(), 1u);
  EXPECT_EQ(r.files[0].recorded[0].by, "canbo");
  EXPECT_EQ(r.files[0].recorded[0].at, kStart);
  EXPECT_EQ(r.files[0].segment.approval, Segment::Approval::kPending);

  // The same content again with an approver: approved now, in the approver's name, once.
  clock_.advance(std::chrono::minutes(5));
  req.approver = "  Chủ tịch UBND xã ";
  r = ops_.import(req, "canbo");
  EXPECT_EQ(r.files[0].status, ImportStatus::kAlreadyThere);
  ASSERT_EQ(r.files[0].recorded.size(), 1u);
  EXPECT_EQ(r.files[0].recorded[0].kind, SegmentEvent::Kind::kApproved);
  EXPECT_EQ(r.files[0].recorded[0].by, "Chủ tịch UBND xã");
  EXPECT_EQ(r.files[0].recorded[0].at, kStart + std::chrono::minutes(5));
  r = ops_.import(req, "canbo");
  EXPECT_TRUE(r.files[0].recorded.empty());
  EXPECT_EQ(history(r.files[0].segment.id).size(), 2u);
}

struct BadImport {
  const char* name;
  std::optional<std::string> approver;
  std::optional<std::string> title;
  std::optional<date::year_month_day> from;
  std::optional<date::year_month_day> until;
  const char* says_en;
};

class SegmentImportRequestRefused : public SegmentOperationsTest,
                                    public ::testing::WithParamInterface<BadImport> {};

TEST_P(SegmentImportRequestRefused, BeforeAnyFileIsRead) {
  const BadImport& c = GetParam();
  SegmentImportRequest req;
  req.files = {tone("a.wav")};
  req.approver = c.approver;
  req.title = c.title;
  req.valid_from = c.from;
  req.valid_until = c.until;
  try {
    ops_.import(req, "canbo");
    FAIL() << "accepted";
  } catch (const UserError& e) {
    EXPECT_NE(e.text().en.find(c.says_en), std::string::npos) << e.text().en;
    EXPECT_NE(e.text().vi, e.text().en);
  }
  EXPECT_FALSE(fs::exists(config_.database));
  EXPECT_FALSE(fs::exists(config_.library));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SegmentImportRequestRefused,
    ::testing::Values(BadImport{"blank_approver", " ", {}, {}, {}, "name of the person deciding"},
                      BadImport{"blank_title", {}, "  ", {}, {}, "the title is blank"},
                      BadImport{"title_not_utf8", {}, "Th\xf4ng b\xe1o", {}, {}, "not UTF-8"},
                      BadImport{"until_before_from",
                                {},
                                {},
                                ymd(2026, 12, 31),
                                ymd(2026, 12, 1),
                                "is before its start"}),
    [](const auto& info) { return std::string(info.param.name); });

// The title of a file imported without --title is its name without the extension, Vietnamese
// letters kept, in NFC whatever form the name was typed in.
struct TitleCase {
  const char* name;
  std::string file;
  std::string title;
};

class SegmentDefaultTitle : public SegmentOperationsTest,
                            public ::testing::WithParamInterface<TitleCase> {};

TEST_P(SegmentDefaultTitle, IsTheFileNameInNfc) {
  const ImportResult r = import({tone(GetParam().file)});
  ASSERT_EQ(r.files[0].status, ImportStatus::kImported)
      << r.files[0].refusal.value_or(ImportRefusal{}).message.en;
  EXPECT_EQ(r.files[0].segment.title, GetParam().title);
  EXPECT_EQ(ops_.list().at(0).title, GetParam().title);
  EXPECT_EQ(ops_.list().at(0).original_name, GetParam().file);
}

INSTANTIATE_TEST_SUITE_P(
    Names, SegmentDefaultTitle,
    ::testing::Values(
        TitleCase{"precomposed", "Thông báo thuế đất.wav", "Thông báo thuế đất"},
        // "Thông báo thuế đất" as a Mac names it: o + U+0302, a + U+0301, ê = e + U+0302 then
        // U+0301, đ (no decomposition).
        TitleCase{"decomposed",
                  "Tho\xcc\x82ng ba\xcc\x81o thue\xcc\x82\xcc\x81 \xc4\x91"
                  "a\xcc\x82\xcc\x81t.wav",
                  "Thông báo thuế đất"},
        TitleCase{"dots_in_name", "Lịch tiếp dân 12.2026.flac.wav", "Lịch tiếp dân 12.2026.flac"},
        TitleCase{"all_tones", "ả ã á à ạ ơ ư ă â ê ô ỳ.wav", "ả ã á à ạ ơ ư ă â ê ô ỳ"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST_F(SegmentOperationsTest, AFileNameInAnOldCodePageIsRefusedAndNamed) {
  // "Thông báo" in Latin-1, as a file copied from a machine with another code page.
  const ImportResult r = import({tone("Th\xf4ng b\xe1o.wav")});
  EXPECT_EQ(r.files[0].status, ImportStatus::kRefused);
  ASSERT_TRUE(r.files[0].refusal);
  EXPECT_EQ(r.files[0].refusal->code, "name_not_utf8");
  EXPECT_NE(r.files[0].refusal->message.en.find("rename the file"), std::string::npos);
  EXPECT_NE(r.files[0].refusal->message.vi.find("đổi tên tệp"), std::string::npos);
  EXPECT_FALSE(fs::exists(config_.database));
}

// --- finding a segment -------------------------------------------------------------------------

struct LookupCase {
  const char* name;
  std::string given;
  Status status;
  const char* found_title;  ///< when found
  const char* says_en;      ///< in the message, when not found
};

class SegmentLookupTable : public SegmentOperationsTest,
                           public ::testing::WithParamInterface<LookupCase> {
 protected:
  void SetUp() override {
    insert_with_hash("abcd1111" + std::string(56, '0'), "Một cửa");
    insert_with_hash("abcd2222" + std::string(56, '0'), "Dịch vụ công");
    insert_with_hash("9876" + std::string(60, 'e'), "Tra cứu hồ sơ");
  }
};

TEST_P(SegmentLookupTable, ResolvesOrSaysWhy) {
  const LookupCase& c = GetParam();
  const SegmentLookup r = ops_.find(c.given);
  EXPECT_EQ(r.status, c.status);
  EXPECT_EQ(r.given, c.given);
  if (c.status == Status::kFound) {
    ASSERT_TRUE(r.segment);
    EXPECT_EQ(r.segment->title, c.found_title);
    return;
  }
  EXPECT_FALSE(r.segment);
  const Text m = r.message();
  EXPECT_NE(m.en.find(c.says_en), std::string::npos) << m.en;
  EXPECT_NE(m.vi, m.en);
  // Each says where the ids are; an ambiguous name lists its candidates instead.
  if (c.status != Status::kAmbiguous) {
    EXPECT_NE(m.vi.find("loaxa segment list"), std::string::npos) << m.vi;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Names, SegmentLookupTable,
    ::testing::Values(
        LookupCase{"full_id", "abcd11110000", Status::kFound, "Một cửa", ""},
        LookupCase{"unique_prefix", "abcd1", Status::kFound, "Một cửa", ""},
        LookupCase{"four_digits", "9876", Status::kFound, "Tra cứu hồ sơ", ""},
        LookupCase{"upper_case", "ABCD2", Status::kFound, "Dịch vụ công", ""},
        LookupCase{"spaces_around", " abcd2 ", Status::kFound, "Dịch vụ công", ""},
        LookupCase{"hash_prefix", "9876eeeeeeeeeeee", Status::kFound, "Tra cứu hồ sơ", ""},
        LookupCase{"full_hash", "abcd2222" + std::string(56, '0'), Status::kFound, "Dịch vụ công",
                   ""},
        LookupCase{"ambiguous", "abcd", Status::kAmbiguous, "", "matches 2 segments"},
        LookupCase{"too_short", "abc", Status::kTooShort, "", "at least the first 4 hex digits"},
        LookupCase{"empty", "", Status::kTooShort, "", "too short"},
        LookupCase{"not_hex", "abcg", Status::kNotHex, "", "is not a segment id"},
        LookupCase{"too_long", std::string(65, 'a'), Status::kTooLong, "", "longer than the 64"},
        LookupCase{"unknown", "ffff", Status::kUnknown, "", "no segment with id \"ffff\""}),
    [](const auto& info) { return std::string(info.param.name); });

TEST_F(SegmentOperationsTest, AnAmbiguousPrefixListsEveryCandidateWithItsTitle) {
  insert_with_hash("abcd1111" + std::string(56, '0'), "Một cửa");
  insert_with_hash("abcd2222" + std::string(56, '0'), "Dịch vụ công");
  const SegmentLookup r = ops_.find("ABCD");
  ASSERT_EQ(r.status, Status::kAmbiguous);
  ASSERT_EQ(r.candidates.size(), 2u);
  EXPECT_EQ(r.candidates[0].title, "Một cửa");
  const Text m = r.message();
  for (const std::string& want :
       {std::string("abcd11110000  \"Một cửa\""), std::string("abcd22220000  \"Dịch vụ công\"")}) {
    EXPECT_NE(m.vi.find(want), std::string::npos) << m.vi;
    EXPECT_NE(m.en.find(want), std::string::npos) << m.en;
  }
}

TEST_F(SegmentOperationsTest, OnAStationWithNoDatabaseNothingIsFoundAndNoneIsCreated) {
  EXPECT_EQ(ops_.find("abcd").status, Status::kUnknown);
  EXPECT_EQ(ops_.find("ab").status, Status::kTooShort);
  EXPECT_TRUE(ops_.list().empty());
  EXPECT_THROW(ops_.show("abcd"), UserError);
  EXPECT_THROW(ops_.approve({{"abcd"}, "A"}), UserError);
  EXPECT_THROW(ops_.retire({"abcd", "A"}), UserError);
  EXPECT_THROW(ops_.edit({"abcd", "x", {}, {}, "A"}), UserError);
  EXPECT_FALSE(fs::exists(config_.database));
}

// --- approve, retire, validity -----------------------------------------------------------------

TEST_F(SegmentOperationsTest, ApprovingSeveralIsAllOrNothing) {
  const std::string a = import_one("a.wav", 500);
  const std::string b = import_one("b.wav", 700);
  const std::string c = import_one("c.wav", 900);
  ops_.retire({c, "A"});

  // A retired segment among them: nothing is approved.
  try {
    ops_.approve({{a, c}, "Chủ tịch"});
    FAIL() << "approved a retired segment";
  } catch (const UserError& e) {
    EXPECT_NE(e.text().en.find("cannot be approved again"), std::string::npos) << e.text().en;
    EXPECT_NE(e.text().en.find("nothing was approved"), std::string::npos) << e.text().en;
  }
  EXPECT_EQ(ops_.find(a).segment->approval, Segment::Approval::kPending);
  EXPECT_TRUE(history(a).empty());

  // An unknown and a too short name among them: both said, nothing approved.
  try {
    ops_.approve({{a, "ffffffffffff", "ab"}, "Chủ tịch"});
    FAIL() << "approved with an unknown id";
  } catch (const UserError& e) {
    EXPECT_NE(e.text().en.find("no segment with id \"ffffffffffff\""), std::string::npos);
    EXPECT_NE(e.text().en.find("id \"ab\" is too short"), std::string::npos) << e.text().en;
    EXPECT_NE(e.text().vi.find("không duyệt đoạn nào"), std::string::npos) << e.text().vi;
  }
  EXPECT_TRUE(history(a).empty());

  // Two names for a, and b: each approved once, in the order named.
  clock_.advance(std::chrono::minutes(1));
  const auto changes = ops_.approve({{b, a.substr(0, 6), a}, "Chủ tịch"});
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].segment.id, b);
  EXPECT_EQ(changes[1].segment.id, a);
  for (const auto& ch : changes) {
    ASSERT_TRUE(ch.event);
    EXPECT_EQ(ch.event->at, kStart + std::chrono::minutes(1));
    EXPECT_EQ(ch.segment.approval, Segment::Approval::kApproved);
    EXPECT_EQ(history(ch.segment.id).size(), 1u);
  }
  // Again: already approved, nothing recorded.
  const auto again = ops_.approve({{a, b}, "Người khác"});
  EXPECT_FALSE(again[0].event);
  EXPECT_EQ(again[0].segment.approved_by, "Chủ tịch");
  EXPECT_EQ(history(a).size(), 1u);
}

TEST_F(SegmentOperationsTest, RetireAndValidityRecordOnlyWhatChanges) {
  const std::string a = import_one("a.wav");
  SegmentChange v = ops_.set_validity({a, ymd(2026, 12, 1), ymd(2026, 12, 31), "A"});
  ASSERT_TRUE(v.event);
  // An end not given keeps its value.
  v = ops_.set_validity({a, std::nullopt, ymd(2027, 1, 15), "A"});
  EXPECT_EQ(v.segment.valid_from, ymd(2026, 12, 1));
  EXPECT_EQ(v.segment.valid_until, ymd(2027, 1, 15));
  // "No limit" for the start.
  v = ops_.set_validity({a, std::optional<date::year_month_day>{}, std::nullopt, "A"});
  EXPECT_FALSE(v.segment.valid_from);
  v = ops_.set_validity({a, std::optional<date::year_month_day>{}, std::nullopt, "A"});
  EXPECT_FALSE(v.event);
  EXPECT_THROW(ops_.set_validity({a, ymd(2027, 2, 1), std::nullopt, "A"}), UserError);
  EXPECT_THROW(ops_.set_validity({a, std::nullopt, std::nullopt, "A"}), UserError);

  SegmentChange r = ops_.retire({a.substr(0, 4), "B"});
  ASSERT_TRUE(r.event);
  EXPECT_EQ(r.segment.approval, Segment::Approval::kRetired);
  r = ops_.retire({a, "C"});
  EXPECT_FALSE(r.event);
  EXPECT_EQ(r.segment.approved_by, "B");
  EXPECT_THROW(ops_.set_validity({a, std::nullopt, ymd(2027, 3, 1), "A"}), UserError);
  EXPECT_EQ(history(a).size(), 4u);
}

// --- edit --------------------------------------------------------------------------------------

TEST_F(SegmentOperationsTest, EditRecordsWhatDiffersAndEveryReaderSeesIt) {
  const std::string a = import_one("Một cửa.wav");
  clock_.advance(std::chrono::minutes(3));
  // The tag given is the one it has: only the title and the note are recorded.
  SegmentChange c = ops_.edit({a.substr(0, 5), "Bộ phận một cửa", "", "đọc chậm", "Văn phòng"});
  ASSERT_TRUE(c.event);
  EXPECT_EQ(c.event->kind, SegmentEvent::Kind::kEdited);
  EXPECT_EQ(c.event->title, "Bộ phận một cửa");
  EXPECT_FALSE(c.event->tag);
  EXPECT_EQ(c.event->note, "đọc chậm");
  EXPECT_EQ(c.event->at, kStart + std::chrono::minutes(3));
  EXPECT_EQ(c.event->by, "Văn phòng");

  const Segment listed = ops_.list().at(0);
  EXPECT_EQ(listed.title, "Bộ phận một cửa");
  EXPECT_EQ(listed.note, "đọc chậm");
  const SegmentRecord shown = ops_.show(a);
  EXPECT_EQ(shown.segment.title, "Bộ phận một cửa");
  ASSERT_EQ(shown.history.size(), 1u);
  EXPECT_EQ(shown.history[0].kind, SegmentEvent::Kind::kEdited);

  // A title typed decomposed is the same title: nothing to record.
  c = ops_.edit({a,
                 "B\xe1\xbb\x99 pha\xcc\xa3\xcc\x82n m\xe1\xbb\x99t c\xe1\xbb\xad\x61",
                 {},
                 {},
                 "Văn phòng"});
  EXPECT_FALSE(c.event) << c.segment.title;
  c = ops_.edit({a, {}, "cchc", "", "Văn phòng"});
  ASSERT_TRUE(c.event);
  EXPECT_EQ(c.segment.tag, "cchc");
  EXPECT_EQ(c.segment.note, "");
  EXPECT_EQ(history(a).size(), 2u);

  // Chained: the log verifies.
  auto db = open_database_readonly(config_.database);
  const auto v = verify_database(*db, std::nullopt);
  EXPECT_TRUE(v.intact()) << v.problems.front().what.en;
  EXPECT_EQ(v.events, 3);
}

TEST_F(SegmentOperationsTest, AnEditOfNothingOrABlankTitleIsRefused) {
  const std::string a = import_one("a.wav");
  EXPECT_THROW(ops_.edit({a, {}, {}, {}, "A"}), UserError);
  EXPECT_THROW(ops_.edit({a, " ", {}, {}, "A"}), UserError);
  EXPECT_THROW(ops_.edit({a, "x", {}, {}, " "}), UserError);
  EXPECT_THROW(ops_.edit({a, {}, {}, "Th\xf4ng", "A"}), UserError);
  EXPECT_TRUE(history(a).empty());
  EXPECT_EQ(ops_.list().at(0).title, "a");
}

}  // namespace
}  // namespace loaxa
