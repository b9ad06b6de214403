#include "cli/cli_context.h"

namespace loaxa {

void add_control_commands(CLI::App& app, CliContext& ctx) {
  (void)app;
  (void)ctx;
}

}  // namespace loaxa
