#include "config/schedule_file.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

namespace loaxa {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

constexpr std::array<const char*, 7> kDayNames = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

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
  FileParser(std::string file, const std::vector<Segment>& catalogue)
      : file_(std::move(file)), catalogue_(catalogue) {}

  FileParse run(std::string_view text) {
    toml::table root;
    try {
      root = toml::parse(text, std::string_view(file_));
    } catch (const toml::parse_error& e) {
      problem(e.source(), fmt::format("lỗi cú pháp TOML: {}", e.description()),
              fmt::format("TOML syntax error: {}", e.description()));
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
    only_keys(t, {"days", "at", "play"}, "[[slot]]", "[[slot]]");
    if (const toml::node* n = required(t, "days", "days = [\"mon\", \"wed\", \"fri\"]")) {
      read_days(*n, slot);
    }
    if (const toml::node* n = required(t, "at", "at = [\"06:00\", \"17:15\"]")) {
      read_times(*n, slot);
    }
    if (const toml::node* n = required(t, "play", "play = { tag = \"cchc\" }")) {
      read_play(*n, slot);
    }
  }

  void read_days(const toml::node& n, Slot& slot) {
    const toml::array* days = n.as_array();
    if (days == nullptr) {
      problem(n.source(),
              "\"days\" phải là danh sách, ví dụ [\"mon\", \"wed\", \"fri\"] hoặc [\"daily\"]",
              "\"days\" must be a list, e.g. [\"mon\", \"wed\", \"fri\"] or [\"daily\"]");
      return;
    }
    if (days->empty()) {
      problem(n.source(), "\"days\" rỗng: khung giờ này sẽ không bao giờ phát",
              "\"days\" is empty: this slot would never play");
      return;
    }
    for (const toml::node& d : *days) {
      const auto* s = d.as_string();
      std::string name = s == nullptr ? "" : s->get();
      if (name == "daily") {
        slot.days.fill(true);
        continue;
      }
      auto it = std::find(kDayNames.begin(), kDayNames.end(), name);
      if (s != nullptr && it != kDayNames.end()) {
        slot.days[static_cast<size_t>(it - kDayNames.begin())] = true;
        continue;
      }
      problem(d.source(),
              fmt::format("ngày trong tuần không hợp lệ {}; dùng mon..sun (thứ Hai..Chủ nhật) "
                          "hoặc \"daily\" (hằng ngày)",
                          shown(d)),
              fmt::format("unknown weekday {}; use mon..sun or \"daily\"", shown(d)));
    }
  }

  void read_times(const toml::node& n, Slot& slot) {
    const toml::array* times = n.as_array();
    if (times == nullptr) {
      problem(n.source(), "\"at\" phải là danh sách giờ, ví dụ [\"06:00\", \"17:15:30\"]",
              "\"at\" must be a list of times, e.g. [\"06:00\", \"17:15:30\"]");
      return;
    }
    if (times->empty()) {
      problem(n.source(), "\"at\" rỗng: khung giờ này sẽ không bao giờ phát",
              "\"at\" is empty: this slot would never play");
      return;
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
    }
    std::sort(slot.times.begin(), slot.times.end());
    slot.times.erase(std::unique(slot.times.begin(), slot.times.end()), slot.times.end());
  }

  void read_play(const toml::node& n, Slot& slot) {
    const toml::table* t = n.as_table();
    const char* usage_vi =
        "\"play\" cần đúng một trong hai: { tag = \"cchc\" } hoặc { segment = \"ID\" }";
    const char* usage_en =
        "\"play\" needs exactly one of { tag = \"cchc\" } or { segment = \"ID\" }";
    if (t == nullptr) {
      problem(n.source(), usage_vi, usage_en);
      return;
    }
    only_keys(*t, {"tag", "segment"}, "play", "play");
    const toml::node* tag = t->get("tag");
    const toml::node* seg = t->get("segment");
    if ((tag == nullptr) == (seg == nullptr)) {
      problem(n.source(), usage_vi, usage_en);
      return;
    }
    if (tag != nullptr) {
      const std::string* s = string_at(*tag, "tag");
      if (s == nullptr) return;
      slot.play = {PlaySpec::Kind::kTag, *s};
      if (s->empty()) {
        problem(tag->source(), "thẻ rỗng: tag = \"\" không chọn được đoạn nào",
                "empty tag: tag = \"\" selects no segment");
      } else if (std::none_of(catalogue_.begin(), catalogue_.end(),
                              [&](const Segment& x) { return x.tag == *s; })) {
        problem(tag->source(),
                fmt::format("thẻ {} rỗng: chưa có đoạn nào đã nhập mang thẻ này", toml_quoted(*s)),
                fmt::format("tag {} is empty: no imported segment carries it", toml_quoted(*s)),
                ScheduleProblem::Kind::kUnresolved);
      }
      return;
    }
    const std::string* s = string_at(*seg, "segment");
    if (s == nullptr) return;
    slot.play = {PlaySpec::Kind::kSegment, *s};
    if (s->empty()) {
      problem(seg->source(), "mã đoạn rỗng: segment = \"\" không chọn được đoạn nào",
              "empty segment id: segment = \"\" selects no segment");
    } else if (std::none_of(catalogue_.begin(), catalogue_.end(),
                            [&](const Segment& x) { return x.id == *s; })) {
      problem(seg->source(),
              fmt::format("không có đoạn mã {} trong danh mục các đoạn đã nhập", toml_quoted(*s)),
              fmt::format("unknown segment {}: no imported segment has this id", toml_quoted(*s)),
              ScheduleProblem::Kind::kUnresolved);
    }
  }

  std::string file_;
  const std::vector<Segment>& catalogue_;
  FileParse out_;
};

}  // namespace

std::string ScheduleProblem::format(Lang lang) const {
  if (where.line <= 0) return fmt::format("{}: {}", where.file, message.in(lang));
  return fmt::format("{}:{}:{}: {}", where.file, where.line, where.column, message.in(lang));
}

ScheduleSet parse_schedule(std::string_view toml_text, const std::string& display_name,
                           const std::vector<Segment>& catalogue) {
  FileParse p = FileParser(display_name, catalogue).run(toml_text);
  ScheduleSet set;
  if (p.programme && !p.invalid()) set.programmes.push_back(std::move(*p.programme));
  set.problems = std::move(p.problems);
  return set;
}

ScheduleSet load_schedules(const fs::path& dir, const std::vector<Segment>& catalogue) {
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
    FileParse p = FileParser(name, catalogue).run(text.str());
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

std::string format_schedule(const Programme& programme) {
  std::string out = "[programme]\n";
  out += "id = " + toml_quoted(programme.id) + "\n";
  out += "title = " + toml_quoted(programme.title) + "\n";
  for (const Slot& slot : programme.slots) {
    std::vector<std::string> days;
    if (std::all_of(slot.days.begin(), slot.days.end(), [](bool b) { return b; })) {
      days.push_back(toml_quoted("daily"));
    } else {
      for (size_t i = 0; i < slot.days.size(); ++i) {
        if (slot.days[i]) days.push_back(toml_quoted(kDayNames[i]));
      }
    }
    std::vector<std::string> times;
    for (seconds t : slot.times) times.push_back(toml_quoted(time_text(t)));
    out += "\n[[slot]]\n";
    out += "days = [" + join(days) + "]\n";
    out += "at = [" + join(times) + "]\n";
    out += fmt::format("play = {{ {} = {} }}\n",
                       slot.play.kind == PlaySpec::Kind::kTag ? "tag" : "segment",
                       toml_quoted(slot.play.value));
  }
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
