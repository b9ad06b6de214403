#pragma once
// loaxad's heart: one Boost.Asio io_context on one thread. It plans, waits for the next
// occurrence, opens the output ahead of it, lets the sink place the first frame on time,
// watches the playout and writes the broadcast log.

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <vector>

#include "audio/playout_engine.h"
#include "audio/portaudio_sink.h"
#include "audio/sink.h"
#include "audio/wav_file_sink.h"
#include "audit/station_key.h"
#include "config/schedule_file.h"
#include "config/station_config.h"
#include "core/clock.h"
#include "core/planner.h"
#include "daemon/broadcast_close.h"
#include "daemon/broadcast_queue.h"
#include "daemon/control_server.h"
#include "daemon/log_priority.h"
#include "daemon/output_state.h"
#include "daemon/wake_policy.h"
#include "station/station_plan.h"
#include "store/broadcast_log.h"
#include "store/database.h"
#include "store/segment_repository.h"
#include "store/station_events.h"

namespace loaxa {

/// "normal" | "priority" | "emergency" (Circular 39/2020's three levels).
std::optional<Priority> priority_from(const std::string& s) noexcept;

struct DaemonOptions {
  bool rehearsal = false;  ///< --output rehearsal: WAV files under [audio] rehearsal_dir
  Lang lang = Lang::kVi;
};

class StationDaemon {
 public:
  StationDaemon(boost::asio::io_context& io, const Clock& clock, StationConfig config,
                DaemonOptions options);
  ~StationDaemon();

  /// Opens the database and the output, loads the schedules, prints the banner and arms the
  /// first wake-up. Throws UserError (bad schedule, missing device, foreign database).
  void start();

  /// Exit status for main(): 0, or kExitRestart when the output hung and a fresh process is
  /// needed (the supervisor restarts it).
  int exit_code() const noexcept { return exit_code_; }
  static constexpr int kExitRestart = 75;  // EX_TEMPFAIL

 private:
  using Pending = PendingBroadcast;

  /// One device a broadcast plays on: its own stream and engine, so each device places its
  /// first frame on the scheduled instant by its own stream's clock.
  struct Output {
    OutputSpec spec;  ///< the device and the broadcast's zones on it
    std::uint32_t channel_mask = ~0u;
    std::unique_ptr<Sink> sink;
    std::unique_ptr<PlayoutEngine> engine;
    std::int64_t frames_expected = 0;
    StallWatch stall;
    DeviceFault fault = DeviceFault::kNone;  ///< set when this device ends the broadcast
    std::string fault_detail;
  };

  struct Broadcast {
    Pending item;
    std::int64_t log_id = 0;
    std::int64_t frames_expected = 0;  ///< at the first output's rate, as the log records it
    std::vector<Output> outputs;
    std::vector<std::string> unopened;  ///< devices it should have played on but could not
    std::int64_t last_frames = 0;
    MonoInstant last_checkpoint{};
    Instant target{};
    std::optional<CutRequest> cut;  ///< set when stopped or pre-empted
    /// Frames every device has delivered (the fewest), at the first output's rate.
    std::int64_t frames_delivered() const;
    std::optional<Instant> first_frame_at() const;
  };

  /// The plan over [from, to) with the station's holidays, approval rule and play history.
  std::vector<Occurrence> plan(Instant from, Instant to) const;
  /// Loads the schedules and calendar of `config` (station/station_plan), saying its warnings
  /// and notes on the console; its `invalid` problems refuse them.
  StationSchedules load_schedules_for(const StationConfig& config);
  void catch_up(Instant since);
  void heartbeat();
  /// Signs the audit chain's head (start, daily, shutdown, on request); a failure to write
  /// is reported, never fatal: the next checkpoint covers what this one missed.
  std::optional<std::int64_t> checkpoint(const char* reason);
  void arm_daily_checkpoint();
  /// While log writes wait (disk full), retries them every few seconds.
  void retry_log_writes();
  void plan_and_arm();
  /// Feeds both clocks to the jump detector; a jump is recorded as a station event.
  void note_clock(Instant now);
  /// Arms the wake timer for next_ (its amplifier lead or its opening), capped (wake_policy).
  void arm_wake();
  void on_wake();
  void enqueue(Pending item);
  void play_next_in_queue();
  /// How long after an operator's request its first frame can go out: time to open the
  /// output and fill the ring, so the first frames are not an underrun.
  static constexpr std::chrono::milliseconds kPlayNowLead{400};
  void begin(Pending item, Instant target);
  /// The log's opening row for `item` (on `outputs`, or none when nothing will play).
  BroadcastStart start_row(const Pending& item, const std::vector<Output>* outputs) const;
  /// The devices `o` plays on (those of its zones; all when it names none), with their zones.
  std::vector<OutputSpec> outputs_for(const Occurrence& o) const;
  void log_without_playing(const Pending& item, Outcome outcome, const Reason& reason);
  void watch();
  /// What `b` did, read from its engines and sinks, for close_broadcast.
  BroadcastRun run_of(const Broadcast& b) const;
  /// Closes the current broadcast in the log (close_broadcast decides how) and moves on.
  void finish();
  void cut_current(Outcome as, const Reason& reason);
  void on_signal(int signal);
  void shut_down();
  /// Whether the amplifier's `before` command is still to be run for `o`, and when.
  bool amplifier_due(const Occurrence& o) const;
  Instant amplifier_at(const Occurrence& o) const;
  /// Runs a shell command off the event loop with the amplifier timeout; the result is
  /// recorded as a station event of `kind` and handed to `done` on the event loop.
  void run_command(const std::string& kind, const std::string& command,
                   std::function<void(bool, std::string)> done);
  /// Stops every output's stream, then closes them, off the event loop with a bounded wait.
  void release_output(std::vector<Output> outputs);
  void device_lost(const std::string& device, const Reason& why);
  void schedule_reopen();
  bool reopen_output();
  /// PortAudio, and with it the audio server's client (on JACK: the server's shared memory,
  /// ~100 MB resident, and a thread that wakes every period), is held only around broadcasts:
  /// hold_output() takes it (bounded, as a close is), drop_idle_output() lets it go when nothing
  /// plays or waits. Measured in BENCHMARKS.md, row 5.
  bool hold_output();
  void drop_idle_output();
  void arm_signals();
  void arm_hangup();
  void close_crashed_entries();
  std::unique_ptr<Sink> make_sink(const Occurrence& occurrence, const OutputSpec& spec);
  /// Prints a line for the operator (the journal under systemd, with its priority).
  void say(const Text& t, LogPriority priority = LogPriority::kInfo) const;

