#pragma once
// Forks and rollbacks across bundles: whether a later log of a station extends an earlier one
// the inspection team already holds (`loaxa audit verify BUNDLE --previous OLDER`, and `loaxa
// audit merge` given several bundles of one station). A station's chain only ever grows: a
// later bundle has the same hash at every sequence number both hold and reaches at least as
// far, with at least as many checkpoints. A log rewritten from some event on (a fork) or cut
// back to an earlier point (a rollback) breaks that, whatever its own verification says.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_source.h"
#include "core/text.h"

namespace loaxa {

/// Why `later` does not extend `earlier`.
struct ContinuityFinding {
  std::string code;      ///< "fork", "rollback" or "key" (signed with another key)
  std::int64_t seq = 0;  ///< the event where it shows: the first that differs, or the first missing
  Text what;             ///< "FORK at event #N: ..." naming both files
};

struct Continuity {
  std::optional<ContinuityFinding> finding;
  /// Not a finding: the two share no event, so nothing can be said (a later bundle exported
  /// with a --from past the end of the earlier one).
  std::optional<Text> note;
};

/// Compares two verified logs of one station, both with their events kept. The hash before a
/// log's first event (AuditSource::previous_hash) counts as held at that seq.
Continuity check_extends(const AuditSource& later, const AuditSource& earlier);

/// Whether `a` and `b` are logs of the same station: the same signing key, or the same name.
bool same_station(const AuditSource& a, const AuditSource& b);

/// `loaxa audit verify LOG --previous OLDER...`: reads each older bundle (or the communes of a
/// merged file), and adds to `later`'s verification a finding for each one of the same station
/// it does not extend (a fork, a rollback, another key; an older file that is itself broken is
/// a finding too, since nothing can be compared with it), and a note for each it extends or
/// cannot be compared with. `later` must have its events kept. Throws UserError for a file
/// that cannot be read.
void check_previous(AuditSource& later, const std::vector<std::filesystem::path>& previous);

/// The time a log's last good checkpoint signed (inside its signature), then its last seq: the
/// order in which a station's logs were made (a log cut back and signed again sorts after what
/// it cut).
bool made_before(const AuditSource& a, const AuditSource& b);

}  // namespace loaxa
