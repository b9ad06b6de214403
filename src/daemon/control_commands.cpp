// The control protocol's requests, answered on the event loop (so no locking is needed).
// Documented in README.md ("Control socket").

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "config/schedule_file.h"
#include "daemon/station_daemon.h"
#include "daemon/wake_policy.h"
#include "station/segment_lookup.h"

namespace loaxa {
namespace {

constexpr std::chrono::minutes kOperatorGrace{10};

}  // namespace

Json StationDaemon::handle_request(const nlohmann::json& request) {
  const auto cmd = request.value("cmd", std::string());
  if (cmd == "status") return status();
  if (cmd == "play") return play(request);
  if (cmd == "stop") return stop();
  if (cmd == "reload") return reload();
  if (cmd == "checkpoint") return checkpoint_request();
  return error_reply(
      fmt::format("lệnh \"{}\" không có; dùng status, play, stop, reload hoặc checkpoint", cmd),
      fmt::format("unknown cmd \"{}\"; use status, play, stop, reload or checkpoint", cmd));
}

Json StationDaemon::checkpoint_request() {
  const auto seq = checkpoint("request");
  return {{"ok", true},
          {"checkpoint_seq", seq ? Json(*seq) : Json(nullptr)},
          {"fingerprint", key_->public_key().fingerprint()}};
}

Json StationDaemon::status() const {
  Json r{{"ok", true},
         {"station", config_.station_name},
         {"timezone", config_.timezone},
         {"output", options_.rehearsal ? "rehearsal" : "portaudio"},
         {"device", output_label_},
         {"output_state", output_.lost().empty() ? "ok" : "lost"},
         {"log_backlog", journal_ ? journal_->backlog() : 0},
         {"log_error", journal_ ? journal_->error() : std::string()},
         {"now", format_iso(clock_.now(), zone_)}};
  Json outputs = Json::array();
  for (const auto& spec : output_specs(config_)) {
    outputs.push_back({{"device", spec.label()},
                       {"zones", spec.zones},
                       {"state", options_.rehearsal              ? "rehearsal"
                                 : output_.is_lost(spec.label()) ? "lost"
                                                                 : "ok"}});
  }
  r["outputs"] = outputs;
  if (current_) {
    const auto& b = *current_;
    Json p = occurrence_json(b.item.occurrence, zone_, config_);
    p["priority"] = to_string(b.item.priority);
    p["origin"] = b.item.origin;
    p["frames_expected"] = b.frames_expected;
    const auto delivered = b.frames_delivered();
    p["frames_delivered"] = delivered;
    p["progress"] =
        b.frames_expected > 0 ? static_cast<double>(delivered) / b.frames_expected : 0.0;
    const auto first = b.first_frame_at();
    p["started_at"] = first ? Json(format_iso(*first, zone_)) : Json(nullptr);
    r["playing"] = p;
  } else {
    r["playing"] = nullptr;
  }
  Json queued = Json::array();
  for (const auto& q : queue_.items()) {
    auto j = occurrence_json(q.occurrence, zone_, config_);
    j["priority"] = to_string(q.priority);
    j["origin"] = q.origin;
    queued.push_back(j);
  }
  r["queue"] = queued;
  const Instant now = clock_.now();
  Json next = Json::array();
  for (const auto& o : plan(handled_.until(), now + std::chrono::hours(24 * 8))) {
    if (handled_.covers(o) || log_->has_occurrence(o.key())) continue;
    next.push_back(occurrence_json(o, zone_, config_));
    if (next.size() == 5) break;
  }
  r["next"] = next;
  return r;
}

Json StationDaemon::play(const nlohmann::json& request) {
  const auto id = request.value("segment", std::string());
  const auto priority_text = request.value("priority", std::string("priority"));
  const auto priority = priority_from(priority_text);
  if (!priority) {
    return error_reply(
        fmt::format("mức ưu tiên \"{}\" không có; dùng normal, priority hoặc emergency",
                    priority_text),
        fmt::format("unknown priority \"{}\"; use normal, priority or emergency", priority_text));
  }
  // Any name a person may give (station/segment_lookup.h): a unique prefix, either case.
  const SegmentLookup found = find_segment(*segments_, id);
  if (!found.found()) {
    const Text why = found.message();
    return error_reply(why.vi, why.en);
  }
  const std::optional<Segment>& segment = found.segment;
  // Before the time is read: the broadcast is promised kPlayNowLead after an open output.
  if (!options_.rehearsal && output_.lost().empty() && !current_) hold_output();
  const Instant now = clock_.now();
  Pending item;
  item.occurrence.programme_id = "operator";
  item.occurrence.programme_title = segment->title;
  item.occurrence.slot_index = -1;
  item.occurrence.scheduled_at = now + kPlayNowLead;
  item.occurrence.segments = {*segment};
  item.occurrence.total_seconds = segment->duration_seconds();
  item.priority = *priority;
  if (request.contains("zones")) {
    // A malformed zone list must not turn into "every zone": the village not meant to hear
    // it would.
    const auto& zones = request["zones"];
    const bool names = zones.is_array() && std::all_of(zones.begin(), zones.end(),
                                                       [](const auto& z) { return z.is_string(); });
    if (!names) {
      return error_reply("trường \"zones\" phải là danh sách tên vùng, ví dụ [\"thon-dong\"]",
                         "field \"zones\" must be a list of zone names, e.g. [\"thon-dong\"]");
    }
    for (const auto& z : zones) {
      const auto name = z.get<std::string>();
      const bool known = std::any_of(config_.zones.begin(), config_.zones.end(),
                                     [&](const auto& k) { return k.name == name; });
      if (!known) {
        const Text why = unknown_zone(config_, name);
        return error_reply(why.vi, why.en);
      }
      item.occurrence.zones.push_back(name);
    }
  }
  item.deadline = item.occurrence.scheduled_at + kOperatorGrace;
  item.origin = "operator";
  const bool will_wait = current_ && *priority != Priority::kEmergency;
  auto summary = occurrence_json(item.occurrence, zone_, config_);
  summary["priority"] = to_string(*priority);
  enqueue(std::move(item));
  return {{"ok", true}, {"queued", will_wait}, {"broadcast", summary}};
}

Json StationDaemon::stop() {
  if (!current_) {
    return error_reply("không có gì đang phát", "nothing is playing");
  }
  if (current_->cut) {
    return error_reply("buổi phát đang kết thúc (đang giảm dần âm lượng)",
                       "the broadcast is already ending (fading out)");
  }
  auto what = occurrence_json(current_->item.occurrence, zone_, config_);
  cut_current(Outcome::kStopped, Reason(ReasonCode::kOperatorStop));
  return {{"ok", true}, {"stopped", what}};
}

Json StationDaemon::reload() {
  StationConfig fresh;
  try {
    fresh = load_config(config_.file);
  } catch (const UserError& e) {
    return error_reply(e.text().vi, e.text().en);
  }
  // Throws UserError, which the control server answers as an error reply.
  const date::time_zone* zone = station_time_zone(fresh);
  auto loaded = load_schedules_for(fresh);
  if (!loaded.valid()) {
    std::string vi, en;
    for (const auto& p : loaded.invalid()) {
      vi += (vi.empty() ? "" : "\n") + p.format(Lang::kVi);
      en += (en.empty() ? "" : "\n") + p.format(Lang::kEn);
    }
    events_->append("reload_rejected", clock_.now(), {{"errors", en}});
    auto r = error_reply(vi, en);
    r["kept_old_schedule"] = true;
    return r;
  }
  plan_ = StationPlan(std::move(loaded.programmes), std::move(loaded.options), zone);
  // Output, database and socket are opened once; changing them needs a restart.
  std::vector<std::string> needs_restart;
  if (fresh.database != config_.database) needs_restart.push_back("storage.database");
  if (fresh.host_api != config_.host_api || fresh.device != config_.device) {
    needs_restart.push_back("audio.host_api/device");
  }
  // Devices are checked when loaxad starts; a zone on a device new to this process may play
  // there once PortAudio is initialised again (it is let go between broadcasts), but only a
  // restart checks the device and its channels.
  auto devices_of = [](const StationConfig& c) {
    std::set<std::string> labels;
    for (const auto& spec : output_specs(c)) labels.insert(spec.label());
    return labels;
  };
  if (devices_of(fresh) != devices_of(config_)) needs_restart.push_back("zones.device");
  if (fresh.control_socket != config_.control_socket) needs_restart.push_back("control.socket");
  const auto keep_db = config_.database;
  const auto keep_socket = config_.control_socket;
  const auto keep_api = config_.host_api;
  const auto keep_device = config_.device;
  config_ = std::move(fresh);
  config_.database = keep_db;
  config_.control_socket = keep_socket;
  config_.host_api = keep_api;
  config_.device = keep_device;
  zone_ = zone;
  // Re-plan at once, whether or not something is on air: the current broadcast continues, and
  // an occurrence of the new schedule that comes due meanwhile queues behind it.
  wake_timer_.cancel();
  plan_and_arm();
  int slots = 0;
  for (const auto& p : plan_.programmes()) slots += static_cast<int>(p.slots.size());
  events_->append("schedule_reloaded", clock_.now(),
                  {{"programmes", plan_.programmes().size()}, {"slots", slots}});
  return {{"ok", true},
          {"programmes", plan_.programmes().size()},
          {"slots", slots},
          {"needs_restart", needs_restart}};
}

}  // namespace loaxa
