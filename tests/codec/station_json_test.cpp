// The one JSON encoding: the fields the README documents, in its order, for the records every
// front door prints.

#include "codec/station_json.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace loaxa {
namespace {

const date::time_zone* vietnam() {
  return find_zone("Asia/Ho_Chi_Minh");
}

Instant at(int hour, int minute) {
  const date::year_month_day d{date::year{2026}, date::month{11}, date::day{30}};
  return local_midnight(d, vietnam()) + std::chrono::hours{hour} + std::chrono::minutes{minute};
}

std::vector<std::string> keys(const Json& j) {
  std::vector<std::string> out;
  for (const auto& item : j.items()) out.push_back(item.key());
  return out;
}

TEST(StationJson, LogRowOfAClosedBroadcast) {
  LogRow row;
  row.entry.id = 7;
  row.entry.start.programme_id = "cchc";
  row.entry.start.slot_index = 1;
  row.entry.start.segment_ids = {"aaaaaaaaaaaa", "bbbbbbbbbbbb"};
  row.entry.start.scheduled_at = at(6, 0);
  row.entry.start.zones = {"thon-dong"};
  row.titles = {"Thủ tục khai sinh", ""};
  row.zones = {"Thôn Đông"};
  BroadcastEnd end;
  end.started_at = at(6, 0) + std::chrono::milliseconds{4};
  end.outcome = Outcome::kPreempted;
  end.why = Reason(ReasonCode::kPreemptedByEmergency).with("programme", "operator");
  end.reason = "pre-empted";
  row.entry.end = end;
  const Json j = log_row_json(row, vietnam());
  EXPECT_EQ(j["scheduled_at"], "2026-11-30T06:00:00.000+07:00");
  EXPECT_EQ(j["started_at"], "2026-11-30T06:00:00.004+07:00");
  EXPECT_TRUE(j["ended_at"].is_null());
  EXPECT_EQ(j["slot"], 1);
  EXPECT_EQ(j["segment_titles"], Json::array({"Thủ tục khai sinh", ""}));
  EXPECT_EQ(j["zones"], Json::array({"thon-dong"}));
  EXPECT_EQ(j["zone_names"], Json::array({"Thôn Đông"}));
  EXPECT_EQ(j["outcome"], "preempted");
  EXPECT_EQ(j["reason_code"], "preempted_by_emergency");
  EXPECT_EQ(j["reason_params"]["programme"], "operator");
  const auto k = keys(j);
  ASSERT_GE(k.size(), 3u);
  EXPECT_EQ(std::vector<std::string>(k.begin(), k.begin() + 3),
            (std::vector<std::string>{"id", "programme", "slot"}));
}

TEST(StationJson, LogRowStillPlaying) {
  LogRow row;
  row.entry.start.scheduled_at = at(6, 0);
  const Json j = log_row_json(row, vietnam());
  EXPECT_EQ(j["outcome"], "playing");
  EXPECT_TRUE(j["reason_code"].is_null());
  EXPECT_TRUE(j["reason_params"].is_object());
  EXPECT_TRUE(j["frames_delivered"].is_null());
}

TEST(StationJson, OccurrenceAsPreviewAndStatusShowIt) {
  Occurrence o;
  o.programme_id = "cchc";
  o.programme_title = "Chuyên mục cải cách hành chính";
  o.slot_index = 0;
  o.scheduled_at = at(17, 15);
  o.nothing_reason = Reason(ReasonCode::kNothingEligible);
  const Json j = occurrence_json(o, vietnam());
  EXPECT_EQ(keys(j),
            (std::vector<std::string>{"scheduled_at", "local_time", "programme", "programme_title",
                                      "slot", "segments", "total_seconds", "priority", "zones",
                                      "nothing_reason", "nothing_reason_code"}));
  EXPECT_EQ(j["local_time"], "2026-11-30 17:15:00");
  EXPECT_EQ(j["nothing_reason_code"], "nothing_eligible");
  EXPECT_FALSE(j["nothing_reason"].get<std::string>().empty());
}

TEST(StationJson, OccurrenceWithTheConfigNamesItsZones) {
  StationConfig config;
  StationConfig::Zone dong;
  dong.name = "thon-dong";
  dong.display_name = "Thôn Đông";
  StationConfig::Zone tay;
  tay.name = "thon-tay";  // no display name: shown by its id
  config.zones = {dong, tay};
  Occurrence o;
  o.programme_id = "cchc";
  o.scheduled_at = at(6, 0);
  o.zones = {"thon-tay", "thon-dong"};
  const Json j = occurrence_json(o, vietnam(), config);
  EXPECT_EQ(j["zone_names"], Json::array({"thon-tay", "Thôn Đông"}));
  const auto k = keys(j);
  const auto zones = std::find(k.begin(), k.end(), "zones");
  ASSERT_NE(zones, k.end());
  ASSERT_NE(zones + 1, k.end());
  EXPECT_EQ(*(zones + 1), "zone_names");
  o.zones.clear();  // every zone
  EXPECT_EQ(occurrence_json(o, vietnam(), config)["zone_names"], Json::array());
}

TEST(StationJson, NotUtf8IsReplacedNotThrown) {
  Json j = {{"title", std::string("Th\xff t\xe1")}};
  std::string out;
  EXPECT_NO_THROW(out = printable(j));
  EXPECT_NE(out.find("\xef\xbf\xbd"), std::string::npos) << out;  // U+FFFD
}

TEST(StationJson, ErrorReplyInBothLanguages) {
  const Json j = error_reply(Text{"vùng \"x\" không có", "no zone \"x\""});
  EXPECT_EQ(j["ok"], false);
  EXPECT_EQ(j["error"]["vi"], "vùng \"x\" không có");
  EXPECT_EQ(j["error"]["en"], "no zone \"x\"");
}

}  // namespace
}  // namespace loaxa
