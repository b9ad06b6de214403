#pragma once
// `loaxa audit`'s inputs: --db FILE or BUNDLE... read by the station's read_audit_input.

#include <optional>
#include <string>
#include <vector>

#include "cli/cli_context.h"
#include "station/audit_input.h"

namespace loaxa {

/// The station's read_audit_input (station/audit_input.h), with the config of the command.
inline std::vector<AuditSource> read_audit_input(CliContext& ctx, const AuditInput& input,
                                                 const std::optional<std::string>& pin,
                                                 bool keep_events = true) {
  return read_audit_input(
      input, [&ctx]() -> const StationConfig& { return ctx.config(); }, pin, keep_events);
}

/// audit report|merge (cli/audit_report_commands.cpp), added to `loaxa audit`.
void add_audit_report_commands(CLI::App& audit, CliContext& ctx);

}  // namespace loaxa
