// `loaxa segment import|list|show|approve|retire|validity`.

#include <SQLiteCpp/Transaction.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <system_error>
#include <vector>

#include "audio/audio_analysis.h"
#include "cli/cli_context.h"
#include "cli/segment_import.h"
#include "core/clock_duration.h"
#include "store/database.h"
#include "store/segment_repository.h"

namespace loaxa {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

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
  if (channels == 1) return lang == Lang::kEn ? "mono" : "đơn kênh";
  if (channels == 2) return "stereo";
  return fmt::format("{} {}", channels, lang == Lang::kEn ? "channels" : "kênh");
}

/// Rounds to `digits` decimals, so JSON shows -6.02 rather than -6.0200000000000005.
double round_to(double v, int digits) {
  const double scale = std::pow(10.0, digits);
  return std::round(v * scale) / scale;
}

const date::time_zone* zone_of(CliContext& ctx) {
  const date::time_zone* zone = find_zone(ctx.config().timezone);
  return zone != nullptr ? zone : find_zone("UTC");
}

// ---------------------------------------------------------------------------------------------
// Approval and validity

/// Now, read once at the edge: core and store take instants as parameters.
Instant now_utc() {
  return std::chrono::floor<std::chrono::microseconds>(std::chrono::system_clock::now());
}

/// Today's local date in the station's zone: validity dates are local dates.
date::year_month_day today_in(const date::time_zone* zone) {
  const date::zoned_time<std::chrono::microseconds> zt{zone, now_utc()};
  return date::year_month_day{date::floor<date::days>(zt.get_local_time())};
}

/// The login name of whoever runs the command: recorded when no --by is given, so that an
/// event never lacks a person.
std::string current_user() {
  if (const passwd* pw = ::getpwuid(::geteuid()); pw != nullptr && pw->pw_name != nullptr) {
    return pw->pw_name;
  }
  if (const char* user = std::getenv("USER"); user != nullptr && *user != '\0') return user;
  return "uid " + std::to_string(::geteuid());
}

/// A --by value: trimmed; empty is refused, since an anonymous approval means nothing.
std::string checked_name(const std::string& option, const std::string& name) {
  const auto first = name.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) {
    throw UserError({fmt::format("{} cần tên người quyết định, ví dụ {} \"Nguyễn Văn A, Chủ "
                                 "tịch UBND xã\"",
                                 option, option),
                     fmt::format("{} needs the name of the person deciding, e.g. {} \"Nguyen Van "
                                 "A, commune chairman\"",
                                 option, option)});
  }
  const auto last = name.find_last_not_of(" \t\r\n");
  return name.substr(first, last - first + 1);
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

/// "2026-12-01 → 2026-12-31", "từ 2026-12-01", "đến 2026-12-31", or "-" for no limit.
Text validity_text(const Segment& s) {
  if (s.valid_from && s.valid_until) {
    const std::string both = format_date(*s.valid_from) + " → " + format_date(*s.valid_until);
    return {both, both};
  }
  if (s.valid_from) {
    return {"từ " + format_date(*s.valid_from), "from " + format_date(*s.valid_from)};
  }
  if (s.valid_until) {
    return {"đến " + format_date(*s.valid_until), "until " + format_date(*s.valid_until)};
  }
  return {"-", "-"};
}

/// Why the segment does not air on `day` (nullopt when it does).
std::optional<Text> not_airing_reason(const Segment& s, date::year_month_day day,
                                      bool require_approval) {
  if (eligible(s, day, require_approval)) return std::nullopt;
  if (s.approval == Segment::Approval::kRetired) {
    return Text{"đã ngừng phát", "retired"};
  }
  if (require_approval && s.approval != Segment::Approval::kApproved) {
    return Text{"chưa được duyệt", "not approved"};
  }
  if (s.valid_from && day < *s.valid_from) {
    return Text{"chưa tới ngày hiệu lực " + format_date(*s.valid_from),
                "not valid before " + format_date(*s.valid_from)};
  }
  return Text{"hết hiệu lực từ sau " + format_date(*s.valid_until),
              "expired after " + format_date(*s.valid_until)};
}

Json date_json(const std::optional<date::year_month_day>& d) {
  return d ? Json(format_date(*d)) : Json();
}

/// The approval and validity keys shared by list, show and import output.
void add_approval_json(Json& j, const Segment& s, const date::time_zone* zone) {
  j["approval"] = std::string(approval_name(s.approval));
  j["approved_by"] = s.approval == Segment::Approval::kPending ? Json() : Json(s.approved_by);
  j["approved_at"] = s.approved_at ? Json(format_iso(*s.approved_at, zone)) : Json();
  j["valid_from"] = date_json(s.valid_from);
  j["valid_until"] = date_json(s.valid_until);
}

Json event_json(const SegmentEvent& e, const date::time_zone* zone) {
  Json j;
  j["seq"] = e.seq;
  j["kind"] = std::string(kind_name(e.kind));
  j["by"] = e.by;
  j["at"] = format_iso(e.at, zone);
  if (e.kind == SegmentEvent::Kind::kValidity) {
    j["valid_from"] = date_json(e.valid_from);
    j["valid_until"] = date_json(e.valid_until);
  }
  return j;
}

