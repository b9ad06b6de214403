#pragma once
// `loaxa audit report --format json`: one object, {"format":"loaxa-audit-report","version":1,
// "summary":[...one per commune...],"communes":[...]} (fields in README.md). Codes
// (outcome, verdict, cause) beside the texts in the report's language.

#include <nlohmann/json.hpp>

#include "audit/report_model.h"

namespace loaxa {

nlohmann::json report_json(const Report& report, Lang lang);

}  // namespace loaxa
