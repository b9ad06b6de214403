#pragma once
// The words people read for the log's fixed values — a broadcast's outcome and its priority — in
// one place, so the CLI, the daemon's console and the reports say the same thing, in the words
// the project's Vietnamese glossary gives ("đã phát trọn vẹn", "không phát", …).

#include <string_view>

#include "core/text.h"

namespace loaxa {

/// A broadcast outcome as stored ("completed", "missed", …, or "open" for no outcome yet).
Text outcome_text(std::string_view outcome);
/// A priority as stored ("normal", "priority", "emergency").
Text priority_text(std::string_view priority);

}  // namespace loaxa
