// `loaxa` as staff meet it first: the help of every command in Vietnamese (English with --lang en
// or an English locale), argument errors in words with exit status 1, and TOML syntax errors
// named by file:line:column. Runs the built executable.

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cli/argument_errors.h"
#include "core/language.h"
#include "fakes/command_runner.h"
#include "fakes/fixtures.h"

namespace loaxa {
namespace {

namespace fs = std::filesystem;
using RunResult = testing::CommandResult;
using testing::TempDir;

/// CLI11's description column (localise_help sets it).
constexpr std::size_t kColumn = 32;

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::string line;
  for (char c : text) {
    if (c == '\n') {
      out.push_back(line);
      line.clear();
    } else {
      line += c;
    }
  }
  if (!line.empty()) out.push_back(line);
  return out;
}

/// Byte offset of the `n`th character (code point) of `s`, or npos when `s` is shorter.
std::size_t char_offset(const std::string& s, std::size_t n) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
    if (chars == n) return i;
    ++chars;
  }
  return std::string::npos;
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

/// One help page cut into what a translation must change.
struct HelpPage {
  std::string summary;                    ///< first line: what the command does
  std::vector<std::string> descriptions;  ///< of each option, argument and command, in order
  std::vector<std::string> commands;      ///< names listed under the commands heading
  std::vector<std::string> misaligned;    ///< rows whose description is not at kColumn
};

HelpPage parse_help(const std::string& text) {
  HelpPage page;
  const std::vector<std::string> lines = lines_of(text);
  if (!lines.empty()) page.summary = lines.front();
  const std::string indent(kColumn, ' ');
  bool in_commands = false;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (!line.empty() && line.front() != ' ') {
      in_commands = line == "Lệnh:" || line == "Commands:";
      continue;
    }
    if (!line.starts_with("  ") || line.starts_with("   ")) continue;  // rows start "  name"
    const bool wrapped = i + 1 < lines.size() && lines[i + 1].starts_with(indent);
    std::string description;
    if (wrapped) {
      description = lines[i + 1].substr(kColumn);
    } else {
      const std::size_t at = char_offset(line, kColumn);
      if (at == std::string::npos || line[at - 1] != ' ' || line[at] == ' ') {
        page.misaligned.push_back(line);
        continue;
      }
      description = line.substr(at);
    }
    page.descriptions.push_back(description);
    if (in_commands) page.commands.push_back(line.substr(2, line.find(' ', 2) - 2));
  }
  return page;
}

class CliHelp : public ::testing::Test {
 protected:
  /// `loaxa ARGS` with no locale set (so Vietnamese unless --lang says otherwise), or with `lang`
  /// as LANG; run in an empty folder so no config/loaxa.toml is found by accident.
  RunResult loaxa(const std::vector<std::string>& args, const std::string& lang = "") {
    std::vector<std::string> argv = {"env", "-u", "LC_ALL", "-u", "LC_MESSAGES", "-u", "LANG"};
    if (!lang.empty()) argv.push_back("LANG=" + lang);
    argv.push_back(testing::loaxa_binary().string());
    argv.insert(argv.end(), args.begin(), args.end());
    return testing::run_command(argv, dir_.path(), dir_.path());
  }

  RunResult help(std::vector<std::string> command, bool english) {
    if (english) command.insert(command.begin(), {"--lang", "en"});
    command.push_back("--help");
    return loaxa(command);
  }

  /// Every command and subcommand, found by following the commands each help page lists.
  std::vector<std::vector<std::string>> all_commands() {
    std::vector<std::vector<std::string>> out = {{}};
    for (std::size_t i = 0; i < out.size(); ++i) {
      const RunResult r = help(out[i], /*english=*/true);
      for (const auto& name : parse_help(r.out).commands) {
        std::vector<std::string> sub = out[i];
        sub.push_back(name);
        out.push_back(sub);
      }
    }
    return out;
  }

  TempDir dir_;
};

