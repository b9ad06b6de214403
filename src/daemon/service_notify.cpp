#include "daemon/service_notify.h"

#include <systemd/sd-daemon.h>

namespace loaxa {

std::optional<std::chrono::microseconds> watchdog_interval() {
  std::uint64_t usec = 0;
  // 0: WatchdogSec= not set, or meant for another process (WATCHDOG_PID names it).
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
  return std::chrono::microseconds(usec);
}

ServiceNotifier::ServiceNotifier(boost::asio::io_context& io) : timer_(io) {}

void ServiceNotifier::ready(const std::string& status) {
  const std::string message = "READY=1\nSTATUS=" + status;
  sd_notify(0, message.c_str());
}

void ServiceNotifier::start_watchdog() {
  const auto interval = watchdog_interval();
  if (!interval) return;
  // Half the interval, as sd_watchdog_enabled(3) recommends: one late ping is not yet a miss.
  period_ = *interval / 2;
  ping();
}

void ServiceNotifier::ping() {
  sd_notify(0, "WATCHDOG=1");
  timer_.expires_after(period_);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) ping();
  });
}

void ServiceNotifier::stopping() {
  timer_.cancel();
  sd_notify(0, "STOPPING=1");
}

}  // namespace loaxa
