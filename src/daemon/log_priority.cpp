#include "daemon/log_priority.h"

#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>

namespace loaxa {

bool is_journal_stream(int fd) {
  const char* env = std::getenv("JOURNAL_STREAM");
  if (env == nullptr) return false;
  unsigned long long dev = 0, ino = 0;
  if (std::sscanf(env, "%llu:%llu", &dev, &ino) != 2) return false;
  struct stat st {};
  if (fstat(fd, &st) != 0) return false;
  return static_cast<unsigned long long>(st.st_dev) == dev &&
         static_cast<unsigned long long>(st.st_ino) == ino;
}

std::string with_priority(std::string_view text, LogPriority priority, bool journal) {
  if (!journal) return std::string(text);
  const std::string prefix = "<" + std::to_string(static_cast<int>(priority)) + ">";
  std::string out;
  out.reserve(text.size() + prefix.size());
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = text.find('\n', start);
    out += prefix;
    out += text.substr(start, end == std::string_view::npos ? end : end - start);
    if (end == std::string_view::npos) break;
    out += '\n';
    start = end + 1;
  }
  return out;
}

}  // namespace loaxa
