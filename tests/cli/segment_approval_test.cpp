// `loaxa segment approve|retire|validity|edit`, approval at import and the ids people type, run
// as the built executable against a temporary station. Every decision must end up as an event
// in segment_events, every edit in segment_edits.

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/time.h"
#include "fakes/command_runner.h"
#include "fakes/fixtures.h"
#include "store/database.h"
#include "store/segment_repository.h"

namespace loaxa {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::AudioFormat;
using testing::TempDir;

using RunResult = testing::CommandResult;
using testing::loaxa_binary;
using testing::shell_quote;
std::string read_all(const fs::path& file) {
  return testing::read_file(file);
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

/// A station in a temp folder with one imported tone per call to import().
class Station {
 public:
  explicit Station(bool require_approval = true) {
    fs::create_directories(dir_ / "config");
    std::ofstream(config_) << "[station]\n"
                              "name = \"Xã Thử Nghiệm\"\n"
                              "timezone = \"Asia/Ho_Chi_Minh\"\n"
                           << "require_approval = " << (require_approval ? "true" : "false")
                           << "\n"
                              "[storage]\n"
                              "database = \"../var/loaxa.db\"\n"
                              "library = \"../var/library\"\n";
  }

  fs::path database() const { return dir_ / "var/loaxa.db"; }
  fs::path library() const { return dir_ / "var/library"; }

  /// A 2 s tone; a different frequency gives a different segment.
  std::string tone(double frequency = 1000) const {
    fs::create_directories(dir_ / "in");
    const fs::path file = dir_ / "in" / (std::to_string(static_cast<int>(frequency)) + ".wav");
    testing::write_audio(file, {AudioFormat::kWav16, 22050, 1, 22050 * 2},
                         testing::sine(frequency, 0.5, 22050));
    return file.string();
  }

  /// Imports a tone and returns its id.
  std::string import(double frequency, std::vector<std::string> extra = {}) const {
    std::vector<std::string> args = {"segment", "import", "--json", tone(frequency)};
    args.insert(args.end(), extra.begin(), extra.end());
    const RunResult r = run(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out).at(0).at("id").get<std::string>();
  }

  /// As run(), but as the unprivileged user `nobody`, who may read the station (made readable
  /// to all here) but write none of it: a staff member on an installed station.
  RunResult run_as_nobody(const std::vector<std::string>& args) const {
    const auto readable = fs::perms::others_read | fs::perms::group_read;
    const auto enterable = fs::perms::others_exec | fs::perms::group_exec;
    fs::permissions(dir_.path(), readable | enterable, fs::perm_options::add);
    for (const auto& e : fs::recursive_directory_iterator(dir_.path())) {
      fs::permissions(e.path(), e.is_directory() ? readable | enterable : readable,
                      fs::perm_options::add);
    }
    // A copy of the program in the station's folder: the checkout may be where nobody can
    // enter (a clone in root's home, mode 0700).
    const fs::path copy = dir_ / "loaxa";
    if (!fs::exists(copy)) fs::copy_file(loaxa_binary(), copy);
    return run(args, "setpriv --reuid=65534 --regid=65534 --clear-groups -- ", copy);
  }

  RunResult run(const std::vector<std::string>& args, const std::string& prefix = "",
                const fs::path& program = loaxa_binary()) const {
    std::string cmd =
        prefix + shell_quote(program.string()) + " --config " + shell_quote(config_.string());
    for (const auto& a : args) cmd += " " + shell_quote(a);
    const fs::path out = dir_ / "stdout";
    const fs::path err = dir_ / "stderr";
    cmd += " >" + shell_quote(out.string()) + " 2>" + shell_quote(err.string()) + " </dev/null";
    RunResult r;
    const int status = std::system(cmd.c_str());
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = read_all(out);
    r.err = read_all(err);
    return r;
  }

  json show(const std::string& id) const {
    const RunResult r = run({"segment", "show", id, "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out);
  }

  std::vector<SegmentEvent> events(const std::string& id) const {
    auto db = open_database_readonly(database());
    return SegmentRepository(*db).events(id);
  }

 private:
  TempDir dir_;
  fs::path config_ = dir_ / "config/loaxa.toml";
};

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// --- approve -----------------------------------------------------------------------------------

TEST(SegmentApproval, ImportedSegmentIsPendingAndSaysHowToApprove) {
  Station st;
  const RunResult r = st.run({"--lang", "en", "segment", "import", st.tone()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out,
                       "pending: it will not air until approved with: loaxa segment "
                       "approve"))
      << r.out;
  const json list = json::parse(st.run({"segment", "list", "--json"}).out);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["approval"], "pending");
  for (const char* key : {"approved_by", "approved_at", "valid_from", "valid_until"}) {
    ASSERT_TRUE(list[0].contains(key)) << key;
    EXPECT_TRUE(list[0][key].is_null()) << key;
  }
}

TEST(SegmentApproval, ApproveRecordsWhoAndWhenAsAnEvent) {
  Station st;
  const std::string id = st.import(1000);
  const std::int64_t before = now_us();
  const RunResult r = st.run({"segment", "approve", id, "--by", "Nguyễn Văn A, Chủ tịch UBND xã"});
  const std::int64_t after = now_us();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "đã duyệt " + id)) << r.out;
  EXPECT_TRUE(contains(r.out, "phát hôm nay: có")) << r.out;

  const json j = st.show(id);
  EXPECT_EQ(j["approval"], "approved");
  EXPECT_EQ(j["approved_by"], "Nguyễn Văn A, Chủ tịch UBND xã");
  EXPECT_TRUE(contains(j["approved_at"].get<std::string>(), "+07:00")) << j["approved_at"];
  ASSERT_EQ(j["events"].size(), 1u);
  EXPECT_EQ(j["events"][0]["kind"], "approved");

  const auto events = st.events(id);
  ASSERT_EQ(events.size(), 1u);
  const std::int64_t at = events[0].at.time_since_epoch().count();
  EXPECT_GE(at, before);
  EXPECT_LE(at, after);
}

TEST(SegmentApproval, ApprovingAgainRecordsNothing) {
  Station st;
  const std::string id = st.import(1000);
  ASSERT_EQ(st.run({"segment", "approve", id, "--by", "A"}).exit_code, 0);
  const RunResult r = st.run({"--lang", "en", "segment", "approve", id, "--by", "B"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "already approved by A")) << r.out;
  EXPECT_EQ(st.events(id).size(), 1u);
  EXPECT_EQ(st.show(id)["approved_by"], "A");
}

struct BadApproval {
  const char* name;
  std::vector<std::string> args;  ///< after "segment approve ID"
  const char* says;
};

class SegmentApprovalRefuses : public ::testing::TestWithParam<BadApproval> {};

TEST_P(SegmentApprovalRefuses, WithoutRecording) {
  Station st;
  const std::string id = st.import(1000);
  std::vector<std::string> args = {"--lang", "en", "segment", "approve", id};
  args.insert(args.end(), GetParam().args.begin(), GetParam().args.end());
  const RunResult r = st.run(args);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, GetParam().says)) << r.err;
  EXPECT_TRUE(st.events(id).empty());
}

