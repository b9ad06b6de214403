#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <csignal>
#include <cstdlib>
#include <iostream>

#include "config/station_config.h"
#include "core/language.h"
#include "core/text.h"
#include "daemon/log_priority.h"
#include "daemon/service_notify.h"
#include "daemon/station_daemon.h"
#include "station/system_clock.h"

namespace loaxa {

int run_loaxad(int argc, char** argv) {
  CLI::App app{"loaxad — the commune loudspeaker daemon: plays the schedule, keeps the log"};
  std::string config_flag, lang_flag, output = "device";
  app.add_option(
      "--config", config_flag,
      "station config (default: $LOAXA_CONFIG, else config/loaxa.toml if it exists, else "
      "/etc/loaxa/loaxa.toml)");
  app.add_option("--output", output,
                 "device: the configured [audio] device; rehearsal: WAV files in real time "
                 "under [audio] rehearsal_dir, logged as rehearsal")
      ->check(CLI::IsMember({"device", "rehearsal"}));
  app.add_option("--lang", lang_flag, "language of messages: vi or en")
      ->check(CLI::IsMember({"vi", "en"}));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  DaemonOptions options;
  options.lang = pick_lang(lang_flag);
  options.rehearsal = output == "rehearsal";
  // A file-size limit reached while logging must come back as a write error (which the log
  // journal rides out), not kill the daemon mid-broadcast.
  std::signal(SIGXFSZ, SIG_IGN);
  try {
    auto config = load_config(default_config_path(config_flag));
    const std::string station = config.station_name;
    boost::asio::io_context io;
    SystemClock clock;
    StationDaemon daemon(io, clock, std::move(config), options);
    daemon.start();
    // Only now are the database, the schedules and the output open: a unit with Type=notify
    // counts as started from here, and a start that failed above is a failed start.
    ServiceNotifier notifier(io);
    notifier.ready(fmt::format("station \"{}\"", station));
    notifier.start_watchdog();
    io.run();
    notifier.stopping();
    if (daemon.exit_code() == StationDaemon::kExitRestart) {
      // Static destructors would reach into the stuck audio library: leave at once.
      std::cout.flush();
      std::_Exit(StationDaemon::kExitRestart);
    }
    return daemon.exit_code();
  } catch (const UserError& e) {
    std::cerr << with_priority("loaxad: " + e.text().in(options.lang), LogPriority::kErr,
                               is_journal_stream(STDERR_FILENO))
              << '\n';
    return 2;
  } catch (const std::exception& e) {
    std::cerr << with_priority(std::string("loaxad: ") + e.what(), LogPriority::kErr,
                               is_journal_stream(STDERR_FILENO))
              << '\n';
    return 1;
  }
}

}  // namespace loaxa
