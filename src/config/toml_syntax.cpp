#include "config/toml_syntax.h"

#include <fmt/format.h>

#include <string>
#include <string_view>

namespace loaxa {
namespace {

struct Hint {
  std::string_view english;  ///< a part of toml++'s description
  std::string_view vi;       ///< what that usually means in a hand-written file
};

// toml++ 3.x descriptions of the mistakes people make when editing by hand; the first match
// wins, so the more specific come first.
constexpr Hint kHints[] = {
    {"unescaped control characters",
     "chuỗi chưa được đóng: thiếu dấu ngoặc kép \" trước khi hết dòng"},
    {"expected ']'", "thiếu dấu ] để đóng tên bảng hoặc danh sách"},
    {"expected comma or closing ']'",
     "trong danh sách [...], các giá trị cách nhau bằng dấu phẩy và kết thúc bằng ]"},
    {"expected comma or closing '}'",
     "trong { ... }, các cặp khóa = giá trị cách nhau bằng dấu phẩy và kết thúc bằng }"},
    {"dangling comma", "thừa dấu phẩy trước dấu }"},
    {"expected '='", "sau tên khóa cần dấu = rồi đến giá trị"},
    {"could not determine value type",
     "không nhận ra giá trị: chữ phải nằm trong dấu ngoặc kép, ví dụ \"06:00\""},
    {"cannot redefine existing", "khóa hoặc bảng này đã được khai báo ở trên"},
    {"encountered end-of-file", "tệp kết thúc giữa chừng: có thể thiếu dấu \", ] hoặc }"},
    {"unknown escape sequence",
     "dấu \\ trong chuỗi mở đầu một ký tự đặc biệt; muốn viết dấu \\ thì viết \\\\"},
    {"expected bare key starting character", "chỗ này cần một tên khóa (chữ, số, _ hoặc -)"},
    {"expected keys, tables, whitespace or comments",
     "mỗi dòng phải là khóa = giá trị, một [bảng] hoặc một chú thích bắt đầu bằng #"},
};

}  // namespace

Text toml_syntax_error(const toml::parse_error& e) {
  const std::string_view description = e.description();
  for (const Hint& h : kHints) {
    if (description.find(h.english) != std::string_view::npos) {
      return {fmt::format("lỗi cú pháp TOML: {} (toml++: {})", h.vi, description),
              fmt::format("TOML syntax error: {}", description)};
    }
  }
  return {fmt::format("lỗi cú pháp TOML (toml++: {})", description),
          fmt::format("TOML syntax error: {}", description)};
}

}  // namespace loaxa
