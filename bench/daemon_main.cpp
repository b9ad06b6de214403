// loaxa_bench_daemon: what loaxad costs, waiting and broadcasting, on the JACK output of
// $JACK_DEFAULT_SERVER, in a station made by tests/integration/station_fixture.
//
//   loaxa_bench_daemon idle [--seconds S]
//     A week of schedule (four programmes, twelve broadcasts a day, none within the next hour),
//     loaxad left alone for S seconds (60). Prints `idle rss_kb=.. wakeups_per_min=.. threads=..
//     cpu_s=..`: resident memory at the end, and the context switches of all its threads over the
//     window per minute (a thread that sleeps and wakes switches once).
//   loaxa_bench_daemon broadcast FILE --jackd-pid PID
//     FILE imported and scheduled a few seconds ahead; while it plays in real time, loaxad's CPU
//     time over wall time, and the JACK server's over the same window as the reference. Prints
//     `broadcast cpu_share=.. jackd_cpu_share=.. seconds=..`.

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "station_fixture.h"
#include "test_support.h"

namespace loaxa::it {
namespace {

long status_field(const fs::path& status, const std::string& key) {
  std::ifstream in(status);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key + ":", 0) == 0) return std::atol(line.c_str() + key.size() + 1);
  }
  return 0;
}

struct Sample {
  long switches = 0;
  int threads = 0;
  double cpu_s = 0;
};