INSTANTIATE_TEST_SUITE_P(Cases, SegmentApprovalRefuses,
                         ::testing::Values(BadApproval{"no_by", {}, "needs the option --by"},
                                           BadApproval{
                                               "blank_by", {"--by", "  "}, "--by needs the name"}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(SegmentApproval, UnknownIdIsAnErrorInBothLanguages) {
  Station st;
  st.import(1000);
  RunResult r = st.run({"segment", "approve", "0123456789ab", "--by", "A"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "không có đoạn âm thanh mã \"0123456789ab\"")) << r.err;
  r = st.run({"--lang", "en", "segment", "retire", "0123456789ab"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "no segment with id \"0123456789ab\"")) << r.err;
}

TEST(SegmentApproval, ApproveWithoutADatabaseCreatesNone) {
  Station st;
  const RunResult r = st.run({"segment", "approve", "0123456789ab", "--by", "A"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_FALSE(fs::exists(st.database()));
}

// --- retire ------------------------------------------------------------------------------------

TEST(SegmentRetire, IsFinalAndRecordedWithTheLoginNameByDefault) {
  Station st;
  const std::string id = st.import(1000);
  ASSERT_EQ(st.run({"segment", "approve", id, "--by", "A"}).exit_code, 0);
  RunResult r = st.run({"--lang", "en", "segment", "retire", id});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "it will never air again")) << r.out;

  json j = st.show(id);
  EXPECT_EQ(j["approval"], "retired");
  EXPECT_FALSE(j["approved_by"].get<std::string>().empty());
  ASSERT_EQ(j["events"].size(), 2u);
  EXPECT_EQ(j["events"][1]["kind"], "retired");

  r = st.run({"--lang", "en", "segment", "approve", id, "--by", "B"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "a retired segment cannot be approved again")) << r.err;
  r = st.run({"segment", "approve", id, "--by", "B"});
  EXPECT_TRUE(contains(r.err, "đã ngừng phát")) << r.err;

  r = st.run({"--lang", "en", "segment", "retire", id, "--by", "C"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "already retired")) << r.out;
  EXPECT_EQ(st.events(id).size(), 2u);
  EXPECT_TRUE(contains(st.run({"--lang", "en", "segment", "list"}).out, "retired"));
}

TEST(SegmentRetire, NamedRetirement) {
  Station st;
  const std::string id = st.import(1000);
  ASSERT_EQ(st.run({"segment", "retire", id, "--by", "Văn phòng UBND xã"}).exit_code, 0);
  EXPECT_EQ(st.show(id)["approved_by"], "Văn phòng UBND xã");
}

// --- import with --approve-by, --from, --until -------------------------------------------------

TEST(SegmentImportApproval, ApproveByAndValidityAtImport) {
  Station st;
  const RunResult r = st.run({"segment", "import", "--json", st.tone(), "--approve-by", "Chủ tịch",
                              "--from", "2026-12-01", "--until", "2026-12-31"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out).at(0);
  EXPECT_EQ(j["approval"], "approved");
  EXPECT_EQ(j["approved_by"], "Chủ tịch");
  EXPECT_EQ(j["valid_from"], "2026-12-01");
  EXPECT_EQ(j["valid_until"], "2026-12-31");
  ASSERT_EQ(j["events"].size(), 2u);

  const json shown = st.show(j["id"]);
  EXPECT_EQ(shown["approval"], "approved");
  EXPECT_EQ(shown["valid_from"], "2026-12-01");
  EXPECT_EQ(shown["valid_until"], "2026-12-31");
  EXPECT_EQ(shown["approved_at"], j["approved_at"]);
}

TEST(SegmentImportApproval, DuplicateImportApprovesAPendingSegmentOnce) {
  // What `make run` does on every start: the samples end up approved, and stay so with a single
  // approval however often it runs.
  Station st;
  const std::string id = st.import(1000);
  EXPECT_EQ(st.show(id)["approval"], "pending");
  for (int i = 0; i < 3; ++i) {
    const RunResult r = st.run({"segment", "import", st.tone(1000), "--approve-by", "make run"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  const json j = st.show(id);
  EXPECT_EQ(j["approval"], "approved");
  EXPECT_EQ(j["approved_by"], "make run");
  EXPECT_EQ(st.events(id).size(), 1u);
  EXPECT_EQ(json::parse(st.run({"segment", "list", "--json"}).out).size(), 1u);
}

TEST(SegmentImportApproval, DuplicateImportLeavesARetiredSegmentRetired) {
  Station st;
  const std::string id = st.import(1000, {"--approve-by", "A"});
  ASSERT_EQ(st.run({"segment", "retire", id, "--by", "B"}).exit_code, 0);
  const RunResult r =
      st.run({"--lang", "en", "segment", "import", st.tone(1000), "--approve-by", "make run"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "this segment is retired (by B)")) << r.out;
  EXPECT_EQ(st.show(id)["approval"], "retired");
  EXPECT_EQ(st.events(id).size(), 2u);
}

TEST(SegmentImportApproval, DuplicateImportWithNewDatesRecordsThem) {
  Station st;
  const std::string id = st.import(1000, {"--until", "2026-12-31"});
  st.import(1000, {"--until", "2026-12-31"});
  EXPECT_EQ(st.events(id).size(), 1u);
  st.import(1000, {"--until", "2027-01-15"});
  EXPECT_EQ(st.show(id)["valid_until"], "2027-01-15");
  EXPECT_EQ(st.events(id).size(), 2u);
}

struct BadImport {
  const char* name;
  std::vector<std::string> args;
  const char* says_en;
  const char* says_vi;
};

class SegmentImportApprovalRefuses : public ::testing::TestWithParam<BadImport> {};

TEST_P(SegmentImportApprovalRefuses, BeforeTouchingAnything) {
  Station st;
  std::vector<std::string> args = {"segment", "import", st.tone()};
  args.insert(args.end(), GetParam().args.begin(), GetParam().args.end());
  std::vector<std::string> en = {"--lang", "en"};
  en.insert(en.end(), args.begin(), args.end());
  RunResult r = st.run(en);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, GetParam().says_en)) << r.err;
  r = st.run(args);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, GetParam().says_vi)) << r.err;
  EXPECT_FALSE(fs::exists(st.database()));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SegmentImportApprovalRefuses,
    ::testing::Values(
        BadImport{"month_13",
                  {"--from", "2026-13-01"},
                  "--from \"2026-13-01\": not a valid date",
                  "--from \"2026-13-01\": không phải ngày hợp lệ"},
        BadImport{"not_leap",
                  {"--until", "2027-02-29"},
                  "--until \"2027-02-29\": not a valid date",
                  "dạng NĂM-THÁNG-NGÀY"},
        BadImport{
            "day_first", {"--from", "01/12/2026"}, "use YYYY-MM-DD", "không phải ngày hợp lệ"},
        BadImport{
            "dash_not_at_import", {"--until", "-"}, "not a valid date", "không phải ngày hợp lệ"},
        BadImport{"until_before_from",
                  {"--from", "2026-12-31", "--until", "2026-12-01"},
                  "the end of validity (--until 2026-12-01) is before its start (--from "
                  "2026-12-31)",
                  "trước ngày bắt đầu"},
        BadImport{"blank_approver",
                  {"--approve-by", ""},
                  "--approve-by needs the name",
                  "--approve-by cần tên"}),
    [](const auto& info) { return std::string(info.param.name); });

// --- validity ----------------------------------------------------------------------------------

TEST(SegmentValidityCli, EachEndChangesAloneAndDashRemovesALimit) {
  Station st;
  const std::string id = st.import(1000);
  RunResult r = st.run({"segment", "validity", id, "--from", "2026-12-01", "--until", "2026-12-31",
                        "--by", "Phó chủ tịch"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "hiệu lực 01/12/2026 → 31/12/2026 — bởi Phó chủ tịch")) << r.out;

  ASSERT_EQ(st.run({"segment", "validity", id, "--until", "2027-01-15"}).exit_code, 0);
  json j = st.show(id);
  EXPECT_EQ(j["valid_from"], "2026-12-01");
  EXPECT_EQ(j["valid_until"], "2027-01-15");

  ASSERT_EQ(st.run({"segment", "validity", id, "--from", "-"}).exit_code, 0);
  j = st.show(id);
  EXPECT_TRUE(j["valid_from"].is_null());
  EXPECT_EQ(j["valid_until"], "2027-01-15");
  ASSERT_EQ(j["events"].size(), 3u);
  EXPECT_EQ(j["events"][0]["by"], "Phó chủ tịch");
  // Validity alone does not approve.
  EXPECT_EQ(j["approval"], "pending");
}

TEST(SegmentValidityCli, SameRangeAgainRecordsNothing) {
  Station st;
  const std::string id = st.import(1000, {"--from", "2026-12-01"});
  const RunResult r = st.run({"--lang", "en", "segment", "validity", id, "--from", "2026-12-01"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "nothing recorded")) << r.out;
  EXPECT_EQ(st.events(id).size(), 1u);
}

TEST(SegmentValidityCli, RefusesWhatCannotBeARange) {
  Station st;
  const std::string id = st.import(1000, {"--from", "2026-12-10"});
  RunResult r = st.run({"--lang", "en", "segment", "validity", id});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "give --from DATE and/or --until DATE")) << r.err;
  // The kept --from counts: an --until before it is refused.
  r = st.run({"--lang", "en", "segment", "validity", id, "--until", "2026-12-01"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "is before its start (--from 2026-12-10)")) << r.err;
  r = st.run({"segment", "validity", id, "--until", "2026-02-30"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "không phải ngày hợp lệ")) << r.err;
  EXPECT_EQ(st.events(id).size(), 1u);

  ASSERT_EQ(st.run({"segment", "retire", id}).exit_code, 0);
  r = st.run({"--lang", "en", "segment", "validity", id, "--until", "2027-01-01"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "is retired")) << r.err;
}

