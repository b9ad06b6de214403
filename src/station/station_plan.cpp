#include "station/station_plan.h"

#include <fmt/format.h>

#include <filesystem>
#include <system_error>

#include "config/holiday_file.h"
#include "core/time.h"
#include "store/database.h"

namespace loaxa {

std::vector<ScheduleProblem> StationSchedules::invalid() const {
  std::vector<ScheduleProblem> out;
  for (const auto& p : problems) {
    if (p.kind == ScheduleProblem::Kind::kInvalid) out.push_back(p);
  }
  return out;
}

bool StationSchedules::valid() const noexcept {
  for (const auto& p : problems) {
    if (p.kind == ScheduleProblem::Kind::kInvalid) return false;
  }
  return true;
}

ScheduleOptions schedule_options(const StationConfig& config) {
  ScheduleOptions opt;
  if (config.window) opt.window = BroadcastWindow{config.window->first, config.window->second};
  for (const auto& z : config.zones) opt.known_zones.push_back(z.name);
  return opt;
}

StationSchedules load_station_schedules(const StationConfig& config,
                                        const std::vector<Segment>& catalogue) {
  StationSchedules out;
  out.options.require_approval = config.require_approval;
  std::error_code ec;
  if (config.holidays.empty() || !std::filesystem::exists(config.holidays, ec)) {
    // A station may keep no calendar; it must know that holidays are then ordinary days.
    const std::string file = display_path(config.holidays);
    out.notes.push_back(
        {fmt::format("cảnh báo: không có tệp ngày lễ {}; không bỏ qua ngày lễ nào", file),
         fmt::format("warning: no holiday file {}; no day is skipped as a holiday", file)});
  } else {
    try {
      out.options.holidays = load_holidays(config.holidays);
    } catch (const UserError& e) {
      // Named but unreadable or broken: broadcasting through Tết by accident is worse than
      // refusing, so this refuses like a broken schedule does.
      ScheduleProblem p;
      p.message = e.text();
      p.kind = ScheduleProblem::Kind::kInvalid;
      p.where.file = config.holidays.string();
      out.problems.push_back(std::move(p));
    }
  }
  ScheduleSet set = load_schedules(config.schedules_dir, catalogue, schedule_options(config));
  out.problems.insert(out.problems.end(), set.problems.begin(), set.problems.end());
  out.programmes = std::move(set.programmes);
  return out;
}

const date::time_zone* station_time_zone(const StationConfig& config) {
  const date::time_zone* zone = find_zone(config.timezone);
  if (zone == nullptr) {
    // load_config has refused such a zone already; a config built in code may still hold one.
    const Text why = unknown_time_zone(config.timezone);
    throw UserError({"[station] timezone: " + why.vi, "[station] timezone: " + why.en});
  }
  return zone;
}

PlayHistory play_history(const BroadcastLog& log, Instant from, Instant to) {
  PlayHistory history;
  for (const auto& e : log.between(from - kHistoryDepth, to)) {
    if (!e.end || e.end->frames_delivered == 0) continue;
    const Instant at = e.end->started_at.value_or(e.start.scheduled_at);
    for (const auto& id : e.start.segment_ids) {
      history.add(e.start.programme_id, e.start.slot_index, id, at);
    }
  }
  return history;
}

PlayHistory station_play_history(const StationConfig& config, Instant from, Instant to) {
  std::error_code ec;
  if (!std::filesystem::exists(config.database, ec)) return {};
  auto db = open_database_readonly(config.database);
  return play_history(BroadcastLog(*db), from, to);
}

std::vector<Occurrence> StationPlan::occurrences(const std::vector<Segment>& catalogue,
                                                 const BroadcastLog& log, Instant from,
                                                 Instant to) const {
  return occurrences(catalogue, play_history(log, from, to), from, to);
}

std::vector<Occurrence> StationPlan::occurrences(const std::vector<Segment>& catalogue,
                                                 const PlayHistory& history, Instant from,
                                                 Instant to) const {
  return expand(programmes_, catalogue, from, to, zone_, options_, history);
}

}  // namespace loaxa