Sample sample(pid_t pid) {
  Sample s;
  const fs::path proc = fs::path("/proc") / std::to_string(pid);
  for (const auto& task : fs::directory_iterator(proc / "task")) {
    s.switches += status_field(task.path() / "status", "voluntary_ctxt_switches") +
                  status_field(task.path() / "status", "nonvoluntary_ctxt_switches");
    ++s.threads;
  }
  std::ifstream stat(proc / "stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string f;
  long utime = 0, stime = 0;
  for (int i = 3; fields >> f; ++i) {
    if (i == 14) utime = std::atol(f.c_str());
    if (i == 15) stime = std::atol(f.c_str());
  }
  s.cpu_s = static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
  return s;
}

/// Where the resident memory is: kB per mapped file (or [heap], [stack], anonymous), largest
/// first, from /proc/PID/smaps; for the finding when the row moves.
std::string rss_by_mapping(pid_t pid) {
  std::ifstream smaps(fs::path("/proc") / std::to_string(pid) / "smaps");
  std::vector<std::pair<std::string, long>> by_name;
  std::string name;
  for (std::string line; std::getline(smaps, line);) {
    if (line.rfind("Rss:", 0) == 0) {
      const long kb = std::atol(line.c_str() + 4);
      auto it = std::find_if(by_name.begin(), by_name.end(),
                             [&](const auto& e) { return e.first == name; });
      if (it == by_name.end()) {
        by_name.emplace_back(name, kb);
      } else {
        it->second += kb;
      }
    } else if (const auto first = line.substr(0, line.find(' '));
               first.find('-') != std::string::npos && first.back() != ':') {
      // A mapping's header: "start-end perms offset dev inode [path]".
      std::istringstream f(line);
      std::string skip;
      for (int i = 0; i < 5; ++i) f >> skip;
      std::getline(f >> std::ws, name);
      if (name.empty()) name = "(anonymous)";
      name = name.substr(name.rfind('/') + 1);
    }
  }
  std::sort(by_name.begin(), by_name.end(),
            [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string out;
  for (const auto& [n, kb] : by_name) {
    if (kb >= 100) out += "  " + std::to_string(kb) + " kB " + n + "\n";
  }
  return out;
}

int run_idle(int seconds) {
  Station station("loaxa-bench-idle-");
  station.import_chirp("chirp", 1.0, "b");
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  for (int p = 0; p < 4; ++p) {
    std::vector<std::string> times;
    for (int k = 0; k < 3; ++k) {
      times.push_back(
          local_time_of_day(now + 1h + std::chrono::hours(2 * (p + 4 * k)) + 7min, kStationZone));
    }
    write_schedule(station.dir(), "week" + std::to_string(p), "b", times);
  }
  station.start_daemon();
  // Start-up (planning, opening the output) is over once the socket answers; let it settle.
  std::this_thread::sleep_for(5s);
  const pid_t pid = station.daemon().pid();
  const Sample before = sample(pid);
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  const Sample after = sample(pid);
  const long rss = status_field(fs::path("/proc") / std::to_string(pid) / "status", "VmRSS");
  const std::string where = rss_by_mapping(pid);
  const bool alive = station.daemon_running();
  station.stop_daemon();
  if (!alive) {
    std::fprintf(stderr, "loaxad died\n%s\n", station.daemon().transcript().c_str());
    return 1;
  }
  std::fprintf(stderr, "idle: resident memory by mapping (>= 100 kB):\n%s", where.c_str());
  std::printf("idle rss_kb=%ld wakeups_per_min=%.1f threads=%d cpu_s=%.3f\n", rss,
              static_cast<double>(after.switches - before.switches) * 60.0 / seconds, after.threads,
              after.cpu_s - before.cpu_s);
  return 0;
}

int run_broadcast(const std::string& file, pid_t jackd) {
  Station station("loaxa-bench-play-");
  RunResult r = station.loaxa({"segment", "import", file, "--tag", "b", "--json"}, 120s);
  if (!r.ok()) throw std::runtime_error("import failed\n" + r.describe());
  const double length = json::parse(r.out).at(0).at("duration_seconds").get<double>();
  const auto at = times_ahead(8s, {0s}, std::chrono::seconds(static_cast<int>(length) + 20));
  write_schedule(station.dir(), "play", "b", {local_time_of_day(at[0], kStationZone)});
  station.start_daemon();
  // The window: from one second into the broadcast to one second before its end.
  std::this_thread::sleep_until(at[0] + 1s);
  const pid_t pid = station.daemon().pid();
  const auto began = std::chrono::steady_clock::now();
  const Sample d0 = sample(pid);
  const Sample j0 = sample(jackd);
  std::this_thread::sleep_until(at[0] + std::chrono::milliseconds(static_cast<int>(length * 1000)) -
                                1s);
  const Sample d1 = sample(pid);
  const Sample j1 = sample(jackd);
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  const json log = station.wait_for_log(
      [](const json& l) {
        auto e = entries_of(l, "play");
        return !e.empty() && outcome_of(&e[0]) != "playing" && !outcome_of(&e[0]).empty();
      },
      30s);
  station.stop_daemon();
  auto e = entries_of(log, "play");
  if (e.empty() || outcome_of(&e[0]) != "completed") {
    std::fprintf(stderr, "the broadcast did not complete\n%s\n%s\n", summarize_log(log).c_str(),
                 station.daemon().transcript().c_str());
    return 1;
  }
  std::printf("broadcast cpu_share=%.4f jackd_cpu_share=%.4f seconds=%.1f\n",
              (d1.cpu_s - d0.cpu_s) / wall, (j1.cpu_s - j0.cpu_s) / wall, wall);
  return 0;
}

}  // namespace
}  // namespace loaxa::it

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  int seconds = 60;
  std::string file;
  pid_t jackd = 0;
  int i = 2;
  if (mode == "broadcast" && argc > 2) file = argv[i++];
  for (; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    if (key == "--seconds") {
      seconds = std::atoi(argv[i + 1]);
    } else if (key == "--jackd-pid") {
      jackd = static_cast<pid_t>(std::atol(argv[i + 1]));
    } else {
      std::fprintf(stderr, "unknown option %s\n", argv[i]);
      return 2;
    }
  }
  try {
    if (mode == "idle") return loaxa::it::run_idle(seconds);
    if (mode == "broadcast" && !file.empty() && jackd > 0) {
      return loaxa::it::run_broadcast(file, jackd);
    }
    std::fprintf(stderr, "usage: %s idle [--seconds S] | broadcast FILE --jackd-pid PID\n",
                 argv[0]);
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "loaxa_bench_daemon: %s\n", e.what());
    return 1;
  }
}