// --- who may write ------------------------------------------------------------------------------

// With loaxad not running, a person who may not write the station's records (every staff member
// of an installed station) is told so, and nothing is written; its owner may (maintenance).
TEST(SegmentApproval, WithoutLoaxadWhoeverMayNotWriteIsRefusedAndNothingChanges) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to run a command as nobody";
  Station st(false);
  const std::string id = st.import(1000);
  const std::size_t files_before =
      std::distance(fs::directory_iterator(st.library()), fs::directory_iterator());
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--lang", "en", "segment", "retire", id},
        std::vector<std::string>{"--lang", "en", "segment", "approve", id, "--by", "A"},
        std::vector<std::string>{"--lang", "en", "segment", "edit", id, "--title", "x"},
        std::vector<std::string>{"--lang", "en", "segment", "import", st.tone(500)}}) {
    const RunResult r = st.run_as_nobody(args);
    EXPECT_EQ(r.exit_code, 1) << args[3] << ": " << r.out << r.err;
    EXPECT_TRUE(contains(r.err, "loaxad is not running")) << args[3] << ": " << r.err;
    EXPECT_TRUE(contains(r.err, "nothing was changed")) << args[3] << ": " << r.err;
  }
  EXPECT_TRUE(st.events(id).empty());
  EXPECT_EQ(std::distance(fs::directory_iterator(st.library()), fs::directory_iterator()),
            static_cast<std::ptrdiff_t>(files_before));
  // In Vietnamese too, naming what to do.
  const RunResult vi = st.run_as_nobody({"segment", "retire", id});
  EXPECT_TRUE(contains(vi.err, "phần mềm phát thanh (loaxad) chưa chạy")) << vi.err;
  EXPECT_TRUE(contains(vi.err, "không có gì được thay đổi")) << vi.err;
  // The owner still may.
  EXPECT_EQ(st.run({"segment", "retire", id}).exit_code, 0);
  EXPECT_EQ(st.events(id).size(), 1u);
}

