#include "store/segment_repository.h"

#include <SQLiteCpp/Statement.h>
#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <map>

#include "core/text.h"
#include "store/audit_chain.h"

namespace loaxa {
namespace {

constexpr const char* kColumns =
    "id, sha256, title, tag, format, original_name, library_path, sample_rate, channels, frames, "
    "loudness_lufs, true_peak_dbtp, gain_db, imported_at_us, import_order";

constexpr const char* kEventColumns = "id, segment_id, kind, by, at_us, valid_from, valid_until";

constexpr const char* kEditColumns = "id, segment_id, title, tag, note, by, at_us";

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

std::optional<date::year_month_day> date_column(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return parse_date(c.getString());
}

SegmentEvent row_to_event(SQLite::Statement& q) {
  SegmentEvent e;
  e.seq = q.getColumn(0).getInt64();
  e.segment_id = q.getColumn(1).getString();
  const std::string kind = q.getColumn(2).getString();
  // The CHECK constraint keeps other kinds out; an unknown one would be a newer schema.
  e.kind = parse_kind(kind).value_or(SegmentEvent::Kind::kValidity);
  e.by = q.getColumn(3).getString();
  e.at = Instant{std::chrono::microseconds{q.getColumn(4).getInt64()}};
  e.valid_from = date_column(q.getColumn(5));
  e.valid_until = date_column(q.getColumn(6));
  return e;
}

std::optional<std::string> text_column(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return c.getString();
}

SegmentEvent row_to_edit(SQLite::Statement& q) {
  SegmentEvent e;
  e.seq = q.getColumn(0).getInt64();
  e.segment_id = q.getColumn(1).getString();
  e.kind = SegmentEvent::Kind::kEdited;
  e.title = text_column(q.getColumn(2));
  e.tag = text_column(q.getColumn(3));
  e.note = text_column(q.getColumn(4));
  e.by = q.getColumn(5).getString();
  e.at = Instant{std::chrono::microseconds{q.getColumn(6).getInt64()}};
  return e;
}

void bind_text(SQLite::Statement& q, int index, const std::optional<std::string>& text) {
  if (text) {
    q.bind(index, *text);
  } else {
    q.bind(index);
  }
}

void bind_date(SQLite::Statement& q, int index, const std::optional<date::year_month_day>& d) {
  if (d) {
    q.bind(index, format_date(*d));
  } else {
    q.bind(index);
  }
}

[[noreturn]] void no_such_segment(const std::string& id) {
  throw UserError(
      {fmt::format("không có đoạn âm thanh mã \"{}\"; xem các mã bằng: loaxa segment list", id),
       fmt::format("no segment with id \"{}\"; see the ids with: loaxa segment list", id)});
}

}  // namespace

void SegmentRepository::insert(Segment& s) {
  ChainedWrite write(db_);
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
  AuditChain(db_).append("segments", s.import_order, s.imported_at);
  write.commit();
}

bool SegmentRepository::has_events_table() const {
  return db_.execAndGet(
                "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = "
                "'segment_events'")
             .getInt() > 0;
}

bool SegmentRepository::has_edits_table() const {
  return db_.tableExists("segment_edits");
}

std::vector<Segment> SegmentRepository::load(const std::string& where, const std::string& arg,
                                             bool with_edits) const {
  std::vector<Segment> out;
  {
    SQLite::Statement q(db_, std::string("SELECT ") + kColumns + " FROM segments " + where);
    if (!arg.empty()) q.bind(1, arg);
    while (q.executeStep()) out.push_back(row_to_segment(q));
  }
  if (out.empty()) return out;

  std::map<std::string, Segment*> by_id;
  for (Segment& s : out) by_id[s.id] = &s;
  const bool one = out.size() == 1;
  // Events and edits set different fields, so each table's rows apply in their own order.
  auto apply_rows = [&](const std::string& select, SegmentEvent (*read)(SQLite::Statement&)) {
    SQLite::Statement q(db_, select + (one ? " WHERE segment_id = ?" : "") + " ORDER BY id");
    if (one) q.bind(1, out.front().id);
    while (q.executeStep()) {
      const SegmentEvent e = read(q);
      if (auto it = by_id.find(e.segment_id); it != by_id.end()) apply_event(*it->second, e);
    }
  };
  if (has_events_table()) {
    apply_rows(std::string("SELECT ") + kEventColumns + " FROM segment_events", row_to_event);
  }
  if (with_edits && has_edits_table()) {
    apply_rows(std::string("SELECT ") + kEditColumns + " FROM segment_edits", row_to_edit);
  }
  return out;
}

std::optional<Segment> SegmentRepository::find_by_id(const std::string& id) const {
  auto v = load("WHERE id = ?", id);
  if (v.empty()) return std::nullopt;
  return v.front();
}

std::optional<Segment> SegmentRepository::find_by_sha256(const std::string& sha256) const {
  auto v = load("WHERE sha256 = ?", sha256);
  if (v.empty()) return std::nullopt;
  return v.front();
}

std::vector<Segment> SegmentRepository::all() const {
  return load("ORDER BY import_order", "");
}

std::vector<Segment> SegmentRepository::all_as_imported() const {
  return load("ORDER BY import_order", "", /*with_edits=*/false);
}

std::vector<Segment> SegmentRepository::find_by_prefix(const std::string& hex) const {
  // Callers pass hex digits only, so the pattern holds no wildcard of theirs.
  const char* column = hex.size() <= 12 ? "id" : "sha256";
  return load(
      fmt::format("WHERE substr({0}, 1, {1}) = ? ORDER BY import_order", column, hex.size()), hex);
}

void SegmentRepository::append(SegmentEvent& e) {
  if (e.kind == SegmentEvent::Kind::kEdited) {
    append_edit(e);
    return;
  }
  // Checked here as well as by the schema, so the user gets words rather than a constraint name.
  const auto current = find_by_id(e.segment_id);
  if (!current) no_such_segment(e.segment_id);
  if (e.kind == SegmentEvent::Kind::kApproved && current->approval == Segment::Approval::kRetired) {
    throw UserError(
        {fmt::format("đoạn {} đã ngừng phát (bởi {}); đoạn đã ngừng phát không thể được duyệt lại",
                     e.segment_id, current->approved_by),
         fmt::format("segment {} is retired (by {}); a retired segment cannot be approved again",
                     e.segment_id, current->approved_by)});
  }
  if (e.kind == SegmentEvent::Kind::kValidity) {
    if (auto error = validity_error(e.valid_from, e.valid_until)) throw UserError(*error);
  } else {
    e.valid_from.reset();
    e.valid_until.reset();
  }
  e.title.reset();
  e.tag.reset();
  e.note.reset();
  ChainedWrite write(db_);
  SQLite::Statement q(db_,
                      "INSERT INTO segment_events (segment_id, kind, by, at_us, valid_from, "
                      "valid_until) VALUES (?,?,?,?,?,?)");
  q.bind(1, e.segment_id);
  q.bind(2, std::string(kind_name(e.kind)));
  q.bind(3, e.by);
  q.bind(4, static_cast<int64_t>(e.at.time_since_epoch().count()));
  bind_date(q, 5, e.valid_from);
  bind_date(q, 6, e.valid_until);
  q.exec();
  e.seq = db_.getLastInsertRowid();
  AuditChain(db_).append("segment_events", e.seq, e.at);
  write.commit();
}

SegmentEvent SegmentRepository::approve(const std::string& segment_id, const std::string& by,
                                        Instant at) {
  SegmentEvent e{0, segment_id, SegmentEvent::Kind::kApproved, by, at, {}, {}, {}, {}, {}};
  append(e);
  return e;
}

SegmentEvent SegmentRepository::retire(const std::string& segment_id, const std::string& by,
                                       Instant at) {
  SegmentEvent e{0, segment_id, SegmentEvent::Kind::kRetired, by, at, {}, {}, {}, {}, {}};
  append(e);
  return e;
}

SegmentEvent SegmentRepository::set_validity(const std::string& segment_id,
                                             std::optional<date::year_month_day> valid_from,
                                             std::optional<date::year_month_day> valid_until,
                                             const std::string& by, Instant at) {
  SegmentEvent e{0,  segment_id, SegmentEvent::Kind::kValidity, by, at, valid_from, valid_until, {},
                 {}, {}};
  append(e);
  return e;
}

void SegmentRepository::append_edit(SegmentEvent& e) {
  if (!find_by_id(e.segment_id)) no_such_segment(e.segment_id);
  if (!e.title && !e.tag && !e.note) {
    throw UserError({fmt::format("sửa đoạn {}: không có gì để sửa; cần tiêu đề, nhãn hoặc ghi chú "
                                 "mới",
                                 e.segment_id),
                     fmt::format("edit of segment {}: nothing to change; give a new title, tag "
                                 "or note",
                                 e.segment_id)});
  }
  if (e.title && e.title->empty()) {
    throw UserError({fmt::format("sửa đoạn {}: tiêu đề không được để trống", e.segment_id),
                     fmt::format("edit of segment {}: the title cannot be empty", e.segment_id)});
  }
  e.valid_from.reset();
  e.valid_until.reset();
  ChainedWrite write(db_);
  SQLite::Statement q(db_,
                      "INSERT INTO segment_edits (segment_id, title, tag, note, by, at_us) "
                      "VALUES (?,?,?,?,?,?)");
  q.bind(1, e.segment_id);
  bind_text(q, 2, e.title);
  bind_text(q, 3, e.tag);
  bind_text(q, 4, e.note);
  q.bind(5, e.by);
  q.bind(6, static_cast<int64_t>(e.at.time_since_epoch().count()));
  q.exec();
  e.seq = db_.getLastInsertRowid();
  AuditChain(db_).append("segment_edits", e.seq, e.at);
  write.commit();
}

SegmentEvent SegmentRepository::edit(const std::string& segment_id,
                                     std::optional<std::string> title,
                                     std::optional<std::string> tag,
                                     std::optional<std::string> note, const std::string& by,
                                     Instant at) {
  SegmentEvent e{0, segment_id, SegmentEvent::Kind::kEdited, by, at, {}, {}, {}, {}, {}};
  e.title = std::move(title);
  e.tag = std::move(tag);
  e.note = std::move(note);
  append(e);
  return e;
}

std::vector<SegmentEvent> SegmentRepository::history(const std::string& segment_id) const {
  const std::string where = segment_id.empty() ? "" : " WHERE segment_id = ?";
  auto read_rows = [&](const std::string& select, SegmentEvent (*read)(SQLite::Statement&)) {
    std::vector<SegmentEvent> rows;
    SQLite::Statement q(db_, select + where + " ORDER BY id");
    if (!segment_id.empty()) q.bind(1, segment_id);
    while (q.executeStep()) rows.push_back(read(q));
    return rows;
  };
  std::vector<SegmentEvent> events, edits;
  if (has_events_table()) {
    events =
        read_rows(std::string("SELECT ") + kEventColumns + " FROM segment_events", row_to_event);
  }
  if (has_edits_table()) {
    edits = read_rows(std::string("SELECT ") + kEditColumns + " FROM segment_edits", row_to_edit);
  }
  // Merged by time, each table keeping its own order (even where a clock went back), a
  // decision before an edit of the same instant.
  std::vector<SegmentEvent> out;
  out.reserve(events.size() + edits.size());
  std::merge(events.begin(), events.end(), edits.begin(), edits.end(), std::back_inserter(out),
             [](const SegmentEvent& a, const SegmentEvent& b) { return a.at < b.at; });
  return out;
}

std::vector<SegmentEvent> SegmentRepository::events(const std::string& segment_id) const {
  return history(segment_id);
}

std::vector<SegmentEvent> SegmentRepository::all_events() const {
  return history("");
}

}  // namespace loaxa
