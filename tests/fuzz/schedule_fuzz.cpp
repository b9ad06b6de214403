// libFuzzer target: a schedule file's text -> parse_schedule. Besides not crashing, every
// programme it accepts must print to canonical text that parses back, without problems, to the
// same canonical text (the round trip `schedule fmt` relies on).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "config/schedule_file.h"

namespace {

std::vector<loaxa::Segment> catalogue() {
  std::vector<loaxa::Segment> out(2);
  out[0].id = "a1b2c3d4e5f6";
  out[0].tag = "cchc";
  out[0].sample_rate = 48000;
  out[0].frames = 48000 * 90;
  out[1].id = "0123456789ab";
  out[1].tag = "news";
  out[1].sample_rate = 44100;
  out[1].frames = 44100 * 30;
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<loaxa::Segment> kCatalogue = catalogue();
  static const loaxa::ScheduleOptions kOptions = [] {
    loaxa::ScheduleOptions o;
    o.window = loaxa::BroadcastWindow{std::chrono::hours(5), std::chrono::hours(21)};
    o.known_zones = {"thon-dong", "thon-tay"};
    return o;
  }();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const loaxa::ScheduleSet set = loaxa::parse_schedule(text, "fuzz.toml", kCatalogue, kOptions);
  for (const auto& p : set.problems) {
    (void)p.format(loaxa::Lang::kVi);
    (void)p.format(loaxa::Lang::kEn);
  }
  for (const auto& programme : set.programmes) {
    const std::string canonical = loaxa::format_schedule(programme);
    const loaxa::ScheduleSet again =
        loaxa::parse_schedule(canonical, "canonical.toml", kCatalogue, kOptions);
    bool invalid = again.programmes.size() != 1;
    for (const auto& p : again.problems) {
      invalid = invalid || p.kind == loaxa::ScheduleProblem::Kind::kInvalid;
    }
    if (invalid || loaxa::format_schedule(again.programmes[0]) != canonical) {
      std::fprintf(stderr, "canonical text does not round-trip:\n%s\n", canonical.c_str());
      for (const auto& p : again.problems) {
        std::fprintf(stderr, "  %s\n", p.format(loaxa::Lang::kEn).c_str());
      }
      std::abort();
    }
  }
  return 0;
}