// --- list and show -----------------------------------------------------------------------------

TEST(SegmentApprovalDisplay, ListHasApprovalAndValidityColumns) {
  Station st;
  const std::string a = st.import(1000, {"--approve-by", "A", "--until", "2000-01-31"});
  const std::string b = st.import(500, {"--from", "2999-01-01"});
  RunResult r = st.run({"segment", "list"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "DUYỆT")) << r.out;
  EXPECT_TRUE(contains(r.out, "HIỆU LỰC")) << r.out;
  EXPECT_TRUE(contains(r.out, "đã duyệt")) << r.out;
  EXPECT_TRUE(contains(r.out, "chờ duyệt")) << r.out;
  EXPECT_TRUE(contains(r.out, "đến 31/01/2000 (hết hạn)")) << r.out;
  EXPECT_TRUE(contains(r.out, "từ 01/01/2999 (chưa tới)")) << r.out;

  r = st.run({"--lang", "en", "segment", "list"});
  EXPECT_TRUE(contains(r.out, "APPROVAL")) << r.out;
  EXPECT_TRUE(contains(r.out, "VALIDITY")) << r.out;
  EXPECT_TRUE(contains(r.out, "until 2000-01-31 (expired)")) << r.out;

  const json j = json::parse(st.run({"segment", "list", "--json"}).out);
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["approval"], "approved");
  EXPECT_EQ(j[0]["approved_by"], "A");
  EXPECT_FALSE(j[0]["approved_at"].is_null());
  EXPECT_TRUE(j[0]["valid_from"].is_null());
  EXPECT_EQ(j[0]["valid_until"], "2000-01-31");
  EXPECT_EQ(j[1]["approval"], "pending");
  EXPECT_EQ(j[1]["valid_from"], "2999-01-01");
  // Why neither airs today, as a code a script (or the web console) can act on.
  EXPECT_EQ(j[0]["airs_today"], false);
  EXPECT_EQ(j[0]["not_airing_today"], "expired");
  EXPECT_EQ(j[1]["airs_today"], false);
  EXPECT_EQ(j[1]["not_airing_today"], "not_approved");
  const json shown = st.show(j[1]["id"].get<std::string>());
  EXPECT_EQ(shown["not_airing_today"], "not_approved");
  EXPECT_TRUE(shown["events"].is_array());
}

