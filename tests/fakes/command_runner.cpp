#include "fakes/command_runner.h"

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace loaxa::testing {
namespace fs = std::filesystem;

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

fs::path loaxa_binary() {
  if (const char* dir = std::getenv("LOAXA_BIN_DIR"); dir != nullptr && *dir != '\0') {
    return fs::path(dir) / "loaxa";
  }
  return fs::read_symlink("/proc/self/exe").parent_path() / "loaxa";
}

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

CommandResult run_command(const std::vector<std::string>& args, const fs::path& scratch,
                          const fs::path& cwd) {
  std::string cmd = cwd.empty() ? "" : "cd " + shell_quote(cwd.string()) + " &&";
  for (const auto& a : args) cmd += (cmd.empty() ? "" : " ") + shell_quote(a);
  const fs::path out = scratch / "command.stdout";
  const fs::path err = scratch / "command.stderr";
  cmd += " >" + shell_quote(out.string()) + " 2>" + shell_quote(err.string()) + " </dev/null";
  CommandResult r;
  const int status = std::system(cmd.c_str());
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_file(out);
  r.err = read_file(err);
  return r;
}

}  // namespace loaxa::testing
