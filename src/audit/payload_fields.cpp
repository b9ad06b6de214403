#include "audit/payload_fields.h"

namespace loaxa {

std::optional<simdjson::dom::object> payload_row(simdjson::dom::parser& parser,
                                                 const std::string& payload) {
  simdjson::dom::object row;
  if (parser.parse(payload).at_key("row").get_object().get(row)) return std::nullopt;
  return row;
}

std::optional<std::string_view> row_text(simdjson::dom::object row, std::string_view key,
                                         std::string_view missing) {
  auto value = row.at_key(key);
  if (value.error() == simdjson::NO_SUCH_FIELD) return missing;
  std::string_view text;
  if (value.get_string().get(text)) return std::nullopt;
  return text;
}

std::optional<std::int64_t> row_integer(simdjson::dom::object row, std::string_view key,
                                        std::int64_t missing) {
  auto value = row.at_key(key);
  if (value.error() == simdjson::NO_SUCH_FIELD) return missing;
  std::int64_t n = 0;
  if (value.get_int64().get(n)) return std::nullopt;
  return n;
}

}  // namespace loaxa
