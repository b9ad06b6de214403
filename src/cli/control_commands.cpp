// `loaxa status|play|stop|reload`: requests to the running loaxad over its control socket
// (newline-delimited JSON, one request line -> one reply line; see src/daemon/control_server.h).

#include <fmt/format.h>
#include <grp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli_context.h"
#include "cli/segment_import.h"
#include "core/clock_duration.h"
#include "core/text.h"
#include "core/words.h"
#include "station/segment_operations.h"
#include "station/system_clock.h"

namespace loaxa {
namespace {

namespace fs = std::filesystem;
using boost::asio::local::stream_protocol;
using Json = nlohmann::json;

// The daemon answers from its event loop, which never blocks for long; a daemon that has not
// answered by then is hung, and `loaxa` must not hang with it.
constexpr std::chrono::seconds kReplyTimeout{5};
// A status reply lists at most a handful of occurrences; anything bigger is not our daemon.
constexpr std::size_t kMaxReplyBytes = 4 * 1024 * 1024;

[[noreturn]] void not_running(const fs::path& socket) {
  throw UserError(
      {fmt::format("phần mềm phát thanh (loaxad) chưa chạy (không có cổng điều khiển ở {}); hãy "
                   "khởi động nó bằng `make run` hoặc `systemctl start loaxad`",
                   socket.string()),
       fmt::format("loaxad is not running (no control socket at {}); start it with `make run` or "
                   "`systemctl start loaxad`",
                   socket.string())});
}

[[noreturn]] void permission_denied(const fs::path& socket) {
  std::string group_name = "?";
  struct stat st {};
  // An installed station keeps the socket in a folder only its group may enter (/run/loaxa):
  // then the socket cannot be seen, and the folder's group is the one to join.
  if (::stat(socket.c_str(), &st) == 0 || ::stat(socket.parent_path().c_str(), &st) == 0) {
    const struct group* g = ::getgrgid(st.st_gid);
    group_name = g != nullptr && g->gr_name != nullptr ? g->gr_name : std::to_string(st.st_gid);
  }
  throw UserError(
      {fmt::format("không có quyền dùng cổng điều khiển {}; người dùng phải thuộc nhóm \"{}\" của "
                   "nó (sudo usermod -aG {} TÊN, rồi đăng nhập lại)",
                   socket.string(), group_name, group_name),
       fmt::format("permission denied on the control socket {}; the user must be in its group "
                   "\"{}\" (sudo usermod -aG {} NAME, then log in again)",
                   socket.string(), group_name, group_name)});
}

/// Writes `out` on the connected socket `fd`, the descriptors `files` attached to its first
/// part.
boost::system::error_code send_with_files(int fd, const std::string& out,
                                          const std::vector<int>& files) {
  std::vector<char> control(CMSG_SPACE(sizeof(int) * files.size()));
  iovec iov{const_cast<char*>(out.data()), out.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.data();
  msg.msg_controllen = control.size();
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int) * files.size());
  std::memcpy(CMSG_DATA(c), files.data(), sizeof(int) * files.size());
  std::size_t sent = 0;
  while (sent < out.size()) {
    ssize_t n = 0;
    if (sent == 0) {
      n = ::sendmsg(fd, &msg, MSG_NOSIGNAL);
    } else {
      n = ::send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd, POLLOUT, 0};
      ::poll(&p, 1, 1000);
      continue;
    }
    if (n < 0) return {errno, boost::system::system_category()};
    sent += static_cast<std::size_t>(n);
  }
  return {};
}

