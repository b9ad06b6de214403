// `loaxa audit report` and `loaxa audit merge`, run as the built executable on logs written
// through the real writers: JSON and CSV parsed back, the HTML page rendered by headless
// Chromium, and a merge of several communes' bundles with one tampered.

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>

#include "audit/bundle.h"
#include "fakes/audit_log.h"
#include "fakes/command_runner.h"
#include "fakes/fixtures.h"
#include "store/database.h"

namespace loaxa {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::LoggedBroadcast;
using RunResult = testing::CommandResult;
using testing::StationLog;
using testing::TempDir;

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

/// Replaces the first `from` in the file: an edit made after export.
void edit_file(const fs::path& file, const std::string& from, const std::string& to) {
  std::string text = testing::read_file(file);
  const auto at = text.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  text.replace(at, from.size(), to);
  std::ofstream(file, std::ios::binary | std::ios::trunc) << text;
}

std::size_t count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

/// The known month's station, with a config naming its database, key and rules.
class ReportCli : public ::testing::Test {
 protected:
  ReportCli() : log_(dir_ / "station", "Xã Tân Phú") {
    testing::write_known_month(log_);
    std::ofstream(config_) << "[station]\n"
                              "name = \"Xã Tân Phú\"\n"
                              "[storage]\n"
                              "database = \"station/loaxa.db\"\n"
                              "keys = \"station/keys\"\n"
                              "[compliance]\n"
                              "cchc = { per_month = 10, per_week = 3 }\n";
  }

  RunResult loaxa(std::vector<std::string> args) {
    args.insert(args.begin(), {testing::loaxa_binary().string(), "--config", config_.string()});
    return testing::run_command(args, dir_.path());
  }

