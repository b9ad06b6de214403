#include "cli/audit_input.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "audit/bundle.h"
#include "audit/merged_file.h"
#include "store/database.h"

namespace loaxa {
namespace fs = std::filesystem;
namespace {

/// The station's name as the daemon recorded it at its last start.
std::string station_name_in(const AuditSource& s) {
  std::string name;
  for (const auto& e : s.events) {
    if (e.table != "station_events") continue;
    auto p = nlohmann::json::parse(e.payload, nullptr, false);
    if (p.is_discarded() || p["row"].value("kind", "") != "daemon_started") continue;
    auto detail = nlohmann::json::parse(p["row"].value("detail", "{}"), nullptr, false);
    if (detail.is_object() && detail.contains("station") && detail["station"].is_string()) {
      name = detail["station"].get<std::string>();
    }
  }
  return name;
}

}  // namespace

std::vector<AuditSource> read_audit_input(CliContext& ctx, const AuditInput& input,
                                          const std::optional<std::string>& pin) {
  std::vector<AuditSource> out;
  for (const auto& b : input.bundles) {
    if (is_merged_file(b)) {
      for (auto& s : read_merged(b, pin)) out.push_back(std::move(s));
    } else {
      out.push_back(read_bundle(b, pin));
    }
  }
  if (!input.bundles.empty()) return out;
  if (input.db.empty()) {
    const StationConfig& config = ctx.config();
    auto db = open_database_readonly(config.database);
    out.push_back(read_database(*db, config, pin));
    return out;
  }
  if (is_merged_file(input.db)) return read_merged(input.db, pin);
  // An inspector's copy of a station's database: no config of that station here.
  StationConfig config;
  config.database = fs::absolute(input.db);
  config.keys = config.database.parent_path() / "keys";
  config.station_name = "";
  auto db = open_database_readonly(config.database);
  out.push_back(read_database(*db, config, pin));
  out.back().station.name = station_name_in(out.back());
  return out;
}

}  // namespace loaxa
