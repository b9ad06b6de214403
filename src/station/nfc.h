#pragma once
// Text people type or name files with, in one form: UTF-8 in Unicode normalization form C, so
// "Thông báo" is the same title whether it came from a file named on a Mac (decomposed, NFD),
// from Unikey's "Unicode tổ hợp" or from a precomposed keyboard. ICU does the normalization.

#include <optional>
#include <string>
#include <string_view>

namespace loaxa {

/// `text` in NFC; none when it is not valid UTF-8 (a name written in an old Vietnamese code
/// page such as TCVN3 or VNI, or cut in the middle of a character).
std::optional<std::string> nfc(std::string_view text);

}  // namespace loaxa
