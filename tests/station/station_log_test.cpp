// query_log: the period in the station's local days, titles and zone names beside the stored
// ids, on a log written through the real writers.

#include "station/station_log.h"

#include <gtest/gtest.h>

#include "fakes/audit_log.h"
#include "fakes/fixtures.h"
#include "store/segment_repository.h"

namespace loaxa {
namespace {

using testing::LoggedBroadcast;
using testing::StationLog;
using testing::TempDir;

class StationLogQuery : public ::testing::Test {
 protected:
  StationLogQuery() : log_(dir_.path(), "Xã Tân Phú") {
    StationConfig::Zone east;
    east.name = "thon-dong";
    east.display_name = "Thôn Đông";
    StationConfig::Zone west;
    west.name = "thon-tay";  // no display name: people read the id
    log_.config().zones = {east, west};
    log_.segment("aaaaaaaaaaaa", "Giới thiệu dịch vụ công", log_.at(2026, 11, 1));
    // 23:30 on the 2nd and 00:30 on the 3rd, local time (UTC+7): the 3rd's starts on the
    // 2nd in UTC, so a period counted in UTC days would put it on the wrong day.
    {
      LoggedBroadcast b;
      b.scheduled_at = log_.at(2026, 11, 2, 23, 30);
      b.zones = {"thon-dong"};
      log_.broadcast(b);
    }
    {
      LoggedBroadcast b;
      b.scheduled_at = log_.at(2026, 11, 3, 0, 30);
      b.outcome = Outcome::kMissed;
      b.why = Reason(ReasonCode::kDaemonNotRunning);
      b.played_fraction = 0;
      b.zones = {"thon-dong", "thon-tay", "thon-bac"};
      log_.broadcast(b);
    }
    {
      LoggedBroadcast b;
      b.scheduled_at = log_.at(2026, 11, 4, 6, 0);
      b.outcome = std::nullopt;
      log_.broadcast(b);
    }
  }

  static date::year_month_day day(unsigned d) {
    return date::year_month_day{date::year{2026}, date::month{11}, date::day{d}};
  }

  TempDir dir_;
  StationLog log_;
};

TEST_F(StationLogQuery, LocalDaysBothIncluded) {
  EXPECT_EQ(query_log(log_.config(), {}).size(), 3u);
  const auto third = query_log(log_.config(), {day(3), day(3)});
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(third[0].entry.start.scheduled_at, log_.at(2026, 11, 3, 0, 30));
  EXPECT_EQ(query_log(log_.config(), {day(2), day(2)}).size(), 1u);
  EXPECT_EQ(query_log(log_.config(), {day(4), std::nullopt}).size(), 1u);
  EXPECT_EQ(query_log(log_.config(), {std::nullopt, day(3)}).size(), 2u);
  EXPECT_TRUE(query_log(log_.config(), {day(5), std::nullopt}).empty());
}

TEST_F(StationLogQuery, TitlesAndZoneNamesBesideTheIds) {
  const auto rows = query_log(log_.config(), {});
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].titles, std::vector<std::string>{"Giới thiệu dịch vụ công"});
  EXPECT_EQ(rows[0].zones, std::vector<std::string>{"Thôn Đông"});
  // A zone without a display name reads as its id; one a later config dropped, too.
  EXPECT_EQ(rows[1].zones, (std::vector<std::string>{"Thôn Đông", "thon-tay", "thon-bac"}));
  EXPECT_EQ(rows[1].entry.start.zones,
            (std::vector<std::string>{"thon-dong", "thon-tay", "thon-bac"}));
  EXPECT_FALSE(rows[2].entry.end.has_value());
}

TEST_F(StationLogQuery, EditedTitleIsTheOneShown) {
  // The library's current title, the one staff see in `segment list`, not the imported one.
  SegmentRepository(log_.db()).edit("aaaaaaaaaaaa", std::string("Thủ tục khai sinh trực tuyến"),
                                    std::nullopt, std::nullopt, "Văn phòng", log_.at(2026, 11, 5));
  const auto rows = query_log(log_.config(), {});
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows[0].titles[0], "Thủ tục khai sinh trực tuyến");
}

TEST_F(StationLogQuery, ReversedPeriodIsRefusedNamingBothDays) {
  try {
    query_log(log_.config(), {day(5), day(3)});
    FAIL() << "a period ending before it starts was accepted";
  } catch (const UserError& e) {
    EXPECT_NE(e.text().vi.find("03/11/2026"), std::string::npos) << e.text().vi;
    EXPECT_NE(e.text().en.find("2026-11-05"), std::string::npos) << e.text().en;
  }
}

TEST_F(StationLogQuery, NoDatabaseIsAUserError) {
  StationConfig c = log_.config();
  c.database = dir_ / "none" / "loaxa.db";
  EXPECT_THROW(query_log(c, {}), UserError);
}

}  // namespace
}  // namespace loaxa
