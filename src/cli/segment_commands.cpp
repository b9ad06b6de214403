// `loaxa segment import|list|show|approve|retire|validity|edit`: arguments in, one station
// operation (station/segment_operations.h), text or JSON out.

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <pwd.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "cli/cli_context.h"
#include "cli/segment_import.h"
#include "cli/station_writes.h"
#include "codec/station_json.h"
#include "core/clock_duration.h"
#include "core/words.h"
#include "station/segment_operations.h"
#include "station/system_clock.h"

namespace loaxa {
namespace {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------
// Formatting

/// Columns a string takes on a terminal: UTF-8 code points, less combining marks (a title typed
/// in decomposed form carries its Vietnamese tone marks as U+0300..U+0323).
std::size_t display_width(const std::string& s) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t len = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
    char32_t cp = c;
    if (len == 2 && i + 1 < s.size()) {
      cp = ((c & 0x1fu) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3fu);
    }
    if (!(cp >= 0x300 && cp <= 0x36f)) ++width;
    i += len;
  }
  return width;
}

std::string pad(const std::string& s, std::size_t width) {
  const std::size_t w = display_width(s);
  return w >= width ? s : s + std::string(width - w, ' ');
}

/// Cuts a string to `width` columns without splitting a UTF-8 sequence.
std::string clip(const std::string& s, std::size_t width) {
  if (display_width(s) <= width) return s;
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t len = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
    std::string next = out + s.substr(i, len);
    if (display_width(next) > width - 1) break;
    out = std::move(next);
    i += len;
  }
  return out + "…";
}

std::string channels_word(int channels, Lang lang) {
  if (channels == 1) return lang == Lang::kEn ? "mono" : "một kênh (mono)";
  if (channels == 2) return lang == Lang::kEn ? "stereo" : "hai kênh (stereo)";
  return fmt::format("{} {}", channels, lang == Lang::kEn ? "channels" : "kênh");
}

const date::time_zone* zone_of(CliContext& ctx) {
  const date::time_zone* zone = find_zone(ctx.config().timezone);
  return zone != nullptr ? zone : find_zone("UTC");
}

// ---------------------------------------------------------------------------------------------
// Approval and validity

/// A --by value: trimmed; empty is refused, since an anonymous approval means nothing.
std::string checked_name(const std::string& option, const std::string& name) {
  std::optional<std::string> person = person_name(name);
  if (!person) {
    throw UserError({fmt::format("{} cần tên người quyết định, ví dụ {} \"Nguyễn Văn A, Chủ "
                                 "tịch UBND xã\"",
                                 option, option),
                     fmt::format("{} needs the name of the person deciding, e.g. {} \"Nguyen Van "
                                 "A, commune chairman\"",
                                 option, option)});
  }
  return *std::move(person);
}

/// One end of a validity range on the command line: a local date, or "-" for "no limit".
struct DateOption {
  bool given = false;
  std::optional<date::year_month_day> date;
};

DateOption parse_date_option(const std::string& option, const std::optional<std::string>& text,
                             bool dash_allowed) {
  DateOption d;
  if (!text) return d;
  d.given = true;
  if (dash_allowed && *text == "-") return d;
  d.date = parse_date(*text);
  if (!d.date) {
    const std::string dash_vi = dash_allowed ? ", hoặc - để bỏ giới hạn" : "";
    const std::string dash_en = dash_allowed ? ", or - for no limit" : "";
    throw UserError(
        {fmt::format("{} \"{}\": không phải ngày hợp lệ; dùng dạng NĂM-THÁNG-NGÀY theo giờ địa "
                     "phương của đài, ví dụ 2026-12-01{}",
                     option, *text, dash_vi),
         fmt::format("{} \"{}\": not a valid date; use YYYY-MM-DD in the station's local time, "
                     "e.g. 2026-12-01{}",
                     option, *text, dash_en)});
  }
  return d;
}

/// "01/12/2026 → 31/12/2026", "từ 01/12/2026", "đến 31/12/2026", or "-" for no limit (ISO
/// dates in English).
Text validity_text(const Segment& s) {
  if (s.valid_from && s.valid_until) {
    const Text from = format_day_text(*s.valid_from), until = format_day_text(*s.valid_until);
    return {from.vi + " → " + until.vi, from.en + " → " + until.en};
  }
  if (s.valid_from) {
    const Text from = format_day_text(*s.valid_from);
    return {"từ " + from.vi, "from " + from.en};
  }
  if (s.valid_until) {
    const Text until = format_day_text(*s.valid_until);
    return {"đến " + until.vi, "until " + until.en};
  }
  return {"-", "-"};
}

