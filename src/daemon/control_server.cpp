#include "daemon/control_server.h"

#include <fmt/format.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "core/text.h"

namespace loaxa {
namespace {

using boost::asio::local::stream_protocol;

// A client that sends nothing for this long is dropped, so a stuck `loaxa` (or anything else
// that connects) cannot hold a connection open forever.
constexpr std::chrono::seconds kIdleTimeout{10};

/// The connecting process as the kernel knows it.
ControlPeer peer_of(int fd) {
  ControlPeer peer;
  ucred cred{};
  socklen_t len = sizeof cred;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return peer;
  peer.uid = cred.uid;
  peer.gid = cred.gid;
  peer.pid = cred.pid;
  std::vector<char> buf(16384);
  passwd pw{};
  passwd* found = nullptr;
  if (::getpwuid_r(cred.uid, &pw, buf.data(), buf.size(), &found) == 0 && found != nullptr &&
      found->pw_name != nullptr) {
    peer.account = found->pw_name;
  } else {
    peer.account = "uid " + std::to_string(cred.uid);
  }
  return peer;
}

}  // namespace

namespace detail {

// Everything runs on the io_context's one thread. `server_` is valid while `stopped_` is false:
// the server stops every session before it goes, and a completion queued before that (a request
// already read, a reply from a worker) finds `stopped_` set and is dropped.
//
// Reads with recvmsg rather than Asio's read_until: a request may carry descriptors
// (SCM_RIGHTS), which a plain read would silently drop (and leak into nowhere).
class ControlSession : public std::enable_shared_from_this<ControlSession> {
 public:
  ControlSession(stream_protocol::socket socket, ControlServer& server, ControlPeer peer)
      : socket_(std::move(socket)),
        timer_(socket_.get_executor()),
        server_(&server),
        peer_(std::move(peer)) {}

  void start() { read(); }

  /// Closes the connection without telling the server (it is the one asking).
  void stop() noexcept {
    stopped_ = true;
    server_ = nullptr;
    boost::system::error_code ignored;
    timer_.cancel();
    socket_.close(ignored);
    files_.clear();
  }

  /// The reply to the request being handled; a second one is ignored.
  void answer(Json body) {
    if (stopped_ || !handling_) return;
    handling_ = false;
    reply(body, true);
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
    if (stopped_) return;
    if (const auto nl = in_.find('\n'); nl != std::string::npos) {
      std::string line = in_.substr(0, nl);
      in_.erase(0, nl + 1);
      dispatch(line);
      return;
    }
    if (in_.size() > ControlServer::kMaxRequestBytes) {
      reply(
          error_reply(
              fmt::format("yêu cầu quá dài (tối đa {} byte)", ControlServer::kMaxRequestBytes),
              fmt::format("request too long (at most {} bytes)", ControlServer::kMaxRequestBytes)),
          false);
      return;
    }
    auto self = shared_from_this();
    timer_.expires_after(kIdleTimeout);
    timer_.async_wait([self](const boost::system::error_code& ec) {
      if (!ec) self->close();
    });
    socket_.async_wait(stream_protocol::socket::wait_read,
                       [self](const boost::system::error_code& ec) {
                         if (self->stopped_) return;
                         self->timer_.cancel();
                         if (ec) {
                           self->close();
                           return;
                         }
                         self->receive();
                       });
  }

  void receive() {
    char data[8192];
    iovec iov{data, sizeof data};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * ControlServer::kMaxFiles)];
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    const ssize_t n = ::recvmsg(socket_.native_handle(), &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
      read();
      return;
    }
    // Descriptors are taken before anything else, so that none is left open whatever follows.
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
      const std::size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      for (std::size_t i = 0; i < count; ++i) {
        int fd = -1;
        std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
        files_.emplace_back(fd);
      }
    }
    if ((msg.msg_flags & MSG_CTRUNC) != 0) too_many_files_ = true;
    if (n <= 0) {  // closed by the peer, or an error
      close();
      return;
    }
    in_.append(data, static_cast<std::size_t>(n));
    read();
  }

  void dispatch(const std::string& line) {
    std::vector<OwnedFd> files = std::move(files_);
    files_.clear();
    if (too_many_files_ || files.size() > ControlServer::kMaxFiles) {
      too_many_files_ = false;
      reply(
          error_reply(
              fmt::format("quá nhiều tệp trong một yêu cầu (tối đa {})", ControlServer::kMaxFiles),
              fmt::format("too many files in one request (at most {})", ControlServer::kMaxFiles)),
          true);
      return;
    }
    nlohmann::json body = nlohmann::json::parse(line, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
      reply(error_reply("yêu cầu không phải một đối tượng JSON trên một dòng",
                        "the request is not one JSON object on one line"),
            true);
      return;
    }
    handling_ = true;
    std::weak_ptr<ControlSession> weak = shared_from_this();
    auto executor = socket_.get_executor();
    ControlServer::Reply answer = [weak, executor](Json reply) {
      boost::asio::post(executor, [weak, reply = std::move(reply)]() mutable {
        if (auto session = weak.lock()) session->answer(std::move(reply));
      });
    };
    try {
      server_->handler_(ControlRequest{std::move(body), peer_, std::move(files)}, answer);
    } catch (const UserError& e) {
      answer(error_reply(e.text().vi, e.text().en));
    } catch (const std::exception& e) {
      answer(error_reply(std::string("lỗi: ") + e.what(), std::string("error: ") + e.what()));
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
  ControlServer* server_;
  ControlPeer peer_;
  std::string in_;
  std::vector<OwnedFd> files_;  ///< received since the last request line
  bool too_many_files_ = false;
  bool handling_ = false;  ///< a request was handed over and its reply is awaited
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
          ControlPeer peer = peer_of(socket.native_handle());
          auto session =
              std::make_shared<detail::ControlSession>(std::move(socket), *this, std::move(peer));
          sessions_.emplace(session.get(), session);
          session->start();
        }
        accept();
      });
}

}  // namespace loaxa
