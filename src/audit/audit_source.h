#pragma once
// What `loaxa audit` reads, whichever file it came from: the station's database, an export
// bundle, or one commune of a merged file. Reports and merges work on this, never on tables.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "audit/chain_verifier.h"
#include "audit/station_key.h"
#include "config/station_config.h"
#include "store/audit_chain.h"

namespace loaxa {

struct StationZone {
  std::string name;
  std::vector<int> channels;
};

struct StationInfo {
  std::string name;
  std::string timezone = "Asia/Ho_Chi_Minh";
  std::vector<StationZone> zones;
};

/// A segment's metadata (not its audio): what reports print for the ids in the log.
struct SegmentInfo {
  std::string id;
  std::string title;
  std::string sha256;
  std::string tag;
  std::int64_t frames = 0;
  int sample_rate = 0;
  double duration_seconds() const {
    return sample_rate > 0 ? static_cast<double>(frames) / sample_rate : 0.0;
  }
};

/// How the key that signed a log was compared with the one its commune registered.
enum class KeyCheck {
  kNotCompared,   ///< neither --key nor --keys
  kPinned,        ///< the --key fingerprint, and it matched
  kRegistered,    ///< the register (--keys) gives this key to this station
  kMismatch,      ///< registered commune under another key, or not the --key fingerprint
  kUnregistered,  ///< the register has no such commune (and maybe the key under another)
  kNoKey,         ///< nothing signed the log: there is no key to compare
};
/// "not_compared", "pinned", "registered", "mismatch", "unregistered", "no_key".
const char* to_string(KeyCheck k) noexcept;

struct AuditSource {
  std::string label;  ///< the file it was read from, for messages
  StationInfo station;
  std::optional<PublicKey> key;  ///< the station's public key
  /// The chained events in order. Their payloads are the canonical rows (see audit_chain.h):
  /// {"row":{...columns of the table...},"seq":N,"table":"broadcasts"|...}.
  std::vector<ChainEvent> events;
  /// Where `events` join the station's chain: the hash before the first of them (zeros from
  /// the start of a log) and that first seq; what a re-verification starts from.
  Sha256 previous_hash{};
  std::int64_t first_seq = 1;
  std::vector<SegmentInfo> segments;
  /// The period asked for at export (local dates, inclusive), if any.
  std::optional<std::string> from;
  std::optional<std::string> to;
  Verification verification;
  /// The station's [compliance] rules as its config stood at export (none in older bundles).
  std::vector<ComplianceRule> compliance;
  /// A bundle `loaxa audit merge` refused, as its merged file records it: no events, the
  /// reason's kind (merge_refusal codes: unreadable, broken, duplicate, fork, rollback, key)
  /// and its words. Its verification holds the reason as its one problem.
  std::optional<std::string> refused_code;
  std::optional<Text> refused;
  KeyCheck key_check = KeyCheck::kNotCompared;
  /// The register's file and what it gives this station, for the key check's words.
  std::string key_register;
  std::vector<std::string> registered_keys;
};

}  // namespace loaxa