/// What an edit changed: "tiêu đề → "Bộ phận một cửa", nhãn → (không có)".
Text edit_text(const SegmentEvent& e) {
  std::vector<std::string> vi, en;
  auto field = [&](const std::optional<std::string>& value, const char* name_vi,
                   const char* name_en) {
    if (!value) return;
    const std::string quoted = "\"" + *value + "\"";
    vi.push_back(fmt::format("{} → {}", name_vi, value->empty() ? "(không có)" : quoted));
    en.push_back(fmt::format("{} → {}", name_en, value->empty() ? "(none)" : quoted));
  };
  field(e.title, "tiêu đề", "title");
  field(e.tag, "nhãn", "tag");
  field(e.note, "ghi chú", "note");
  return {fmt::format("{}", fmt::join(vi, ", ")), fmt::format("{}", fmt::join(en, ", "))};
}

/// One line of history for people: "28/11/2026 06:00:00  duyệt — Nguyễn Văn A".
Text event_text(const SegmentEvent& e, const date::time_zone* zone) {
  const Text at = format_local_text(e.at, zone);
  const std::string& when = at.vi;
  const std::string& when_en = at.en;
  switch (e.kind) {
    case SegmentEvent::Kind::kApproved:
      return {fmt::format("{}  duyệt — {}", when, e.by),
              fmt::format("{}  approved — {}", when_en, e.by)};
    case SegmentEvent::Kind::kRetired:
      return {fmt::format("{}  ngừng phát — {}", when, e.by),
              fmt::format("{}  retired — {}", when_en, e.by)};
    case SegmentEvent::Kind::kValidity: {
      Segment range;
      range.valid_from = e.valid_from;
      range.valid_until = e.valid_until;
      const Text v = validity_text(range);
      return {
          fmt::format("{}  hiệu lực {} — {}", when, v.vi == "-" ? "không giới hạn" : v.vi, e.by),
          fmt::format("{}  validity {} — {}", when_en, v.en == "-" ? "unlimited" : v.en, e.by)};
    }
    case SegmentEvent::Kind::kEdited: {
      const Text changes = edit_text(e);
      return {fmt::format("{}  sửa {} — {}", when, changes.vi, e.by),
              fmt::format("{}  edited {} — {}", when_en, changes.en, e.by)};
    }
  }
  return {"?", "?"};
}

// ---------------------------------------------------------------------------------------------
// Import

/// Prints "\r<file>: 42%" on stderr once a file has taken a second, so a long recording on a
/// slow board does not look like a hang, and a quick import prints nothing.
class ProgressLine {
 public:
  ~ProgressLine() { end(); }
  ProgressLine() = default;
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  void operator()(const std::string& file, double fraction) {
    if (file != file_) {
      end();
      file_ = file;
      start_ = std::chrono::steady_clock::now();
    }
    const int percent = static_cast<int>(fraction * 100);
    if (percent == shown_) return;
    if (shown_ < 0 && std::chrono::steady_clock::now() - start_ < std::chrono::seconds(1)) return;
    shown_ = percent;
    std::cerr << '\r' << file_ << ": " << percent << '%' << std::flush;
  }

  /// Ends the line of the file under way, if one was shown.
  void end() {
    if (shown_ >= 0) std::cerr << '\n' << std::flush;
    shown_ = -1;
    file_.clear();
  }

 private:
  std::string file_;
  std::chrono::steady_clock::time_point start_;
  int shown_ = -1;
};

struct ImportArgs {
  std::vector<std::string> files;
  std::optional<std::string> title;  ///< given blank, the station refuses it
  std::string tag;
  std::optional<std::string> approve_by;
  std::optional<std::string> from;
  std::optional<std::string> until;
  bool json = false;
};

/// Imports with a progress line per file; `done` gets each result as it comes.
ImportResult import_with_progress(CliContext& ctx, const SegmentImportRequest& request,
                                  const std::function<void(const FileImport&)>& done) {
  ProgressLine line;
  ImportProgress progress;
  progress.decoding = [&](const std::string& file, double f) { line(file, f); };
  progress.done = [&](const FileImport& f) {
    line.end();
    if (done) done(f);
  };
  return import_segments(ctx, request, progress);
}

/// The lines under an imported or duplicate segment: what was decided now, and whether it airs.
void print_decisions(const FileImport& o, CliContext& ctx, const date::time_zone* zone) {
  const SystemClock clock;
  const Segment& s = o.segment;
  for (const SegmentEvent& e : o.recorded) {
    std::cout << "  " << ctx.say(event_text(e, zone)) << '\n';
  }
  if (o.note) std::cout << "  " << ctx.say(*o.note) << '\n';
  const bool require_approval = ctx.config().require_approval;
  if (s.approval == Segment::Approval::kPending && require_approval) {
    std::cout << "  "
              << ctx.say({fmt::format("chờ duyệt: chưa được phát cho tới khi duyệt bằng: loaxa "
                                      "segment approve {} --by \"TÊN\"",
                                      s.id),
                          fmt::format("pending: it will not air until approved with: loaxa "
                                      "segment approve {} --by \"NAME\"",
                                      s.id)})
              << '\n';
  } else if (auto why = SegmentOperations(ctx.config(), clock).why_not_airing_today(s)) {
    const Text reason = not_airing_text(*why, s);
    std::cout << "  "
              << ctx.say({"không phát hôm nay: " + reason.vi, "not airing today: " + reason.en})
              << '\n';
  }
}

