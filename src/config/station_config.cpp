#include "config/station_config.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>

#include "config/toml_syntax.h"
#include "core/time.h"

namespace loaxa {
namespace {

namespace fs = std::filesystem;

struct Reader {
  std::string file;
  fs::path base;

  [[noreturn]] void fail(const toml::source_region& at, const std::string& vi,
                         const std::string& en) const {
    throw UserError({fmt::format("{}:{}:{}: {}", file, at.begin.line, at.begin.column, vi),
                     fmt::format("{}:{}:{}: {}", file, at.begin.line, at.begin.column, en)});
  }

  void only_keys(const toml::table& t, const std::string& section,
                 const std::set<std::string>& allowed) const {
    for (const auto& [k, v] : t) {
      if (!allowed.contains(std::string(k.str()))) {
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        fail(k.source(),
             fmt::format("khóa không hợp lệ \"{}{}\"; các khóa được dùng: {}", section, k.str(),
                         list),
             fmt::format("unknown key \"{}{}\"; known keys: {}", section, k.str(), list));
      }
    }
  }

  const toml::table* section(const toml::table& root, const std::string& name) const {
    const toml::node* n = root.get(name);
    if (n == nullptr) return nullptr;
    if (!n->is_table()) {
      fail(n->source(), fmt::format("\"{}\" phải là một bảng [{}]", name, name),
           fmt::format("\"{}\" must be a table [{}]", name, name));
    }
    return n->as_table();
  }

  void get_string(const toml::table* t, const std::string& key, const std::string& sec,
                  std::string& out) const {
    if (t == nullptr) return;
    const toml::node* n = t->get(key);
    if (n == nullptr) return;
    if (!n->is_string()) {
      fail(n->source(), fmt::format("\"{}.{}\" phải là chuỗi (trong dấu ngoặc kép)", sec, key),
           fmt::format("\"{}.{}\" must be a string (in double quotes)", sec, key));
    }
    out = n->as_string()->get();
  }

  void get_path(const toml::table* t, const std::string& key, const std::string& sec,
                fs::path& out) const {
    std::string s;
    get_string(t, key, sec, s);
    if (!s.empty()) out = (base / s).lexically_normal();
  }

  void get_number(const toml::table* t, const std::string& key, const std::string& sec,
                  double& out) const {
    if (t == nullptr) return;
    const toml::node* n = t->get(key);
    if (n == nullptr) return;
    if (auto v = n->value<double>()) {
      out = *v;
      return;
    }
    fail(n->source(), fmt::format("\"{}.{}\" phải là một số", sec, key),
         fmt::format("\"{}.{}\" must be a number", sec, key));
  }

  void get_bool(const toml::table* t, const std::string& key, const std::string& sec,
                bool& out) const {
    if (t == nullptr) return;
    const toml::node* n = t->get(key);
    if (n == nullptr) return;
    if (!n->is_boolean()) {
      fail(n->source(), fmt::format("\"{}.{}\" phải là true hoặc false", sec, key),
           fmt::format("\"{}.{}\" must be true or false", sec, key));
    }
    out = n->as_boolean()->get();
  }

