#pragma once
// The station's Ed25519 key pair (libsodium). The secret key signs checkpoints of the audit
// chain; the public key, and its short fingerprint, is what the commune hands the inspection
// team once, so that a log re-signed under another key is recognised.

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace loaxa {

using PublicKeyBytes = std::array<unsigned char, 32>;
using SignatureBytes = std::array<unsigned char, 64>;

struct PublicKey {
  PublicKeyBytes bytes{};
  std::string hex() const;
  /// "3FA2-91C0-7D4E-B812": the first 8 bytes of SHA-256(public key), grouped for reading
  /// aloud over the phone.
  std::string fingerprint() const;
  bool operator==(const PublicKey& o) const { return bytes == o.bytes; }
};

std::optional<PublicKey> public_key_from_hex(std::string_view hex);
std::optional<SignatureBytes> signature_from_hex(std::string_view hex);

/// Whether `pin` (a fingerprint with or without dashes, any case, or the whole public key in
/// hex) names `key`.
bool matches_pin(const PublicKey& key, std::string_view pin);

bool verify_signature(const PublicKey& key, std::string_view message,
                      const SignatureBytes& signature);

class StationKey {
 public:
  /// The key pair under `dir` (station.key, mode 0600, and station.pub); created there on
  /// first use. Throws UserError when the folder or file cannot be written or read.
  static StationKey load_or_create(const std::filesystem::path& dir);
  /// The public key under `dir`, if one was created.
  static std::optional<PublicKey> load_public(const std::filesystem::path& dir);

  const PublicKey& public_key() const { return public_; }
  SignatureBytes sign(std::string_view message) const;

  StationKey(StationKey&&) noexcept;
  StationKey& operator=(StationKey&&) noexcept;
  ~StationKey();

 private:
  StationKey() = default;
  PublicKey public_;
  std::array<unsigned char, 64> secret_{};
};

}  // namespace loaxa
