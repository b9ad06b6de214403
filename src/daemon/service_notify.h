#pragma once
// loaxad under systemd (Type=notify, WatchdogSec=): tells the service manager when the station is
// ready and proves from the event loop that the loop still turns. Outside systemd (`make run`,
// tests) NOTIFY_SOCKET is unset and every call does nothing.

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <optional>
#include <string>

namespace loaxa {

/// The watchdog interval the service manager asked for (WatchdogSec=, passed as WATCHDOG_USEC
/// for this process), if any.
std::optional<std::chrono::microseconds> watchdog_interval();

class ServiceNotifier {
 public:
  explicit ServiceNotifier(boost::asio::io_context& io);

  /// READY=1 with a one-line STATUS=; call once the database and the output are open.
  void ready(const std::string& status);

  /// Pings WATCHDOG=1 from a timer on the io_context every half watchdog interval, so a loop
  /// that hangs stops the pings and systemd restarts loaxad. Nothing without WatchdogSec=.
  void start_watchdog();

  /// STOPPING=1, so `systemctl status` shows the stop under way.
  void stopping();

 private:
  void ping();

  boost::asio::steady_timer timer_;
  std::chrono::microseconds period_{0};
};

}  // namespace loaxa
