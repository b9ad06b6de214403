#pragma once
// Which language a front door speaks, chosen the same way by `loaxa` and loaxad.

#include <string>

#include "core/text.h"

namespace loaxa {

/// `flag` ("vi" | "en") wins; else LC_ALL, LC_MESSAGES, LANG (the first one set) starting with
/// "en" picks English; else Vietnamese. (Reads the environment: the one thing in core/ that
/// does, since every front door needs the same rule before it says anything.)
Lang pick_lang(const std::string& flag);

}  // namespace loaxa
