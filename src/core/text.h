#pragma once
// Words users see come in Vietnamese (the default) and English; the front door picks one.

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace loaxa {

enum class Lang { kVi, kEn };

/// A message in both languages.
struct Text {
  std::string vi;
  std::string en;
  const std::string& in(Lang lang) const { return lang == Lang::kEn ? en : vi; }
};

/// The parts with `between` between them: "a, b, c".
inline std::string join(const std::vector<std::string>& parts, std::string_view between = ", ") {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += between;
    out += p;
  }
  return out;
}

/// A failure the user can fix (bad file, bad config, missing device). what() is the English text.
class UserError : public std::runtime_error {
 public:
  explicit UserError(Text text) : std::runtime_error(text.en), text_(std::move(text)) {}
  const Text& text() const noexcept { return text_; }

 private:
  Text text_;
};

}  // namespace loaxa
