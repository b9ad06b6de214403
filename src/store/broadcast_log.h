#pragma once
// The broadcast log. Append-only: a broadcast is one row written before its first sample plays
// and one outcome row written when it ends; triggers refuse UPDATE and DELETE on both.

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/reason.h"
#include "core/time.h"
#include "store/log_journal.h"

namespace loaxa {

enum class Outcome { kCompleted, kPartial, kStopped, kFailed, kInterrupted, kMissed, kPreempted };
const char* to_string(Outcome o) noexcept;

struct BroadcastStart {
  std::string occurrence_key;
  std::string programme_id;
  int slot_index = 0;
  std::vector<std::string> segment_ids;
  std::vector<std::string> segment_hashes;
  std::string output;  ///< "portaudio" or "rehearsal"
  std::string device;  ///< "JACK / system", or the rehearsal WAV path
  Instant scheduled_at{};
  Instant opened_at{};  ///< when the entry was written (before the first sample)
  std::int64_t frames_expected = 0;
  int sample_rate = 0;
  std::string priority = "normal";  ///< normal | priority | emergency
  std::vector<std::string> zones;   ///< empty = every zone
  std::string origin = "schedule";  ///< schedule | operator
};

struct BroadcastEnd {
  std::optional<Instant> started_at;  ///< first frame delivered; none if nothing played
  std::optional<Instant> ended_at;    ///< last frame delivered
  std::int64_t frames_delivered = 0;
  std::int64_t underruns = 0;
  double peak_dbfs = -1000;  ///< of what was delivered; -1000 for digital silence
  double rms_dbfs = -1000;
  Outcome outcome = Outcome::kCompleted;
  /// Why it did not complete; none only for completed. Stored as code and parameters
  /// (broadcast_reasons), with its English text in the outcome row for older readers.
  std::optional<Reason> why;
  /// The English text as logged. Read back for display where no code exists (a database not
  /// yet migrated to schema 5); writing renders it from `why` (this text is stored only when
  /// `why` is empty, as code unmapped_text).
  std::string reason;
  Instant closed_at{};                  ///< when the outcome was written
  std::int64_t longest_silence_ms = 0;  ///< longest run below the dead-air level
  bool dead_air = false;                ///< that run exceeded the configured limit
};

/// A checkpoint of a broadcast under way.
struct BroadcastProgress {
  Instant at{};
  std::optional<Instant> started_at;
  std::int64_t frames_delivered = 0;
};

struct BroadcastEntry {
  std::int64_t id = 0;
  BroadcastStart start;
  std::optional<BroadcastEnd> end;  ///< none while playing, or after a crash
};

/// The stored form of a reason's parameters: a JSON object of strings, in the order given.
std::string reason_params_json(const Reason& reason);
/// A reason as stored (its code's id and reason_params_json()); none for a code this version
/// does not know or parameters that are not an object of strings.
std::optional<Reason> stored_reason(std::string_view code, std::string_view params_json);

/// Inserts the broadcast_reasons row of broadcast `id` and chains it, in the caller's
/// transaction (the outcome's, or the v5 migration's with `from_text`).
void insert_reason(SQLite::Database& db, std::int64_t id, const Reason& reason, bool from_text,
                   Instant at);

class BroadcastLog {
 public:
  explicit BroadcastLog(SQLite::Database& db) : db_(db) {}
  /// Writes through `journal`: while the disk is full, entries wait in memory (the daemon).
  BroadcastLog(SQLite::Database& db, LogJournal& journal) : db_(db), journal_(&journal) {}

  /// Writes the opening row (or queues it, with a journal); returns its id.
  std::int64_t open(const BroadcastStart& start);
  /// Writes the closing row of broadcast `id`. Throws if it is already closed.
  void close(std::int64_t id, const BroadcastEnd& end);
  /// Entries whose scheduled_at lies in [from, to), in schedule order.
  std::vector<BroadcastEntry> between(Instant from, Instant to) const;
  /// Entries still open (no outcome): a crash left them.
  std::vector<BroadcastEntry> open_entries() const;
  /// Whether an entry exists for this occurrence key (played, missed or anything else).
  bool has_occurrence(const std::string& key) const;
  /// Appends a progress checkpoint of broadcast `id` (with a journal, dropped when it cannot be
  /// written: it is only crash-recovery data, and the outcome will follow).
  void add_progress(std::int64_t id, const BroadcastProgress& progress);
  /// The latest checkpoint of broadcast `id`, if any.
  std::optional<BroadcastProgress> latest_progress(std::int64_t id) const;

 private:
  SQLite::Database& db_;
  LogJournal* journal_ = nullptr;
  std::int64_t next_id_ = 0;            ///< with a journal: ids are assigned here
  std::set<std::string> waiting_keys_;  ///< occurrences whose opening row waits
};

}  // namespace loaxa
