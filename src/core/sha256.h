#pragma once
// SHA-256 for segment files, the audit chain and key fingerprints, through nettle: it picks the
// CPU's SHA instructions at run time, where libsodium's SHA-256 is portable C (5× the CPU time
// here), and its library is a tenth of OpenSSL's libcrypto, which cost the idle daemon 3.4 MB
// (BENCHMARKS.md, rows 3-5).

#include <nettle/sha2.h>

#include <array>
#include <cstddef>
#include <string_view>

namespace loaxa {

using Sha256 = std::array<unsigned char, 32>;

/// A digest fed piece by piece.
class Sha256Hasher {
 public:
  Sha256Hasher() noexcept { sha256_init(&ctx_); }
  void update(const void* data, std::size_t size) noexcept {
    sha256_update(&ctx_, size, static_cast<const std::uint8_t*>(data));
  }
  void update(std::string_view bytes) noexcept { update(bytes.data(), bytes.size()); }
  /// The digest of everything fed; the hasher starts over afterwards.
  Sha256 finish() noexcept {
    Sha256 out{};
    sha256_digest(&ctx_, out.size(), out.data());
    return out;
  }

 private:
  sha256_ctx ctx_;
};

inline Sha256 sha256(std::string_view bytes) noexcept {
  Sha256Hasher h;
  h.update(bytes);
  return h.finish();
}

}  // namespace loaxa
