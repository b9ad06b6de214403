#include "cli/cli_context.h"

namespace loaxa {

void add_log_command(CLI::App& app, CliContext& ctx) {
  (void)app;
  (void)ctx;
}

}  // namespace loaxa
