#pragma once

#include <SQLiteCpp/Database.h>

#include <optional>
#include <string>
#include <vector>

#include "core/segment.h"

namespace loaxa {

/// The `segments` table.
class SegmentRepository {
 public:
  explicit SegmentRepository(SQLite::Database& db) : db_(db) {}

  /// Inserts a new segment; sets import_order. Throws on a duplicate sha256.
  void insert(Segment& segment);
  std::optional<Segment> find_by_id(const std::string& id) const;
  std::optional<Segment> find_by_sha256(const std::string& sha256) const;
  /// All segments in import order.
  std::vector<Segment> all() const;

 private:
  SQLite::Database& db_;
};

}  // namespace loaxa
