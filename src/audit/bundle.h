#pragma once
// Export bundles: one self-contained file an inspector verifies offline (format in
// docs/bundle-format.md). JSON Lines, UTF-8:
//   line 1      header  {"format":"loaxa-bundle","version":1,"station":{...},"public_key":...,
//                        "compliance":{"cchc":{"per_month":8,"per_week":1}}}  (rules: optional)
//   then        {"segment":{...}}  metadata of every segment of the station
//   then        {"event":{"seq":..,"table":..,"row_id":..,"at_us":..,"payload":"..","hash":".."}}
//   last line   {"end":{"segments":M,"events":N}}

#include <SQLiteCpp/Database.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_source.h"
#include "config/station_config.h"

namespace loaxa {

struct ExportRequest {
  std::optional<std::string> from;  ///< local date YYYY-MM-DD, inclusive
  std::optional<std::string> to;    ///< local date, inclusive
  std::filesystem::path out;
};

struct ExportResult {
  std::int64_t events = 0;
  std::int64_t segments = 0;
  std::int64_t first_seq = 0;
  std::int64_t last_seq = 0;
  bool ends_signed = false;  ///< the last event is a checkpoint
};

/// Writes the bundle atomically (temporary file, fsync, rename). The events of the period run
/// on to the first checkpoint after it, so the bundle ends signed when one exists.
ExportResult write_bundle(SQLite::Database& db, const StationConfig& config,
                          const ExportRequest& request);

/// Reads and verifies a bundle. Throws UserError naming the file and line for anything that
/// is not a well-formed bundle (cut short, damaged, foreign). Without `keep_events` the events
/// are verified and checked as they are read and not kept (`audit verify`: a long log need
/// not fit in memory).
AuditSource read_bundle(const std::filesystem::path& file, const std::optional<std::string>& pin,
                        bool keep_events = true);

/// The station's database as an audit source, verified (station facts from its config; with
/// no station name there, the name the daemon recorded at its last start). `keep_events` as
/// for read_bundle().
AuditSource read_database(SQLite::Database& db, const StationConfig& config,
                          const std::optional<std::string>& pin, bool keep_events = true);

/// The checks of a bundle beyond its chain, once the verifier has finished: an unsigned tail
/// (a cut end), a header key that did not sign, a key that is not the pinned one, segment
/// metadata that differs from the chained records. Also for a commune of a merged file.
void check_bundle_source(AuditSource& source, const std::optional<std::string>& pin);

/// [compliance] rules as bundles and merged files carry them:
/// {"cchc":{"per_month":8,"per_week":1}}.
nlohmann::json compliance_to_json(const std::vector<ComplianceRule>& rules);
/// None when `j` is not an object of that shape.
std::optional<std::vector<ComplianceRule>> compliance_from_json(const nlohmann::json& j);

}  // namespace loaxa