TEST(SegmentApprovalDisplay, ShowGivesApprovalValidityAirsTodayAndHistory) {
  Station st;
  const std::string id = st.import(1000);
  RunResult r = st.run({"--lang", "en", "segment", "show", id});
  EXPECT_TRUE(contains(r.out, "Approval:")) << r.out;
  EXPECT_TRUE(contains(r.out, "pending")) << r.out;
  EXPECT_TRUE(contains(r.out, "Validity:")) << r.out;
  EXPECT_TRUE(contains(r.out, "unlimited")) << r.out;
  EXPECT_TRUE(contains(r.out, "no — not approved")) << r.out;
  EXPECT_TRUE(contains(r.out, "no decision recorded")) << r.out;

  st.run({"segment", "approve", id, "--by", "Nguyễn Văn A"});
  st.run({"segment", "validity", id, "--from", "2026-01-01", "--until", "2999-12-31", "--by", "B"});
  r = st.run({"segment", "show", id});
  EXPECT_TRUE(contains(r.out, "đã duyệt — Nguyễn Văn A")) << r.out;
  EXPECT_TRUE(contains(r.out, "01/01/2026 → 31/12/2999 (ngày địa phương")) << r.out;
  EXPECT_TRUE(contains(r.out, "Phát hôm nay:")) << r.out;
  EXPECT_TRUE(contains(r.out, "duyệt — Nguyễn Văn A")) << r.out;
  EXPECT_TRUE(contains(r.out, "hiệu lực 01/01/2026 → 31/12/2999 — B")) << r.out;
}

