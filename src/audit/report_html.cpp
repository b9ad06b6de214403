#include "audit/report_html.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "audit/key_register.h"
#include "core/clock_duration.h"
#include "core/words.h"

namespace loaxa {
namespace {

using date::sys_days;

class Page {
 public:
  explicit Page(Lang lang) : lang_(lang) {}
  /// Raw markup.
  Page& raw(std::string_view s) {
    out_ += s;
    return *this;
  }
  /// Escaped text.
  Page& text(std::string_view s) {
    out_ += html_escape(s);
    return *this;
  }
  Page& say(const Text& t) { return text(t.in(lang_)); }
  /// <tag class="cls">text</tag>
  Page& element(std::string_view tag, std::string_view cls, std::string_view s) {
    raw("<").raw(tag);
    if (!cls.empty()) raw(" class=\"").text(cls).raw("\"");
    return raw(">").text(s).raw("</").raw(tag).raw(">");
  }
  Page& cell(std::string_view s, std::string_view cls = "") { return element("td", cls, s); }
  Page& cell(int v) { return element("td", "n", std::to_string(v)); }
  Page& head_row(std::initializer_list<Text> names) {
    raw("<thead><tr>");
    for (const auto& n : names) element("th", "", n.in(lang_));
    return raw("</tr></thead>\n");
  }
  Lang lang() const { return lang_; }
  std::string take() { return std::move(out_); }

