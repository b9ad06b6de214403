// toml_syntax_error: what staff read when a hand-edited file does not parse.

#include "config/toml_syntax.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace loaxa {
namespace {

struct SyntaxCase {
  const char* name;
  const char* text;
  const char* vi_hint;  ///< nullptr: no hint, only the generic words
};

TEST(ConfigTomlSyntax, VietnameseHintThenTomlppsWords) {
  const std::vector<SyntaxCase> cases = {
      {"unclosed_string", "title = \"Cải cách\n", "chuỗi chưa được đóng"},
      {"unclosed_header", "[station\n", "thiếu dấu ] để đóng tên bảng"},
      {"list_without_comma", "days = [\"mon\" \"tue\"]\n",
       "cách nhau bằng dấu phẩy và kết thúc bằng ]"},
      {"inline_table_without_comma", "play = { tag = \"a\" segment = \"b\" }\n", "kết thúc bằng }"},
      {"missing_equals", "name \"x\"\n", "sau tên khóa cần dấu ="},
      {"unquoted_text", "name = Xã\n", "chữ phải nằm trong dấu ngoặc kép"},
      {"key_twice", "id = \"a\"\nid = \"b\"\n", "đã được khai báo ở trên"},
      {"table_twice", "[station]\n[station]\n", "đã được khai báo ở trên"},
      {"end_of_file", "days = [\"mon\",\n", "tệp kết thúc giữa chừng"},
      {"bad_escape", "path = \"C:\\loaxa\"\n", "muốn viết dấu \\ thì viết \\\\"},
      {"leading_zero", "days = 07\n", nullptr},
  };
  for (const auto& c : cases) {
    try {
      (void)toml::parse(std::string_view(c.text), std::string_view("f.toml"));
      ADD_FAILURE() << c.name << ": parsed";
    } catch (const toml::parse_error& e) {
      const Text t = toml_syntax_error(e);
      const std::string description(e.description());
      EXPECT_EQ(t.en, "TOML syntax error: " + description) << c.name;
      EXPECT_TRUE(t.vi.starts_with("lỗi cú pháp TOML")) << c.name << ": " << t.vi;
      EXPECT_TRUE(t.vi.ends_with("(toml++: " + description + ")")) << c.name << ": " << t.vi;
      if (c.vi_hint != nullptr) {
        EXPECT_NE(t.vi.find(c.vi_hint), std::string::npos) << c.name << ": " << t.vi;
      } else {
        EXPECT_EQ(t.vi, "lỗi cú pháp TOML (toml++: " + description + ")") << c.name;
      }
    }
  }
}

}  // namespace
}  // namespace loaxa