void print_outcome(const FileImport& o, CliContext& ctx) {
  const Segment& s = o.segment;
  switch (o.status) {
    case ImportStatus::kImported: {
      const std::string tag = s.tag.empty() ? "" : fmt::format(" [{}]", s.tag);
      const auto measured = [&](Lang l) {
        return fmt::format("{} {} Hz {}, {}, {} LUFS, {} {} dBTP, {} {} dB", s.format,
                           s.sample_rate, channels_word(s.channels, l),
                           clock_duration(s.duration_seconds()), decimal(s.loudness_lufs, 1, l),
                           l == Lang::kEn ? "peak" : "đỉnh", decimal(s.true_peak_dbtp, 1, l),
                           l == Lang::kEn ? "gain" : "điều chỉnh mức âm",
                           decimal(s.gain_db, 1, l, true));
      };
      std::cout << ctx.say({fmt::format("đã nhập {}: {} → \"{}\"{}; {}", s.id, o.file, s.title, tag,
                                        measured(Lang::kVi)),
                            fmt::format("imported {}: {} → \"{}\"{}; {}", s.id, o.file, s.title,
                                        tag, measured(Lang::kEn))})
                << '\n';
      print_decisions(o, ctx, zone_of(ctx));
      break;
    }
    case ImportStatus::kAlreadyThere:
      std::cout << ctx.say({fmt::format("đã có {}: {} trùng nội dung với đoạn \"{}\" đã nhập; "
                                        "không thêm bản mới",
                                        s.id, o.file, s.title),
                            fmt::format("already imported {}: {} has the same content as \"{}\"; "
                                        "no copy added",
                                        s.id, o.file, s.title)})
                << '\n';
      print_decisions(o, ctx, zone_of(ctx));
      break;
    case ImportStatus::kRefused:
      ctx.error({fmt::format("{}: không nhập: {}", o.file, o.refusal->message.vi),
                 fmt::format("{}: not imported: {}", o.file, o.refusal->message.en)});
      break;
  }
}

void run_import(CliContext& ctx, const ImportArgs& args) {
  ctx.config();  // a broken config is one error for the command, not one per file
  // Bad options are refused before any file is read or copied.
  SegmentImportRequest req;
  req.files = args.files;
  req.title = args.title;
  req.tag = args.tag;
  if (args.approve_by) req.approver = checked_name("--approve-by", *args.approve_by);
  req.valid_from = parse_date_option("--from", args.from, false).date;
  req.valid_until = parse_date_option("--until", args.until, false).date;
  Json all = Json::array();
  const ImportResult result = import_with_progress(ctx, req, [&](const FileImport& o) {
    if (args.json) {
      all.push_back(file_import_json(o, ctx.lang, zone_of(ctx)));
    } else {
      print_outcome(o, ctx);
    }
  });
  const std::size_t imported = result.count(ImportStatus::kImported);
  const std::size_t there = result.count(ImportStatus::kAlreadyThere);
  const std::size_t refused = result.count(ImportStatus::kRefused);
  if (args.json) {
    std::cout << printable(all) << '\n';
  } else if (args.files.size() > 1) {
    std::cout << ctx.say({fmt::format("{} tệp: {} đã nhập, {} đã có, {} bị từ chối",
                                      args.files.size(), imported, there, refused),
                          fmt::format("{} files: {} imported, {} already there, {} refused",
                                      args.files.size(), imported, there, refused)})
              << '\n';
  }
  if (refused > 0) ctx.exit_code = kExitProblem;
}

// ---------------------------------------------------------------------------------------------
// List and show

/// "đã duyệt — Nguyễn Văn A, 28/11/2026 06:00:00" / "chờ duyệt".
std::string approval_line(const Segment& s, CliContext& ctx, const date::time_zone* zone) {
  std::string line = ctx.say(approval_text(s.approval));
  if (s.approval != Segment::Approval::kPending && s.approved_at) {
    line += fmt::format(" — {}, {}", s.approved_by,
                        format_local_text(*s.approved_at, zone).in(ctx.lang));
  }
  return line;
}

