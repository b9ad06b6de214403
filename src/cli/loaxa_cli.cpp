#include <cstdlib>
#include <exception>

#include "cli/cli_context.h"

namespace loaxa {

const StationConfig& CliContext::config() {
  if (!config_) config_ = load_config(default_config_path(config_flag));
  return *config_;
}

int run_loaxa(int argc, char** argv) {
  CLI::App app{"loaxa — commune loudspeaker programme: segments, schedules, broadcast log"};
  app.set_help_all_flag("--help-all");
  app.require_subcommand(1);
  app.fallthrough();  // `loaxa log --lang en` as well as `loaxa --lang en log`
  CliContext ctx;
  app.add_option(
      "--config", ctx.config_flag,
      "station config (default: $LOAXA_CONFIG, else config/loaxa.toml if it exists, else "
      "/etc/loaxa/loaxa.toml)");
  app.add_option("--lang", ctx.lang_flag, "language of messages: vi or en")
      ->check(CLI::IsMember({"vi", "en"}));
  app.parse_complete_callback([&] { ctx.lang = pick_lang(ctx.lang_flag); });

  add_segment_commands(app, ctx);
  add_schedule_commands(app, ctx);
  add_log_command(app, ctx);
  add_devices_command(app, ctx);
  add_control_commands(app, ctx);
  add_audit_commands(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const UserError& e) {
    ctx.error(e.text());
    return 1;
  } catch (const std::exception& e) {
    ctx.error({std::string("lỗi: ") + e.what(), std::string("error: ") + e.what()});
    return 1;
  }
  return ctx.exit_code;
}

}  // namespace loaxa