  const toml::node* node(const toml::table* t, const std::string& key) const {
    return t == nullptr ? nullptr : t->get(key);
  }
};

/// [compliance] cchc = { per_month = 8, per_week = 1 }
std::vector<ComplianceRule> read_compliance(const Reader& r, const toml::table& section) {
  std::vector<ComplianceRule> rules;
  for (const auto& [k, v] : section) {
    ComplianceRule rule;
    rule.programme = std::string(k.str());
    const std::string usage = fmt::format("{} = {{ per_month = 8, per_week = 1 }}", rule.programme);
    const toml::table* t = v.as_table();
    if (t == nullptr || t->empty()) {
      r.fail(v.source(),
             fmt::format("\"compliance.{}\": viết dạng {} (số buổi phát trọn vẹn tối thiểu mỗi "
                         "tháng, mỗi tuần; có thể bỏ một trong hai)",
                         rule.programme, usage),
             fmt::format("\"compliance.{}\": write it as {} (the fewest completed broadcasts per "
                         "month and per week; either may be left out)",
                         rule.programme, usage));
    }
    r.only_keys(*t, fmt::format("compliance.{}.", rule.programme), {"per_month", "per_week"});
    for (const char* key : {"per_month", "per_week"}) {
      const toml::node* n = t->get(key);
      if (n == nullptr) continue;
      const auto value = n->value_exact<int64_t>();
      const int most = std::string_view(key) == "per_month" ? 1000 : 250;
      if (!value || *value < 1 || *value > most) {
        r.fail(n->source(),
               fmt::format("\"compliance.{}.{}\" phải là số nguyên từ 1 đến {}", rule.programme,
                           key, most),
               fmt::format("\"compliance.{}.{}\" must be a whole number from 1 to {}",
                           rule.programme, key, most));
      }
      (std::string_view(key) == "per_month" ? rule.per_month : rule.per_week) =
          static_cast<int>(*value);
    }
    rules.push_back(std::move(rule));
  }
  return rules;
}

/// [zones] NAME = { device = "...", host_api = "...", channels = [N, ...] }, resolved against
/// [audio] (read before): a zone without its own device is channels of [audio] device.
std::vector<StationConfig::Zone> read_zones(const Reader& r, const toml::table& section,
                                            const StationConfig& c) {
  std::vector<StationConfig::Zone> zones;
  // Which zone feeds each channel of each device; 0 stands for "every channel".
  std::map<std::string, std::map<int, std::string>> taken;
  for (const auto& [k, v] : section) {
    StationConfig::Zone z;
    z.name = std::string(k.str());
    z.where = fmt::format("{}:{}:{}", r.file, v.source().begin.line, v.source().begin.column);
    const std::string usage_vi = fmt::format(
        "viết dạng {} = {{ name = \"Thôn Đông\", channels = [1] }} (kênh của [audio] device) hoặc "
        "{} = {{ device = \"TÊN\", host_api = \"JACK\", channels = [1] }} (name, host_api, "
        "channels "
        "có thể bỏ; kênh từ 1 đến 8)",
        z.name, z.name);
    const std::string usage_en = fmt::format(
        "write it as {} = {{ name = \"Thôn Đông\", channels = [1] }} (channels of [audio] device) "
        "or "
        "{} = {{ device = \"NAME\", host_api = \"JACK\", channels = [1] }} (name, host_api and "
        "channels may be left out; channels 1 to 8)",
        z.name, z.name);
    const toml::table* zt = v.as_table();
    if (zt == nullptr || zt->empty()) {
      r.fail(v.source(), fmt::format("vùng \"{}\": {}", z.name, usage_vi),
             fmt::format("zone \"{}\": {}", z.name, usage_en));
    }
    r.only_keys(*zt, fmt::format("zones.{}.", z.name), {"channels", "device", "host_api", "name"});
    const std::string sec = "zones." + z.name;
    r.get_string(zt, "name", sec, z.display_name);
    if (const toml::node* n = zt->get("name");
        n && z.display_name.find_first_not_of(" \t") == std::string::npos) {
      r.fail(n->source(),
             fmt::format("\"{}.name\" trống; ghi tên vùng mà người nghe quen gọi, ví dụ name = "
                         "\"Thôn Đông\", hoặc bỏ dòng này",
                         sec),
             fmt::format("\"{}.name\" is empty; write the name people know the zone by, e.g. "
                         "name = \"Thôn Đông\", or leave it out",
                         sec));
    }
    std::string own_device, own_api;
    r.get_string(zt, "device", sec, own_device);
    r.get_string(zt, "host_api", sec, own_api);
    if (const toml::node* d = zt->get("device"); d && own_device.empty()) {
      r.fail(d->source(),
             fmt::format("\"{}.device\" trống; ghi tên thiết bị như `loaxa devices` in ra", sec),
             fmt::format("\"{}.device\" is empty; write the device name as `loaxa devices` "
                         "prints it",
                         sec));
    }
    if (const toml::node* h = zt->get("host_api"); h && (own_device.empty() || own_api.empty())) {
      r.fail(h->source(),
             fmt::format("\"{}.host_api\" chỉ dùng cùng \"device\" (và không được trống): {} = {{ "
                         "device = \"TÊN\", host_api = \"{}\" }}",
                         sec, z.name, own_api.empty() ? "JACK" : own_api),
             fmt::format("\"{}.host_api\" goes with a \"device\" (and is not empty): {} = {{ "
                         "device = \"NAME\", host_api = \"{}\" }}",
                         sec, z.name, own_api.empty() ? "JACK" : own_api));
    }
    z.device = own_device.empty() ? c.device : own_device;
    z.host_api = own_api.empty() ? c.host_api : own_api;
    const toml::node* ch = zt->get("channels");
    if (ch == nullptr && own_device.empty()) {
      r.fail(v.source(), fmt::format("vùng \"{}\": thiếu \"channels\"; {}", z.name, usage_vi),
             fmt::format("zone \"{}\": \"channels\" is missing; {}", z.name, usage_en));
    }
    if (ch != nullptr) {
      const toml::array* list = ch->as_array();
      bool ok = list != nullptr && !list->empty();
      for (std::size_t i = 0; ok && i < list->size(); ++i) {
        auto n = (*list)[i].value_exact<int64_t>();
        ok = n && *n >= 1 && *n <= 8;
        if (ok) z.channels.push_back(static_cast<int>(*n));
      }
      if (!ok) {
        r.fail(ch->source(), fmt::format("vùng \"{}\": {}", z.name, usage_vi),
               fmt::format("zone \"{}\": {}", z.name, usage_en));
      }
    }
    // Every device's stream has [audio] channels channels (fewer if the device has fewer,
    // checked when loaxad finds the device).
    for (int n : z.channels) {
      if (n > c.channels) {
        r.fail(ch->source(),
               fmt::format("vùng \"{}\" dùng kênh {} nhưng [audio] channels = {}; tăng [audio] "
                           "channels hoặc chọn kênh từ 1 đến {}",
                           z.name, n, c.channels, c.channels),
               fmt::format("zone \"{}\" uses channel {} but [audio] channels = {}; raise [audio] "
                           "channels or use channels 1 to {}",
                           z.name, n, c.channels, c.channels));
      }
    }
    // A channel that feeds two zones would make a broadcast to one of them heard in the other.
    auto& used = taken[z.device_label()];
    std::vector<int> wanted = z.channels;
    if (wanted.empty()) wanted.push_back(0);
    for (int n : wanted) {
      std::string other;
      if (auto it = used.find(n); it != used.end()) other = it->second;
      if (n == 0 && !used.empty()) other = used.begin()->second;
      if (n != 0 && used.contains(0)) other = used.at(0);
      if (other.empty()) {
        used[n] = z.name;
        continue;
      }
      const toml::source_region at = ch != nullptr ? ch->source() : v.source();
      if (other == z.name) {
        r.fail(
            at, fmt::format("vùng \"{}\" ghi kênh {} hai lần; mỗi kênh chỉ ghi một lần", z.name, n),
            fmt::format("zone \"{}\" lists channel {} twice; list each channel once", z.name, n));
      }
      const std::string what_vi = n == 0 ? "mọi kênh" : fmt::format("kênh {}", n);
      const std::string what_en = n == 0 ? "every channel" : fmt::format("channel {}", n);
      r.fail(at,
             fmt::format("vùng \"{}\": {} của {} đã thuộc vùng \"{}\"; mỗi kênh của một thiết bị "
                         "chỉ nuôi một vùng: ghi \"channels\" khác nhau cho hai vùng",
                         z.name, what_vi, z.device_label(), other),
             fmt::format("zone \"{}\": {} of {} is already zone \"{}\"'s; each channel of a "
                         "device feeds one zone: give the two zones different \"channels\"",
                         z.name, what_en, z.device_label(), other));
    }
    zones.push_back(std::move(z));
  }
  return zones;
}

}  // namespace

StationConfig load_config(const fs::path& file) {
  std::error_code ec;
  fs::path abs = fs::absolute(file, ec);
  if (!fs::exists(abs)) {
    throw UserError({fmt::format("{}: không tìm thấy tệp cấu hình; dùng --config TỆP hoặc "
                                 "biến LOAXA_CONFIG",
                                 file.string()),
                     fmt::format("{}: config file not found; pass --config FILE or set "
                                 "LOAXA_CONFIG",
                                 file.string())});
  }
  Reader r{file.string(), abs.parent_path()};
  toml::table root;
  try {
    root = toml::parse_file(abs.string());
  } catch (const toml::parse_error& e) {
    const Text t = toml_syntax_error(e);
    r.fail(e.source(), t.vi, t.en);
  }

  StationConfig c;
  c.file = abs;
  // Defaults, like paths written in the file, are relative to the file's folder.
  c.database = (r.base / "var/loaxa.db").lexically_normal();
  c.library = (r.base / "var/library").lexically_normal();
  bool keys_given = false;
  c.schedules_dir = (r.base / "schedules").lexically_normal();
  c.rehearsal_dir = (r.base / "var/rehearsal").lexically_normal();
  c.holidays = (r.base / "holidays.toml").lexically_normal();
  c.control_socket = (r.base / "var/loaxad.sock").lexically_normal();

  r.only_keys(
      root, "",
      {"station", "storage", "schedules", "audio", "zones", "control", "amplifier", "compliance"});
  const toml::table* station = r.section(root, "station");
  const toml::table* storage = r.section(root, "storage");
  const toml::table* schedules = r.section(root, "schedules");
  const toml::table* audio = r.section(root, "audio");
  const toml::table* zones = r.section(root, "zones");
  const toml::table* control = r.section(root, "control");
  const toml::table* amplifier = r.section(root, "amplifier");
  const toml::table* compliance = r.section(root, "compliance");

  if (station)
    r.only_keys(*station, "station.", {"name", "timezone", "require_approval", "window"});
  if (control) r.only_keys(*control, "control.", {"socket"});
  if (amplifier) {
    r.only_keys(*amplifier, "amplifier.",
                {"before", "after", "lead", "timeout", "cancel_on_failure"});
  }
  if (storage) r.only_keys(*storage, "storage.", {"database", "library", "keys"});
  if (schedules) r.only_keys(*schedules, "schedules.", {"dir", "holidays"});
  if (audio) {
    r.only_keys(*audio, "audio.",
                {"host_api", "device", "target_lufs", "max_true_peak", "channels", "open_ahead",
                 "rehearsal_dir", "dead_air_dbfs", "dead_air_seconds"});
  }

  r.get_string(station, "name", "station", c.station_name);
  r.get_string(station, "timezone", "station", c.timezone);
  if (const toml::node* n = r.node(station, "timezone"); n && find_zone(c.timezone) == nullptr) {
    const Text why = unknown_time_zone(c.timezone);
    r.fail(n->source(), why.vi, why.en);
  }
  r.get_path(storage, "database", "storage", c.database);
  r.get_path(storage, "library", "storage", c.library);
  if (r.node(storage, "keys")) {
    keys_given = true;
    r.get_path(storage, "keys", "storage", c.keys);
  }
  // The signing key lives with the data it vouches for unless placed elsewhere on purpose.
  if (!keys_given) c.keys = (c.database.parent_path() / "keys").lexically_normal();
  r.get_path(schedules, "dir", "schedules", c.schedules_dir);
  r.get_path(schedules, "holidays", "schedules", c.holidays);
  r.get_path(control, "socket", "control", c.control_socket);
  r.get_bool(station, "require_approval", "station", c.require_approval);
  if (const toml::node* n = r.node(station, "window")) {
    std::string w;
    r.get_string(station, "window", "station", w);
    unsigned h1 = 0, m1 = 0, h2 = 0, m2 = 0;
    char tail = 0;
    if (std::sscanf(w.c_str(), "%2u:%2u-%2u:%2u%c", &h1, &m1, &h2, &m2, &tail) != 4 || h1 > 24 ||
        h2 > 24 || m1 > 59 || m2 > 59 || h1 * 60 + m1 >= h2 * 60 + m2 || h2 * 60 + m2 > 24 * 60) {
      r.fail(n->source(),
             fmt::format("\"station.window\" = \"{}\" không hợp lệ; viết dạng \"05:30-21:00\"", w),
             fmt::format("bad \"station.window\" = \"{}\"; write it as \"05:30-21:00\"", w));
    }
    c.window = {std::chrono::seconds((h1 * 60 + m1) * 60),
                std::chrono::seconds((h2 * 60 + m2) * 60)};
  }
  r.get_string(amplifier, "before", "amplifier", c.amplifier_before);
  r.get_string(amplifier, "after", "amplifier", c.amplifier_after);
  r.get_number(amplifier, "lead", "amplifier", c.amplifier_lead_seconds);
  r.get_number(amplifier, "timeout", "amplifier", c.amplifier_timeout_seconds);
  r.get_bool(amplifier, "cancel_on_failure", "amplifier", c.amplifier_cancel_on_failure);
  r.get_number(audio, "dead_air_dbfs", "audio", c.dead_air_dbfs);
  r.get_number(audio, "dead_air_seconds", "audio", c.dead_air_seconds);
  r.get_string(audio, "host_api", "audio", c.host_api);
  r.get_string(audio, "device", "audio", c.device);
  r.get_number(audio, "target_lufs", "audio", c.target_lufs);
  r.get_number(audio, "max_true_peak", "audio", c.max_true_peak_dbtp);
  r.get_number(audio, "open_ahead", "audio", c.open_ahead_seconds);
  r.get_path(audio, "rehearsal_dir", "audio", c.rehearsal_dir);
  if (const toml::node* n = r.node(audio, "channels")) {
    auto v = n->value_exact<int64_t>();
    if (!v || *v < 1 || *v > 8) {
      r.fail(n->source(), "\"audio.channels\" phải là số nguyên từ 1 đến 8",
             "\"audio.channels\" must be an integer from 1 to 8");
    }
    c.channels = static_cast<int>(*v);
  }
  if (const toml::node* n = r.node(audio, "target_lufs");
      n && (c.target_lufs < -70 || c.target_lufs > 0)) {
    r.fail(n->source(), "\"audio.target_lufs\" phải nằm trong khoảng -70 đến 0 (ví dụ -16)",
           "\"audio.target_lufs\" must be between -70 and 0 (e.g. -16)");
  }
  if (const toml::node* n = r.node(audio, "open_ahead");
      n && (c.open_ahead_seconds < 0.2 || c.open_ahead_seconds > 60)) {
    r.fail(n->source(), "\"audio.open_ahead\" phải từ 0.2 đến 60 giây",
           "\"audio.open_ahead\" must be between 0.2 and 60 seconds");
  }
  if (zones) c.zones = read_zones(r, *zones, c);
  if (compliance) c.compliance = read_compliance(r, *compliance);
  if (c.station_name.empty()) {
    toml::source_region top{};
    top.begin = {1, 1};
    r.fail(station ? station->source() : top, "thiếu [station] name (tên đài)",
           "missing [station] name");
  }
  return c;
}

std::vector<OutputSpec> output_specs(const StationConfig& config) {
  std::vector<OutputSpec> specs;
  if (config.zones.empty()) return {OutputSpec{config.host_api, config.device, {}}};
  for (const auto& z : config.zones) {
    auto it = std::find_if(specs.begin(), specs.end(), [&](const OutputSpec& s) {
      return s.host_api == z.host_api && s.device == z.device;
    });
    if (it == specs.end()) it = specs.insert(specs.end(), OutputSpec{z.host_api, z.device, {}});
    it->zones.push_back(z.name);
  }
  return specs;
}

fs::path default_config_path(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("LOAXA_CONFIG"); env != nullptr && *env != '\0') return env;
  // A source checkout (`make run`) has its config next to the working folder; an installed
  // station (the Debian package) has it in /etc. The checkout wins when both exist.
  const fs::path checkout = "config/loaxa.toml";
  std::error_code ec;
  if (!fs::exists(checkout, ec) && fs::exists(kInstalledConfigPath, ec)) {
    return kInstalledConfigPath;
  }
  return checkout;
}

