#include "audit/station_key.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/text.h"
#include "store/audit_chain.h"

namespace loaxa {
namespace fs = std::filesystem;
namespace {

constexpr const char* kSecretFile = "station.key";
constexpr const char* kPublicFile = "station.pub";
constexpr std::string_view kSecretHeader = "loaxa-ed25519-secret-v1 ";

[[noreturn]] void key_error(const fs::path& file, const std::string& why) {
  throw UserError(
      {fmt::format("{}: không đọc/ghi được khóa ký của trạm ({}); kiểm tra quyền của thư mục "
                   "[storage] keys",
                   file.string(), why),
       fmt::format("{}: cannot read or write the station's signing key ({}); check the "
                   "permissions of the [storage] keys folder",
                   file.string(), why)});
}

void ensure_sodium() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
}

template <std::size_t N>
std::optional<std::array<unsigned char, N>> from_hex(std::string_view hex) {
  std::array<unsigned char, N> out{};
  if (!loaxa::from_hex(hex, out.data(), N)) return std::nullopt;
  return out;
}

std::string read_line(const fs::path& file) {
  std::ifstream in(file);
  if (!in) key_error(file, std::strerror(errno));
  std::string line;
  std::getline(in, line);
  return line;
}

void write_file(const fs::path& file, const std::string& text, mode_t mode) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) key_error(file, std::strerror(errno));
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                  ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) key_error(file, std::strerror(errno));
}

}  // namespace

std::string PublicKey::hex() const {
  return to_hex(bytes.data(), bytes.size());
}

std::string PublicKey::fingerprint() const {
  const std::string hex = to_hex(sha256(bytes.data(), bytes.size()).data(), 8);
  std::string out;
  for (std::size_t i = 0; i < hex.size(); ++i) {
    if (i && i % 4 == 0) out += '-';
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(hex[i])));
  }
  return out;
}

std::optional<PublicKey> public_key_from_hex(std::string_view hex) {
  auto b = from_hex<32>(hex);
  if (!b) return std::nullopt;
  return PublicKey{*b};
}

std::optional<SignatureBytes> signature_from_hex(std::string_view hex) {
  return from_hex<64>(hex);
}

bool matches_pin(const PublicKey& key, std::string_view pin) {
  std::string norm;
  for (char c : pin) {
    if (c == '-' || c == ' ' || c == ':') continue;
    norm += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (norm.empty()) return false;
  if (norm == key.hex()) return true;
  std::string fp;
  for (char c : key.fingerprint()) {
    if (c != '-') fp += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return norm == fp;
}

bool verify_signature(const PublicKey& key, std::string_view message,
                      const SignatureBytes& signature) {
  ensure_sodium();
  return crypto_sign_verify_detached(signature.data(),
                                     reinterpret_cast<const unsigned char*>(message.data()),
                                     message.size(), key.bytes.data()) == 0;
}

StationKey StationKey::load_or_create(const fs::path& dir) {
  ensure_sodium();
  const fs::path secret_file = dir / kSecretFile;
  const fs::path public_file = dir / kPublicFile;
  std::error_code ec;
  if (!fs::exists(secret_file, ec)) {
    fs::create_directories(dir, ec);
    if (ec) key_error(dir, ec.message());
    ::chmod(dir.c_str(), 0750);  // station.pub readable by the group (staff)
    StationKey k;
    crypto_sign_keypair(k.public_.bytes.data(), k.secret_.data());
    // Written under a temporary name and linked into place: a crash leaves either no key or
    // a whole one, and two processes starting at once end up with the same key.
    const fs::path temp = dir / fmt::format(".station.key.{}", ::getpid());
    fs::remove(temp, ec);
    write_file(temp, std::string(kSecretHeader) + to_hex(k.secret_.data(), k.secret_.size()) + "\n",
               0600);
    const bool linked = ::link(temp.c_str(), secret_file.c_str()) == 0;
    const int link_errno = errno;
    fs::remove(temp, ec);
    if (!linked && link_errno != EEXIST) key_error(secret_file, std::strerror(link_errno));
    if (linked) {
      const fs::path temp_pub = dir / fmt::format(".station.pub.{}", ::getpid());
      fs::remove(temp_pub, ec);
      write_file(temp_pub, k.public_.hex() + "\n", 0644);
      fs::rename(temp_pub, public_file, ec);
      if (ec) key_error(public_file, ec.message());
      return k;
    }
  }
  const std::string line = read_line(secret_file);
  if (line.rfind(kSecretHeader, 0) != 0) key_error(secret_file, "unknown format");
  auto secret = from_hex<64>(std::string_view(line).substr(kSecretHeader.size()));
  if (!secret) key_error(secret_file, "damaged");
  StationKey k;
  k.secret_ = *secret;
  crypto_sign_ed25519_sk_to_pk(k.public_.bytes.data(), k.secret_.data());
  if (!fs::exists(public_file, ec)) {
    std::ofstream(public_file) << k.public_.hex() << '\n';
  }
  return k;
}

std::optional<PublicKey> StationKey::load_public(const fs::path& dir) {
  std::error_code ec;
  const fs::path public_file = dir / kPublicFile;
  if (!fs::exists(public_file, ec)) return std::nullopt;
  auto key = public_key_from_hex(read_line(public_file));
  if (!key) key_error(public_file, "damaged");
  return key;
}

SignatureBytes StationKey::sign(std::string_view message) const {
  SignatureBytes sig{};
  crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const unsigned char*>(message.data()),
                       message.size(), secret_.data());
  return sig;
}

StationKey::StationKey(StationKey&& o) noexcept : public_(o.public_), secret_(o.secret_) {
  sodium_memzero(o.secret_.data(), o.secret_.size());
}

StationKey& StationKey::operator=(StationKey&& o) noexcept {
  public_ = o.public_;
  secret_ = o.secret_;
  sodium_memzero(o.secret_.data(), o.secret_.size());
  return *this;
}

StationKey::~StationKey() {
  sodium_memzero(secret_.data(), secret_.size());
}

}  // namespace loaxa