/// "có" / "không — chưa được duyệt": whether the planner may pick it today.
std::string airs_line(const Segment& s, CliContext& ctx) {
  const SystemClock clock;
  const auto why = SegmentOperations(ctx.config(), clock).why_not_airing_today(s);
  if (!why) return ctx.say({"có", "yes"});
  const Text reason = not_airing_text(*why, s);
  return ctx.say({"không — " + reason.vi, "no — " + reason.en});
}

void run_list(CliContext& ctx, bool json) {
  const SystemClock clock;
  SegmentOperations ops(ctx.config(), clock);
  const std::vector<Segment> segments = ops.list();
  const date::time_zone* zone = zone_of(ctx);
  if (json) {
    Json all = Json::array();
    for (const Segment& s : segments) {
      all.push_back(segment_json(s, zone, ops.why_not_airing_today(s)));
    }
    std::cout << printable(all) << '\n';
    return;
  }
  if (segments.empty()) {
    std::cout << ctx.say({"chưa nhập đoạn âm thanh nào; nhập bằng: loaxa segment import TỆP...",
                          "no segment imported yet; import with: loaxa segment import FILE..."})
              << '\n';
    return;
  }
  constexpr std::size_t kTitleWidth = 36;
  const bool require_approval = ctx.config().require_approval;
  const date::year_month_day today = ops.today();
  std::vector<std::vector<std::string>> rows;
  rows.push_back(
      ctx.lang == Lang::kEn
          ? std::vector<std::string>{"ID", "TITLE", "TAG", "APPROVAL", "VALIDITY", "FORMAT",
                                     "DURATION", "LOUDNESS", "GAIN", "IMPORTED"}
          : std::vector<std::string>{"MÃ", "TIÊU ĐỀ", "NHÃN", "DUYỆT", "HIỆU LỰC", "ĐỊNH DẠNG",
                                     "THỜI LƯỢNG", "ĐỘ LỚN", "CHỈNH MỨC ÂM", "NGÀY NHẬP"});
  for (const Segment& s : segments) {
    // A range that excludes today is marked, so staff see at a glance why a segment is silent.
    std::string validity = ctx.say(validity_text(s));
    if (s.valid_until && today > *s.valid_until) {
      validity += ctx.say({" (hết hạn)", " (expired)"});
    } else if (s.valid_from && today < *s.valid_from) {
      validity += ctx.say({" (chưa tới)", " (not yet)"});
    }
    std::string approval = ctx.say(approval_text(s.approval));
    if (s.approval == Segment::Approval::kPending && !require_approval) {
      approval += ctx.say({" (không bắt buộc)", " (not required)"});
    }
    rows.push_back({s.id, clip(s.title, kTitleWidth), s.tag.empty() ? "-" : s.tag, approval,
                    validity, s.format, clock_duration(s.duration_seconds()),
                    decimal(s.loudness_lufs, 1, ctx.lang) + " LUFS",
                    decimal(s.gain_db, 1, ctx.lang, true) + " dB",
                    format_local_text(s.imported_at, zone).in(ctx.lang)});
  }
  std::vector<std::size_t> widths(rows.front().size(), 0);
  for (const auto& r : rows) {
    for (std::size_t c = 0; c < r.size(); ++c) widths[c] = std::max(widths[c], display_width(r[c]));
  }
  for (const auto& r : rows) {
    std::string line;
    for (std::size_t c = 0; c < r.size(); ++c) {
      line += c + 1 == r.size() ? r[c] : pad(r[c], widths[c] + 2);
    }
    std::cout << line << '\n';
  }
}