TEST(SegmentApprovalDisplay, PendingAirsWhenTheStationDoesNotRequireApproval) {
  Station st(/*require_approval=*/false);
  const std::string id = st.import(1000);
  RunResult r = st.run({"--lang", "en", "segment", "show", id});
  EXPECT_TRUE(contains(r.out, "Airs today:    yes")) << r.out;
  r = st.run({"--lang", "en", "segment", "list"});
  EXPECT_TRUE(contains(r.out, "pending (not required)")) << r.out;
}

// --- ids as people type them --------------------------------------------------------------------

/// Adds a segment with this exact hash to the station's database, so that a test can have ids
/// that share a prefix (real recordings would need thousands of imports).
void insert_with_hash(const Station& st, const std::string& sha256, const std::string& title) {
  auto db = open_database(st.database());
  Segment s;
  s.sha256 = sha256;
  s.id = sha256.substr(0, 12);
  s.title = title;
  s.format = "WAV";
  s.original_name = "x.wav";
  s.library_path = sha256 + ".wav";
  s.sample_rate = 48000;
  s.channels = 1;
  s.frames = 48000;
  SegmentRepository(*db).insert(s);
}

TEST(SegmentIds, AUniquePrefixInEitherCaseNamesTheSegmentInEveryCommand) {
  Station st;
  const std::string id = st.import(1000);
  st.import(500);
  std::string upper = id.substr(0, 5);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));

  EXPECT_EQ(st.show(id.substr(0, 4))["id"], id);
  EXPECT_EQ(st.show(upper)["id"], id);
  RunResult r = st.run({"segment", "approve", upper, "--by", "A"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "đã duyệt " + id)) << r.out;
  ASSERT_EQ(st.run({"segment", "validity", id.substr(0, 6), "--until", "2999-12-31"}).exit_code, 0);
  ASSERT_EQ(st.run({"segment", "edit", id.substr(0, 7), "--note", "x"}).exit_code, 0);
  ASSERT_EQ(st.run({"segment", "retire", id.substr(0, 8)}).exit_code, 0);
  const auto history = st.events(id);
  ASSERT_EQ(history.size(), 4u);
  EXPECT_EQ(history[3].kind, SegmentEvent::Kind::kRetired);
}

