#pragma once
// SHA-256 for segment files, the audit chain and key fingerprints. Through nettle rather than
// libsodium (STYLE.md's choice for hashes): nettle picks the CPU's SHA instructions at run time,
// where libsodium's SHA-256 is portable C at 5× the CPU time here, and its library is a
// fifteenth of OpenSSL's libcrypto, which cost the idle daemon 3.4 MB (BENCHMARKS.md, rows 3-5).
// nettle's header stays in sha256.cpp.

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace loaxa {

/// A SHA-256 digest.
using Sha256 = std::array<unsigned char, 32>;

/// A digest fed piece by piece.
class Sha256Hasher {
 public:
  Sha256Hasher() noexcept;
  void update(const void* data, std::size_t size) noexcept;
  void update(std::string_view bytes) noexcept { update(bytes.data(), bytes.size()); }
  /// The digest of everything fed; the hasher starts over afterwards.
  Sha256 finish() noexcept;

 private:
  // nettle's sha256_ctx (108 bytes on x86-64; its size and alignment are checked in the .cpp).
  alignas(8) std::array<unsigned char, 128> ctx_;
};

/// The digest of `size` bytes at `data`.
Sha256 sha256(const void* data, std::size_t size) noexcept;
inline Sha256 sha256(std::string_view bytes) noexcept {
  return sha256(bytes.data(), bytes.size());
}

/// Lowercase hex.
std::string to_hex(const unsigned char* data, std::size_t size);
inline std::string to_hex(const Sha256& h) {
  return to_hex(h.data(), h.size());
}

}  // namespace loaxa