/// One line of history for people: "2026-11-28 06:00:00  đã duyệt  — Nguyễn Văn A".
Text event_text(const SegmentEvent& e, const date::time_zone* zone) {
  const std::string when = format_local(e.at, zone);
  switch (e.kind) {
    case SegmentEvent::Kind::kApproved:
      return {fmt::format("{}  duyệt — {}", when, e.by),
              fmt::format("{}  approved — {}", when, e.by)};
    case SegmentEvent::Kind::kRetired:
      return {fmt::format("{}  ngừng phát — {}", when, e.by),
              fmt::format("{}  retired — {}", when, e.by)};
    case SegmentEvent::Kind::kValidity: {
      Segment range;
      range.valid_from = e.valid_from;
      range.valid_until = e.valid_until;
      const Text v = validity_text(range);
      return {
          fmt::format("{}  hiệu lực {} — {}", when, v.vi == "-" ? "không giới hạn" : v.vi, e.by),
          fmt::format("{}  validity {} — {}", when, v.en == "-" ? "unlimited" : v.en, e.by)};
    }
  }
  return {"?", "?"};
}

Json segment_json(const Segment& s, const date::time_zone* zone) {
  Json j;
  j["id"] = s.id;
  j["sha256"] = s.sha256;
  j["title"] = s.title;
  j["tag"] = s.tag;
  j["format"] = s.format;
  j["original_name"] = s.original_name;
  j["library_path"] = s.library_path;
  j["sample_rate"] = s.sample_rate;
  j["channels"] = s.channels;
  j["frames"] = s.frames;
  j["duration_seconds"] = round_to(s.duration_seconds(), 3);
  j["loudness_lufs"] = round_to(s.loudness_lufs, 2);
  j["true_peak_dbtp"] = round_to(s.true_peak_dbtp, 2);
  j["gain_db"] = s.gain_db;  // exact: it is the gain the player applies
  j["imported_at"] = format_iso(s.imported_at, zone);
  j["import_order"] = s.import_order;
  add_approval_json(j, s, zone);
  return j;
}

// ---------------------------------------------------------------------------------------------
// Import

/// Removes a file on scope exit unless released: what makes a failed import leave nothing.
class RemoveUnlessKept {
 public:
  explicit RemoveUnlessKept(fs::path path) : path_(std::move(path)) {}
  ~RemoveUnlessKept() {
    if (!path_.empty()) {
      std::error_code ec;
      fs::remove(path_, ec);
    }
  }
  RemoveUnlessKept(const RemoveUnlessKept&) = delete;
  RemoveUnlessKept& operator=(const RemoveUnlessKept&) = delete;
  void watch(fs::path path) { path_ = std::move(path); }
  void keep() { path_.clear(); }

 private:
  fs::path path_;
};

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const noexcept { return fd_; }
  /// Closes now, so that a failing close (NFS, full disk) is seen.
  int close() {
    const int r = ::close(fd_);
    fd_ = -1;
    return r;
  }

 private:
  int fd_;
};

[[noreturn]] void library_error(const fs::path& where, int err) {
  const std::string why = std::strerror(err);
  throw UserError({fmt::format("không ghi được vào thư viện {} ({}); kiểm tra quyền ghi và dung "
                               "lượng đĩa",
                               where.string(), why),
                   fmt::format("cannot write to the library {} ({}); check permissions and free "
                               "disk space",
                               where.string(), why)});
}

/// Copies `from` to a fresh hidden file in `dir`, flushed to disk; returns its path. The name is
/// unique so that two imports never write into the same temporary file.
fs::path copy_to_temp(const fs::path& from, const fs::path& dir, RemoveUnlessKept& cleanup) {
  std::string tmpl = (dir / ".import-XXXXXX").string();
  Fd out(::mkstemp(tmpl.data()));
  if (out.get() < 0) library_error(dir, errno);
  cleanup.watch(tmpl);
  ::fchmod(out.get(), 0644);
  Fd in(::open(from.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) library_error(from, errno);
  std::vector<char> buf(1 << 16);
  for (;;) {
    const ssize_t got = ::read(in.get(), buf.data(), buf.size());
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) library_error(from, errno);
    if (got == 0) break;
    for (ssize_t done = 0; done < got;) {
      const ssize_t put =
          ::write(out.get(), buf.data() + done, static_cast<std::size_t>(got - done));
      if (put < 0 && errno == EINTR) continue;
      if (put < 0) library_error(tmpl, errno);
      done += put;
    }
  }
  if (::fsync(out.get()) != 0 || out.close() != 0) library_error(tmpl, errno);
  return tmpl;
}

/// Makes a rename durable: the directory entry, not only the file's data, must reach the disk
/// before the database points at it.
void fsync_dir(const fs::path& dir) {
  Fd d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (d.get() < 0 || ::fsync(d.get()) != 0) library_error(dir, errno);
}

enum class Status { kImported, kDuplicate, kRefused };

struct Outcome {
  std::string file;
  Status status = Status::kRefused;
  std::string reason;  ///< reason_name() or "library" / "database"
  Text error;
  std::optional<AudioAnalysis> audio;
  Segment segment;                     ///< the new one, or for a duplicate the one already there
  std::vector<SegmentEvent> recorded;  ///< approval/validity events this import appended
  std::optional<Text> note;            ///< why --approve-by or --from/--until were not applied
};

