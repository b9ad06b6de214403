#pragma once
// The local control socket: a Unix stream socket speaking newline-delimited JSON.
// One request object per line, one reply object per line. No network listener, ever.

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>

namespace loaxa {

class ControlServer {
 public:
  /// Replies to one request; exceptions become {"ok": false, "error": ...} replies.
  using Handler = std::function<nlohmann::json(const nlohmann::json& request)>;

  /// Largest request line accepted; longer ones get an error reply and the connection closes.
  static constexpr std::size_t kMaxRequestBytes = 64 * 1024;

  /// Binds `path` (mode 0660). A stale socket file left by a crash is replaced; a socket that
  /// answers means another loaxad runs there: throws UserError.
  ControlServer(boost::asio::io_context& io, std::filesystem::path path, Handler handler);
  ~ControlServer();

  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  void accept();

  std::filesystem::path path_;
  Handler handler_;
  boost::asio::local::stream_protocol::acceptor acceptor_;
};

/// The error reply for a request that failed: {"ok": false, "error": {"vi": ..., "en": ...}}.
nlohmann::json error_reply(const std::string& vi, const std::string& en);

}  // namespace loaxa
