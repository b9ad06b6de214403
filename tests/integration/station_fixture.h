#pragma once
// A temporary station driven the way staff drive it: `loaxa` commands, a loaxad process, the
// control socket, the broadcast log. Shared by the control and crash tests.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "captured_audio.h"
#include "test_support.h"

namespace loaxa::it {

using json = nlohmann::json;

constexpr std::uint32_t kStationRate = 48000;
inline const std::string kStationZone = "Asia/Ho_Chi_Minh";

/// An imported test recording: what was written and what `loaxa segment import --json` said.
struct ImportedSegment {
  std::string id;
  std::vector<std::int16_t> pcm;
  double gain = 1.0;  ///< linear, from the reported gain_db
  /// The samples the output must carry: decoded fixture times the gain.
  std::vector<double> expected() const;
};

/// A station in a temp dir: config (approval not required, so imports air at once; control
/// socket under the dir), database, schedules; and loaxad as a child process.
class Station {
 public:
  explicit Station(const std::string& prefix);

  const fs::path& dir() const { return dir_.path(); }
  const fs::path& config() const { return config_; }
  fs::path socket() const { return dir() / "var" / "loaxad.sock"; }
  fs::path schedule_file(const std::string& programme) const {
    return dir() / "schedules" / (programme + ".toml");
  }

  /// `loaxa --config <config> --lang en <args>`.
  RunResult loaxa(const std::vector<std::string>& args,
                  std::chrono::milliseconds timeout = 30s) const;
  fs::path database() const { return dir() / "var" / "loaxa.db"; }

  /// Adds `lines` to the config's `[section]` (appending the section if the file has none).
  void add_config(const std::string& section, const std::string& lines);
  /// Writes a chirp of `seconds` and imports it with `tag`; throws with the transcript on failure.
  ImportedSegment import_chirp(const std::string& name, double seconds, const std::string& tag);
  /// Writes `pcm` (mono, kStationRate) as a WAV file and imports it with `tag`; throws likewise.
  ImportedSegment import_pcm(const std::string& name, std::vector<std::int16_t> pcm,
                             const std::string& tag);

  /// Starts loaxad (with `extra_args`, e.g. {"--output", "rehearsal"}, and `env` added to its
  /// environment) and waits until its control socket answers; throws if it exits or does not
  /// answer.
  void start_daemon(const std::vector<std::string>& extra_args = {},
                    const std::vector<std::pair<std::string, std::string>>& env = {});
  Process& daemon() { return *daemon_; }
  bool daemon_running() { return daemon_ && !daemon_->poll(); }
  /// SIGTERM and wait; none if it did not exit within 10 s.
  std::optional<ExitStatus> stop_daemon();
  /// Forget the (dead) daemon so another can be started.
  void drop_daemon() { daemon_.reset(); }

  /// `loaxa log --json`, or none if it failed or did not parse.
  std::optional<json> log() const;
  /// `loaxa status --json` parsed, or none.
  std::optional<json> status() const;
  /// `loaxa audit verify --json` parsed (it exits 2 for a broken log), or none.
  std::optional<json> audit_verify() const;
  /// Rows of `sqlite3 -json <database> <query>` (read-only), or none if it failed.
  std::optional<json> query(const std::string& sql) const;
  /// Polls the log until `done(log)`, at most `timeout`; returns the last log read.
  json wait_for_log(const std::function<bool(const json&)>& done,
                    std::chrono::milliseconds timeout);
  /// Polls the log until the entry of `programme` scheduled at `at_us` has an outcome other than
  /// "playing", at most `timeout`; returns the last log read.
  json wait_for_outcome(const std::string& programme, std::int64_t at_us,
                        std::chrono::milliseconds timeout);
  /// Polls `loaxa status` until a broadcast is on air with more than `frames` delivered; false
  /// after `timeout`.
  bool wait_on_air(std::int64_t frames, std::chrono::milliseconds timeout);

 private:
  TempDir dir_;
  fs::path config_;
  std::unique_ptr<Process> daemon_;
  int daemon_starts_ = 0;
};

/// Times `lead` and `lead + step`, ... from now, whole seconds, as sys_seconds; first makes sure
/// they cannot straddle local midnight (see daemon_playback_test.cpp).
std::vector<std::chrono::sys_seconds> times_ahead(std::chrono::seconds lead,
                                                  std::vector<std::chrono::seconds> offsets,
                                                  std::chrono::seconds span);
std::int64_t to_us(std::chrono::sys_seconds t);

/// The log entry of `programme` scheduled at exactly `at_us`, if any.
const json* entry_at(const json& log, const std::string& programme, std::int64_t at_us);
/// Entries of `programme` (any scheduled time).
std::vector<json> entries_of(const json& log, const std::string& programme);
/// The entry's outcome ("playing" while open), or "".
std::string outcome_of(const json* entry);
std::int64_t int_field(const json& e, const char* key);
std::optional<std::int64_t> time_field(const json& e, const char* key);
/// One line per entry, for failure messages.
std::string summarize_log(const json& log);

/// Sends `bytes` on a fresh connection to the Unix socket `path` and reads one reply line (without
/// the newline); none when no full line came within `timeout` (or the connection failed: then
/// `error` says why).
std::optional<std::string> raw_exchange(const fs::path& path, const std::string& bytes,
                                        std::chrono::milliseconds timeout, std::string* error);

/// A control connection kept open while it lives: across requests, as `loaxa` and the web
/// console use it, or sending nothing, as a stuck client.
class ControlConnection {
 public:
  /// Connects to `path`; connected() says whether it worked.
  explicit ControlConnection(const fs::path& path);
  ~ControlConnection();
  ControlConnection(const ControlConnection&) = delete;
  ControlConnection& operator=(const ControlConnection&) = delete;
  bool connected() const noexcept { return fd_ >= 0; }

  enum class Result { kReply, kClosed, kTimeout };
  /// Sends `line` (a newline is added) and waits for one reply line or the peer's close.
  Result exchange(const std::string& line, std::chrono::milliseconds timeout,
                  std::string* reply = nullptr);

 private:
  int fd_ = -1;
  std::string in_;
};

/// "+12.345 ms".
std::string ms_text(std::int64_t us);

/// Compares `audio` from frame `at` with `expected` on both channels (relative 1e-6, NaN never
/// passes); returns how many samples differ and describes the first few in `detail`.
std::size_t count_mismatches(const CapturedAudio& audio, std::size_t at,
                             const std::vector<double>& expected, std::size_t count,
                             std::string* detail);

/// Runs `attempt` up to 3 times while it fails and its capture saw xruns or lost cycles, so only
/// an overloaded machine excuses a retry; prints each attempt's notes, reports the last failures.
struct Attempt {
  std::vector<std::string> failures;
  std::vector<std::string> notes;
  int xruns = 0;
  std::size_t gap_frames = 0;
  void fail(const std::string& s) { failures.push_back(s); }
  void note(const std::string& s) { notes.push_back(s); }
};
void run_with_xrun_retries(const std::function<Attempt()>& attempt);

}  // namespace loaxa::it
