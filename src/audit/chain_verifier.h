#pragma once
// Recomputes the audit chain and its signatures: the heart of `loaxa audit verify`, for the
// station's database and for export bundles alike.

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "audit/station_key.h"
#include "core/text.h"
#include "core/time.h"
#include "store/audit_chain.h"

namespace loaxa {

/// One way the log is broken, tied to the event (seq) where it shows; seq 0 for a row that
/// is not in the chain at all.
struct ChainProblem {
  std::int64_t seq = 0;
  Text what;
};

struct Verification {
  std::int64_t events = 0;
  std::int64_t first_seq = 0;
  std::int64_t last_seq = 0;
  std::optional<Instant> first_at;
  std::optional<Instant> last_at;
  std::int64_t checkpoints = 0;
  std::int64_t signed_through = 0;  ///< seq of the last event covered by a good signature
  std::optional<Instant> last_checkpoint_at;
  /// The time the last good checkpoint signed (its row's at_us, inside the signature, unlike
  /// the chain's at_us): the order in which a station's bundles were made.
  std::optional<Instant> last_signed_at;
  std::int64_t unsigned_events = 0;    ///< events after the last good checkpoint
  std::optional<PublicKey> key;        ///< the key the checkpoints were signed with
  std::vector<ChainProblem> problems;  ///< ordered by seq; the first is "the first broken event"
  std::vector<Text> notes;             ///< not failures: an unsigned tail, say
  bool intact() const { return problems.empty(); }
};

/// Feeds events in stored order; stops hashing at the first break (what follows cannot be
/// trusted) but keeps counting.
///
/// Every checkpoint is checked as it comes (it covers the event just before it, carries the
/// pinned key, the same key as the others); its Ed25519 signature is checked in finish(), and
/// only the last one's when that one is good: it signs the head hash, which commits through
/// SHA-256 to every event before it, earlier checkpoints and their signatures included, so a
/// good last signature vouches for all of them as one per checkpoint would (an Ed25519
/// verification costs as much as hashing ~25 KiB, and a log has one checkpoint every few
/// events). When it is bad, the signatures are checked in order and the first bad one is
/// reported, as a checkpoint-by-checkpoint verification reports it.
class ChainVerifier {
 public:
  /// `previous` is the hash before `first_seq` (zeros from the start of a log); `pin` a
  /// fingerprint or public key the checkpoints must be signed with.
  ChainVerifier(Sha256 previous, std::int64_t first_seq, std::optional<std::string> pin);
  void add(const ChainEvent& event);
  Verification finish();

 private:
  void problem(std::int64_t seq, Text what);
  void check_checkpoint(const ChainEvent& e);
  /// A checkpoint whose signature finish() checks.
  struct Signed {
    std::int64_t seq = 0;
    std::string table;
    std::int64_t row_id = 0;
    Instant at{};
    Instant signed_at{};
    PublicKey key;
    SignatureBytes signature{};
    std::string message;
  };
  bool signature_good(const Signed& s) const;
  void check_signatures();

  Verification v_;
  Sha256 previous_;
  std::int64_t expected_seq_;
  std::optional<std::string> pin_;
  bool broken_ = false;
  std::optional<ChainEvent> pending_shutdown_;  ///< a clean stop waiting for its checkpoint
  std::vector<Signed> signed_;  ///< the checkpoints counted so far, signatures not yet checked
};

/// Verifies the station's database: the chain, the signatures, and that every chained row
/// still says what was chained and that no row was added outside the chain. The events read
/// are appended to `events` when given (reports use them without reading the chain again),
/// and shown to `each` when given.
Verification verify_database(SQLite::Database& db, const std::optional<std::string>& pin,
                             std::vector<ChainEvent>* events = nullptr,
                             const std::function<void(const ChainEvent&)>& each = nullptr);

/// "event #12 (broadcasts 7, 2026-11-20 07:00:00)": how problems name an event.
std::string describe_event(const ChainEvent& e, Lang lang);

}  // namespace loaxa
