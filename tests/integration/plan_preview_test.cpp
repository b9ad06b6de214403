// `loaxa schedule preview` and loaxad plan with one StationPlan: the same schedules, calendar and
// play history. A rotating slot previewed after the log has moved its rotation (and after the
// pool changed) shows the segments loaxad then plays.

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "station_fixture.h"

namespace loaxa::it {
namespace {

const std::string kProgramme = "rot";
const std::string kTag = "rot";

/// The segment ids the preview lists for the occurrence of kProgramme at `at_us`; none if absent.
std::optional<std::vector<std::string>> previewed(const json& plan, std::int64_t at_us) {
  if (!plan.is_array()) return std::nullopt;
  for (const json& o : plan) {
    if (o.value("programme", "") != kProgramme) continue;
    auto at = time_field(o, "scheduled_at");
    if (!at || *at != at_us) continue;
    std::vector<std::string> ids;
    for (const json& s : o["segments"]) ids.push_back(s.value("id", ""));
    return ids;
  }
  return std::nullopt;
}

std::vector<std::string> logged(const json* entry) {
  std::vector<std::string> ids;
  if (entry == nullptr || !(*entry)["segments"].is_array()) return ids;
  for (const json& s : (*entry)["segments"]) ids.push_back(s.get<std::string>());
  return ids;
}

TEST(PlanPreview, RotationPreviewedIsWhatLoaxadPlays) {
  Station st("loaxa-plan-preview-");
  const ImportedSegment a = st.import_chirp("a", 0.5, kTag);
  const ImportedSegment b = st.import_chirp("b", 0.6, kTag);
  const ImportedSegment c = st.import_chirp("c", 0.7, kTag);

  const auto times = times_ahead(4s, {0s, 8s, 12s}, 30s);
  std::string at;
  for (const auto& t : times)
    at += (at.empty() ? "\"" : ", \"") + local_time_of_day(t, kStationZone) + "\"";
  write_file(st.schedule_file(kProgramme), "[programme]\nid = \"" + kProgramme +
                                               "\"\ntitle = \"Xoay vòng\"\n\n[[slot]]\n"
                                               "days = [\"daily\"]\nat = [" +
                                               at + "]\nplay = { tag = \"" + kTag +
                                               "\" }\n"
                                               "rotation = \"sequential\"\n");
  st.start_daemon({"--output", "rehearsal"});

  json log = st.wait_for_outcome(kProgramme, to_us(times[0]), 20s);
  const json* first = entry_at(log, kProgramme, to_us(times[0]));
  ASSERT_EQ(outcome_of(first), "completed") << summarize_log(log) << st.daemon().transcript();
  ASSERT_EQ(logged(first), std::vector<std::string>{a.id}) << summarize_log(log);

  // The first segment leaves the pool. A plan that ignored the log would now take the first
  // occurrence to have played b, and preview c next; the rotation really goes on with b.
  RunResult retire = st.loaxa({"segment", "retire", a.id, "--by", "test"});
  ASSERT_TRUE(retire.ok()) << retire.describe();
  RunResult preview = st.loaxa({"schedule", "preview", "--json", "--days", "1"});
  ASSERT_TRUE(preview.ok()) << preview.describe();
  const json plan = json::parse(preview.out, nullptr, false);
  const auto second = previewed(plan, to_us(times[1]));
  const auto third = previewed(plan, to_us(times[2]));
  ASSERT_TRUE(second && third) << preview.out;
  EXPECT_EQ(*second, std::vector<std::string>{b.id}) << preview.out;
  EXPECT_EQ(*third, std::vector<std::string>{c.id}) << preview.out;

  log = st.wait_for_outcome(kProgramme, to_us(times[2]), 30s);
  for (std::size_t i : {1u, 2u}) {
    const json* e = entry_at(log, kProgramme, to_us(times[i]));
    EXPECT_EQ(outcome_of(e), "completed") << summarize_log(log);
    EXPECT_EQ(logged(e), *previewed(plan, to_us(times[i])))
        << "occurrence " << i << " played other segments than the preview showed"
        << summarize_log(log);
  }
  auto stopped = st.stop_daemon();
  EXPECT_TRUE(stopped && stopped->exited && stopped->code == 0) << st.daemon().transcript();
}

}  // namespace
}  // namespace loaxa::it
