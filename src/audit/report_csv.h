#pragma once
// `loaxa audit report --format csv`: blocks of RFC 4180 CSV separated by an empty line, each with
// its own header row whose first column, `section`, names the block (commune, verification,
// period, gap, occurrence), so a spreadsheet opens it and a script splits it. UTF-8 with a
// byte-order mark, which spreadsheets need to show Vietnamese correctly.

#include <string>

#include "audit/report_model.h"

namespace loaxa {

std::string render_csv(const Report& report, Lang lang);

}  // namespace loaxa
