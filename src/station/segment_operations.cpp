#include "station/segment_operations.h"

#include <SQLiteCpp/Transaction.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <variant>

#include "audio/audio_analysis.h"
#include "station/nfc.h"
#include "station/owned_fd.h"
#include "station/station_plan.h"
#include "store/database.h"
#include "store/segment_repository.h"

namespace loaxa {

std::optional<ImportRefusal> file_name_refusal(const std::string& file) {
  const std::filesystem::path path(file);
  if (nfc(path.filename().string()) && nfc(path.stem().string())) return std::nullopt;
  return ImportRefusal{
      "name_not_utf8",
      {"tên tệp không phải chữ Unicode (UTF-8), có lẽ được đặt trên máy dùng bảng mã cũ "
       "(TCVN3, VNI); hãy đổi tên tệp rồi nhập lại",
       "the file name is not UTF-8 text (named on a machine with an old code page such as "
       "TCVN3 or VNI?); rename the file and import again"}};
}

std::optional<std::string> person_name(const std::string& name) {
  const auto first = name.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return std::nullopt;
  const auto last = name.find_last_not_of(" \t\r\n");
  return name.substr(first, last - first + 1);
}

namespace {

namespace fs = std::filesystem;

/// A person's name as recorded in an event: trimmed; blank is refused, since an anonymous
/// decision means nothing.
std::string checked_person(const std::string& name) {
  std::optional<std::string> person = person_name(name);
  if (!person) {
    throw UserError({"cần tên người quyết định, ví dụ \"Nguyễn Văn A, Chủ tịch UBND xã\"",
                     "the name of the person deciding is required, e.g. \"Nguyen Van A, "
                     "commune chairman\""});
  }
  return *std::move(person);
}

bool blank(const std::string& s) {
  return s.find_first_not_of(" \t\r\n") == std::string::npos;
}

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

[[noreturn]] void library_error(const fs::path& where, int err) {
  const std::string why = std::strerror(err);
  throw UserError({fmt::format("không ghi được vào thư viện {} ({}); kiểm tra quyền ghi và dung "
                               "lượng đĩa",
                               where.string(), why),
                   fmt::format("cannot write to the library {} ({}); check permissions and free "
                               "disk space",
                               where.string(), why)});
}

/// Copies what `in` reads (`from` names it in messages) to a fresh hidden file in `dir` named
/// from `pattern` (its Xs made unique, `suffix` bytes after them kept), with `mode`; returns its
/// path. The name is unique so that two imports never write into the same temporary file.
fs::path copy_fd_to_temp(int in, const fs::path& from, const fs::path& dir,
                         const std::string& pattern, int suffix, mode_t mode, bool durable,
                         RemoveUnlessKept& cleanup) {
  std::string tmpl = (dir / pattern).string();
  OwnedFd out(::mkstemps(tmpl.data(), suffix));
  if (out.get() < 0) library_error(dir, errno);
  cleanup.watch(tmpl);
  ::fchmod(out.get(), mode);
  std::vector<char> buf(1 << 16);
  for (;;) {
    const ssize_t got = ::read(in, buf.data(), buf.size());
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
  if ((durable && ::fsync(out.get()) != 0) || out.close() != 0) library_error(tmpl, errno);
  return tmpl;
}

/// Copies `from` into the library folder `dir`, flushed to disk, to be renamed into place.
fs::path copy_to_temp(const fs::path& from, const fs::path& dir, RemoveUnlessKept& cleanup) {
  OwnedFd in(::open(from.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) library_error(from, errno);
  return copy_fd_to_temp(in.get(), from, dir, ".import-XXXXXX", 0, 0644, true, cleanup);
}

/// Makes a rename durable: the directory entry, not only the file's data, must reach the disk
/// before the database points at it.
void fsync_dir(const fs::path& dir) {
  OwnedFd d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (d.get() < 0 || ::fsync(d.get()) != 0) library_error(dir, errno);
}

/// Text a person gave for `field` ("tiêu đề"/"title", ...), in NFC; refused when it is not
/// UTF-8, since it could be shown to nobody as it was meant.
std::string typed_text(const std::string& text, const Text& field) {
  if (auto normal = nfc(text)) return *normal;
  throw UserError({fmt::format("{} không phải chữ Unicode (UTF-8); hãy gõ lại", field.vi),
                   fmt::format("the {} is not UTF-8 text; type it again", field.en)});
}

const Text kTitleField{"tiêu đề", "title"};
const Text kTagField{"nhãn", "tag"};
const Text kNoteField{"ghi chú", "note"};

}  // namespace

std::size_t ImportResult::count(ImportStatus status) const {
  return static_cast<std::size_t>(std::count_if(
      files.begin(), files.end(), [&](const FileImport& f) { return f.status == status; }));
}

// ---------------------------------------------------------------------------------------------
// Import

class SegmentOperations::Importer {
 public:
  Importer(SegmentOperations& ops, const SegmentImportRequest& req, std::string actor,
           const ImportProgress& progress)
      : ops_(ops), req_(req), actor_(std::move(actor)), progress_(progress) {}

  /// `file` is the name people gave; `opened`, when not -1, the file as the person's `loaxa`
  /// opened it (loaxad may not be able to open it by name).
  FileImport import_one(const std::string& file, int opened) {
    FileImport o;
    o.file = file;
    source_ = file;
    o.segment.tag = req_.tag;
    // The title a file gets when none is given: its name without the extension, in NFC, so
    // "Thông báo thuế đất.wav" is titled "Thông báo thuế đất" however its name was typed.
    const std::optional<std::string> name = nfc(fs::path(file).filename().string());
    const std::optional<std::string> stem = nfc(fs::path(file).stem().string());
    o.segment.title = req_.title ? *req_.title : stem.value_or(fs::path(file).stem().string());
    if (auto refusal = file_name_refusal(file); refusal || !name || !stem) {
      // Its original_name would be kept as bytes no one can show, and its title would be too.
      o.status = ImportStatus::kRefused;
      o.refusal = refusal;
      return o;
    }
    // Removes the private copy of an opened file, whatever happens to the import.
    RemoveUnlessKept staged{fs::path()};
    try {
      if (opened >= 0 && !stage(o, opened, staged)) return o;
      run(o);
    } catch (const UserError& e) {
      refuse(o, "library", e.text());
    } catch (const std::exception& e) {
      refuse(o, "database",
             {fmt::format("lỗi cơ sở dữ liệu: {}", e.what()),
              fmt::format("database error: {}", e.what())});
    }
    return o;
  }

 private:
  /// Copies the opened file `fd` into a file of this process's own beside the library, which
  /// the rest of the import reads as it reads a file named on the command line. False, with `o`
  /// refused, when it is not a regular file.
  bool stage(FileImport& o, int fd, RemoveUnlessKept& cleanup) {
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      o.status = ImportStatus::kRefused;
      o.refusal = ImportRefusal{"unreadable", {"không phải một tệp thường", "not a regular file"}};
      return false;
    }
    const fs::path library = ops_.config_.library;
    std::error_code ec;
    fs::create_directories(library, ec);
    ::lseek(fd, 0, SEEK_SET);
    // The extension is kept: it is how a decoder is chosen for a file its content leaves open.
    const std::string ext = fs::path(o.file).extension().string();
    source_ = copy_fd_to_temp(fd, o.file, library, ".incoming-XXXXXX" + ext,
                              static_cast<int>(ext.size()), 0600, false, cleanup)
                  .string();
    return true;
  }

  /// Marks `o` refused; a reason already named by the step that failed is kept.
  void refuse(FileImport& o, const std::string& code, Text message) {
    o.status = ImportStatus::kRefused;
    o.recorded.clear();
    o.refusal = ImportRefusal{reason_.empty() ? code : reason_, std::move(message)};
  }

  void run(FileImport& o) {
    reason_.clear();
    const auto result = analyse_audio(source_, [&](double f) {
      if (progress_.decoding) progress_.decoding(o.file, f);
    });
    if (const auto* refusal = std::get_if<AudioRefusal>(&result)) {
      o.status = ImportStatus::kRefused;
      o.refusal = ImportRefusal{std::string(reason_name(refusal->reason)), refusal->message};
      return;
    }
    const AudioAnalysis& a = std::get<AudioAnalysis>(result);
    o.sha256 = a.sha256;

    reason_ = "database";
    SegmentRepository repo(database());
    if (auto existing = repo.find_by_sha256(a.sha256)) {
      o.status = ImportStatus::kAlreadyThere;
      o.segment = *existing;
      settle_duplicate(repo, o);
      return;
    }
    reason_.clear();

    const StationConfig& config = ops_.config_;
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
    const std::string ext = library_extension(a.format);
    s.library_path = ext.empty() ? a.sha256 : a.sha256 + "." + ext;

    const fs::path library = config.library;
    std::error_code ec;
    fs::create_directories(library, ec);
    if (ec) library_error(library, ec.value());

    RemoveUnlessKept cleanup{fs::path()};
    const fs::path temp = copy_to_temp(source_, library, cleanup);
    // The bytes stored must be the bytes measured: a file still being written (a USB copy in
    // progress) would otherwise be recorded under a hash its copy does not have.
    if (sha256_of_file(temp) != a.sha256) {
      reason_ = "changed";
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

    s.imported_at = ops_.clock_.now();
    try {
      // The row and its first events together: an import never leaves a segment that airs
      // without the approval asked for, nor one approved without its validity.
      SQLite::Transaction tx(database(), SQLite::TransactionBehavior::IMMEDIATE);
      repo.insert(s);
      record_initial_events(repo, o);
      tx.commit();
    } catch (const std::exception&) {
      o.recorded.clear();
      // Another import of the same content may have won the race: then the file now belongs
      // to its row and must stay.
      if (auto winner = repo.find_by_sha256(a.sha256)) {
        cleanup.keep();
        o.status = ImportStatus::kAlreadyThere;
        o.segment = *winner;
        settle_duplicate(repo, o);
        return;
      }
      reason_ = "database";
      throw;
    }
    cleanup.keep();
    o.status = ImportStatus::kImported;
  }

  /// Who an import's own events are by: the approver when there is one.
  const std::string& actor() const { return req_.approver ? *req_.approver : actor_; }

  bool validity_given() const { return req_.valid_from || req_.valid_until; }

  void record(SegmentRepository& repo, FileImport& o, SegmentEvent event) {
    repo.append(event);
    apply_event(o.segment, event);
    o.recorded.push_back(std::move(event));
  }

  void record_initial_events(SegmentRepository& repo, FileImport& o) {
    if (validity_given()) {
      record(repo, o,
             {0,
              o.segment.id,
              SegmentEvent::Kind::kValidity,
              actor(),
              o.segment.imported_at,
              req_.valid_from,
              req_.valid_until,
              {},
              {},
              {}});
    }
    if (req_.approver) {
      record(repo, o,
             {0,
              o.segment.id,
              SegmentEvent::Kind::kApproved,
              *req_.approver,
              o.segment.imported_at,
              {},
              {},
              {},
              {},
              {}});
    }
  }

  /// Content already imported: the options still apply (see SegmentOperations::import).
  void settle_duplicate(SegmentRepository& repo, FileImport& o) {
    const Segment& s = o.segment;
    const bool wants_approval = req_.approver && s.approval == Segment::Approval::kPending;
    const bool wants_validity =
        validity_given() && (s.valid_from != req_.valid_from || s.valid_until != req_.valid_until);
    if (s.approval == Segment::Approval::kRetired && (req_.approver || wants_validity)) {
      o.note = Text{fmt::format("đoạn này đã ngừng phát (bởi {}); không duyệt hay đổi hiệu lực",
                                s.approved_by),
                    fmt::format("this segment is retired (by {}); not approved, validity not "
                                "changed",
                                s.approved_by)};
      return;
    }
    if (!wants_approval && !wants_validity) return;
    const Instant at = ops_.clock_.now();
    SQLite::Transaction tx(database(), SQLite::TransactionBehavior::IMMEDIATE);
    if (wants_validity) {
      record(repo, o,
             {0,
              s.id,
              SegmentEvent::Kind::kValidity,
              actor(),
              at,
              req_.valid_from,
              req_.valid_until,
              {},
              {},
              {}});
    }
    if (wants_approval) {
      record(repo, o,
             {0, s.id, SegmentEvent::Kind::kApproved, *req_.approver, at, {}, {}, {}, {}, {}});
    }
    tx.commit();
  }

  /// Opened on the first file that decodes, so that refusing every file creates nothing.
  SQLite::Database& database() { return *ops_.database(/*create=*/true); }

  SegmentOperations& ops_;
  const SegmentImportRequest& req_;
  std::string actor_;
  const ImportProgress& progress_;
  std::string source_;  ///< where the current file's bytes are read
  std::string reason_;  ///< the refusal code of the step under way, when it is not "library"
};

SegmentOperations::SegmentOperations(const StationConfig& config, const Clock& clock)
    : config_(config), clock_(clock) {}

SegmentOperations::~SegmentOperations() = default;

ImportResult SegmentOperations::import(const SegmentImportRequest& request,
                                       const std::string& actor, const ImportProgress& progress) {
  // The request is checked before any file is read or copied.
  SegmentImportRequest req = request;
  if (req.approver) req.approver = checked_person(*req.approver);
  if (req.title && blank(*req.title)) {
    throw UserError({"tiêu đề trống; hãy đặt tiêu đề, hoặc bỏ đi để lấy tên tệp",
                     "the title is blank; give one, or leave it out to use the file name"});
  }
  if (req.title) req.title = typed_text(*req.title, kTitleField);
  req.tag = typed_text(req.tag, kTagField);
  if (auto error = validity_error(req.valid_from, req.valid_until)) throw UserError(*error);
  Importer importer(*this, req, actor, progress);
  ImportResult result;
  for (std::size_t i = 0; i < req.files.size(); ++i) {
    const std::string& file = req.files[i];
    result.files.push_back(importer.import_one(file, i < req.opened.size() ? req.opened[i] : -1));
    if (progress.done) progress.done(result.files.back());
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Reading

SQLite::Database* SegmentOperations::database(bool create) {
  if (!db_) {
    std::error_code ec;
    if (!create && !fs::exists(config_.database, ec)) return nullptr;
    db_ = open_database(config_.database);
  }
  return db_.get();
}

SQLite::Database* SegmentOperations::reader() {
  if (db_) return db_.get();
  if (!reader_) {
    std::error_code ec;
    if (!fs::exists(config_.database, ec)) return nullptr;
    reader_ = open_database_readonly(config_.database);
  }
  return reader_.get();
}

std::vector<Segment> SegmentOperations::list() {
  SQLite::Database* db = reader();
  return db != nullptr ? SegmentRepository(*db).all() : std::vector<Segment>{};
}

SegmentLookup SegmentOperations::find(std::string_view id) {
  SQLite::Database* db = reader();
  return db != nullptr ? find_segment(SegmentRepository(*db), id) : find_segment_in_nothing(id);
}

SegmentRecord SegmentOperations::show(std::string_view id) {
  SegmentLookup found = find(id);
  if (!found.found()) throw UserError(found.message());
  SegmentRecord r{std::move(*found.segment), {}};
  r.history = SegmentRepository(*reader()).events(r.segment.id);
  return r;
}

// ---------------------------------------------------------------------------------------------
// Changes

Segment SegmentOperations::for_change(std::string_view id) {
  SQLite::Database* db = database(/*create=*/false);
  if (db == nullptr) throw UserError(find_segment_in_nothing(id).message());
  return segment_named(SegmentRepository(*db), id);
}

std::vector<SegmentChange> SegmentOperations::approve(const ApproveRequest& request) {
  const std::string by = checked_person(request.by);
  if (request.ids.empty()) {
    throw UserError({"cần mã của ít nhất một đoạn âm thanh để duyệt",
                     "give the id of at least one segment to approve"});
  }
  SQLite::Database* db = database(/*create=*/false);
  std::vector<SegmentLookup> lookups;
  for (const std::string& id : request.ids) {
    lookups.push_back(db != nullptr ? find_segment(SegmentRepository(*db), id)
                                    : find_segment_in_nothing(id));
  }
  // Every name that does not resolve is said at once, so one run shows all there is to fix.
  Text errors;
  for (const SegmentLookup& l : lookups) {
    if (l.found()) continue;
    const Text m = l.message();
    errors.vi += (errors.vi.empty() ? "" : "\n") + m.vi;
    errors.en += (errors.en.empty() ? "" : "\n") + m.en;
  }
  if (!errors.vi.empty()) {
    if (lookups.size() > 1) {
      errors.vi += "\nkhông duyệt đoạn nào";
      errors.en += "\nnothing was approved";
    }
    throw UserError(errors);
  }

  SegmentRepository repo(*db);
  std::vector<SegmentChange> changes;
  const Instant at = clock_.now();
  SQLite::Transaction tx(*db, SQLite::TransactionBehavior::IMMEDIATE);
  try {
    for (SegmentLookup& l : lookups) {
      const bool seen = std::any_of(changes.begin(), changes.end(), [&](const SegmentChange& c) {
        return c.segment.id == l.segment->id;
      });
      if (seen) continue;
      // Read again inside the transaction: another approval may have landed since the lookup.
      SegmentChange c{*repo.find_by_id(l.segment->id), std::nullopt};
      if (c.segment.approval != Segment::Approval::kApproved) {
        // A retired segment throws here, and the transaction takes back the others.
        c.event = repo.approve(c.segment.id, by, at);
        apply_event(c.segment, *c.event);
      }
      changes.push_back(std::move(c));
    }
  } catch (const UserError& e) {
    if (lookups.size() == 1) throw;
    throw UserError(
        {e.text().vi + "\nkhông duyệt đoạn nào", e.text().en + "\nnothing was approved"});
  }
  tx.commit();
  return changes;
}

SegmentChange SegmentOperations::retire(const RetireRequest& request) {
  const std::string by = checked_person(request.by);
  SegmentChange c{for_change(request.id), std::nullopt};
  if (c.segment.approval == Segment::Approval::kRetired) return c;
  c.event = SegmentRepository(*db_).retire(c.segment.id, by, clock_.now());
  apply_event(c.segment, *c.event);
  return c;
}

SegmentChange SegmentOperations::set_validity(const ValidityRequest& request) {
  if (!request.from && !request.until) {
    throw UserError({"cần ngày bắt đầu và/hoặc ngày kết thúc hiệu lực mới",
                     "give a new first and/or last day of validity"});
  }
  const std::string by = checked_person(request.by);
  SegmentChange c{for_change(request.id), std::nullopt};
  const Segment& s = c.segment;
  if (s.approval == Segment::Approval::kRetired) {
    throw UserError({fmt::format("{} đã ngừng phát (bởi {}); đổi hiệu lực của nó không còn ý nghĩa",
                                 s.id, s.approved_by),
                     fmt::format("{} is retired (by {}); changing its validity would mean nothing",
                                 s.id, s.approved_by)});
  }
  // An end not named keeps its current value, so `--until` alone extends a campaign.
  const auto new_from = request.from ? *request.from : s.valid_from;
  const auto new_until = request.until ? *request.until : s.valid_until;
  if (auto error = validity_error(new_from, new_until)) throw UserError(*error);
  if (new_from == s.valid_from && new_until == s.valid_until) return c;
  c.event = SegmentRepository(*db_).set_validity(s.id, new_from, new_until, by, clock_.now());
  apply_event(c.segment, *c.event);
  return c;
}

SegmentChange SegmentOperations::edit(const EditRequest& request) {
  if (!request.title && !request.tag && !request.note) {
    throw UserError({"cần ít nhất một điều để sửa: tiêu đề, nhãn hoặc ghi chú mới",
                     "give at least one thing to change: a new title, tag or note"});
  }
  if (request.title && blank(*request.title)) {
    throw UserError({"tiêu đề mới trống; một đoạn âm thanh luôn có tiêu đề",
                     "the new title is blank; a segment always has a title"});
  }
  const std::string by = checked_person(request.by);
  SegmentChange c{for_change(request.id), std::nullopt};
  const Segment& s = c.segment;
  // Only what differs is recorded, so the history says what the edit changed.
  auto changed = [](const std::optional<std::string>& wanted, const Text& field,
                    const std::string& now) -> std::optional<std::string> {
    if (!wanted) return std::nullopt;
    std::string normal = typed_text(*wanted, field);
    if (normal == now) return std::nullopt;
    return normal;
  };
  const auto title = changed(request.title, kTitleField, s.title);
  const auto tag = changed(request.tag, kTagField, s.tag);
  const auto note = changed(request.note, kNoteField, s.note);
  if (!title && !tag && !note) return c;
  c.event = SegmentRepository(*db_).edit(s.id, title, tag, note, by, clock_.now());
  apply_event(c.segment, *c.event);
  return c;
}

date::year_month_day SegmentOperations::today() const {
  const date::zoned_time<std::chrono::microseconds> local{station_time_zone(config_), clock_.now()};
  return date::year_month_day{date::floor<date::days>(local.get_local_time())};
}

std::optional<NotAiring> SegmentOperations::why_not_airing_today(const Segment& segment) const {
  return why_not_eligible(segment, today(), config_.require_approval);
}

}  // namespace loaxa
