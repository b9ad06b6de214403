// A stand-in for systemd's side of sd_notify(3), for tests that run loaxad outside systemd:
// binds a Unix datagram socket, prints every message it receives (one per line, newlines shown
// as '|'), and exits 0 once each expected message has arrived, or 1 at the deadline.
//
//   loaxa_notify_listener SOCKET SECONDS MESSAGE[xCOUNT]...
//
// e.g. `READY=1 WATCHDOG=1x3`: READY=1 once and WATCHDOG=1 three times. A message matches when
// one of its lines equals MESSAGE. The socket is made writable for everyone so that a daemon
// running as another user can reach it; put it in a folder of the test's own.

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <sstream>
#include <string>

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s SOCKET SECONDS MESSAGE[xCOUNT]...\n", argv[0]);
    return 2;
  }
  const std::string path = argv[1];
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(std::atoi(argv[2]));
  std::map<std::string, int> wanted;
  for (int i = 3; i < argc; ++i) {
    std::string m = argv[i];
    int count = 1;
    if (const auto x = m.rfind('x');
        x != std::string::npos && x + 1 < m.size() &&
        m.find_first_not_of("0123456789", x + 1) == std::string::npos) {
      count = std::atoi(m.c_str() + x + 1);
      m.resize(x);
    }
    wanted[m] += count;
  }

  const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (fd < 0 || path.size() >= sizeof(addr.sun_path)) {
    std::perror("socket");
    return 2;
  }
  std::strcpy(addr.sun_path, path.c_str());
  unlink(path.c_str());
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    std::perror("bind");
    return 2;
  }
  chmod(path.c_str(), 0666);
  std::printf("listening\n");
  std::fflush(stdout);

  auto done = [&] {
    for (const auto& [m, n] : wanted) {
      if (n > 0) return false;
    }
    return true;
  };
  char buf[4096];
  while (!done()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    const ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) continue;
    std::string msg(buf, static_cast<std::size_t>(n));
    std::istringstream lines(msg);
    for (std::string line; std::getline(lines, line);) {
      if (auto it = wanted.find(line); it != wanted.end()) --it->second;
    }
    for (auto& c : msg) {
      if (c == '\n') c = '|';
    }
    std::printf("%s\n", msg.c_str());
    std::fflush(stdout);
  }
  unlink(path.c_str());
  if (done()) return 0;
  for (const auto& [m, n] : wanted) {
    if (n > 0) std::fprintf(stderr, "notify listener: still waiting for %d x %s\n", n, m.c_str());
  }
  return 1;
}
