#include "config/schedule_file.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "config/toml_syntax.h"

namespace loaxa {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

constexpr std::array<const char*, 7> kDayNames = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

/// "HH:MM" or "HH:MM:SS", two digits each, a real time of day; seconds since midnight.
std::optional<seconds> parse_time_of_day(std::string_view s) {
  if (s.size() != 5 && s.size() != 8) return std::nullopt;
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  auto two = [&](size_t at) -> int {
    if (!digit(s[at]) || !digit(s[at + 1])) return -1;
    return (s[at] - '0') * 10 + (s[at + 1] - '0');
  };
  if (s[2] != ':' || (s.size() == 8 && s[5] != ':')) return std::nullopt;
  int h = two(0), m = two(3), sec = s.size() == 8 ? two(6) : 0;
  if (h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 59) return std::nullopt;
  return seconds{h * 3600 + m * 60 + sec};
}

std::string time_text(seconds t) {
  auto s = t.count();
  if (s % 60 == 0) return fmt::format("{:02}:{:02}", s / 3600, s / 60 % 60);
  return fmt::format("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
}

std::string toml_quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          out += fmt::format("\\u{:04X}", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

const std::vector<std::string> kSlotKeys = {
    "days",  "monthdays",    "nth",      "dates", "every_weeks", "start", "from",
    "until", "holidays",     "at",       "play",  "rotation",    "count", "intro",
    "outro", "max_duration", "priority", "zones", "grace"};

constexpr std::array<const char*, 6> kOrdinals = {"1st", "2nd", "3rd", "4th", "5th", "last"};

/// "a, b or c"
std::string join_or(const std::vector<std::string>& items, const std::string& word) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " " + word + " " : ", ";
    out += items[i];
  }
  return out;
}

/// Positive days first, ascending, then -1, -2, ...: the order people read a month in.
void normalize_monthdays(std::vector<int>& days) {
  std::sort(days.begin(), days.end(), [](int a, int b) {
    if ((a > 0) != (b > 0)) return a > 0;
    return a > 0 ? a < b : a > b;
  });
  days.erase(std::unique(days.begin(), days.end()), days.end());
}

bool nth_before(const NthWeekday& a, const NthWeekday& b) {
  auto rank = [](int n) { return n > 0 ? n : 6; };
  return std::pair(rank(a.n), a.weekday) < std::pair(rank(b.n), b.weekday);
}

/// "1st mon" .. "5th sun", "last fri".
std::optional<NthWeekday> parse_nth(std::string_view s) {
  auto space = s.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  auto ord = std::find(kOrdinals.begin(), kOrdinals.end(), s.substr(0, space));
  auto day = std::find(kDayNames.begin(), kDayNames.end(), s.substr(space + 1));
  if (ord == kOrdinals.end() || day == kDayNames.end()) return std::nullopt;
  int n = static_cast<int>(ord - kOrdinals.begin()) + 1;
  return NthWeekday{n == 6 ? -1 : n, static_cast<unsigned>(day - kDayNames.begin()) + 1};
}

std::string nth_text(const NthWeekday& nw) {
  return fmt::format("{} {}", kOrdinals[nw.n > 0 ? static_cast<size_t>(nw.n - 1) : 5],
                     kDayNames[nw.weekday - 1]);
}

/// "MM:SS" (minutes may pass 59) or "H:MM:SS"; nullopt when malformed.
std::optional<seconds> parse_duration(std::string_view s) {
  std::vector<std::string_view> parts;
  for (size_t at = 0;;) {
    size_t colon = s.find(':', at);
    parts.push_back(s.substr(at, colon == s.npos ? s.npos : colon - at));
    if (colon == s.npos) break;
    at = colon + 1;
  }
  auto digits = [](std::string_view p, size_t min, size_t max) {
    return p.size() >= min && p.size() <= max &&
           std::all_of(p.begin(), p.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  auto num = [](std::string_view p) { return std::stol(std::string(p)); };
  if (parts.size() == 2 && digits(parts[0], 1, 3) && digits(parts[1], 2, 2) && num(parts[1]) < 60) {
    return seconds{num(parts[0]) * 60 + num(parts[1])};
  }
  if (parts.size() == 3 && digits(parts[0], 1, 2) && digits(parts[1], 2, 2) &&
      digits(parts[2], 2, 2) && num(parts[1]) < 60 && num(parts[2]) < 60) {
    return seconds{num(parts[0]) * 3600 + num(parts[1]) * 60 + num(parts[2])};
  }
  return std::nullopt;
}

HolidayPolicy default_holidays(Priority p) {
  // An emergency slot (a drill, a standing warning) is exactly what must not stop on Tết.
  return p == Priority::kEmergency ? HolidayPolicy::kKeep : HolidayPolicy::kSkip;
}

std::string duration_text(seconds d) {
  auto s = d.count();
  if (s < 3600) return fmt::format("{:02}:{:02}", s / 60, s % 60);
  return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
}

bool inside(const BroadcastWindow& w, seconds t) {
  if (w.start <= w.end) return w.start <= t && t < w.end;
  return t >= w.start || t < w.end;
}

/// Whether a broadcast from `t` lasting `length` ends by the end of the window it starts in.
bool fits(const BroadcastWindow& w, seconds t, seconds length) {
  seconds end = w.end;
  if (w.start > w.end && t >= w.start) end += std::chrono::hours{24};
  return t + length <= end;
}

std::string date_text(const date::year_month_day& d) {
  return date::format("%F", d);
}

bool valid_programme_id(std::string_view id) {
  // The id goes into occurrence keys ("cchc#0@...") and log entries: no separators, no spaces.
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

/// A value as the user wrote it, for quoting in a message.
std::string shown(const toml::node& n) {
  if (const auto* s = n.as_string()) return toml_quoted(s->get());
  std::ostringstream os;
  n.visit([&](auto&& v) {
    if constexpr (toml::is_value<decltype(v)>) {
      os << v;
    } else {
      os << (toml::is_table<decltype(v)> ? "{...}" : "[...]");
    }
  });
  return os.str();
}

/// toml++ tables iterate in key order, not file order; users read problems top to bottom.
void sort_by_position(std::vector<ScheduleProblem>& problems) {
  std::stable_sort(
      problems.begin(), problems.end(), [](const ScheduleProblem& a, const ScheduleProblem& b) {
        return std::pair(a.where.line, a.where.column) < std::pair(b.where.line, b.where.column);
      });
}

/// One file's parse: the programme as far as it could be read, and what is wrong with it.
struct FileParse {
  std::optional<Programme> programme;  ///< set when the id could be read, even with problems
  std::vector<ScheduleProblem> problems;
  bool invalid() const {
    return std::any_of(problems.begin(), problems.end(), [](const ScheduleProblem& p) {
      return p.kind == ScheduleProblem::Kind::kInvalid;
    });
  }
};

class FileParser {
 public:
  FileParser(std::string file, const std::vector<Segment>& catalogue,
             const ScheduleOptions& options)
      : file_(std::move(file)), catalogue_(catalogue), options_(options) {}

  FileParse run(std::string_view text) {
    toml::table root;
    try {
      root = toml::parse(text, std::string_view(file_));
    } catch (const toml::parse_error& e) {
      const Text t = toml_syntax_error(e);
      problem(e.source(), t.vi, t.en);
      return std::move(out_);
    }
    only_keys(root, {"programme", "slot"}, "(đầu tệp)", "(top level)");

    Programme prog;
    bool have_id = read_programme(root, prog);
    read_slots(root, prog);
    if (have_id) out_.programme = std::move(prog);
    sort_by_position(out_.problems);
    return std::move(out_);
  }

 private:
  SourceLocation at(const toml::source_region& r) const {
    return {file_, static_cast<int>(r.begin.line), static_cast<int>(r.begin.column)};
  }
  SourceLocation top() const { return {file_, 1, 1}; }

  void problem(const toml::source_region& r, std::string vi, std::string en,
               ScheduleProblem::Kind kind = ScheduleProblem::Kind::kInvalid) {
    problem(at(r), std::move(vi), std::move(en), kind);
  }
  void problem(SourceLocation where, std::string vi, std::string en,
               ScheduleProblem::Kind kind = ScheduleProblem::Kind::kInvalid) {
    out_.problems.push_back({std::move(where), Text{std::move(vi), std::move(en)}, kind});
  }

  void only_keys(const toml::table& t, const std::vector<std::string>& allowed,
                 const std::string& where_vi, const std::string& where_en) {
    for (const auto& [k, v] : t) {
      if (std::find(allowed.begin(), allowed.end(), k.str()) != allowed.end()) continue;
      problem(k.source(),
              fmt::format("khóa không hợp lệ \"{}\" trong {}; các khóa được dùng: {}", k.str(),
                          where_vi, join(allowed)),
              fmt::format("unknown key \"{}\" in {}; known keys: {}", k.str(), where_en,
                          join(allowed)));
    }
  }

  /// A string value, or a problem saying it must be one.
  const std::string* string_at(const toml::node& n, const std::string& key) {
    if (const auto* s = n.as_string()) return &s->get();
    problem(n.source(), fmt::format("\"{}\" phải là chuỗi trong dấu ngoặc kép", key),
            fmt::format("\"{}\" must be a string in double quotes", key));
    return nullptr;
  }

  bool read_programme(const toml::table& root, Programme& prog) {
    const toml::node* n = root.get("programme");
    if (n == nullptr) {
      problem(top(), "thiếu bảng [programme] (với id = \"...\" và title = \"...\")",
              "missing [programme] table (with id = \"...\" and title = \"...\")");
      return false;
    }
    const toml::table* t = n->as_table();
    if (t == nullptr) {
      problem(n->source(), "\"programme\" phải là bảng [programme]",
              "\"programme\" must be a [programme] table");
      return false;
    }
    only_keys(*t, {"id", "title"}, "[programme]", "[programme]");
    bool have_id = false;
    if (const toml::node* id = t->get("id"); id == nullptr) {
      problem(t->source(), "[programme] thiếu id, ví dụ id = \"cchc\"",
              "[programme] has no id; add e.g. id = \"cchc\"");
    } else if (const std::string* s = string_at(*id, "id")) {
      if (!valid_programme_id(*s)) {
        problem(id->source(),
                fmt::format("id {} chỉ được gồm chữ thường không dấu a-z, chữ số, \"-\" và \"_\"",
                            toml_quoted(*s)),
                fmt::format("id {} may only contain lowercase letters a-z, digits, \"-\" and \"_\"",
                            toml_quoted(*s)));
      } else {
        prog.id = *s;
        prog.where = at(id->source());
        have_id = true;
      }
    }
    if (const toml::node* title = t->get("title")) {
      if (const std::string* s = string_at(*title, "title")) prog.title = *s;
    }
    if (prog.title.empty()) prog.title = prog.id;
    return have_id;
  }

  void read_slots(const toml::table& root, Programme& prog) {
    const toml::node* n = root.get("slot");
    const toml::array* slots = n == nullptr ? nullptr : n->as_array();
    if (n != nullptr && (slots == nullptr || !slots->is_array_of_tables())) {
      problem(n->source(), "\"slot\" phải là các bảng [[slot]]",
              "\"slot\" must be [[slot]] tables");
      return;
    }
    if (slots == nullptr || slots->empty()) {
      SourceLocation where = prog.where.line > 0 ? prog.where : top();
      problem(where, "chương trình chưa có khung giờ nào; thêm ít nhất một bảng [[slot]]",
              "the programme has no slots; add at least one [[slot]] table");
      return;
    }
    int index = 0;
    for (const toml::node& s : *slots) {
      Slot slot;
      slot.index = index++;
      slot.where = at(s.source());
      read_slot(*s.as_table(), slot);
      prog.slots.push_back(std::move(slot));
    }
  }

  const toml::node* required(const toml::table& t, const std::string& key, const char* example) {
    const toml::node* n = t.get(key);
    if (n == nullptr) {
      problem(t.source(), fmt::format("[[slot]] thiếu \"{}\", ví dụ {}", key, example),
              fmt::format("[[slot]] is missing \"{}\", e.g. {}", key, example));
    }
    return n;
  }

  void read_slot(const toml::table& t, Slot& slot) {
    only_keys(t, kSlotKeys, "[[slot]]", "[[slot]]");
    // Priority first: the holiday default and the window check depend on it.
    if (const toml::node* n = t.get("priority")) read_priority(*n, slot);
    slot.holidays = default_holidays(slot.priority);
    bool any_day = false;
    if (const toml::node* n = t.get("days")) any_day |= read_days(*n, slot);
    if (const toml::node* n = t.get("monthdays")) any_day |= read_monthdays(*n, slot);
    if (const toml::node* n = t.get("nth")) any_day |= read_nth(*n, slot);
    std::vector<std::pair<date::year_month_day, const toml::node*>> dates;
    if (const toml::node* n = t.get("dates")) {
      dates = read_dates(*n, slot);
      any_day |= !dates.empty();
    }
    if (!any_day && !t.contains("days") && !t.contains("monthdays") && !t.contains("nth") &&
        !t.contains("dates")) {
      problem(t.source(),
              "[[slot]] chưa có ngày phát: thêm days, monthdays, nth hoặc dates, ví dụ days = "
              "[\"mon\", \"wed\", \"fri\"]",
              "[[slot]] names no day: add days, monthdays, nth or dates, e.g. days = [\"mon\", "
              "\"wed\", \"fri\"]");
    }
    read_range(t, slot, dates);
    if (const toml::node* n = t.get("holidays")) read_holidays(*n, slot);
    std::vector<std::pair<seconds, const toml::node*>> times;
    if (const toml::node* n = required(t, "at", "at = [\"06:00\", \"17:15\"]")) {
      times = read_times(*n, slot);
    }
    if (const toml::node* n = required(t, "play", "play = { tag = \"cchc\" }")) {
      read_play(*n, slot);
    }
    read_rotation(t, slot);
    for (const char* key : {"intro", "outro"}) {
      if (const toml::node* n = t.get(key)) read_jingle(*n, key, slot);
    }
    if (const toml::node* n = t.get("max_duration")) {
      if (auto d = read_duration(*n, "max_duration", false)) slot.max_duration = *d;
    }
    if (const toml::node* n = t.get("grace")) {
      if (auto d = read_duration(*n, "grace", true)) slot.grace = *d;
    }
    if (const toml::node* n = t.get("zones")) read_zones(*n, slot);
    check_window(slot, times);
  }

  /// One of `names` (a string); its index, or nullopt after a problem.
  std::optional<size_t> read_choice(const toml::node& n, const std::string& key,
                                    const std::vector<std::string>& names) {
    const auto* s = n.as_string();
    if (s != nullptr) {
      auto it = std::find(names.begin(), names.end(), s->get());
      if (it != names.end()) return static_cast<size_t>(it - names.begin());
    }
    std::vector<std::string> quoted;
    for (const auto& x : names) quoted.push_back(toml_quoted(x));
    problem(n.source(),
            fmt::format("giá trị {} không hợp lệ cho \"{}\"; dùng {}", shown(n), key,
                        join_or(quoted, "hoặc")),
            fmt::format("invalid {} {}; use {}", key, shown(n), join_or(quoted, "or")));
    return std::nullopt;
  }

  void read_priority(const toml::node& n, Slot& slot) {
    if (auto i = read_choice(n, "priority", {"normal", "priority", "emergency"})) {
      slot.priority = static_cast<Priority>(*i);
    }
  }

  void read_holidays(const toml::node& n, Slot& slot) {
    if (auto i = read_choice(n, "holidays", {"skip", "keep"})) {
      slot.holidays = *i == 0 ? HolidayPolicy::kSkip : HolidayPolicy::kKeep;
    }
  }

  /// A non-empty array, or a problem naming an example.
  const toml::array* list_at(const toml::node& n, const std::string& key, const char* example) {
    const toml::array* a = n.as_array();
    if (a == nullptr) {
      problem(n.source(), fmt::format("\"{}\" phải là danh sách, ví dụ {}", key, example),
              fmt::format("\"{}\" must be a list, e.g. {}", key, example));
      return nullptr;
    }
    if (a->empty()) {
      problem(n.source(), fmt::format("\"{}\" rỗng: hãy bỏ khóa này hoặc thêm giá trị", key),
              fmt::format("\"{}\" is empty: remove the key or add values", key));
      return nullptr;
    }
    return a;
  }

  bool read_days(const toml::node& n, Slot& slot) {
    // `days = "daily"` reads as people say it; a bare string is the one-item list.
    if (const auto* one = n.as_string(); one != nullptr && one->get() == "daily") {
      slot.days.fill(true);
      return true;
    }
    const toml::array* days = n.as_array();
    if (days == nullptr) {
      problem(n.source(),
              "\"days\" phải là danh sách hoặc \"daily\", ví dụ [\"mon\", \"wed\", \"fri\"] "
              "hoặc \"daily\"",
              "\"days\" must be a list or \"daily\", e.g. [\"mon\", \"wed\", \"fri\"] or "
              "\"daily\"");
      return false;
    }
    if (days->empty()) {
      problem(n.source(), "\"days\" rỗng: khung giờ này sẽ không bao giờ phát",
              "\"days\" is empty: this slot would never play");
      return false;
    }
    if (days->size() > 1) {
      for (const toml::node& d : *days) {
        if (const auto* s = d.as_string(); s != nullptr && s->get() == "daily") {
          problem(d.source(),
                  "\"daily\" đã là mọi ngày, không ghép với ngày khác; viết days = \"daily\" "
                  "hoặc chỉ liệt kê các ngày, ví dụ [\"mon\", \"wed\", \"fri\"]",
                  "\"daily\" already means every day and cannot be combined with other days; "
                  "write days = \"daily\" or list only weekdays, e.g. [\"mon\", \"wed\", "
                  "\"fri\"]");
          return false;
        }
      }
    }
    bool any = false;
    for (const toml::node& d : *days) {
      const auto* s = d.as_string();
      std::string name = s == nullptr ? "" : s->get();
      if (name == "daily") {
        slot.days.fill(true);
        any = true;
        continue;
      }
      auto it = std::find(kDayNames.begin(), kDayNames.end(), name);
      if (s != nullptr && it != kDayNames.end()) {
        slot.days[static_cast<size_t>(it - kDayNames.begin())] = true;
        any = true;
        continue;
      }
      problem(d.source(),
              fmt::format("ngày trong tuần không hợp lệ {}; dùng mon..sun (thứ Hai..Chủ nhật) "
                          "hoặc \"daily\" (hằng ngày)",
                          shown(d)),
              fmt::format("unknown weekday {}; use mon..sun or \"daily\"", shown(d)));
    }
    return any;
  }

  bool read_monthdays(const toml::node& n, Slot& slot) {
    const toml::array* a = list_at(n, "monthdays", "[1, 15, -1]");
    if (a == nullptr) return false;
    for (const toml::node& v : *a) {
      const auto* i = v.as_integer();
      if (i == nullptr || i->get() == 0 || i->get() < -31 || i->get() > 31) {
        problem(v.source(),
                fmt::format("ngày trong tháng không hợp lệ {}; dùng 1..31, hoặc -1 cho ngày cuối "
                            "tháng (-2 cho ngày áp chót...)",
                            shown(v)),
                fmt::format("invalid day of the month {}; use 1..31, or -1 for the last day (-2 "
                            "for the day before...)",
                            shown(v)));
        continue;
      }
      slot.monthdays.push_back(static_cast<int>(i->get()));
    }
    normalize_monthdays(slot.monthdays);
    return !slot.monthdays.empty();
  }

  bool read_nth(const toml::node& n, Slot& slot) {
    const toml::array* a = list_at(n, "nth", "[\"1st mon\", \"last fri\"]");
    if (a == nullptr) return false;
    for (const toml::node& v : *a) {
      std::optional<NthWeekday> nw;
      if (const auto* s = v.as_string()) nw = parse_nth(s->get());
      if (!nw) {
        problem(v.source(),
                fmt::format("thứ trong tháng không hợp lệ {}; dùng \"1st\".. \"5th\" hoặc "
                            "\"last\" rồi một ngày mon..sun, ví dụ \"1st mon\", \"last fri\"",
                            shown(v)),
                fmt::format("invalid nth weekday {}; use \"1st\"..\"5th\" or \"last\" and a day "
                            "mon..sun, e.g. \"1st mon\", \"last fri\"",
                            shown(v)));
        continue;
      }
      slot.nth.push_back(*nw);
    }
    std::sort(slot.nth.begin(), slot.nth.end(), nth_before);
    slot.nth.erase(std::unique(slot.nth.begin(), slot.nth.end()), slot.nth.end());
    return !slot.nth.empty();
  }

  /// A date as "YYYY-MM-DD" or a bare TOML date; nullopt after a problem.
  std::optional<date::year_month_day> read_date(const toml::node& v, const std::string& key) {
    std::optional<date::year_month_day> d;
    if (const auto* s = v.as_string()) {
      d = parse_date(s->get());
    } else if (const auto* dv = v.as_date()) {
      const toml::date& x = dv->get();
      date::year_month_day ymd{date::year{x.year}, date::month{x.month}, date::day{x.day}};
      if (ymd.ok()) d = ymd;
    }
    if (!d) {
      problem(v.source(),
              fmt::format("ngày không hợp lệ {} cho \"{}\"; dùng NĂM-THÁNG-NGÀY, ví dụ "
                          "\"2026-12-24\"",
                          shown(v), key),
              fmt::format("invalid date {} for \"{}\"; use YYYY-MM-DD, e.g. \"2026-12-24\"",
                          shown(v), key));
    }
    return d;
  }

  std::vector<std::pair<date::year_month_day, const toml::node*>> read_dates(const toml::node& n,
                                                                             Slot& slot) {
    std::vector<std::pair<date::year_month_day, const toml::node*>> out;
    const toml::array* a = list_at(n, "dates", "[\"2026-12-24\", \"2027-01-15\"]");
    if (a == nullptr) return out;
    for (const toml::node& v : *a) {
      if (auto d = read_date(v, "dates")) {
        slot.dates.push_back(*d);
        out.emplace_back(*d, &v);
      }
    }
    std::sort(slot.dates.begin(), slot.dates.end());
    slot.dates.erase(std::unique(slot.dates.begin(), slot.dates.end()), slot.dates.end());
    return out;
  }

  /// every_weeks, start, from, until, and their consistency.
  void read_range(const toml::table& t, Slot& slot,
                  const std::vector<std::pair<date::year_month_day, const toml::node*>>& dates) {
    for (auto [key, field] : {std::pair{"start", &slot.start}, std::pair{"from", &slot.from},
                              std::pair{"until", &slot.until}}) {
      if (const toml::node* n = t.get(key)) *field = read_date(*n, key);
    }
    const toml::node* every = t.get("every_weeks");
    if (every != nullptr) {
      const auto* i = every->as_integer();
      if (i == nullptr || i->get() < 1 || i->get() > 52) {
        problem(every->source(),
                fmt::format("every_weeks {} không hợp lệ; dùng số tuần từ 1 đến 52, ví dụ "
                            "every_weeks = 2 (hai tuần một lần)",
                            shown(*every)),
                fmt::format("invalid every_weeks {}; use a number of weeks from 1 to 52, e.g. "
                            "every_weeks = 2 (fortnightly)",
                            shown(*every)));
      } else {
        slot.every_weeks = static_cast<int>(i->get());
        if (!t.contains("start")) {
          problem(every->source(),
                  "every_weeks cần start = \"NĂM-THÁNG-NGÀY\": tuần chứa ngày đó là tuần phát "
                  "đầu tiên",
                  "every_weeks needs start = \"YYYY-MM-DD\": the week of that day is the first "
                  "week that plays");
        }
      }
    } else if (const toml::node* n = t.get("start")) {
      problem(n->source(),
              "start chỉ dùng cùng every_weeks; để đặt ngày bắt đầu hiệu lực, dùng from",
              "start only goes with every_weeks; for the first day the slot is valid, use from");
    }
    if (slot.from && slot.until && *slot.until < *slot.from) {
      problem(t.get("until")->source(),
              fmt::format("until {} trước from {}: khung giờ này sẽ không bao giờ phát",
                          date::format("%F", *slot.until), date::format("%F", *slot.from)),
              fmt::format("until {} is before from {}: this slot would never play",
                          date::format("%F", *slot.until), date::format("%F", *slot.from)));
      return;
    }
    for (const auto& [d, node] : dates) {
      if ((slot.from && d < *slot.from) || (slot.until && d > *slot.until)) {
        problem(node->source(),
                fmt::format("ngày {} nằm ngoài khoảng from/until nên sẽ không phát",
                            date::format("%F", d)),
                fmt::format("date {} is outside from/until, so it would never play",
                            date::format("%F", d)));
      }
    }
  }

  std::vector<std::pair<seconds, const toml::node*>> read_times(const toml::node& n, Slot& slot) {
    std::vector<std::pair<seconds, const toml::node*>> out;
    const toml::array* times = n.as_array();
    if (times == nullptr) {
      problem(n.source(), "\"at\" phải là danh sách giờ, ví dụ [\"06:00\", \"17:15:30\"]",
              "\"at\" must be a list of times, e.g. [\"06:00\", \"17:15:30\"]");
      return out;
    }
    if (times->empty()) {
      problem(n.source(), "\"at\" rỗng: khung giờ này sẽ không bao giờ phát",
              "\"at\" is empty: this slot would never play");
      return out;
    }
    for (const toml::node& v : *times) {
      std::optional<seconds> t;
      if (const auto* s = v.as_string()) {
        t = parse_time_of_day(s->get());
      } else if (const auto* tv = v.as_time()) {
        // A bare TOML time (at = [06:00:00]) is as clear as a string; accept it.
        const toml::time& x = tv->get();
        if (x.nanosecond == 0) t = seconds{x.hour * 3600 + x.minute * 60 + x.second};
      }
      if (!t) {
        problem(v.source(),
                fmt::format("giờ không hợp lệ {}; dùng HH:MM hoặc HH:MM:SS, từ 00:00 đến 23:59:59",
                            shown(v)),
                fmt::format("invalid time {}; use HH:MM or HH:MM:SS, from 00:00 to 23:59:59",
                            shown(v)));
        continue;
      }
      slot.times.push_back(*t);
      out.emplace_back(*t, &v);
    }
    std::sort(slot.times.begin(), slot.times.end());
    slot.times.erase(std::unique(slot.times.begin(), slot.times.end()), slot.times.end());
    return out;
  }

  /// A segment id the catalogue should hold; a gap is only kUnresolved.
  void check_segment_id(const toml::node& n, const std::string& id) {
    if (id.empty()) {
      problem(n.source(), "mã đoạn rỗng: segment = \"\" không chọn được đoạn nào",
              "empty segment id: segment = \"\" selects no segment");
    } else if (std::none_of(catalogue_.begin(), catalogue_.end(),
                            [&](const Segment& x) { return x.id == id; })) {
      problem(n.source(),
              fmt::format("không có đoạn mã {} trong danh mục các đoạn đã nhập", toml_quoted(id)),
              fmt::format("unknown segment {}: no imported segment has this id", toml_quoted(id)),
              ScheduleProblem::Kind::kUnresolved);
    }
  }

  void read_play(const toml::node& n, Slot& slot) {
    const toml::table* t = n.as_table();
    const char* usage_vi =
        "\"play\" cần đúng một trong ba: { tag = \"cchc\" }, { segment = \"ID\" } hoặc "
        "{ list = [\"ID1\", \"ID2\"] }";
    const char* usage_en =
        "\"play\" needs exactly one of { tag = \"cchc\" }, { segment = \"ID\" } or "
        "{ list = [\"ID1\", \"ID2\"] }";
    if (t == nullptr) {
      problem(n.source(), usage_vi, usage_en);
      return;
    }
    only_keys(*t, {"tag", "segment", "list"}, "play", "play");
    const toml::node* tag = t->get("tag");
    const toml::node* seg = t->get("segment");
    const toml::node* list = t->get("list");
    if ((tag != nullptr) + (seg != nullptr) + (list != nullptr) != 1) {
      problem(n.source(), usage_vi, usage_en);
      return;
    }
    if (tag != nullptr) {
      const std::string* s = string_at(*tag, "tag");
      if (s == nullptr) return;
      slot.play = {PlaySpec::Kind::kTag, *s, {}};
      if (s->empty()) {
        problem(tag->source(), "nhãn rỗng: tag = \"\" không chọn được đoạn nào",
                "empty tag: tag = \"\" selects no segment");
      } else if (std::none_of(catalogue_.begin(), catalogue_.end(),
                              [&](const Segment& x) { return x.tag == *s; })) {
        problem(
            tag->source(),
            fmt::format("nhãn {} rỗng: chưa có đoạn nào đã nhập mang nhãn này", toml_quoted(*s)),
            fmt::format("tag {} is empty: no imported segment carries it", toml_quoted(*s)),
            ScheduleProblem::Kind::kUnresolved);
      }
      return;
    }
    if (seg != nullptr) {
      const std::string* s = string_at(*seg, "segment");
      if (s == nullptr) return;
      slot.play = {PlaySpec::Kind::kSegment, *s, {}};
      check_segment_id(*seg, *s);
      return;
    }
    slot.play = {PlaySpec::Kind::kList, "", {}};
    const toml::array* a = list_at(*list, "list", "[\"a1b2c3d4e5f6\", \"0123456789ab\"]");
    if (a == nullptr) return;
    for (const toml::node& v : *a) {
      const std::string* s = string_at(v, "list");
      if (s == nullptr) continue;
      slot.play.list.push_back(*s);
      check_segment_id(v, *s);
    }
  }

  void read_rotation(const toml::table& t, Slot& slot) {
    const toml::node* rot = t.get("rotation");
    if (rot != nullptr) {
      if (auto i =
              read_choice(*rot, "rotation", {"all", "sequential", "shuffle", "least_recent"})) {
        slot.rotation = static_cast<Rotation>(*i);
        if (slot.rotation != Rotation::kAll && slot.play.kind == PlaySpec::Kind::kSegment) {
          problem(rot->source(),
                  "rotation chỉ dùng với play = { tag = ... } hoặc { list = [...] }, không dùng "
                  "với một đoạn",
                  "rotation goes with play = { tag = ... } or { list = [...] }, not with a single "
                  "segment");
        }
      }
    }
    if (const toml::node* n = t.get("count")) {
      const auto* i = n->as_integer();
      if (i == nullptr || i->get() < 1 || i->get() > 100) {
        problem(n->source(),
                fmt::format("count {} không hợp lệ; dùng số đoạn mỗi lần phát, từ 1 đến 100",
                            shown(*n)),
                fmt::format("invalid count {}; use the number of segments per broadcast, 1 to 100",
                            shown(*n)));
      } else if (slot.rotation == Rotation::kAll) {
        problem(n->source(),
                "count cần rotation = \"sequential\", \"shuffle\" hoặc \"least_recent\"; không có "
                "rotation thì mỗi lần phát tất cả các đoạn",
                "count needs rotation = \"sequential\", \"shuffle\" or \"least_recent\"; without "
                "a rotation every segment plays each time");
      } else {
        slot.count = static_cast<int>(i->get());
      }
    }
  }

  void read_jingle(const toml::node& n, const std::string& key, Slot& slot) {
    const std::string* s = string_at(n, key);
    if (s == nullptr) return;
    (key == "intro" ? slot.intro : slot.outro) = *s;
    check_segment_id(n, *s);
  }

  std::optional<seconds> read_duration(const toml::node& n, const std::string& key, bool zero_ok) {
    std::optional<seconds> d;
    if (const auto* s = n.as_string()) d = parse_duration(s->get());
    if (d && (zero_ok || *d > seconds{0}) && *d <= seconds{24 * 3600}) return d;
    problem(n.source(),
            fmt::format("thời lượng {} không hợp lệ cho \"{}\"; dùng \"MM:SS\" hoặc \"H:MM:SS\", "
                        "ví dụ \"10:00\" (mười phút)",
                        shown(n), key),
            fmt::format("invalid duration {} for \"{}\"; use \"MM:SS\" or \"H:MM:SS\", e.g. "
                        "\"10:00\" (ten minutes)",
                        shown(n), key));
    return std::nullopt;
  }

  void read_zones(const toml::node& n, Slot& slot) {
    const toml::array* a = list_at(n, "zones", "[\"thon-1\", \"thon-2\"]");
    if (a == nullptr) return;
    for (const toml::node& v : *a) {
      const std::string* s = string_at(v, "zones");
      if (s == nullptr) continue;
      const auto& known = options_.known_zones;
      if (!known.empty() && std::find(known.begin(), known.end(), *s) == known.end()) {
        problem(
            v.source(),
            fmt::format("vùng {} không có trong cấu hình của đài; các vùng: {}", toml_quoted(*s),
                        join(known)),
            fmt::format("unknown zone {}; the station's zones: {}", toml_quoted(*s), join(known)));
        continue;
      }
      slot.zones.push_back(*s);
    }
    std::sort(slot.zones.begin(), slot.zones.end());
    slot.zones.erase(std::unique(slot.zones.begin(), slot.zones.end()), slot.zones.end());
  }

  void check_window(const Slot& slot,
                    const std::vector<std::pair<seconds, const toml::node*>>& times) {
    // Emergencies go out at any hour; the window keeps routine noise off the night.
    if (!options_.window || slot.priority == Priority::kEmergency) return;
    const BroadcastWindow& w = *options_.window;
    std::string range = time_text(w.start) + "-" + time_text(w.end);
    for (const auto& [t, node] : times) {
      if (!inside(w, t)) {
        problem(node->source(),
                fmt::format("giờ {} nằm ngoài khung giờ phát của đài ({}, [station] window)",
                            time_text(t), range),
                fmt::format("{} is outside the station's broadcast window ({}, [station] window)",
                            time_text(t), range));
      } else if (slot.max_duration && !fits(w, t, *slot.max_duration)) {
        problem(node->source(),
                fmt::format("phát lúc {} dài tối đa {} sẽ vượt quá khung giờ phát của đài ({})",
                            time_text(t), duration_text(*slot.max_duration), range),
                fmt::format("{} with max_duration {} would run past the station's broadcast "
                            "window ({})",
                            time_text(t), duration_text(*slot.max_duration), range));
      }
    }
  }

  std::string file_;
  const std::vector<Segment>& catalogue_;
  const ScheduleOptions& options_;
  FileParse out_;
};

}  // namespace

std::string ScheduleProblem::format(Lang lang) const {
  if (where.line <= 0) return fmt::format("{}: {}", where.file, message.in(lang));
  return fmt::format("{}:{}:{}: {}", where.file, where.line, where.column, message.in(lang));
}

ScheduleSet parse_schedule(std::string_view toml_text, const std::string& display_name,
                           const std::vector<Segment>& catalogue, const ScheduleOptions& options) {
  FileParse p = FileParser(display_name, catalogue, options).run(toml_text);
  ScheduleSet set;
  if (p.programme && !p.invalid()) set.programmes.push_back(std::move(*p.programme));
  set.problems = std::move(p.problems);
  return set;
}

ScheduleSet load_schedules(const fs::path& dir, const std::vector<Segment>& catalogue,
                           const ScheduleOptions& options) {
  ScheduleSet set;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    set.problems.push_back({{display_path(dir), 0, 0},
                            {"không tìm thấy thư mục lịch phát; đặt [schedules] dir trong tệp "
                             "cấu hình",
                             "schedules folder not found; set [schedules] dir in the config"}});
    return set;
  }
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".toml" && e.is_regular_file(ec)) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    set.problems.push_back({{display_path(dir), 0, 0},
                            {"không có tệp lịch phát *.toml nào trong thư mục này",
                             "no schedule file (*.toml) in this folder"}});
    return set;
  }