void run_show(CliContext& ctx, const std::string& id, bool json) {
  const SystemClock clock;
  SegmentOperations ops(ctx.config(), clock);
  const SegmentRecord record = ops.show(id);
  const Segment& s = record.segment;
  const std::vector<SegmentEvent>& history = record.history;
  const StationConfig& config = ctx.config();
  const date::time_zone* zone = zone_of(ctx);
  if (json) {
    std::cout << printable(segment_record_json(record, zone, ops.why_not_airing_today(s))) << '\n';
    return;
  }
  const fs::path copy = config.library / s.library_path;
  std::error_code ec;
  const bool present = fs::exists(copy, ec);
  const bool en = ctx.lang == Lang::kEn;
  const std::vector<std::pair<std::string, std::string>> fields = {
      {en ? "ID" : "Mã", s.id},
      {"SHA-256", s.sha256},
      {en ? "Title" : "Tiêu đề", s.title},
      {en ? "Tag" : "Nhãn", s.tag.empty() ? "-" : s.tag},
      {en ? "Note" : "Ghi chú", s.note.empty() ? "-" : s.note},
      {en ? "Format" : "Định dạng", s.format},
      {en ? "Original file" : "Tệp gốc", s.original_name},
      {en ? "Library copy" : "Bản trong thư viện", copy.string() + (present ? ""
                                                                    : en    ? "  (MISSING)"
                                                                            : "  (KHÔNG CÒN!)")},
      {en ? "Sample rate" : "Tần số lấy mẫu", fmt::format("{} Hz", s.sample_rate)},
      {en ? "Channels" : "Số kênh", channels_word(s.channels, ctx.lang)},
      {en ? "Frames" : "Số mẫu âm thanh", std::to_string(s.frames)},
      {en ? "Duration" : "Thời lượng",
       fmt::format("{} ({} s)", clock_duration(s.duration_seconds()),
                   decimal(s.duration_seconds(), 3, ctx.lang))},
      {en ? "Loudness" : "Độ lớn", decimal(s.loudness_lufs, 2, ctx.lang) + " LUFS"},
      {en ? "True peak" : "Đỉnh thực", decimal(s.true_peak_dbtp, 2, ctx.lang) + " dBTP"},
      {en ? "Gain" : "Điều chỉnh mức âm",
       en ? fmt::format("{} dB (to {} LUFS, peak ceiling {} dBTP)",
                        decimal(s.gain_db, 2, ctx.lang, true), config.target_lufs,
                        config.max_true_peak_dbtp)
          : fmt::format("{} dB (mục tiêu {} LUFS, trần đỉnh {} dBTP)",
                        decimal(s.gain_db, 2, ctx.lang, true),
                        decimal(config.target_lufs, 1, ctx.lang),
                        decimal(config.max_true_peak_dbtp, 1, ctx.lang))},
      {en ? "Imported" : "Ngày nhập", format_local_text(s.imported_at, zone).in(ctx.lang)},
      {en ? "Import order" : "Thứ tự nhập", std::to_string(s.import_order)},
      {en ? "Approval" : "Duyệt", approval_line(s, ctx, zone)},
      {en ? "Validity" : "Hiệu lực",
       s.valid_from || s.valid_until
           ? ctx.say(validity_text(s)) +
                 ctx.say({" (ngày địa phương, tính cả hai đầu)", " (local dates, inclusive)"})
           : ctx.say({"không giới hạn", "unlimited"})},
      {en ? "Airs today" : "Phát hôm nay", airs_line(s, ctx)},
  };
  std::size_t width = 0;
  for (const auto& [k, v] : fields) width = std::max(width, display_width(k));
  for (const auto& [k, v] : fields) std::cout << pad(k + ":", width + 2) << v << '\n';
  const std::string history_label = en ? "History:" : "Lịch sử:";
  if (history.empty()) {
    std::cout << pad(history_label, width + 2)
              << ctx.say({"chưa có quyết định nào", "no decision recorded"}) << '\n';
  }
  for (std::size_t i = 0; i < history.size(); ++i) {
    std::cout << pad(i == 0 ? history_label : "", width + 2)
              << ctx.say(event_text(history[i], zone)) << '\n';
  }
}

// ---------------------------------------------------------------------------------------------
// Approve, retire, validity, edit

struct ChangeArgs {
  std::vector<std::string> ids;  ///< one for every command but approve
  std::optional<std::string> by;
  std::optional<std::string> from;
  std::optional<std::string> until;
  std::optional<std::string> title;
  std::optional<std::string> tag;
  std::optional<std::string> note;
  bool json = false;
};

/// What a change command prints for people: its message, and whether the segment airs today.
void print_change(CliContext& ctx, const Segment& s, const Text& message) {
  std::cout << ctx.say(message) << '\n';
  std::cout << "  " << ctx.say({"phát hôm nay: ", "airs today: "}) << airs_line(s, ctx) << '\n';
}

void run_approve(CliContext& ctx, const ChangeArgs& args) {
  const std::string by = checked_name("--by", args.by.value_or(""));
  const std::vector<SegmentChange> changes = approve_segments(ctx, {args.ids, by});
  const date::time_zone* zone = zone_of(ctx);
  if (args.json) {
    // One object for one id, as before several could be given; an array for several.
    if (args.ids.size() == 1) {
      std::cout << printable(segment_change_json(changes.front(), zone)) << '\n';
    } else {
      Json all = Json::array();
      for (const SegmentChange& c : changes) all.push_back(segment_change_json(c, zone));
      std::cout << printable(all) << '\n';
    }
    return;
  }
  for (const SegmentChange& c : changes) {
    const Segment& s = c.segment;
    if (!c.event) {
      // Approving twice adds nothing an inspector needs; the first decision stands.
      print_change(
          ctx, s,
          {fmt::format("{} \"{}\" đã được duyệt bởi {} lúc {}; không ghi thêm", s.id, s.title,
                       s.approved_by, format_local_text(*s.approved_at, zone).vi),
           fmt::format("{} \"{}\" is already approved by {} at {}; nothing recorded", s.id, s.title,
                       s.approved_by, format_local_text(*s.approved_at, zone).en)});
      continue;
    }
    print_change(ctx, s,
                 {fmt::format("đã duyệt {} \"{}\" — bởi {} lúc {}", s.id, s.title, by,
                              format_local_text(c.event->at, zone).vi),
                  fmt::format("approved {} \"{}\" — by {} at {}", s.id, s.title, by,
                              format_local_text(c.event->at, zone).en)});
  }
}

