#pragma once
// Which log an inspection reads: the station's database (default, or another database file) or
// export bundles and merged files. One reading for every front door (`loaxa audit`, later the
// web console's reports).

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_source.h"
#include "config/station_config.h"

namespace loaxa {

struct AuditInput {
  std::string db;                    ///< a database file; empty = the station's own
  std::vector<std::string> bundles;  ///< export bundles or merged files
};

/// Reads and verifies each input: the bundles if any were given, else the database. For a
/// database other than the station's, the station's name comes from the log itself and its key
/// from keys/ beside the file. A merged file (`loaxa audit merge`), as `db` or as a bundle,
/// gives one source per commune. `station` is asked for the station's config only when its own
/// database is read (an inspector's laptop has no config). Throws UserError for unreadable
/// input. Without `keep_events` the events are verified as they are read and not kept.
std::vector<AuditSource> read_audit_input(const AuditInput& input,
                                          const std::function<const StationConfig&()>& station,
                                          const std::optional<std::string>& pin,
                                          bool keep_events = true);

}  // namespace loaxa
