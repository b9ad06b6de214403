#include "cli/station_writes.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "audio/audio_analysis.h"
#include "core/time.h"
#include "station/owned_fd.h"
#include "station/system_clock.h"

namespace loaxa {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

// A change is one short transaction in loaxad; an import decodes whole recordings, which on a
// slow station PC takes a while for an hour of audio.
constexpr std::chrono::seconds kChangeTimeout{30};
constexpr std::chrono::seconds kImportTimeout{3600};

/// Whether this process may write the station's records itself: the database (and the folder
/// that holds its journal files) and the library are writable by it. An installed station
/// gives them to the loaxa user alone, so staff never may.
bool may_write_directly(const StationConfig& config) {
  auto writable = [](fs::path p) {
    std::error_code ec;
    // Not there yet: the nearest folder that is, where it would be created.
    while (!p.empty() && !fs::exists(p, ec)) {
      if (p == p.parent_path()) break;
      p = p.parent_path();
    }
    return !p.empty() && ::access(p.c_str(), W_OK) == 0;
  };
  std::error_code ec;
  const bool db_there = fs::exists(config.database, ec);
  return writable(config.database.parent_path()) && (!db_there || writable(config.database)) &&
         writable(config.library);
}

[[noreturn]] void refuse_without_daemon(const StationConfig& config) {
  throw UserError(
      {fmt::format("phần mềm phát thanh (loaxad) chưa chạy (không có cổng điều khiển ở {}), và chỉ "
                   "nó được ghi hồ sơ của đài; không có gì được thay đổi. Hãy khởi động nó bằng "
                   "`make run` hoặc `systemctl start loaxad` rồi làm lại",
                   config.control_socket.string()),
       fmt::format("loaxad is not running (no control socket at {}), and only it may write the "
                   "station's records; nothing was changed. Start it with `make run` or "
                   "`systemctl start loaxad`, then try again",
                   config.control_socket.string())});
}

/// Sends a change to loaxad; none when it is not running. A refusal is thrown.
std::optional<Json> ask_daemon(CliContext& ctx, const Json& request,
                               const std::vector<int>& files = {},
                               std::chrono::seconds timeout = kChangeTimeout) {
  auto reply = control_request_if_running(ctx, request, files, timeout);
  if (reply && !reply->value("ok", false)) throw UserError(control_error_text(*reply));
  return reply;
}

/// The event of `record` that loaxad's reply names by seq and kind (seq alone is not unique:
/// approvals and edits are numbered in tables of their own).
std::optional<SegmentEvent> event_named(const SegmentRecord& record, const Json& event) {
  for (const SegmentEvent& e : record.history) {
    if (e.seq == event.value("seq", -1) && kind_name(e.kind) == event.value("kind", "")) return e;
  }
  return std::nullopt;
}

/// A segment and the event loaxad says it recorded, read back from the database (which staff
/// may read): what is printed is what was stored.
SegmentChange read_back(SegmentOperations& ops, const Json& change) {
  const SegmentRecord record = ops.show(change.value("id", ""));
  SegmentChange c{record.segment, std::nullopt};
  const Json& event = change.contains("event") ? change["event"] : Json();
  if (event.is_object()) c.event = event_named(record, event);
  return c;
}

std::vector<SegmentChange> read_back_all(CliContext& ctx, const Json& reply) {
  const SystemClock clock;
  SegmentOperations ops(ctx.config(), clock);
  std::vector<SegmentChange> out;
  for (const Json& change : reply.value("changes", Json::array())) {
    out.push_back(read_back(ops, change));
  }
  return out;
}

SegmentChange only(std::vector<SegmentChange> changes) {
  if (changes.size() != 1) {
    throw UserError({"câu trả lời của phần mềm phát thanh (loaxad) không đúng dạng",
                     "loaxad's reply is not what was expected"});
  }
  return std::move(changes.front());
}

std::string whoever(const std::string& by) {
  return by.empty() ? current_user() : by;
}

/// `by` for a request to loaxad: left out when empty, so that loaxad records the account the
/// kernel reports for this process.
void add_person(Json& request, const std::string& by) {
  if (!by.empty()) request["by"] = by;
}

Json date_or_null(const std::optional<date::year_month_day>& day) {
  return day ? Json(format_date(*day)) : Json();
}

/// A file of the import as loaxad reported it, with the segment and events read back.
FileImport file_from_reply(SegmentOperations& ops, const Json& j) {
  FileImport f;
  f.file = j.value("file", "");
  const std::string status = j.value("status", "refused");
  f.status = status == "imported"    ? ImportStatus::kImported
             : status == "duplicate" ? ImportStatus::kAlreadyThere
                                     : ImportStatus::kRefused;
  if (j.contains("sha256") && j["sha256"].is_string()) f.sha256 = j["sha256"].get<std::string>();
  f.note = text_from_json(j.value("note_text", Json()));
  if (f.status == ImportStatus::kRefused) {
    f.segment.title = j.value("title", "");
    f.segment.tag = j.value("tag", "");
    f.refusal =
        ImportRefusal{j.value("reason", ""),
                      text_from_json(j.value("error_text", Json())).value_or(Text{"?", "?"})};
    return f;
  }
  const SegmentRecord record = ops.show(j.value("id", ""));
  f.segment = record.segment;
  for (const Json& event : j.value("events", Json::array())) {
    if (auto e = event_named(record, event)) f.recorded.push_back(*std::move(e));
  }
  return f;
}

}  // namespace

std::string current_user() {
  if (const passwd* pw = ::getpwuid(::geteuid()); pw != nullptr && pw->pw_name != nullptr) {
    return pw->pw_name;
  }
  if (const char* user = std::getenv("USER"); user != nullptr && *user != '\0') return user;
  return "uid " + std::to_string(::geteuid());
}

