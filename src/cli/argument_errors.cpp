#include "cli/argument_errors.h"

#include <fmt/format.h>

#include <memory>
#include <regex>
#include <string_view>
#include <vector>

#include "cli/cli_context.h"

namespace loaxa {
namespace {

/// The subcommands one can type after `cmd`, comma-separated.
std::string subcommand_list(const CLI::App& cmd) {
  std::string out;
  for (const CLI::App* sub : cmd.get_subcommands(
           [](const CLI::App* s) { return !s->get_disabled() && !s->get_name().empty(); })) {
    out += (out.empty() ? "" : ", ") + sub->get_name();
  }
  return out;
}

/// The words CLI11 put after its fixed English text, split on spaces.
std::vector<std::string> words(const std::string& s) {
  std::vector<std::string> out;
  std::string word;
  for (char c : s) {
    if (c == ' ') {
      if (!word.empty()) out.push_back(word);
      word.clear();
    } else {
      word += c;
    }
  }
  if (!word.empty()) out.push_back(word);
  return out;
}

std::string quoted_list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "\"" : ", \"") + i + "\"";
  return out;
}

/// "{a,b,c}" as CLI11 prints a set, to "a, b, c".
std::string set_text(std::string s) {
  if (s.size() >= 2 && s.front() == '{' && s.back() == '}') s = s.substr(1, s.size() - 2);
  std::string out;
  for (char c : s) out += c == ',' ? std::string(", ") : std::string(1, c);
  return out;
}

/// Arguments nobody took: an unknown command, unknown options, or values too many.
Text extras(const std::vector<std::string>& args, const CLI::App& cmd) {
  const std::string path = command_path(cmd);
  const std::string subs = subcommand_list(cmd);
  if (!args.empty() && !args.front().starts_with("-") && !subs.empty()) {
    return {
        fmt::format("\"{}\" không phải là lệnh của {}; các lệnh: {}", args.front(), path, subs),
        fmt::format("unknown command \"{}\" for {}; its commands: {}", args.front(), path, subs)};
  }
  std::vector<std::string> options;
  std::vector<std::string> values;
  for (const auto& a : args) (a.starts_with("-") ? options : values).push_back(a);
  if (!options.empty()) {
    return {fmt::format("{} không có tùy chọn {}", path, quoted_list(options)),
            fmt::format("{} has no option {}", path, quoted_list(options))};
  }
  return {fmt::format("{} nhận thừa đối số {}", path, quoted_list(values)),
          fmt::format("{} was given too many arguments: {}", path, quoted_list(values))};
}

Text extras(const std::string& message, const CLI::App& cmd) {
  const auto colon = message.find(": ");
  return extras(words(colon == std::string::npos ? message : message.substr(colon + 2)), cmd);
}

Text required(const std::string& message, const CLI::App& cmd) {
  const std::string path = command_path(cmd);
  if (message == "A subcommand is required" || message.ends_with(" subcommands")) {
    return {fmt::format("{} cần thêm một lệnh, một trong: {}", path, subcommand_list(cmd)),
            fmt::format("{} needs a command: {}", path, subcommand_list(cmd))};
  }
  static const std::regex kIsRequired("(.+) is required");
  std::smatch m;
  if (std::regex_match(message, m, kIsRequired)) {
    const std::string name = m[1];
    if (name.starts_with("-")) {
      return {fmt::format("{} cần tùy chọn {}", path, name),
              fmt::format("{} needs the option {}", path, name)};
    }
    return {fmt::format("{} cần đối số {}", path, name),
            fmt::format("{} needs the argument {}", path, name)};
  }
  return {fmt::format("{}: thiếu tùy chọn bắt buộc ({})", path, message),
          fmt::format("{}: a required option is missing ({})", path, message)};
}