  TempDir dir_;
  StationLog log_;
  fs::path config_ = dir_ / "loaxa.toml";
};

// The station's log ends on this day. Without --to a report on the live database runs to
// today, so these numbers would change with the date the suite runs on.
constexpr const char* kLastDay = "2026-11-29";

// --- JSON ------------------------------------------------------------------------------------

TEST_F(ReportCli, JsonReportHasTheKnownNumbersVerdictsAndGaps) {
  const auto out = dir_ / "report.json";
  const auto r =
      loaxa({"audit", "report", "--format", "json", "--to", kLastDay, "--out", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(testing::read_file(out));
  EXPECT_EQ(j["format"], "loaxa-audit-report");
  EXPECT_EQ(j["lang"], "vi");
  ASSERT_EQ(j["communes"].size(), 1u);
  const json& c = j["communes"][0];
  EXPECT_EQ(c["station"], "Xã Tân Phú");
  EXPECT_EQ(c["fingerprint"], log_.key().public_key().fingerprint());
  EXPECT_EQ(c["verification"]["intact"], true);
  EXPECT_TRUE(contains(c["verification"]["summary"].get<std::string>(), "NGUYÊN VẸN"));
  EXPECT_EQ(c["rules_from"], "config");
  EXPECT_EQ(c["period"]["from"], "2026-11-02");
  EXPECT_EQ(c["period"]["to"], "2026-11-29");
  const json& t = c["total"];
  EXPECT_EQ(t["planned"], 17);
  EXPECT_EQ(t["completed"], 9);
  EXPECT_EQ(t["partial"], 1);
  EXPECT_EQ(t["preempted"], 1);
  EXPECT_EQ(t["interrupted"], 1);
  EXPECT_EQ(t["failed"], 1);
  EXPECT_EQ(t["missed"], 2);
  EXPECT_EQ(t["stopped"], 1);
  EXPECT_EQ(t["open"], 1);
  EXPECT_EQ(t["unscheduled"], 1);
  std::map<std::string, std::string> verdicts;
  for (const auto& w : c["weeks"]) verdicts[w["period"]] = w["verdict"];
  EXPECT_EQ(verdicts, (std::map<std::string, std::string>{{"2026-W45", "met"},
                                                          {"2026-W46", "failed"},
                                                          {"2026-W47", "failed"},
                                                          {"2026-W48", "met"}}));
  EXPECT_EQ(c["months"][0]["verdict"], "incomplete");
  EXPECT_EQ(c["months"][0]["verdict_text"], "CHƯA ĐỦ DỮ LIỆU");
  ASSERT_EQ(c["gaps"].size(), 2u);
  EXPECT_EQ(c["gaps"][1]["period"], "2026-W47");
  EXPECT_EQ(c["occurrences"].size(), 18u);
  EXPECT_EQ(c["occurrences"][0]["outcome_text"], "đã phát trọn vẹn");
  EXPECT_EQ(c["occurrences"][0]["segments"][0], "Giới thiệu dịch vụ công");
  EXPECT_DOUBLE_EQ(c["occurrences"][0]["duration_s"].get<double>(), 30.0);
  EXPECT_EQ(c["days"].size(), 28u);
  EXPECT_EQ(j["summary"][0]["planned"], 17);
}

TEST_F(ReportCli, ProgrammeAndPeriodOptionsAndEnglish) {
  const auto r = loaxa({"audit", "report", "--format", "json", "--from", "2026-11-16", "--to",
                        "2026-11-22", "--programme", "cchc", "--lang", "en"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json c = json::parse(r.out)["communes"][0];
  EXPECT_EQ(c["total"]["planned"], 6);
  EXPECT_EQ(c["total"]["completed"], 2);
  EXPECT_EQ(c["weeks"].size(), 1u);
  EXPECT_EQ(c["weeks"][0]["verdict_text"], "NOT MET");
  EXPECT_EQ(c["occurrences"][2]["reason_text"],
            "output stalled: no audio delivered for 2 s (device gone?)");
  EXPECT_EQ(c["occurrences"][2]["reason_code"], "output_stalled");
  EXPECT_EQ(c["occurrences"][2]["reason_params"], json({{"seconds", "2"}}));

  const auto bad = loaxa({"audit", "report", "--format", "json", "--from", "2026-13-01"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_TRUE(contains(bad.err, "--from \"2026-13-01\"")) << bad.err;
  const auto no_format = loaxa({"audit", "report"});
  EXPECT_NE(no_format.exit_code, 0);
  EXPECT_TRUE(contains(no_format.err, "--format")) << no_format.err;
}

// --- CSV -------------------------------------------------------------------------------------

/// RFC 4180 records of one block.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string cell;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(std::move(cell));
      cell.clear();
    } else if (c == '\r') {
    } else if (c == '\n') {
      rows.back().push_back(std::move(cell));
      cell.clear();
      rows.emplace_back();
    } else {
      cell += c;
    }
  }
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

/// The blocks of the report, by section name: each a list of rows as header -> value.
std::map<std::string, std::vector<std::map<std::string, std::string>>> csv_blocks(
    std::string text) {
  EXPECT_TRUE(text.starts_with("\xEF\xBB\xBF"));
  text.erase(0, 3);
  std::map<std::string, std::vector<std::map<std::string, std::string>>> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find("\r\n\r\n", start);
    if (end == std::string::npos) end = text.size();
    const auto rows = parse_csv(text.substr(start, end - start + 2));
    start = end + 4;
    if (rows.empty()) continue;
    EXPECT_EQ(rows[0][0], "section");
    for (std::size_t i = 1; i < rows.size(); ++i) {
      EXPECT_EQ(rows[i].size(), rows[0].size());
      std::map<std::string, std::string> row;
      for (std::size_t k = 0; k < rows[0].size() && k < rows[i].size(); ++k) {
        row[rows[0][k]] = rows[i][k];
      }
      out[rows[i][0]].push_back(std::move(row));
    }
  }
  return out;
}

TEST_F(ReportCli, CsvReportParsesBackToTheSameNumbers) {
  const auto r = loaxa({"audit", "report", "--format", "csv", "--to", kLastDay});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto blocks = csv_blocks(r.out);
  ASSERT_EQ(blocks["commune"].size(), 1u);
  EXPECT_EQ(blocks["commune"][0]["planned"], "17");
  EXPECT_EQ(blocks["commune"][0]["completed"], "9");
  EXPECT_EQ(blocks["commune"][0]["2026-11"], "incomplete");
  ASSERT_EQ(blocks["verification"].size(), 1u);
  EXPECT_EQ(blocks["verification"][0]["intact"], "true");
  EXPECT_EQ(blocks["verification"][0]["fingerprint"], log_.key().public_key().fingerprint());
  std::map<std::string, std::map<std::string, std::string>> weeks;
  for (const auto& row : blocks["week"]) {
    if (row.at("programme") == "cchc") weeks[row.at("period")] = row;
  }
  ASSERT_EQ(weeks.size(), 4u);
  EXPECT_EQ(weeks["2026-W47"]["planned"], "6");
  EXPECT_EQ(weeks["2026-W47"]["completed"], "2");
  EXPECT_EQ(weeks["2026-W47"]["interrupted"], "1");
  EXPECT_EQ(weeks["2026-W47"]["stopped"], "1");
  EXPECT_EQ(weeks["2026-W47"]["required"], "3");
  EXPECT_EQ(weeks["2026-W47"]["verdict"], "failed");
  EXPECT_EQ(weeks["2026-W47"]["verdict_text"], "KHÔNG ĐẠT");
  EXPECT_EQ(weeks["2026-W45"]["verdict"], "met");
  ASSERT_EQ(blocks["occurrence"].size(), 18u);
  std::map<std::string, int> outcomes;
  for (const auto& row : blocks["occurrence"]) ++outcomes[row.at("outcome")];
  EXPECT_EQ(outcomes, (std::map<std::string, int>{{"completed", 10},
                                                  {"partial", 1},
                                                  {"preempted", 1},
                                                  {"interrupted", 1},
                                                  {"failed", 1},
                                                  {"missed", 2},
                                                  {"stopped", 1},
                                                  {"open", 1}}));
  const auto& missed = blocks["occurrence"][6];
  EXPECT_EQ(missed.at("outcome_text"), "không phát");
  EXPECT_EQ(missed.at("reason_text"),
            "không có đoạn nào đã duyệt mang nhãn \"cchc\" còn hiệu lực ngày 13/11/2026");
  EXPECT_EQ(missed.at("reason_code"), "no_approved_with_tag");
  EXPECT_EQ(blocks["occurrence"][0].at("delay_s"), "0.004");
  EXPECT_EQ(blocks["occurrence"][0].at("scheduled_at"), "2026-11-02T06:00:00.000+07:00");
  EXPECT_FALSE(blocks["gap"].empty());
}

// --- HTML in Chromium ------------------------------------------------------------------------

/// Headless Chromium as /work/.library machines run it: no network, a fresh profile.
class Chromium {
 public:
  explicit Chromium(const fs::path& scratch) : scratch_(scratch) {}
  RunResult run(std::vector<std::string> args) {
    const fs::path profile = scratch_ / ("chromium-profile-" + std::to_string(++runs_));
    fs::create_directories(profile);
    std::vector<std::string> all = {"60",
                                    "/usr/bin/chromium",
                                    "--headless",
                                    "--no-sandbox",
                                    "--disable-gpu",
                                    "--disable-background-networking",
                                    "--disable-component-update",
                                    "--disable-sync",
                                    "--no-first-run",
                                    "--user-data-dir=" + profile.string()};
    all.insert(all.end(), args.begin(), args.end());
    all.insert(all.begin(), "/usr/bin/timeout");
    return testing::run_command(all, scratch_);
  }

 private:
  fs::path scratch_;
  int runs_ = 0;
};

struct Png {
  std::uintmax_t bytes = 0;
  std::uint32_t width = 0;
  std::uint32_t height = 0;
};

Png read_png(const fs::path& file) {
  const std::string data = testing::read_file(file);
  EXPECT_GE(data.size(), 24u);
  if (data.size() < 24) return {};
  EXPECT_EQ(data.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(data.substr(12, 4), "IHDR");
  auto be32 = [&](std::size_t at) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(data[at])) << 24 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(data[at + 1])) << 16 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(data[at + 2])) << 8 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(data[at + 3]));
  };
  return {data.size(), be32(16), be32(20)};
}

