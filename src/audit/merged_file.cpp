#include "audit/merged_file.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <array>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "audit/bundle.h"
#include "audit/chain_verifier.h"
#include "audit/continuity.h"
#include "audit/payload_fields.h"

namespace loaxa {
namespace fs = std::filesystem;
namespace {

// 2 added `refused`; a file of version 1 is read as one that refused nothing.
constexpr int kMergedVersion = 2;

constexpr const char* kSchema = R"sql(
CREATE TABLE communes (
  id INTEGER PRIMARY KEY,
  bundle TEXT NOT NULL,          -- the bundle's file name, as given to merge
  name TEXT NOT NULL,            -- the station's name
  station TEXT NOT NULL,         -- JSON {"name","timezone","zones":[{"name","channels"}]}
  public_key TEXT,               -- hex Ed25519 public key; NULL when the bundle had none
  fingerprint TEXT,
  period_from TEXT,              -- the export's --from/--to (local dates), if any
  period_to TEXT,
  first_seq INTEGER NOT NULL,    -- where the events join the station's chain
  previous_hash TEXT NOT NULL,   -- the chain hash before first_seq (hex)
  compliance TEXT NOT NULL,      -- JSON {"cchc":{"per_month":8,"per_week":1}}
  verification TEXT NOT NULL,    -- JSON summary of the verification at merge
  merged_at_us INTEGER NOT NULL
);
CREATE TABLE events (
  commune_id INTEGER NOT NULL REFERENCES communes(id),
  seq INTEGER NOT NULL,
  source TEXT NOT NULL,
  source_id INTEGER NOT NULL,
  at_us INTEGER NOT NULL,
  payload TEXT NOT NULL,
  hash TEXT NOT NULL,
  PRIMARY KEY (commune_id, seq)
) WITHOUT ROWID;
CREATE TABLE segments (
  commune_id INTEGER NOT NULL REFERENCES communes(id),
  id TEXT NOT NULL,
  title TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  tag TEXT NOT NULL,
  frames INTEGER NOT NULL,
  sample_rate INTEGER NOT NULL,
  PRIMARY KEY (commune_id, id)
) WITHOUT ROWID;
CREATE TABLE refused (
  id INTEGER PRIMARY KEY,
  bundle TEXT NOT NULL,          -- the bundle's file name, as given to merge
  name TEXT NOT NULL,            -- the station's name, '' when the bundle could not be read
  public_key TEXT,               -- hex, when the bundle had one
  code TEXT NOT NULL,            -- unreadable, broken, duplicate, fork, rollback, key
  reason_vi TEXT NOT NULL,       -- the finding, in both languages
  reason_en TEXT NOT NULL,
  refused_at_us INTEGER NOT NULL
);
)sql";

std::int64_t us(Instant t) {
  return t.time_since_epoch().count();
}

[[noreturn]] void cannot_write(const fs::path& out, const std::string& why) {
  throw UserError({fmt::format("{}: không ghi được ({})", out.string(), why),
                   fmt::format("{}: cannot write ({})", out.string(), why)});
}

nlohmann::json station_json(const StationInfo& s) {
  nlohmann::json zones = nlohmann::json::array();
  for (const auto& z : s.zones) zones.push_back({{"name", z.name}, {"channels", z.channels}});
  return {{"name", s.name}, {"timezone", s.timezone}, {"zones", zones}};
}

StationInfo station_from(const nlohmann::json& j) {
  StationInfo s;
  s.name = j.value("name", "");
  s.timezone = j.value("timezone", "Asia/Ho_Chi_Minh");
  if (j.contains("zones") && j["zones"].is_array()) {
    for (const auto& z : j["zones"]) {
      s.zones.push_back({z.value("name", ""), z.contains("channels") ? channel_list(z["channels"])
                                                                     : std::vector<int>{}});
    }
  }
  return s;
}

nlohmann::json verification_json(const Verification& v) {
  return {{"intact", v.intact()},
          {"events", v.events},
          {"first_seq", v.first_seq},
          {"last_seq", v.last_seq},
          {"checkpoints", v.checkpoints},
          {"signed_through", v.signed_through},
          {"unsigned_events", v.unsigned_events}};
}

/// Rows of a commune (`id`) in the merged file: its events and its segments, with `verb`
/// ("INSERT INTO", "INSERT OR IGNORE INTO", ...) deciding what a row already there does.
void insert_events(SQLite::Database& db, const char* verb, std::int64_t id, const AuditSource& s) {
  SQLite::Statement e(db, std::string(verb) + " events VALUES (?,?,?,?,?,?,?)");
  for (const auto& ev : s.events) {
    e.reset();
    e.bind(1, static_cast<int64_t>(id));
    e.bind(2, static_cast<int64_t>(ev.seq));
    e.bind(3, ev.table);
    e.bind(4, static_cast<int64_t>(ev.row_id));
    e.bind(5, static_cast<int64_t>(us(ev.at)));
    e.bindNoCopy(6, ev.payload);
    e.bind(7, to_hex(ev.hash));
    e.exec();
  }
}

void insert_segments(SQLite::Database& db, const char* verb, std::int64_t id,
                     const AuditSource& s) {
  SQLite::Statement g(db, std::string(verb) + " segments VALUES (?,?,?,?,?,?,?)");
  for (const auto& seg : s.segments) {
    g.reset();
    g.bind(1, static_cast<int64_t>(id));
    g.bind(2, seg.id);
    g.bind(3, seg.title);
    g.bind(4, seg.sha256);
    g.bind(5, seg.tag);
    g.bind(6, static_cast<int64_t>(seg.frames));
    g.bind(7, seg.sample_rate);
    g.exec();
  }
}

void insert(SQLite::Database& db, const AuditSource& s, const std::string& bundle, Instant now) {
  SQLite::Statement c(db,
                      "INSERT INTO communes (bundle, name, station, public_key, fingerprint, "
                      "period_from, period_to, first_seq, previous_hash, compliance, "
                      "verification, merged_at_us) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
  c.bind(1, bundle);
  c.bind(2, s.station.name);
  c.bind(3, station_json(s.station).dump());
  if (s.key) {
    c.bind(4, s.key->hex());
    c.bind(5, s.key->fingerprint());
  }
  if (s.from) c.bind(6, *s.from);
  if (s.to) c.bind(7, *s.to);
  c.bind(8, static_cast<int64_t>(s.first_seq));
  c.bind(9, to_hex(s.previous_hash));
  c.bind(10, compliance_to_json(s.compliance).dump());
  c.bind(11, verification_json(s.verification).dump());
  c.bind(12, static_cast<int64_t>(us(now)));
  c.exec();
  const std::int64_t id = db.getLastInsertRowid();
  insert_events(db, "INSERT INTO", id, s);
  insert_segments(db, "INSERT INTO", id, s);
}

void insert_refused(SQLite::Database& db, const MergeResult& r, const std::optional<PublicKey>& key,
                    Instant now) {
  SQLite::Statement q(db,
                      "INSERT INTO refused (bundle, name, public_key, code, reason_vi, reason_en, "
                      "refused_at_us) VALUES (?,?,?,?,?,?,?)");
  q.bind(1, fs::path(r.bundle).filename().string());
  q.bind(2, r.station);
  if (key) q.bind(3, key->hex());
  q.bind(4, r.code);
  q.bind(5, r.problem.vi);
  q.bind(6, r.problem.en);
  q.bind(7, static_cast<int64_t>(us(now)));
  q.exec();
}

void fsync_path(const fs::path& p, int flags) {
  const int fd = ::open(p.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

namespace {

/// A commune already in the file being written: its facts without its events (those are in
/// the file), and the range of seqs it holds.
struct Merged {
  std::int64_t id = 0;
  AuditSource head;  ///< no events
  std::int64_t last_seq = 0;
  std::vector<std::string> bundles;  ///< file names, in the order they were merged
};

/// `m`'s events as written, with what check_extends() reads (seq, table, hash).
AuditSource with_events(SQLite::Database& db, const Merged& m) {
  AuditSource s = m.head;
  SQLite::Statement q(db, "SELECT seq, source, hash FROM events WHERE commune_id = ? ORDER BY seq");
  q.bind(1, static_cast<int64_t>(m.id));
  while (q.executeStep()) {
    ChainEvent e;
    e.seq = q.getColumn(0).getInt64();
    e.table = q.getColumn(1).getString();
    e.hash = sha256_from_hex(q.getColumn(2).getString()).value_or(Sha256{});
    s.events.push_back(std::move(e));
  }
  return s;
}

std::int64_t last_seq_of(const AuditSource& s) {
  return s.events.empty() ? s.first_seq - 1 : s.events.back().seq;
}

/// Adds `s`'s events to commune `m` (a later or earlier bundle of the same station that joins
/// it: the shared seqs were compared, so their rows are the same) and takes its facts when it
/// is the later one.
void join(SQLite::Database& db, Merged& m, const AuditSource& s, const std::string& bundle) {
  insert_events(db, "INSERT OR IGNORE INTO", m.id, s);
  const bool later = made_before(m.head, s);
  insert_segments(db, later ? "INSERT OR REPLACE INTO" : "INSERT OR IGNORE INTO", m.id, s);
  if (s.first_seq < m.head.first_seq) {
    m.head.first_seq = s.first_seq;
    m.head.previous_hash = s.previous_hash;
    m.head.from = s.from;
  }
  if (later) {
    m.head.station = s.station;
    m.head.key = s.key;
    m.head.compliance = s.compliance;
    m.head.to = s.to;
    m.head.verification.last_checkpoint_at = s.verification.last_checkpoint_at;
    m.head.verification.last_signed_at = s.verification.last_signed_at;
  }
  m.last_seq = std::max(m.last_seq, last_seq_of(s));
  m.bundles.push_back(bundle);
}

/// The communes row of `m` after joins, with the verification of what it now holds.
void rewrite_commune(SQLite::Database& db, Merged& m) {
  AuditSource s = with_events(db, m);
  ChainVerifier verifier(s.previous_hash, s.first_seq, std::nullopt);
  SQLite::Statement q(db,
                      "SELECT seq, source, source_id, at_us, payload, hash FROM events "
                      "WHERE commune_id = ? ORDER BY seq");
  q.bind(1, static_cast<int64_t>(m.id));
  while (q.executeStep()) verifier.add(read_chain_event(q));
  const Verification v = verifier.finish();
  std::string bundles;
  for (const auto& b : m.bundles) bundles += (bundles.empty() ? "" : ", ") + b;
  SQLite::Statement u(db,
                      "UPDATE communes SET bundle = ?, name = ?, station = ?, public_key = ?, "
                      "fingerprint = ?, period_from = ?, period_to = ?, first_seq = ?, "
                      "previous_hash = ?, compliance = ?, verification = ? WHERE id = ?");
  u.bind(1, bundles);
  u.bind(2, m.head.station.name);
  u.bind(3, station_json(m.head.station).dump());
  if (m.head.key) {
    u.bind(4, m.head.key->hex());
    u.bind(5, m.head.key->fingerprint());
  }
  if (m.head.from) u.bind(6, *m.head.from);
  if (m.head.to) u.bind(7, *m.head.to);
  u.bind(8, static_cast<int64_t>(m.head.first_seq));
  u.bind(9, to_hex(m.head.previous_hash));
  u.bind(10, compliance_to_json(m.head.compliance).dump());
  u.bind(11, verification_json(v).dump());
  u.bind(12, static_cast<int64_t>(m.id));
  u.exec();
}

/// One input of a merge: a bundle, or a commune of a merged file given as input (what an earlier
/// merge verified: the heads a new bundle must extend).
struct Input {
  std::string name;    ///< for messages: the file, and the commune's bundle within a merged file
  std::string bundle;  ///< for the file's `bundle` column
  std::optional<AuditSource> source;
  MergeResult result;
};

std::vector<Input> read_inputs(const fs::path& file, const KeyRegister* keys) {
  std::vector<Input> out;
  // A refused input keeps its source (its key goes into the `refused` row).
  auto refuse = [](Input& in, const std::string& code, const Text& why) {
    in.result.code = code;
    in.result.problem = why;
  };
  try {
    if (is_merged_file(file)) {
      for (auto& s : read_merged(file, std::nullopt)) {
        Input in;
        in.name = file.string() + " (" + s.label + ")";
        in.bundle = s.label;
        in.result.bundle = in.name;
        in.result.station = s.station.name;
        if (s.key) in.result.fingerprint = s.key->fingerprint();
        if (s.refused) {
          // Refused before: it stays refused, for the same reason.
          in.result.code = s.refused_code.value_or("broken");
          in.result.problem = *s.refused;
        } else {
          in.result.events = static_cast<std::int64_t>(s.events.size());
          in.source = std::move(s);
        }
        out.push_back(std::move(in));
      }
    } else {
      Input in;
      in.name = file.string();
      in.bundle = file.filename().string();
      in.result.bundle = in.name;
      in.source = read_bundle(file, std::nullopt);
      in.result.station = in.source->station.name;
      in.result.events = static_cast<std::int64_t>(in.source->events.size());
      if (in.source->key) in.result.fingerprint = in.source->key->fingerprint();
      out.push_back(std::move(in));
    }
  } catch (const UserError& e) {
    Input in;
    in.name = file.string();
    in.bundle = file.filename().string();
    in.result.bundle = in.name;
    refuse(in, "unreadable", e.text());
    out.push_back(std::move(in));
    return out;
  }
  for (auto& in : out) {
    if (!in.source) continue;
    in.source->label = in.name;
    if (keys != nullptr && in.source->verification.intact()) {
      check_registered_key(*in.source, *keys);
      if (!in.source->verification.intact()) {
        refuse(in, "key", in.source->verification.problems.front().what);
        continue;
      }
    }
    if (!in.source->verification.intact()) {
      refuse(in, "broken", in.source->verification.problems.front().what);
    }
  }
  return out;
}

}  // namespace

std::vector<MergeResult> merge_bundles(const std::vector<fs::path>& bundles, const fs::path& out,
                                       Instant now, const KeyRegister* keys) {
  const fs::path dir = out.parent_path().empty() ? fs::path(".") : out.parent_path();
  const fs::path temp = dir / fmt::format(".{}.{}.tmp", out.filename().string(), ::getpid());
  std::error_code ec;
  fs::remove(temp, ec);
  std::vector<MergeResult> results;
  try {
    {
      SQLite::Database db(temp.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
      // Nothing here is live: the file only becomes `out` once complete, so neither a
      // journal nor syncs inside are needed (one fsync before the rename).
      db.exec("PRAGMA journal_mode = OFF");
      db.exec("PRAGMA synchronous = OFF");
      db.exec(fmt::format("PRAGMA application_id = {}", kMergedApplicationId));
      db.exec(fmt::format("PRAGMA user_version = {}", kMergedVersion));
      db.exec(kSchema);
      std::vector<Merged> merged;
      std::vector<bool> joined;  // per merged commune: its row needs rewriting
      // One input at a time, its events written and dropped: a province's year of bundles
      // need not fit in memory. What a later input is compared with is read back from the file.
      for (const auto& b : bundles) {
        for (auto& in : read_inputs(b, keys)) {
          MergeResult r = std::move(in.result);
          if (in.source && r.problem.en.empty()) {
            AuditSource& s = *in.source;
            // Each bundle of a station must extend every one made before it, and be extended
            // by every one made after it; the first that does not is refused, naming both.
            std::optional<std::size_t> joins;
            for (std::size_t i = 0; i < merged.size() && r.problem.en.empty(); ++i) {
              if (!same_station(s, merged[i].head)) continue;
              const AuditSource other = with_events(db, merged[i]);
              const bool s_later = made_before(other, s);
              const Continuity c = s_later ? check_extends(s, other) : check_extends(other, s);
              if (c.finding) {
                r.code = c.finding->code;
                r.problem = c.finding->what;
              } else if (s.first_seq <= merged[i].last_seq + 1 &&
                         last_seq_of(s) + 1 >= merged[i].head.first_seq) {
                if (!joins) joins = i;
              } else {
                r.code = "duplicate";
                r.problem = {
                    fmt::format("cùng đài \"{}\" với {} đã gộp, nhưng hai gói không nối tiếp "
                                "nhau (thiếu các sự kiện giữa chúng); hãy xuất một gói cho cả kỳ",
                                s.station.name, other.label),
                    fmt::format("the same station \"{}\" as {}, already merged, but the two do "
                                "not join (the events between them are missing); export one "
                                "bundle covering the whole period",
                                s.station.name, other.label)};
              }
            }
            if (r.problem.en.empty()) {
              SQLite::Transaction tx(db);
              if (joins) {
                join(db, merged[*joins], s, in.bundle);
                joined[*joins] = true;
              } else {
                insert(db, s, in.bundle, now);
                Merged m;
                m.id = db.getLastInsertRowid();
                m.last_seq = last_seq_of(s);
                m.bundles = {in.bundle};
                s.events.clear();
                s.events.shrink_to_fit();
                m.head = std::move(s);
                merged.push_back(std::move(m));
                joined.push_back(false);
              }
              tx.commit();
              r.merged = true;
            }
          }
          // A refusal is kept in the file, so that its reports list the commune as refused.
          if (!r.merged) {
            insert_refused(db, r, in.source ? in.source->key : std::optional<PublicKey>(), now);
          }
          results.push_back(std::move(r));
        }
      }
      for (std::size_t i = 0; i < merged.size(); ++i) {
        if (joined[i]) rewrite_commune(db, merged[i]);
      }
    }
    fsync_path(temp, O_RDONLY);
    fs::rename(temp, out);
    fsync_path(dir, O_RDONLY | O_DIRECTORY);
  } catch (const SQLite::Exception& e) {
    fs::remove(temp, ec);
    cannot_write(out, e.what());
  } catch (const fs::filesystem_error& e) {
    fs::remove(temp, ec);
    cannot_write(out, e.code().message());
  }
  return results;
}

bool is_merged_file(const fs::path& file) {
  // The SQLite header: "SQLite format 3\0", and the application_id big-endian at offset 68.
  std::ifstream f(file, std::ios::binary);
  std::array<unsigned char, 72> head{};
  if (!f.read(reinterpret_cast<char*>(head.data()), head.size())) return false;
  if (std::string_view(reinterpret_cast<const char*>(head.data()), 16) !=
      std::string_view("SQLite format 3\0", 16)) {
    return false;
  }
  const auto id = static_cast<std::uint32_t>(head[68]) << 24 |
                  static_cast<std::uint32_t>(head[69]) << 16 |
                  static_cast<std::uint32_t>(head[70]) << 8 | static_cast<std::uint32_t>(head[71]);
  return id == static_cast<std::uint32_t>(kMergedApplicationId);
}

std::vector<AuditSource> read_merged(const fs::path& file, const std::optional<std::string>& pin) {
  if (!is_merged_file(file)) {
    throw UserError({fmt::format("{}: không phải tệp gộp của loaxa audit merge", file.string()),
                     fmt::format("{}: not a file written by loaxa audit merge", file.string())});
  }
  std::vector<AuditSource> out;
  try {
    SQLite::Database db(file.string(), SQLite::OPEN_READONLY);
    const int version = db.execAndGet("PRAGMA user_version").getInt();
    if (version != kMergedVersion && version != 1) {
      throw UserError({fmt::format("{}: tệp gộp phiên bản {} không được hỗ trợ; hãy cập nhật loaxa",
                                   file.string(), version),
                       fmt::format("{}: merged file version {} is not supported; upgrade loaxa",
                                   file.string(), version)});
    }
    std::map<std::int64_t, std::size_t> index;
    SQLite::Statement c(db,
                        "SELECT id, bundle, station, public_key, period_from, period_to, "
                        "first_seq, previous_hash, compliance FROM communes ORDER BY id");
    while (c.executeStep()) {
      AuditSource s;
      s.label = c.getColumn(1).getString();
      auto station = nlohmann::json::parse(c.getColumn(2).getString(), nullptr, false);
      if (station.is_object()) s.station = station_from(station);
      if (!c.getColumn(3).isNull()) s.key = public_key_from_hex(c.getColumn(3).getString());
      if (!c.getColumn(4).isNull()) s.from = c.getColumn(4).getString();
      if (!c.getColumn(5).isNull()) s.to = c.getColumn(5).getString();
      s.first_seq = c.getColumn(6).getInt64();
      s.previous_hash = sha256_from_hex(c.getColumn(7).getString()).value_or(Sha256{});
      auto rules = nlohmann::json::parse(c.getColumn(8).getString(), nullptr, false);
      if (auto r = compliance_from_json(rules)) s.compliance = std::move(*r);
      index[c.getColumn(0).getInt64()] = out.size();
      out.push_back(std::move(s));
    }
    SQLite::Statement g(db,
                        "SELECT commune_id, id, title, sha256, tag, frames, sample_rate "
                        "FROM segments ORDER BY commune_id");
    while (g.executeStep()) {
      auto it = index.find(g.getColumn(0).getInt64());
      if (it == index.end()) continue;
      out[it->second].segments.push_back({g.getColumn(1).getString(), g.getColumn(2).getString(),
                                          g.getColumn(3).getString(), g.getColumn(4).getString(),
                                          g.getColumn(5).getInt64(), g.getColumn(6).getInt()});
    }
    // Verified again here, not taken from the summary stored at merge: the merged file is a
    // file like any other.
    SQLite::Statement e(db,
                        "SELECT seq, source, source_id, at_us, payload, hash FROM events "
                        "WHERE commune_id = ? ORDER BY seq");
    for (const auto& [id, i] : index) {
      AuditSource& source = out[i];
      ChainVerifier verifier(source.previous_hash, source.first_seq, pin);
      e.reset();
      e.bind(1, static_cast<int64_t>(id));
      while (e.executeStep()) {
        source.events.push_back(read_chain_event(e));
        verifier.add(source.events.back());
      }
      source.verification = verifier.finish();
      check_bundle_source(source, pin);
    }
    if (version >= 2) {
      SQLite::Statement q(
          db,
          "SELECT bundle, name, public_key, code, reason_vi, reason_en FROM refused "
          "ORDER BY id");
      while (q.executeStep()) {
        AuditSource s;
        s.label = q.getColumn(0).getString();
        s.station.name = q.getColumn(1).getString();
        if (!q.getColumn(2).isNull()) s.key = public_key_from_hex(q.getColumn(2).getString());
        s.refused_code = q.getColumn(3).getString();
        s.refused = Text{q.getColumn(4).getString(), q.getColumn(5).getString()};
        s.verification.problems.push_back(
            {0,
             {fmt::format("gói bị từ chối khi gộp: {}", s.refused->vi),
              fmt::format("the bundle was refused at merge: {}", s.refused->en)}});
        out.push_back(std::move(s));
      }
    }
  } catch (const SQLite::Exception& e) {
    throw UserError({fmt::format("{}: tệp gộp hỏng ({})", file.string(), e.what()),
                     fmt::format("{}: damaged merged file ({})", file.string(), e.what())});
  } catch (const nlohmann::json::exception& e) {
    throw UserError({fmt::format("{}: tệp gộp hỏng ({})", file.string(), e.what()),
                     fmt::format("{}: damaged merged file ({})", file.string(), e.what())});
  }
  return out;
}

}  // namespace loaxa
