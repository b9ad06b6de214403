#pragma once
// The station's plan, loaded and computed one way for every front door: loaxad, `loaxa schedule
// check|preview`, and later the web console. The same schedule files, the same holiday calendar
// (a missing file is the same warning everywhere) and the same play history from the broadcast
// log, so what a preview shows is what the daemon will play.

#include <date/tz.h>

#include <vector>

#include "config/schedule_file.h"
#include "config/station_config.h"
#include "core/planner.h"
#include "core/rotation.h"
#include "core/segment.h"
#include "core/text.h"
#include "store/broadcast_log.h"

namespace loaxa {

/// The schedules a station plans with, as loaded from its config.
struct StationSchedules {
  std::vector<Programme> programmes;  ///< from the files that loaded without an invalid problem
  PlanOptions options;                ///< the holiday calendar and the approval rule
  /// Every problem, in file order (the holiday file's first). Those of kind kInvalid refuse the
  /// schedules (a daemon does not start or reload on them): a schedule that does not parse or
  /// check, a holiday file that cannot be read or parsed. The others leave them usable: a tag
  /// nobody carries yet, a segment not imported (that occurrence has nothing to play and is
  /// logged missed with its reason).
  std::vector<ScheduleProblem> problems;
  /// Notes about the station's files, e.g. that no holiday file exists (no day is skipped).
  std::vector<Text> notes;

  /// The problems of kind kInvalid.
  std::vector<ScheduleProblem> invalid() const;
  bool valid() const noexcept;
};

/// What a schedule check adds from the station's config: its broadcast window and its zones.
ScheduleOptions schedule_options(const StationConfig& config);

/// Loads [station] schedules_dir and [station] holidays against `catalogue`.
StationSchedules load_station_schedules(const StationConfig& config,
                                        const std::vector<Segment>& catalogue);

/// The station's time zone; throws UserError naming the config key when it is not an IANA zone.
const date::time_zone* station_time_zone(const StationConfig& config);

/// How far back the play history reaches: a rotation's memory (least_recent over a year's pool).
constexpr auto kHistoryDepth = std::chrono::hours(24 * 400);

/// What each slot has played, rebuilt from the log: entries scheduled in
/// [from - kHistoryDepth, to) that delivered sound, at the time their first frame went out.
PlayHistory play_history(const BroadcastLog& log, Instant from, Instant to);
/// The same from the station's database, opened read-only (a reader, not loaxad); empty when
/// the station has no database yet.
PlayHistory station_play_history(const StationConfig& config, Instant from, Instant to);

/// The station's plan: its schedules and calendar, in its time zone.
class StationPlan {
 public:
  StationPlan() = default;
  StationPlan(std::vector<Programme> programmes, PlanOptions options, const date::time_zone* zone)
      : programmes_(std::move(programmes)), options_(std::move(options)), zone_(zone) {}

  /// Every occurrence in [from, to) with what it will play, rotations continued from `log`.
  std::vector<Occurrence> occurrences(const std::vector<Segment>& catalogue,
                                      const BroadcastLog& log, Instant from, Instant to) const;
  /// The same from a history already read (a station with no database yet has an empty one).
  std::vector<Occurrence> occurrences(const std::vector<Segment>& catalogue,
                                      const PlayHistory& history, Instant from, Instant to) const;

  const std::vector<Programme>& programmes() const noexcept { return programmes_; }
  const PlanOptions& options() const noexcept { return options_; }
  const date::time_zone* zone() const noexcept { return zone_; }

 private:
  std::vector<Programme> programmes_;
  PlanOptions options_;
  const date::time_zone* zone_ = nullptr;
};

}  // namespace loaxa
