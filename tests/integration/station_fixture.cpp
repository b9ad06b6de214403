#include "station_fixture.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "test_signals.h"

namespace loaxa::it {

std::vector<double> ImportedSegment::expected() const {
  std::vector<float> decoded = pcm16_to_float(pcm);
  std::vector<double> out(decoded.size());
  for (std::size_t i = 0; i < decoded.size(); ++i) out[i] = decoded[i] * gain;
  return out;
}

Station::Station(const std::string& prefix) : dir_(prefix) {
  config_ = write_station_config(dir_.path(), StationOptions{});
  // The shared writer leaves approval at its default (required): these tests are about control,
  // not approval, so what they import must air at once.
  std::string text = read_file(config_);
  const std::string station = "[station]\n";
  const auto at = text.find(station);
  if (at == std::string::npos) throw std::runtime_error("no [station] in " + config_.string());
  text.insert(at + station.size(), "require_approval = false\n");
  write_file(config_, text);
}

RunResult Station::loaxa(const std::vector<std::string>& args,
                         std::chrono::milliseconds timeout) const {
  std::vector<std::string> argv = {bin_path("loaxa").string(), "--config", config_.string(),
                                   "--lang", "en"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, dir(), timeout);
}

void Station::add_config(const std::string& section, const std::string& lines) {
  std::string text = read_file(config_);
  const std::string header = "[" + section + "]\n";
  const auto at = text.find(header);
  if (at == std::string::npos) {
    text += "\n" + header + lines;
  } else {
    text.insert(at + header.size(), lines);
  }
  write_file(config_, text);
}

ImportedSegment Station::import_chirp(const std::string& name, double seconds,
                                      const std::string& tag) {
  return import_pcm(name, chirp_pcm16(kStationRate, seconds), tag);
}

ImportedSegment Station::import_pcm(const std::string& name, std::vector<std::int16_t> pcm,
                                    const std::string& tag) {
  ImportedSegment s;
  s.pcm = std::move(pcm);
  const fs::path wav = dir() / (name + ".wav");
  write_wav_pcm16(wav, kStationRate, s.pcm);
  RunResult r = loaxa({"segment", "import", wav.string(), "--tag", tag, "--json"});
  if (!r.ok()) throw std::runtime_error("import failed\n" + r.describe());
  json seg = json::parse(r.out).at(0);
  if (seg.at("status") != "imported") throw std::runtime_error("import: " + r.out);
  s.id = seg.at("id").get<std::string>();
  s.gain = std::pow(10.0, seg.at("gain_db").get<double>() / 20.0);
  return s;
}

void Station::start_daemon(const std::vector<std::string>& extra_args,
                           const std::vector<std::pair<std::string, std::string>>& env) {
  std::vector<std::string> argv = {bin_path("loaxad").string(), "--config", config_.string(),
                                   "--lang", "en"};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  daemon_ = std::make_unique<Process>(
      Process::Options{argv, env, dir(), "loaxad-" + std::to_string(++daemon_starts_)});
  // Ready when the socket answers: the daemon binds it after opening the database and the
  // output, and closes crashed entries right after.
  bool died = false;
  const bool up = wait_until(
      [&] {
        if (daemon_->poll()) {
          died = true;
          return true;
        }
        std::string error;
        return raw_exchange(socket(), "{\"cmd\":\"status\"}\n", 1s, &error).has_value();
      },
      15s, 50ms);
  if (died || !up) {
    throw std::runtime_error(std::string("loaxad ") + (died ? "exited" : "did not answer") +
                             " while starting\n" + daemon_->transcript());
  }
}

std::optional<ExitStatus> Station::stop_daemon() {
  if (!daemon_) return std::nullopt;
  daemon_->send_signal(SIGTERM);
  return daemon_->wait_for(10s);
}

std::optional<json> Station::log() const {
  RunResult r = loaxa({"log", "--json"}, 10s);
  if (!r.ok()) return std::nullopt;
  json j = json::parse(r.out, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

std::optional<json> Station::status() const {
  RunResult r = loaxa({"status", "--json"}, 10s);
  if (!r.ok()) return std::nullopt;
  json j = json::parse(r.out, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

std::optional<json> Station::audit_verify() const {
  RunResult r = loaxa({"audit", "verify", "--json"}, 30s);
  json j = json::parse(r.out, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

namespace {

/// `name` found on $PATH (Process runs executables by path, without a search).
fs::path on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
  for (std::size_t at = 0; at <= dirs.size();) {
    std::size_t colon = dirs.find(':', at);
    if (colon == std::string::npos) colon = dirs.size();
    const fs::path candidate = fs::path(dirs.substr(at, colon - at)) / name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    at = colon + 1;
  }
  throw std::runtime_error(name + " not found on PATH (scripts/deps.sh installs it)");
}

}  // namespace

std::optional<json> Station::query(const std::string& sql) const {
  RunResult r = run({on_path("sqlite3").string(), "-readonly", "-json", database().string(), sql},
                    dir(), 10s);
  if (!r.ok()) return std::nullopt;
  if (r.out.find_first_not_of(" \n") == std::string::npos) return json::array();  // no rows
  json j = json::parse(r.out, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

json Station::wait_for_log(const std::function<bool(const json&)>& done,
                           std::chrono::milliseconds timeout) {
  json last = json::array();
  wait_until(
      [&] {
        if (auto l = log()) last = *l;
        return done(last);
      },
      timeout, 200ms);
  return last;
}

json Station::wait_for_outcome(const std::string& programme, std::int64_t at_us,
                               std::chrono::milliseconds timeout) {
  return wait_for_log(
      [&](const json& l) {
        const std::string o = outcome_of(entry_at(l, programme, at_us));
        return !o.empty() && o != "playing";
      },
      timeout);
}

bool Station::wait_on_air(std::int64_t frames, std::chrono::milliseconds timeout) {
  return wait_until(
      [&] {
        auto s = status();
        return s && s->contains("playing") && (*s)["playing"].is_object() &&
               int_field((*s)["playing"], "frames_delivered") > frames;
      },
      timeout, 50ms);
}

std::vector<std::chrono::sys_seconds> times_ahead(std::chrono::seconds lead,
                                                  std::vector<std::chrono::seconds> offsets,
                                                  std::chrono::seconds span) {
  using std::chrono::system_clock;
  auto now = std::chrono::floor<std::chrono::seconds>(system_clock::now());
  auto left = until_local_midnight(now, kStationZone);
  if (left <= span + 60s) std::this_thread::sleep_for(left + 2s);
  auto base = std::chrono::ceil<std::chrono::seconds>(system_clock::now()) + lead;
  std::vector<std::chrono::sys_seconds> out;
  for (auto o : offsets) out.push_back(base + o);
  return out;
}

std::int64_t to_us(std::chrono::sys_seconds t) {
  return static_cast<std::int64_t>(t.time_since_epoch().count()) * 1'000'000;
}

std::optional<std::int64_t> time_field(const json& e, const char* key) {
  if (!e.is_object() || !e.contains(key) || !e[key].is_string()) return std::nullopt;
  return parse_iso8601_us(e[key].get<std::string>());
}

const json* entry_at(const json& log, const std::string& programme, std::int64_t at_us) {
  if (!log.is_array()) return nullptr;
  const json* found = nullptr;
  for (const json& e : log) {
    if (e.value("programme", "") != programme) continue;
    auto at = time_field(e, "scheduled_at");
    if (at && *at == at_us) found = &e;
  }
  return found;
}

std::vector<json> entries_of(const json& log, const std::string& programme) {
  std::vector<json> out;
  if (!log.is_array()) return out;
  for (const json& e : log) {
    if (e.value("programme", "") == programme) out.push_back(e);
  }
  return out;
}

std::string outcome_of(const json* entry) {
  if (entry == nullptr || !entry->contains("outcome") || !(*entry)["outcome"].is_string()) {
    return "";
  }
  return (*entry)["outcome"].get<std::string>();
}

std::int64_t int_field(const json& e, const char* key) {
  return e.is_object() && e.contains(key) && e[key].is_number_integer() ? e[key].get<std::int64_t>()
                                                                        : -1;
}

std::string summarize_log(const json& log) {
  if (!log.is_array()) return log.dump();
  std::string s;
  for (const json& e : log) {
    s += "\n    ";
    for (const char* key : {"programme", "scheduled_at", "started_at", "ended_at", "outcome",
                            "reason", "frames_expected", "frames_delivered"}) {
      if (e.contains(key)) s += std::string(key) + "=" + e[key].dump() + " ";
    }
  }
  return s;
}

std::optional<std::string> raw_exchange(const fs::path& path, const std::string& bytes,
                                        std::chrono::milliseconds timeout, std::string* error) {
  auto fail = [&](const std::string& what) -> std::optional<std::string> {
    if (error != nullptr) *error = what + ": " + std::strerror(errno);
    return std::nullopt;
  };
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return fail("socket");
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    return fail("connect " + path.string());
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto left_ms = [&] {
    return static_cast<int>(std::max<std::int64_t>(
        0, std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                 std::chrono::steady_clock::now())
               .count()));
  };
  // Written and read interleaved: the daemon may answer (and close) before taking everything,
  // as it must for an oversized line, and its reply has to be read rather than lost in a
  // blocked write.
  std::size_t sent = 0;
  std::string in;
  bool write_closed = false;
  for (;;) {
    if (auto nl = in.find('\n'); nl != std::string::npos) return in.substr(0, nl);
    const int ms = left_ms();
    if (ms == 0) {
      errno = ETIMEDOUT;
      return fail("no reply line");
    }
    pollfd p{fd, POLLIN, 0};
    if (!write_closed && sent < bytes.size()) p.events |= POLLOUT;
    if (::poll(&p, 1, ms) < 0) {
      if (errno == EINTR) continue;
      return fail("poll");
    }
    if (p.revents & POLLOUT) {
      const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n > 0) sent += static_cast<std::size_t>(n);
      if (n < 0 && errno != EAGAIN && errno != EINTR) write_closed = true;
    }
    if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
      char buf[4096];
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n > 0) {
        in.append(buf, static_cast<std::size_t>(n));
      } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        if (auto nl = in.find('\n'); nl != std::string::npos) return in.substr(0, nl);
        if (n == 0) errno = ECONNRESET;
        return fail("connection closed without a reply line (got \"" + in.substr(0, 200) + "\")");
      }
    }
  }
}

ControlConnection::ControlConnection(const fs::path& path) {
  fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

ControlConnection::~ControlConnection() {
  if (fd_ >= 0) ::close(fd_);
}

ControlConnection::Result ControlConnection::exchange(const std::string& line,
                                                      std::chrono::milliseconds timeout,
                                                      std::string* reply) {
  if (fd_ < 0) return Result::kClosed;
  const std::string out = line + "\n";
  // A peer that has closed makes the send fail (EPIPE) or the read below see the end.
  if (::send(fd_, out.data(), out.size(), MSG_NOSIGNAL) < 0) return Result::kClosed;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (auto nl = in_.find('\n'); nl != std::string::npos) {
      if (reply != nullptr) *reply = in_.substr(0, nl);
      in_.erase(0, nl + 1);
      return Result::kReply;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return Result::kTimeout;
    pollfd p{fd_, POLLIN, 0};
    const int r = ::poll(&p, 1, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return Result::kTimeout;
    char buf[4096];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return Result::kClosed;
    in_.append(buf, static_cast<std::size_t>(n));
  }
}

std::string ms_text(std::int64_t us) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.3f ms", static_cast<double>(us) / 1000.0);
  return buf;
}

std::size_t count_mismatches(const CapturedAudio& audio, std::size_t at,
                             const std::vector<double>& expected, std::size_t count,
                             std::string* detail) {
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < count && i < expected.size(); ++i) {
    for (int c = 0; c < CapturedAudio::kChannels; ++c) {
      const double got = at + i < audio.frames() ? audio.channel(c)[at + i] : std::nan("");
      if (!(std::abs(got - expected[i]) <= 1e-6 * std::abs(expected[i]))) {
        if (mismatches++ < 3 && detail != nullptr) {
          char buf[160];
          std::snprintf(buf, sizeof buf, " [frame %zu ch %d: got %.9g, expected %.9g]", i, c, got,
                        expected[i]);
          *detail += buf;
        }
      }
    }
  }
  return mismatches;
}

void run_with_xrun_retries(const std::function<Attempt()>& attempt) {
  Attempt a;
  for (int k = 1; k <= 3; ++k) {
    a = attempt();
    for (const auto& n : a.notes) std::printf("attempt %d: %s\n", k, n.c_str());
    if (a.failures.empty()) break;
    if (a.xruns == 0 && a.gap_frames == 0) break;
    std::printf("attempt %d failed with %d xrun(s), %zu gap frames; retrying\n", k, a.xruns,
                a.gap_frames);
  }
  for (const auto& f : a.failures) ADD_FAILURE() << f;
}

}  // namespace loaxa::it