  struct IdUse {
    SourceLocation first;  ///< where the id first appeared, for the message
    bool in_plan = false;  ///< some file with this id made it into the plan
  };
  std::map<std::string, IdUse> ids;
  for (const auto& file : files) {
    std::string name = display_path(file);
    std::ifstream in(file, std::ios::binary);
    if (!in.is_open()) {
      set.problems.push_back({{name, 0, 0}, {"không đọc được tệp", "cannot read the file"}});
      continue;
    }
    std::stringstream text;
    text << in.rdbuf();
    FileParse p = FileParser(name, catalogue, options).run(text.str());
    bool in_plan = p.programme.has_value() && !p.invalid();
    if (p.programme) {
      auto [it, fresh] = ids.emplace(p.programme->id, IdUse{p.programme->where});
      if (!fresh) {
        const SourceLocation& first = it->second.first;
        auto where = fmt::format("{}:{}:{}", first.file, first.line, first.column);
        p.problems.push_back({p.programme->where,
                              {fmt::format("id chương trình {} bị trùng; đã dùng ở {}",
                                           toml_quoted(p.programme->id), where),
                               fmt::format("duplicate programme id {}; already used at {}",
                                           toml_quoted(p.programme->id), where)}});
        // A broken copy must not take a working programme off the air: the duplicate only
        // leaves this file out when a file with that id is already in the plan.
        in_plan = in_plan && !it->second.in_plan;
      }
      it->second.in_plan = it->second.in_plan || in_plan;
    }
    sort_by_position(p.problems);
    if (in_plan) set.programmes.push_back(std::move(*p.programme));
    for (auto& pr : p.problems) set.problems.push_back(std::move(pr));
  }
  return set;
}

