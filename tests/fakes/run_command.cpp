#include "fakes/run_command.h"

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace loaxa::testing {
namespace fs = std::filesystem;
namespace {

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

}  // namespace

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

RunResult run_command(const fs::path& program, const std::vector<std::string>& args,
                      const fs::path& scratch) {
  std::string cmd = quote(program.string());
  for (const auto& a : args) cmd += " " + quote(a);
  const fs::path out = scratch / "run.stdout";
  const fs::path err = scratch / "run.stderr";
  cmd += " >" + quote(out.string()) + " 2>" + quote(err.string()) + " </dev/null";
  RunResult r;
  const int status = std::system(cmd.c_str());
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_file(out);
  r.err = read_file(err);
  return r;
}

}  // namespace loaxa::testing