/// Prints "\r<file>: 42%" on stderr once an import has run for a second, so a long recording on
/// a slow board does not look like a hang, and a quick import prints nothing.
class ProgressLine {
 public:
  explicit ProgressLine(std::string file)
      : file_(std::move(file)), start_(std::chrono::steady_clock::now()) {}
  ~ProgressLine() {
    if (shown_ >= 0) std::cerr << '\n' << std::flush;
  }
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  void operator()(double fraction) {
    const int percent = static_cast<int>(fraction * 100);
    if (percent == shown_) return;
    if (shown_ < 0 && std::chrono::steady_clock::now() - start_ < std::chrono::seconds(1)) return;
    shown_ = percent;
    std::cerr << '\r' << file_ << ": " << percent << '%' << std::flush;
  }

 private:
  std::string file_;
  std::chrono::steady_clock::time_point start_;
  int shown_ = -1;
};

struct ImportRequest {
  std::vector<std::string> files;
  std::string title;
  std::string tag;
  std::optional<std::string> approve_by;
  std::optional<std::string> from;
  std::optional<std::string> until;
  bool json = false;

  // Checked before any file is read (run_import).
  std::optional<std::string> approver;
  std::optional<date::year_month_day> valid_from;
  std::optional<date::year_month_day> valid_until;
  bool validity_given() const { return from.has_value() || until.has_value(); }
};

class Importer {
 public:
  Importer(CliContext& ctx, const ImportRequest& req) : ctx_(ctx), req_(req) {}

  Outcome import_one(const std::string& file) {
    Outcome o;
    o.file = file;
    o.segment.title = req_.title.empty() ? fs::path(file).stem().string() : req_.title;
    o.segment.tag = req_.tag;
    try {
      run(o);
    } catch (const UserError& e) {
      o.status = Status::kRefused;
      if (o.reason.empty()) o.reason = "library";
      o.error = e.text();
    } catch (const std::exception& e) {
      o.status = Status::kRefused;
      if (o.reason.empty()) o.reason = "database";
      o.error = {fmt::format("lỗi cơ sở dữ liệu: {}", e.what()),
                 fmt::format("database error: {}", e.what())};
    }
    return o;
  }

 private:
  void run(Outcome& o) {
    std::variant<AudioAnalysis, AudioRefusal> result;
    {
      ProgressLine progress(o.file);
      result = analyse_audio(o.file, [&](double f) { progress(f); });
    }
    if (auto* refusal = std::get_if<AudioRefusal>(&result)) {
      o.status = Status::kRefused;
      o.reason = std::string(reason_name(refusal->reason));
      o.error = refusal->message;
      return;
    }
    const AudioAnalysis& a = std::get<AudioAnalysis>(result);
    o.audio = a;

    o.reason = "database";
    SegmentRepository repo(database());
    if (auto existing = repo.find_by_sha256(a.sha256)) {
      o.status = Status::kDuplicate;
      o.segment = *existing;
      settle_duplicate(repo, o);
      return;
    }
    o.reason.clear();

    const StationConfig& config = ctx_.config();
    Segment& s = o.segment;
    s.sha256 = a.sha256;
    s.id = a.sha256.substr(0, 12);
    s.format = a.format;
    s.original_name = fs::path(o.file).filename().string();
    s.sample_rate = a.sample_rate;
    s.channels = a.channels;
    s.frames = a.frames;
    s.loudness_lufs = a.loudness_lufs;
    s.true_peak_dbtp = a.true_peak_dbtp;
    s.gain_db = gain_to_target(a.loudness_lufs, a.true_peak_dbtp, config.target_lufs,
                               config.max_true_peak_dbtp);
    std::string ext = library_extension(a.format);
    s.library_path = ext.empty() ? a.sha256 : a.sha256 + "." + ext;

    const fs::path library = config.library;
    std::error_code ec;
    fs::create_directories(library, ec);
    if (ec) library_error(library, ec.value());

    RemoveUnlessKept cleanup{fs::path()};
    const fs::path temp = copy_to_temp(o.file, library, cleanup);
    // The bytes stored must be the bytes measured: a file still being written (a USB copy in
    // progress) would otherwise be recorded under a hash its copy does not have.
    if (sha256_of_file(temp) != a.sha256) {
      o.reason = "changed";
      throw UserError(
          {"tệp thay đổi trong khi nhập (đang được chép vào?); hãy đợi chép xong "
           "rồi nhập lại",
           "the file changed while being imported (still being copied?); wait for "
           "the copy to finish and import again"});
    }
    const fs::path final_path = library / s.library_path;
    if (::rename(temp.c_str(), final_path.c_str()) != 0) library_error(final_path, errno);
    cleanup.watch(final_path);
    fsync_dir(library);

    s.imported_at = now_utc();
    try {
      // The row and its first events together: an import never leaves a segment that airs
      // without the approval asked for, nor one approved without its validity.
      SQLite::Transaction tx(database(), SQLite::TransactionBehavior::IMMEDIATE);
      repo.insert(s);
      record_initial_events(repo, o);
      tx.commit();
    } catch (const std::exception&) {
      o.recorded.clear();
      // Another `loaxa segment import` of the same content may have won the race: then the
      // file now belongs to its row and must stay.
      if (auto winner = repo.find_by_sha256(a.sha256)) {
        cleanup.keep();
        o.status = Status::kDuplicate;
        o.segment = *winner;
        settle_duplicate(repo, o);
        return;
      }
      o.reason = "database";
      throw;
    }
    cleanup.keep();
    o.status = Status::kImported;
  }