/// Sends one request, with `files` passed as descriptors (SCM_RIGHTS), and returns the daemon's
/// reply object; none when the daemon is not running and `optional`. Throws UserError when it is
/// not running (unless `optional`), not reachable, too slow or answers something that is not a
/// JSON object.
std::optional<Json> exchange(CliContext& ctx, const Json& req, const std::vector<int>& files,
                             std::chrono::seconds timeout, bool optional) {
  const fs::path socket_path = ctx.config().control_socket;
  // sun_path holds 107 bytes; Asio would throw a bare "invalid argument" for a longer one.
  if (socket_path.native().size() >= 108) {
    throw UserError({fmt::format("đường dẫn cổng điều khiển quá dài (tối đa 107 byte): {}",
                                 socket_path.string()),
                     fmt::format("control socket path too long (at most 107 bytes): {}",
                                 socket_path.string())});
  }
  boost::asio::io_context io;
  stream_protocol::socket socket(io);
  boost::asio::streambuf in(kMaxReplyBytes);
  const std::string out = req.dump() + "\n";
  boost::system::error_code connect_error, io_error;
  bool connected = false, replied = false;
  std::size_t reply_size = 0;

  // Here, not in the connect handler: the write's completion calls it after that handler has
  // returned, so it must outlive it.
  auto read_reply = [&] {
    boost::asio::async_read_until(socket, in, '\n',
                                  [&](const boost::system::error_code& rec, std::size_t n) {
                                    io_error = rec;
                                    reply_size = n;
                                    replied = !rec;
                                  });
  };
  // Asynchronous operations under run_for() give every step one overall deadline, which the
  // blocking calls of a local socket do not have.
  socket.async_connect(
      stream_protocol::endpoint(socket_path.string()), [&](const boost::system::error_code& ec) {
        connect_error = ec;
        if (ec) return;
        connected = true;
        if (!files.empty()) {
          // The descriptors travel with the request's first bytes; Asio's writes cannot carry
          // them. A request line is small: one blocking sendmsg (then the rest) is enough.
          if (auto ec = send_with_files(socket.native_handle(), out, files)) {
            io_error = ec;
            return;
          }
          read_reply();
          return;
        }
        boost::asio::async_write(socket, boost::asio::buffer(out),
                                 [&](const boost::system::error_code& wec, std::size_t) {
                                   if (wec) {
                                     io_error = wec;
                                     return;
                                   }
                                   read_reply();
                                 });
      });
  io.run_for(timeout);

  namespace errc = boost::system::errc;
  if (connect_error) {
    if (connect_error == errc::no_such_file_or_directory ||
        connect_error == errc::connection_refused || connect_error == errc::not_a_socket) {
      if (optional) return std::nullopt;
      not_running(socket_path);
    }
    if (connect_error == errc::permission_denied ||
        connect_error == errc::operation_not_permitted) {
      permission_denied(socket_path);
    }
    throw UserError({fmt::format("không kết nối được tới phần mềm phát thanh (loaxad) qua {}: {}",
                                 socket_path.string(), connect_error.message()),
                     fmt::format("cannot connect to loaxad at {}: {}", socket_path.string(),
                                 connect_error.message())});
  }
  if (!replied) {
    if (!connected || !io_error) {
      throw UserError(
          {fmt::format("phần mềm phát thanh (loaxad) không trả lời trong {} giây ({}); nó có thể "
                       "đang bị treo — xem nhật ký của nó",
                       timeout.count(), socket_path.string()),
           fmt::format("loaxad did not answer within {} s ({}); it may be hung — check its output",
                       timeout.count(), socket_path.string())});
    }
    throw UserError(
        {fmt::format("phần mềm phát thanh (loaxad) đóng kết nối mà không trả lời ({})",
                     io_error.message()),
         fmt::format("loaxad closed the connection without an answer ({})", io_error.message())});
  }
  const std::string line(boost::asio::buffers_begin(in.data()),
                         boost::asio::buffers_begin(in.data()) + reply_size);
  Json reply = Json::parse(line, nullptr, false);
  if (reply.is_discarded() || !reply.is_object()) {
    throw UserError({"phần mềm phát thanh (loaxad) trả lời một dòng không phải đối tượng JSON: " +
                         line.substr(0, 200),
                     "loaxad answered a line that is not a JSON object: " + line.substr(0, 200)});
  }
  return reply;
}

/// One request that must be answered, within the usual time.
Json request(CliContext& ctx, const Json& req) {
  return *exchange(ctx, req, {}, kReplyTimeout, false);
}

}  // namespace

nlohmann::json control_request(CliContext& ctx, const nlohmann::json& req) {
  return request(ctx, req);
}

std::optional<Text> text_from_json(const nlohmann::json& j) {
  if (!j.is_object()) return std::nullopt;
  return Text{j.value("vi", j.value("en", "?")), j.value("en", j.value("vi", "?"))};
}

