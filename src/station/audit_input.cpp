#include "station/audit_input.h"

#include <filesystem>

#include "audit/bundle.h"
#include "audit/merged_file.h"
#include "store/database.h"

namespace loaxa {
namespace fs = std::filesystem;

std::vector<AuditSource> read_audit_input(const AuditInput& input,
                                          const std::function<const StationConfig&()>& station,
                                          const std::optional<std::string>& pin, bool keep_events) {
  std::vector<AuditSource> out;
  for (const auto& b : input.bundles) {
    if (is_merged_file(b)) {
      for (auto& s : read_merged(b, pin)) out.push_back(std::move(s));
    } else {
      out.push_back(read_bundle(b, pin, keep_events));
    }
  }
  if (!input.bundles.empty()) return out;
  if (input.db.empty()) {
    const StationConfig& config = station();
    auto db = open_database_readonly(config.database);
    out.push_back(read_database(*db, config, pin, keep_events));
    return out;
  }
  if (is_merged_file(input.db)) return read_merged(input.db, pin);
  // An inspector's copy of a station's database: no config of that station here.
  StationConfig config;
  config.database = fs::absolute(input.db);
  config.keys = config.database.parent_path() / "keys";
  config.station_name = "";
  auto db = open_database_readonly(config.database);
  out.push_back(read_database(*db, config, pin, keep_events));
  return out;
}

}  // namespace loaxa