 private:
  Lang lang_;
  std::string out_;
};

const char* kStyle = R"css(
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans", "DejaVu Sans", "Liberation Sans", Arial, sans-serif;
  font-size: 9.5pt; color: #111; margin: 0 auto; max-width: 186mm; padding: 4mm 0; }
h1 { font-size: 15pt; margin: 0 0 2mm; }
h2 { font-size: 13pt; margin: 6mm 0 2mm; border-bottom: 1.5pt solid #333; }
h3 { font-size: 10.5pt; margin: 4mm 0 1.5mm; }
p { margin: 1mm 0; }
.meta { color: #444; }
.commune + .commune { break-before: page; }
table { border-collapse: collapse; width: 100%; font-size: 8pt; margin: 1mm 0 2mm; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
th, td { border: 0.5pt solid #999; padding: 1px 3px; text-align: left; vertical-align: top; }
th { background: #eee; }
td.n { text-align: right; }
.summary td, .summary th { font-size: 7.5pt; }
.verification { padding: 2mm 3mm; margin: 2mm 0; border-left: 4pt solid; background: #f6f6f6; }
.verification.intact { border-color: #1a9850; }
.verification.broken { border-color: #d73027; background: #fde8e6; }
.verdict-met { background: #d9f0d3; }
.verdict-failed { background: #f8cfca; font-weight: bold; }
.verdict-incomplete { background: #fff1c2; }
.verdict-unverifiable { background: #ddd6ee; font-weight: bold; }
tr.unverified td { color: #555; font-style: italic; }
tr.broken td { background: #fde8e6; }
.broken-mark { color: #b0201a; font-style: normal; }
.rehearsal-mark { color: #5a3d8a; font-weight: bold; }
.key-note { padding: 1.5mm 3mm; border-left: 4pt solid #e08214; background: #fff4e5; }
.outcome-completed { color: #1a6b36; }
.outcome-missed, .outcome-failed, .outcome-interrupted { color: #b0201a; font-weight: bold; }
.gaps li { margin-bottom: 1.5mm; }
.heatmap { max-width: 100%; height: auto; }
code { font-size: 9pt; }
)css";

std::string verdict_class(Verdict v) {
  return std::string("verdict verdict-") + to_string(v);
}

/// A verdict cell: data-verdict carries the code, the text is for people.
void verdict_cell(Page& page, Verdict v, std::string_view detail = "") {
  page.raw("<td class=\"").text(verdict_class(v)).raw("\" data-verdict=\"").text(to_string(v));
  page.raw("\">").say(verdict_text(v));
  if (!detail.empty()) page.raw("<br><small>").text(detail).raw("</small>");
  page.raw("</td>");
}

std::string delay(const std::optional<double>& d, Lang lang) {
  if (!d) return "";
  const double v = *d;
  if (std::fabs(v) < 1.0) return fmt::format("{:+.0f} ms", v * 1000);
  if (std::fabs(v) < 60.0) return fmt::format("{:+.1f} s", v);
  const auto s = static_cast<long long>(std::llround(std::fabs(v)));
  if (lang == Lang::kEn) return fmt::format("{}{} min {} s", v < 0 ? "-" : "+", s / 60, s % 60);
  return fmt::format("{}{} phút {} giây", v < 0 ? "-" : "+", s / 60, s % 60);
}

/// Columns a period table has only when the commune's report needs them.
struct ExtraColumns {
  bool rehearsal = false;
  bool unverified = false;
};

void period_table(Page& page, const std::vector<PeriodRow>& rows, const Text& first_column,
                  ExtraColumns extra) {
  page.raw("<table class=\"periods\">");
  page.raw("<thead><tr>");
  for (const Text& h :
       {first_column, Text{"Dự kiến", "Planned"}, outcome_heading("completed"),
        outcome_heading("partial"), outcome_heading("preempted"), outcome_heading("interrupted"),
        outcome_heading("failed"), outcome_heading("missed"), outcome_heading("stopped")}) {
    page.element("th", "", h.in(page.lang()));
  }
  if (extra.rehearsal) page.element("th", "", page.lang() == Lang::kEn ? "Rehearsal" : "Diễn tập");
  if (extra.unverified) page.element("th", "", unverifiable_text().in(page.lang()));
  page.element("th", "", page.lang() == Lang::kEn ? "Verdict" : "Kết luận");
  page.raw("</tr></thead>\n<tbody>");
  for (const auto& p : rows) {
    page.raw("<tr data-period=\"").text(p.label).raw("\"");
    if (!p.verified) page.raw(" data-verified=\"false\"");
    page.raw(">");
    std::string label = p.label;
    if (!p.covered) {
      label += page.lang() == Lang::kEn ? " (partly covered)" : " (dữ liệu không trọn kỳ)";
    }
    if (!p.verified) {
      label += page.lang() == Lang::kEn ? " (at or after the first broken event)"
                                        : " (từ sự kiện hỏng đầu tiên trở đi)";
    }
    page.cell(label);
    const Tally& t = p.total;
    for (int v : {t.planned, t.completed, t.partial, t.preempted, t.interrupted, t.failed, t.missed,
                  t.stopped}) {
      page.cell(v);
    }
    if (extra.rehearsal) page.cell(t.rehearsal);
    if (extra.unverified) page.cell(t.unverified);
    std::string detail;
    for (const auto& k : p.checks) {
      detail += fmt::format("{}{}: {}/{}", detail.empty() ? "" : ", ", k.programme, k.completed,
                            k.required);
    }
    verdict_cell(page, p.verdict, detail);
    page.raw("</tr>\n");
  }
  page.raw("</tbody></table>\n");
}

/// Broadcasts per day, one column per ISO week, Monday on top, like a wall calendar turned on
/// its side; the colour says whether the day's planned broadcasts completed.
void heatmap(Page& page, const CommuneReport& c) {
  if (c.days.empty()) return;
  constexpr int kCell = 11, kStep = 13, kLeft = 30, kTop = 16;
  const sys_days first{c.days.front().day};
  const sys_days origin = first - (date::weekday{first} - date::Monday);
  const sys_days last{c.days.back().day};
  const int columns = static_cast<int>((last - origin).count() / 7) + 1;
  // Wide enough for the legend under a short period's few columns.
  const int width = std::max(kLeft + columns * kStep + 4, 640);
  const int height = kTop + 7 * kStep + 26;
  const bool en = page.lang() == Lang::kEn;
  page.raw(fmt::format(
      "<svg class=\"heatmap\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" "
      "width=\"{}\" height=\"{}\" role=\"img\" aria-label=\"{}\" font-size=\"9\" "
      "font-family=\"sans-serif\">\n",
      width, height, width, height,
      html_escape(en ? "broadcasts per day" : "số buổi phát mỗi ngày")));
  const char* day_names[] = {"T2", "", "T4", "", "T6", "", "CN"};
  const char* day_names_en[] = {"Mon", "", "Wed", "", "Fri", "", "Sun"};
  for (int i = 0; i < 7; ++i) {
    const char* n = en ? day_names_en[i] : day_names[i];
    if (*n == '\0') continue;
    page.raw(fmt::format("<text x=\"0\" y=\"{}\">{}</text>\n", kTop + i * kStep + 9, n));
  }
  for (const auto& d : c.days) {
    const sys_days day{d.day};
    const int col = static_cast<int>((day - origin).count() / 7);
    const int row = static_cast<int>((date::weekday{day} - date::Monday).count());
    if (d.day.day() == date::day{1} || day == first) {
      page.raw(fmt::format("<text x=\"{}\" y=\"10\">{:02}/{}</text>\n", kLeft + col * kStep,
                           static_cast<unsigned>(d.day.month()),
                           static_cast<int>(d.day.year()) % 100));
    }
    const char* fill = "#f2f2f2";
    if (d.covered && !d.verified) {
      fill = "#b2abd2";
    } else if (d.covered) {
      if (d.planned == 0 && d.rehearsal > 0) {
        fill = "#c6dbef";
      } else if (d.planned == 0) {
        fill = "#dcdcdc";
      } else if (d.completed >= d.planned) {
        fill = d.completed >= 3 ? "#1a9850" : d.completed == 2 ? "#66bd63" : "#a6d96a";
      } else if (d.completed > 0) {
        fill = "#fdae61";
      } else {
        fill = "#d73027";
      }
    }
    page.raw(fmt::format(
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"2\" fill=\"{}\" "
        "data-day=\"{}\" data-planned=\"{}\" data-completed=\"{}\"><title>{}: {}/{}</title>"
        "</rect>\n",
        kLeft + col * kStep, kTop + row * kStep, kCell, kCell, fill, format_day(d.day), d.planned,
        d.completed, display_day(d.day, page.lang()), d.completed, d.planned));
  }
  struct Key {
    const char* fill;
    Text label;
  };
  std::vector<Key> keys = {{"#1a9850", {"Phát đủ", "all completed"}},
                           {"#fdae61", {"Phát thiếu", "some not completed"}},
                           {"#d73027", {"Không phát buổi nào", "none completed"}},
                           {"#dcdcdc", {"Không có lịch", "nothing planned"}},
                           {"#f2f2f2", {"Ngoài kỳ dữ liệu", "no data"}}};
  // Only the keys a report uses beyond the usual five, so a plain report stays as it was.
  if (std::any_of(c.days.begin(), c.days.end(), [](const DayCount& d) {
        return d.covered && d.verified && d.planned == 0 && d.rehearsal > 0;
      })) {
    keys.push_back({"#c6dbef", {"Chỉ diễn tập", "rehearsal only"}});
  }
  if (std::any_of(c.days.begin(), c.days.end(),
                  [](const DayCount& d) { return d.covered && !d.verified; })) {
    keys.push_back({"#b2abd2", {"Không xác minh được", "unverifiable"}});
  }
  int x = kLeft;
  const int y = kTop + 7 * kStep + 8;
  for (const auto& k : keys) {
    page.raw(
        fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"2\" "
                    "fill=\"{}\" stroke=\"#bbb\" stroke-width=\"0.5\"/>",
                    x, y, kCell, kCell, k.fill));
    const std::string label = k.label.in(page.lang());
    page.raw(fmt::format("<text x=\"{}\" y=\"{}\">{}</text>\n", x + kCell + 3, y + 9,
                         html_escape(label)));
    // Proportional width estimate: the legend only has to not overlap.
    x += kCell + 12 + static_cast<int>(label.size()) * 4;
  }
  page.raw("</svg>\n");
}

void gap_list(Page& page, const CommuneReport& c) {
  if (c.gaps.empty()) {
    page.raw("<p class=\"no-gaps\">")
        .say(c.rules.empty() ? Text{"Không có quy định nào để đối chiếu.",
                                    "There are no rules to check against."}
             : c.broken()
                 ? Text{"Không có kỳ nào không đạt trong phần nhật ký đã xác minh; các kỳ KHÔNG "
                        "XÁC MINH ĐƯỢC không được kết luận.",
                        "No period of the verified part of the log failed a rule; UNVERIFIABLE "
                        "periods get no verdict."}
                 : Text{"Không có kỳ nào không đạt.", "No period failed a rule."})
        .raw("</p>\n");
    return;
  }
  page.raw("<ul class=\"gaps\">\n");
  for (const auto& g : c.gaps) {
    const bool week = g.kind == PeriodKind::kWeek;
    page.raw("<li data-period=\"").text(g.label).raw("\"><strong>");
    page.say({fmt::format("{} {} ({} – {}), chương trình {}: {} / {} buổi phát trọn vẹn",
                          week ? "Tuần" : "Tháng", g.label, display_day(g.first, Lang::kVi),
                          display_day(g.last, Lang::kVi), g.programme, g.completed, g.required),
              fmt::format("{} {} ({} – {}), programme {}: {} of {} completed",
                          week ? "Week" : "Month", g.label, format_day(g.first), format_day(g.last),
                          g.programme, g.completed, g.required)});
    page.raw("</strong><ul>");
    for (const auto& r : g.reasons) {
      page.raw("<li>");
      page.text(fmt::format("{} × {} — ", r.count, outcome_text(r.outcome).in(page.lang())));
      page.text(cause_text(r.cause).in(page.lang()));
      if (!r.text.en.empty()) page.text(": ").say(r.text);
      page.raw(" <small>(").text(join(r.days, ", ")).raw(")</small></li>");
    }
    for (const auto& n : g.notes) page.raw("<li>").say(n).raw("</li>");
    page.raw("</ul></li>\n");
  }
  page.raw("</ul>\n");
}

void occurrence_table(Page& page, const CommuneReport& c) {
  if (c.occurrences.empty()) {
    page.raw("<p>").say({"Không có buổi phát nào trong kỳ.", "No broadcast in the period."});
    page.raw("</p>\n");
    return;
  }
  const auto* zone = report_zone(c);
  page.raw("<table class=\"occurrences\">");
  page.head_row({{"Giờ theo lịch", "Scheduled"},
                 {"Bắt đầu thực tế", "Actual start"},
                 {"Trễ", "Delay"},
                 {"Chương trình", "Programme"},
                 {"Đoạn phát", "Segments"},
                 {"Đã phát", "Played"},
                 {"Kết quả", "Outcome"},
                 {"Lý do", "Reason"},
                 {"Vùng", "Zones"}});
  page.raw("<tbody>\n");
  for (const auto& o : c.occurrences) {
    page.raw("<tr data-outcome=\"").text(o.outcome).raw("\"");
    if (o.rehearsal()) page.raw(" data-rehearsal=\"true\"");
    if (!o.verified) page.raw(" data-verified=\"false\"");
    if (o.broken) {
      page.raw(" data-broken=\"true\" class=\"broken unverified\"");
    } else if (!o.verified) {
      page.raw(" class=\"unverified\"");
    }
    page.raw(">");
    page.cell(format_local(o.scheduled_at, zone));
    // The time of day with milliseconds: the delay is what an inspector looks for.
    page.cell(o.started_at ? format_iso(*o.started_at, zone).substr(11, 12) : "");
    page.cell(delay(o.delay_seconds, page.lang()), "n");
    std::string programme = o.programme;
    if (!o.scheduled()) {
      programme += " (" + operator_play_text().in(page.lang()) + ")";
    }
    page.cell(programme);
    page.cell(join(o.segment_titles, "; "));
    page.cell(clock_duration(o.played_seconds), "n");
    page.raw("<td class=\"outcome-").text(o.outcome).raw("\">");
    if (o.broken) {
      page.raw("<strong class=\"broken-mark\">")
          .say({"BỊ HỎNG: sự kiện hỏng đầu tiên", "BROKEN: the first broken event"})
          .raw("</strong><br>");
    }
    if (o.rehearsal()) {
      page.raw("<span class=\"rehearsal-mark\">").say(rehearsal_text()).raw("</span><br>");
    }
    page.say(occurrence_outcome_text(o, /*rehearsal_shown=*/true));
    page.raw("</td>");
    page.cell(o.why.text.in(page.lang()));
    page.cell(o.zones.empty() ? (page.lang() == Lang::kEn ? "all" : "tất cả")
                              : join(o.zones, ", "));
    page.raw("</tr>\n");
  }
  page.raw("</tbody></table>\n");
}

void commune_section(Page& page, const CommuneReport& c, std::size_t index) {
  const bool en = page.lang() == Lang::kEn;
  page.raw(fmt::format("<section class=\"commune\" id=\"commune-{}\">\n", index + 1));
  page.element("h2", "station", c.station.empty() ? c.label : c.station).raw("\n");
  page.raw("<p class=\"meta\">");
  if (c.has_period) {
    page.say({fmt::format("Kỳ báo cáo: {} – {}", display_day(c.from, Lang::kVi),
                          display_day(c.to, Lang::kVi)),
              fmt::format("Period: {} – {}", format_day(c.from), format_day(c.to))});
  } else {
    page.say({"Nhật ký không có sự kiện nào", "The log has no events"});
  }
  if (c.programme) page.text(en ? " · programme " : " · chương trình ").text(*c.programme);
  page.text(" · ").text(c.timezone).text(" · ").text(c.label).raw("</p>\n");

  const bool intact = c.verification.intact();
  page.raw(
      fmt::format("<div class=\"verification {}\" data-intact=\"{}\" data-status=\"{}\"><strong>",
                  intact ? "intact" : "broken", intact ? "true" : "false", c.status()));
  page.say(verification_text(c)).raw("</strong><br>");
  if (c.refused) {
    page.say({"Dấu vân tay khóa của đài: ", "Station key fingerprint: "});
    page.raw("<code class=\"fingerprint\">")
        .text(c.fingerprint.empty() ? (en ? "(no key)" : "(không có khóa)") : c.fingerprint)
        .raw("</code></div>\n<p>")
        .say({"Gói này không được gộp: báo cáo không có số liệu nào của xã này.",
              "This bundle was not merged: the report has no figures for this commune."})
        .raw("</p>\n</section>\n");
    return;
  }
  page.say({"Dấu vân tay khóa của đài: ", "Station key fingerprint: "});
  page.raw("<code class=\"fingerprint\">")
      .text(c.fingerprint.empty() ? (en ? "(no key)" : "(không có khóa)") : c.fingerprint)
      .raw("</code><br><span class=\"key-check\" data-key-check=\"")
      .text(to_string(c.key_check))
      .raw("\">")
      .say(c.key_check_text)
      .raw("</span></div>\n");

  page.element("h3", "", en ? "Rules" : "Quy định").raw("\n<ul class=\"rules\">");
  for (const auto& r : c.rules) page.raw("<li>").say(rule_text(r)).raw("</li>");
  page.raw("</ul><p class=\"meta\">").say(rules_from_text(c.rules_from)).raw("</p>\n");

  if (c.total.rehearsal > 0) {
    page.raw("<p class=\"rehearsal-note\"><span class=\"rehearsal-mark\">")
        .say({fmt::format("{} buổi DIỄN TẬP", c.total.rehearsal),
              fmt::format("{} REHEARSAL broadcast(s)", c.total.rehearsal)})
        .raw("</span> ")
        .say({"(không phải phát thật: ghi ra tệp, không ra loa) không được tính vào quy định "
              "nào.",
              "(not real broadcasts: written to files, not to the loudspeakers) count towards "
              "no rule."})
        .raw("</p>\n");
  }
  const ExtraColumns extra{c.total.rehearsal > 0, c.broken()};
  page.element("h3", "", en ? "Verdict by month" : "Kết luận theo tháng").raw("\n");
  period_table(page, c.months, {"Tháng", "Month"}, extra);
  page.element("h3", "",
               en ? "Verdict by week (ISO weeks, Monday to Sunday)"
                  : "Kết luận theo tuần (tuần ISO, thứ Hai đến Chủ nhật)")
      .raw("\n");
  period_table(page, c.weeks, {"Tuần", "Week"}, extra);
  page.element("h3", "", en ? "Broadcasts per day" : "Các buổi phát theo ngày").raw("\n");
  heatmap(page, c);
  page.element("h3", "",
               en ? "Gaps: periods that failed a rule, and why" : "Các kỳ không đạt và nguyên nhân")
      .raw("\n");
  gap_list(page, c);
  page.element("h3", "", en ? "Broadcasts" : "Danh sách buổi phát").raw("\n");
  occurrence_table(page, c);
  page.raw("</section>\n");
}

void summary_table(Page& page, const Report& report) {
  const auto months = report.months();
  const bool en = page.lang() == Lang::kEn;
  page.element("h2", "", en ? "Communes" : "Tổng hợp các xã").raw("\n");
  page.raw("<table class=\"summary\"><thead><tr>");
  for (const char* h : {en ? "Commune" : "Xã", en ? "Key" : "Khóa", en ? "Log" : "Nhật ký",
                        en ? "Planned" : "Dự kiến", en ? "Completed" : "Đã phát trọn vẹn"}) {
    page.element("th", "", h);
  }
  for (const auto& m : months) page.element("th", "", m);
  page.raw("</tr></thead><tbody>\n");
  for (std::size_t i = 0; i < report.communes.size(); ++i) {
    const auto& c = report.communes[i];
    page.raw(fmt::format("<tr data-commune=\"{}\"><td><a href=\"#commune-{}\">",
                         html_escape(c.station), i + 1));
    page.text(c.station.empty() ? c.label : c.station).raw("</a></td>");
    page.cell(c.fingerprint);
    page.cell(c.refused                 ? (en ? "REFUSED" : "TỪ CHỐI")
              : c.verification.intact() ? (en ? "intact" : "nguyên vẹn")
                                        : (en ? "BROKEN" : "BỊ HỎNG"),
              c.verification.intact() ? "" : "verdict-failed");
    page.cell(c.total.planned);
    page.cell(c.total.completed);
    for (const auto& m : months) {
      auto it = std::find_if(c.months.begin(), c.months.end(),
                             [&](const PeriodRow& p) { return p.label == m; });
      verdict_cell(page, it == c.months.end() ? Verdict::kNone : it->verdict);
    }
    page.raw("</tr>\n");
  }
  page.raw("</tbody></table>\n");
}

}  // namespace

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += ch;
    }
  }
  return out;
}

std::string render_html(const Report& report, Lang lang) {
  Page page(lang);
  const bool en = lang == Lang::kEn;
  const Text title{"Báo cáo kiểm tra nhật ký phát thanh", "Broadcast log audit report"};
  page.raw("<!DOCTYPE html>\n<html lang=\"").raw(en ? "en" : "vi").raw("\">\n<head>\n");
  page.raw("<meta charset=\"utf-8\">\n<title>").say(title);
  if (report.communes.size() == 1) page.text(" — ").text(report.communes.front().station);
  page.raw("</title>\n<style>").raw(kStyle).raw("</style>\n</head>\n<body>\n");
  page.element("h1", "", title.in(lang)).raw("\n");
  page.raw("<p class=\"meta\">")
      .say({"Lập lúc ", "Generated "})
      .text(format_iso(report.generated_at, date::locate_zone("UTC")))
      .text(" · loaxa audit report")
      .raw("</p>\n");
  if (report.key_not_compared()) {
    page.raw("<p class=\"key-note\" data-key-check=\"not_compared\"><strong>")
        .say(key_not_compared_text())
        .raw("</strong></p>\n");
  }
  if (report.communes.size() > 1) summary_table(page, report);
  for (std::size_t i = 0; i < report.communes.size(); ++i) {
    commune_section(page, report.communes[i], i);
  }
  page.raw("</body>\n</html>\n");
  return page.take();
}

}  // namespace loaxa