Text control_error_text(const nlohmann::json& reply) {
  const nlohmann::json& e = reply.contains("error") ? reply["error"] : nlohmann::json();
  if (auto t = text_from_json(e)) return *t;
  if (e.is_string()) return {e.get<std::string>(), e.get<std::string>()};
  return {"phần mềm phát thanh (loaxad) từ chối yêu cầu (không nói lý do)",
          "loaxad refused the request (no reason)"};
}

std::optional<nlohmann::json> control_request_if_running(CliContext& ctx, const nlohmann::json& req,
                                                         const std::vector<int>& files,
                                                         std::chrono::seconds timeout) {
  return exchange(ctx, req, files, timeout, true);
}

namespace {

bool ok(const Json& reply) {
  return reply.value("ok", false) == true;
}

std::string str(const Json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

double num(const Json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_number() ? j[key].get<double>() : 0.0;
}

/// "2026-11-30T06:00:00.004+07:00" -> "30/11/2026 06:00:00" (vi) / "2026-11-30 06:00:00" (en):
/// the daemon already speaks in the station's zone, people do not need the offset and
/// milliseconds.
Text local_text(const std::string& iso) {
  if (iso.size() < 19) return iso.empty() ? Text{"-", "-"} : Text{iso, iso};
  std::string en = iso.substr(0, 19);
  en[10] = ' ';
  const std::string vi =
      iso.substr(8, 2) + "/" + iso.substr(5, 2) + "/" + iso.substr(0, 4) + en.substr(10);
  return {vi, en};
}

std::string progress_bar(double fraction) {
  constexpr int kWidth = 30;
  fraction = std::clamp(fraction, 0.0, 1.0);
  const int filled = static_cast<int>(std::lround(fraction * kWidth));
  return "[" + std::string(filled, '#') + std::string(kWidth - filled, '.') + "]";
}

/// "cchc (khung giờ 2)" for a scheduled occurrence, "phát tay" for an operator's `loaxa play`.
Text programme_text(const Json& o) {
  const std::string programme = str(o, "programme");
  const int slot = o.contains("slot") && o["slot"].is_number_integer() ? o["slot"].get<int>() : -1;
  if (programme == "operator") return operator_play_text();
  return programme_slot_text(programme, slot);
}

/// ", vùng Thôn Đông" for a broadcast to some zones; nothing for one to every zone.
Text zones_text(const StationConfig& config, const Json& o) {
  if (!o.contains("zones") || !o["zones"].is_array() || o["zones"].empty()) return {};
  // The names loaxad sent are those of the config it plays by, which may be older than the file.
  if (o.contains("zone_names") && o["zone_names"].is_array() &&
      o["zone_names"].size() == o["zones"].size()) {
    std::vector<std::string> names;
    for (const Json& z : o["zone_names"]) {
      names.push_back(z.is_string() ? z.get<std::string>() : z.dump());
    }
    const std::string shown = join(names);
    return {", vùng " + shown, ", zones " + shown};
  }
  std::vector<std::string> ids;
  for (const Json& z : o["zones"]) ids.push_back(z.is_string() ? z.get<std::string>() : z.dump());
  const std::string names = zones_shown(config, ids, "");
  return {", vùng " + names, ", zones " + names};
}

/// "2 đoạn, 3:10" / "2 segment(s), 3:10".
Text size_text(const Json& o) {
  const std::size_t n =
      o.contains("segments") && o["segments"].is_array() ? o["segments"].size() : 0;
  const std::string d = clock_duration(num(o, "total_seconds"));
  return {fmt::format("{} đoạn, {}", n, d), fmt::format("{} segment(s), {}", n, d)};
}

void print_segments(const CliContext& ctx, const Json& o, const std::string& indent) {
  if (!o.contains("segments") || !o["segments"].is_array()) return;
  int k = 0;
  for (const Json& s : o["segments"]) {
    std::cout << fmt::format("{}{}. {}  {}  {}\n", indent, ++k, str(s, "id"),
                             clock_duration(num(s, "duration_seconds")), str(s, "title"));
  }
  (void)ctx;
}

void print_status(CliContext& ctx, const Json& r) {
  std::cout << ctx.say({fmt::format("Đài: {} ({}), bây giờ {}", str(r, "station"),
                                    str(r, "timezone"), local_text(str(r, "now")).vi),
                        fmt::format("Station: {} ({}), now {}", str(r, "station"),
                                    str(r, "timezone"), local_text(str(r, "now")).en)})
            << '\n';
  if (r.contains("chain_alarm") && r["chain_alarm"].is_object()) {
    const Json& a = r["chain_alarm"];
    std::cout
        << ctx.say({"CẢNH BÁO NGHIÊM TRỌNG: nhật ký không còn nối tiếp phần mà phần mềm phát thanh "
                    "(loaxad) đã ký; nó không ký thêm (vẫn phát): " +
                        a.value("vi", ""),
                    "CRITICAL: the log no longer extends what loaxad signed; it signs "
                    "nothing more (playing on): " +
                        a.value("en", "")})
        << '\n';
  }
  const std::string state = str(r, "output_state");
  const Text state_text = state == "ok" ? Text{"bình thường", "ok"}
                          : state == "lost" ? Text{"mất thiết bị, đang thử lại", "lost, retrying"}
                                            : Text{state, state};
  const bool rehearsal = str(r, "output") == "rehearsal";
  std::cout << ctx.say({fmt::format("Đầu ra: {}{} — trạng thái: {}", rehearsal ? "DIỄN TẬP / " : "",
                                    str(r, "device"), state_text.vi),
                        fmt::format("Output: {}{} — state: {}", rehearsal ? "REHEARSAL / " : "",
                                    str(r, "device"), state_text.en)})
            << '\n';
  // Zones on several devices: each device's own state, and the zones it feeds.
  if (r.contains("outputs") && r["outputs"].is_array() && r["outputs"].size() > 1) {
    for (const Json& o : r["outputs"]) {
      std::string zones;
      if (o.contains("zones") && o["zones"].is_array()) {
        for (const Json& z : o["zones"]) {
          zones += (zones.empty() ? "" : ", ") +
                   (z.is_string() ? zone_shown(ctx.config(), z.get<std::string>()) : z.dump());
        }
      }
      const std::string s = str(o, "state");
      const Text st = s == "ok"     ? Text{"bình thường", "ok"}
                      : s == "lost" ? Text{"mất thiết bị, đang thử lại", "lost, retrying"}
                                    : Text{s, s};
      std::cout
          << "  "
          << ctx.say({fmt::format("{} (vùng {}) — trạng thái: {}", str(o, "device"), zones, st.vi),
                      fmt::format("{} (zones {}) — state: {}", str(o, "device"), zones, st.en)})
          << '\n';
    }
  }
  if (const auto waiting = r.value("log_backlog", std::int64_t{0}); waiting > 0) {
    std::cout << ctx.say({fmt::format("CẢNH BÁO: {} mục nhật ký đang chờ ghi vào đĩa ({}); "
                                      "vẫn phát bình thường — hãy giải phóng chỗ trên đĩa",
                                      waiting, str(r, "log_error")),
                          fmt::format("WARNING: {} log entries are waiting to be written ({}); "
                                      "broadcasting goes on — free some disk space",
                                      waiting, str(r, "log_error"))})
              << '\n';
  }

  const Json& p = r.contains("playing") ? r["playing"] : Json();
  if (!p.is_object()) {
    std::cout << ctx.say({"Đang phát: (không có)", "Playing: (nothing)"}) << '\n';
  } else {
    const double fraction = std::clamp(num(p, "progress"), 0.0, 1.0);
    const double total = num(p, "total_seconds");
    const Text prio = priority_text(str(p, "priority"));
    Text prog = programme_text(p);
    const Text where = zones_text(ctx.config(), p);
    prog.vi += where.vi;
    prog.en += where.en;
    const Text started = p.contains("started_at") && p["started_at"].is_string()
                             ? local_text(p["started_at"].get<std::string>())
                             : Text{};
    std::cout << ctx.say({fmt::format("Đang phát: {}, mức {}, lịch {}{}", prog.vi, prio.vi,
                                      local_text(str(p, "scheduled_at")).vi,
                                      started.vi.empty() ? " (chưa vang ra loa)"
                                                         : ", bắt đầu " + started.vi),
                          fmt::format("Playing: {}, {} priority, scheduled {}{}", prog.en, prio.en,
                                      local_text(str(p, "scheduled_at")).en,
                                      started.en.empty() ? " (not audible yet)"
                                                         : ", started " + started.en)})
              << '\n';
    std::cout << fmt::format("  {} {:3.0f}%  {} / {}\n", progress_bar(fraction), fraction * 100,
                             clock_duration(fraction * total), clock_duration(total));
    print_segments(ctx, p, "    ");
  }

  const Json& queue = r.contains("queue") && r["queue"].is_array() ? r["queue"] : Json::array();
  if (queue.empty()) {
    std::cout << ctx.say({"Hàng đợi: (trống)", "Queue: (empty)"}) << '\n';
  } else {
    std::cout << ctx.say({"Hàng đợi:", "Queue:"}) << '\n';
    for (const Json& q : queue) {
      const Text prio = priority_text(str(q, "priority"));
      const Text prog = programme_text(q);
      const Text size = size_text(q);
      std::cout << "  "
                << ctx.say({fmt::format("{}  {}  mức {}  {}", local_text(str(q, "scheduled_at")).vi,
                                        prog.vi, prio.vi, size.vi),
                            fmt::format("{}  {}  {}  {}", local_text(str(q, "scheduled_at")).en,
                                        prog.en, prio.en, size.en)})
                << '\n';
    }
  }

  const Json& next = r.contains("next") && r["next"].is_array() ? r["next"] : Json::array();
  if (next.empty()) {
    std::cout << ctx.say({"Sắp phát: (không có trong 8 ngày tới)",
                          "Next: (nothing in the next 8 days)"})
              << '\n';
  } else {
    std::cout << ctx.say({"Sắp phát:", "Next:"}) << '\n';
    for (const Json& o : next) {
      Text prog = programme_text(o);
      const Text where = zones_text(ctx.config(), o);
      prog.vi += where.vi;
      prog.en += where.en;
      const Text size = size_text(o);
      std::cout << "  "
                << ctx.say({fmt::format("{}  {}  {}", local_text(str(o, "scheduled_at")).vi,
                                        prog.vi, size.vi),
                            fmt::format("{}  {}  {}", local_text(str(o, "scheduled_at")).en,
                                        prog.en, size.en)})
                << '\n';
    }
  }
}

/// Prints the daemon's refusal and sets a non-zero exit code; true when the reply was ok.
bool check(CliContext& ctx, const Json& reply) {
  if (ok(reply)) return true;
  ctx.error(control_error_text(reply));
  ctx.exit_code = kExitProblem;
  return false;
}

struct PlayRequest {
  std::string what;
  std::string priority = "priority";
  std::vector<std::string> zones;
  bool json = false;
};

void run_play(CliContext& ctx, const PlayRequest& p) {
  std::string id = p.what;
  std::error_code ec;
  // An existing path is a recording to import first; anything else is a segment id.
  if (fs::is_regular_file(p.what, ec)) {
    const std::optional<ImportedFile> imported = import_file(ctx, p.what);
    if (!imported) {
      ctx.exit_code = kExitProblem;  // import_file has said why
      return;
    }
    const Segment& s = imported->segment;
    id = s.id;
    if (!p.json) {
      std::cout << ctx.say(imported->duplicate
                               ? Text{fmt::format("{}: đã có trong thư viện là {} \"{}\"", p.what,
                                                  s.id, s.title),
                                      fmt::format("{}: already in the library as {} \"{}\"", p.what,
                                                  s.id, s.title)}
                               : Text{fmt::format("{}: đã nhập thành {} \"{}\" ({})", p.what, s.id,
                                                  s.title, clock_duration(s.duration_seconds())),
                                      fmt::format("{}: imported as {} \"{}\" ({})", p.what, s.id,
                                                  s.title, clock_duration(s.duration_seconds()))})
                << '\n';
    }
  } else {
    // A short or ambiguous id is said here, without a daemon; loaxad resolves a name the same
    // way for its other clients. With no database yet, the daemon has the last word.
    const SystemClock clock;
    const SegmentLookup found = SegmentOperations(ctx.config(), clock).find(p.what);
    if (found.found()) {
      id = found.segment->id;
    } else if (found.status != SegmentLookup::Status::kUnknown) {
      throw UserError(found.message());
    }
  }
  Json req{{"cmd", "play"}, {"segment", id}, {"priority", p.priority}};
  if (!p.zones.empty()) req["zones"] = p.zones;
  const Json reply = request(ctx, req);
  if (p.json) std::cout << reply.dump(2) << '\n';
  if (!check(ctx, reply) || p.json) return;
  const Json& b = reply.contains("broadcast") ? reply["broadcast"] : Json::object();
  const Json first = b.contains("segments") && b["segments"].is_array() && !b["segments"].empty()
                         ? b["segments"][0]
                         : Json::object();
  const Text prio = priority_text(str(b, "priority").empty() ? p.priority : str(b, "priority"));
  const std::string title = str(first, "title");
  const std::string duration = clock_duration(num(b, "total_seconds"));
  if (reply.value("queued", false)) {
    std::cout << ctx.say({fmt::format("Đã xếp hàng {} \"{}\" ({}), mức {}: sẽ phát sau buổi "
                                      "đang phát",
                                      id, title, duration, prio.vi),
                          fmt::format("Queued {} \"{}\" ({}), {} priority: it plays after the "
                                      "current broadcast",
                                      id, title, duration, prio.en)})
              << '\n';
  } else {
    std::cout << ctx.say({fmt::format("Phát {} \"{}\" ({}), mức {}, lúc {}", id, title, duration,
                                      prio.vi, local_text(str(b, "scheduled_at")).vi),
                          fmt::format("Playing {} \"{}\" ({}), {} priority, at {}", id, title,
                                      duration, prio.en, local_text(str(b, "scheduled_at")).en)})
              << '\n';
  }
}

void run_stop(CliContext& ctx, bool json) {
  const Json reply = request(ctx, {{"cmd", "stop"}});
  if (json) std::cout << reply.dump(2) << '\n';
  if (!check(ctx, reply) || json) return;
  const Json& s = reply.contains("stopped") ? reply["stopped"] : Json::object();
  const Text prog = programme_text(s);
  std::cout << ctx.say(
                   {fmt::format("Đã dừng {} lịch {}; nhật ký ghi: {} theo lệnh người vận hành",
                                prog.vi, local_text(str(s, "scheduled_at")).vi,
                                outcome_text("stopped").vi),
                    fmt::format("Stopped {} scheduled {}; logged as \"stopped\" by the operator",
                                prog.en, local_text(str(s, "scheduled_at")).en)})
            << '\n';
}

void run_reload(CliContext& ctx, bool json) {
  const Json reply = request(ctx, {{"cmd", "reload"}});
  if (json) std::cout << reply.dump(2) << '\n';
  if (!ok(reply)) {
    ctx.exit_code = kExitProblem;
    if (json) return;
    // The daemon's text is already one `file:line:col: message` per line: printed as is, so
    // editors and scripts can jump to each position.
    std::cerr << control_error_text(reply).in(ctx.lang) << '\n';
    if (reply.value("kept_old_schedule", false)) {
      ctx.error({"lịch mới có lỗi; phần mềm phát thanh (loaxad) vẫn giữ lịch cũ",
                 "the new schedules have errors; "
                 "loaxad keeps the old ones"});
    }
    return;
  }
  if (json) return;
  const auto programmes = static_cast<int>(num(reply, "programmes"));
  const auto slots = static_cast<int>(num(reply, "slots"));
  std::cout << ctx.say({fmt::format("Đã nạp lại: {} chương trình, {} khung giờ. Buổi đang phát "
                                    "(nếu có) không bị cắt.",
                                    programmes, slots),
                        fmt::format("Reloaded: {} programme(s), {} slot(s). A broadcast in "
                                    "progress (if any) is not cut.",
                                    programmes, slots)})
            << '\n';
  if (reply.contains("needs_restart") && reply["needs_restart"].is_array()) {
    for (const Json& k : reply["needs_restart"]) {
      if (!k.is_string()) continue;
      std::cout
          << ctx.say(
                 {fmt::format(
                      "  {} đã đổi: cần khởi động lại phần mềm phát thanh (loaxad) để có hiệu lực",
                      k.get<std::string>()),
                  fmt::format("  {} changed: restart loaxad for it to take effect",
                              k.get<std::string>())})
          << '\n';
    }
  }
}

}  // namespace

void add_control_commands(CLI::App& app, CliContext& ctx) {
  auto status_json = std::make_shared<bool>(false);
  CLI::App* status = app.add_subcommand(
      "status",
      ctx.say({"phần mềm phát thanh (loaxad) đang phát gì, hàng đợi và các buổi phát sắp tới",
               "what loaxad is playing, its queue and the next broadcasts"}));
  status->add_flag("--json", *status_json,
                   ctx.say({"in nguyên văn câu trả lời (JSON) của phần mềm phát thanh (loaxad)",
                            "print the daemon's reply object"}));
  status->callback([&ctx, status_json] {
    const Json reply = request(ctx, {{"cmd", "status"}});
    if (*status_json) {
      std::cout << reply.dump(2) << '\n';
      if (!ok(reply)) ctx.exit_code = kExitProblem;
      return;
    }
    if (check(ctx, reply)) print_status(ctx, reply);
  });

  auto play_req = std::make_shared<PlayRequest>();
  CLI::App* play = app.add_subcommand(
      "play", ctx.say({"phát ngay một đoạn theo lệnh trực tiếp (nếu là tệp thì nhập trước): mức "
                       "priority chờ buổi đang phát xong, mức emergency chen ngang buổi đó",
                       "play a segment now (a FILE is imported first): priority waits for the "
                       "current broadcast, emergency cuts it"}));
  play->add_option("ID|FILE", play_req->what,
                   ctx.say({"mã đoạn, hoặc một tệp âm thanh để nhập rồi phát",
                            "segment id, or an audio file to import and play"}))
      ->required();
  play->add_option(
          "--priority", play_req->priority,
          ctx.say({"mức: normal (thường), priority (ưu tiên, mặc định) hoặc emergency (khẩn cấp)",
                   "normal, priority (default) or emergency"}))
      ->check(CLI::IsMember({"normal", "priority", "emergency"}));
  play->add_option("--zones", play_req->zones,
                   ctx.say({"các vùng sẽ phát, cách nhau bằng dấu phẩy (mặc định: mọi vùng)",
                            "zones to play in, comma-separated (default: all)"}))
      ->delimiter(',');
  play->add_flag("--json", play_req->json,
                 ctx.say({"in nguyên văn câu trả lời (JSON) của phần mềm phát thanh (loaxad)",
                          "print the daemon's reply object"}));
  play->callback([&ctx, play_req] { run_play(ctx, *play_req); });

  auto stop_json = std::make_shared<bool>(false);
  CLI::App* stop = app.add_subcommand(
      "stop",
      ctx.say(
          {"giảm dần âm lượng rồi dừng buổi đang phát (nhật ký ghi: Dừng theo lệnh người vận hành)",
           "fade out the current broadcast (logged as stopped by the operator)"}));
  stop->add_flag("--json", *stop_json,
                 ctx.say({"in nguyên văn câu trả lời (JSON) của phần mềm phát thanh (loaxad)",
                          "print the daemon's reply object"}));
  stop->callback([&ctx, stop_json] { run_stop(ctx, *stop_json); });

  auto reload_json = std::make_shared<bool>(false);
  CLI::App* reload = app.add_subcommand(
      "reload",
      ctx.say({"đọc lại cấu hình và lịch phát (như SIGHUP); nếu có lỗi thì giữ nguyên bản cũ",
               "re-read config and schedules (same as SIGHUP); with errors the old ones stay"}));
  reload->add_flag("--json", *reload_json,
                   ctx.say({"in nguyên văn câu trả lời (JSON) của phần mềm phát thanh (loaxad)",
                            "print the daemon's reply object"}));
  reload->callback([&ctx, reload_json] { run_reload(ctx, *reload_json); });
}

}  // namespace loaxa
