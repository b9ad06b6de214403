#include "test_support.h"

#include <date/tz.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace loaxa::it {

namespace {

std::string errno_text(int err) {
  return std::strerror(err);
}

std::optional<ExitStatus> decode_wait_status(int status) {
  ExitStatus s;
  if (WIFEXITED(status)) {
    s.exited = true;
    s.code = WEXITSTATUS(status);
    return s;
  }
  if (WIFSIGNALED(status)) {
    s.signal = WTERMSIG(status);
    return s;
  }
  return std::nullopt;
}

std::string join(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& a : argv) s += (s.empty() ? "" : " ") + a;
  return s;
}

}  // namespace

TempDir::TempDir(const std::string& prefix) {
  const char* tmp = std::getenv("TMPDIR");
  std::string templ =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/" + prefix + "XXXXXX";
  if (mkdtemp(templ.data()) == nullptr) {
    throw std::runtime_error("mkdtemp " + templ + ": " + errno_text(errno));
  }
  path_ = templ;
}

TempDir::~TempDir() {
  if (std::getenv("LOAXA_KEEP_TEST_DIRS") != nullptr) {
    std::cerr << "kept test directory " << path_ << "\n";
    return;
  }
  std::error_code ec;
  fs::remove_all(path_, ec);
}

void write_file(const fs::path& file, const std::string& text) {
  if (file.has_parent_path()) fs::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return {};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string require_env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') {
    throw std::runtime_error(std::string(name) +
                             " is not set: run the integration tests through ctest "
                             "(tests/integration/CMakeLists.txt sets it)");
  }
  return v;
}

fs::path bin_path(const std::string& name) {
  return fs::path(require_env("LOAXA_BIN_DIR")) / name;
}

std::int64_t realtime_us() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
}

std::string ExitStatus::describe() const {
  if (exited) return "exit " + std::to_string(code);
  return "killed by signal " + std::to_string(signal) + " (" + strsignal(signal) + ")";
}

Process::Process(Options options) : argv_(std::move(options.argv)) {
  if (argv_.empty()) throw std::invalid_argument("Process: empty argv");
  static std::atomic<int> counter{0};
  std::string label =
      options.label.empty() ? fs::path(argv_[0]).filename().string() : options.label;
  std::string stem = label + "." + std::to_string(counter.fetch_add(1));
  fs::path dir = options.output_dir.empty() ? fs::temp_directory_path() : options.output_dir;
  fs::create_directories(dir);
  stdout_path_ = dir / (stem + ".stdout");
  stderr_path_ = dir / (stem + ".stderr");

  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry = *e;
    std::string key = entry.substr(0, entry.find('='));
    bool overridden = false;
    for (const auto& [k, v] : options.env) overridden = overridden || k == key;
    if (!overridden) env_strings.push_back(entry);
  }
  for (const auto& [k, v] : options.env) env_strings.push_back(k + "=" + v);

  std::vector<char*> argv_ptrs;
  for (auto& a : argv_) argv_ptrs.push_back(a.data());
  argv_ptrs.push_back(nullptr);
  std::vector<char*> env_ptrs;
  for (auto& e : env_strings) env_ptrs.push_back(e.data());
  env_ptrs.push_back(nullptr);

  // fork+exec rather than posix_spawn for PR_SET_PDEATHSIG: when ctest kills a test that
  // timed out, its daemon must die with it instead of playing on into the next test's capture.
  // Between fork and exec the child (of a multithreaded parent) makes only async-signal-safe
  // calls; everything it needs is prepared here.
  const pid_t parent = getpid();
  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) throw std::runtime_error("pipe2: " + errno_text(errno));
  pid_ = fork();
  if (pid_ < 0) {
    int err = errno;
    close(report[0]);
    close(report[1]);
    throw std::runtime_error("fork: " + errno_text(err));
  }
  if (pid_ == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    // Default dispositions and an empty mask whatever gtest or the test left behind, so SIGTERM
    // reaches the daemon's own handler.
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; ++sig) sigaction(sig, &dfl, nullptr);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    int in = open("/dev/null", O_RDONLY);
    int out = open(stdout_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = open(stderr_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0 || err < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) {
      int e = errno;
      (void)!write(report[1], &e, sizeof e);
      _exit(127);
    }
    execve(argv_ptrs[0], argv_ptrs.data(), env_ptrs.data());
    int e = errno;
    (void)!write(report[1], &e, sizeof e);
    _exit(127);
  }
  close(report[1]);
  int child_errno = 0;
  ssize_t n;
  do {
    n = read(report[0], &child_errno, sizeof child_errno);
  } while (n < 0 && errno == EINTR);
  close(report[0]);
  if (n == static_cast<ssize_t>(sizeof child_errno)) {
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    throw std::runtime_error("cannot start " + argv_[0] + ": " + errno_text(child_errno));
  }
}

Process::~Process() {
  if (pid_ > 0 && !status_) kill_and_reap();
}

std::optional<ExitStatus> Process::poll() {
  if (status_ || pid_ <= 0) return status_;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) status_ = decode_wait_status(status);
  return status_;
}

std::optional<ExitStatus> Process::wait_for(std::chrono::milliseconds timeout) {
  wait_until([&] { return poll().has_value(); }, timeout, 10ms);
  return status_;
}

