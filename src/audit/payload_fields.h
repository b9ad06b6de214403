#pragma once
// Reading the few fields verification needs out of a chained payload with simdjson (the
// library picks its SIMD parser for the CPU at run time). Each returns none where the payload
// is not the plain JSON loaxa writes or a field has another type: the caller then reads it
// with nlohmann, the reference, so that both readings give the same values and errors.

#include <simdjson.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

// nlohmann's get<std::int64_t>() converts a floating-point value (1e300) with undefined
// behaviour, and get<int>() truncates a large one: a file from anywhere is read through these
// instead (found by loaxa_fuzz_bundle).

/// `v` as an integer; nlohmann's type_error naming `what` for a float, a string or a number
/// past int64 (the readers turn it into a message naming the file and line).
std::int64_t checked_integer(const nlohmann::json& v, std::string_view what);
/// j[`key`] as an integer, `missing` where `j` is not an object or has no such key; none for a
/// float, a string or a number past int64 (for readers that report a damaged field as a finding
/// rather than refusing the file).
std::optional<std::int64_t> integer_if(const nlohmann::json& j, const char* key,
                                       std::int64_t missing);
/// j.`key` as text for the checks that compare it: `missing` where `j` is not an object or has
/// no such key, the string itself, and for any other type its JSON text. For a field loaxa
/// writes as a plain string (an id, a hash, a kind) that text matches nothing it could hold, so
/// the check reports it; for one that holds JSON text (segment_ids, detail), an array or object
/// in its place is read as if it had been written as text. Never throws, where nlohmann's
/// value() throws type_error for a field of another type (found by loaxa_fuzz_bundle).
std::string text_or(const nlohmann::json& j, const char* key, std::string_view missing);
/// The "row" object of a parsed payload; null where the payload has none.
const nlohmann::json& row_of(const nlohmann::json& payload);
const nlohmann::json& row_of(nlohmann::json&&) = delete;  // would dangle
/// A zone's "channels": channel numbers from 1 to 1024, else nlohmann's out_of_range/type_error.
std::vector<int> channel_list(const nlohmann::json& v);

}  // namespace loaxa
