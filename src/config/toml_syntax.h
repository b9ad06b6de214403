#pragma once
// A TOML syntax error as staff read it: what is usually wrong, in Vietnamese, with toml++'s own
// English words after it.

#include <toml++/toml.h>

#include "core/text.h"

namespace loaxa {

/// "lỗi cú pháp TOML: chuỗi chưa được đóng ... (toml++: Error while parsing string: ...)" and
/// "TOML syntax error: Error while parsing string: ..."; the caller puts file:line:column first.
Text toml_syntax_error(const toml::parse_error& e);

}  // namespace loaxa