std::vector<SegmentChange> approve_segments(CliContext& ctx, const ApproveRequest& request) {
  Json req{{"cmd", "segment_approve"}, {"ids", request.ids}, {"by", request.by}};
  if (auto reply = ask_daemon(ctx, req)) return read_back_all(ctx, *reply);
  if (!may_write_directly(ctx.config())) refuse_without_daemon(ctx.config());
  const SystemClock clock;
  return SegmentOperations(ctx.config(), clock).approve(request);
}

SegmentChange retire_segment(CliContext& ctx, const RetireRequest& request) {
  Json req{{"cmd", "segment_retire"}, {"id", request.id}};
  add_person(req, request.by);
  if (auto reply = ask_daemon(ctx, req)) return only(read_back_all(ctx, *reply));
  if (!may_write_directly(ctx.config())) refuse_without_daemon(ctx.config());
  const SystemClock clock;
  return SegmentOperations(ctx.config(), clock).retire({request.id, whoever(request.by)});
}

SegmentChange set_segment_validity(CliContext& ctx, const ValidityRequest& request) {
  Json req{{"cmd", "segment_validity"}, {"id", request.id}};
  if (request.from) req["from"] = date_or_null(*request.from);
  if (request.until) req["until"] = date_or_null(*request.until);
  add_person(req, request.by);
  if (auto reply = ask_daemon(ctx, req)) return only(read_back_all(ctx, *reply));
  if (!may_write_directly(ctx.config())) refuse_without_daemon(ctx.config());
  ValidityRequest direct = request;
  direct.by = whoever(request.by);
  const SystemClock clock;
  return SegmentOperations(ctx.config(), clock).set_validity(direct);
}

SegmentChange edit_segment(CliContext& ctx, const EditRequest& request) {
  Json req{{"cmd", "segment_edit"}, {"id", request.id}};
  if (request.title) req["title"] = *request.title;
  if (request.tag) req["tag"] = *request.tag;
  if (request.note) req["note"] = *request.note;
  add_person(req, request.by);
  if (auto reply = ask_daemon(ctx, req)) return only(read_back_all(ctx, *reply));
  if (!may_write_directly(ctx.config())) refuse_without_daemon(ctx.config());
  EditRequest direct = request;
  direct.by = whoever(request.by);
  const SystemClock clock;
  return SegmentOperations(ctx.config(), clock).edit(direct);
}

ImportResult import_segments(CliContext& ctx, const SegmentImportRequest& request,
                             const ImportProgress& progress) {
  const StationConfig& config = ctx.config();
  // Opened here, with this person's rights; a file that cannot be is refused here, in the same
  // words an import gives (the audio check says what is wrong with it).
  std::vector<OwnedFd> open;
  std::vector<int> fds;
  std::vector<std::optional<FileImport>> local(request.files.size());
  Json names = Json::array();
  auto refused_here = [&](std::size_t i, ImportRefusal why) {
    FileImport f;
    f.file = request.files[i];
    f.status = ImportStatus::kRefused;
    f.segment.title = request.title.value_or(fs::path(f.file).stem().string());
    f.segment.tag = request.tag;
    f.refusal = std::move(why);
    local[i] = std::move(f);
  };
  for (std::size_t i = 0; i < request.files.size(); ++i) {
    const std::string& file = request.files[i];
    if (auto refusal = file_name_refusal(file)) {
      refused_here(i, *std::move(refusal));  // its name could not travel in JSON (UTF-8)
      continue;
    }
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
      const int err = errno;
      // The audio check's words for a file that is missing or may not be read.
      const auto checked = analyse_audio(file, {});
      if (const auto* refusal = std::get_if<AudioRefusal>(&checked)) {
        refused_here(i, {std::string(reason_name(refusal->reason)), refusal->message});
      } else {
        refused_here(i, {"unreadable",
                         {fmt::format("không mở được tệp ({})", std::strerror(err)),
                          fmt::format("cannot open the file ({})", std::strerror(err))}});
      }
      continue;
    }
    open.emplace_back(fd);
    fds.push_back(fd);
    names.push_back(file);
  }
  Json req{{"cmd", "segment_import"}, {"files", names}, {"tag", request.tag}};
  if (request.title) req["title"] = *request.title;
  if (request.approver) req["approve_by"] = *request.approver;
  if (request.valid_from) req["from"] = format_date(*request.valid_from);
  if (request.valid_until) req["until"] = format_date(*request.valid_until);
  std::optional<Json> reply = Json{{"ok", true}, {"files", Json::array()}};
  // With every file refused here there is nothing to ask, and nothing is written.
  if (!fds.empty()) reply = ask_daemon(ctx, req, fds, kImportTimeout);
  if (!reply) {
    if (!may_write_directly(config)) refuse_without_daemon(config);
    const SystemClock clock;
    return SegmentOperations(config, clock).import(request, current_user(), progress);
  }
  const SystemClock clock;
  SegmentOperations ops(config, clock);
  const Json sent = reply->value("files", Json::array());
  ImportResult result;
  std::size_t next = 0;
  for (std::size_t i = 0; i < request.files.size(); ++i) {
    if (local[i]) {
      result.files.push_back(std::move(*local[i]));
    } else {
      if (next >= sent.size()) {
        throw UserError({"câu trả lời của phần mềm phát thanh (loaxad) thiếu kết quả của tệp",
                         "loaxad's reply lacks the result of a file"});
      }
      result.files.push_back(file_from_reply(ops, sent[next++]));
    }
    if (progress.done) progress.done(result.files.back());
  }
  return result;
}

}  // namespace loaxa
