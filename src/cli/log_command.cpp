#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/cli_context.h"
#include "store/broadcast_log.h"
#include "store/database.h"

namespace loaxa {
namespace {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

}  // namespace

void add_log_command(CLI::App& app, CliContext& ctx) {
  auto* cmd =
      app.add_subcommand("log", ctx.say({"in nhật ký phát thanh", "print the broadcast log"}));
  auto from = std::make_shared<std::string>();
  auto to = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  auto csv = std::make_shared<bool>(false);
  auto* json_opt = cmd->add_flag(
      "--json", *json, ctx.say({"in dạng mảng các đối tượng JSON", "an array of JSON objects"}));
  cmd->add_flag("--csv", *csv, ctx.say({"in dạng CSV, có dòng tiêu đề", "CSV with a header row"}))
      ->excludes(json_opt);
  cmd->add_option("--from", *from,
                  ctx.say({"ngày đầu, YYYY-MM-DD (theo múi giờ của đài)",
                           "first day, YYYY-MM-DD (station time zone)"}));
  cmd->add_option(
      "--to", *to,
      ctx.say({"ngày cuối, YYYY-MM-DD, tính cả ngày này", "last day, YYYY-MM-DD, included"}));
  cmd->callback([&ctx, from, to, json, csv] {
    const auto& cfg = ctx.config();
    const auto* zone = find_zone(cfg.timezone);
    Instant lo{}, hi = Instant::max();
    for (auto [text, out, next_day] :
         {std::tuple{from.get(), &lo, false}, std::tuple{to.get(), &hi, true}}) {
      if (text->empty()) continue;
      auto day = parse_date(*text);
      if (!day) {
        throw UserError({fmt::format("ngày \"{}\" không hợp lệ; dùng dạng YYYY-MM-DD", *text),
                         fmt::format("bad date \"{}\"; use YYYY-MM-DD", *text)});
      }
      date::sys_days d{*day};
      if (next_day) d += date::days{1};
      *out = local_midnight(date::year_month_day{d}, zone);
    }
    auto db = open_database_readonly(cfg.database);
    BroadcastLog log(*db);
    auto entries = log.between(lo, hi);

    auto iso = [&](const std::optional<Instant>& t) -> nlohmann::json {
      if (!t) return nullptr;
      return format_iso(*t, zone);
    };
    if (*json) {
      auto arr = nlohmann::json::array();
      for (const auto& e : entries) {
        nlohmann::json o;
        o["id"] = e.id;
        o["programme"] = e.start.programme_id;
        o["slot"] = e.start.slot_index;
        o["segments"] = e.start.segment_ids;
        o["segment_hashes"] = e.start.segment_hashes;
        o["output"] = e.start.output;
        o["device"] = e.start.device;
        o["scheduled_at"] = format_iso(e.start.scheduled_at, zone);
        o["opened_at"] = format_iso(e.start.opened_at, zone);
        o["frames_expected"] = e.start.frames_expected;
        o["sample_rate"] = e.start.sample_rate;
        o["priority"] = e.start.priority;
        o["zones"] = e.start.zones;
        o["origin"] = e.start.origin;
        if (e.end) {
          o["started_at"] = iso(e.end->started_at);
          o["ended_at"] = iso(e.end->ended_at);
          o["frames_delivered"] = e.end->frames_delivered;
          o["underruns"] = e.end->underruns;
          o["peak_dbfs"] = e.end->peak_dbfs;
          o["rms_dbfs"] = e.end->rms_dbfs;
          o["outcome"] = to_string(e.end->outcome);
          o["reason"] = e.end->reason;
          o["reason_code"] = e.end->why ? nlohmann::json(to_string(e.end->why->code)) : nullptr;
          o["reason_params"] = nlohmann::json::object();
          if (e.end->why) {
            for (const auto& [name, value] : e.end->why->params) o["reason_params"][name] = value;
          }
          o["longest_silence_ms"] = e.end->longest_silence_ms;
          o["dead_air"] = e.end->dead_air;
        } else {
          o["started_at"] = nullptr;
          o["ended_at"] = nullptr;
          o["frames_delivered"] = nullptr;
          o["outcome"] = "playing";
          o["reason"] = "";
          o["reason_code"] = nullptr;
          o["reason_params"] = nlohmann::json::object();
        }
        arr.push_back(o);
      }
      std::cout << arr.dump(2) << '\n';
      return;
    }
    if (*csv) {
      std::cout << "id,programme,segments,output,device,scheduled_at,started_at,ended_at,"
                   "frames_expected,frames_delivered,underruns,peak_dbfs,rms_dbfs,outcome,reason\n";
      for (const auto& e : entries) {
        auto t = [&](const std::optional<Instant>& v) {
          return v ? format_iso(*v, zone) : std::string();
        };
        std::cout << fmt::format(
            "{},{},{},{},{},{},{},{},{},{},{},{:.1f},{:.1f},{},{}\n", e.id,
            csv_field(e.start.programme_id), csv_field(join(e.start.segment_ids, " ")),
            e.start.output, csv_field(e.start.device), format_iso(e.start.scheduled_at, zone),
            e.end ? t(e.end->started_at) : "", e.end ? t(e.end->ended_at) : "",
            e.start.frames_expected, e.end ? e.end->frames_delivered : 0,
            e.end ? e.end->underruns : 0, e.end ? e.end->peak_dbfs : -1000.0,
            e.end ? e.end->rms_dbfs : -1000.0, e.end ? to_string(e.end->outcome) : "playing",
            csv_field(e.end ? e.end->reason : ""));
      }
      return;
    }
    if (entries.empty()) {
      std::cout << ctx.say({"(nhật ký trống trong khoảng này)", "(no broadcasts in this period)"})
                << '\n';
      return;
    }
    std::cout << ctx.say({"lịch phát            bắt đầu thực tế        trễ(ms)  chương trình  "
                          "kết quả      đầu ra",
                          "scheduled            actual start           delay(ms) programme    "
                          "outcome      output"})
              << '\n';
    for (const auto& e : entries) {
      std::string started = "-", delay = "-";
      if (e.end && e.end->started_at) {
        started = format_iso(*e.end->started_at, zone).substr(0, 23);
        delay = fmt::format("{:+}", std::chrono::duration_cast<std::chrono::milliseconds>(
                                        *e.end->started_at - e.start.scheduled_at)
                                        .count());
      }
      std::string outcome = e.end ? to_string(e.end->outcome) : "playing";
      // From the code in the chosen language; a database not yet migrated has only the text.
      const std::string why = !e.end       ? std::string()
                              : e.end->why ? render(*e.end->why, ctx.lang)
                                           : e.end->reason;
      std::cout << fmt::format("{}  {:<23}  {:>7}  {:<12}  {:<11}  {}{}\n",
                               format_local(e.start.scheduled_at, zone), started, delay,
                               e.start.programme_id, outcome, e.start.output,
                               why.empty() ? "" : "  — " + why);
    }
  });
}

}  // namespace loaxa
