#pragma once
// `loaxa audit report --format json`: one object, {"format":"loaxa-audit-report","version":1,
// "summary":[...one per commune...],"communes":[...]} (fields in README.md). Codes
// (outcome, verdict, cause) beside the texts in the report's language.

#include <nlohmann/json.hpp>
#include <string>

#include "audit/report_model.h"

namespace loaxa {

nlohmann::json report_json(const Report& report, Lang lang);

/// report_json(report, lang).dump(2), one commune at a time: a province's year is a few hundred
/// MB of DOM when built whole.
std::string render_json(const Report& report, Lang lang);

}  // namespace loaxa
