#pragma once
// Which log an `loaxa audit` command reads: the station's database (default, or --db FILE) or
// export bundles given as arguments.

#include <optional>
#include <string>
#include <vector>

#include "audit/audit_source.h"
#include "cli/cli_context.h"

namespace loaxa {

struct AuditInput {
  std::string db;                    ///< --db FILE; empty = the config's database
  std::vector<std::string> bundles;  ///< BUNDLE...
};

/// Reads and verifies each input: the bundles if any were given, else the database.
/// For a --db file other than the config's, the station's name comes from the log itself and
/// its key from keys/ beside the file. A merged file (`loaxa audit merge`), as --db or as an
/// argument, gives one source per commune. Throws UserError for unreadable input. Without
/// `keep_events` a bundle's or database's events are verified as they are read and not kept
/// (`audit verify`).
std::vector<AuditSource> read_audit_input(CliContext& ctx, const AuditInput& input,
                                          const std::optional<std::string>& pin,
                                          bool keep_events = true);

/// audit report|merge (cli/audit_report_commands.cpp), added to `loaxa audit`.
void add_audit_report_commands(CLI::App& audit, CliContext& ctx);

}  // namespace loaxa