std::string format_slot(const Slot& slot) {
  auto quoted_list = [](const auto& items, auto text) {
    std::vector<std::string> out;
    for (const auto& x : items) out.push_back(toml_quoted(text(x)));
    return "[" + join(out) + "]";
  };
  std::string out = "[[slot]]\n";
  std::vector<std::string> days;
  if (std::all_of(slot.days.begin(), slot.days.end(), [](bool b) { return b; })) {
    days.push_back(toml_quoted("daily"));
  } else {
    for (size_t i = 0; i < slot.days.size(); ++i) {
      if (slot.days[i]) days.push_back(toml_quoted(kDayNames[i]));
    }
  }
  if (!days.empty()) out += "days = [" + join(days) + "]\n";
  if (!slot.monthdays.empty()) {
    std::vector<std::string> md;
    for (int d : slot.monthdays) md.push_back(std::to_string(d));
    out += "monthdays = [" + join(md) + "]\n";
  }
  if (!slot.nth.empty()) out += "nth = " + quoted_list(slot.nth, nth_text) + "\n";
  if (!slot.dates.empty()) out += "dates = " + quoted_list(slot.dates, date_text) + "\n";
  if (slot.every_weeks > 0) out += fmt::format("every_weeks = {}\n", slot.every_weeks);
  for (auto [key, value] : {std::pair{"start", &slot.start}, std::pair{"from", &slot.from},
                            std::pair{"until", &slot.until}}) {
    if (*value) out += fmt::format("{} = {}\n", key, toml_quoted(date_text(**value)));
  }
  if (slot.holidays != default_holidays(slot.priority)) {
    out +=
        fmt::format("holidays = \"{}\"\n", slot.holidays == HolidayPolicy::kSkip ? "skip" : "keep");
  }
  out += "at = " + quoted_list(slot.times, time_text) + "\n";
  switch (slot.play.kind) {
    case PlaySpec::Kind::kTag:
      out += fmt::format("play = {{ tag = {} }}\n", toml_quoted(slot.play.value));
      break;
    case PlaySpec::Kind::kSegment:
      out += fmt::format("play = {{ segment = {} }}\n", toml_quoted(slot.play.value));
      break;
    case PlaySpec::Kind::kList:
      out += fmt::format("play = {{ list = {} }}\n",
                         quoted_list(slot.play.list, [](const std::string& x) { return x; }));
      break;
  }
  if (slot.rotation != Rotation::kAll) {
    out += fmt::format("rotation = \"{}\"\n", to_string(slot.rotation));
    if (slot.count != 1) out += fmt::format("count = {}\n", slot.count);
  }
  if (!slot.intro.empty()) out += "intro = " + toml_quoted(slot.intro) + "\n";
  if (!slot.outro.empty()) out += "outro = " + toml_quoted(slot.outro) + "\n";
  if (slot.max_duration) {
    out += "max_duration = " + toml_quoted(duration_text(*slot.max_duration)) + "\n";
  }
  if (slot.priority != Priority::kNormal) {
    out += fmt::format("priority = \"{}\"\n", to_string(slot.priority));
  }
  if (!slot.zones.empty()) {
    out += "zones = " + quoted_list(slot.zones, [](const std::string& x) { return x; }) + "\n";
  }
  if (slot.grace != kDefaultGrace)
    out += "grace = " + toml_quoted(duration_text(slot.grace)) + "\n";
  return out;
}

std::string format_schedule(const Programme& programme) {
  std::string out = "[programme]\n";
  out += "id = " + toml_quoted(programme.id) + "\n";
  out += "title = " + toml_quoted(programme.title) + "\n";
  for (const Slot& slot : programme.slots) out += "\n" + format_slot(slot);
  return out;
}

std::string display_path(const fs::path& file) {
  std::error_code ec;
  fs::path cwd = fs::current_path(ec);
  if (ec) return file.string();
  fs::path abs = fs::absolute(file, ec).lexically_normal();
  if (ec) return file.string();
  fs::path rel = abs.lexically_relative(cwd);
  if (rel.empty() || *rel.begin() == "..") return file.string();
  return rel.string();
}

}  // namespace loaxa
