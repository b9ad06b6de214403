#include "hash/sha256.h"

#include <nettle/base16.h>
#include <nettle/sha2.h>

#include <cstdint>
#include <new>

namespace loaxa {
namespace {

static_assert(SHA256_DIGEST_SIZE == std::tuple_size_v<Sha256>);

sha256_ctx* ctx(std::array<unsigned char, 128>& storage) noexcept {
  static_assert(sizeof(sha256_ctx) <= 128 && alignof(sha256_ctx) <= 8);
  return std::launder(reinterpret_cast<sha256_ctx*>(storage.data()));
}

}  // namespace

Sha256Hasher::Sha256Hasher() noexcept {
  sha256_init(new (ctx_.data()) sha256_ctx);
}

void Sha256Hasher::update(const void* data, std::size_t size) noexcept {
  sha256_update(ctx(ctx_), size, static_cast<const std::uint8_t*>(data));
}

Sha256 Sha256Hasher::finish() noexcept {
  Sha256 out{};
  sha256_digest(ctx(ctx_), out.size(), out.data());
  return out;
}

Sha256 sha256(const void* data, std::size_t size) noexcept {
  Sha256Hasher h;
  h.update(data, size);
  return h.finish();
}

std::string to_hex(const unsigned char* data, std::size_t size) {
  std::string out(BASE16_ENCODE_LENGTH(size), '\0');
  base16_encode_update(out.data(), size, data);
  return out;
}

}  // namespace loaxa