  /// Who an import's own events are by: the approver when there is one.
  std::string actor() const { return req_.approver ? *req_.approver : current_user(); }

  void record(SegmentRepository& repo, Outcome& o, SegmentEvent event) {
    repo.append(event);
    apply_event(o.segment, event);
    o.recorded.push_back(std::move(event));
  }

  void record_initial_events(SegmentRepository& repo, Outcome& o) {
    if (req_.validity_given()) {
      record(repo, o,
             {0, o.segment.id, SegmentEvent::Kind::kValidity, actor(), o.segment.imported_at,
              req_.valid_from, req_.valid_until});
    }
    if (req_.approver) {
      record(repo, o,
             {0,
              o.segment.id,
              SegmentEvent::Kind::kApproved,
              *req_.approver,
              o.segment.imported_at,
              {},
              {}});
    }
  }

  /// Content already imported: the options still apply, so that re-running an import (as
  /// `make run` does every time) converges on what it asks for; nothing already decided is
  /// repeated, and a retired segment stays retired.
  void settle_duplicate(SegmentRepository& repo, Outcome& o) {
    const Segment& s = o.segment;
    const bool wants_approval = req_.approver && s.approval == Segment::Approval::kPending;
    const bool wants_validity = req_.validity_given() && (s.valid_from != req_.valid_from ||
                                                          s.valid_until != req_.valid_until);
    if (s.approval == Segment::Approval::kRetired && (req_.approver || wants_validity)) {
      o.note = Text{fmt::format("đoạn này đã ngừng phát (bởi {}); không duyệt hay đổi hiệu lực",
                                s.approved_by),
                    fmt::format("this segment is retired (by {}); not approved, validity not "
                                "changed",
                                s.approved_by)};
      return;
    }
    if (!wants_approval && !wants_validity) return;
    const Instant at = now_utc();
    SQLite::Transaction tx(database(), SQLite::TransactionBehavior::IMMEDIATE);
    if (wants_validity) {
      record(
          repo, o,
          {0, s.id, SegmentEvent::Kind::kValidity, actor(), at, req_.valid_from, req_.valid_until});
    }
    if (wants_approval) {
      record(repo, o, {0, s.id, SegmentEvent::Kind::kApproved, *req_.approver, at, {}, {}});
    }
    tx.commit();
  }

  /// Opened on the first file that decodes, so that refusing every file creates nothing.
  SQLite::Database& database() {
    if (!db_) db_ = open_database(ctx_.config().database);
    return *db_;
  }

  CliContext& ctx_;
  const ImportRequest& req_;
  std::unique_ptr<SQLite::Database> db_;
};

Json outcome_json(const Outcome& o, Lang lang, const date::time_zone* zone) {
  static const char* const kStatus[] = {"imported", "duplicate", "refused"};
  const bool known = o.status != Status::kRefused;
  const Segment& s = o.segment;
  Json j;
  j["file"] = o.file;
  j["status"] = kStatus[static_cast<int>(o.status)];
  j["id"] = known ? Json(s.id) : Json();
  j["sha256"] = known ? Json(s.sha256) : o.audio ? Json(o.audio->sha256) : Json();
  j["title"] = s.title;
  j["tag"] = s.tag;
  if (known) {
    j["format"] = s.format;
    j["sample_rate"] = s.sample_rate;
    j["channels"] = s.channels;
    j["frames"] = s.frames;
    j["duration_seconds"] = round_to(s.duration_seconds(), 3);
    j["loudness_lufs"] = round_to(s.loudness_lufs, 2);
    j["true_peak_dbtp"] = round_to(s.true_peak_dbtp, 2);
    j["gain_db"] = s.gain_db;  // exact: it is the gain the player applies
    add_approval_json(j, s, zone);
  } else {
    for (const char* k : {"format", "sample_rate", "channels", "frames", "duration_seconds",
                          "loudness_lufs", "true_peak_dbtp", "gain_db", "approval", "approved_by",
                          "approved_at", "valid_from", "valid_until"}) {
      j[k] = nullptr;
    }
  }
  Json events = Json::array();
  for (const SegmentEvent& e : o.recorded) events.push_back(event_json(e, zone));
  j["events"] = std::move(events);
  j["note"] = o.note ? Json(o.note->in(lang)) : Json();
  j["error"] = known ? Json() : Json(o.error.in(lang));
  j["reason"] = known ? Json() : Json(o.reason);
  return j;
}

/// The lines under an imported or duplicate segment: what was decided now, and whether it airs.
void print_decisions(const Outcome& o, CliContext& ctx, const date::time_zone* zone) {
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
  } else if (auto reason = not_airing_reason(s, today_in(zone), require_approval)) {
    std::cout << "  "
              << ctx.say({"không phát hôm nay: " + reason->vi, "not airing today: " + reason->en})
              << '\n';
  }
}

