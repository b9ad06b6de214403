#pragma once
// `loaxa audit report --format html`: one self-contained page (inline CSS and SVG, no script,
// no external asset) that prints on A4: per commune the verification result and key
// fingerprint, the rules and the verdict of every month and week, a calendar heatmap of
// broadcasts per day, the gap list and the occurrence table; before them, with several
// communes, one summary row per commune.

#include <string>

#include "audit/report_model.h"

namespace loaxa {

std::string render_html(const Report& report, Lang lang);

/// `s` with & < > " ' replaced by entities: safe in element content and quoted attributes.
std::string html_escape(std::string_view s);

}  // namespace loaxa