void run_retire(CliContext& ctx, const ChangeArgs& args) {
  const std::string asked_by = args.by ? checked_name("--by", *args.by) : "";
  const SegmentChange c = retire_segment(ctx, {args.ids.front(), asked_by});
  const std::string by = c.event ? c.event->by : asked_by;
  const date::time_zone* zone = zone_of(ctx);
  const Segment& s = c.segment;
  if (args.json) {
    std::cout << printable(segment_change_json(c, zone)) << '\n';
  } else if (!c.event) {
    print_change(ctx, s,
                 {fmt::format("{} \"{}\" đã ngừng phát từ {} (bởi {}); không ghi thêm", s.id,
                              s.title, format_local_text(*s.approved_at, zone).vi, s.approved_by),
                  fmt::format("{} \"{}\" was already retired at {} (by {}); nothing recorded", s.id,
                              s.title, format_local_text(*s.approved_at, zone).en, s.approved_by)});
  } else {
    print_change(ctx, s,
                 {fmt::format("đã ngừng phát {} \"{}\" — bởi {} lúc {}; đoạn này sẽ không bao giờ "
                              "được phát nữa",
                              s.id, s.title, by, format_local_text(c.event->at, zone).vi),
                  fmt::format("retired {} \"{}\" — by {} at {}; it will never air again", s.id,
                              s.title, by, format_local_text(c.event->at, zone).en)});
  }
}

void run_validity(CliContext& ctx, const ChangeArgs& args) {
  if (!args.from && !args.until) {
    throw UserError({"cần --from NGÀY và/hoặc --until NGÀY (dạng 2026-12-01; - để bỏ giới hạn)",
                     "give --from DATE and/or --until DATE (as 2026-12-01; - for no limit)"});
  }
  const DateOption from = parse_date_option("--from", args.from, true);
  const DateOption until = parse_date_option("--until", args.until, true);
  ValidityRequest req;
  req.id = args.ids.front();
  if (from.given) req.from = from.date;
  if (until.given) req.until = until.date;
  req.by = args.by ? checked_name("--by", *args.by) : "";
  const SegmentChange c = set_segment_validity(ctx, req);
  const std::string by = c.event ? c.event->by : req.by;
  const Segment& s = c.segment;
  const Text range = validity_text(s);
  if (args.json) {
    std::cout << printable(segment_change_json(c, zone_of(ctx))) << '\n';
  } else if (!c.event) {
    print_change(
        ctx, s,
        {fmt::format("{} \"{}\": hiệu lực vẫn là {}; không ghi thêm", s.id, s.title, range.vi),
         fmt::format("{} \"{}\": validity is already {}; nothing recorded", s.id, s.title,
                     range.en)});
  } else {
    print_change(ctx, s,
                 {fmt::format("{} \"{}\": hiệu lực {} — bởi {}", s.id, s.title,
                              range.vi == "-" ? "không giới hạn" : range.vi, by),
                  fmt::format("{} \"{}\": valid {} — by {}", s.id, s.title,
                              range.en == "-" ? "without limit" : range.en, by)});
  }
}

void run_edit(CliContext& ctx, const ChangeArgs& args) {
  if (!args.title && !args.tag && !args.note) {
    throw UserError({"cần ít nhất một trong --title TIÊU_ĐỀ, --tag NHÃN, --note GHI_CHÚ",
                     "give at least one of --title TITLE, --tag TAG, --note TEXT"});
  }
  if (args.title && args.title->find_first_not_of(" \t\r\n") == std::string::npos) {
    throw UserError(
        {"--title trống; một đoạn âm thanh luôn có tiêu đề, ví dụ --title \"Bộ phận "
         "một cửa\"",
         "--title is blank; a segment always has a title, e.g. --title \"Bo phan "
         "mot cua\""});
  }
  EditRequest req;
  req.id = args.ids.front();
  req.title = args.title;
  req.tag = args.tag;
  req.note = args.note;
  req.by = args.by ? checked_name("--by", *args.by) : "";
  const SegmentChange c = edit_segment(ctx, req);
  const Segment& s = c.segment;
  const date::time_zone* zone = zone_of(ctx);
  if (args.json) {
    std::cout << printable(segment_change_json(c, zone)) << '\n';
  } else if (!c.event) {
    print_change(
        ctx, s,
        {fmt::format("{} \"{}\": không có gì khác với hiện tại; không ghi thêm", s.id, s.title),
         fmt::format("{} \"{}\": nothing differs from what it is; nothing recorded", s.id,
                     s.title)});
  } else {
    const Text changes = edit_text(*c.event);
    const Text when = format_local_text(c.event->at, zone);
    print_change(
        ctx, s,
        {fmt::format("đã sửa {}: {} — bởi {} lúc {}", s.id, changes.vi, c.event->by, when.vi),
         fmt::format("edited {}: {} — by {} at {}", s.id, changes.en, c.event->by, when.en)});
  }
}

}  // namespace

