#pragma once

#include <SQLiteCpp/Database.h>

#include <optional>
#include <string>
#include <vector>

#include "core/segment.h"

namespace loaxa {

/// The `segments` table and its append-only history `segment_events`. Segments are loaded with
/// their approval and validity derived from their events; nothing here updates or deletes.
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

  /// Appends `event` and sets its seq. Throws UserError for an unknown segment, for an
  /// approval of a retired segment and for a validity range that ends before it starts.
  void append(SegmentEvent& event);
  /// Convenience wrappers over append().
  SegmentEvent approve(const std::string& segment_id, const std::string& by, Instant at);
  SegmentEvent retire(const std::string& segment_id, const std::string& by, Instant at);
  SegmentEvent set_validity(const std::string& segment_id,
                            std::optional<date::year_month_day> valid_from,
                            std::optional<date::year_month_day> valid_until, const std::string& by,
                            Instant at);

  /// The history of one segment, oldest first (what an inspector reads).
  std::vector<SegmentEvent> events(const std::string& segment_id) const;
  /// Every event of every segment, oldest first.
  std::vector<SegmentEvent> all_events() const;

 private:
  /// False on a database still at schema 1 opened read-only (no events can exist there).
  bool has_events_table() const;
  std::vector<Segment> load(const std::string& where, const std::string& arg) const;

  SQLite::Database& db_;
};

}  // namespace loaxa
