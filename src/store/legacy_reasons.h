#pragma once
// Reasons logged before they had codes (schema < 5): English text only. The v5 migration maps
// each outcome's text to a code once, here; afterwards every outcome is written with its code.

#include <SQLiteCpp/Database.h>

#include <string_view>

#include "core/reason.h"

namespace loaxa {

/// The code and parameters of a text an earlier loaxa logged; unmapped_text {text} for a text
/// it does not know. Also used by reports on bundles exported before schema 5, whose outcomes
/// carry no code.
Reason legacy_reason(std::string_view logged);

/// Writes a chained broadcast_reasons row (from_text = 1) for every outcome other than
/// completed that has none. Only the migration to schema 5 calls it.
void map_logged_reasons(SQLite::Database& db);

}  // namespace loaxa
