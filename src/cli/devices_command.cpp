#include <fmt/format.h>

#include "audio/portaudio_sink.h"
#include "cli/cli_context.h"

namespace loaxa {

void add_devices_command(CLI::App& app, CliContext& ctx) {
  auto* cmd = app.add_subcommand(
      "devices",
      ctx.say({"liệt kê các thiết bị phát âm thanh (PortAudio), dạng host_api / thiết bị",
               "list PortAudio output devices as host_api / device"}));
  auto count_only = std::make_shared<bool>(false);
  cmd->add_flag("--count", *count_only,
                ctx.say({"chỉ in số thiết bị phát âm thanh",
                         "print only how many output devices there are"}));
  cmd->callback([&ctx, count_only] {
    PortAudioSystem pa("loaxa");
    auto devices = pa.output_devices();
    if (*count_only) {
      fmt::print("{}\n", devices.size());
      return;
    }
    if (devices.empty()) {
      ctx.error({"không có thiết bị phát âm thanh nào trên máy này",
                 "no audio output device on this machine"});
      ctx.exit_code = kExitProblem;
      return;
    }
    for (const auto& d : devices) {
      fmt::print("{}  ({} kênh/channels, {} Hz)\n", d.label(), d.max_output_channels,
                 d.default_sample_rate);
    }
  });
}

}  // namespace loaxa
