#include "config/holiday_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/text.h"
#include "core/time.h"

namespace loaxa {
namespace {

namespace fs = std::filesystem;

date::year_month_day d(const char* s) {
  return *parse_date(s);
}

TEST(HolidayFile, ParsesDaysAndRanges) {
  Holidays h = parse_holidays(
      "[[holiday]]\nname = \"Quốc khánh\"\nfrom = \"2026-09-01\"\nuntil = 2026-09-02\n"
      "[[holiday]]\nname = \"Tết Dương lịch\"\ndate = \"2026-01-01\"\n",
      "h.toml");
  ASSERT_EQ(h.all().size(), 2u);
  EXPECT_EQ(h.all()[0].name, "Tết Dương lịch");
  EXPECT_EQ(h.all()[0].where.line, 5);
  EXPECT_TRUE(h.contains(d("2026-09-01")));
  EXPECT_TRUE(h.contains(d("2026-09-02")));
  EXPECT_FALSE(h.contains(d("2026-09-03")));
  EXPECT_TRUE(parse_holidays("# nothing yet\n", "h.toml").empty());
}

struct Bad {
  const char* name;
  const char* text;
  const char* expected;  ///< English what()
};

TEST(HolidayFile, BadInputNamesFileLineColumn) {
  const std::vector<Bad> cases = {
      {"syntax", "[[holiday]]\nname = \"x\ndate = \"2026-01-01\"\n",
       "h.toml:2:10: TOML syntax error: Error while parsing string: unescaped control characters "
       "other than TAB (U+0009) are explicitly prohibited"},
      {"unknown_top_key", "year = 2026\n",
       "h.toml:1:1: unknown key \"year\"; a holiday file "
       "holds only [[holiday]] tables"},
      {"no_name", "[[holiday]]\ndate = \"2026-01-01\"\n",
       "h.toml:1:1: [[holiday]] needs name = \"...\" (the holiday's name)"},
      {"bad_date", "[[holiday]]\nname = \"x\"\ndate = \"2026-02-30\"\n",
       "h.toml:3:8: invalid date for \"date\"; use YYYY-MM-DD, e.g. \"2026-09-02\""},
      {"date_and_range",
       "[[holiday]]\nname = \"x\"\ndate = \"2026-01-01\"\nfrom = \"2026-01-01\"\n",
       "h.toml:1:1: [[holiday]] needs date = \"YYYY-MM-DD\" for one day, or both from and until "
       "for several days"},
      {"until_before_from",
       "[[holiday]]\nname = \"x\"\nfrom = \"2026-01-02\"\nuntil = \"2026-01-01\"\n",
       "h.toml:4:9: until is before from"},
      {"unknown_key", "[[holiday]]\nname = \"x\"\ndate = \"2026-01-01\"\nlunar = true\n",
       "h.toml:4:1: unknown key \"lunar\" in [[holiday]]; known keys: name, date, from, until"},
  };
  for (const auto& c : cases) {
    try {
      parse_holidays(c.text, "h.toml");
      ADD_FAILURE() << c.name << ": no error";
    } catch (const UserError& e) {
      EXPECT_EQ(std::string(e.what()), c.expected) << c.name;
      EXPECT_FALSE(e.text().vi.empty()) << c.name;
    }
  }
}

TEST(HolidayFile, EveryProblemIsReported) {
  try {
    parse_holidays("[[holiday]]\ndate = \"x\"\n[[holiday]]\nname = \"y\"\n", "h.toml");
    FAIL();
  } catch (const UserError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("h.toml:2:8: invalid date"), std::string::npos) << what;
    EXPECT_NE(what.find("h.toml:3:1: [[holiday]] needs date"), std::string::npos) << what;
  }
}

TEST(HolidayFile, MissingFileIsAnError) {
  EXPECT_THROW(load_holidays("/nonexistent/holidays.toml"), UserError);
}

TEST(HolidayFile, BundledCalendarIsValidAndHasTheNationalHolidays) {
  fs::path file =
      fs::path(__FILE__).parent_path().parent_path().parent_path() / "config" / "holidays.toml";
  Holidays h = load_holidays(file);
  for (const char* day :
       {"2026-01-01", "2026-02-17", "2026-04-26", "2026-04-30", "2026-05-01", "2026-09-02",
        "2027-01-01", "2027-02-06", "2027-04-16", "2027-04-30", "2027-05-01", "2027-09-02",
        "2028-01-01", "2028-01-26", "2028-04-04", "2028-04-30", "2028-05-01", "2028-09-02"}) {
    EXPECT_TRUE(h.contains(d(day))) << day;
  }
  EXPECT_EQ(h.find(d("2027-02-06"))->name, "Tết Nguyên Đán");
  EXPECT_EQ(h.find(d("2028-04-04"))->name, "Giỗ Tổ Hùng Vương");
  for (const char* day : {"2026-03-02", "2027-06-15", "2028-12-01"}) {
    EXPECT_FALSE(h.contains(d(day))) << day;
  }
}

}  // namespace
}  // namespace loaxa
