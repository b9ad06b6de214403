// libFuzzer target: bytes sent to loaxad's control socket. A real StationDaemon (rehearsal output,
// a temporary station with one imported-looking empty catalogue) answers on a real Unix socket;
// each input is written on a fresh connection, the write side is shut, and the event loop runs
// until the daemon closes the connection. Whatever the bytes, the daemon must answer with JSON
// lines or close, and must never crash or throw out of its event loop.

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "config/station_config.h"
#include "daemon/station_daemon.h"
#include "station/system_clock.h"

namespace {

namespace fs = std::filesystem;

struct World {
  fs::path dir;
  boost::asio::io_context io;
  loaxa::SystemClock clock;
  std::unique_ptr<loaxa::StationDaemon> daemon;
  fs::path socket;
};

World& world() {
  static World* w = [] {
    auto* w = new World;
    w->dir = fs::temp_directory_path() / ("loaxa-control-fuzz-" + std::to_string(::getpid()));
    fs::create_directories(w->dir / "schedules");
    std::ofstream(w->dir / "loaxa.toml") << "[station]\nname = \"fuzz\"\n"
                                         << "[storage]\ndatabase = \"loaxa.db\"\n"
                                         << "library = \"library\"\n"
                                         << "[schedules]\ndir = \"schedules\"\n"
                                         << "[zones]\na = { channels = [1] }\n"
                                         << "[control]\nsocket = \"c.sock\"\n";
    // loaxad refuses to start without a programme; this one's tag has no segment yet.
    std::ofstream(w->dir / "schedules" / "cchc.toml")
        << "[programme]\nid = \"cchc\"\ntitle = \"CCHC\"\n"
        << "[[slot]]\ndays = [\"daily\"]\nat = [\"12:00\"]\nplay = { tag = \"cchc\" }\n";
    loaxa::StationConfig config = loaxa::load_config(w->dir / "loaxa.toml");
    w->socket = config.control_socket;
    loaxa::DaemonOptions options;
    options.rehearsal = true;
    options.lang = loaxa::Lang::kEn;
    std::fclose(stdout);  // the daemon's banner and per-request chatter
    w->daemon = std::make_unique<loaxa::StationDaemon>(w->io, w->clock, config, options);
    w->daemon->start();
    return w;
  }();
  return *w;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  World& w = world();
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) std::abort();
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", w.socket.c_str());
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) std::abort();

  std::size_t sent = 0;
  bool shut = false;
  std::string replies;
  char buf[4096];
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  for (;;) {
    if (sent < size) {
      const ssize_t n = ::send(fd, data + sent, size - sent, MSG_NOSIGNAL);
      if (n > 0) sent += static_cast<std::size_t>(n);
      if (n < 0 && errno != EAGAIN) sent = size;  // the daemon closed on us (too long a line)
    }
    if (sent == size && !shut) {
      ::shutdown(fd, SHUT_WR);
      shut = true;
    }
    w.io.run_for(std::chrono::milliseconds(1));
    const ssize_t got = ::recv(fd, buf, sizeof buf, 0);
    if (got == 0) break;  // the daemon closed the connection: done
    if (got > 0) replies.append(buf, static_cast<std::size_t>(got));
    if (got < 0 && errno != EAGAIN) break;
    if (std::chrono::steady_clock::now() > deadline) {
      std::fprintf(stderr, "the daemon neither answered nor closed within 5 s\n");
      std::abort();
    }
  }
  ::close(fd);
  // Every reply is one JSON object on one line.
  std::size_t start = 0;
  for (std::size_t nl; (nl = replies.find('\n', start)) != std::string::npos; start = nl + 1) {
    const auto reply = nlohmann::json::parse(replies.substr(start, nl - start), nullptr, false);
    if (reply.is_discarded() || !reply.is_object() || !reply.contains("ok")) {
      std::fprintf(stderr, "not a JSON reply: %s\n", replies.substr(start, nl - start).c_str());
      std::abort();
    }
  }
  return 0;
}
