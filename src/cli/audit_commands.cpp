// `loaxa audit key|verify|export`: the station's signing key, verification of its log or of
// an export bundle, and the export itself.

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "audit/bundle.h"
#include "audit/checkpoint.h"
#include "audit/continuity.h"
#include "audit/key_register.h"
#include "audit/merged_file.h"
#include "audit/station_key.h"
#include "audit/witness.h"
#include "cli/audit_input.h"
#include "cli/cli_context.h"
#include "core/time.h"
#include "store/database.h"

namespace loaxa {
namespace {

namespace fs = std::filesystem;

// `loaxa audit verify` exits with this when the log or bundle is not intact, so scripts can tell
// a broken log (2) from a command that could not run (1).

std::string when(const std::optional<Instant>& t, const date::time_zone* zone) {
  return t ? format_local(*t, zone) : std::string("-");
}

/// The object `audit verify --json` prints for one log (one commune of a merged file).
nlohmann::json verification_json(CliContext& ctx, const AuditSource& s) {
  const auto& v = s.verification;
  const date::time_zone* zone = find_zone(s.station.timezone);
  if (zone == nullptr) zone = find_zone("Asia/Ho_Chi_Minh");
  const std::string fingerprint = s.key ? s.key->fingerprint() : std::string();
  {
    nlohmann::json problems = nlohmann::json::array();
    for (const auto& p : v.problems) {
      problems.push_back({{"seq", p.seq}, {"message", p.what.in(ctx.lang)}});
    }
    nlohmann::json notes = nlohmann::json::array();
    for (const auto& n : v.notes) notes.push_back(n.in(ctx.lang));
    auto iso = [&](const std::optional<Instant>& t) {
      return t ? nlohmann::json(format_iso(*t, zone)) : nlohmann::json(nullptr);
    };
    return nlohmann::json{{"source", s.label},
                          {"station", s.station.name},
                          {"status", s.refused    ? "refused"
                                     : v.intact() ? "intact"
                                                  : "broken"},
                          {"intact", v.intact()},
                          {"events", v.events},
                          {"first_seq", v.first_seq},
                          {"last_seq", v.last_seq},
                          {"first_at", iso(v.first_at)},
                          {"last_at", iso(v.last_at)},
                          {"checkpoints", v.checkpoints},
                          {"signed_through", v.signed_through},
                          {"last_checkpoint_at", iso(v.last_checkpoint_at)},
                          {"unsigned_events", v.unsigned_events},
                          {"fingerprint", fingerprint},
                          {"problems", problems},
                          {"notes", notes},
                          {"key_check", to_string(s.key_check)},
                          {"key_check_text", key_check_text(s).in(ctx.lang)}};
  }
}

/// What `audit verify` prints for one log (one commune of a merged file).
void print_verification(CliContext& ctx, const AuditSource& s) {
  const auto& v = s.verification;
  const date::time_zone* zone = find_zone(s.station.timezone);
  if (zone == nullptr) zone = find_zone("Asia/Ho_Chi_Minh");
  const std::string fingerprint = s.key ? s.key->fingerprint() : std::string();
  if (s.station.name.empty()) {
    std::cout << s.label << '\n';
  } else {
    std::cout << ctx.say({fmt::format("{} — đài \"{}\"", s.label, s.station.name),
                          fmt::format("{} — station \"{}\"", s.label, s.station.name)})
              << '\n';
  }
  // Said first: a log that verifies against itself proves little until its key is compared.
  if (!s.refused) std::cout << ctx.say(key_check_text(s)) << '\n';
  if (s.refused) {
    std::cout << ctx.say({fmt::format("TỪ CHỐI KHI GỘP: {}", s.refused->vi),
                          fmt::format("REFUSED AT MERGE: {}", s.refused->en)})
              << '\n';
  } else if (v.intact()) {
    std::cout << ctx.say({fmt::format("NGUYÊN VẸN: {} sự kiện (#{}–#{}), từ {} đến {}", v.events,
                                      v.first_seq, v.last_seq, when(v.first_at, zone),
                                      when(v.last_at, zone)),
                          fmt::format("INTACT: {} events (#{}–#{}), from {} to {}", v.events,
                                      v.first_seq, v.last_seq, when(v.first_at, zone),
                                      when(v.last_at, zone))})
              << '\n';
    if (v.checkpoints > 0) {
      std::cout << ctx.say({fmt::format("  đã ký đến sự kiện #{} ({} điểm ký, điểm cuối lúc {})",
                                        v.signed_through, v.checkpoints,
                                        when(v.last_checkpoint_at, zone)),
                            fmt::format(
                                "  signed through event #{} ({} checkpoints, the last at {})",
                                v.signed_through, v.checkpoints, when(v.last_checkpoint_at, zone))})
                << '\n';
    }
  } else {
    std::cout << ctx.say({fmt::format("BỊ HỎNG: {}", v.problems.front().what.vi),
                          fmt::format("BROKEN: {}", v.problems.front().what.en)})
              << '\n';
    for (std::size_t i = 1; i < v.problems.size() && i < 20; ++i) {
      std::cout << "  " << v.problems[i].what.in(ctx.lang) << '\n';
    }
    if (v.problems.size() > 20) {
      std::cout << ctx.say({fmt::format("  ... và {} vấn đề khác", v.problems.size() - 20),
                            fmt::format("  ... and {} more", v.problems.size() - 20)})
                << '\n';
    }
  }
  for (const auto& n : v.notes) std::cout << "  " << n.in(ctx.lang) << '\n';
  if (s.key) {
    std::cout << ctx.say({fmt::format("  khóa của đài: {}", fingerprint),
                          fmt::format("  station key: {}", fingerprint)})
              << '\n';
  }
}

/// Asks the running daemon to sign the chain head; else signs here when this user can read the
/// key. Returns a note for the user when neither was possible.
std::optional<Text> sign_head(CliContext& ctx) {
  try {
    const auto reply = control_request(ctx, {{"cmd", "checkpoint"}});
    if (reply.value("ok", false)) return std::nullopt;
    // loaxad refused to sign (the log does not extend what it signed): its word stands; the
    // key is not to be used around it.
    return control_error_text(reply);
  } catch (const UserError&) {
    // Not running, or not ours to talk to: try the key below.
  }
  const StationConfig& config = ctx.config();
  const fs::path secret = config.keys / "station.key";
  if (::access(secret.c_str(), R_OK) != 0) {
    return Text{
        fmt::format("phần mềm phát thanh (loaxad) không chạy và không đọc được khóa {}",
                    secret.string()),
        fmt::format("loaxad is not running and the key {} is not readable", secret.string())};
  }
  auto db = open_database(config.database);
  // The same rule as loaxad's: only a log that extends what was last signed is signed.
  if (const auto head = read_witnessed_head(witnessed_head_file(config.keys))) {
    if (auto problem = witness_problem(*db, *head)) {
      return Text{"không ký: nhật ký không còn nối tiếp phần đã ký: " + problem->vi,
                  "not signed: the log no longer extends what was signed: " + problem->en};
    }
  }
  write_checkpoint(
      *db, StationKey::load_or_create(config.keys),
      std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now()),
      "export");
  return std::nullopt;
}

}  // namespace

