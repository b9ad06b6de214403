#pragma once
// Reading the few fields verification needs out of a chained payload with simdjson (the
// library picks its SIMD parser for the CPU at run time). Each returns none where the payload
// is not the plain JSON loaxa writes or a field has another type: the caller then reads it
// with nlohmann, the reference, so that both readings give the same values and errors.

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace loaxa {

/// The "row" object of payload {"row":{...},"seq":N,"table":"..."}, valid until `parser`
/// parses again.
std::optional<simdjson::dom::object> payload_row(simdjson::dom::parser& parser,
                                                 const std::string& payload);
/// row.`key` as a string, `missing` where the row has no such key.
std::optional<std::string_view> row_text(simdjson::dom::object row, std::string_view key,
                                         std::string_view missing);
/// row.`key` as an integer, `missing` where the row has no such key.
std::optional<std::int64_t> row_integer(simdjson::dom::object row, std::string_view key,
                                        std::int64_t missing);

}  // namespace loaxa
