// Changes to the station's records while loaxad runs: `loaxa segment import|approve|retire|
// validity|edit` are requests to loaxad, carried out there in the name of the person asking
// (the account the kernel reports for the connecting process), with the files to import passed
// as open descriptors.

#include <gtest/gtest.h>
#include <pwd.h>
#include <unistd.h>

#include <string>

#include "station_fixture.h"
#include "test_signals.h"

namespace loaxa::it {
namespace {

std::string my_account() {
  const passwd* pw = ::getpwuid(::geteuid());
  return pw != nullptr ? pw->pw_name : "uid " + std::to_string(::geteuid());
}

/// A schedule that does not come due during the test: loaxad needs one to start.
void quiet_schedule(const Station& st) {
  const auto later = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) +
                     std::chrono::hours(12);
  write_schedule(st.dir(), "cchc", "cchc", {local_time_of_day(later, kStationZone)});
}

int exit_code(const RunResult& r) {
  return r.status && r.status->exited ? r.status->code : -1;
}

bool contains(const std::string& s, const std::string& what) {
  return s.find(what) != std::string::npos;
}

TEST(StationWrites, ImportAndChangesAreCarriedOutByLoaxadInTheAskersName) {
  Station st("loaxa-writes-");
  quiet_schedule(st);
  st.start_daemon({"--output", "rehearsal"});

  const fs::path wav = st.dir() / "Thông báo.wav";
  write_wav_pcm16(wav, kStationRate, chirp_pcm16(kStationRate, 0.5));
  RunResult r = st.loaxa({"segment", "import", wav.string(), "--tag", "cchc", "--json"});
  ASSERT_TRUE(r.ok()) << r.describe();
  const json imported = json::parse(r.out);
  ASSERT_EQ(imported.size(), 1u) << r.out;
  EXPECT_EQ(imported[0]["status"], "imported") << r.out;
  EXPECT_EQ(imported[0]["title"], "Thông báo") << r.out;
  const std::string id = imported[0]["id"].get<std::string>();
  // The same content again: loaxad says it is there; nothing is added.
  r = st.loaxa({"segment", "import", wav.string()});
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_TRUE(contains(r.out, "already")) << r.out;

  r = st.loaxa({"segment", "approve", id.substr(0, 6), "--by", "Nguyễn Văn A"});
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_TRUE(contains(r.out, "approved " + id)) << r.out;
  r = st.loaxa({"segment", "edit", id, "--title", "Giờ làm việc"});
  ASSERT_TRUE(r.ok()) << r.describe();
  r = st.loaxa({"segment", "validity", id, "--until", "2999-12-31"});
  ASSERT_TRUE(r.ok()) << r.describe();

  // Recorded as asked: the approver named, the others in the asker's account.
  const auto events =
      st.query("SELECT kind, by FROM segment_events WHERE segment_id = '" + id + "' ORDER BY id");
  ASSERT_TRUE(events) << "sqlite3 failed";
  ASSERT_EQ(events->size(), 2u) << events->dump();
  EXPECT_EQ((*events)[0]["kind"], "approved");
  EXPECT_EQ((*events)[0]["by"], "Nguyễn Văn A");
  EXPECT_EQ((*events)[1]["kind"], "validity");
  EXPECT_EQ((*events)[1]["by"], my_account());
  const auto edits =
      st.query("SELECT title, by FROM segment_edits WHERE segment_id = '" + id + "'");
  ASSERT_TRUE(edits && edits->size() == 1) << (edits ? edits->dump() : "sqlite3 failed");
  EXPECT_EQ((*edits)[0]["title"], "Giờ làm việc");
  EXPECT_EQ((*edits)[0]["by"], my_account());

  // loaxad did them (its journal names who asked), not this process.
  const std::string said = st.daemon().transcript();
  EXPECT_TRUE(contains(said, "account " + my_account() + " imported 1 file(s): 1 imported"))
      << said;
  EXPECT_TRUE(contains(said, "Nguyễn Văn A (account " + my_account() + "): approved segment " + id))
      << said;
  EXPECT_TRUE(contains(said, "(account " + my_account() + "): edited segment " + id)) << said;

  // loaxad's refusal reaches the person in their words, and nothing is recorded.
  r = st.loaxa({"segment", "retire", "ffffffff"});
  EXPECT_EQ(exit_code(r), 1) << r.describe();
  EXPECT_TRUE(contains(r.err, "ffffffff")) << r.err;
  r = st.loaxa({"segment", "approve", id, "ffffffff", "--by", "B"});
  EXPECT_EQ(exit_code(r), 1) << r.describe();
  const auto after = st.query("SELECT count(*) AS n FROM segment_events");
  ASSERT_TRUE(after);
  EXPECT_EQ((*after)[0]["n"], 2) << after->dump();

  // A file that is not there is refused here, in the import's words, beside one that imports.
  const fs::path other = st.dir() / "other.wav";
  write_wav_pcm16(other, kStationRate, chirp_pcm16(kStationRate, 0.75));
  r = st.loaxa({"segment", "import", (st.dir() / "missing.wav").string(), other.string()});
  EXPECT_EQ(exit_code(r), 1) << r.describe();
  EXPECT_TRUE(contains(r.out + r.err, "missing.wav")) << r.describe();
  EXPECT_TRUE(contains(r.out, "1 imported")) << r.describe();
  // A folder opens, but is no recording: loaxad refuses it by its descriptor.
  r = st.loaxa({"segment", "import", st.dir().string()});
  EXPECT_EQ(exit_code(r), 1) << r.describe();
  EXPECT_TRUE(contains(r.out + r.err, "not a regular file")) << r.describe();
  // loaxad's private copies of what it was passed are gone once each import is done.
  for (const auto& e : fs::directory_iterator(st.dir() / "var" / "library")) {
    EXPECT_FALSE(contains(e.path().filename().string(), ".incoming-")) << e.path();
  }

  auto stopped = st.stop_daemon();
  ASSERT_TRUE(stopped && stopped->exited && stopped->code == 0) << st.daemon().transcript();
}

// The control socket itself: an import request must carry one open file per name, and the
// descriptors of a refused request are not kept.
TEST(StationWrites, AnImportRequestWithoutItsFilesIsRefused) {
  Station st("loaxa-writes-raw-");
  quiet_schedule(st);
  st.start_daemon({"--output", "rehearsal"});
  ControlConnection c(st.socket());
  ASSERT_TRUE(c.connected());
  std::string reply;
  ASSERT_EQ(c.exchange(R"({"cmd":"segment_import","files":["/etc/passwd"]})", 5s, &reply),
            ControlConnection::Result::kReply);
  const json j = json::parse(reply);
  EXPECT_EQ(j["ok"], false) << reply;
  EXPECT_TRUE(contains(j["error"]["en"].get<std::string>(), "carries 0 open file(s)")) << reply;
  ASSERT_EQ(c.exchange(R"({"cmd":"segment_approve","ids":"abc","by":"A"})", 5s, &reply),
            ControlConnection::Result::kReply);
  EXPECT_TRUE(contains(reply, "must be a list of segment ids")) << reply;
  ASSERT_EQ(c.exchange(R"({"cmd":"segment_approve","ids":["abcd"]})", 5s, &reply),
            ControlConnection::Result::kReply);
  EXPECT_TRUE(
      contains(json::parse(reply)["error"]["en"].get<std::string>(), "lacks the field \"by\""))
      << reply;
  auto stopped = st.stop_daemon();
  ASSERT_TRUE(stopped && stopped->exited && stopped->code == 0) << st.daemon().transcript();
}

std::optional<json> ask(const Station& st, const std::string& line) {
  ControlConnection c(st.socket());
  std::string reply;
  if (!c.connected() || c.exchange(line, 10s, &reply) != ControlConnection::Result::kReply) {
    return std::nullopt;
  }
  return json::parse(reply, nullptr, false);
}

void copy_database(const fs::path& from, const fs::path& to) {
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const fs::path f = from.string() + suffix, t = to.string() + suffix;
    std::error_code ec;
    fs::remove(t, ec);
    if (fs::exists(f)) fs::copy_file(f, t);
  }
}

