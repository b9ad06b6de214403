#include "core/holidays.h"

#include <gtest/gtest.h>

#include "core/time.h"

namespace loaxa {
namespace {

date::year_month_day d(const char* s) {
  return *parse_date(s);
}

TEST(Holidays, FindsDaysAndRanges) {
  Holidays h({{d("2027-02-05"), d("2027-02-09"), "Tết Nguyên Đán", {}},
              {d("2026-09-02"), d("2026-09-02"), "Quốc khánh", {}}});
  struct Row {
    const char* day;
    const char* name;  ///< "" = not a holiday
  };
  for (const Row& r : {Row{"2026-09-01", ""}, Row{"2026-09-02", "Quốc khánh"},
                       Row{"2026-09-03", ""}, Row{"2027-02-04", ""},
                       Row{"2027-02-05", "Tết Nguyên Đán"}, Row{"2027-02-07", "Tết Nguyên Đán"},
                       Row{"2027-02-09", "Tết Nguyên Đán"}, Row{"2027-02-10", ""}}) {
    const Holiday* found = h.find(d(r.day));
    EXPECT_EQ(found == nullptr ? "" : found->name, std::string(r.name)) << r.day;
    EXPECT_EQ(h.contains(d(r.day)), std::string(r.name) != "") << r.day;
  }
  EXPECT_EQ(h.all().front().name, "Quốc khánh");  // sorted by first day
}

TEST(Holidays, OverlappingRangesAndEmpty) {
  Holidays h({{d("2026-02-14"), d("2026-02-22"), "Tết", {}},
              {d("2026-02-10"), d("2026-02-15"), "other", {}}});
  EXPECT_TRUE(h.contains(d("2026-02-20")));
  EXPECT_TRUE(h.contains(d("2026-02-10")));
  EXPECT_FALSE(h.contains(d("2026-02-23")));
  EXPECT_FALSE(Holidays{}.contains(d("2026-01-01")));
  EXPECT_TRUE(Holidays{}.empty());
}

}  // namespace
}  // namespace loaxa