void print_outcome(const Outcome& o, CliContext& ctx) {
  const Segment& s = o.segment;
  const Lang lang = ctx.lang;
  switch (o.status) {
    case Status::kImported: {
      const std::string tag = s.tag.empty() ? "" : fmt::format(" [{}]", s.tag);
      std::cout << ctx.say({fmt::format("đã nhập {}: {} → \"{}\"{}; {} {} Hz {}, {}, {:.1f} LUFS, "
                                        "đỉnh {:.1f} dBTP, khuếch đại {:+.1f} dB",
                                        s.id, o.file, s.title, tag, s.format, s.sample_rate,
                                        channels_word(s.channels, lang),
                                        clock_duration(s.duration_seconds()), s.loudness_lufs,
                                        s.true_peak_dbtp, s.gain_db),
                            fmt::format("imported {}: {} → \"{}\"{}; {} {} Hz {}, {}, {:.1f} LUFS, "
                                        "peak {:.1f} dBTP, gain {:+.1f} dB",
                                        s.id, o.file, s.title, tag, s.format, s.sample_rate,
                                        channels_word(s.channels, lang),
                                        clock_duration(s.duration_seconds()), s.loudness_lufs,
                                        s.true_peak_dbtp, s.gain_db)})
                << '\n';
      print_decisions(o, ctx, zone_of(ctx));
      break;
    }
    case Status::kDuplicate:
      std::cout << ctx.say({fmt::format("đã có {}: {} trùng nội dung với đoạn \"{}\" đã nhập; "
                                        "không thêm bản mới",
                                        s.id, o.file, s.title),
                            fmt::format("already imported {}: {} has the same content as \"{}\"; "
                                        "no copy added",
                                        s.id, o.file, s.title)})
                << '\n';
      print_decisions(o, ctx, zone_of(ctx));
      break;
    case Status::kRefused:
      ctx.error({fmt::format("{}: không nhập: {}", o.file, o.error.vi),
                 fmt::format("{}: not imported: {}", o.file, o.error.en)});
      break;
  }
}

void run_import(CliContext& ctx, ImportRequest& req) {
  ctx.config();  // a broken config is one error for the command, not one per file
  // Bad options are refused before any file is read or copied.
  if (req.approve_by) req.approver = checked_name("--approve-by", *req.approve_by);
  req.valid_from = parse_date_option("--from", req.from, false).date;
  req.valid_until = parse_date_option("--until", req.until, false).date;
  if (auto error = validity_error(req.valid_from, req.valid_until)) throw UserError(*error);
  Importer importer(ctx, req);
  Json all = Json::array();
  int counts[3] = {0, 0, 0};
  for (const std::string& file : req.files) {
    Outcome o = importer.import_one(file);
    ++counts[static_cast<int>(o.status)];
    if (req.json) {
      all.push_back(outcome_json(o, ctx.lang, zone_of(ctx)));
    } else {
      print_outcome(o, ctx);
    }
  }
  if (req.json) {
    std::cout << all.dump(2) << '\n';
  } else if (req.files.size() > 1) {
    std::cout << ctx.say({fmt::format("{} tệp: {} đã nhập, {} đã có, {} bị từ chối",
                                      req.files.size(), counts[0], counts[1], counts[2]),
                          fmt::format("{} files: {} imported, {} already there, {} refused",
                                      req.files.size(), counts[0], counts[1], counts[2])})
              << '\n';
  }
  if (counts[static_cast<int>(Status::kRefused)] > 0) ctx.exit_code = kExitProblem;
}

// ---------------------------------------------------------------------------------------------
// List and show

/// The repository over an existing database, or nothing when no segment was ever imported.
std::unique_ptr<SQLite::Database> existing_database(CliContext& ctx) {
  std::error_code ec;
  if (!fs::exists(ctx.config().database, ec)) return nullptr;
  return open_database_readonly(ctx.config().database);
}

/// "đã duyệt — Nguyễn Văn A, 2026-11-28 06:00:00" / "chờ duyệt".
std::string approval_line(const Segment& s, CliContext& ctx, const date::time_zone* zone) {
  std::string line = ctx.say(approval_text(s.approval));
  if (s.approval != Segment::Approval::kPending && s.approved_at) {
    line += fmt::format(" — {}, {}", s.approved_by, format_local(*s.approved_at, zone));
  }
  return line;
}

/// "có" / "không — chưa được duyệt": whether the planner may pick it today.
std::string airs_line(const Segment& s, CliContext& ctx, const date::time_zone* zone) {
  const auto reason = not_airing_reason(s, today_in(zone), ctx.config().require_approval);
  if (!reason) return ctx.say({"có", "yes"});
  return ctx.say({"không — " + reason->vi, "no — " + reason->en});
}