TEST_F(CliHelp, WalkFindsEveryCommand) {
  std::set<std::string> found;
  for (const auto& c : all_commands()) found.insert(join(c));
  for (const char* expected : {"segment",
                               "segment import",
                               "segment list",
                               "segment show",
                               "segment approve",
                               "segment retire",
                               "segment validity",
                               "schedule",
                               "schedule check",
                               "schedule preview",
                               "log",
                               "devices",
                               "status",
                               "play",
                               "stop",
                               "reload",
                               "audit",
                               "audit key",
                               "audit verify",
                               "audit export",
                               "audit report",
                               "audit merge"}) {
    EXPECT_TRUE(found.contains(expected)) << expected;
  }
}

TEST_F(CliHelp, EveryCommandExplainsItselfInVietnameseAndEnglish) {
  for (const auto& command : all_commands()) {
    const std::string name = "loaxa " + join(command);
    const RunResult vi = help(command, /*english=*/false);
    const RunResult en = help(command, /*english=*/true);
    ASSERT_EQ(vi.exit_code, 0) << name << vi.err;
    ASSERT_EQ(en.exit_code, 0) << name << en.err;
    EXPECT_TRUE(vi.err.empty()) << name << vi.err;
    const HelpPage v = parse_help(vi.out);
    const HelpPage e = parse_help(en.out);
    EXPECT_TRUE(contains(vi.out, "Cách dùng: " + name)) << vi.out;
    EXPECT_TRUE(contains(en.out, "Usage: " + name)) << en.out;
    EXPECT_NE(v.summary, e.summary) << name << ": the summary is not translated";
    EXPECT_TRUE(v.misaligned.empty()) << name << ": " << v.misaligned.front();
    EXPECT_TRUE(e.misaligned.empty()) << name << ": " << e.misaligned.front();
    ASSERT_EQ(v.descriptions.size(), e.descriptions.size()) << vi.out << en.out;
    EXPECT_GE(v.descriptions.size(), 2u) << name << ": no rows parsed from\n" << vi.out;
    for (std::size_t i = 0; i < v.descriptions.size(); ++i) {
      EXPECT_NE(v.descriptions[i], e.descriptions[i]) << name << ": left in English";
      // Every Vietnamese description carries at least one accented letter.
      EXPECT_TRUE(std::any_of(v.descriptions[i].begin(), v.descriptions[i].end(),
                              [](char c) { return (static_cast<unsigned char>(c) & 0x80) != 0; }))
          << name << ": " << v.descriptions[i];
    }
    for (const char* english : {"OPTIONS", "Options:", "Positionals:", "REQUIRED", "Excludes",
                                "TEXT", "INT", "Subcommands", "SUBCOMMAND", "Usage"}) {
      EXPECT_FALSE(contains(vi.out, english)) << name << ": CLI11's \"" << english << "\"\n"
                                              << vi.out;
    }
  }
}

TEST_F(CliHelp, EnglishLocaleGivesEnglishAndLangFlagWins) {
  const RunResult flag = help({"audit", "report"}, /*english=*/true);
  const RunResult locale = loaxa({"audit", "report", "--help"}, "en_US.UTF-8");
  const RunResult vi = loaxa({"--lang", "vi", "audit", "report", "--help"}, "en_US.UTF-8");
  EXPECT_EQ(locale.exit_code, 0);
  EXPECT_EQ(locale.out, flag.out);
  EXPECT_TRUE(contains(flag.out, "compliance report")) << flag.out;
  EXPECT_TRUE(contains(vi.out, "Cách dùng: loaxa audit report")) << vi.out;
  EXPECT_TRUE(contains(vi.out, "báo cáo")) << vi.out;
}

TEST_F(CliHelp, HelpAllAndHelpBesideMissingArgumentsExitZero) {
  for (const std::vector<std::string>& args : {std::vector<std::string>{"--help-all"},
                                               {"segment", "import", "--help"},
                                               {"audit", "--help"},
                                               {"-h"},
                                               {"segment", "approve", "-h"}}) {
    const RunResult r = loaxa(args);
    EXPECT_EQ(r.exit_code, 0) << join(args) << r.err;
    EXPECT_TRUE(contains(r.out, "Cách dùng: loaxa")) << join(args) << r.out;
  }
  // --help-all expands the commands of `loaxa` (not those of their own commands).
  const RunResult all = loaxa({"--help-all"});
  for (const char* described : {"in nhật ký phát thanh", "in dạng CSV, có dòng tiêu đề",
                                "giải mã, đo độ dài và mức âm", "các vùng sẽ phát"}) {
    EXPECT_TRUE(contains(all.out, described)) << described << "\n" << all.out;
  }
}