Text unknown_time_zone(const std::string& name) {
  return {
      fmt::format("múi giờ \"{}\" không tồn tại; dùng tên IANA như \"Asia/Ho_Chi_Minh\"", name),
      fmt::format("unknown time zone \"{}\"; use an IANA name such as \"Asia/Ho_Chi_Minh\"", name)};
}

std::string zone_shown(const StationConfig& config, std::string_view id) {
  for (const StationConfig::Zone& z : config.zones) {
    if (z.name == id) return z.shown();
  }
  return std::string(id);
}

std::string zones_shown(const StationConfig& config, const std::vector<std::string>& ids,
                        const std::string& all_text) {
  if (ids.empty()) return all_text;
  std::string out;
  for (const std::string& id : ids) out += (out.empty() ? "" : ", ") + zone_shown(config, id);
  return out;
}

Text unknown_zone(const StationConfig& config, std::string_view id) {
  std::string list;
  for (const StationConfig::Zone& z : config.zones) {
    list += list.empty() ? "" : ", ";
    list += z.display_name.empty() ? z.name : fmt::format("{} ({})", z.name, z.display_name);
  }
  if (list.empty()) {
    return {fmt::format("vùng \"{}\" không có: cấu hình của đài chưa chia vùng ([zones] trống), "
                        "mọi loa nghe cùng một chương trình",
                        id),
            fmt::format("no zone \"{}\": the station's config has no zones ([zones] is empty), "
                        "every loudspeaker hears the same",
                        id)};
  }
  return {
      fmt::format("vùng \"{}\" không có trong cấu hình [zones]; các vùng của đài: {}", id, list),
      fmt::format("zone \"{}\" is not in the config's [zones]; the station's zones: {}", id, list)};
}

}  // namespace loaxa
