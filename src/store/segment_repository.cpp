#include "store/segment_repository.h"

#include <SQLiteCpp/Statement.h>

namespace loaxa {
namespace {

constexpr const char* kColumns =
    "id, sha256, title, tag, format, original_name, library_path, sample_rate, channels, frames, "
    "loudness_lufs, true_peak_dbtp, gain_db, imported_at_us, import_order";

Segment row_to_segment(SQLite::Statement& q) {
  Segment s;
  s.id = q.getColumn(0).getString();
  s.sha256 = q.getColumn(1).getString();
  s.title = q.getColumn(2).getString();
  s.tag = q.getColumn(3).getString();
  s.format = q.getColumn(4).getString();
  s.original_name = q.getColumn(5).getString();
  s.library_path = q.getColumn(6).getString();
  s.sample_rate = q.getColumn(7).getInt();
  s.channels = q.getColumn(8).getInt();
  s.frames = q.getColumn(9).getInt64();
  s.loudness_lufs = q.getColumn(10).getDouble();
  s.true_peak_dbtp = q.getColumn(11).getDouble();
  s.gain_db = q.getColumn(12).getDouble();
  s.imported_at = Instant{std::chrono::microseconds{q.getColumn(13).getInt64()}};
  s.import_order = q.getColumn(14).getInt64();
  return s;
}

std::vector<Segment> query(SQLite::Database& db, const std::string& where, const std::string& arg) {
  SQLite::Statement q(db, std::string("SELECT ") + kColumns + " FROM segments " + where);
  if (!arg.empty()) q.bind(1, arg);
  std::vector<Segment> out;
  while (q.executeStep()) out.push_back(row_to_segment(q));
  return out;
}

}  // namespace

void SegmentRepository::insert(Segment& s) {
  s.import_order =
      db_.execAndGet("SELECT coalesce(max(import_order), 0) + 1 FROM segments").getInt64();
  SQLite::Statement q(db_, std::string("INSERT INTO segments (") + kColumns +
                               ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  q.bind(1, s.id);
  q.bind(2, s.sha256);
  q.bind(3, s.title);
  q.bind(4, s.tag);
  q.bind(5, s.format);
  q.bind(6, s.original_name);
  q.bind(7, s.library_path);
  q.bind(8, s.sample_rate);
  q.bind(9, s.channels);
  q.bind(10, static_cast<int64_t>(s.frames));
  q.bind(11, s.loudness_lufs);
  q.bind(12, s.true_peak_dbtp);
  q.bind(13, s.gain_db);
  q.bind(14, static_cast<int64_t>(s.imported_at.time_since_epoch().count()));
  q.bind(15, static_cast<int64_t>(s.import_order));
  q.exec();
}

std::optional<Segment> SegmentRepository::find_by_id(const std::string& id) const {
  auto v = query(db_, "WHERE id = ?", id);
  if (v.empty()) return std::nullopt;
  return v.front();
}

std::optional<Segment> SegmentRepository::find_by_sha256(const std::string& sha256) const {
  auto v = query(db_, "WHERE sha256 = ?", sha256);
  if (v.empty()) return std::nullopt;
  return v.front();
}

std::vector<Segment> SegmentRepository::all() const {
  return query(db_, "ORDER BY import_order", "");
}

}  // namespace loaxa