/// A mistake on the command line, and the words that must name it in each language.
struct ArgumentCase {
  const char* name;
  std::vector<std::string> args;
  std::string vi;
  std::string en;
};

class CliArgs : public CliHelp, public ::testing::WithParamInterface<ArgumentCase> {};

TEST_P(CliArgs, NamedInTheChosenLanguageWithExitOne) {
  const ArgumentCase& c = GetParam();
  std::vector<std::string> en_args = {"--lang", "en"};
  en_args.insert(en_args.end(), c.args.begin(), c.args.end());
  const RunResult vi = loaxa(c.args);
  const RunResult en = loaxa(en_args);
  EXPECT_EQ(vi.exit_code, 1) << vi.err;
  EXPECT_EQ(en.exit_code, 1) << en.err;
  EXPECT_TRUE(vi.out.empty()) << vi.out;
  EXPECT_TRUE(vi.err.starts_with("loaxa: ")) << vi.err;
  EXPECT_TRUE(contains(vi.err, c.vi)) << vi.err;
  EXPECT_TRUE(contains(en.err, c.en)) << en.err;
  EXPECT_TRUE(contains(vi.err, "--help")) << "points to the help: " << vi.err;
  // Nothing of CLI11's own English reaches a Vietnamese reader.
  for (const char* english : {"not expected", "required", "Run with", "not in", "missing"}) {
    EXPECT_FALSE(contains(vi.err, english)) << vi.err;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Mistakes, CliArgs,
    ::testing::Values(
        ArgumentCase{"unknown_option",
                     {"segment", "list", "--bogus"},
                     "loaxa segment list không có tùy chọn \"--bogus\"",
                     "loaxa segment list has no option \"--bogus\""},
        ArgumentCase{"unknown_option_before_command",
                     {"--verbose", "log"},
                     // log takes the options of loaxa too, so it is the one asked about
                     "loaxa log không có tùy chọn \"--verbose\"",
                     "loaxa log has no option \"--verbose\""},
        ArgumentCase{"mistyped_required_option",
                     {"segment", "approve", "0123456789ab", "--bi", "Lan"},
                     "loaxa segment approve không có tùy chọn \"--bi\"",
                     "loaxa segment approve has no option \"--bi\""},
        ArgumentCase{"missing_value_of_a_list",
                     {"audit", "report", "--format"},
                     "--format cần một giá trị, một trong: csv, html, json",
                     "--format needs a value, one of: csv, html, json"},
        ArgumentCase{
            "missing_value", {"log", "--from"}, "--from cần một giá trị", "--from needs a value"},
        ArgumentCase{"too_many_values",
                     {"audit", "verify", "a.bundle", "b.bundle"},
                     "bundle nhận nhiều nhất 1 giá trị, nhận được 2",
                     "bundle takes at most 1 value(s), got 2"},
        ArgumentCase{"value_not_in_list",
                     {"play", "0123456789ab", "--priority", "loud"},
                     "--priority \"loud\": không phải giá trị được phép; chọn một trong: normal, "
                     "priority, emergency",
                     "--priority \"loud\": not an allowed value; use one of: normal, priority, "
                     "emergency"},
        ArgumentCase{"lang_not_in_list",
                     {"--lang", "fr", "segment", "list"},
                     "--lang \"fr\": không phải giá trị được phép; chọn một trong: vi, en",
                     // --lang fr then --lang en: the last one counts
                     "--lang \"fr\": not an allowed value; use one of: vi, en"},
        ArgumentCase{"not_a_number",
                     {"schedule", "preview", "--days", "abc"},
                     "--days \"abc\": không đọc được giá trị này; cần một số",
                     "--days \"abc\": cannot read this value; a number is expected"},
        ArgumentCase{"unknown_command",
                     {"segment", "frob"},
                     "\"frob\" không phải là lệnh của loaxa segment; các lệnh: import, list, show, "
                     "approve, retire, validity",
                     "unknown command \"frob\" for loaxa segment; its commands: import, list, "
                     "show, approve, retire, validity"},
        ArgumentCase{"unknown_top_command",
                     {"frob"},
                     "\"frob\" không phải là lệnh của loaxa; các lệnh: segment, schedule",
                     "unknown command \"frob\" for loaxa; its commands: segment, schedule"},
        ArgumentCase{"missing_command",
                     {"audit"},
                     "loaxa audit cần thêm một lệnh, một trong: key, verify, export, report, merge",
                     "loaxa audit needs a command: key, verify, export, report, merge"},
        ArgumentCase{"no_command_at_all", {}, "loaxa cần thêm một lệnh", "loaxa needs a command"},
        ArgumentCase{"missing_required_option",
                     {"segment", "approve", "0123456789ab"},
                     "loaxa segment approve cần tùy chọn --by",
                     "loaxa segment approve needs the option --by"},
        ArgumentCase{"missing_argument",
                     {"segment", "import"},
                     "loaxa segment import cần đối số FILE",
                     "loaxa segment import needs the argument FILE"},
        ArgumentCase{"too_many_arguments",
                     {"segment", "list", "extra"},
                     "loaxa segment list nhận thừa đối số \"extra\"",
                     "loaxa segment list was given too many arguments: \"extra\""},
        ArgumentCase{"options_that_exclude_each_other",
                     {"log", "--json", "--csv"},
                     "không dùng --json cùng với --csv",
                     "--json cannot be used with --csv"}),
    [](const ::testing::TestParamInfo<ArgumentCase>& info) { return info.param.name; });

/// A station whose files can be broken one at a time.
class CliTomlSyntax : public CliHelp {
 protected:
  CliTomlSyntax() {
    fs::create_directories(dir_ / "config");
    fs::create_directories(dir_ / "schedules");
    write("config/loaxa.toml",
          "[station]\nname = \"Xã Thử Nghiệm\"\ntimezone = \"Asia/Ho_Chi_Minh\"\n"
          "[storage]\ndatabase = \"../var/loaxa.db\"\n[schedules]\ndir = \"../schedules\"\n"
          "holidays = \"../holidays.toml\"\n");
    write("schedules/cchc.toml",
          "[programme]\nid = \"cchc\"\ntitle = \"Cải cách hành chính\"\n\n"
          "[[slot]]\ndays = [\"mon\"]\nat = [\"06:00\"]\nplay = { tag = \"cchc\" }\n");
    write("holidays.toml", "[[holiday]]\nname = \"Quốc khánh\"\ndate = \"2026-09-02\"\n");
  }

  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::trunc) << text;
  }

  /// Vietnamese and English runs of `loaxa --config config/loaxa.toml ARGS`.
  std::pair<RunResult, RunResult> both(std::vector<std::string> args) {
    args.insert(args.begin(), {"--config", (dir_ / "config/loaxa.toml").string()});
    std::vector<std::string> en = {"--lang", "en"};
    en.insert(en.end(), args.begin(), args.end());
    return {loaxa(args), loaxa(en)};
  }
};

