#include "config/holiday_file.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <vector>

#include "config/schedule_file.h"
#include "config/toml_syntax.h"
#include "core/text.h"
#include "core/time.h"

namespace loaxa {
namespace {

class HolidayParser {
 public:
  explicit HolidayParser(std::string file) : file_(std::move(file)) {}

  Holidays run(std::string_view text) {
    toml::table root;
    try {
      root = toml::parse(text, std::string_view(file_));
    } catch (const toml::parse_error& e) {
      const Text t = toml_syntax_error(e);
      problem(e.source(), t.vi, t.en);
      fail();
    }
    std::vector<Holiday> out;
    for (const auto& [k, v] : root) {
      if (k.str() != "holiday") {
        problem(k.source(),
                fmt::format("khóa không hợp lệ \"{}\"; tệp ngày lễ chỉ gồm các bảng [[holiday]]",
                            k.str()),
                fmt::format("unknown key \"{}\"; a holiday file holds only [[holiday]] tables",
                            k.str()));
      }
    }
    if (const toml::node* n = root.get("holiday")) {
      const toml::array* a = n->as_array();
      if (a == nullptr || !a->is_array_of_tables()) {
        problem(n->source(), "\"holiday\" phải là các bảng [[holiday]]",
                "\"holiday\" must be [[holiday]] tables");
      } else {
        for (const toml::node& h : *a) {
          if (auto x = read_holiday(*h.as_table())) out.push_back(std::move(*x));
        }
      }
    }
    fail();
    return Holidays(std::move(out));
  }

 private:
  void problem(const toml::source_region& r, std::string vi, std::string en) {
    std::string where = fmt::format("{}:{}:{}: ", file_, r.begin.line, r.begin.column);
    vi_ += (vi_.empty() ? "" : "\n") + where + vi;
    en_ += (en_.empty() ? "" : "\n") + where + en;
  }

  void fail() {
    if (!en_.empty()) throw UserError({vi_, en_});
  }

  std::optional<date::year_month_day> date_at(const toml::table& t, const char* key) {
    const toml::node* n = t.get(key);
    if (n == nullptr) return std::nullopt;
    std::optional<date::year_month_day> d;
    if (const auto* s = n->as_string()) {
      d = parse_date(s->get());
    } else if (const auto* dv = n->as_date()) {
      const toml::date& x = dv->get();
      date::year_month_day ymd{date::year{x.year}, date::month{x.month}, date::day{x.day}};
      if (ymd.ok()) d = ymd;
    }
    if (!d) {
      problem(n->source(),
              fmt::format("ngày không hợp lệ cho \"{}\"; dùng NĂM-THÁNG-NGÀY, ví dụ "
                          "\"2026-09-02\"",
                          key),
              fmt::format("invalid date for \"{}\"; use YYYY-MM-DD, e.g. \"2026-09-02\"", key));
    }
    return d;
  }

  std::optional<Holiday> read_holiday(const toml::table& t) {
    const std::size_t before = en_.size();
    for (const auto& [k, v] : t) {
      if (k.str() == "name" || k.str() == "date" || k.str() == "from" || k.str() == "until") {
        continue;
      }
      problem(k.source(),
              fmt::format("khóa không hợp lệ \"{}\" trong [[holiday]]; các khóa được dùng: name, "
                          "date, from, until",
                          k.str()),
              fmt::format("unknown key \"{}\" in [[holiday]]; known keys: name, date, from, until",
                          k.str()));
    }
    Holiday h;
    h.where = {file_, static_cast<int>(t.source().begin.line),
               static_cast<int>(t.source().begin.column)};
    const toml::node* name = t.get("name");
    if (name == nullptr || name->as_string() == nullptr || name->as_string()->get().empty()) {
      problem(name == nullptr ? t.source() : name->source(),
              "[[holiday]] cần name = \"...\" (tên ngày lễ)",
              "[[holiday]] needs name = \"...\" (the holiday's name)");
    } else {
      h.name = name->as_string()->get();
    }
    auto day = date_at(t, "date");
    auto from = date_at(t, "from");
    auto until = date_at(t, "until");
    bool has_date = t.contains("date"), has_range = t.contains("from") || t.contains("until");
    if (has_date == has_range || (has_range && !(t.contains("from") && t.contains("until")))) {
      problem(t.source(),
              "[[holiday]] cần date = \"NĂM-THÁNG-NGÀY\" cho một ngày, hoặc cả from và until "
              "cho nhiều ngày",
              "[[holiday]] needs date = \"YYYY-MM-DD\" for one day, or both from and until for "
              "several days");
    } else if (has_date && day) {
      h.first = h.last = *day;
    } else if (from && until) {
      if (*until < *from) {
        problem(t.get("until")->source(), "until trước from", "until is before from");
      }
      h.first = *from;
      h.last = *until;
    }
    if (en_.size() != before) return std::nullopt;
    return h;
  }

  std::string file_;
  std::string vi_;
  std::string en_;
};

}  // namespace

Holidays parse_holidays(std::string_view toml_text, const std::string& display_name) {
  return HolidayParser(display_name).run(toml_text);
}

Holidays load_holidays(const std::filesystem::path& path) {
  const std::string name = display_path(path);
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) {
    throw UserError(
        {fmt::format("{}: không đọc được tệp ngày lễ; tạo tệp hoặc sửa [schedules] holidays "
                     "trong tệp cấu hình",
                     name),
         fmt::format("{}: cannot read the holiday file; create it or fix [schedules] holidays "
                     "in the config",
                     name)});
  }
  std::stringstream text;
  text << in.rdbuf();
  return parse_holidays(text.str(), name);
}

}  // namespace loaxa