std::optional<ImportedFile> import_file(CliContext& ctx, const std::filesystem::path& file) {
  SegmentImportRequest req;
  req.files = {file.string()};
  const ImportResult result = import_with_progress(ctx, req, {});
  const FileImport& o = result.files.front();
  if (o.status == ImportStatus::kRefused) {
    print_outcome(o, ctx);
    return std::nullopt;
  }
  return ImportedFile{o.segment, o.status == ImportStatus::kAlreadyThere};
}

void add_segment_commands(CLI::App& app, CliContext& ctx) {
  CLI::App* segment = app.add_subcommand(
      "segment",
      ctx.say({"các đoạn âm thanh đã nhập: import (nhập), list (danh sách), show (chi tiết), "
               "approve (duyệt), retire (ngừng phát), validity (thời gian được phát), edit (sửa)",
               "imported recordings: import, list, show, approve, retire, validity, edit"}));
  segment->require_subcommand(1);
  // The same words wherever a command names one segment or prints what it recorded.
  const std::string id_help = ctx.say(
      {"mã đoạn: 12 ký tự, mã băm SHA-256 đầy đủ, hoặc ít nhất 4 ký tự đầu của một trong hai",
       "segment id: its 12 hex digits, the full SHA-256, or the first 4 or more of either"});
  const std::string json_help = ctx.say(
      {"in đoạn và sự kiện vừa ghi dưới dạng JSON", "print the segment and the event as JSON"});

  auto req = std::make_shared<ImportArgs>();
  CLI::App* import_cmd = segment->add_subcommand(
      "import",
      ctx.say({"giải mã, đo độ dài và mức âm, rồi chép các tệp âm thanh vào thư viện (WAV, FLAC, "
               "Ogg, MP3)",
               "decode, measure and copy audio files into the library (WAV, FLAC, Ogg, MP3)"}));
  import_cmd
      ->add_option("FILE", req->files,
                   ctx.say({"các tệp âm thanh cần nhập", "audio files to import"}))
      ->required();
  import_cmd->add_option("--title", req->title,
                         ctx.say({"tiêu đề (mặc định: tên tệp, bỏ phần đuôi)",
                                  "title (default: the file name without extension)"}));
  import_cmd->add_option("--tag", req->tag,
                         ctx.say({"nhãn chương trình, ví dụ cchc", "programme tag, e.g. cchc"}));
  import_cmd->add_option(
      "--approve-by", req->approve_by,
      ctx.say({"duyệt ngay, đứng tên người này (kể cả khi tệp trùng với một đoạn đang chờ duyệt)",
               "approve at once, in this person's name (also a pending duplicate)"}));
  import_cmd->add_option("--from", req->from,
                         ctx.say({"ngày đầu tiên được phát, theo giờ địa phương (YYYY-MM-DD)",
                                  "first local day it may air (YYYY-MM-DD)"}));
  import_cmd->add_option("--until", req->until,
                         ctx.say({"ngày cuối cùng được phát, theo giờ địa phương (YYYY-MM-DD)",
                                  "last local day it may air (YYYY-MM-DD)"}));
  import_cmd->add_flag(
      "--json", req->json,
      ctx.say({"in mỗi tệp một đối tượng JSON", "print one JSON object per file"}));
  import_cmd->callback([&ctx, req] { run_import(ctx, *req); });

  auto list_json = std::make_shared<bool>(false);
  CLI::App* list =
      segment->add_subcommand("list", ctx.say({"danh sách các đoạn đã nhập, theo thứ tự nhập",
                                               "imported segments, in import order"}));
  list->add_flag("--json", *list_json, ctx.say({"in dạng JSON", "print JSON"}));
  list->callback([&ctx, list_json] { run_list(ctx, *list_json); });

  auto show_id = std::make_shared<std::string>();
  auto show_json = std::make_shared<bool>(false);
  CLI::App* show = segment->add_subcommand(
      "show", ctx.say({"toàn bộ thông tin của một đoạn và lịch sử thay đổi của đoạn đó",
                       "every field of one segment, and its history"}));
  show->add_option("ID", *show_id, id_help)->required();
  show->add_flag("--json", *show_json, ctx.say({"in dạng JSON", "print JSON"}));
  show->callback([&ctx, show_id, show_json] { run_show(ctx, *show_id, *show_json); });

  auto approve_args = std::make_shared<ChangeArgs>();
  CLI::App* approve = segment->add_subcommand(
      "approve",
      ctx.say({"duyệt các đoạn để phát (có ghi lại người duyệt và thời điểm); duyệt tất cả hoặc "
               "không đoạn nào",
               "approve segments for broadcast (recorded with who/when); all or none"}));
  approve
      ->add_option("ID", approve_args->ids,
                   ctx.say({"mã các đoạn cần duyệt (mỗi mã: 12 ký tự, mã băm SHA-256 đầy đủ, hoặc "
                            "ít nhất 4 ký tự đầu)",
                            "ids of the segments to approve (each: 12 hex digits, the full "
                            "SHA-256, or their first 4 or more)"}))
      ->required();
  approve->add_option("--by", approve_args->by, ctx.say({"họ tên người duyệt", "who approves it"}))
      ->required();
  approve->add_flag(
      "--json", approve_args->json,
      ctx.say({"in đoạn và sự kiện vừa ghi dưới dạng JSON (một mảng khi có nhiều mã)",
               "print the segment and the event as JSON (an array for several ids)"}));
  approve->callback([&ctx, approve_args] { run_approve(ctx, *approve_args); });

  auto retire_args = std::make_shared<ChangeArgs>();
  retire_args->ids.resize(1);
  CLI::App* retire = segment->add_subcommand(
      "retire", ctx.say({"ngừng phát hẳn một đoạn (có ghi lại)",
                         "take a segment off the air for good (recorded)"}));
  retire->add_option("ID", retire_args->ids.front(), id_help)->required();
  retire->add_option("--by", retire_args->by,
                     ctx.say({"họ tên người cho ngừng phát (mặc định: tên đăng nhập)",
                              "who retires it (default: the login name)"}));
  retire->add_flag("--json", retire_args->json, json_help);
  retire->callback([&ctx, retire_args] { run_retire(ctx, *retire_args); });

  auto validity_args = std::make_shared<ChangeArgs>();
  validity_args->ids.resize(1);
  CLI::App* validity = segment->add_subcommand(
      "validity", ctx.say({"đặt khoảng ngày một đoạn được phát, theo giờ địa phương, tính cả ngày "
                           "đầu và ngày cuối (có ghi lại)",
                           "set the local dates a segment may air (inclusive; recorded)"}));
  validity->add_option("ID", validity_args->ids.front(), id_help)->required();
  validity->add_option("--from", validity_args->from,
                       ctx.say({"ngày đầu (YYYY-MM-DD, hoặc - nếu không giới hạn)",
                                "first day (YYYY-MM-DD, or - for no limit)"}));
  validity->add_option("--until", validity_args->until,
                       ctx.say({"ngày cuối (YYYY-MM-DD, hoặc - nếu không giới hạn)",
                                "last day (YYYY-MM-DD, or - for no limit)"}));
  validity->add_option("--by", validity_args->by,
                       ctx.say({"họ tên người quyết định (mặc định: tên đăng nhập)",
                                "who decides (default: the login name)"}));
  validity->add_flag("--json", validity_args->json, json_help);
  validity->callback([&ctx, validity_args] { run_validity(ctx, *validity_args); });

  auto edit_args = std::make_shared<ChangeArgs>();
  edit_args->ids.resize(1);
  CLI::App* edit = segment->add_subcommand(
      "edit", ctx.say({"sửa tiêu đề, nhãn hoặc ghi chú của một đoạn (có ghi lại như khi duyệt)",
                       "change a segment's title, tag or note (recorded like an approval)"}));
  edit->add_option("ID", edit_args->ids.front(), id_help)->required();
  edit->add_option("--title", edit_args->title, ctx.say({"tiêu đề mới", "new title"}));
  edit->add_option(
      "--tag", edit_args->tag,
      ctx.say({"nhãn chương trình mới, \"\" để bỏ nhãn", "new programme tag, \"\" for none"}));
  edit->add_option("--note", edit_args->note,
                   ctx.say({"ghi chú cho cán bộ và đoàn kiểm tra, \"\" để xóa",
                            "a note for staff and inspectors, \"\" to remove it"}));
  edit->add_option("--by", edit_args->by,
                   ctx.say({"họ tên người sửa (mặc định: tên đăng nhập)",
                            "who edits it (default: the login name)"}));
  edit->add_flag("--json", edit_args->json, json_help);
  edit->callback([&ctx, edit_args] { run_edit(ctx, *edit_args); });
}

}  // namespace loaxa