  /// Why the database's chain does not extend what loaxad last signed, or none.
  std::optional<Text> chain_problem();
  /// Says so (priority crit), records chain_mismatch once per problem, and keeps it for status.
  void raise_chain_alarm(const Text& problem);

  // Control requests (control_commands.cpp).
  void handle_request(ControlRequest request, const ControlServer::Reply& reply);
  /// segment_approve, segment_retire, segment_validity, segment_edit: carried out at once (one
  /// short transaction each), in the name of `by` or else of the peer's account.
  Json segment_change(const std::string& cmd, const nlohmann::json& request,
                      const ControlPeer& peer);
  /// segment_import: the files come as descriptors; copied, decoded and measured on the
  /// import worker, never on the event loop, and answered from there.
  void segment_import(ControlRequest request, const ControlServer::Reply& reply);
  Json status() const;
  Json play(const nlohmann::json& request);
  Json stop();
  Json reload();
  Json checkpoint_request();

  boost::asio::io_context& io_;
  const Clock& clock_;
  StationConfig config_;
  DaemonOptions options_;
  const date::time_zone* zone_ = nullptr;
  std::unique_ptr<SQLite::Database> db_;
  std::unique_ptr<LogJournal> journal_;
  boost::asio::steady_timer journal_timer_{io_};
  std::unique_ptr<BroadcastLog> log_;
  std::unique_ptr<SegmentRepository> segments_;
  StationPlan plan_;
  std::unique_ptr<StationEvents> events_;
  std::optional<StationKey> key_;
  boost::asio::steady_timer heartbeat_timer_{io_};
  boost::asio::steady_timer checkpoint_timer_{io_};
  boost::asio::steady_timer reopen_timer_{io_};
  enum class AmplifierState { kNone, kRunning, kOk, kFailed };
  struct {
    std::string key;  ///< occurrence the `before` command ran for
    AmplifierState state = AmplifierState::kNone;
    std::string detail;
  } amplifier_;
  OutputState output_;  ///< idle, held, playing, lost or restart required
  int exit_code_ = 0;
  std::chrono::seconds reopen_backoff_{0};
  std::unique_ptr<PortAudioSystem> portaudio_;   ///< held as output_.holds() says
  std::map<std::string, OutputDevice> devices_;  ///< by label, as the held PortAudio lists them
  std::string output_label_;
  boost::asio::steady_timer wake_timer_;
  boost::asio::steady_timer watch_timer_;
  boost::asio::signal_set signals_;
  boost::asio::signal_set hangup_;
  std::unique_ptr<ControlServer> control_;
  std::optional<Occurrence> next_;
  BroadcastQueue queue_;
  ClockJumpDetector jumps_;
  std::optional<ClockJump> last_jump_;
  std::unique_ptr<Broadcast> current_;
  HandledOccurrences handled_;  ///< scheduled occurrences the daemon is done with
  bool stopping_ = false;
  std::optional<Text> chain_alarm_;  ///< the log does not extend what was signed: sign nothing
  /// Expires with this object: what a worker posts to the event loop checks it first.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
  /// Runs imports off the event loop; declared last so that it is joined first, while
  /// everything an import uses still exists.
  std::unique_ptr<boost::asio::thread_pool> import_worker_;
};

/// main() of loaxad.
int run_loaxad(int argc, char** argv);

}  // namespace loaxa
