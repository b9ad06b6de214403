#pragma once
// Runs the real `loaxa` (or any command) as a process and keeps what it printed.

#include <filesystem>
#include <string>
#include <vector>

namespace loaxa::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Single-quotes `s` for /bin/sh.
std::string shell_quote(const std::string& s);

/// The `loaxa` binary: $LOAXA_BIN_DIR/loaxa under ctest, else beside the test binary.
std::filesystem::path loaxa_binary();

/// Runs `args` (argv, quoted here) with stdin from /dev/null; stdout and stderr go through
/// files in `scratch`. With `cwd`, the command runs there, so a `config/loaxa.toml` in the
/// test's own working folder (a source checkout) is not taken for the station's config.
CommandResult run_command(const std::vector<std::string>& args,
                          const std::filesystem::path& scratch,
                          const std::filesystem::path& cwd = {});

std::string read_file(const std::filesystem::path& file);

}  // namespace loaxa::testing
