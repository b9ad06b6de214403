#pragma once
// config/holidays.toml -> Holidays: the days slots with holidays = "skip" leave out.

#include <filesystem>
#include <string>
#include <string_view>

#include "core/holidays.h"

namespace loaxa {

/// Parses a holiday calendar's text. Throws UserError with "file:line:col: message" (every
/// problem, one per line) when anything is wrong.
Holidays parse_holidays(std::string_view toml_text, const std::string& display_name);

/// Reads and parses `path`; a missing or unreadable file is a UserError too, because a station
/// that names a calendar must not broadcast through holidays by accident.
Holidays load_holidays(const std::filesystem::path& path);

}  // namespace loaxa