void Process::send_signal(int sig) {
  if (pid_ > 0 && !status_) ::kill(pid_, sig);
}

ExitStatus Process::kill_and_reap() {
  if (status_) return *status_;
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  status_ = decode_wait_status(status).value_or(ExitStatus{});
  return *status_;
}

std::string Process::transcript() const {
  std::string s = "$ " + join(argv_) + "\n";
  s += status_ ? status_->describe() : std::string("(still running)");
  s += "\n--- stdout ---\n" + stdout_text() + "--- stderr ---\n" + stderr_text() + "---";
  return s;
}

std::string RunResult::describe() const {
  std::string s = "$ " + command + "\n";
  s += status ? status->describe() : std::string("timed out");
  s += "\n--- stdout ---\n" + out + "--- stderr ---\n" + err + "---";
  return s;
}

RunResult run(const std::vector<std::string>& argv, const fs::path& output_dir,
              std::chrono::milliseconds timeout,
              const std::vector<std::pair<std::string, std::string>>& env) {
  Process p({argv, env, output_dir, ""});
  RunResult r;
  r.command = join(argv);
  r.status = p.wait_for(timeout);
  if (!r.status) p.kill_and_reap();
  r.out = p.stdout_text();
  r.err = p.stderr_text();
  return r;
}

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
                std::chrono::milliseconds period) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(period);
  }
  return condition();
}

fs::path write_station_config(const fs::path& dir, const StationOptions& options) {
  std::ostringstream s;
  s << "[station]\n"
    << "name = \"Loa xã thử nghiệm\"\n"
    << "timezone = \"" << options.timezone << "\"\n\n"
    << "[storage]\n"
    << "database = \"var/loaxa.db\"\n"
    << "library = \"var/library\"\n\n"
    << "[schedules]\n"
    << "dir = \"schedules\"\n\n"
    << "[audio]\n"
    << "host_api = \"" << options.host_api << "\"\n"
    << "device = \"" << options.device << "\"\n"
    << "target_lufs = -16\n"
    << "open_ahead = " << options.open_ahead_seconds << "\n";
  fs::path file = dir / "loaxa.toml";
  write_file(file, s.str());
  fs::create_directories(dir / "schedules");
  return file;
}

fs::path write_schedule(const fs::path& dir, const std::string& programme_id,
                        const std::string& tag, const std::vector<std::string>& times) {
  std::ostringstream s;
  s << "[programme]\n"
    << "id = \"" << programme_id << "\"\n"
    << "title = \"Chương trình thử " << programme_id << "\"\n\n"
    << "[[slot]]\n"
    << "days = [\"daily\"]\n"
    << "at = [";
  for (std::size_t i = 0; i < times.size(); ++i) s << (i ? ", " : "") << '"' << times[i] << '"';
  s << "]\n"
    << "play = { tag = \"" << tag << "\" }\n";
  fs::path file = dir / "schedules" / (programme_id + ".toml");
  write_file(file, s.str());
  return file;
}

std::string local_time_of_day(std::chrono::sys_seconds instant, const std::string& zone) {
  date::zoned_seconds zt{date::locate_zone(zone), instant};
  return date::format("%T", zt.get_local_time());
}

std::chrono::seconds until_local_midnight(std::chrono::sys_seconds instant,
                                          const std::string& zone) {
  date::zoned_seconds zt{date::locate_zone(zone), instant};
  auto local = zt.get_local_time();
  auto next_midnight = date::floor<date::days>(local) + date::days{1};
  return next_midnight - local;
}

std::optional<std::int64_t> parse_iso8601_us(const std::string& text) {
  // Hand-parsed rather than with date::parse: the fraction's width varies (none, ms, us) and a
  // malformed string must give "none", not a silently truncated instant.
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  int n = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 ||
      n != 19) {
    return std::nullopt;
  }
  std::size_t i = 19;
  std::int64_t micros = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    int digits = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      if (digits < 6) micros = micros * 10 + (text[i] - '0');
      ++digits;
      ++i;
    }
    if (digits == 0) return std::nullopt;
    for (int k = digits; k < 6; ++k) micros *= 10;
  }
  std::int64_t offset_s = 0;
  if (i < text.size() && text[i] == 'Z') {
    ++i;
  } else if (i + 6 == text.size() && (text[i] == '+' || text[i] == '-') && text[i + 3] == ':') {
    int oh = 0, om = 0;
    if (std::sscanf(text.c_str() + i + 1, "%2d:%2d", &oh, &om) != 2) return std::nullopt;
    offset_s = (oh * 3600 + om * 60) * (text[i] == '-' ? -1 : 1);
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != text.size()) return std::nullopt;
  date::year_month_day ymd{date::year{y}, date::month(static_cast<unsigned>(mo)),
                           date::day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return std::nullopt;
  auto local_s = date::sys_days{ymd}.time_since_epoch() + std::chrono::hours{h} +
                 std::chrono::minutes{mi} + std::chrono::seconds{sec};
  return (std::chrono::duration_cast<std::chrono::seconds>(local_s).count() - offset_s) *
             1'000'000 +
         micros;
}

}  // namespace loaxa::it
