// The control protocol's requests, answered on the event loop (so no locking is needed).
// Documented in README.md ("Control socket").

#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <set>

#include "config/schedule_file.h"
#include "daemon/station_daemon.h"
#include "daemon/wake_policy.h"
#include "station/segment_lookup.h"
#include "station/segment_operations.h"

namespace loaxa {
namespace {

constexpr std::chrono::minutes kOperatorGrace{10};

}  // namespace

void StationDaemon::handle_request(ControlRequest request, const ControlServer::Reply& reply) {
  const nlohmann::json& body = request.body;
  const auto cmd = body.value("cmd", std::string());
  if (cmd == "status") return reply(status());
  if (cmd == "play") return reply(play(body));
  if (cmd == "stop") return reply(stop());
  if (cmd == "reload") return reply(reload());
  if (cmd == "checkpoint") return reply(checkpoint_request());
  if (cmd == "segment_import") return segment_import(std::move(request), reply);
  if (cmd == "segment_approve" || cmd == "segment_retire" || cmd == "segment_validity" ||
      cmd == "segment_edit") {
    return reply(segment_change(cmd, body, request.peer));
  }
  reply(error_reply(
      fmt::format("lệnh \"{}\" không có; dùng status, play, stop, reload, checkpoint, "
                  "segment_import, segment_approve, segment_retire, segment_validity hoặc "
                  "segment_edit",
                  cmd),
      fmt::format("unknown cmd \"{}\"; use status, play, stop, reload, checkpoint, "
                  "segment_import, segment_approve, segment_retire, segment_validity or "
                  "segment_edit",
                  cmd)));
}

namespace {

/// Field `key` of a request when it is a string; a wrong type is refused rather than ignored.
std::optional<std::string> text_field(const nlohmann::json& request, const char* key) {
  if (!request.contains(key) || request[key].is_null()) return std::nullopt;
  if (!request[key].is_string()) {
    throw UserError({fmt::format("trường \"{}\" phải là một chuỗi", key),
                     fmt::format("field \"{}\" must be a string", key)});
  }
  return request[key].get<std::string>();
}

std::string required_text(const nlohmann::json& request, const char* key) {
  auto value = text_field(request, key);
  if (!value) {
    throw UserError({fmt::format("yêu cầu thiếu trường \"{}\"", key),
                     fmt::format("the request lacks the field \"{}\"", key)});
  }
  return *value;
}

/// A validity end: absent = keep, null = no limit, "YYYY-MM-DD".
std::optional<std::optional<date::year_month_day>> date_field(const nlohmann::json& request,
                                                              const char* key) {
  if (!request.contains(key)) return std::nullopt;
  if (request[key].is_null()) return std::optional<date::year_month_day>();
  const auto text = text_field(request, key);
  const auto day = parse_date(*text);
  if (!day) {
    throw UserError(
        {fmt::format("trường \"{}\": \"{}\" không phải ngày dạng NĂM-THÁNG-NGÀY", key, *text),
         fmt::format("field \"{}\": \"{}\" is not a YYYY-MM-DD date", key, *text)});
  }
  return std::optional<date::year_month_day>(*day);
}

/// The person a change is recorded for: the one named, else whoever's `loaxa` asked, by the
/// kernel's word for its account (never the request's own claim).
std::string person(const nlohmann::json& request, const ControlPeer& peer) {
  return text_field(request, "by").value_or(peer.account);
}

}  // namespace

Json StationDaemon::segment_change(const std::string& cmd, const nlohmann::json& request,
                                   const ControlPeer& peer) {
  SegmentOperations ops(config_, clock_);
  Json changes = Json::array();
  if (cmd == "segment_approve") {
    ApproveRequest req;
    if (!request.contains("ids") || !request["ids"].is_array() || request["ids"].empty()) {
      throw UserError({"trường \"ids\" phải là danh sách mã đoạn âm thanh",
                       "field \"ids\" must be a list of segment ids"});
    }
    for (const auto& id : request["ids"]) {
      if (!id.is_string()) {
        throw UserError({"trường \"ids\" phải là danh sách mã đoạn âm thanh",
                         "field \"ids\" must be a list of segment ids"});
      }
      req.ids.push_back(id.get<std::string>());
    }
    // An approval names the person deciding; there is no default for it.
    req.by = required_text(request, "by");
    for (const SegmentChange& c : ops.approve(req)) {
      changes.push_back(segment_change_json(c, zone_));
    }
  } else if (cmd == "segment_retire") {
    changes.push_back(segment_change_json(
        ops.retire({required_text(request, "id"), person(request, peer)}), zone_));
  } else if (cmd == "segment_validity") {
    ValidityRequest req;
    req.id = required_text(request, "id");
    req.from = date_field(request, "from");
    req.until = date_field(request, "until");
    req.by = person(request, peer);
    changes.push_back(segment_change_json(ops.set_validity(req), zone_));
  } else {
    EditRequest req;
    req.id = required_text(request, "id");
    req.title = text_field(request, "title");
    req.tag = text_field(request, "tag");
    req.note = text_field(request, "note");
    req.by = person(request, peer);
    changes.push_back(segment_change_json(ops.edit(req), zone_));
  }
  // Who changed what, in the journal as in the chained event.
  for (const auto& c : changes) {
    if (!c.contains("event") || c["event"].is_null()) continue;
    const std::string kind = c["event"].value("kind", "");
    const std::string by = c["event"].value("by", "");
    say({fmt::format("loaxad: {} (tài khoản {}): {} đoạn {} \"{}\"", by, peer.account,
                     kind == "approved"   ? "duyệt"
                     : kind == "retired"  ? "ngừng phát"
                     : kind == "validity" ? "đặt thời gian hiệu lực cho"
                                          : "sửa",
                     c.value("id", ""), c.value("title", "")),
         fmt::format("loaxad: {} (account {}): {} segment {} \"{}\"", by, peer.account, kind,
                     c.value("id", ""), c.value("title", ""))});
  }
  return {{"ok", true}, {"changes", changes}};
}

void StationDaemon::segment_import(ControlRequest request, const ControlServer::Reply& reply) {
  const nlohmann::json& body = request.body;
  SegmentImportRequest req;
  const bool names = body.contains("files") && body["files"].is_array() && !body["files"].empty() &&
                     std::all_of(body["files"].begin(), body["files"].end(),
                                 [](const auto& f) { return f.is_string(); });
  if (!names) {
    throw UserError({"trường \"files\" phải là danh sách tên tệp",
                     "field \"files\" must be a list of file names"});
  }
  for (const auto& f : body["files"]) req.files.push_back(f.get<std::string>());
  if (req.files.size() != request.files.size()) {
    throw UserError(
        {fmt::format("yêu cầu nêu {} tệp nhưng kèm {} tệp đã mở; loaxa gửi mỗi tệp kèm theo yêu "
                     "cầu (SCM_RIGHTS)",
                     req.files.size(), request.files.size()),
         fmt::format("the request names {} file(s) but carries {} open file(s); loaxa sends each "
                     "file with the request (SCM_RIGHTS)",
                     req.files.size(), request.files.size())});
  }
  req.title = text_field(body, "title");
  req.tag = text_field(body, "tag").value_or("");
  req.approver = text_field(body, "approve_by");
  req.valid_from = date_field(body, "from").value_or(std::nullopt);
  req.valid_until = date_field(body, "until").value_or(std::nullopt);
  // Everything the worker uses is its own: a reload may change config_ meanwhile.
  struct Job {
    StationConfig config;
    SegmentImportRequest req;
    std::vector<OwnedFd> files;
    std::string actor;
    ControlServer::Reply reply;
    std::function<void(const Text&)> say;
  };
  // The console line is printed on the event loop, like every other.
  auto say_on_loop = [this, alive = std::weak_ptr<int>(alive_)](const Text& t) {
    boost::asio::post(io_, [this, alive, t] {
      if (!alive.expired()) say(t);
    });
  };
  auto job = std::make_shared<Job>(Job{config_, std::move(req), std::move(request.files),
                                       request.peer.account, reply, say_on_loop});
  boost::asio::post(*import_worker_, [job, clock = &clock_, zone = zone_] {
    try {
      for (const OwnedFd& f : job->files) job->req.opened.push_back(f.get());
      const ImportResult result =
          SegmentOperations(job->config, *clock).import(job->req, job->actor);
      job->files.clear();  // the person's files are not kept open longer than needed
      Json files = Json::array();
      for (const FileImport& f : result.files) files.push_back(file_import_reply_json(f, zone));
      job->reply({{"ok", true}, {"files", files}});
      const auto imported = result.count(ImportStatus::kImported);
      const auto there = result.count(ImportStatus::kAlreadyThere);
      const auto refused = result.count(ImportStatus::kRefused);
      job->say({fmt::format("loaxad: tài khoản {} nhập {} tệp: {} đã nhập, {} đã có, {} bị từ "
                            "chối",
                            job->actor, result.files.size(), imported, there, refused),
                fmt::format("loaxad: account {} imported {} file(s): {} imported, {} already "
                            "there, {} refused",
                            job->actor, result.files.size(), imported, there, refused)});
    } catch (const UserError& e) {
      job->reply(error_reply(e.text()));
    } catch (const std::exception& e) {
      job->reply(error_reply(std::string("lỗi: ") + e.what(), std::string("error: ") + e.what()));
    }
  });
}

Json StationDaemon::checkpoint_request() {
  const auto seq = checkpoint("request");
  if (chain_alarm_) {
    return error_reply(
        {"phần mềm phát thanh (loaxad) không ký: nhật ký không còn nối tiếp phần "
         "nó đã ký: " +
             chain_alarm_->vi,
         "loaxad does not sign: the log no longer extends what it signed: " + chain_alarm_->en});
  }
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
         {"chain_alarm",
          chain_alarm_ ? Json{{"vi", chain_alarm_->vi}, {"en", chain_alarm_->en}} : Json()},
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
