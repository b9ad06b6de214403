#pragma once
// What loaxad last signed, kept where only it can write (beside the station key), so that it
// signs only a log that extends what it witnessed: a database rewritten and chained again, cut
// back, or an older copy put back no longer gets loaxad's signature.

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <filesystem>
#include <optional>

#include "core/text.h"
#include "store/audit_chain.h"

namespace loaxa {

/// The chain's head when loaxad last signed it.
struct WitnessedHead {
  std::int64_t seq = 0;
  Sha256 hash{};
};

/// `<keys>/station.head`.
std::filesystem::path witnessed_head_file(const std::filesystem::path& keys_dir);

/// The head recorded in `file`; none when there is no file yet (a station that never signed).
/// Throws UserError for a file that is not one loaxad wrote.
std::optional<WitnessedHead> read_witnessed_head(const std::filesystem::path& file);

/// Replaces `file` with `head`, whole or not at all (written beside it, then renamed; never
/// through a symlink), mode 0600.
void write_witnessed_head(const std::filesystem::path& file, const WitnessedHead& head);

/// Why the database's chain does not extend `head`: the event loaxad signed is gone (the log
/// ends before it: cut back, or an older copy put back) or says something else now (rewritten
/// and chained again), or an event after it does not link. None when it extends it.
std::optional<Text> witness_problem(SQLite::Database& db, const WitnessedHead& head);

}  // namespace loaxa
