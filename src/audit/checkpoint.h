#pragma once
// Signed checkpoints of the audit chain's head.

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "audit/station_key.h"
#include "core/time.h"

namespace loaxa {

/// The bytes an Ed25519 checkpoint signature covers.
std::string checkpoint_message(std::int64_t head_seq, std::string_view head_hash_hex,
                               std::int64_t at_us);

/// Signs the chain head and appends the checkpoint (chained itself). Returns the checkpoint's
/// chain seq, or none when the head already is a checkpoint (nothing new to sign) or the
/// chain is empty.
std::optional<std::int64_t> write_checkpoint(SQLite::Database& db, const StationKey& key,
                                             Instant at, std::string_view reason);

}  // namespace loaxa