TEST(SegmentIds, AnAmbiguousPrefixListsTheCandidatesAndChangesNothing) {
  Station st;
  st.import(1000);
  insert_with_hash(st, "abcd1111" + std::string(56, '0'), "Một cửa");
  insert_with_hash(st, "abcd2222" + std::string(56, '0'), "Dịch vụ công");
  RunResult r = st.run({"--lang", "en", "segment", "show", "ABCD"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "id \"ABCD\" matches 2 segments; type more of the id")) << r.err;
  EXPECT_TRUE(contains(r.err, "abcd11110000  \"Một cửa\"")) << r.err;
  EXPECT_TRUE(contains(r.err, "abcd22220000  \"Dịch vụ công\"")) << r.err;
  r = st.run({"segment", "approve", "abcd", "--by", "A"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "mã \"abcd\" ứng với 2 đoạn âm thanh")) << r.err;
  EXPECT_TRUE(st.events("abcd11110000").empty());
  EXPECT_TRUE(st.events("abcd22220000").empty());
  // One more digit is enough.
  EXPECT_EQ(st.show("abcd2")["title"], "Dịch vụ công");
}

TEST(SegmentIds, FewerThanFourDigitsIsRefusedSayingSo) {
  Station st;
  const std::string id = st.import(1000);
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"segment", "show", id.substr(0, 3)},
        std::vector<std::string>{"segment", "approve", id.substr(0, 3), "--by", "A"},
        std::vector<std::string>{"segment", "retire", id.substr(0, 3)},
        // Said before any daemon is asked: none runs here.
        std::vector<std::string>{"play", id.substr(0, 3)}}) {
    std::vector<std::string> en = {"--lang", "en"};
    en.insert(en.end(), args.begin(), args.end());
    RunResult r = st.run(en);
    EXPECT_EQ(r.exit_code, 1) << args[1];
    EXPECT_TRUE(contains(
        r.err, "id \"" + id.substr(0, 3) + "\" is too short: give at least the first 4 hex digits"))
        << r.err;
    r = st.run(args);
    EXPECT_TRUE(contains(r.err, "quá ngắn: cần ít nhất 4 ký tự đầu")) << r.err;
  }
  EXPECT_TRUE(st.events(id).empty());
}

// --- approve several ---------------------------------------------------------------------------

