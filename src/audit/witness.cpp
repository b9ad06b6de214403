#include "audit/witness.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

namespace loaxa {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kHeader = "loaxa-witnessed-head-v1 ";

[[noreturn]] void head_error(const fs::path& file, const std::string& why) {
  throw UserError(
      {fmt::format("{}: không dùng được tệp ghi lần ký cuối của nhật ký ({})", file.string(), why),
       fmt::format("{}: the file of the signed chain head cannot be used ({})", file.string(),
                   why)});
}

}  // namespace

fs::path witnessed_head_file(const fs::path& keys_dir) {
  return keys_dir / "station.head";
}

std::optional<WitnessedHead> read_witnessed_head(const fs::path& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    head_error(file, std::strerror(errno));
  }
  char buf[256];
  const ssize_t n = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  if (n <= 0) head_error(file, "empty");
  std::string_view line(buf, static_cast<std::size_t>(n));
  if (line.substr(0, kHeader.size()) != kHeader) head_error(file, "unknown format");
  line.remove_prefix(kHeader.size());
  const auto space = line.find(' ');
  if (space == std::string_view::npos) head_error(file, "damaged");
  WitnessedHead head;
  try {
    head.seq = std::stoll(std::string(line.substr(0, space)));
  } catch (const std::exception&) {
    head_error(file, "damaged");
  }
  std::string_view hex = line.substr(space + 1);
  while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r')) hex.remove_suffix(1);
  const auto hash = sha256_from_hex(hex);
  if (!hash || head.seq <= 0) head_error(file, "damaged");
  head.hash = *hash;
  return head;
}

void write_witnessed_head(const fs::path& file, const WitnessedHead& head) {
  const fs::path temp = file.parent_path() / fmt::format(".station.head.{}", ::getpid());
  ::unlink(temp.c_str());
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) head_error(temp, std::strerror(errno));
  const std::string text = fmt::format("{}{} {}\n", kHeader, head.seq, to_hex(head.hash));
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                  ::fsync(fd) == 0;
  const int err = errno;
  ::close(fd);
  // rename() replaces a symlink at `file` rather than following it.
  if (!ok || ::rename(temp.c_str(), file.c_str()) != 0) {
    ::unlink(temp.c_str());
    head_error(file, std::strerror(ok ? errno : err));
  }
}

std::optional<Text> witness_problem(SQLite::Database& db, const WitnessedHead& head) {
  if (!AuditChain(db).exists()) {
    return Text{fmt::format("cơ sở dữ liệu không còn chuỗi kiểm toán, mà phần mềm phát thanh "
                            "(loaxad) đã ký tới sự kiện #{}",
                            head.seq),
                fmt::format("the database has no audit chain any more, while loaxad signed it "
                            "through event #{}",
                            head.seq)};
  }
  SQLite::Statement at(db, std::string(kChainEventSelect) + "WHERE seq = ?");
  at.bind(1, static_cast<int64_t>(head.seq));
  if (!at.executeStep()) {
    return Text{fmt::format("nhật ký kết thúc trước sự kiện #{} mà phần mềm phát thanh (loaxad) đã "
                            "ký lần cuối: nhật ký bị cắt bớt, hoặc một bản sao cũ được chép đè",
                            head.seq),
                fmt::format("the log ends before event #{}, which loaxad signed last: it was cut "
                            "back, or an older copy was put back",
                            head.seq)};
  }
  if (read_chain_event(at).hash != head.hash) {
    return Text{fmt::format("sự kiện #{} mà phần mềm phát thanh (loaxad) đã ký nay mang mã băm "
                            "khác: nhật ký đã bị viết lại và lập chuỗi lại",
                            head.seq),
                fmt::format("event #{}, which loaxad signed, has another hash now: the log was "
                            "rewritten and chained again",
                            head.seq)};
  }
  // What came after must link to it; a break there is the same alarm. Only the links: the
  // signatures and the rows behind them are the inspector's verification (an unsigned tail,
  // such as the stop about to be signed, is normal here).
  SQLite::Statement after(db, std::string(kChainEventSelect) + "WHERE seq > ? ORDER BY seq");
  after.bind(1, static_cast<int64_t>(head.seq));
  Sha256 previous = head.hash;
  std::int64_t expected = head.seq + 1;
  while (after.executeStep()) {
    const ChainEvent e = read_chain_event(after);
    if (e.seq != expected || chain_hash(previous, e.payload) != e.hash) {
      return Text{
          fmt::format("sự kiện #{} không nối tiếp sự kiện trước nó trong chuỗi kiểm toán", e.seq),
          fmt::format("event #{} does not follow from the one before it in the audit "
                      "chain",
                      e.seq)};
    }
    previous = e.hash;
    ++expected;
  }
  return std::nullopt;
}

}  // namespace loaxa
