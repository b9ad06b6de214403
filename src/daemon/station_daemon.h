#pragma once
// loaxad's heart: one Boost.Asio io_context on one thread. It plans, waits for the next
// occurrence, opens the output ahead of it, lets the sink place the first frame on time,
// watches the playout and writes the broadcast log.

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <optional>
#include <vector>

#include "audio/playout_engine.h"
#include "audio/portaudio_sink.h"
#include "audio/sink.h"
#include "audio/wav_file_sink.h"
#include "config/station_config.h"
#include "core/clock.h"
#include "core/planner.h"
#include "store/broadcast_log.h"
#include "store/database.h"
#include "store/segment_repository.h"

namespace loaxa {

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

 private:
  struct Broadcast {
    Occurrence occurrence;
    std::int64_t log_id = 0;
    std::int64_t frames_expected = 0;
    std::unique_ptr<Sink> sink;
    std::unique_ptr<PlayoutEngine> engine;
    std::int64_t last_frames = 0;
    Instant last_progress{};
    std::optional<std::string> stop_reason;
  };

  void plan_and_arm();
  void on_wake();
  /// Plays `occurrence`, or only logs it as missed when `missed_reason` is not empty.
  void begin(const Occurrence& occurrence, const std::string& missed_reason);
  void watch();
  void finish(std::optional<Outcome> forced, const std::string& forced_reason);
  void on_signal(int signal);
  void close_crashed_entries();
  std::unique_ptr<Sink> make_sink(const Occurrence& occurrence);
  void say(const Text& t) const;

  boost::asio::io_context& io_;
  const Clock& clock_;
  StationConfig config_;
  DaemonOptions options_;
  const date::time_zone* zone_ = nullptr;
  std::unique_ptr<SQLite::Database> db_;
  std::unique_ptr<BroadcastLog> log_;
  std::unique_ptr<SegmentRepository> segments_;
  std::vector<Programme> programmes_;
  std::unique_ptr<PortAudioSystem> portaudio_;
  OutputDevice device_;
  boost::asio::steady_timer wake_timer_;
  boost::asio::steady_timer watch_timer_;
  boost::asio::signal_set signals_;
  std::optional<Occurrence> next_;
  std::unique_ptr<Broadcast> current_;
  Instant handled_until_{};  ///< occurrences at or before this instant are done
  bool stopping_ = false;
};

/// main() of loaxad.
int run_loaxad(int argc, char** argv);

}  // namespace loaxa
