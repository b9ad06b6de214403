// Commune leadership approves what the station airs: with [station] require_approval, a pending
// segment does not play (the occurrence is logged missed with the reason), and an approval given
// while the daemon runs counts for the next occurrence without a restart.

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "station_fixture.h"

namespace loaxa::it {
namespace {

const std::string kProgramme = "test";
const std::string kTag = "t";

TEST(Approval, PendingSegmentIsMissedThenApprovedOneAirs) {
  Station st("loaxa-approval-");
  // The fixture turns approval off; this test is about approval, so turn it back on.
  std::string config = read_file(st.config());
  const std::string off = "require_approval = false";
  ASSERT_NE(config.find(off), std::string::npos) << config;
  config.replace(config.find(off), off.size(), "require_approval = true");
  write_file(st.config(), config);

  const ImportedSegment seg = st.import_chirp("pending", 1.0, kTag);
  const auto times = times_ahead(4s, {0s, 9s}, 30s);
  write_schedule(
      st.dir(), kProgramme, kTag,
      {local_time_of_day(times[0], kStationZone), local_time_of_day(times[1], kStationZone)});
  st.start_daemon();

  json log = st.wait_for_log(
      [&](const json& l) {
        const std::string o = outcome_of(entry_at(l, kProgramme, to_us(times[0])));
        return !o.empty() && o != "playing";
      },
      20s);
  const json* first = entry_at(log, kProgramme, to_us(times[0]));
  ASSERT_NE(first, nullptr) << summarize_log(log);
  EXPECT_EQ(outcome_of(first), "missed") << summarize_log(log);
  EXPECT_EQ(first->value("reason_code", nlohmann::json()), "no_approved_with_tag")
      << summarize_log(log);
  EXPECT_NE(first->value("reason", "").find("no approved segment"), std::string::npos)
      << summarize_log(log);
  EXPECT_EQ(int_field(*first, "frames_delivered"), 0) << summarize_log(log);

  RunResult approved = st.loaxa({"segment", "approve", seg.id, "--by", "Chủ tịch UBND xã"});
  ASSERT_TRUE(approved.ok()) << approved.describe();

  log = st.wait_for_log(
      [&](const json& l) {
        const std::string o = outcome_of(entry_at(l, kProgramme, to_us(times[1])));
        return !o.empty() && o != "playing";
      },
      25s);
  const json* second = entry_at(log, kProgramme, to_us(times[1]));
  ASSERT_NE(second, nullptr) << summarize_log(log);
  EXPECT_EQ(outcome_of(second), "completed") << summarize_log(log) << st.daemon().transcript();
  EXPECT_EQ(int_field(*second, "frames_delivered"), int_field(*second, "frames_expected"));

  // An export while loaxad runs: it asks the daemon to sign the approval and broadcasts since
  // its start checkpoint, so the bundle ends signed and verifies on its own.
  const fs::path bundle = st.dir() / "export.loaxa";
  RunResult exported = st.loaxa({"audit", "export", "--out", bundle.string()});
  ASSERT_TRUE(exported.ok()) << exported.describe();
  RunResult key = st.loaxa({"audit", "key", "--json"});
  ASSERT_TRUE(key.ok()) << key.describe();
  const std::string fingerprint = json::parse(key.out).at("fingerprint").get<std::string>();
  RunResult verified =
      st.loaxa({"audit", "verify", bundle.string(), "--key", fingerprint, "--json"});
  ASSERT_TRUE(verified.ok()) << verified.describe();
  const json v = json::parse(verified.out);
  EXPECT_TRUE(v.value("intact", false)) << v.dump(2);
  EXPECT_EQ(v.value("unsigned_events", -1), 0) << v.dump(2);
  EXPECT_GE(v.value("checkpoints", 0), 2) << "the start and the export's: " << v.dump(2);

  auto stopped = st.stop_daemon();
  ASSERT_TRUE(stopped && stopped->exited && stopped->code == 0) << st.daemon().transcript();
}

}  // namespace
}  // namespace loaxa::it