TEST_F(CliTomlSyntax, TheStationFilesAreFineAsWritten) {
  const auto [vi, en] = both({"schedule", "check"});
  const std::string all = vi.out + vi.err;
  // All three read: the one problem is that no segment carries the tag yet.
  EXPECT_TRUE(contains(all, "cchc.toml:8:16: nhãn \"cchc\" rỗng")) << all;
  EXPECT_FALSE(contains(all, "cú pháp")) << all;
  EXPECT_FALSE(contains(all, "ngày lễ")) << all;
}

TEST_F(CliTomlSyntax, ScheduleFileUnclosedString) {
  write("schedules/cchc.toml",
        "[programme]\nid = \"cchc\"\ntitle = \"Cải cách\n\n"
        "[[slot]]\ndays = [\"mon\"]\nat = [\"06:00\"]\nplay = { tag = \"cchc\" }\n");
  const auto [vi, en] = both({"schedule", "check"});
  EXPECT_EQ(vi.exit_code, 1);
  EXPECT_EQ(en.exit_code, 1);
  const std::string vi_all = vi.out + vi.err;
  const std::string en_all = en.out + en.err;
  // Line 3, column 18: where the line ends inside the string ("é" is one column).
  EXPECT_TRUE(contains(vi_all,
                       "cchc.toml:3:18: lỗi cú pháp TOML: chuỗi chưa được đóng: thiếu "
                       "dấu ngoặc kép \" trước khi hết dòng (toml++: Error while parsing "
                       "string"))
      << vi_all;
  EXPECT_TRUE(contains(en_all, "cchc.toml:3:18: TOML syntax error: Error while parsing string"))
      << en_all;
  EXPECT_FALSE(contains(en_all, "lỗi cú pháp")) << en_all;
}