// An older copy of the database put back: loaxad says so at start (priority crit, in status, as
// a station event), refuses to sign, and `loaxa audit export` does not sign around it.
TEST(SignedHead, AnOlderDatabasePutBackIsNotSigned) {
  Station st("loaxa-signed-head-");
  quiet_schedule(st);
  st.import_chirp("a", 0.5, "cchc");
  st.start_daemon({"--output", "rehearsal"});
  auto signed_reply = ask(st, R"({"cmd":"checkpoint"})");
  ASSERT_TRUE(signed_reply && (*signed_reply)["ok"] == true) << st.daemon().transcript();
  ASSERT_TRUE(st.stop_daemon());
  const fs::path old_copy = st.dir() / "old.db";
  copy_database(st.database(), old_copy);

  st.drop_daemon();
  st.start_daemon({"--output", "rehearsal"});
  st.import_chirp("b", 0.75, "cchc");
  signed_reply = ask(st, R"({"cmd":"checkpoint"})");
  ASSERT_TRUE(signed_reply && (*signed_reply)["ok"] == true) << st.daemon().transcript();
  ASSERT_TRUE(st.stop_daemon());
  const auto head_file = st.dir() / "var" / "keys" / "station.head";
  ASSERT_TRUE(fs::exists(head_file)) << "no head file beside the key";

  copy_database(old_copy, st.database());
  st.drop_daemon();
  st.start_daemon({"--output", "rehearsal"});
  const std::string said = st.daemon().transcript();
  EXPECT_TRUE(contains(said, "CRITICAL: the log no longer extends what was signed")) << said;
  EXPECT_TRUE(contains(said, "the log ends before event #")) << said;
  const auto status = st.status();
  ASSERT_TRUE(status);
  ASSERT_TRUE((*status)["chain_alarm"].is_object()) << status->dump();
  const auto refused = ask(st, R"({"cmd":"checkpoint"})");
  ASSERT_TRUE(refused);
  EXPECT_EQ((*refused)["ok"], false) << refused->dump();
  EXPECT_TRUE(contains((*refused)["error"]["en"].get<std::string>(), "loaxad does not sign"))
      << refused->dump();
  const RunResult shown = st.loaxa({"status"});
  EXPECT_TRUE(contains(shown.out, "CRITICAL")) << shown.describe();
  const RunResult exported =
      st.loaxa({"audit", "export", "--out", (st.dir() / "x.loaxa").string()});
  EXPECT_TRUE(contains(exported.out + exported.err, "loaxad does not sign")) << exported.describe();
  const auto events = st.query(
      "SELECT count(*) AS n FROM station_events WHERE kind = "
      "'chain_mismatch'");
  ASSERT_TRUE(events);
  EXPECT_EQ((*events)[0]["n"], 1) << events->dump();
  auto stopped = st.stop_daemon();
  EXPECT_TRUE(stopped && stopped->exited && stopped->code == 0) << st.daemon().transcript();
}

}  // namespace
}  // namespace loaxa::it
