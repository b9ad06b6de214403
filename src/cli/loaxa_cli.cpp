#include <cstdlib>
#include <exception>

#include "cli/argument_errors.h"
#include "cli/cli_context.h"

namespace loaxa {

const StationConfig& CliContext::config() {
  if (!config_) config_ = load_config(default_config_path(config_flag));
  return *config_;
}

int run_loaxa(int argc, char** argv) {
  CliContext ctx;
  // Help and argument errors come before any parse callback, so the language is read first.
  ctx.lang = prescan_lang(argc, argv);
  CLI::App app{ctx.say({"loaxa — chương trình loa phát thanh xã: đoạn âm thanh, lịch phát, "
                        "nhật ký phát thanh",
                        "loaxa — commune loudspeaker programme: segments, schedules, broadcast "
                        "log"}),
               "loaxa"};  // not argv[0]: help says "loaxa segment import", as staff type it
  localise_help(app, ctx.lang);
  app.require_subcommand(1);
  app.fallthrough();  // `loaxa log --lang en` as well as `loaxa --lang en log`
  app.footer(
      ctx.say({"Mã thoát: 0 đã xong, 1 yêu cầu có vấn đề (kể cả sai đối số), 2 nhật ký bị "
               "hỏng hoặc có gói xuất bị từ chối. Xem thêm: man loaxa",
               "Exit status: 0 done, 1 a problem in what was asked (including argument "
               "errors), 2 a broken log or a refused bundle. See also: man loaxa"}));
  app.add_option("--config", ctx.config_flag,
                 ctx.say({"cấu hình của đài (mặc định: $LOAXA_CONFIG, nếu không có thì "
                          "config/loaxa.toml nếu tồn tại, nếu không thì /etc/loaxa/loaxa.toml)",
                          "station config (default: $LOAXA_CONFIG, else config/loaxa.toml if it "
                          "exists, else /etc/loaxa/loaxa.toml)"}));
  app.add_option("--lang", ctx.lang_flag,
                 ctx.say({"ngôn ngữ của thông báo: vi hoặc en", "language of messages: vi or en"}))
      ->check(CLI::IsMember({"vi", "en"}));
  app.parse_complete_callback([&] { ctx.lang = pick_lang(ctx.lang_flag); });

  add_segment_commands(app, ctx);
  add_schedule_commands(app, ctx);
  add_log_command(app, ctx);
  add_devices_command(app, ctx);
  add_control_commands(app, ctx);
  add_audit_commands(app, ctx);
  localise_groups(app, ctx.lang);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);  // prints the help of the command asked about; 0
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    ctx.error(argument_error(e, failed_command(app)));
    return kExitProblem;
  } catch (const UserError& e) {
    ctx.error(e.text());
    return kExitProblem;
  } catch (const std::exception& e) {
    ctx.error({std::string("lỗi: ") + e.what(), std::string("error: ") + e.what()});
    return kExitProblem;
  }
  return ctx.exit_code;
}

}  // namespace loaxa
