// The test helpers the end-to-end tests lean on; no server needed.

#include "test_support.h"

#include <gtest/gtest.h>

#include <csignal>

namespace loaxa::it {
namespace {

TEST(TestSupport, ParsesIsoTimesWithOffsetsAndFractions) {
  struct Case {
    const char* text;
    std::optional<std::int64_t> us;
  };
  const std::int64_t base = 1'795'863'903LL * 1'000'000;  // 2026-11-28T11:05:03Z
  const Case cases[] = {
      {"2026-11-28T18:05:03.004+07:00", base + 4'000},
      {"2026-11-28T11:05:03Z", base},
      {"2026-11-28T11:05:03.123456Z", base + 123'456},
      {"2026-11-28T06:05:03.5-05:00", base + 500'000},
      {"2026-11-28 18:05:03+07:00", std::nullopt},
      {"2026-11-28T18:05:03.+07:00", std::nullopt},
      {"2026-11-28T18:05:03", std::nullopt},
      {"2026-02-30T18:05:03Z", std::nullopt},
      {"", std::nullopt},
  };
  for (const Case& c : cases) EXPECT_EQ(parse_iso8601_us(c.text), c.us) << c.text;
}

TEST(TestSupport, LocalTimeOfDayInStationZone) {
  auto t = std::chrono::sys_seconds{std::chrono::seconds{1'795'863'903}};
  EXPECT_EQ(local_time_of_day(t, "Asia/Ho_Chi_Minh"), "18:05:03");
  EXPECT_EQ(until_local_midnight(t, "Asia/Ho_Chi_Minh"),
            std::chrono::seconds{5 * 3600 + 54 * 60 + 57});
}

TEST(TestSupport, RunKeepsOutputAndStatus) {
  TempDir dir("loaxa-support-");
  RunResult r = run({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"}, dir.path());
  ASSERT_TRUE(r.status);
  EXPECT_TRUE(r.status->exited);
  EXPECT_EQ(r.status->code, 3);
  EXPECT_EQ(r.out, "out\n");
  EXPECT_EQ(r.err, "err\n");
}

TEST(TestSupport, RunKillsWhatOutlivesItsTimeout) {
  TempDir dir("loaxa-support-");
  RunResult r = run({"/bin/sleep", "30"}, dir.path(), 200ms);
  EXPECT_FALSE(r.status);
}

TEST(TestSupport, ChildGetsDefaultSignalHandling) {
  // A test that ignores SIGTERM must not pass that on to the daemon it starts.
  TempDir dir("loaxa-support-");
  auto old = std::signal(SIGTERM, SIG_IGN);
  Process p({{"/bin/sleep", "30"}, {}, dir.path(), ""});
  std::signal(SIGTERM, old);
  p.send_signal(SIGTERM);
  auto status = p.wait_for(5s);
  ASSERT_TRUE(status);
  EXPECT_FALSE(status->exited);
  EXPECT_EQ(status->signal, SIGTERM);
}

TEST(TestSupport, MissingExecutableIsReportedNotRun) {
  TempDir dir("loaxa-support-");
  EXPECT_THROW(Process({{"/nonexistent/loaxad"}, {}, dir.path(), ""}), std::runtime_error);
}

TEST(TestSupport, EnvironmentOverridesReachTheChild) {
  TempDir dir("loaxa-support-");
  RunResult r = run({"/bin/sh", "-c", "echo \"$LOAXA_X\""}, dir.path(), 5s, {{"LOAXA_X", "42"}});
  EXPECT_EQ(r.out, "42\n");
}

}  // namespace
}  // namespace loaxa::it