void run_list(CliContext& ctx, bool json) {
  auto db = existing_database(ctx);
  const std::vector<Segment> segments = db ? SegmentRepository(*db).all() : std::vector<Segment>{};
  const date::time_zone* zone = zone_of(ctx);
  if (json) {
    Json all = Json::array();
    for (const Segment& s : segments) all.push_back(segment_json(s, zone));
    std::cout << all.dump(2) << '\n';
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
  const date::year_month_day today = today_in(zone);
  std::vector<std::vector<std::string>> rows;
  rows.push_back(
      ctx.lang == Lang::kEn
          ? std::vector<std::string>{"ID", "TITLE", "TAG", "APPROVAL", "VALIDITY", "FORMAT",
                                     "DURATION", "LOUDNESS", "GAIN", "IMPORTED"}
          : std::vector<std::string>{"MÃ", "TIÊU ĐỀ", "NHÃN", "DUYỆT", "HIỆU LỰC", "ĐỊNH DẠNG",
                                     "THỜI LƯỢNG", "ĐỘ LỚN", "KHUẾCH ĐẠI", "NGÀY NHẬP"});
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
                    fmt::format("{:.1f} LUFS", s.loudness_lufs),
                    fmt::format("{:+.1f} dB", s.gain_db), format_local(s.imported_at, zone)});
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
  auto db = existing_database(ctx);
  std::optional<Segment> found;
  if (db) {
    SegmentRepository repo(*db);
    found = id.size() == 64 ? repo.find_by_sha256(id) : repo.find_by_id(id);
  }
  if (!found) {
    ctx.error(
        {fmt::format("không có đoạn âm thanh mã \"{}\"; xem các mã bằng: loaxa segment list", id),
         fmt::format("no segment with id \"{}\"; see the ids with: loaxa segment list", id)});
    ctx.exit_code = kExitProblem;
    return;
  }
  const Segment& s = *found;
  const StationConfig& config = ctx.config();
  const date::time_zone* zone = zone_of(ctx);
  const std::vector<SegmentEvent> history = SegmentRepository(*db).events(s.id);
  if (json) {
    Json j = segment_json(s, zone);
    Json events = Json::array();
    for (const SegmentEvent& e : history) events.push_back(event_json(e, zone));
    j["events"] = std::move(events);
    std::cout << j.dump(2) << '\n';
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
      {en ? "Format" : "Định dạng", s.format},
      {en ? "Original file" : "Tệp gốc", s.original_name},
      {en ? "Library copy" : "Bản trong thư viện", copy.string() + (present ? ""
                                                                    : en    ? "  (MISSING)"
                                                                            : "  (KHÔNG CÒN!)")},
      {en ? "Sample rate" : "Tần số lấy mẫu", fmt::format("{} Hz", s.sample_rate)},
      {en ? "Channels" : "Số kênh",
       fmt::format("{} ({})", s.channels, channels_word(s.channels, ctx.lang))},
      {en ? "Frames" : "Số khung", std::to_string(s.frames)},
      {en ? "Duration" : "Thời lượng",
       fmt::format("{} ({:.3f} s)", clock_duration(s.duration_seconds()), s.duration_seconds())},
      {en ? "Loudness" : "Độ lớn", fmt::format("{:.2f} LUFS", s.loudness_lufs)},
      {en ? "True peak" : "Đỉnh thực", fmt::format("{:.2f} dBTP", s.true_peak_dbtp)},
      {en ? "Gain" : "Khuếch đại",
       en ? fmt::format("{:+.2f} dB (to {} LUFS, peak ceiling {} dBTP)", s.gain_db,
                        config.target_lufs, config.max_true_peak_dbtp)
          : fmt::format("{:+.2f} dB (mục tiêu {} LUFS, trần đỉnh {} dBTP)", s.gain_db,
                        config.target_lufs, config.max_true_peak_dbtp)},
      {en ? "Imported" : "Ngày nhập", format_local(s.imported_at, zone)},
      {en ? "Import order" : "Thứ tự nhập", std::to_string(s.import_order)},
      {en ? "Approval" : "Duyệt", approval_line(s, ctx, zone)},
      {en ? "Validity" : "Hiệu lực",
       s.valid_from || s.valid_until
           ? ctx.say(validity_text(s)) +
                 ctx.say({" (ngày địa phương, tính cả hai đầu)", " (local dates, inclusive)"})
           : ctx.say({"không giới hạn", "unlimited"})},
      {en ? "Airs today" : "Phát hôm nay", airs_line(s, ctx, zone)},
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
// Approve, retire, validity

/// The segment named on the command line (12-digit id or full SHA-256) from a database opened
/// for writing; throws UserError when there is none.
Segment find_for_change(CliContext& ctx, std::unique_ptr<SQLite::Database>& db,
                        const std::string& id) {
  std::error_code ec;
  if (fs::exists(ctx.config().database, ec)) {
    db = open_database(ctx.config().database);
    SegmentRepository repo(*db);
    auto found = id.size() == 64 ? repo.find_by_sha256(id) : repo.find_by_id(id);
    if (found) return *found;
  }
  throw UserError(
      {fmt::format("không có đoạn âm thanh mã \"{}\"; xem các mã bằng: loaxa segment list", id),
       fmt::format("no segment with id \"{}\"; see the ids with: loaxa segment list", id)});
}

struct ChangeRequest {
  std::string id;
  std::optional<std::string> by;
  std::optional<std::string> from;
  std::optional<std::string> until;
  bool json = false;
};

/// What a change command prints: the segment after it, and the event it appended (if any).
void print_change(CliContext& ctx, const Segment& s, const std::optional<SegmentEvent>& event,
                  const Text& message, bool json) {
  const date::time_zone* zone = zone_of(ctx);
  if (json) {
    Json j = segment_json(s, zone);
    j["event"] = event ? event_json(*event, zone) : Json();
    std::cout << j.dump(2) << '\n';
    return;
  }
  std::cout << ctx.say(message) << '\n';
  std::cout << "  " << ctx.say({"phát hôm nay: ", "airs today: "}) << airs_line(s, ctx, zone)
            << '\n';
}

void run_approve(CliContext& ctx, const ChangeRequest& req) {
  const std::string by = checked_name("--by", req.by.value_or(""));
  std::unique_ptr<SQLite::Database> db;
  Segment s = find_for_change(ctx, db, req.id);
  const date::time_zone* zone = zone_of(ctx);
  if (s.approval == Segment::Approval::kApproved) {
    // Approving twice adds nothing an inspector needs; the first decision stands.
    print_change(ctx, s, std::nullopt,
                 {fmt::format("{} \"{}\" đã được duyệt bởi {} lúc {}; không ghi thêm", s.id,
                              s.title, s.approved_by, format_local(*s.approved_at, zone)),
                  fmt::format("{} \"{}\" is already approved by {} at {}; nothing recorded", s.id,
                              s.title, s.approved_by, format_local(*s.approved_at, zone))},
                 req.json);
    return;
  }
  const SegmentEvent e = SegmentRepository(*db).approve(s.id, by, now_utc());
  apply_event(s, e);
  print_change(ctx, s, e,
               {fmt::format("đã duyệt {} \"{}\" — bởi {} lúc {}", s.id, s.title, by,
                            format_local(e.at, zone)),
                fmt::format("approved {} \"{}\" — by {} at {}", s.id, s.title, by,
                            format_local(e.at, zone))},
               req.json);
}

void run_retire(CliContext& ctx, const ChangeRequest& req) {
  const std::string by = req.by ? checked_name("--by", *req.by) : current_user();
  std::unique_ptr<SQLite::Database> db;
  Segment s = find_for_change(ctx, db, req.id);
  const date::time_zone* zone = zone_of(ctx);
  if (s.approval == Segment::Approval::kRetired) {
    print_change(ctx, s, std::nullopt,
                 {fmt::format("{} \"{}\" đã ngừng phát từ {} (bởi {}); không ghi thêm", s.id,
                              s.title, format_local(*s.approved_at, zone), s.approved_by),
                  fmt::format("{} \"{}\" was already retired at {} (by {}); nothing recorded", s.id,
                              s.title, format_local(*s.approved_at, zone), s.approved_by)},
                 req.json);
    return;
  }
  const SegmentEvent e = SegmentRepository(*db).retire(s.id, by, now_utc());
  apply_event(s, e);
  print_change(ctx, s, e,
               {fmt::format("đã ngừng phát {} \"{}\" — bởi {} lúc {}; đoạn này sẽ không bao giờ "
                            "được phát nữa",
                            s.id, s.title, by, format_local(e.at, zone)),
                fmt::format("retired {} \"{}\" — by {} at {}; it will never air again", s.id,
                            s.title, by, format_local(e.at, zone))},
               req.json);
}

void run_validity(CliContext& ctx, const ChangeRequest& req) {
  if (!req.from && !req.until) {
    throw UserError({"cần --from NGÀY và/hoặc --until NGÀY (dạng 2026-12-01; - để bỏ giới hạn)",
                     "give --from DATE and/or --until DATE (as 2026-12-01; - for no limit)"});
  }
  const DateOption from = parse_date_option("--from", req.from, true);
  const DateOption until = parse_date_option("--until", req.until, true);
  const std::string by = req.by ? checked_name("--by", *req.by) : current_user();
  std::unique_ptr<SQLite::Database> db;
  Segment s = find_for_change(ctx, db, req.id);
  if (s.approval == Segment::Approval::kRetired) {
    throw UserError({fmt::format("{} đã ngừng phát (bởi {}); đổi hiệu lực của nó không còn ý nghĩa",
                                 s.id, s.approved_by),
                     fmt::format("{} is retired (by {}); changing its validity would mean nothing",
                                 s.id, s.approved_by)});
  }
  // An end not named keeps its current value, so `--until` alone extends a campaign.
  const auto new_from = from.given ? from.date : s.valid_from;
  const auto new_until = until.given ? until.date : s.valid_until;
  if (auto error = validity_error(new_from, new_until)) throw UserError(*error);
  if (new_from == s.valid_from && new_until == s.valid_until) {
    print_change(ctx, s, std::nullopt,
                 {fmt::format("{} \"{}\": hiệu lực vẫn là {}; không ghi thêm", s.id, s.title,
                              validity_text(s).vi),
                  fmt::format("{} \"{}\": validity is already {}; nothing recorded", s.id, s.title,
                              validity_text(s).en)},
                 req.json);
    return;
  }
  const SegmentEvent e =
      SegmentRepository(*db).set_validity(s.id, new_from, new_until, by, now_utc());
  apply_event(s, e);
  const Text range = validity_text(s);
  print_change(ctx, s, e,
               {fmt::format("{} \"{}\": hiệu lực {} — bởi {}", s.id, s.title,
                            range.vi == "-" ? "không giới hạn" : range.vi, by),
                fmt::format("{} \"{}\": valid {} — by {}", s.id, s.title,
                            range.en == "-" ? "without limit" : range.en, by)},
               req.json);
}

}  // namespace

