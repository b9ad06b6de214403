// `loaxa audit report|merge`: compliance reports over verified logs, and the inspection team's
// merged file of many communes' bundles.

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>

#include "audit/key_register.h"
#include "audit/merged_file.h"
#include "audit/report_csv.h"
#include "audit/report_html.h"
#include "audit/report_json.h"
#include "audit/report_model.h"
#include "cli/audit_input.h"
#include "cli/cli_context.h"
#include "core/time.h"

namespace loaxa {
namespace {

namespace fs = std::filesystem;

// As `loaxa audit verify`: 2 = a log is not intact (or a bundle was refused), 1 = could not run.

Instant now() {
  return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
}

std::optional<date::year_month_day> date_option(const std::string& value, const char* option) {
  if (value.empty()) return std::nullopt;
  auto d = parse_date(value);
  if (!d) {
    throw UserError({fmt::format("{} \"{}\": ngày phải có dạng YYYY-MM-DD", option, value),
                     fmt::format("{} \"{}\": a date is written YYYY-MM-DD", option, value)});
  }
  return d;
}

/// The config's [compliance] when a config is in use: given with --config or $LOAXA_CONFIG,
/// or config/loaxa.toml where it exists. An inspector's laptop may have none.
std::optional<std::vector<ComplianceRule>> config_rules(CliContext& ctx) {
  const fs::path file = default_config_path(ctx.config_flag);
  const bool named = !ctx.config_flag.empty() || std::getenv("LOAXA_CONFIG") != nullptr;
  if (!named && !fs::exists(file)) return std::nullopt;
  const auto& rules = ctx.config().compliance;
  if (rules.empty()) return std::nullopt;
  return rules;
}

/// Writes `text` to `out` through a temporary file and a rename, or to stdout.
void write_output(const std::string& out, const std::string& text) {
  if (out.empty() || out == "-") {
    std::cout << text;
    return;
  }
  const fs::path file(out);
  const fs::path temp = (file.parent_path().empty() ? fs::path(".") : file.parent_path()) /
                        fmt::format(".{}.{}.tmp", file.filename().string(), ::getpid());
  {
    std::ofstream f(temp, std::ios::binary | std::ios::trunc);
    f << text;
    f.flush();
    if (!f) {
      std::error_code ec;
      fs::remove(temp, ec);
      throw UserError({fmt::format("{}: không ghi được ({})", out, std::strerror(errno)),
                       fmt::format("{}: cannot write ({})", out, std::strerror(errno))});
    }
  }
  std::error_code ec;
  fs::rename(temp, file, ec);
  if (ec) {
    fs::remove(temp, ec);
    throw UserError({fmt::format("{}: không ghi được ({})", out, ec.message()),
                     fmt::format("{}: cannot write ({})", out, ec.message())});
  }
}

}  // namespace

void add_audit_report_commands(CLI::App& audit, CliContext& ctx) {
  CLI::App* report = audit.add_subcommand(
      "report", ctx.say({"báo cáo việc thực hiện lịch phát, từ nhật ký đã xác minh, các gói xuất "
                         "hoặc một tệp gộp: từng buổi phát, số liệu theo tuần và tháng, kết luận, "
                         "các kỳ không đạt và nguyên nhân",
                         "compliance report over the verified log, export bundles or a merged "
                         "file: occurrences, tallies per week and month, verdicts, gaps"}));
  static AuditInput input;
  static std::string from, to, programme, format, out, report_pin, report_keys;
  report->add_option(
      "--db", input.db,
      ctx.say({"cơ sở dữ liệu của một đài hoặc một tệp gộp (mặc định: cơ sở dữ liệu ghi trong cấu "
               "hình)",
               "a station database or a merged file (default: the config's database)"}));
  report->add_option("bundle", input.bundles,
                     ctx.say({"các gói xuất (hoặc tệp gộp)", "export bundles (or merged files)"}));
  report->add_option(
      "--from", from,
      ctx.say({"ngày đầu, YYYY-MM-DD, theo giờ địa phương (mặc định: ngày đầu của nhật ký)",
               "first local date, YYYY-MM-DD (default: where the log begins)"}));
  report->add_option("--to", to,
                     ctx.say({"ngày cuối, tính cả ngày này (mặc định: ngày cuối của nhật ký)",
                              "last local date, inclusive (default: where the log ends)"}));
  report->add_option("--programme", programme,
                     ctx.say({"chỉ chương trình có mã này", "only this programme id"}));
  report
      ->add_option("--format", format,
                   ctx.say({"định dạng: csv, html hoặc json", "csv, html or json"}))
      ->required()
      ->check(CLI::IsMember({"csv", "html", "json"}));
  report->add_option("--out", out,
                     ctx.say({"tệp sẽ ghi (mặc định: in ra màn hình)",
                              "the file to write (default: standard output)"}));
  report->add_option("--key", report_pin,
                     ctx.say({"dấu vân tay khóa đã đăng ký: nhật ký phải được ký bằng khóa này",
                              "the fingerprint the log must be signed with"}));
  report->add_option("--keys", report_keys,
                     ctx.say({"sổ đăng ký khóa của đoàn kiểm tra (TOML: tên đài = dấu vân tay "
                              "khóa): mỗi xã phải ký bằng khóa đã đăng ký của mình",
                              "the inspection team's key register (TOML: station name = key "
                              "fingerprint): each commune must sign with its registered key"}));
  report->callback([&ctx] {
    ReportOptions options;
    options.from = date_option(from, "--from");
    options.to = date_option(to, "--to");
    if (options.from && options.to && date::sys_days{*options.to} < date::sys_days{*options.from}) {
      throw UserError({fmt::format("--to {} đứng trước --from {}", to, from),
                       fmt::format("--to {} is before --from {}", to, from)});
    }
    if (!programme.empty()) options.programme = programme;
    if (!input.db.empty() && !input.bundles.empty()) {
      throw UserError({"dùng --db TỆP hoặc các gói xuất, không dùng cả hai",
                       "give either --db FILE or bundles, not both"});
    }
    options.rules = config_rules(ctx);
    const bool live = input.db.empty() && input.bundles.empty();
    const Instant generated = now();
    if (live) options.live_until = generated;
    const std::optional<std::string> pin =
        report_pin.empty() ? std::nullopt : std::optional<std::string>(report_pin);
    const auto keys = report_keys.empty()
                          ? std::nullopt
                          : std::optional<KeyRegister>(read_key_register(report_keys));
    auto sources = read_audit_input(ctx, input, pin);
    for (auto& s : sources) {
      if (keys) {
        check_registered_key(s, *keys);
      } else {
        note_key_check(s, pin);
      }
    }

    Report r;
    r.generated_at = generated;
    ReasonTranslator reasons;
    bool broken = false;
    for (const auto& s : sources) {
      r.communes.push_back(build_report(s, options, reasons));
      if (s.refused) {
        broken = true;
        ctx.error({fmt::format("{}: TỪ CHỐI KHI GỘP: {}", s.label, s.refused->vi),
                   fmt::format("{}: REFUSED AT MERGE: {}", s.label, s.refused->en)});
      } else if (!s.verification.intact()) {
        broken = true;
        ctx.error({fmt::format("{}: nhật ký BỊ HỎNG: {}", s.label,
                               s.verification.problems.front().what.vi),
                   fmt::format("{}: the log is BROKEN: {}", s.label,
                               s.verification.problems.front().what.en)});
      }
    }
    std::string text;
    if (format == "csv") {
      text = render_csv(r, ctx.lang);
    } else if (format == "json") {
      text = render_json(r, ctx.lang);
    } else {
      text = render_html(r, ctx.lang);
    }
    write_output(out, text);
    if (broken) ctx.exit_code = kExitBroken;
  });

  CLI::App* merge = audit.add_subcommand(
      "merge", ctx.say({"xác minh gói xuất của nhiều xã và gộp các gói NGUYÊN VẸN vào một tệp, để "
                        "dùng với `loaxa audit report --db TỆP`",
                        "verify many communes' export bundles and merge the intact ones into one "
                        "file for `loaxa audit report --db FILE`"}));
  static std::vector<std::string> bundles;
  static std::string merge_out, merge_keys;
  merge->add_option("bundle", bundles, ctx.say({"các gói xuất", "export bundles"}))->required();
  merge
      ->add_option("--out", merge_out,
                   ctx.say({"tệp gộp sẽ ghi (TỆP.db)", "the merged file to write (FILE.db)"}))
      ->required();
  merge->add_option("--keys", merge_keys,
                    ctx.say({"sổ đăng ký khóa của đoàn kiểm tra (TOML): gói của xã không ký bằng "
                             "khóa đã đăng ký của mình bị từ chối",
                             "the inspection team's key register (TOML): a commune's bundle not "
                             "signed with its registered key is refused"}));
  merge->callback([&ctx] {
    const fs::path target(merge_out);
    if (fs::exists(target) && !is_merged_file(target)) {
      throw UserError(
          {fmt::format("{}: tệp đã có và không phải tệp gộp; không ghi đè — chọn tên khác",
                       merge_out),
           fmt::format("{}: exists and is not a merged file; not overwriting it — choose "
                       "another name",
                       merge_out)});
    }
    std::vector<fs::path> files(bundles.begin(), bundles.end());
    const auto keys = merge_keys.empty()
                          ? std::nullopt
                          : std::optional<KeyRegister>(read_key_register(merge_keys));
    if (!keys) std::cout << ctx.say(key_not_compared_text()) << '\n';
    const auto results = merge_bundles(files, target, now(), keys ? &*keys : nullptr);
    int merged = 0;
    for (const auto& r : results) {
      if (r.merged) {
        ++merged;
        std::cout << ctx.say({fmt::format("đã gộp {}: đài \"{}\", khóa {}, {} sự kiện", r.bundle,
                                          r.station, r.fingerprint, r.events),
                              fmt::format("merged {}: station \"{}\", key {}, {} events", r.bundle,
                                          r.station, r.fingerprint, r.events)})
                  << '\n';
      } else {
        ctx.error({fmt::format("TỪ CHỐI {}: {}", r.bundle, r.problem.vi),
                   fmt::format("REFUSED {}: {}", r.bundle, r.problem.en)});
      }
    }
    const auto refused = static_cast<int>(results.size()) - merged;
    std::cout << ctx.say({fmt::format("đã ghi {}: {} xã; {} gói bị từ chối", merge_out, merged,
                                      refused),
                          fmt::format("wrote {}: {} communes; {} bundles refused", merge_out,
                                      merged, refused)})
              << '\n';
    if (refused > 0) ctx.exit_code = kExitBroken;
  });
}

}  // namespace loaxa
