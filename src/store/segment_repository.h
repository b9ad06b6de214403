#pragma once

#include <SQLiteCpp/Database.h>

#include <optional>
#include <string>
#include <vector>

#include "core/segment.h"

namespace loaxa {

/// The `segments` table and its append-only history: `segment_events` (approval, retirement,
/// validity) and `segment_edits` (title, tag, note). Segments are loaded with their current
/// state derived from that history; nothing here updates or deletes.
class SegmentRepository {
 public:
  explicit SegmentRepository(SQLite::Database& db) : db_(db) {}

  /// Inserts a new segment; sets import_order. Throws on a duplicate sha256.
  void insert(Segment& segment);
  /// The segment with that id, with its current approval and validity.
  std::optional<Segment> find_by_id(const std::string& id) const;
  /// The segment with that content hash, with its current approval and validity.
  std::optional<Segment> find_by_sha256(const std::string& sha256) const;
  /// All segments in import order, with their current approval and validity.
  std::vector<Segment> all() const;
  /// all() with title, tag and note as imported, i.e. as the chained `segments` rows say:
  /// what an export bundle lists, since its reader checks the list against those rows.
  std::vector<Segment> all_as_imported() const;
  /// The segments whose id starts with `hex` (lowercase hex digits; up to 12) or, for a longer
  /// `hex`, whose SHA-256 does; in import order.
  std::vector<Segment> find_by_prefix(const std::string& hex) const;

  /// Appends `event` and sets its seq (an edit goes to segment_edits). Throws UserError for an
  /// unknown segment, for an approval of a retired segment, for a validity range that ends
  /// before it starts and for an edit that changes nothing or empties the title.
  void append(SegmentEvent& event);
  /// Convenience wrappers over append().
  SegmentEvent approve(const std::string& segment_id, const std::string& by, Instant at);
  SegmentEvent retire(const std::string& segment_id, const std::string& by, Instant at);
  SegmentEvent set_validity(const std::string& segment_id,
                            std::optional<date::year_month_day> valid_from,
                            std::optional<date::year_month_day> valid_until, const std::string& by,
                            Instant at);
  SegmentEvent edit(const std::string& segment_id, std::optional<std::string> title,
                    std::optional<std::string> tag, std::optional<std::string> note,
                    const std::string& by, Instant at);

  /// The history of one segment, oldest first (what an inspector reads): its events and its
  /// edits, by time.
  std::vector<SegmentEvent> events(const std::string& segment_id) const;
  /// Every event of every segment, oldest first.
  std::vector<SegmentEvent> all_events() const;

 private:
  /// False on a database still at schema 1 opened read-only (no events can exist there).
  bool has_events_table() const;
  /// False on a database before schema 6 opened read-only.
  bool has_edits_table() const;
  void append_edit(SegmentEvent& event);
  /// The rows `where` selects with their history applied (edits only when `with_edits`).
  std::vector<Segment> load(const std::string& where, const std::string& arg,
                            bool with_edits = true) const;
  /// Events and edits, of one segment or (empty id) of all, oldest first.
  std::vector<SegmentEvent> history(const std::string& segment_id) const;

  SQLite::Database& db_;
};

}  // namespace loaxa
