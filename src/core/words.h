#pragma once
// The words people read for the log's fixed values — a broadcast's outcome and its priority — in
// one place, so the CLI, the daemon's console and the reports say the same thing, in the words
// the project's Vietnamese glossary gives ("đã phát trọn vẹn", "không phát", …).

#include <string>
#include <string_view>

#include "core/text.h"

namespace loaxa {

/// A broadcast outcome as stored ("completed", "missed", …, or "open" for no outcome yet).
Text outcome_text(std::string_view outcome);
/// The same outcome as a column heading of a table (capitalised, short where the table is narrow).
Text outcome_heading(std::string_view outcome);
/// A broadcast started with `loaxa play` rather than by a schedule (the glossary's words).
Text operator_play_text();
/// A number as people write it: a decimal comma in Vietnamese ("-15,8"), a point in English;
/// `plus` writes the sign of a positive number too ("+1,5").
std::string decimal(double value, int digits, Lang lang, bool plus = false);
/// A priority as stored ("normal", "priority", "emergency").
Text priority_text(std::string_view priority);
/// A slot as people count it: the log, JSON and schedules store its index from 0 (its place
/// among its programme's [[slot]] tables); people read "khung giờ 1" for index 0, everywhere.
Text slot_text(int slot_index);
/// "cchc, khung giờ 1", or the programme alone for a broadcast of no slot (index < 0: `loaxa
/// play`).
Text programme_slot_text(std::string_view programme, int slot_index);

}  // namespace loaxa
