#pragma once
// What every `loaxa` subcommand shares: the chosen language, the config, the exit code.

#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "config/station_config.h"
#include "core/language.h"
#include "core/text.h"

namespace loaxa {

/// What `loaxa` exits with (man loaxa, EXIT STATUS).
inline constexpr int kExitDone = 0;     ///< done, or help asked for
inline constexpr int kExitProblem = 1;  ///< a problem in what was asked, arguments included
inline constexpr int kExitBroken = 2;   ///< a log (or bundle) that does not verify

struct CliContext {
  std::string config_flag;
  std::string lang_flag;  ///< "vi" | "en" | "" (then the locale decides)
  Lang lang = Lang::kVi;
  int exit_code = 0;

  /// Loads the config on first use (throws UserError).
  const StationConfig& config();
  /// Prints a message to stderr in the chosen language.
  void error(const Text& t) const { std::cerr << "loaxa: " << t.in(lang) << '\n'; }
  const std::string& say(const Text& t) const { return t.in(lang); }

 private:
  std::optional<StationConfig> config_;
};

void add_segment_commands(CLI::App& app, CliContext& ctx);
void add_schedule_commands(CLI::App& app, CliContext& ctx);
void add_log_command(CLI::App& app, CliContext& ctx);
void add_devices_command(CLI::App& app, CliContext& ctx);
/// status, play, stop, reload: requests to the running loaxad over its control socket.
void add_control_commands(CLI::App& app, CliContext& ctx);
/// audit key|verify|export|report|merge: what inspectors use.
void add_audit_commands(CLI::App& app, CliContext& ctx);

/// One request to the running loaxad; its reply object. Throws UserError when it is not
/// running, not reachable or too slow.
nlohmann::json control_request(CliContext& ctx, const nlohmann::json& req);
/// {"vi": …, "en": …} as Text; none for anything else.
std::optional<Text> text_from_json(const nlohmann::json& j);
/// Why loaxad refused a request, from its reply's "error".
Text control_error_text(const nlohmann::json& reply);
/// The same for a change to the station's records: `files` go with it as descriptors; none
/// when loaxad is not running (no control socket, or nobody listening on it).
std::optional<nlohmann::json> control_request_if_running(CliContext& ctx, const nlohmann::json& req,
                                                         const std::vector<int>& files,
                                                         std::chrono::seconds timeout);

/// main() of `loaxa`.
int run_loaxa(int argc, char** argv);

}  // namespace loaxa
