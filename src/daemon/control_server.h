#pragma once
// The local control socket: a Unix stream socket speaking newline-delimited JSON.
// One request object per line, one reply object per line. No network listener, ever.

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "codec/station_json.h"

namespace loaxa {

namespace detail {
class ControlSession;
}

class ControlServer {
 public:
  /// Replies to one request (codec/station_json.h); exceptions become error_reply()s.
  using Handler = std::function<Json(const nlohmann::json& request)>;

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
