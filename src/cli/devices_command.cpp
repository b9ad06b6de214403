#include "cli/cli_context.h"

namespace loaxa {

void add_devices_command(CLI::App& app, CliContext& ctx) {
  (void)app;
  (void)ctx;
}

}  // namespace loaxa