TEST_F(CliTomlSyntax, ConfigTableHeaderNotClosed) {
  write("config/loaxa.toml", "[station\nname = \"Xã Thử Nghiệm\"\n");
  const auto [vi, en] = both({"schedule", "check"});
  EXPECT_EQ(vi.exit_code, 1);
  EXPECT_EQ(en.exit_code, 1);
  EXPECT_TRUE(contains(vi.err,
                       "config/loaxa.toml:1:9: lỗi cú pháp TOML: thiếu dấu ] để đóng tên "
                       "bảng hoặc danh sách (toml++: Error while parsing table header"))
      << vi.err;
  EXPECT_TRUE(contains(en.err,
                       "config/loaxa.toml:1:9: TOML syntax error: Error while parsing "
                       "table header"))
      << en.err;
}

TEST_F(CliTomlSyntax, ConfigValueWithoutQuotes) {
  write("config/loaxa.toml", "[station]\nname = Xã Thử Nghiệm\n");
  const auto [vi, en] = both({"log"});
  EXPECT_EQ(vi.exit_code, 1);
  EXPECT_TRUE(contains(vi.err,
                       "config/loaxa.toml:2:8: lỗi cú pháp TOML: không nhận ra giá trị: "
                       "chữ phải nằm trong dấu ngoặc kép"))
      << vi.err;
  EXPECT_TRUE(contains(en.err, "config/loaxa.toml:2:8: TOML syntax error:")) << en.err;
}

TEST_F(CliTomlSyntax, HolidayFileMissingEquals) {
  write("holidays.toml", "[[holiday]]\nname \"Quốc khánh\"\ndate = \"2026-09-02\"\n");
  const auto [vi, en] = both({"schedule", "check"});
  EXPECT_EQ(vi.exit_code, 1);
  const std::string vi_all = vi.out + vi.err;
  EXPECT_TRUE(contains(vi_all,
                       "holidays.toml:2:6: lỗi cú pháp TOML: sau tên khóa cần dấu = rồi "
                       "đến giá trị (toml++: Error while parsing key-value pair"))
      << vi_all;
  EXPECT_TRUE(contains(en.out + en.err, "holidays.toml:2:6: TOML syntax error:"))
      << en.out << en.err;
}

TEST(CliPrescanLang, LastValidLangFlagBeforeDoubleDash) {
  struct Case {
    std::vector<const char*> args;
    std::optional<Lang> expected;  ///< none: the locale decides
  };
  const std::vector<Case> cases = {
      {{"--lang", "en", "log"}, Lang::kEn},
      {{"log", "--lang", "vi"}, Lang::kVi},
      {{"--lang=en", "log"}, Lang::kEn},
      {{"--lang", "en", "--lang", "fr"}, Lang::kEn},
      {{"--lang", "vi", "--lang=en"}, Lang::kEn},
      {{"--lang", "fr"}, std::nullopt},
      {{"--lang"}, std::nullopt},
      {{"play", "--", "--lang", "en"}, std::nullopt},
  };
  for (const auto& c : cases) {
    std::vector<const char*> argv = {"loaxa"};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    const Lang got = prescan_lang(static_cast<int>(argv.size()), argv.data());
    EXPECT_EQ(got, c.expected.value_or(pick_lang(""))) << c.args.size() << " " << c.args.back();
  }
}

}  // namespace
}  // namespace loaxa