TEST_F(ReportCli, HtmlReportRendersInChromiumWithVerdictsAndHeatmap) {
  ASSERT_TRUE(fs::exists("/usr/bin/chromium"))
      << "Debian's chromium package is needed (scripts/deps.sh installs it)";
  const auto page = dir_ / "report.html";
  const auto r =
      loaxa({"audit", "report", "--format", "html", "--to", kLastDay, "--out", page.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string html = testing::read_file(page);
  // Self-contained: nothing fetched from anywhere (the SVG namespace is a name, not a fetch).
  EXPECT_FALSE(std::regex_search(html, std::regex(R"((src|href)\s*=\s*"(https?:|//))")));
  EXPECT_FALSE(contains(html, "url("));
  EXPECT_FALSE(contains(html, "<script"));
  EXPECT_TRUE(contains(html, "size: A4"));

  Chromium chromium(dir_.path());
  const auto dom = chromium.run({"--dump-dom", "file://" + page.string()});
  ASSERT_EQ(dom.exit_code, 0) << dom.err;
  const std::string& d = dom.out;
  EXPECT_TRUE(contains(d, "<html lang=\"vi\">")) << d.substr(0, 300);
  EXPECT_TRUE(contains(d, "Xã Tân Phú"));
  EXPECT_TRUE(contains(d, log_.key().public_key().fingerprint()));
  EXPECT_TRUE(contains(d, "class=\"verification intact\""));
  EXPECT_TRUE(contains(d, "Nhật ký NGUYÊN VẸN"));
  // The verdicts: two weeks met, two failed, the month incomplete.
  EXPECT_TRUE(std::regex_search(
      d, std::regex(R"(data-period="2026-W46">.*?data-verdict="failed">KHÔNG ĐẠT)")));
  EXPECT_TRUE(
      std::regex_search(d, std::regex(R"(data-period="2026-W45">.*?data-verdict="met">ĐẠT)")));
  EXPECT_TRUE(std::regex_search(
      d, std::regex(R"(data-period="2026-11">.*?data-verdict="incomplete">CHƯA ĐỦ DỮ LIỆU)")));
  EXPECT_EQ(count(d, "data-verdict=\"failed\""), 2u);
  // The heatmap: one cell per day of the period, the 13th red (its one broadcast missed).
  EXPECT_EQ(count(d, "<rect x=") - 5, 28u);  // 5 legend swatches
  EXPECT_TRUE(contains(d, "data-day=\"2026-11-13\" data-planned=\"1\" data-completed=\"0\""));
  // The gap list names the causes in Vietnamese.
  EXPECT_TRUE(contains(d, "không có đoạn đã duyệt để phát"));
  EXPECT_TRUE(contains(d, "lỗi thiết bị ra"));
  EXPECT_TRUE(contains(d, "thiết bị ra bị mất 1 lần"));
  EXPECT_EQ(count(d, "<tr data-outcome="), 18u);

  // A screenshot of the page, against one of an empty page the same size.
  const auto shot = dir_ / "report.png";
  const auto s = chromium.run({"--screenshot=" + shot.string(), "--window-size=1240,1754",
                               "--hide-scrollbars", "file://" + page.string()});
  ASSERT_EQ(s.exit_code, 0) << s.err;
  const Png png = read_png(shot);
  EXPECT_EQ(png.width, 1240u);
  EXPECT_EQ(png.height, 1754u);
  const auto blank_page = dir_ / "blank.html";
  std::ofstream(blank_page) << "<!DOCTYPE html><html><body></body></html>";
  const auto blank_shot = dir_ / "blank.png";
  ASSERT_EQ(chromium
                .run({"--screenshot=" + blank_shot.string(), "--window-size=1240,1754",
                      "file://" + blank_page.string()})
                .exit_code,
            0);
  const Png blank = read_png(blank_shot);
  EXPECT_GT(png.bytes, 5 * blank.bytes) << "the report's screenshot is as plain as a blank page";
}

TEST_F(ReportCli, HtmlEscapesWhatTheLogSays) {
  LoggedBroadcast b;
  b.programme = "cchc";
  b.scheduled_at = log_.at(2026, 11, 29, 17);
  b.outcome = Outcome::kFailed;
  b.why =
      Reason(ReasonCode::kOutputNotOpened).with("detail", "<script>alert('x')</script> & \"more\"");
  b.played_fraction = 0;
  log_.broadcast(b);
  log_.checkpoint(log_.at(2026, 11, 29, 23, 30));
  const auto r = loaxa({"audit", "report", "--format", "html", "--to", kLastDay, "--lang", "en"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(contains(r.out, "<script>"));
  EXPECT_TRUE(
      contains(r.out, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;more&quot;"));
  EXPECT_TRUE(contains(r.out, "<html lang=\"en\">"));
}

// --- a log that is not intact ----------------------------------------------------------------

TEST_F(ReportCli, ABrokenLogIsReportedAtTheTopAndExitsTwo) {
  const auto bundle = dir_ / "xa.loaxa";
  write_bundle(log_.db(), log_.config(), {std::nullopt, std::nullopt, bundle});
  edit_file(bundle, R"(\"outcome\":\"missed\")", R"(\"outcome\":\"completed\")");
  const auto r = loaxa({"audit", "report", "--format", "json", bundle.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "BỊ HỎNG")) << r.err;
  const json c = json::parse(r.out)["communes"][0];
  EXPECT_EQ(c["verification"]["intact"], false);
  EXPECT_EQ(c["status"], "broken");
  EXPECT_TRUE(contains(c["verification"]["summary"].get<std::string>(), "BỊ HỎNG"));
  // The missed broadcast of the 13th is edited; the last good signature before it is the
  // start's, on the 2nd: nothing after that is verified, so no period is met (all were before).
  for (const auto& w : c["weeks"]) {
    EXPECT_EQ(w["verdict"], "unverifiable") << w["period"];
    EXPECT_EQ(w["verdict_text"], "KHÔNG XÁC MINH ĐƯỢC");
  }
  EXPECT_EQ(c["months"][0]["verdict"], "unverifiable");
  EXPECT_EQ(c["total"]["completed"], 0);
  int broken = 0;
  for (const auto& o : c["occurrences"]) {
    if (!o["broken"].get<bool>()) continue;
    ++broken;
    EXPECT_TRUE(o["scheduled_at"].get<std::string>().starts_with("2026-11-13T06:00")) << o;
  }
  EXPECT_EQ(broken, 1);
  EXPECT_TRUE(contains(c["verification"]["broken_event"].get<std::string>(),
                       "kết quả buổi phát lịch 06:00 ngày 13/11/2026"))
      << c["verification"];

  // CSV and HTML mark the same row and periods.
  const auto csv = loaxa({"audit", "report", "--format", "csv", bundle.string()});
  EXPECT_EQ(csv.exit_code, 2);
  auto blocks = csv_blocks(csv.out);
  int broken_rows = 0;
  for (const auto& row : blocks["occurrence"]) broken_rows += row.at("broken") == "true" ? 1 : 0;
  EXPECT_EQ(broken_rows, 1);
  for (const auto& row : blocks["week"]) {
    EXPECT_NE(row.at("verdict"), "met");
    EXPECT_EQ(row.at("verified"), "false");
  }
  const auto html = loaxa({"audit", "report", "--format", "html", bundle.string()});
  EXPECT_EQ(html.exit_code, 2);
  EXPECT_EQ(count(html.out, "data-broken=\"true\""), 1u);
  EXPECT_FALSE(contains(html.out, "data-verdict=\"met\""));
  EXPECT_TRUE(contains(html.out, ">KHÔNG XÁC MINH ĐƯỢC<"));
}

// --- registered keys -------------------------------------------------------------------------

TEST_F(ReportCli, EveryFormatSaysWhetherTheKeyWasCompared) {
  const std::string fp = log_.key().public_key().fingerprint();
  // Without --key or --keys: said in the first lines of each format.
  const auto j = loaxa({"audit", "report", "--format", "json", "--to", kLastDay});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  EXPECT_LT(j.out.find("\"key_check\": \"not_compared\""), j.out.find("\"summary\""));
  EXPECT_EQ(json::parse(j.out)["communes"][0]["key_check"], "not_compared");
  const auto html = loaxa({"audit", "report", "--format", "html", "--to", kLastDay});
  EXPECT_LT(html.out.find("CHƯA ĐỐI CHIẾU KHÓA"), html.out.find("<section class=\"commune\""));
  const auto csv = loaxa({"audit", "report", "--format", "csv", "--to", kLastDay});
  auto blocks = csv_blocks(csv.out);
  EXPECT_EQ(blocks["commune"][0]["key_check"], "not_compared");
  EXPECT_TRUE(contains(blocks["commune"][0]["key_check_text"], "CHƯA ĐỐI CHIẾU KHÓA"));

  // With the register: compared, and no such line.
  const auto keys = dir_ / "keys.toml";
  std::ofstream(keys) << "[communes]\n\"Xã Tân Phú\" = \"" << fp << "\"\n";
  const auto k =
      loaxa({"audit", "report", "--format", "json", "--to", kLastDay, "--keys", keys.string()});
  ASSERT_EQ(k.exit_code, 0) << k.err;
  const json kj = json::parse(k.out);
  EXPECT_EQ(kj["key_check"], "compared");
  EXPECT_EQ(kj["communes"][0]["key_check"], "registered");
  EXPECT_FALSE(contains(k.out, "CHƯA ĐỐI CHIẾU KHÓA"));
  const auto p = loaxa({"audit", "report", "--format", "html", "--to", kLastDay, "--key", fp});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_TRUE(contains(p.out, "data-key-check=\"pinned\"")) << p.out.substr(0, 2000);
  EXPECT_FALSE(contains(p.out, "CHƯA ĐỐI CHIẾU KHÓA"));

  // Registered under another key: a finding by name, exit 2, and no period is met.
  std::ofstream(keys, std::ios::trunc) << "[communes]\n\"Xã Tân Phú\" = \"0000-1111-2222-3333\"\n";
  const auto m =
      loaxa({"audit", "report", "--format", "json", "--to", kLastDay, "--keys", keys.string()});
  EXPECT_EQ(m.exit_code, 2);
  const json mj = json::parse(m.out)["communes"][0];
  EXPECT_EQ(mj["key_check"], "mismatch");
  EXPECT_TRUE(
      contains(mj["verification"]["summary"].get<std::string>(), "KHÔNG KHỚP KHÓA ĐÃ ĐĂNG KÝ"))
      << mj["verification"];
  for (const auto& w : mj["weeks"]) EXPECT_EQ(w["verdict"], "unverifiable") << w["period"];
}

TEST(MergeCli, AnImpostorUnderTheSameNameIsRefusedAgainstTheRegister) {
  TempDir dir;
  StationLog real(dir / "real", "Xã Tân Phú");
  testing::write_known_month(real);
  StationLog impostor(dir / "impostor", "Xã Tân Phú");  // another key pair, the same name
  testing::write_known_month(impostor);
  const auto a = dir / "real.loaxa";
  const auto b = dir / "impostor.loaxa";
  write_bundle(real.db(), real.config(), {std::nullopt, std::nullopt, a});
  write_bundle(impostor.db(), impostor.config(), {std::nullopt, std::nullopt, b});
  const auto keys = dir / "keys.toml";
  std::ofstream(keys) << "[communes]\n\"Xã Tân Phú\" = \"" << real.key().public_key().fingerprint()
                      << "\"\n";
  const auto merged = dir / "province.db";
  const auto m = testing::run_command(
      {testing::loaxa_binary().string(), "--lang", "en", "audit", "merge", a.string(), b.string(),
       "--keys", keys.string(), "--out", merged.string()},
      dir.path());
  EXPECT_EQ(m.exit_code, 2) << m.out << m.err;
  EXPECT_TRUE(contains(m.out, "merged " + a.string())) << m.out;
  EXPECT_TRUE(contains(m.err, "REFUSED " + b.string() + ": REGISTERED KEY MISMATCH")) << m.err;
  EXPECT_FALSE(contains(m.out, "KEY NOT COMPARED")) << m.out;
  const auto r = testing::run_command({testing::loaxa_binary().string(), "audit", "report", "--db",
                                       merged.string(), "--format", "json"},
                                      dir.path());
  const json j = json::parse(r.out);
  ASSERT_EQ(j["communes"].size(), 2u);
  EXPECT_EQ(j["communes"][1]["status"], "refused");
  EXPECT_EQ(j["communes"][1]["refused"]["code"], "key");

  // Without the register the name alone gives it away: two keys for one commune.
  const auto n =
      testing::run_command({testing::loaxa_binary().string(), "--lang", "en", "audit", "merge",
                            a.string(), b.string(), "--out", (dir / "unregistered.db").string()},
                           dir.path());
  EXPECT_EQ(n.exit_code, 2) << n.out << n.err;
  EXPECT_TRUE(contains(n.out, "KEY NOT COMPARED")) << n.out;
  EXPECT_TRUE(contains(n.err, "REFUSED " + b.string() + ": ANOTHER KEY: ")) << n.err;
}

// --- many communes ---------------------------------------------------------------------------

TEST(MergeCli, MergesIntactBundlesRefusesTheTamperedOneByNameAndReportsPerCommune) {
  TempDir dir;
  const std::vector<std::string> names = {"Xã Tân Phú", "Xã Hòa Bình", "Xã Phú Mỹ"};
  std::vector<std::string> bundles;
  for (std::size_t i = 0; i < names.size(); ++i) {
    StationLog log(dir / ("commune-" + std::to_string(i)), names[i]);
    testing::write_known_month(log);
    log.config().compliance = {{"cchc", 8, static_cast<int>(i) + 1}};
    const auto out = dir / ("commune-" + std::to_string(i) + ".loaxa");
    write_bundle(log.db(), log.config(), {std::nullopt, std::nullopt, out});
    bundles.push_back(out.string());
  }
  // The second commune's bundle: one broadcast's frames edited after export.
  edit_file(bundles[1], R"(\"frames_delivered\":720000)", R"(\"frames_delivered\":1440000)");

  const auto merged = dir / "province.db";
  std::vector<std::string> args = {"--lang", "en", "audit", "merge"};
  args.insert(args.end(), bundles.begin(), bundles.end());
  args.insert(args.end(), {"--out", merged.string()});
  args.insert(args.begin(), testing::loaxa_binary().string());
  const auto m = testing::run_command(args, dir.path());
  EXPECT_EQ(m.exit_code, 2) << m.out << m.err;
  EXPECT_TRUE(contains(m.err, "REFUSED " + bundles[1] + ": ")) << m.err;
  EXPECT_FALSE(contains(m.err, bundles[0])) << m.err;
  EXPECT_TRUE(contains(m.out, "merged " + bundles[0])) << m.out;
  EXPECT_TRUE(contains(m.out, "merged " + bundles[2])) << m.out;
  EXPECT_TRUE(contains(m.out, "2 communes; 1 bundles refused")) << m.out;
  // `audit verify` of the merged file: every commune, and the refused bundle, by name.
  const auto v = testing::run_command({testing::loaxa_binary().string(), "--lang", "en", "audit",
                                       "verify", "--db", merged.string()},
                                      dir.path(), dir.path());
  EXPECT_EQ(v.exit_code, 2) << v.out << v.err;
  const auto block = [&](const std::string& station, const std::string& result) {
    return std::regex_search(
        v.out, std::regex("station \"" + station + "\"\n(KEY NOT COMPARED[^\n]*\n)?" + result));
  };
  EXPECT_TRUE(block("Xã Tân Phú", "INTACT")) << v.out;
  EXPECT_TRUE(block("Xã Phú Mỹ", "INTACT")) << v.out;
  EXPECT_TRUE(block("Xã Hòa Bình", "REFUSED AT MERGE: ")) << v.out;
  EXPECT_TRUE(contains(v.out, "3 communes — 2 INTACT, 0 BROKEN, 1 bundles refused")) << v.out;

  // Its own kind of file: the station's opener refuses it, and no temporary is left.
  {
    SQLite::Database db(merged.string(), SQLite::OPEN_READONLY);
    EXPECT_EQ(db.execAndGet("PRAGMA application_id").getInt(), 0x4c4f4d47);
    EXPECT_EQ(db.execAndGet("SELECT count(*) FROM communes").getInt(), 2);
  }
  EXPECT_THROW(open_database_readonly(merged), UserError);
  for (const auto& e : fs::directory_iterator(dir.path())) {
    EXPECT_FALSE(e.path().filename().string().ends_with(".tmp")) << e.path();
  }

  // Run in the scratch folder: no station config there, so each commune's own rules apply.
  const auto r = testing::run_command({testing::loaxa_binary().string(), "audit", "report", "--db",
                                       merged.string(), "--format", "json"},
                                      dir.path(), dir.path());
  // The refused commune is listed, refused with its reason: the report is not all intact.
  ASSERT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(contains(r.err, "TỪ CHỐI KHI GỘP")) << r.err;
  const json j = json::parse(r.out);
  ASSERT_EQ(j["summary"].size(), 3u);
  EXPECT_EQ(j["summary"][0]["station"], "Xã Tân Phú");
  EXPECT_EQ(j["summary"][1]["station"], "Xã Phú Mỹ");
  EXPECT_EQ(j["summary"][2]["station"], "Xã Hòa Bình");
  EXPECT_EQ(j["summary"][2]["status"], "refused");
  EXPECT_EQ(j["communes"][2]["refused"]["code"], "broken");
  EXPECT_TRUE(
      contains(j["communes"][2]["refused"]["reason"].get<std::string>(), "không khớp mã băm"))
      << j["communes"][2]["refused"];
  EXPECT_EQ(j["communes"][2]["occurrences"].size(), 0u);
  for (std::size_t i = 0; i < 2; ++i) {
    const json& s = j["summary"][i];
    EXPECT_EQ(s["intact"], true);
    EXPECT_EQ(s["planned"], 17);
    EXPECT_EQ(s["completed"], 9);
    // 9 completed of the 8 a month asks: met, though the data covers only part of November.
    EXPECT_EQ(s["months"]["2026-11"], "met");
  }
  // Each commune's rules travelled with its bundle: at least 1 a week passes every week, at
  // least 3 fails weeks 46 and 47.
  ASSERT_EQ(j["communes"].size(), 3u);
  EXPECT_EQ(j["communes"][0]["rules_from"], "log");
  EXPECT_EQ(j["communes"][0]["gaps"].size(), 0u);
  EXPECT_EQ(j["communes"][1]["gaps"].size(), 2u);
  EXPECT_EQ(j["communes"][1]["verification"]["intact"], true);

  const auto html = testing::run_command({testing::loaxa_binary().string(), "audit", "report",
                                          "--db", merged.string(), "--format", "html"},
                                         dir.path());
  ASSERT_EQ(html.exit_code, 2) << html.err;
  EXPECT_TRUE(contains(html.out, "<tr data-commune=\"Xã Tân Phú\">"));
  EXPECT_TRUE(contains(html.out, "<tr data-commune=\"Xã Phú Mỹ\">"));
  EXPECT_TRUE(contains(html.out, "<tr data-commune=\"Xã Hòa Bình\">"));
  EXPECT_TRUE(contains(html.out, "data-status=\"refused\""));
  EXPECT_TRUE(contains(html.out, "TỪ CHỐI KHI GỘP: "));
  EXPECT_EQ(count(html.out, "<section class=\"commune\""), 3u);
  const auto csv = testing::run_command({testing::loaxa_binary().string(), "audit", "report",
                                         "--db", merged.string(), "--format", "csv"},
                                        dir.path());
  auto blocks = csv_blocks(csv.out);
  ASSERT_EQ(blocks["commune"].size(), 3u);
  EXPECT_EQ(blocks["commune"][2]["status"], "refused");
  EXPECT_TRUE(contains(blocks["verification"][2]["result"], "TỪ CHỐI KHI GỘP: "));

  // A merged file edited afterwards is verified again, not trusted.
  {
    SQLite::Database db(merged.string(), SQLite::OPEN_READWRITE);
    db.exec(
        "UPDATE events SET payload = replace(payload, '\"outcome\":\"missed\"', "
        "'\"outcome\":\"completed\"') WHERE commune_id = 2 AND source = 'broadcast_outcomes'");
  }
  const auto again = testing::run_command({testing::loaxa_binary().string(), "audit", "report",
                                           "--db", merged.string(), "--format", "json"},
                                          dir.path());
  EXPECT_EQ(again.exit_code, 2);
  const json k = json::parse(again.out);
  EXPECT_EQ(k["summary"][0]["intact"], true);
  EXPECT_EQ(k["summary"][1]["intact"], false);
  EXPECT_EQ(k["summary"][1]["status"], "broken");
  // The tampered commune's verdicts: nothing it says from the break on is met; the intact
  // commune beside it keeps its own.
  EXPECT_EQ(k["summary"][0]["months"]["2026-11"], "met");
  EXPECT_EQ(k["summary"][1]["months"]["2026-11"], "unverifiable");
  for (const auto& w : k["communes"][1]["weeks"]) {
    EXPECT_NE(w["verdict"], "met") << w["period"];
  }
  int broken_rows = 0;
  for (const auto& o : k["communes"][1]["occurrences"]) broken_rows += o["broken"] == true;
  EXPECT_EQ(broken_rows, 1);
  // `audit verify --db` checks every commune, not only the first.
  const auto v2 = testing::run_command({testing::loaxa_binary().string(), "--lang", "en", "audit",
                                        "verify", "--db", merged.string(), "--json"},
                                       dir.path(), dir.path());
  EXPECT_EQ(v2.exit_code, 2) << v2.out << v2.err;
  const json vj = json::parse(v2.out);
  ASSERT_EQ(vj["communes"].size(), 3u);
  EXPECT_EQ(vj["intact"], false);
  EXPECT_EQ(vj["communes"][0]["status"], "intact");
  EXPECT_EQ(vj["communes"][1]["status"], "broken");
  EXPECT_EQ(vj["communes"][1]["station"], "Xã Phú Mỹ");
  EXPECT_EQ(vj["communes"][2]["status"], "refused");
}

TEST(MergeCli, NeverOverwritesAFileThatIsNotAMergedFile) {
  TempDir dir;
  StationLog log(dir / "s", "Xã A");
  testing::write_known_month(log);
  const auto bundle = dir / "a.loaxa";
  write_bundle(log.db(), log.config(), {std::nullopt, std::nullopt, bundle});
  const auto before = testing::read_file(log.config().database);
  const auto r =
      testing::run_command({testing::loaxa_binary().string(), "--lang", "en", "audit", "merge",
                            bundle.string(), "--out", log.config().database.string()},
                           dir.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "exists and is not a merged file")) << r.err;
  EXPECT_EQ(testing::read_file(log.config().database), before);
}

}  // namespace
}  // namespace loaxa