void add_audit_commands(CLI::App& app, CliContext& ctx) {
  CLI::App* audit = app.add_subcommand(
      "audit",
      ctx.say(
          {"dành cho đoàn kiểm tra: khóa của đài, xác minh nhật ký, gói xuất, báo cáo",
           "what inspectors use: the station key, verifying the log, export bundles, reports"}));
  audit->require_subcommand(1);

  CLI::App* key =
      audit->add_subcommand("key", ctx.say({"in khóa công khai và dấu vân tay khóa của đài",
                                            "print the station's public key and fingerprint"}));
  static bool key_json = false;
  key->add_flag("--json", key_json,
                ctx.say({"in dạng JSON cho máy đọc", "machine-readable output"}));
  key->callback([&ctx] {
    const StationConfig& config = ctx.config();
    const auto pub = StationKey::load_public(config.keys);
    if (!pub) {
      throw UserError(
          {fmt::format("chưa có khóa ký ở {}; loaxad tạo khóa khi khởi động lần đầu",
                       config.keys.string()),
           fmt::format("no signing key yet in {}; loaxad creates it when it first starts",
                       config.keys.string())});
    }
    if (key_json) {
      std::cout << nlohmann::json{{"station", config.station_name},
                                  {"public_key", pub->hex()},
                                  {"fingerprint", pub->fingerprint()}}
                       .dump(2)
                << '\n';
      return;
    }
    std::cout << ctx.say({fmt::format("Đài: {}", config.station_name),
                          fmt::format("Station: {}", config.station_name)})
              << '\n'
              << ctx.say({"Khóa công khai (Ed25519): ", "Public key (Ed25519): "}) << pub->hex()
              << '\n'
              << ctx.say({"Dấu vân tay: ", "Fingerprint: "}) << pub->fingerprint() << '\n'
              << ctx.say({"Gửi dấu vân tay này cho đoàn kiểm tra một lần; mọi báo cáo đều in nó.",
                          "Give this fingerprint to the inspection team once; every report "
                          "prints it."})
              << '\n';
  });

  CLI::App* verify = audit->add_subcommand(
      "verify",
      ctx.say({"tính lại chuỗi mã băm và chữ ký của nhật ký hoặc của một gói xuất",
               "recompute the hash chain and signatures of the log or of an export bundle"}));
  static AuditInput verify_input;
  static std::string verify_pin;
  static std::string verify_keys;
  static std::vector<std::string> verify_previous;
  static bool verify_json = false;
  verify->add_option(
      "--db", verify_input.db,
      ctx.say({"cơ sở dữ liệu của một đài (mặc định: cơ sở dữ liệu ghi trong cấu hình)",
               "a station database (default: the config's)"}));
  verify->add_option("bundle", verify_input.bundles, ctx.say({"một gói xuất", "an export bundle"}))
      ->expected(0, 1);
  verify->add_option("--key", verify_pin,
                     ctx.say({"dấu vân tay khóa đã đăng ký: nhật ký phải được ký bằng khóa này",
                              "the fingerprint the log must be signed with"}));
  verify->add_option("--keys", verify_keys,
                     ctx.say({"sổ đăng ký khóa của đoàn kiểm tra (TOML: tên đài = dấu vân tay "
                              "khóa): khóa đã ký phải là khóa đăng ký của đài đó",
                              "the inspection team's key register (TOML: station name = key "
                              "fingerprint): the log must be signed with its station's key"}));
  verify
      ->add_option("--previous", verify_previous,
                   ctx.say({"gói xuất cũ hơn của cùng đài (hoặc tệp gộp) mà đoàn kiểm tra đã "
                            "có: nhật ký phải nối tiếp nó, không rẽ nhánh, không quay lùi "
                            "(dùng được nhiều lần)",
                            "an older bundle of the same station (or a merged file) the "
                            "inspection team already holds: the log must extend it, neither "
                            "forked nor rolled back (may be given several times)"}))
      ->expected(1)
      ->take_all();
  verify->add_flag("--json", verify_json,
                   ctx.say({"in dạng JSON cho máy đọc", "machine-readable output"}));
  verify->callback([&ctx] {
    const std::optional<std::string> pin =
        verify_pin.empty() ? std::nullopt : std::optional<std::string>(verify_pin);
    const auto keys = verify_keys.empty()
                          ? std::nullopt
                          : std::optional<KeyRegister>(read_key_register(verify_keys));
    // Comparing with an older bundle needs this one's events; otherwise they are only streamed.
    auto sources = read_audit_input(ctx, verify_input, pin, !verify_previous.empty());
    if (!verify_previous.empty()) {
      if (sources.size() != 1) {
        throw UserError(
            {"--previous đi với một gói xuất hoặc một cơ sở dữ liệu, không đi với tệp "
             "gộp; hãy gộp các gói bằng `loaxa audit merge`, lệnh này đối chiếu chúng",
             "--previous goes with one bundle or database, not a merged file; "
             "merge the bundles with `loaxa audit merge`, which compares them"});
      }
      check_previous(sources.front(), {verify_previous.begin(), verify_previous.end()});
    }
    for (auto& s : sources) {
      if (keys) {
        check_registered_key(s, *keys);
      } else {
        note_key_check(s, pin);
      }
    }
    bool all_intact = true;
    for (const auto& s : sources) all_intact = all_intact && s.verification.intact();
    if (!all_intact) ctx.exit_code = kExitBroken;
    const std::string file = !verify_input.db.empty()        ? verify_input.db
                             : !verify_input.bundles.empty() ? verify_input.bundles.front()
                                                             : std::string();
    if (file.empty() || !is_merged_file(file)) {
      if (verify_json) {
        std::cout << verification_json(ctx, sources.front()).dump(2) << '\n';
      } else {
        print_verification(ctx, sources.front());
      }
      return;
    }
    // A merged file: every commune, each verified again, then the whole.
    if (verify_json) {
      nlohmann::json communes = nlohmann::json::array();
      for (const auto& s : sources) communes.push_back(verification_json(ctx, s));
      std::cout << nlohmann::json{{"source", file}, {"intact", all_intact}, {"communes", communes}}
                       .dump(2)
                << '\n';
      return;
    }
    int intact = 0, refused = 0;
    for (const auto& s : sources) {
      if (s.refused) {
        ++refused;
      } else if (s.verification.intact()) {
        ++intact;
      }
      print_verification(ctx, s);
      std::cout << '\n';
    }
    const int broken = static_cast<int>(sources.size()) - intact - refused;
    std::cout << ctx.say({fmt::format("Tệp gộp {}: {} xã — {} NGUYÊN VẸN, {} BỊ HỎNG, {} gói bị "
                                      "từ chối khi gộp",
                                      file, sources.size(), intact, broken, refused),
                          fmt::format("Merged file {}: {} communes — {} INTACT, {} BROKEN, {} "
                                      "bundles refused at merge",
                                      file, sources.size(), intact, broken, refused)})
              << '\n';
  });

  CLI::App* exp = audit->add_subcommand(
      "export",
      ctx.say(
          {"ghi một tệp đầy đủ (gói xuất) để đoàn kiểm tra tự xác minh, không cần kết nối với đài",
           "write one self-contained file an inspector verifies offline"}));
  static ExportRequest request;
  static std::string from, to;
  exp->add_option("--from", from,
                  ctx.say({"ngày đầu, YYYY-MM-DD, theo giờ địa phương (mặc định: từ đầu nhật ký)",
                           "first local date, YYYY-MM-DD (default: the beginning)"}));
  exp->add_option("--to", to,
                  ctx.say({"ngày cuối, tính cả ngày này (mặc định: hôm nay)",
                           "last local date, inclusive (default: today)"}));
  exp->add_option("--out", request.out,
                  ctx.say({"tệp gói xuất sẽ ghi", "the bundle file to write"}))
      ->required();
  exp->callback([&ctx] {
    if (!from.empty()) request.from = from;
    if (!to.empty()) request.to = to;
    const auto note = sign_head(ctx);
    const StationConfig& config = ctx.config();
    auto db = open_database_readonly(config.database);
    const auto result = write_bundle(*db, config, request);
    if (!result.ends_signed && result.events > 0) {
      std::error_code ec;
      fs::remove(request.out, ec);
      const Text why = note.value_or(Text{"chưa có điểm ký", "no checkpoint yet"});
      throw UserError(
          {fmt::format("các sự kiện cuối chưa được ký ({}); hãy khởi động loaxad, hoặc chạy lệnh "
                       "với quyền của người dùng loaxa, rồi xuất lại",
                       why.vi),
           fmt::format("the last events are not signed yet ({}); start loaxad, or run this as "
                       "the loaxa user, and export again",
                       why.en)});
    }
    std::cout
        << ctx.say({fmt::format("đã ghi {}: {} sự kiện (#{}–#{}), {} đoạn", request.out.string(),
                                result.events, result.first_seq, result.last_seq, result.segments),
                    fmt::format("wrote {}: {} events (#{}–#{}), {} segments", request.out.string(),
                                result.events, result.first_seq, result.last_seq, result.segments)})
        << '\n';
  });
  add_audit_report_commands(*audit, ctx);
}

}  // namespace loaxa
