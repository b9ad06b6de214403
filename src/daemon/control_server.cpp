#include "daemon/control_server.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <istream>

#include "core/text.h"

namespace loaxa {
namespace {

using boost::asio::local::stream_protocol;

// A client that sends nothing for this long is dropped, so a stuck `loaxa` (or anything else
// that connects) cannot hold a connection open forever.
constexpr std::chrono::seconds kIdleTimeout{10};

}  // namespace

namespace detail {

// Everything runs on the io_context's one thread. `server_` is valid while `stopped_` is false:
// the server stops every session before it goes, and a completion queued before that (a request
// already read) finds `stopped_` set and drops the request.
class ControlSession : public std::enable_shared_from_this<ControlSession> {
 public:
  ControlSession(stream_protocol::socket socket, ControlServer& server)
      : socket_(std::move(socket)),
        timer_(socket_.get_executor()),
        buffer_(ControlServer::kMaxRequestBytes),
        server_(&server) {}

  void start() { read(); }

  /// Closes the connection without telling the server (it is the one asking).
  void stop() noexcept {
    stopped_ = true;
    server_ = nullptr;
    boost::system::error_code ignored;
    timer_.cancel();
    socket_.close(ignored);
  }

 private:
  /// Closes the connection and lets the server forget it.
  void close() noexcept {
    if (stopped_) return;
    ControlServer* server = server_;
    stop();
    server->forget(this);  // may drop the server's reference; the caller's `self` keeps us
  }

  void read() {
    auto self = shared_from_this();
    timer_.expires_after(kIdleTimeout);
    timer_.async_wait([self](const boost::system::error_code& ec) {
      if (!ec) self->close();
    });
    boost::asio::async_read_until(
        socket_, buffer_, '\n', [self](const boost::system::error_code& ec, std::size_t n) {
          if (self->stopped_) return;
          self->timer_.cancel();
          if (ec == boost::asio::error::not_found) {
            self->reply(error_reply(fmt::format("yêu cầu quá dài (tối đa {} byte)",
                                                ControlServer::kMaxRequestBytes),
                                    fmt::format("request too long (at most {} bytes)",
                                                ControlServer::kMaxRequestBytes)),
                        false);
            return;
          }
          if (ec) {  // closed by the peer or timed out
            self->close();
            return;
          }
          std::string line(boost::asio::buffers_begin(self->buffer_.data()),
                           boost::asio::buffers_begin(self->buffer_.data()) + n);
          self->buffer_.consume(n);
          self->reply(self->handle(line), true);
        });
  }

  Json handle(const std::string& line) {
    nlohmann::json request = nlohmann::json::parse(line, nullptr, false);
    if (request.is_discarded() || !request.is_object()) {
      return error_reply("yêu cầu không phải một đối tượng JSON trên một dòng",
                         "the request is not one JSON object on one line");
    }
    try {
      return server_->handler_(request);
    } catch (const UserError& e) {
      return error_reply(e.text().vi, e.text().en);
    } catch (const std::exception& e) {
      return error_reply(std::string("lỗi: ") + e.what(), std::string("error: ") + e.what());
    }
  }

  void reply(const Json& body, bool keep_open) {
    auto self = shared_from_this();
    // A title that is not UTF-8 must not turn the whole reply into an exception.
    out_ = body.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
    boost::asio::async_write(socket_, boost::asio::buffer(out_),
                             [self, keep_open](const boost::system::error_code& ec, std::size_t) {
                               if (self->stopped_) return;
                               if (ec || !keep_open) {
                                 self->close();
                                 return;
                               }
                               self->read();
                             });
  }

  stream_protocol::socket socket_;
  boost::asio::steady_timer timer_;
  boost::asio::streambuf buffer_;
  ControlServer* server_;
  bool stopped_ = false;
  std::string out_;
};

}  // namespace detail

ControlServer::ControlServer(boost::asio::io_context& io, std::filesystem::path path,
                             Handler handler)
    : path_(std::move(path)), handler_(std::move(handler)), acceptor_(io) {
  std::error_code ec;
  std::filesystem::create_directories(path_.parent_path(), ec);
  if (std::filesystem::exists(path_)) {
    stream_protocol::socket probe(io);
    boost::system::error_code connect_error;
    probe.connect(stream_protocol::endpoint(path_.string()), connect_error);
    if (!connect_error) {
      throw UserError(
          {fmt::format(
               "{}: một phần mềm phát thanh (loaxad) khác đang chạy và dùng cổng điều khiển này",
               path_.string()),
           fmt::format("{}: another loaxad is running on this control socket", path_.string())});
    }
    std::filesystem::remove(path_, ec);  // left by a crash
  }
  const stream_protocol::endpoint endpoint(path_.string());
  // The socket is created with the process umask; restrict it before anyone can connect.
  const mode_t old = ::umask(0117);
  boost::system::error_code bind_error;
  acceptor_.open(endpoint.protocol());
  acceptor_.bind(endpoint, bind_error);
  ::umask(old);
  if (bind_error) {
    throw UserError(
        {fmt::format("{}: không tạo được cổng điều khiển ({}); kiểm tra [control] socket",
                     path_.string(), bind_error.message()),
         fmt::format("{}: cannot create the control socket ({}); check [control] socket",
                     path_.string(), bind_error.message())});
  }
  ::chmod(path_.c_str(), 0660);
  acceptor_.listen();
  accept();
}

ControlServer::~ControlServer() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  for (auto& [raw, session] : sessions_) session->stop();
  sessions_.clear();
  std::error_code ec;
  std::filesystem::remove(path_, ec);
}

void ControlServer::accept() {
  acceptor_.async_accept(
      [this](const boost::system::error_code& ec, stream_protocol::socket socket) {
        if (ec == boost::asio::error::operation_aborted) return;
        if (!ec) {
          auto session = std::make_shared<detail::ControlSession>(std::move(socket), *this);
          sessions_.emplace(session.get(), session);
          session->start();
        }
        accept();
      });
}

}  // namespace loaxa