Text mismatch(const std::string& message) {
  std::smatch m;
  static const std::regex kMissing("(\\S+): (\\d+) required (.*) missing");
  if (std::regex_match(message, m, kMissing)) {
    const std::string name = m[1];
    const std::string type = m[3];
    if (const auto brace = type.find('{'); brace != std::string::npos) {
      const std::string allowed = set_text(type.substr(brace));
      return {fmt::format("{} cần một giá trị, một trong: {}", name, allowed),
              fmt::format("{} needs a value, one of: {}", name, allowed)};
    }
    return {fmt::format("{} cần một giá trị, ví dụ {} GIÁ_TRỊ", name, name),
            fmt::format("{} needs a value, e.g. {} VALUE", name, name)};
  }
  // CLI11's count messages, each with the groups holding the option, the count and what came.
  struct CountRule {
    std::regex pattern;
    int option, count, got;
    const char* vi;
    const char* en;
  };
  static const CountRule kRules[] = {
      {std::regex("Expected at least (\\d+) arguments to (\\S+), got (\\d+)"), 2, 1, 3,
       "{} cần ít nhất {} giá trị, nhận được {}", "{} takes at least {} value(s), got {}"},
      {std::regex("Expected exactly (\\d+) arguments to (\\S+), got (\\d+)"), 2, 1, 3,
       "{} cần đúng {} giá trị, nhận được {}", "{} takes exactly {} value(s), got {}"},
      {std::regex("(\\S+): At least (\\d+) required but received (\\d+)"), 1, 2, 3,
       "{} cần ít nhất {} giá trị, nhận được {}", "{} takes at least {} value(s), got {}"},
      {std::regex("(\\S+): At Most (\\d+) required but received (\\d+)"), 1, 2, 3,
       "{} nhận nhiều nhất {} giá trị, nhận được {}", "{} takes at most {} value(s), got {}"},
  };
  for (const CountRule& r : kRules) {
    if (!std::regex_match(message, m, r.pattern)) continue;
    const std::string option = m[r.option], count = m[r.count], got = m[r.got];
    return {fmt::format(fmt::runtime(r.vi), option, count, got),
            fmt::format(fmt::runtime(r.en), option, count, got)};
  }
  return {fmt::format("số giá trị không đúng ({})", message),
          fmt::format("wrong number of values ({})", message)};
}

Text validation(const std::string& message) {
  std::smatch m;
  static const std::regex kNotIn("(\\S+): (.*) not in (\\{.*\\})");
  if (std::regex_match(message, m, kNotIn)) {
    const std::string allowed = set_text(m[3]);
    return {fmt::format("{} \"{}\": không phải giá trị được phép; chọn một trong: {}", m[1].str(),
                        m[2].str(), allowed),
            fmt::format("{} \"{}\": not an allowed value; use one of: {}", m[1].str(), m[2].str(),
                        allowed)};
  }
  return {fmt::format("giá trị không hợp lệ ({})", message),
          fmt::format("invalid value ({})", message)};
}

Text conversion(const std::string& message) {
  std::smatch m;
  static const std::regex kCould("Could not convert: (\\S+) = (.*)");
  if (std::regex_match(message, m, kCould)) {
    return {
        fmt::format("{} \"{}\": không đọc được giá trị này; cần một số", m[1].str(), m[2].str()),
        fmt::format("{} \"{}\": cannot read this value; a number is expected", m[1].str(),
                    m[2].str())};
  }
  static const std::regex kFlag(
      "(\\S+): too many inputs for a flag|(\\S+): Should be true/false.*");
  if (std::regex_match(message, m, kFlag)) {
    const std::string name = m[1].matched ? m[1].str() : m[2].str();
    return {fmt::format("{} là cờ, không nhận giá trị", name),
            fmt::format("{} is a flag and takes no value", name)};
  }
  return {fmt::format("giá trị không hợp lệ ({})", message),
          fmt::format("invalid value ({})", message)};
}

Text pair_error(const std::string& message, const char* word, const char* vi_form,
                const char* en_form) {
  const auto at = message.find(word);
  if (at == std::string::npos) return {message, message};
  const std::string a = message.substr(0, at);
  const std::string b = message.substr(at + std::string_view(word).size());
  return {fmt::format(fmt::runtime(vi_form), a, b), fmt::format(fmt::runtime(en_form), a, b)};
}

/// Columns `s` takes on a terminal: UTF-8 continuation bytes and combining accents take none.
std::size_t display_width(std::string_view s) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) == 0x80) continue;
    // U+0300..U+036F, combining diacritical marks (decomposed Vietnamese): CC 80 .. CD AF.
    if ((c == 0xCC || c == 0xCD) && i + 1 < s.size()) {
      const auto d = static_cast<unsigned char>(s[i + 1]);
      if (c == 0xCC || d <= 0xAF) continue;
    }
    ++width;
  }
  return width;
}

/// CLI11's layout, with columns counted in characters rather than bytes (CLI11 pads with
/// std::setw, so every "Ỗ" in a label shifts the description left), and the type of an option
/// with a list of allowed values ("TEXT:{vi,en}") translated as well.
class HelpFormatter : public CLI::Formatter {
 public:
  std::string make_option(const CLI::Option* opt, bool is_positional) const override {
    return row(make_option_name(opt, is_positional) + make_option_opts(opt), make_option_desc(opt));
  }

  std::string make_subcommand(const CLI::App* sub) const override {
    return row(sub->get_display_name(true), sub->get_description());
  }

  std::string make_option_opts(const CLI::Option* opt) const override {
    std::string out = CLI::Formatter::make_option_opts(opt);
    const std::string type = opt->get_type_name();
    const auto colon = type.find(':');
    if (colon != std::string::npos && out.starts_with(" " + type)) {
      out = " " + get_label(type.substr(0, colon)) + out.substr(1 + colon);
    }
    return out;
  }

