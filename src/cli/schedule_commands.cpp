// `loaxa schedule check` and `loaxa schedule preview`.

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "cli/cli_context.h"
#include "codec/station_json.h"
#include "config/schedule_file.h"
#include "core/clock_duration.h"
#include "core/planner.h"
#include "core/words.h"
#include "station/station_plan.h"
#include "station/system_clock.h"
#include "store/database.h"
#include "store/segment_repository.h"

namespace loaxa {
namespace {

namespace fs = std::filesystem;

/// The imported segments; empty (with a note to the user) when nothing was imported yet.
std::vector<Segment> load_catalogue(CliContext& ctx) {
  const fs::path& db_path = ctx.config().database;
  std::error_code ec;
  if (!fs::exists(db_path, ec)) {
    ctx.error(
        {fmt::format("chú ý: chưa nhập đoạn nào (chưa có cơ sở dữ liệu {})", display_path(db_path)),
         fmt::format("note: no segment has been imported yet (no database at {})",
                     display_path(db_path))});
    return {};
  }
  auto db = open_database_readonly(db_path);
  std::vector<Segment> all = SegmentRepository(*db).all();
  if (all.empty()) {
    ctx.error({"chú ý: chưa nhập đoạn nào", "note: no segment has been imported yet"});
  }
  return all;
}

std::string plural(long n, const char* one, const char* many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

/// Broadcasts a week for a weekday-only slot; nullopt when the rate varies (monthly rules,
/// dates, every_weeks, validity ranges).
std::optional<int> broadcasts_per_week(const Slot& slot) {
  if (!slot.monthdays.empty() || !slot.nth.empty() || !slot.dates.empty() || slot.every_weeks > 1 ||
      slot.from || slot.until) {
    return std::nullopt;
  }
  int days = 0;
  for (bool d : slot.days) days += d ? 1 : 0;
  return days * static_cast<int>(slot.times.size());
}

void print_problems(const std::vector<ScheduleProblem>& problems, Lang lang) {
  for (const auto& p : problems) std::cerr << p.format(lang) << '\n';
}

/// The station's notes (no holiday file, ...) on stderr, as loaxad says them on its console.
void print_notes(CliContext& ctx, const StationSchedules& loaded) {
  for (const Text& note : loaded.notes) std::cerr << "loaxa: " << note.in(ctx.lang) << '\n';
}

void run_check(CliContext& ctx) {
  const fs::path& dir = ctx.config().schedules_dir;
  std::vector<Segment> catalogue = load_catalogue(ctx);
  StationSchedules loaded = load_station_schedules(ctx.config(), catalogue);
  print_notes(ctx, loaded);
  const std::vector<ScheduleProblem>& problems = loaded.problems;
  if (!problems.empty()) {
    print_problems(problems, ctx.lang);
    auto n = static_cast<long>(problems.size());
    ctx.error({fmt::format("{} lỗi trong {}; sửa rồi chạy lại `loaxa schedule check`", n,
                           display_path(dir)),
               fmt::format("{} in {}; fix and run `loaxa schedule check` again",
                           plural(n, "problem", "problems"), display_path(dir))});
    ctx.exit_code = kExitProblem;
    return;
  }
  long slots = 0;
  for (const Programme& p : loaded.programmes) {
    std::optional<int> per_week = 0;
    for (const Slot& s : p.slots) {
      auto w = broadcasts_per_week(s);
      per_week = per_week && w ? std::optional<int>(*per_week + *w) : std::nullopt;
    }
    slots += static_cast<long>(p.slots.size());
    auto n = static_cast<long>(p.slots.size());
    if (per_week) {
      std::cout << ctx.say({fmt::format("{}: {} \"{}\": {} khung giờ, {} lần phát mỗi tuần",
                                        p.where.file, p.id, p.title, n, *per_week),
                            fmt::format("{}: {} \"{}\": {}, {} a week", p.where.file, p.id, p.title,
                                        plural(n, "slot", "slots"),
                                        plural(*per_week, "broadcast", "broadcasts"))})
                << '\n';
    } else {
      std::cout << ctx.say(
                       {fmt::format("{}: {} \"{}\": {} khung giờ", p.where.file, p.id, p.title, n),
                        fmt::format("{}: {} \"{}\": {}", p.where.file, p.id, p.title,
                                    plural(n, "slot", "slots"))})
                << '\n';
    }
    // The canonical form: what loaxa understood, one spelling per meaning; pasted back into a
    // schedule file it parses to the same slot.
    for (const Slot& s : p.slots) {
      std::istringstream lines(format_slot(s));
      std::cout << fmt::format("  # {} — {}:{}\n", ctx.say(slot_text(s.index)), s.where.file,
                               s.where.line);
      for (std::string line; std::getline(lines, line);) std::cout << "  " << line << '\n';
    }
  }
  auto np = static_cast<long>(loaded.programmes.size());
  std::cout << ctx.say({fmt::format("Hợp lệ: {} chương trình, {} khung giờ.", np, slots),
                        fmt::format("OK: {}, {}.", plural(np, "programme", "programmes"),
                                    plural(slots, "slot", "slots"))})
            << '\n';
}

struct PreviewOptions {
  std::string from;
  int days = 7;
  bool json = false;
};

const char* weekday_name(Instant t, const date::time_zone* zone, Lang lang) {
  static constexpr const char* kVi[] = {"T2", "T3", "T4", "T5", "T6", "T7", "CN"};
  static constexpr const char* kEn[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  auto local = std::chrono::floor<date::days>(zone->to_local(t));
  unsigned iso = date::weekday{local}.iso_encoding();
  return (lang == Lang::kEn ? kEn : kVi)[iso - 1];
}

void print_json(const std::vector<Occurrence>& plan, const date::time_zone* zone,
                const StationConfig& config) {
  Json out = Json::array();
  for (const Occurrence& o : plan) out.push_back(occurrence_json(o, zone, config));
  std::cout << printable(out) << '\n';
}

void print_text(CliContext& ctx, const std::vector<Occurrence>& plan,
                const std::vector<Programme>& programmes, date::year_month_day first_day, int days,
                const date::time_zone* zone) {
  std::map<std::pair<std::string, int>, const Slot*> slots;
  for (const Programme& p : programmes) {
    for (const Slot& s : p.slots) slots[{p.id, s.index}] = &s;
  }
  auto last_day = date::year_month_day{date::sys_days{first_day} + date::days{days - 1}};
  const Text from_s = format_day_text(first_day), to_s = format_day_text(last_day);
  std::cout << ctx.say({fmt::format("Lịch phát từ {} đến {} ({} ngày, múi giờ {})", from_s.vi,
                                    to_s.vi, days, zone->name()),
                        fmt::format("Plan from {} to {} ({}, time zone {})", from_s.en, to_s.en,
                                    plural(days, "day", "days"), zone->name())})
            << '\n';
  if (plan.empty()) {
    std::cout << ctx.say({"Không có lần phát nào trong khoảng này.",
                          "Nothing is scheduled in this period."})
              << '\n';
    return;
  }
  std::string shown_day;
  double total = 0;
  for (const Occurrence& o : plan) {
    std::string local = format_local(o.scheduled_at, zone);
    if (local.substr(0, 10) != shown_day) {
      shown_day = local.substr(0, 10);
      std::cout << '\n';
    }
    std::string duration = o.segments.empty() ? "--:--" : clock_duration(o.total_seconds);
    const Text what = programme_slot_text(o.programme_id, o.slot_index);
    std::cout << fmt::format("{} {}  {}  {}  {}\n", weekday_name(o.scheduled_at, zone, ctx.lang),
                             format_local_text(o.scheduled_at, zone).in(ctx.lang),
                             what.in(ctx.lang), o.programme_title, duration);
    if (o.segments.empty()) {
      const Text why = o.nothing_reason ? render(*o.nothing_reason) : Text{};
      std::cout << "    ("
                << ctx.say({"không có gì để phát: " + why.vi, "nothing to play: " + why.en})
                << ")\n";
    }
    int n = 0;
    for (const Segment& s : o.segments) {
      std::cout << fmt::format("    {}. {} [{}]  {}\n", ++n, s.title, s.id,
                               clock_duration(s.duration_seconds()));
    }
    total += o.total_seconds;
  }
  auto count = static_cast<long>(plan.size());
  std::cout << '\n'
            << ctx.say(
                   {fmt::format("{} lần phát, tổng thời lượng {}", count, clock_duration(total)),
                    fmt::format("{}, total duration {}", plural(count, "broadcast", "broadcasts"),
                                clock_duration(total))})
            << '\n';
}

void run_preview(CliContext& ctx, const PreviewOptions& opt) {
  const date::time_zone* zone = station_time_zone(ctx.config());
  date::year_month_day first_day;
  if (opt.from.empty()) {
    // The CLI edge is where the clock may be read; the planner itself takes the period as input.
    auto now = std::chrono::floor<std::chrono::seconds>(SystemClock().now());
    first_day = date::year_month_day{std::chrono::floor<date::days>(zone->to_local(now))};
  } else if (auto d = parse_date(opt.from)) {
    first_day = *d;
  } else {
    throw UserError(
        {fmt::format("--from \"{}\" không phải ngày hợp lệ; dùng dạng NĂM-THÁNG-NGÀY, ví dụ "
                     "2026-11-30",
                     opt.from),
         fmt::format("--from \"{}\" is not a valid date; use YYYY-MM-DD, e.g. 2026-11-30",
                     opt.from)});
  }
  if (opt.days < 1 || opt.days > 366) {
    throw UserError({"--days phải từ 1 đến 366", "--days must be from 1 to 366"});
  }

  std::vector<Segment> catalogue = load_catalogue(ctx);
  StationSchedules loaded = load_station_schedules(ctx.config(), catalogue);
  print_notes(ctx, loaded);
  // Unresolved tags and segments already show as "nothing to play" in the plan itself.
  const std::vector<ScheduleProblem> invalid = loaded.invalid();

  Instant from = local_midnight(first_day, zone);
  Instant to = local_midnight(date::sys_days{first_day} + date::days{opt.days}, zone);
  // Rotations continue from what the log says each slot played, exactly as loaxad plans.
  const StationPlan station_plan(loaded.programmes, loaded.options, zone);
  std::vector<Occurrence> plan =
      station_plan.occurrences(catalogue, station_play_history(ctx.config(), from, to), from, to);
  if (opt.json) {
    print_json(plan, zone, ctx.config());
  } else {
    print_text(ctx, plan, loaded.programmes, first_day, opt.days, zone);
  }

  if (!invalid.empty()) {
    print_problems(invalid, ctx.lang);
    ctx.error(
        {"các tệp lịch có lỗi ở trên bị bỏ qua trong bản xem trước; sửa chúng rồi chạy "
         "`loaxa schedule check`",
         "schedule files with the problems above are left out of this preview; fix them "
         "and run `loaxa schedule check`"});
    ctx.exit_code = kExitProblem;
  }
}

}  // namespace

void add_schedule_commands(CLI::App& app, CliContext& ctx) {
  CLI::App* schedule =
      app.add_subcommand("schedule", ctx.say({"kiểm tra và xem trước lịch phát (schedules/*.toml)",
                                              "check and preview schedules/*.toml"}));
  schedule->require_subcommand(1);

  CLI::App* check = schedule->add_subcommand(
      "check",
      ctx.say({"kiểm tra mọi tệp lịch phát; in từng lỗi dạng tệp:dòng:cột: nội dung",
               "validate every schedule file; print each problem as file:line:col: message"}));
  check->callback([&ctx] { run_check(ctx); });

  auto opt = std::make_shared<PreviewOptions>();
  CLI::App* preview = schedule->add_subcommand(
      "preview", ctx.say({"liệt kê những gì lịch sẽ phát, theo từng ngày",
                          "list what the schedules will play, day by day"}));
  preview->add_option("--from", opt->from,
                      ctx.say({"ngày đầu, YYYY-MM-DD (mặc định: hôm nay, theo giờ địa phương)",
                               "first day, YYYY-MM-DD (default: today, local time)"}));
  preview->add_option("--days", opt->days,
                      ctx.say({"số ngày (mặc định: 7)", "number of days (default: 7)"}));
  preview->add_flag(
      "--json", opt->json,
      ctx.say({"in một mảng JSON thay cho văn bản", "print a JSON array instead of text"}));
  preview->callback([&ctx, opt] { run_preview(ctx, *opt); });
}

}  // namespace loaxa
