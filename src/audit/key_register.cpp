#include "audit/key_register.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "config/toml_syntax.h"

namespace loaxa {
namespace fs = std::filesystem;
namespace {

/// A fingerprint as `loaxa audit key` prints it (16 hex digits, dashes optional) or a whole
/// public key (64 hex digits).
bool looks_like_key(std::string_view text) {
  std::size_t digits = 0;
  for (char c : text) {
    if (c == '-' || c == ' ') continue;
    if (std::isxdigit(static_cast<unsigned char>(c)) == 0) return false;
    ++digits;
  }
  return digits == 16 || digits == 64;
}

class RegisterParser {
 public:
  explicit RegisterParser(std::string file) : file_(std::move(file)) {}

  KeyRegister run(std::string_view text) {
    KeyRegister out;
    out.file = file_;
    toml::table root;
    try {
      root = toml::parse(text, std::string_view(file_));
    } catch (const toml::parse_error& e) {
      const Text t = toml_syntax_error(e);
      problem(e.source(), t.vi, t.en);
      fail();
    }
    for (const auto& [k, v] : root) {
      if (k.str() != "communes") {
        problem(k.source(),
                fmt::format("khóa không hợp lệ \"{}\"; sổ đăng ký khóa chỉ có bảng [communes]",
                            k.str()),
                fmt::format("unknown key \"{}\"; a key register holds only the [communes] table",
                            k.str()));
      }
    }
    const toml::table* communes = root["communes"].as_table();
    if (communes == nullptr) {
      if (const toml::node* n = root.get("communes")) {
        problem(n->source(), "\"communes\" phải là bảng [communes]",
                "\"communes\" must be the [communes] table");
      } else {
        problem({}, "thiếu bảng [communes] (mỗi dòng: \"Tên đài\" = \"XXXX-XXXX-XXXX-XXXX\")",
                "no [communes] table (one line each: \"Station name\" = \"XXXX-XXXX-XXXX-XXXX\")");
      }
      fail();
    }
    for (const auto& [k, v] : *communes) {
      RegisteredCommune c;
      c.station = std::string(k.str());
      c.line = static_cast<int>(k.source().begin.line);
      auto add = [&](const toml::node& n) {
        const auto* s = n.as_string();
        if (s == nullptr || !looks_like_key(s->get())) {
          const std::string shown =
              s != nullptr ? fmt::format("\"{}\"", s->get()) : std::string("(không phải chuỗi)");
          const std::string shown_en =
              s != nullptr ? fmt::format("\"{}\"", s->get()) : std::string("(not a string)");
          problem(n.source(),
                  fmt::format("đài \"{}\": {} không phải dấu vân tay khóa; hãy chép đúng dòng "
                              "\"Dấu vân tay\" mà `loaxa audit key` in ra ở đài, dạng "
                              "XXXX-XXXX-XXXX-XXXX",
                              c.station, shown),
                  fmt::format("station \"{}\": {} is not a key fingerprint; copy the "
                              "\"Fingerprint\" line `loaxa audit key` prints at the station, "
                              "XXXX-XXXX-XXXX-XXXX",
                              c.station, shown_en));
          return;
        }
        c.keys.push_back(s->get());
      };
      if (const auto* a = v.as_array()) {
        if (a->empty()) {
          problem(v.source(), fmt::format("đài \"{}\": danh sách khóa rỗng", c.station),
                  fmt::format("station \"{}\": the list of keys is empty", c.station));
        }
        for (const auto& n : *a) add(n);
      } else {
        add(v);
      }
      out.communes.emplace(c.station, std::move(c));
    }
    fail();
    return out;
  }

 private:
  void problem(const toml::source_region& r, const std::string& vi, const std::string& en) {
    const std::string where = r.begin.line > 0
                                  ? fmt::format("{}:{}:{}: ", file_, r.begin.line, r.begin.column)
                                  : file_ + ": ";
    vi_ += (vi_.empty() ? "" : "\n") + where + vi;
    en_ += (en_.empty() ? "" : "\n") + where + en;
  }
  void fail() {
    if (!en_.empty()) throw UserError({vi_, en_});
  }

