#include <fmt/format.h>

#include <iostream>
#include <string>
#include <vector>

#include "cli/cli_context.h"
#include "codec/station_json.h"
#include "core/clock_duration.h"
#include "core/words.h"
#include "station/station_log.h"
#include "station/station_plan.h"

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

void print_csv(const std::vector<LogRow>& rows, const date::time_zone* zone) {
  std::cout << "id,programme,segments,output,device,scheduled_at,started_at,ended_at,"
               "frames_expected,frames_delivered,underruns,peak_dbfs,rms_dbfs,outcome,reason\n";
  auto t = [&](const std::optional<Instant>& v) {
    return v ? format_iso(*v, zone) : std::string();
  };
  for (const LogRow& row : rows) {
    const BroadcastEntry& e = row.entry;
    std::cout << fmt::format(
        "{},{},{},{},{},{},{},{},{},{},{},{:.1f},{:.1f},{},{}\n", e.id,
        csv_field(e.start.programme_id), csv_field(join(e.start.segment_ids, " ")), e.start.output,
        csv_field(e.start.device), format_iso(e.start.scheduled_at, zone),
        e.end ? t(e.end->started_at) : "", e.end ? t(e.end->ended_at) : "", e.start.frames_expected,
        e.end ? e.end->frames_delivered : 0, e.end ? e.end->underruns : 0,
        e.end ? e.end->peak_dbfs : -1000.0, e.end ? e.end->rms_dbfs : -1000.0,
        e.end ? to_string(e.end->outcome) : "playing", csv_field(e.end ? e.end->reason : ""));
  }
}

/// "bắt đầu trễ 4 ms" / "started 4 ms late"; "đúng giờ" within a millisecond.
Text delay_text(std::chrono::microseconds late) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(late).count();
  if (ms == 0) return {"bắt đầu đúng giờ", "started on time"};
  if (ms < 0) {
    return {fmt::format("bắt đầu sớm {} ms", -ms), fmt::format("started {} ms early", -ms)};
  }
  if (ms < 10'000) {
    return {fmt::format("bắt đầu trễ {} ms", ms), fmt::format("started {} ms late", ms)};
  }
  const std::string d = clock_duration(std::chrono::duration_cast<std::chrono::seconds>(late));
  return {fmt::format("bắt đầu trễ {}", d), fmt::format("started {} late", d)};
}

/// Each broadcast as a few lines: when and what, how it ended; what played; where; why.
void print_for_people(CliContext& ctx, const std::vector<LogRow>& rows,
                      const date::time_zone* zone) {
  if (rows.empty()) {
    std::cout << ctx.say({"(nhật ký trống trong khoảng này)", "(no broadcasts in this period)"})
              << '\n';
    return;
  }
  const StationConfig& cfg = ctx.config();
  const Text first = format_local_text(rows.front().entry.start.scheduled_at, zone);
  const Text last = format_local_text(rows.back().entry.start.scheduled_at, zone);
  std::cout << ctx.say(
                   {fmt::format("Nhật ký phát thanh của {}: {} lần phát, từ {} đến {} (giờ {})",
                                cfg.station_name, rows.size(), first.vi, last.vi, cfg.timezone),
                    fmt::format("Broadcast log of {}: {} broadcast(s), from {} to {} ({} time)",
                                cfg.station_name, rows.size(), first.en, last.en, cfg.timezone)})
            << '\n';
  for (const LogRow& row : rows) {
    const BroadcastEntry& e = row.entry;
    const Text when = format_local_text(e.start.scheduled_at, zone);
    const Text what = e.start.origin == "operator"
                          ? operator_play_text()
                          : programme_slot_text(e.start.programme_id, e.start.slot_index);
    const Text outcome = outcome_text(e.end ? to_string(e.end->outcome) : "open");
    Text line{fmt::format("{}  {} — {}", when.vi, what.vi, outcome.vi),
              fmt::format("{}  {} — {}", when.en, what.en, outcome.en)};
    if (e.end && e.end->started_at) {
      const Text late = delay_text(*e.end->started_at - e.start.scheduled_at);
      line.vi += ", " + late.vi;
      line.en += ", " + late.en;
    }
    if (e.start.priority != "normal") {
      const Text prio = priority_text(e.start.priority);
      line.vi += ", mức " + prio.vi;
      line.en += ", " + prio.en + " priority";
    }
    std::cout << '\n' << ctx.say(line) << '\n';
    std::string played;
    for (std::size_t i = 0; i < e.start.segment_ids.size(); ++i) {
      const std::string& title = i < row.titles.size() ? row.titles[i] : std::string();
      played += played.empty() ? "" : " + ";
      played += title.empty() ? e.start.segment_ids[i]
                              : fmt::format("{} ({})", title, e.start.segment_ids[i]);
    }
    if (!played.empty()) std::cout << "    " << played << '\n';
    const std::string zones = join(row.zones, ", ");
    const bool rehearsal = e.start.output == "rehearsal";
    const Text where{fmt::format("{}đầu ra: {}{}", zones.empty() ? "" : "vùng: " + zones + "; ",
                                 rehearsal ? "DIỄN TẬP, tệp " : "", e.start.device),
                     fmt::format("{}output: {}{}", zones.empty() ? "" : "zones: " + zones + "; ",
                                 rehearsal ? "REHEARSAL, file " : "", e.start.device)};
    std::cout << "    " << ctx.say(where) << '\n';
    if (e.end && e.end->dead_air) {
      const std::string d = clock_duration(std::chrono::seconds(e.end->longest_silence_ms / 1000));
      std::cout << "    "
                << ctx.say(
                       {fmt::format("có khoảng lặng dài {}", d), fmt::format("dead air of {}", d)})
                << '\n';
    }
    // From the code in the chosen language; a database not yet migrated has only the text.
    const std::string why = !e.end       ? std::string()
                            : e.end->why ? render(*e.end->why, ctx.lang)
                                         : e.end->reason;
    if (!why.empty()) std::cout << "    " << ctx.say({"lý do: " + why, "reason: " + why}) << '\n';
  }
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
    const StationConfig& cfg = ctx.config();
    LogQuery query;
    for (auto [text, out] : {std::pair{from.get(), &query.from}, std::pair{to.get(), &query.to}}) {
      if (text->empty()) continue;
      *out = parse_date(*text);
      if (!*out) {
        throw UserError({fmt::format("ngày \"{}\" không hợp lệ; dùng dạng YYYY-MM-DD", *text),
                         fmt::format("bad date \"{}\"; use YYYY-MM-DD", *text)});
      }
    }
    const std::vector<LogRow> rows = query_log(cfg, query);
    const date::time_zone* zone = station_time_zone(cfg);
    if (*json) {
      Json all = Json::array();
      for (const LogRow& row : rows) all.push_back(log_row_json(row, zone));
      std::cout << printable(all) << '\n';
      return;
    }
    if (*csv) {
      print_csv(rows, zone);
      return;
    }
    print_for_people(ctx, rows, zone);
  });
}

}  // namespace loaxa
