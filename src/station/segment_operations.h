#pragma once
// What a person can do to a station's segments, one way for every front door: `loaxa segment`,
// `loaxa play FILE`, later the web console. Each operation takes a typed request and the person
// acting, and returns a typed result; what people read comes as Text (vi/en) for the front door
// to print. The records are written by the store (SegmentRepository), each in its transaction
// and chained. No CLI11, no iostream, no JSON here.

#include <SQLiteCpp/Database.h>
#include <date/date.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/station_config.h"
#include "core/clock.h"
#include "core/segment.h"
#include "core/text.h"
#include "station/segment_lookup.h"

namespace loaxa {

/// `loaxa segment import`: files to decode, measure and copy into the library.
struct SegmentImportRequest {
  std::vector<std::string> files;  ///< as the person gave them (also how results name them)
  /// Each file as the person's `loaxa` opened it and passed it to loaxad (which may not be able
  /// to open it by name): read once into a private copy beside the library. Empty, or shorter:
  /// the rest are opened by name. The caller keeps them open until import() returns.
  std::vector<int> opened;
  /// The title of every file; none: each file's name without its extension, Vietnamese letters
  /// kept (titles, tags and notes are stored in Unicode NFC, station/nfc.h).
  std::optional<std::string> title;
  std::string tag;                                  ///< programme tag; may be empty
  std::optional<std::string> approver;              ///< approve at once, in this person's name
  std::optional<date::year_month_day> valid_from;   ///< first local day it may air
  std::optional<date::year_month_day> valid_until;  ///< last local day it may air
};

enum class ImportStatus { kImported, kAlreadyThere, kRefused };

/// Why a file was not imported.
struct ImportRefusal {
  /// A stable id, as `--json` prints it: reason_name() of the audio check ("missing",
  /// "silent", ...), "name_not_utf8" (a file name in an old code page), "changed" (the file
  /// changed while it was read), "library" (the copy could not be written) or "database".
  std::string code;
  Text message;  ///< what is wrong and what to do, without the file name
};

/// What became of one file.
struct FileImport {
  std::string file;
  ImportStatus status = ImportStatus::kRefused;
  /// The new segment, or the one with the same content already there; for a refused file only
  /// the title and tag asked for.
  Segment segment;
  std::optional<std::string> sha256;     ///< of the file's bytes, once measured (even if refused)
  std::optional<ImportRefusal> refusal;  ///< when refused
  std::vector<SegmentEvent> recorded;    ///< approval/validity events this import appended
  std::optional<Text> note;              ///< why the approver or the dates were not applied
};

/// What an import tells whoever waits for it, on the importing thread.
struct ImportProgress {
  /// The fraction (0..1) of `file` decoded so far.
  std::function<void(const std::string& file, double fraction)> decoding;
  /// A file is done, before the next one starts.
  std::function<void(const FileImport& result)> done;
};

struct ImportResult {
  std::vector<FileImport> files;  ///< in the order of the request
  std::size_t count(ImportStatus status) const;
};

/// A change of one segment: the segment after it and the event recorded, if any (none when it
/// was already so: approving twice records nothing).
struct SegmentChange {
  Segment segment;
  std::optional<SegmentEvent> event;
};

/// `loaxa segment approve ID...`: all or none.
struct ApproveRequest {
  std::vector<std::string> ids;  ///< ids, SHA-256 or unique prefixes (segment_lookup.h)
  std::string by;                ///< who approves
};

/// `loaxa segment retire ID`.
struct RetireRequest {
  std::string id;
  std::string by;
};

/// `loaxa segment validity ID`: each end, when given, replaces the current one (none = no
/// limit); an end not given keeps its value.
struct ValidityRequest {
  std::string id;
  std::optional<std::optional<date::year_month_day>> from;
  std::optional<std::optional<date::year_month_day>> until;
  std::string by;
};

/// `loaxa segment edit ID`: the fields given replace the current ones; at least one.
struct EditRequest {
  std::string id;
  std::optional<std::string> title;  ///< not blank
  std::optional<std::string> tag;    ///< "" removes the tag
  std::optional<std::string> note;   ///< "" removes the note
  std::string by;
};

/// One segment and its history, oldest first.
struct SegmentRecord {
  Segment segment;
  std::vector<SegmentEvent> history;
};

/// The operations on the segments of the station `config` describes. The database is opened
/// when first needed, and created only by an import that has something to record: a command
/// refused, or naming a segment of a station with no database, leaves no file behind.
/// Why a file is refused for its name alone (a name that is not UTF-8, from an old code
/// page), before anything is read; nullopt when the name is fine.
std::optional<ImportRefusal> file_name_refusal(const std::string& file);

/// A person's name as an event records it: trimmed; nullopt when blank, which every operation
/// refuses, since an anonymous decision means nothing.
std::optional<std::string> person_name(const std::string& name);

class SegmentOperations {
 public:
  /// `config` and `clock` must outlive this; `clock` stamps every record.
  SegmentOperations(const StationConfig& config, const Clock& clock);
  ~SegmentOperations();
  SegmentOperations(const SegmentOperations&) = delete;
  SegmentOperations& operator=(const SegmentOperations&) = delete;

  /// Imports each file in turn; a refused file does not stop the others. Content already
  /// imported is not copied again, but the approver and dates still apply to it (nothing
  /// decided is repeated, a retired segment stays retired), so that an import run again
  /// converges on what it asks for. `actor` is who runs it: the validity events are theirs
  /// when no approver is named. Throws UserError only for the request itself (a blank
  /// approver or title, dates out of order), before any file is read.
  ImportResult import(const SegmentImportRequest& request, const std::string& actor,
                      const ImportProgress& progress = {});

  /// Every segment in import order; none on a station with no database.
  std::vector<Segment> list();
  /// The segment `id` names (segment_lookup.h).
  SegmentLookup find(std::string_view id);
  /// The segment `id` names with its history; throws UserError with the lookup's message.
  SegmentRecord show(std::string_view id);

  /// Approves every segment named, in one transaction: each name is resolved first, and an
  /// unknown or ambiguous one, or a retired segment, refuses the whole request (UserError)
  /// with nothing recorded. A segment named twice is approved once; one already approved gets
  /// no new event. One change per distinct segment, in the order named.
  std::vector<SegmentChange> approve(const ApproveRequest& request);
  /// Retires the segment for good; no new event when it already is.
  SegmentChange retire(const RetireRequest& request);
  /// Sets the validity; refused for a retired segment or a range that ends before it starts.
  SegmentChange set_validity(const ValidityRequest& request);
  /// Edits title, tag and note; fields equal to the current ones are not recorded, and no event
  /// is when none differs.
  SegmentChange edit(const EditRequest& request);

  /// Today's date in the station's time zone, by this station's clock: validity dates are local.
  date::year_month_day today() const;
  /// Why the planner will not pick `segment` today (the station's approval rule and dates), or
  /// nullopt when it may.
  std::optional<NotAiring> why_not_airing_today(const Segment& segment) const;

 private:
  /// The database, opened (and migrated) for writing; created when `create`, else none when
  /// there is no file yet.
  SQLite::Database* database(bool create);
  /// A read-only connection to the existing database; none when there is none.
  SQLite::Database* reader();
  /// The segment `id` names, from the database opened for writing; throws UserError.
  Segment for_change(std::string_view id);

  class Importer;

  const StationConfig& config_;
  const Clock& clock_;
  std::unique_ptr<SQLite::Database> db_;
  std::unique_ptr<SQLite::Database> reader_;
};

}  // namespace loaxa
