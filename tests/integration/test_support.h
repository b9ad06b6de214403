#pragma once
// What the end-to-end tests share: temporary stations, child processes with their output kept in
// files, bounded waits, and the station's wall clock.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace loaxa::it {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

/// A fresh directory, removed with its content on destruction unless LOAXA_KEEP_TEST_DIRS is set
/// (then its path is printed, for a post-mortem of a failed run).
class TempDir {
 public:
  /// Creates `$TMPDIR/<prefix>XXXXXX`.
  explicit TempDir(const std::string& prefix);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  /// The directory, absolute.
  const fs::path& path() const noexcept { return path_; }

 private:
  fs::path path_;
};

/// Writes `text` to `file`, creating its folders; throws on failure.
void write_file(const fs::path& file, const std::string& text);
/// The whole file, or "" when it does not exist.
std::string read_file(const fs::path& file);

/// The value of an environment variable the ctest registration sets; throws naming it if unset.
std::string require_env(const char* name);
/// $LOAXA_BIN_DIR/<name>: the loaxa executables under test.
fs::path bin_path(const std::string& name);

/// Microseconds since the epoch on CLOCK_REALTIME, the clock the station's schedule is kept in.
std::int64_t realtime_us();

/// How a child ended.
struct ExitStatus {
  bool exited = false;  ///< false: killed by `signal`
  int code = 0;
  int signal = 0;
  /// "exit 0", "killed by signal 9 (Killed)".
  std::string describe() const;
};

/// A child process (fork+exec), killed if the test process dies. Its stdout and stderr go to files
/// rather than pipes, so a chatty daemon can never block on a pipe nobody drains, and the text
/// survives for the failure message. A child still running on destruction is killed and reaped.
class Process {
 public:
  struct Options {
    std::vector<std::string> argv;  ///< argv[0] is the executable's path
    /// Added to (or replacing in) this process's environment.
    std::vector<std::pair<std::string, std::string>> env;
    fs::path output_dir;  ///< receives <label>.<n>.stdout / .stderr
    std::string label;    ///< defaults to the executable's file name
  };

  /// Throws when the executable cannot be started.
  explicit Process(Options options);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const noexcept { return pid_; }
  /// The exit status once the child has ended (reaping it), else none.
  std::optional<ExitStatus> poll();
  /// Waits at most `timeout` for the child to end.
  std::optional<ExitStatus> wait_for(std::chrono::milliseconds timeout);
  /// Sends `sig` if the child has not been reaped yet.
  void send_signal(int sig);
  /// SIGKILL and reap; returns the status.
  ExitStatus kill_and_reap();

  std::string stdout_text() const { return read_file(stdout_path_); }
  std::string stderr_text() const { return read_file(stderr_path_); }
  /// "<argv joined>" with both outputs, for failure messages.
  std::string transcript() const;

 private:
  std::vector<std::string> argv_;
  fs::path stdout_path_;
  fs::path stderr_path_;
  pid_t pid_ = -1;
  std::optional<ExitStatus> status_;
};

/// The result of a short command.
struct RunResult {
  std::optional<ExitStatus> status;  ///< none: timed out (and was killed)
  std::string out;
  std::string err;
  std::string command;
  bool ok() const { return status && status->exited && status->code == 0; }
  /// The command, its status and both outputs, for failure messages.
  std::string describe() const;
};

/// Runs a command to completion, killing it after `timeout`.
RunResult run(const std::vector<std::string>& argv, const fs::path& output_dir,
              std::chrono::milliseconds timeout = 30s,
              const std::vector<std::pair<std::string, std::string>>& env = {});

/// Calls `condition` every `period` until it returns true (then true) or `timeout` passes (then
/// false, after one last try).
bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
                std::chrono::milliseconds period = 100ms);

/// What a test station's config file says.
struct StationOptions {
  std::string device = "system";
  std::string host_api = "JACK";
  double open_ahead_seconds = 2.0;
  std::string timezone = "Asia/Ho_Chi_Minh";
};

/// Writes `<dir>/loaxa.toml` (database, library and schedules under `dir`) and returns its path.
fs::path write_station_config(const fs::path& dir, const StationOptions& options);

/// Writes `<dir>/schedules/<programme_id>.toml`: one daily slot at `times` ("HH:MM:SS", station
/// time) playing the segments tagged `tag`.
fs::path write_schedule(const fs::path& dir, const std::string& programme_id,
                        const std::string& tag, const std::vector<std::string>& times);

/// "HH:MM:SS" of `instant` in the IANA zone `zone`.
std::string local_time_of_day(std::chrono::sys_seconds instant, const std::string& zone);
/// Seconds from `instant` to the next local midnight in `zone`.
std::chrono::seconds until_local_midnight(std::chrono::sys_seconds instant,
                                          const std::string& zone);

/// Parses "2026-11-28T18:05:03.004+07:00" (also "Z", and without fraction) to microseconds since
/// the epoch; none when it is not that shape.
std::optional<std::int64_t> parse_iso8601_us(const std::string& text);

}  // namespace loaxa::it
