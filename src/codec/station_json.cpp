#include "codec/station_json.h"

#include <cmath>

#include "core/time.h"

namespace loaxa {

std::string printable(const Json& j) {
  return j.dump(2, ' ', false, Json::error_handler_t::replace);
}

double round_to(double v, int digits) {
  const double scale = std::pow(10.0, digits);
  return std::round(v * scale) / scale;
}

Json date_json(const std::optional<date::year_month_day>& day) {
  return day ? Json(format_date(*day)) : Json();
}

namespace {

/// What the import measured, shared by list, show and import output.
void add_measured_json(Json& j, const Segment& s) {
  j["sample_rate"] = s.sample_rate;
  j["channels"] = s.channels;
  j["frames"] = s.frames;
  j["duration_seconds"] = round_to(s.duration_seconds(), 3);
  j["loudness_lufs"] = round_to(s.loudness_lufs, 2);
  j["true_peak_dbtp"] = round_to(s.true_peak_dbtp, 2);
  j["gain_db"] = s.gain_db;  // exact: it is the gain the player applies
}

/// The approval and validity keys shared by list, show and import output.
void add_approval_json(Json& j, const Segment& s, const date::time_zone* zone) {
  j["approval"] = std::string(approval_name(s.approval));
  j["approved_by"] = s.approval == Segment::Approval::kPending ? Json() : Json(s.approved_by);
  j["approved_at"] = s.approved_at ? Json(format_iso(*s.approved_at, zone)) : Json();
  j["valid_from"] = date_json(s.valid_from);
  j["valid_until"] = date_json(s.valid_until);
}

Json optional_time(const std::optional<Instant>& t, const date::time_zone* zone) {
  return t ? Json(format_iso(*t, zone)) : Json();
}

}  // namespace

Json segment_json(const Segment& s, const date::time_zone* zone) {
  Json j;
  j["id"] = s.id;
  j["sha256"] = s.sha256;
  j["title"] = s.title;
  j["tag"] = s.tag;
  j["note"] = s.note;
  j["format"] = s.format;
  j["original_name"] = s.original_name;
  j["library_path"] = s.library_path;
  add_measured_json(j, s);
  j["imported_at"] = format_iso(s.imported_at, zone);
  j["import_order"] = s.import_order;
  add_approval_json(j, s, zone);
  return j;
}

Json segment_json(const Segment& s, const date::time_zone* zone,
                  const std::optional<NotAiring>& why_not_today) {
  Json j = segment_json(s, zone);
  j["airs_today"] = !why_not_today.has_value();
  j["not_airing_today"] =
      why_not_today ? Json(std::string(not_airing_code(*why_not_today))) : Json(nullptr);
  return j;
}

Json segment_record_json(const SegmentRecord& record, const date::time_zone* zone,
                         const std::optional<NotAiring>& why_not_today) {
  Json j = segment_json(record.segment, zone, why_not_today);
  Json events = Json::array();
  for (const SegmentEvent& e : record.history) events.push_back(segment_event_json(e, zone));
  j["events"] = std::move(events);
  return j;
}

Json segment_event_json(const SegmentEvent& e, const date::time_zone* zone) {
  Json j;
  j["seq"] = e.seq;
  j["kind"] = std::string(kind_name(e.kind));
  j["by"] = e.by;
  j["at"] = format_iso(e.at, zone);
  if (e.kind == SegmentEvent::Kind::kValidity) {
    j["valid_from"] = date_json(e.valid_from);
    j["valid_until"] = date_json(e.valid_until);
  }
  if (e.kind == SegmentEvent::Kind::kEdited) {
    // The new value of each field the edit changed; null for a field it left alone.
    for (const auto& [key, value] :
         {std::pair{"title", &e.title}, std::pair{"tag", &e.tag}, std::pair{"note", &e.note}}) {
      j[key] = *value ? Json(**value) : Json();
    }
  }
  return j;
}

Json segment_change_json(const SegmentChange& c, const date::time_zone* zone) {
  Json j = segment_json(c.segment, zone);
  j["event"] = c.event ? segment_event_json(*c.event, zone) : Json();
  return j;
}

Json file_import_json(const FileImport& o, Lang lang, const date::time_zone* zone) {
  static const char* const kStatus[] = {"imported", "duplicate", "refused"};
  const bool known = o.status != ImportStatus::kRefused;
  const Segment& s = o.segment;
  Json j;
  j["file"] = o.file;
  j["status"] = kStatus[static_cast<int>(o.status)];
  j["id"] = known ? Json(s.id) : Json();
  j["sha256"] = known ? Json(s.sha256) : o.sha256 ? Json(*o.sha256) : Json();
  j["title"] = s.title;
  j["tag"] = s.tag;
  if (known) {
    j["format"] = s.format;
    add_measured_json(j, s);
    add_approval_json(j, s, zone);
  } else {
    for (const char* k : {"format", "sample_rate", "channels", "frames", "duration_seconds",
                          "loudness_lufs", "true_peak_dbtp", "gain_db", "approval", "approved_by",
                          "approved_at", "valid_from", "valid_until"}) {
      j[k] = nullptr;
    }
  }
  Json events = Json::array();
  for (const SegmentEvent& e : o.recorded) events.push_back(segment_event_json(e, zone));
  j["events"] = std::move(events);
  // Why the approver or the dates asked for were not applied (not the segment's own note,
  // which `segment show --json` gives).
  j["note"] = o.note ? Json(o.note->in(lang)) : Json();
  j["error"] = known ? Json() : Json(o.refusal->message.in(lang));
  j["reason"] = known ? Json() : Json(o.refusal->code);
  return j;
}

Json file_import_reply_json(const FileImport& o, const date::time_zone* zone) {
  Json j = file_import_json(o, Lang::kEn, zone);
  auto both = [](const Text& t) { return Json{{"vi", t.vi}, {"en", t.en}}; };
  j["note_text"] = o.note ? both(*o.note) : Json();
  j["error_text"] = o.refusal ? both(o.refusal->message) : Json();
  return j;
}

Json occurrence_json(const Occurrence& o, const date::time_zone* zone) {
  Json segments = Json::array();
  for (const Segment& s : o.segments) {
    segments.push_back(
        {{"id", s.id}, {"title", s.title}, {"duration_seconds", s.duration_seconds()}});
  }
  return {
      {"scheduled_at", format_iso(o.scheduled_at, zone)},
      {"local_time", format_local(o.scheduled_at, zone)},
      {"programme", o.programme_id},
      {"programme_title", o.programme_title},
      {"slot", o.slot_index},
      {"segments", segments},
      {"total_seconds", o.total_seconds},
      {"priority", to_string(o.priority)},
      {"zones", o.zones},
      {"nothing_reason", o.nothing_reason ? render(*o.nothing_reason, Lang::kEn) : std::string()},
      {"nothing_reason_code", o.nothing_reason ? Json(to_string(o.nothing_reason->code)) : Json()}};
}

Json occurrence_json(const Occurrence& o, const date::time_zone* zone,
                     const StationConfig& config) {
  Json plain = occurrence_json(o, zone);
  std::vector<std::string> names;
  for (const std::string& id : o.zones) names.push_back(zone_shown(config, id));
  // Rebuilt rather than appended so that zone_names sits beside zones, as in log rows.
  Json j;
  for (auto& [key, value] : plain.items()) {
    j[key] = std::move(value);
    if (key == "zones") j["zone_names"] = names;
  }
  return j;
}

Json log_row_json(const LogRow& row, const date::time_zone* zone) {
  const BroadcastEntry& e = row.entry;
  Json o;
  o["id"] = e.id;
  o["programme"] = e.start.programme_id;
  o["slot"] = e.start.slot_index;
  o["segments"] = e.start.segment_ids;
  o["segment_titles"] = row.titles;
  o["segment_hashes"] = e.start.segment_hashes;
  o["output"] = e.start.output;
  o["device"] = e.start.device;
  o["scheduled_at"] = format_iso(e.start.scheduled_at, zone);
  o["opened_at"] = format_iso(e.start.opened_at, zone);
  o["frames_expected"] = e.start.frames_expected;
  o["sample_rate"] = e.start.sample_rate;
  o["priority"] = e.start.priority;
  o["zones"] = e.start.zones;
  o["zone_names"] = row.zones;
  o["origin"] = e.start.origin;
  Json params = Json::object();
  if (e.end) {
    o["started_at"] = optional_time(e.end->started_at, zone);
    o["ended_at"] = optional_time(e.end->ended_at, zone);
    o["frames_delivered"] = e.end->frames_delivered;
    o["underruns"] = e.end->underruns;
    o["peak_dbfs"] = e.end->peak_dbfs;
    o["rms_dbfs"] = e.end->rms_dbfs;
    o["outcome"] = to_string(e.end->outcome);
    o["reason"] = e.end->reason;
    o["reason_code"] = e.end->why ? Json(to_string(e.end->why->code)) : Json();
    if (e.end->why) {
      for (const auto& [name, value] : e.end->why->params) params[name] = value;
    }
    o["reason_params"] = std::move(params);
    o["longest_silence_ms"] = e.end->longest_silence_ms;
    o["dead_air"] = e.end->dead_air;
  } else {
    o["started_at"] = nullptr;
    o["ended_at"] = nullptr;
    o["frames_delivered"] = nullptr;
    o["outcome"] = "playing";
    o["reason"] = "";
    o["reason_code"] = nullptr;
    o["reason_params"] = std::move(params);
  }
  return o;
}

Json error_reply(const Text& why) {
  return {{"ok", false}, {"error", {{"vi", why.vi}, {"en", why.en}}}};
}

Json error_reply(const std::string& vi, const std::string& en) {
  return error_reply(Text{vi, en});
}

}  // namespace loaxa
