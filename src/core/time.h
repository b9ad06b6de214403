#pragma once
// Instants are UTC; wall times belong to an IANA zone passed in, never assumed.

#include <date/tz.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/text.h"

namespace loaxa {

/// An instant in UTC with microsecond resolution.
using Instant = std::chrono::time_point<std::chrono::system_clock, std::chrono::microseconds>;

/// The monotonic clock's instants: they never jump when the wall clock is set.
using MonoInstant = std::chrono::steady_clock::time_point;

/// "2026-11-28T06:00:00.004+07:00": ISO 8601 with milliseconds and the zone's offset.
std::string format_iso(Instant t, const date::time_zone* zone);

/// "2026-11-28 06:00:00" in the zone (for people).
std::string format_local(Instant t, const date::time_zone* zone);

/// A local time as people write it in each language: "28/11/2026 06:00:00" in Vietnamese,
/// "2026-11-28 06:00:00" in English.
Text format_local_text(Instant t, const date::time_zone* zone);
/// A day as people write it: "28/11/2026" in Vietnamese, "2026-11-28" in English.
Text format_day_text(date::year_month_day day);

/// Parses "YYYY-MM-DD"; nullopt when malformed or not a real date.
std::optional<date::year_month_day> parse_date(std::string_view text);

/// Looks up an IANA zone; nullptr when unknown.
const date::time_zone* find_zone(const std::string& name) noexcept;

/// Midnight local time of `day` in `zone`, as an instant.
Instant local_midnight(date::year_month_day day, const date::time_zone* zone);

}  // namespace loaxa