std::optional<ImportedFile> import_file(CliContext& ctx, const std::filesystem::path& file) {
  ImportRequest req;
  req.files = {file.string()};
  Importer importer(ctx, req);
  Outcome o = importer.import_one(file.string());
  if (o.status == Status::kRefused) {
    print_outcome(o, ctx);
    return std::nullopt;
  }
  return ImportedFile{o.segment, o.status == Status::kDuplicate};
}

void add_segment_commands(CLI::App& app, CliContext& ctx) {
  CLI::App* segment = app.add_subcommand(
      "segment",
      ctx.say({"các đoạn âm thanh đã nhập: import (nhập), list (danh sách), show (chi tiết), "
               "approve (duyệt), retire (ngừng phát), validity (thời gian được phát)",
               "imported recordings: import, list, show, approve, retire, validity"}));
  segment->require_subcommand(1);

  auto req = std::make_shared<ImportRequest>();
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
  show->add_option("ID", *show_id,
                   ctx.say({"mã đoạn (12 chữ số thập lục phân) hoặc mã băm SHA-256 đầy đủ",
                            "segment id (12 hex digits) or full SHA-256"}))
      ->required();
  show->add_flag("--json", *show_json, ctx.say({"in dạng JSON", "print JSON"}));
  show->callback([&ctx, show_id, show_json] { run_show(ctx, *show_id, *show_json); });

  auto approve_req = std::make_shared<ChangeRequest>();
  CLI::App* approve = segment->add_subcommand(
      "approve", ctx.say({"duyệt một đoạn để phát (có ghi lại người duyệt và thời điểm)",
                          "approve a segment for broadcast (recorded with who/when)"}));
  approve
      ->add_option("ID", approve_req->id,
                   ctx.say({"mã đoạn (12 chữ số thập lục phân) hoặc mã băm SHA-256 đầy đủ",
                            "segment id (12 hex digits) or full SHA-256"}))
      ->required();
  approve->add_option("--by", approve_req->by, ctx.say({"họ tên người duyệt", "who approves it"}))
      ->required();
  approve->add_flag("--json", approve_req->json,
                    ctx.say({"in đoạn và sự kiện vừa ghi dưới dạng JSON",
                             "print the segment and the event as JSON"}));
  approve->callback([&ctx, approve_req] { run_approve(ctx, *approve_req); });

  auto retire_req = std::make_shared<ChangeRequest>();
  CLI::App* retire = segment->add_subcommand(
      "retire", ctx.say({"ngừng phát hẳn một đoạn (có ghi lại)",
                         "take a segment off the air for good (recorded)"}));
  retire
      ->add_option("ID", retire_req->id,
                   ctx.say({"mã đoạn (12 chữ số thập lục phân) hoặc mã băm SHA-256 đầy đủ",
                            "segment id (12 hex digits) or full SHA-256"}))
      ->required();
  retire->add_option("--by", retire_req->by,
                     ctx.say({"họ tên người cho ngừng phát (mặc định: tên đăng nhập)",
                              "who retires it (default: the login name)"}));
  retire->add_flag("--json", retire_req->json,
                   ctx.say({"in đoạn và sự kiện vừa ghi dưới dạng JSON",
                            "print the segment and the event as JSON"}));
  retire->callback([&ctx, retire_req] { run_retire(ctx, *retire_req); });

  auto validity_req = std::make_shared<ChangeRequest>();
  CLI::App* validity = segment->add_subcommand(
      "validity", ctx.say({"đặt khoảng ngày một đoạn được phát, theo giờ địa phương, tính cả ngày "
                           "đầu và ngày cuối (có ghi lại)",
                           "set the local dates a segment may air (inclusive; recorded)"}));
  validity
      ->add_option("ID", validity_req->id,
                   ctx.say({"mã đoạn (12 chữ số thập lục phân) hoặc mã băm SHA-256 đầy đủ",
                            "segment id (12 hex digits) or full SHA-256"}))
      ->required();
  validity->add_option("--from", validity_req->from,
                       ctx.say({"ngày đầu (YYYY-MM-DD, hoặc - nếu không giới hạn)",
                                "first day (YYYY-MM-DD, or - for no limit)"}));
  validity->add_option("--until", validity_req->until,
                       ctx.say({"ngày cuối (YYYY-MM-DD, hoặc - nếu không giới hạn)",
                                "last day (YYYY-MM-DD, or - for no limit)"}));
  validity->add_option("--by", validity_req->by,
                       ctx.say({"họ tên người quyết định (mặc định: tên đăng nhập)",
                                "who decides (default: the login name)"}));
  validity->add_flag("--json", validity_req->json,
                     ctx.say({"in đoạn và sự kiện vừa ghi dưới dạng JSON",
                              "print the segment and the event as JSON"}));
  validity->callback([&ctx, validity_req] { run_validity(ctx, *validity_req); });
}

}  // namespace loaxa
