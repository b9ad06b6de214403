// `loaxa segment import`, `loaxa segment list`, `loaxa segment show`.

#include <fcntl.h>
#include <fmt/format.h>
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

/// "0:32", "12:05", "1:02:03".
std::string clock_duration(double seconds) {
  const auto s = static_cast<long>(std::llround(seconds));
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
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
  Segment segment;  ///< the new one, or for a duplicate the one already there
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
  bool json = false;
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

    s.imported_at = std::chrono::floor<std::chrono::microseconds>(std::chrono::system_clock::now());
    try {
      repo.insert(s);
    } catch (const std::exception&) {
      // Another `loaxa segment import` of the same content may have won the race: then the
      // file now belongs to its row and must stay.
      if (auto winner = repo.find_by_sha256(a.sha256)) {
        cleanup.keep();
        o.status = Status::kDuplicate;
        o.segment = *winner;
        return;
      }
      o.reason = "database";
      throw;
    }
    cleanup.keep();
    o.status = Status::kImported;
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

Json outcome_json(const Outcome& o, Lang lang) {
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
  } else {
    for (const char* k : {"format", "sample_rate", "channels", "frames", "duration_seconds",
                          "loudness_lufs", "true_peak_dbtp", "gain_db"}) {
      j[k] = nullptr;
    }
  }
  j["error"] = known ? Json() : Json(o.error.in(lang));
  j["reason"] = known ? Json() : Json(o.reason);
  return j;
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
      break;
    }
    case Status::kDuplicate:
      std::cout << ctx.say({fmt::format("đã có {}: {} trùng nội dung với đoạn \"{}\" đã nhập; "
                                        "không thêm gì",
                                        s.id, o.file, s.title),
                            fmt::format("already imported {}: {} has the same content as \"{}\"; "
                                        "nothing added",
                                        s.id, o.file, s.title)})
                << '\n';
      break;
    case Status::kRefused:
      ctx.error({fmt::format("{}: không nhập: {}", o.file, o.error.vi),
                 fmt::format("{}: not imported: {}", o.file, o.error.en)});
      break;
  }
}

void run_import(CliContext& ctx, const ImportRequest& req) {
  ctx.config();  // a broken config is one error for the command, not one per file
  Importer importer(ctx, req);
  Json all = Json::array();
  int counts[3] = {0, 0, 0};
  for (const std::string& file : req.files) {
    Outcome o = importer.import_one(file);
    ++counts[static_cast<int>(o.status)];
    if (req.json) {
      all.push_back(outcome_json(o, ctx.lang));
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
  if (counts[static_cast<int>(Status::kRefused)] > 0) ctx.exit_code = 1;
}

// ---------------------------------------------------------------------------------------------
// List and show

/// The repository over an existing database, or nothing when no segment was ever imported.
std::unique_ptr<SQLite::Database> existing_database(CliContext& ctx) {
  std::error_code ec;
  if (!fs::exists(ctx.config().database, ec)) return nullptr;
  return open_database_readonly(ctx.config().database);
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
  std::vector<std::vector<std::string>> rows;
  rows.push_back(ctx.lang == Lang::kEn
                     ? std::vector<std::string>{"ID", "TITLE", "TAG", "FORMAT", "DURATION",
                                                "LOUDNESS", "GAIN", "IMPORTED"}
                     : std::vector<std::string>{"MÃ", "TIÊU ĐỀ", "NHÃN", "ĐỊNH DẠNG", "THỜI LƯỢNG",
                                                "ĐỘ LỚN", "KHUẾCH ĐẠI", "NGÀY NHẬP"});
  for (const Segment& s : segments) {
    rows.push_back({s.id, clip(s.title, kTitleWidth), s.tag.empty() ? "-" : s.tag, s.format,
                    clock_duration(s.duration_seconds()),
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
    ctx.exit_code = 1;
    return;
  }
  const Segment& s = *found;
  const StationConfig& config = ctx.config();
  const date::time_zone* zone = zone_of(ctx);
  if (json) {
    std::cout << segment_json(s, zone).dump(2) << '\n';
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
  };
  std::size_t width = 0;
  for (const auto& [k, v] : fields) width = std::max(width, display_width(k));
  for (const auto& [k, v] : fields) std::cout << pad(k + ":", width + 2) << v << '\n';
}

}  // namespace

void add_segment_commands(CLI::App& app, CliContext& ctx) {
  CLI::App* segment = app.add_subcommand("segment", "imported recordings: import, list, show");
  segment->require_subcommand(1);

  auto req = std::make_shared<ImportRequest>();
  CLI::App* import = segment->add_subcommand(
      "import", "decode, measure and copy audio files into the library (WAV, FLAC, Ogg, MP3)");
  import->add_option("FILE", req->files, "audio files to import")->required();
  import->add_option("--title", req->title, "title (default: the file name without extension)");
  import->add_option("--tag", req->tag, "programme tag, e.g. cchc");
  import->add_flag("--json", req->json, "print one JSON object per file");
  import->callback([&ctx, req] { run_import(ctx, *req);
});

auto list_json = std::make_shared<bool>(false);
CLI::App* list = segment->add_subcommand("list", "imported segments, in import order");
list->add_flag("--json", *list_json, "print JSON");
list->callback([&ctx, list_json] { run_list(ctx, *list_json); });

auto show_id = std::make_shared<std::string>();
auto show_json = std::make_shared<bool>(false);
CLI::App* show = segment->add_subcommand("show", "every field of one segment");
show->add_option("ID", *show_id, "segment id (12 hex digits) or full SHA-256")->required();
show->add_flag("--json", *show_json, "print JSON");
show->callback([&ctx, show_id, show_json] { run_show(ctx, *show_id, *show_json); });
}  // namespace loaxa

}  // namespace loaxa
