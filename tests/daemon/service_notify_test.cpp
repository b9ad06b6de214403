// sd_notify from loaxad, received on a real datagram socket the way systemd receives it.

#include "daemon/service_notify.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

namespace loaxa {
namespace {

namespace fs = std::filesystem;

/// Plays systemd: a NOTIFY_SOCKET of the test's own, and the watchdog variables.
class ServiceNotifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* v : kVariables) {
      if (const char* old = std::getenv(v)) saved_.emplace_back(v, old);
    }
    path_ = fs::temp_directory_path() /
            ("loaxa-notify-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove(path_);
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd_, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path_.c_str(), sizeof(addr.sun_path) - 1);
    ASSERT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    setenv("NOTIFY_SOCKET", path_.c_str(), 1);
    unsetenv("WATCHDOG_USEC");
    unsetenv("WATCHDOG_PID");
  }
  void TearDown() override {
    close(fd_);
    fs::remove(path_);
    for (const char* v : kVariables) unsetenv(v);
    for (const auto& [k, v] : saved_) setenv(k.c_str(), v.c_str(), 1);
  }

  /// The next message, or "" if none arrives within `wait`.
  std::string receive(std::chrono::milliseconds wait) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(wait.count())) <= 0) return "";
    char buf[1024];
    const ssize_t n = recv(fd_, buf, sizeof(buf), 0);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "";
  }

  static constexpr const char* kVariables[] = {"NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"};
  std::vector<std::pair<std::string, std::string>> saved_;
  fs::path path_;
  int fd_ = -1;
};

TEST_F(ServiceNotifyTest, ReadyCarriesTheStatus) {
  boost::asio::io_context io;
  ServiceNotifier notifier(io);
  notifier.ready("station \"Tân Phú\"");
  EXPECT_EQ(receive(std::chrono::seconds(5)), "READY=1\nSTATUS=station \"Tân Phú\"");
}

TEST_F(ServiceNotifyTest, WatchdogPingsFromTheEventLoopUntilStopping) {
  setenv("WATCHDOG_USEC", "100000", 1);
  setenv("WATCHDOG_PID", std::to_string(::getpid()).c_str(), 1);
  ASSERT_EQ(watchdog_interval(), std::chrono::microseconds(100000));
  boost::asio::io_context io;
  ServiceNotifier notifier(io);
  notifier.start_watchdog();
  // The first ping is sent at once; each further one only when the io_context runs the
  // timer's handler, so a loop that stops turning stops the pings.
  EXPECT_EQ(receive(std::chrono::seconds(5)), "WATCHDOG=1");
  int pings = 0;
  while (pings < 3) {
    EXPECT_EQ(receive(std::chrono::milliseconds(200)), "") << "a ping without the loop turning";
    io.run_one();
    ASSERT_EQ(receive(std::chrono::seconds(5)), "WATCHDOG=1");
    ++pings;
  }
  notifier.stopping();
  EXPECT_EQ(receive(std::chrono::seconds(5)), "STOPPING=1");
  io.restart();
  io.run();  // returns: the cancelled timer was the only work
  EXPECT_EQ(receive(std::chrono::milliseconds(0)), "");
}

TEST_F(ServiceNotifyTest, NoWatchdogWithoutWatchdogSecOrForAnotherProcess) {
  boost::asio::io_context io;
  {
    ServiceNotifier notifier(io);
    notifier.start_watchdog();
    EXPECT_EQ(io.run(), 0u);  // nothing armed
  }
  setenv("WATCHDOG_USEC", "100000", 1);
  setenv("WATCHDOG_PID", std::to_string(::getpid() + 1).c_str(), 1);
  EXPECT_EQ(watchdog_interval(), std::nullopt);
  io.restart();
  ServiceNotifier notifier(io);
  notifier.start_watchdog();
  EXPECT_EQ(io.run(), 0u);
  EXPECT_EQ(receive(std::chrono::milliseconds(0)), "");
}

TEST_F(ServiceNotifyTest, OutsideSystemdNothingIsSent) {
  unsetenv("NOTIFY_SOCKET");
  boost::asio::io_context io;
  ServiceNotifier notifier(io);
  notifier.ready("x");
  notifier.stopping();
  EXPECT_EQ(receive(std::chrono::milliseconds(0)), "");
}

}  // namespace
}  // namespace loaxa
