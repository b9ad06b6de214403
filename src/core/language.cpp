#include "core/language.h"

#include <cstdlib>
#include <string_view>

namespace loaxa {

Lang pick_lang(const std::string& flag) {
  if (flag == "en") return Lang::kEn;
  if (flag == "vi") return Lang::kVi;
  for (const char* var : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    const char* v = std::getenv(var);
    if (v != nullptr && *v != '\0')
      return std::string_view(v).starts_with("en") ? Lang::kEn : Lang::kVi;
  }
  return Lang::kVi;
}

}  // namespace loaxa
