#pragma once
// The inspection team's view over many communes (`loaxa audit merge`): one SQLite file holding,
// per commune, what its export bundle held (station, public key, rules, segment metadata and
// the chained events with the hash they join the chain at), so that it can be verified again
// and reported on without the bundles. Its PRAGMA application_id is "LOMG", not the station
// database's "LOAX": neither program mistakes one for the other.
//
//   communes (id, bundle, name, station JSON, public_key, fingerprint, period_from, period_to,
//             first_seq, previous_hash, compliance JSON, verification JSON, merged_at_us)
//   events   (commune_id, seq, source, source_id, at_us, payload, hash)    as in audit_chain
//   segments (commune_id, id, title, sha256, tag, frames, sample_rate)
//   refused  (id, bundle, name, public_key, code, reason_vi, reason_en, refused_at_us)
//            the bundles merge refused, so that reports list them with the reason

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_source.h"
#include "audit/key_register.h"
#include "core/text.h"
#include "core/time.h"

namespace loaxa {

/// "LOMG" in ASCII.
constexpr int kMergedApplicationId = 0x4c4f4d47;

/// What became of one bundle given to merge_bundles().
struct MergeResult {
  std::string bundle;
  bool merged = false;
  std::string station;
  std::string fingerprint;
  std::int64_t events = 0;
  /// Why it was refused: a code (unreadable, broken, duplicate, fork, rollback, key) and words.
  std::string code;
  Text problem;
};

/// Verifies each bundle and writes the intact ones to `out` (temporary file, then rename: a
/// reader never sees half a file). A tampered, damaged or unreadable bundle, or a second
/// bundle of a station already merged, is refused, named in its result and recorded in the
/// file's `refused` table; the others are merged. Throws UserError when `out` cannot be
/// written.
/// With `keys`, a bundle whose key the register does not give its commune is refused too.
std::vector<MergeResult> merge_bundles(const std::vector<std::filesystem::path>& bundles,
                                       const std::filesystem::path& out, Instant now,
                                       const KeyRegister* keys = nullptr);

/// Whether `file` is a SQLite file with the merged file's application_id.
bool is_merged_file(const std::filesystem::path& file);

/// One audit source per commune, each verified again from its events, then one per refused
/// bundle (AuditSource::refused set, no events). Throws UserError for a file that is not a
/// merged file.
std::vector<AuditSource> read_merged(const std::filesystem::path& file,
                                     const std::optional<std::string>& pin);

}  // namespace loaxa
