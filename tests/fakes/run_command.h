#pragma once
// Runs the built `loaxa` (or any program) as a process, for tests of the command line.

#include <filesystem>
#include <string>
#include <vector>

namespace loaxa::testing {

struct RunResult {
  int exit_code = -1;  ///< -1 when killed by a signal
  std::string out;
  std::string err;
};

/// The `loaxa` that ctest names in $LOAXA_BIN_DIR, else the one beside this test binary.
std::filesystem::path loaxa_binary();

/// Runs `program args...` with stdin from /dev/null; stdout and stderr go through files in
/// `scratch` and are returned.
RunResult run_command(const std::filesystem::path& program, const std::vector<std::string>& args,
                      const std::filesystem::path& scratch);

/// The whole content of a file ("" when it cannot be read).
std::string read_file(const std::filesystem::path& file);

}  // namespace loaxa::testing
