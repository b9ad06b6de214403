#pragma once
// The local control socket: a Unix stream socket speaking newline-delimited JSON.
// One request object per line, one reply object per line. No network listener, ever.

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "codec/station_json.h"
#include "station/owned_fd.h"

namespace loaxa {

namespace detail {
class ControlSession;
}

/// Who sent a request: the kernel's word for the connecting process (SO_PEERCRED), never the
/// request's own claim.
struct ControlPeer {
  uid_t uid = static_cast<uid_t>(-1);
  gid_t gid = static_cast<gid_t>(-1);
  pid_t pid = 0;
  std::string account;  ///< the login name of `uid`, or "uid N" when it has none
};

/// One request line, with the descriptors that came with it (SCM_RIGHTS): the files a person's
/// `loaxa segment import` opened, so that loaxad reads them without access to where they live.
struct ControlRequest {
  nlohmann::json body;
  ControlPeer peer;
  std::vector<OwnedFd> files;
};

class ControlServer {
 public:
  /// Sends the one reply to a request; callable from any thread, any time (a reply for a
  /// connection already closed is dropped).
  using Reply = std::function<void(Json reply)>;
  /// Answers one request, at once or later through `reply` (codec/station_json.h); an
  /// exception it throws becomes an error_reply().
  using Handler = std::function<void(ControlRequest request, Reply reply)>;

  /// Largest number of descriptors one request may carry.
  static constexpr std::size_t kMaxFiles = 64;

  /// Largest request line accepted; longer ones get an error reply and the connection closes.
  static constexpr std::size_t kMaxRequestBytes = 64 * 1024;

  /// Binds `path` (mode 0660). A stale socket file left by a crash is replaced; a socket that
  /// answers means another loaxad runs there: throws UserError.
  ControlServer(boost::asio::io_context& io, std::filesystem::path path, Handler handler);
  /// Closes every open connection too: a request arriving after this never reaches the handler,
  /// which may belong to an object that is going away (loaxad's shutdown fade).
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  void accept();
  friend class detail::ControlSession;
  void forget(detail::ControlSession* session) noexcept { sessions_.erase(session); }

  std::filesystem::path path_;
  Handler handler_;
  boost::asio::local::stream_protocol::acceptor acceptor_;
  /// The open connections, as Asio's HTTP server example keeps them in its connection manager,
  /// so that stopping the server closes them all.
  std::map<detail::ControlSession*, std::shared_ptr<detail::ControlSession>> sessions_;
};

}  // namespace loaxa