TEST(SegmentApproveSeveral, ApprovesEachOnceAndPrintsEach) {
  Station st;
  const std::string a = st.import(1000);
  const std::string b = st.import(500);
  RunResult r = st.run({"--lang", "en", "segment", "approve", a, b.substr(0, 6), a.substr(0, 5),
                        "--by", "Chủ tịch UBND xã"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "approved " + a)) << r.out;
  EXPECT_TRUE(contains(r.out, "approved " + b)) << r.out;
  EXPECT_EQ(st.events(a).size(), 1u);
  EXPECT_EQ(st.events(b).size(), 1u);

  r = st.run({"segment", "approve", a, b, "--by", "B", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["id"], a);
  EXPECT_TRUE(j[0]["event"].is_null());
  EXPECT_EQ(j[1]["approved_by"], "Chủ tịch UBND xã");
  // One id keeps its object, as before several could be given.
  EXPECT_TRUE(
      json::parse(st.run({"segment", "approve", a, "--by", "B", "--json"}).out).is_object());
}

TEST(SegmentApproveSeveral, OneBadIdApprovesNone) {
  Station st;
  const std::string a = st.import(1000);
  const std::string b = st.import(500);
  const std::string c = st.import(700);
  RunResult r =
      st.run({"--lang", "en", "segment", "approve", a, "ffffffffffff", "12", "--by", "A"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "no segment with id \"ffffffffffff\"")) << r.err;
  EXPECT_TRUE(contains(r.err, "id \"12\" is too short")) << r.err;
  EXPECT_TRUE(contains(r.err, "nothing was approved")) << r.err;
  EXPECT_TRUE(st.events(a).empty());

  ASSERT_EQ(st.run({"segment", "retire", c}).exit_code, 0);
  r = st.run({"segment", "approve", a, b, c, "--by", "A"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "không thể được duyệt lại")) << r.err;
  EXPECT_TRUE(contains(r.err, "không duyệt đoạn nào")) << r.err;
  EXPECT_TRUE(st.events(a).empty());
  EXPECT_TRUE(st.events(b).empty());
  EXPECT_EQ(st.show(a)["approval"], "pending");
}

// --- edit --------------------------------------------------------------------------------------

TEST(SegmentEditCli, ShowsInListAndShowAndIsChained) {
  Station st;
  const std::string id = st.import(1000, {"--tag", "cchc", "--approve-by", "A"});
  RunResult r = st.run({"segment", "edit", id, "--title", "Bộ phận một cửa", "--tag", "thoi-su",
                        "--note", "bản thu lại tháng 12", "--by", "Văn phòng UBND xã"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "đã sửa " + id +
                                  ": tiêu đề → \"Bộ phận một cửa\", nhãn → "
                                  "\"thoi-su\", ghi chú → \"bản thu lại tháng "
                                  "12\" — bởi Văn phòng UBND xã"))
      << r.out;

  r = st.run({"segment", "list"});
  EXPECT_TRUE(contains(r.out, "Bộ phận một cửa")) << r.out;
  EXPECT_TRUE(contains(r.out, "thoi-su")) << r.out;
  const json list = json::parse(st.run({"segment", "list", "--json"}).out);
  EXPECT_EQ(list[0]["title"], "Bộ phận một cửa");
  EXPECT_EQ(list[0]["tag"], "thoi-su");
  EXPECT_EQ(list[0]["note"], "bản thu lại tháng 12");
  EXPECT_EQ(list[0]["approval"], "approved");

  r = st.run({"segment", "show", id});
  EXPECT_TRUE(contains(r.out, "Ghi chú:")) << r.out;
  EXPECT_TRUE(contains(r.out, "bản thu lại tháng 12")) << r.out;
  EXPECT_TRUE(contains(r.out, "sửa tiêu đề → \"Bộ phận một cửa\"")) << r.out;
  const json shown = st.show(id);
  ASSERT_EQ(shown["events"].size(), 2u);
  EXPECT_EQ(shown["events"][1]["kind"], "edited");
  EXPECT_EQ(shown["events"][1]["title"], "Bộ phận một cửa");
  EXPECT_EQ(shown["events"][1]["by"], "Văn phòng UBND xã");

  // Removing the note and the tag is an edit too; the title stays.
  r = st.run({"--lang", "en", "segment", "edit", id, "--note", "", "--tag", ""});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "tag → (none), note → (none)")) << r.out;
  EXPECT_EQ(st.show(id)["title"], "Bộ phận một cửa");
  EXPECT_EQ(st.show(id)["note"], "");

  r = st.run({"--lang", "en", "audit", "verify"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "INTACT: 4 events")) << r.out;
}

TEST(SegmentEditCli, RefusesAnEditOfNothingAndRecordsNoSameValue) {
  Station st;
  const std::string id = st.import(1000, {"--title", "Một cửa"});
  RunResult r = st.run({"--lang", "en", "segment", "edit", id});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "give at least one of --title TITLE, --tag TAG, --note TEXT"))
      << r.err;
  r = st.run({"segment", "edit", id, "--title", " "});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "--title trống")) << r.err;
  r = st.run({"--lang", "en", "segment", "edit", id, "--title", "Một cửa"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "nothing recorded")) << r.out;
  EXPECT_TRUE(st.events(id).empty());
}

}  // namespace
}  // namespace loaxa