 private:
  /// "  name   description", the description in its column or on the next line.
  std::string row(const std::string& name, const std::string& description) const {
    const std::size_t wid = get_column_width();
    std::string out = "  " + name;
    const std::size_t used = display_width(out);
    const std::string indent(wid, ' ');
    if (!description.empty()) {
      out += used >= wid ? "\n" + indent : std::string(wid - used, ' ');
      for (char c : description) out += c == '\n' ? "\n" + indent : std::string(1, c);
    }
    return out + "\n";
  }
};

}  // namespace

Lang prescan_lang(int argc, const char* const* argv) {
  std::string flag;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--") break;
    std::string_view value;
    if (a == "--lang" && i + 1 < argc) {
      value = argv[++i];
    } else if (a.starts_with("--lang=")) {
      value = a.substr(7);
    }
    if (value == "vi" || value == "en") flag = value;
  }
  return pick_lang(flag);
}

void localise_help(CLI::App& app, Lang lang) {
  auto f = std::make_shared<HelpFormatter>();
  f->column_width(32);
  if (lang == Lang::kVi) {
    for (const auto& [key, value] : std::vector<std::pair<const char*, const char*>>{
             {"Usage", "Cách dùng"},
             {"OPTIONS", "TÙY_CHỌN"},
             {"SUBCOMMAND", "LỆNH"},
             {"SUBCOMMANDS", "LỆNH"},
             {"Positionals", "Đối số"},
             {"REQUIRED", "(bắt buộc)"},
             {"Needs", "Cần"},
             {"Excludes", "Không dùng cùng"},
             {"Env", "Biến môi trường"},
             {"TEXT", "CHUỖI"},
             {"INT", "SỐ"},
             {"UINT", "SỐ"},
             {"FLOAT", "SỐ"},
         }) {
      f->label(key, value);
    }
  }
  app.formatter(f);
  const Text help{"in trợ giúp này rồi thoát", "print this help and exit"};
  const Text help_all{"in trợ giúp của mọi lệnh rồi thoát",
                      "print the help of every command and exit"};
  app.set_help_flag("-h,--help", help.in(lang));
  app.set_help_all_flag("--help-all", help_all.in(lang));
}

void localise_groups(CLI::App& app, Lang lang) {
  const Text options{"Tùy chọn", "Options"};
  const Text commands{"Lệnh", "Commands"};
  for (CLI::Option* opt : app.get_options()) {
    if (opt->get_group() == "Options") opt->group(options.in(lang));
  }
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    if (sub->get_group() == "Subcommands") sub->group(commands.in(lang));
    localise_groups(*sub, lang);
  }
}

const CLI::App& failed_command(const CLI::App& app) {
  const CLI::App* cur = &app;
  for (;;) {
    const std::vector<CLI::App*> parsed = cur->get_subcommands();
    if (parsed.empty()) return *cur;
    cur = parsed.front();
  }
}

std::string command_path(const CLI::App& cmd) {
  std::string path;
  for (const CLI::App* a = &cmd; a != nullptr; a = a->get_parent()) {
    const std::string name = a->get_parent() == nullptr ? "loaxa" : a->get_name();
    path = path.empty() ? name : name + " " + path;
  }
  return path;
}

Text argument_error(const CLI::ParseError& e, const CLI::App& cmd) {
  const std::string message = e.what();
  Text t;
  if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) {
    t = extras(message, cmd);
  } else if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr) {
    // CLI11 checks what is required before what is left over, yet a mistyped option or command
    // is usually why something required is missing: name the mistake first.
    const CLI::App* root = &cmd;
    while (root->get_parent() != nullptr) root = root->get_parent();
    const std::vector<std::string> left = root->remaining(true);
    t = left.empty() ? required(message, cmd) : extras(left, cmd);
  } else if (dynamic_cast<const CLI::ArgumentMismatch*>(&e) != nullptr) {
    t = mismatch(message);
  } else if (dynamic_cast<const CLI::ValidationError*>(&e) != nullptr) {
    t = validation(message);
  } else if (dynamic_cast<const CLI::ConversionError*>(&e) != nullptr) {
    t = conversion(message);
  } else if (dynamic_cast<const CLI::ExcludesError*>(&e) != nullptr) {
    t = pair_error(message, " excludes ", "không dùng {} cùng với {}", "{} cannot be used with {}");
  } else if (dynamic_cast<const CLI::RequiresError*>(&e) != nullptr) {
    t = pair_error(message, " requires ", "{} cần dùng kèm {}", "{} needs {} as well");
  } else {
    t = {fmt::format("đối số không hợp lệ ({})", message),
         fmt::format("invalid arguments ({})", message)};
  }
  const std::string path = command_path(cmd);
  t.vi += fmt::format("; xem: {} --help", path);
  t.en += fmt::format("; see: {} --help", path);
  return t;
}

}  // namespace loaxa