  std::string file_;
  std::string vi_, en_;
};

std::string joined(const std::vector<std::string>& keys) {
  std::string out;
  for (const auto& k : keys) out += (out.empty() ? "" : ", ") + k;
  return out;
}

}  // namespace

const char* to_string(KeyCheck k) noexcept {
  switch (k) {
    case KeyCheck::kNotCompared:
      return "not_compared";
    case KeyCheck::kPinned:
      return "pinned";
    case KeyCheck::kRegistered:
      return "registered";
    case KeyCheck::kMismatch:
      return "mismatch";
    case KeyCheck::kUnregistered:
      return "unregistered";
    case KeyCheck::kNoKey:
      return "no_key";
  }
  return "not_compared";
}

KeyRegister read_key_register(const fs::path& file) {
  std::ifstream f(file, std::ios::binary);
  if (!f) {
    throw UserError(
        {fmt::format("{}: không mở được sổ đăng ký khóa ({}); kiểm tra đường dẫn của --keys",
                     file.string(), std::strerror(errno)),
         fmt::format("{}: cannot open the key register ({}); check the path given to --keys",
                     file.string(), std::strerror(errno))});
  }
  std::stringstream text;
  text << f.rdbuf();
  return RegisterParser(file.string()).run(text.str());
}

void note_key_check(AuditSource& source, const std::optional<std::string>& pin) {
  if (!pin) {
    source.key_check = KeyCheck::kNotCompared;
    return;
  }
  const auto& key = source.verification.key ? source.verification.key : source.key;
  source.registered_keys = {*pin};
  if (!key) {
    source.key_check = KeyCheck::kNoKey;
  } else {
    source.key_check = matches_pin(*key, *pin) ? KeyCheck::kPinned : KeyCheck::kMismatch;
  }
}

void check_registered_key(AuditSource& source, const KeyRegister& keys) {
  if (source.refused) return;
  source.key_register = keys.file;
  // The key that signed, else the one the file names (a log no checkpoint signed).
  const auto& key = source.verification.key ? source.verification.key : source.key;
  const auto own = keys.communes.find(source.station.name);
  if (own != keys.communes.end()) source.registered_keys = own->second.keys;
  auto finding = [&](KeyCheck check, Text what) {
    source.key_check = check;
    source.verification.problems.insert(source.verification.problems.begin(),
                                        ChainProblem{0, std::move(what)});
  };
  if (!key) {
    finding(KeyCheck::kNoKey,
            {fmt::format("KHÔNG CÓ KHÓA: nhật ký của đài \"{}\" không được ký bằng khóa nào, "
                         "không đối chiếu được với sổ đăng ký {}",
                         source.station.name, keys.file),
             fmt::format("NO KEY: the log of station \"{}\" is signed by no key; it cannot be "
                         "compared with the register {}",
                         source.station.name, keys.file)});
    return;
  }
  if (own != keys.communes.end()) {
    for (const auto& k : own->second.keys) {
      if (matches_pin(*key, k)) {
        source.key_check = KeyCheck::kRegistered;
        return;
      }
    }
    finding(KeyCheck::kMismatch,
            {fmt::format("KHÔNG KHỚP KHÓA ĐÃ ĐĂNG KÝ: đài \"{}\" ký bằng khóa {}, sổ đăng ký {} "
                         "(dòng {}) ghi khóa {}",
                         source.station.name, key->fingerprint(), keys.file, own->second.line,
                         joined(own->second.keys)),
             fmt::format("REGISTERED KEY MISMATCH: station \"{}\" signed with key {}; the "
                         "register {} (line {}) has {}",
                         source.station.name, key->fingerprint(), keys.file, own->second.line,
                         joined(own->second.keys))});
    return;
  }
  // Not registered by name: whose key is it, if anyone's?
  for (const auto& [name, c] : keys.communes) {
    for (const auto& k : c.keys) {
      if (!matches_pin(*key, k)) continue;
      finding(KeyCheck::kUnregistered,
              {fmt::format("ĐÀI CHƯA ĐĂNG KÝ: sổ đăng ký {} không có đài \"{}\"; khóa {} của nó "
                           "đã đăng ký cho đài \"{}\" (dòng {})",
                           keys.file, source.station.name, key->fingerprint(), name, c.line),
               fmt::format("UNREGISTERED STATION: the register {} has no station \"{}\"; its "
                           "key {} is registered to station \"{}\" (line {})",
                           keys.file, source.station.name, key->fingerprint(), name, c.line)});
      return;
    }
  }
  finding(KeyCheck::kUnregistered,
          {fmt::format("KHÓA CHƯA ĐĂNG KÝ: sổ đăng ký {} không có đài \"{}\" và không có khóa {} "
                       "của nó",
                       keys.file, source.station.name, key->fingerprint()),
           fmt::format("UNREGISTERED KEY: the register {} has neither station \"{}\" nor its key "
                       "{}",
                       keys.file, source.station.name, key->fingerprint())});
}

Text key_not_compared_text() {
  return {
      "CHƯA ĐỐI CHIẾU KHÓA: khóa của đài chưa được so với khóa đã đăng ký với đoàn kiểm tra "
      "(dùng --key DẤU_VÂN_TAY hoặc --keys SỔ_ĐĂNG_KÝ.toml)",
      "KEY NOT COMPARED: the station key was not compared with a registered one (use --key "
      "FINGERPRINT or --keys REGISTER.toml)"};
}

Text key_check_text(const AuditSource& s) {
  const std::string fp = s.verification.key ? s.verification.key->fingerprint()
                         : s.key            ? s.key->fingerprint()
                                            : "";
  switch (s.key_check) {
    case KeyCheck::kNotCompared:
      return key_not_compared_text();
    case KeyCheck::kPinned:
      return {fmt::format("Khóa đã đối chiếu: {} đúng là dấu vân tay khóa đã cho (--key)", fp),
              fmt::format("Key compared: {} is the fingerprint given (--key)", fp)};
    case KeyCheck::kRegistered:
      return {fmt::format("Khóa đã đối chiếu: {} là khóa đã đăng ký của đài \"{}\" trong {}", fp,
                          s.station.name, s.key_register),
              fmt::format("Key compared: {} is the key registered for station \"{}\" in {}", fp,
                          s.station.name, s.key_register)};
    case KeyCheck::kMismatch:
      return {fmt::format("KHÔNG KHỚP KHÓA ĐÃ ĐĂNG KÝ: khóa {}, khóa đã đăng ký {}", fp,
                          joined(s.registered_keys)),
              fmt::format("REGISTERED KEY MISMATCH: key {}, registered key {}", fp,
                          joined(s.registered_keys))};
    case KeyCheck::kUnregistered:
      return {fmt::format("KHÓA CHƯA ĐĂNG KÝ: đài \"{}\" (khóa {}) không có trong {}",
                          s.station.name, fp, s.key_register),
              fmt::format("UNREGISTERED KEY: station \"{}\" (key {}) is not in {}", s.station.name,
                          fp, s.key_register)};
    case KeyCheck::kNoKey:
      return {"KHÔNG CÓ KHÓA: nhật ký không được ký bằng khóa nào để đối chiếu",
              "NO KEY: the log is signed by no key to compare"};
  }
  return key_not_compared_text();
}

}  // namespace loaxa
