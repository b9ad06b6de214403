#include "audit/payload_fields.h"

#include <fmt/format.h>

#include <climits>

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

namespace {

bool whole_number(const nlohmann::json& v) {
  return v.is_number_integer() && !(v.is_number_unsigned() &&
                                    v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX));
}

}  // namespace

std::int64_t checked_integer(const nlohmann::json& v, std::string_view what) {
  if (!whole_number(v)) {
    throw nlohmann::json::type_error::create(
        302, fmt::format("{} is not a whole number in range: {}", what, v.dump()), &v);
  }
  return v.get<std::int64_t>();
}

std::optional<std::int64_t> integer_if(const nlohmann::json& j, const char* key,
                                       std::int64_t missing) {
  if (!j.is_object()) return missing;
  const auto it = j.find(key);
  if (it == j.end()) return missing;
  if (!whole_number(*it)) return std::nullopt;
  return it->get<std::int64_t>();
}

std::string text_or(const nlohmann::json& j, const char* key, std::string_view missing) {
  if (!j.is_object()) return std::string(missing);
  const auto it = j.find(key);
  if (it == j.end()) return std::string(missing);
  return it->is_string() ? it->get<std::string>() : it->dump();
}

const nlohmann::json& row_of(const nlohmann::json& payload) {
  static const nlohmann::json kNone;
  if (!payload.is_object()) return kNone;
  const auto it = payload.find("row");
  return it == payload.end() ? kNone : *it;
}

std::vector<int> channel_list(const nlohmann::json& v) {
  if (!v.is_array()) throw nlohmann::json::type_error::create(302, "channels is not a list", &v);
  std::vector<int> out;
  for (const auto& c : v) {
    const std::int64_t n = checked_integer(c, "channel");
    if (n < 1 || n > 1024) {
      throw nlohmann::json::out_of_range::create(
          401, fmt::format("channel {} is not between 1 and 1024", n), &c);
    }
    out.push_back(static_cast<int>(n));
  }
  return out;
}

}  // namespace loaxa
