#include "audit/bundle.h"

#include <SQLiteCpp/Statement.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <simdjson.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "audit/payload_fields.h"
#include "core/text.h"
#include "core/time.h"
#include "store/segment_repository.h"

namespace loaxa {
namespace fs = std::filesystem;
namespace {

constexpr const char* kFormat = "loaxa-bundle";
constexpr int kVersion = 1;
// A line longer than this is not something loaxa wrote (the longest event is a few KiB).
constexpr std::size_t kMaxLine = 1 << 20;

std::int64_t us(Instant t) {
  return t.time_since_epoch().count();
}

[[noreturn]] void bad_bundle(const fs::path& file, std::size_t line, const std::string& vi,
                             const std::string& en) {
  throw UserError({fmt::format("{}:{}: gói xuất không hợp lệ: {}", file.string(), line, vi),
                   fmt::format("{}:{}: not a valid export bundle: {}", file.string(), line, en)});
}

std::optional<Instant> day_start(const std::optional<std::string>& day, const date::time_zone* zone,
                                 int plus_days, const char* option) {
  if (!day) return std::nullopt;
  auto d = parse_date(*day);
  if (!d) {
    throw UserError({fmt::format("{} \"{}\": ngày phải có dạng YYYY-MM-DD", option, *day),
                     fmt::format("{} \"{}\": a date is written YYYY-MM-DD", option, *day)});
  }
  return local_midnight(date::year_month_day{date::sys_days{*d} + date::days{plus_days}}, zone);
}

StationInfo station_of(const StationConfig& config) {
  StationInfo s;
  s.name = config.station_name;
  s.timezone = config.timezone;
  for (const auto& z : config.zones) s.zones.push_back({z.name, z.channels});
  return s;
}

/// An event line exactly as write_bundle writes it, read by simdjson (its DOM parser, whose SIMD
/// kernel the library picks for the CPU at run time) rather than nlohmann: most of a
/// bundle's bytes are such lines. False for anything else, with `e` partly filled: the caller
/// reads that line again with nlohmann, whose acceptance and messages are the reference (the
/// lines taken here are a subset of those, read to the same values).
bool read_event_line(simdjson::dom::parser& parser, std::string& line, ChainEvent& e) {
  // \u escapes (control characters, surrogates) are where two parsers may disagree.
  if (line.find("\\u") != std::string::npos) return false;
  line.reserve(line.size() + simdjson::SIMDJSON_PADDING);  // parsed in place, not copied
  simdjson::dom::object root;
  if (parser.parse(line.data(), line.size(), false).get_object().get(root) || root.size() != 1) {
    return false;
  }
  simdjson::dom::object ev;
  const auto top = *root.begin();
  if (top.key != "event" || top.value.get_object().get(ev)) return false;
  int fields = 0;
  std::int64_t at_us = 0;
  for (const auto field : ev) {
    const std::string_view name = field.key;
    std::string_view text;
    if (name == "seq" || name == "row_id" || name == "at_us") {
      std::int64_t n = 0;
      if (field.value.get_int64().get(n)) return false;
      (name == "seq" ? e.seq : name == "row_id" ? e.row_id : at_us) = n;
    } else if (name == "table" || name == "payload" || name == "hash") {
      if (field.value.get_string().get(text)) return false;
      if (name == "hash") {
        const auto hash = sha256_from_hex(text);
        if (!hash) return false;
        e.hash = *hash;
      } else {
        (name == "table" ? e.table : e.payload).assign(text);
      }
    } else {
      return false;  // not a field loaxa writes
    }
    // A repeated field: the last one counts, as in nlohmann's reading.
    fields |= name == "seq"       ? 1
              : name == "row_id"  ? 2
              : name == "at_us"   ? 4
              : name == "table"   ? 8
              : name == "payload" ? 16
                                  : 32;
  }
  if (fields != 63) return false;
  e.at = Instant{std::chrono::microseconds{at_us}};
  return true;
}

std::vector<SegmentInfo> segments_of(SQLite::Database& db) {
  std::vector<SegmentInfo> out;
  // As imported: the reader checks each entry against the chained `segments` row; an edited
  // title is the chained segment_edits event's to tell.
  for (const auto& s : SegmentRepository(db).all_as_imported()) {
    out.push_back({s.id, s.title, s.sha256, s.tag, s.frames, s.sample_rate});
  }
  return out;
}

/// The strings of a JSON array of strings (other elements as none); none for anything else.
std::optional<std::vector<std::optional<std::string_view>>> strings_of(
    simdjson::dom::parser& parser, std::string_view json) {
  simdjson::dom::array array;
  if (parser.parse(json.data(), json.size()).get_array().get(array)) return std::nullopt;
  std::vector<std::optional<std::string_view>> out;
  for (auto element : array) {
    std::string_view text;
    out.push_back(element.get_string().get(text) ? std::nullopt
                                                 : std::optional<std::string_view>(text));
  }
  return out;
}

/// Checks the segment list against what the chain says of segments: the rows chained at
/// import, and the hashes every broadcast recorded for the ids it played. Fed the events one
/// by one, so that a bundle is checked as it is read.
class SegmentCheck {
 public:
  /// `segments` must outlive the check and not change.
  explicit SegmentCheck(const std::vector<SegmentInfo>& segments) {
    for (const auto& s : segments) by_id_[s.id] = &s;
  }
  void add(const ChainEvent& e);
  /// The mismatches found, in the order of the events.
  std::vector<ChainProblem>& problems() { return problems_; }

 private:
  void mismatch(std::int64_t seq, std::string_view id, const char* what_vi, const char* what_en);
  void check_imported(std::int64_t seq, std::string_view id, std::string_view sha256,
                      std::string_view title);
  void check_played(std::int64_t seq, std::string_view id, std::string_view sha256);
  bool add_fast(const ChainEvent& e);

  std::map<std::string, const SegmentInfo*, std::less<>> by_id_;
  std::vector<ChainProblem> problems_;
  // simdjson for the many payloads of a long log; nlohmann, the reference, for any payload
  // simdjson does not read as plain loaxa JSON.
  simdjson::dom::parser payloads_, ids_, hashes_;
};

void SegmentCheck::mismatch(std::int64_t seq, std::string_view id, const char* what_vi,
                            const char* what_en) {
  problems_.push_back(
      {seq,
       {fmt::format("đoạn {}: {} trong danh sách đoạn khác với bản ghi trong chuỗi (sự kiện #{})",
                    id, what_vi, seq),
        fmt::format("segment {}: the {} in the segment list differs from the chained record "
                    "(event #{})",
                    id, what_en, seq)}});
}

void SegmentCheck::check_imported(std::int64_t seq, std::string_view id, std::string_view sha256,
                                  std::string_view title) {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) {
    mismatch(seq, id, "(thiếu)", "entry (missing)");
  } else if (it->second->sha256 != sha256 || it->second->title != title) {
    mismatch(seq, id, "tiêu đề hoặc mã băm", "title or hash");
  }
}

void SegmentCheck::check_played(std::int64_t seq, std::string_view id, std::string_view sha256) {
  auto it = by_id_.find(id);
  if (it != by_id_.end() && it->second->sha256 != sha256) {
    mismatch(seq, it->first, "mã băm", "hash");
  }
}

bool SegmentCheck::add_fast(const ChainEvent& e) {
  const auto row = payload_row(payloads_, e.payload);
  if (!row) return false;
  if (e.table == "segments") {
    const auto id = row_text(*row, "id", "");
    const auto sha256 = row_text(*row, "sha256", "");
    const auto title = row_text(*row, "title", "");
    if (!id || !sha256 || !title) return false;
    check_imported(e.seq, *id, *sha256, *title);
    return true;
  }
  const auto ids_text = row_text(*row, "segment_ids", "[]");
  const auto hashes_text = row_text(*row, "segment_hashes", "[]");
  if (!ids_text || !hashes_text) return false;
  const auto ids = strings_of(ids_, *ids_text);
  const auto hashes = strings_of(hashes_, *hashes_text);
  if (!ids || !hashes) return false;
  if (ids->size() != hashes->size()) return true;
  for (std::size_t i = 0; i < ids->size(); ++i) {
    if ((*ids)[i] && (*hashes)[i]) check_played(e.seq, *(*ids)[i], *(*hashes)[i]);
  }
  return true;
}

void SegmentCheck::add(const ChainEvent& e) {
  if (e.table != "segments" && e.table != "broadcasts") return;
  if (add_fast(e)) return;
  const auto p = nlohmann::json::parse(e.payload, nullptr, false);
  const auto& row = row_of(p);
  if (!row.is_object()) return;
  if (e.table == "segments") {
    check_imported(e.seq, text_or(row, "id", ""), text_or(row, "sha256", ""),
                   text_or(row, "title", ""));
  } else {
    auto ids = nlohmann::json::parse(text_or(row, "segment_ids", "[]"), nullptr, false);
    auto hashes = nlohmann::json::parse(text_or(row, "segment_hashes", "[]"), nullptr, false);
    if (!ids.is_array() || !hashes.is_array() || ids.size() != hashes.size()) return;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      if (!ids[i].is_string() || !hashes[i].is_string()) continue;
      check_played(e.seq, ids[i].get<std::string>(), hashes[i].get<std::string>());
    }
  }
}

/// check_bundle_source() with the segment check already fed.
void check_bundle_source(AuditSource& source, const std::optional<std::string>& pin,
                         SegmentCheck& segments);

}  // namespace

ExportResult write_bundle(SQLite::Database& db, const StationConfig& config,
                          const ExportRequest& request) {
  const date::time_zone* zone = find_zone(config.timezone);
  const auto from = day_start(request.from, zone, 0, "--from");
  const auto to = day_start(request.to, zone, 1, "--to");
  const auto key = StationKey::load_public(config.keys);

  // The period's events, then on to the first checkpoint that signs them.
  std::int64_t first = 1;
  if (from) {
    SQLite::Statement q(db, "SELECT min(seq) FROM audit_chain WHERE at_us >= ?");
    q.bind(1, static_cast<int64_t>(us(*from)));
    q.executeStep();
    first = q.getColumn(0).isNull() ? INT64_MAX : q.getColumn(0).getInt64();
  }
  std::int64_t last = db.execAndGet("SELECT coalesce(max(seq), 0) FROM audit_chain").getInt64();
  if (to) {
    SQLite::Statement q(db, "SELECT coalesce(max(seq), 0) FROM audit_chain WHERE at_us < ?");
    q.bind(1, static_cast<int64_t>(us(*to)));
    q.executeStep();
    last = q.getColumn(0).getInt64();
  }
  {
    SQLite::Statement q(
        db, "SELECT min(seq) FROM audit_chain WHERE source = 'checkpoints' AND seq >= ?");
    q.bind(1, static_cast<int64_t>(last));
    q.executeStep();
    if (!q.getColumn(0).isNull()) last = q.getColumn(0).getInt64();
  }
  if (first > last) {
    first = last + 1;  // an empty period: the bundle still proves where the chain stood
  }
  Sha256 previous{};
  if (first > 1) {
    SQLite::Statement q(db, "SELECT hash FROM audit_chain WHERE seq = ?");
    q.bind(1, static_cast<int64_t>(first - 1));
    if (q.executeStep()) previous = sha256_from_hex(q.getColumn(0).getString()).value_or(Sha256{});
  }

  const auto station = station_of(config);
  nlohmann::json zones = nlohmann::json::array();
  for (const auto& z : station.zones) zones.push_back({{"name", z.name}, {"channels", z.channels}});
  const auto segments = segments_of(db);
  nlohmann::json header = {
      {"format", kFormat},
      {"version", kVersion},
      {"station", {{"name", station.name}, {"timezone", station.timezone}, {"zones", zones}}},
      {"public_key", key ? nlohmann::json(key->hex()) : nlohmann::json(nullptr)},
      {"fingerprint", key ? nlohmann::json(key->fingerprint()) : nlohmann::json(nullptr)},
      {"from", request.from ? nlohmann::json(*request.from) : nlohmann::json(nullptr)},
      {"to", request.to ? nlohmann::json(*request.to) : nlohmann::json(nullptr)},
      {"first_seq", first},
      {"previous_hash", to_hex(previous)},
      {"compliance", compliance_to_json(config.compliance)},
  };

  fs::path out = request.out;
  const fs::path temp =
      out.parent_path() / fmt::format(".{}.{}.tmp", out.filename().string(), ::getpid());
  ExportResult result;
  result.first_seq = first;
  {
    std::ofstream f(temp, std::ios::binary | std::ios::trunc);
    if (!f) {
      throw UserError({fmt::format("{}: không ghi được ({})", out.string(), std::strerror(errno)),
                       fmt::format("{}: cannot write ({})", out.string(), std::strerror(errno))});
    }
    f << header.dump() << '\n';
    for (const auto& s : segments) {
      f << nlohmann::json{{"segment",
                           {{"id", s.id},
                            {"title", s.title},
                            {"sha256", s.sha256},
                            {"tag", s.tag},
                            {"frames", s.frames},
                            {"sample_rate", s.sample_rate}}}}
               .dump()
        << '\n';
    }
    SQLite::Statement q(
        db, std::string(kChainEventSelect) + "WHERE seq >= ? AND seq <= ? ORDER BY seq");
    q.bind(1, static_cast<int64_t>(first));
    q.bind(2, static_cast<int64_t>(last));
    std::string last_table;
    while (q.executeStep()) {
      const ChainEvent e = read_chain_event(q);
      f << nlohmann::json{{"event",
                           {{"seq", e.seq},
                            {"table", e.table},
                            {"row_id", e.row_id},
                            {"at_us", us(e.at)},
                            {"payload", e.payload},
                            {"hash", to_hex(e.hash)}}}}
               .dump()
        << '\n';
      ++result.events;
      result.last_seq = e.seq;
      last_table = e.table;
    }
    result.ends_signed = last_table == "checkpoints";
    result.segments = static_cast<std::int64_t>(segments.size());
    f << nlohmann::json{{"end", {{"segments", result.segments}, {"events", result.events}}}}.dump()
      << '\n';
    f.flush();
    if (!f) {
      std::error_code ec;
      fs::remove(temp, ec);
      throw UserError({fmt::format("{}: ghi không hết (đĩa đầy?)", out.string()),
                       fmt::format("{}: write failed (disk full?)", out.string())});
    }
  }
  const int fd = ::open(temp.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  std::error_code ec;
  fs::rename(temp, out, ec);
  if (ec) {
    fs::remove(temp, ec);
    throw UserError({fmt::format("{}: không ghi được ({})", out.string(), ec.message()),
                     fmt::format("{}: cannot write ({})", out.string(), ec.message())});
  }
  return result;
}

namespace {

std::int64_t integer_at(const nlohmann::json& j, const char* key) {
  return checked_integer(j.at(key), key);
}

}  // namespace

AuditSource read_bundle(const fs::path& file, const std::optional<std::string>& pin,
                        bool keep_events) {
  std::ifstream f(file, std::ios::binary);
  if (!f) {
    throw UserError({fmt::format("{}: không mở được ({})", file.string(), std::strerror(errno)),
                     fmt::format("{}: cannot open ({})", file.string(), std::strerror(errno))});
  }
  AuditSource source;
  source.label = file.string();
  std::string line;
  std::size_t number = 0;
  bool ended = false;
  std::optional<ChainVerifier> verifier;
  std::int64_t header_first_seq = 0;
  std::int64_t segment_lines = 0;
  std::int64_t events = 0;
  simdjson::dom::parser parser;
  // Over the segment lines, which loaxa writes before the events; started at the first event.
  std::optional<SegmentCheck> segments;
  bool late_segments = false;  // a segment line after an event: checked once all are read
  auto add_event = [&](ChainEvent&& e) {
    verifier->add(e);
    ++events;
    if (!segments && !late_segments) segments.emplace(source.segments);
    if (segments) segments->add(e);
    if (keep_events) source.events.push_back(std::move(e));
  };
  while (std::getline(f, line)) {
    ++number;
    if (line.size() > kMaxLine) bad_bundle(file, number, "dòng quá dài", "line too long");
    if (ended) bad_bundle(file, number, "còn dữ liệu sau dòng kết thúc", "data after the end line");
    try {
      if (number > 1 && verifier) {
        ChainEvent e;
        if (read_event_line(parser, line, e)) {
          add_event(std::move(e));
          continue;
        }
      }
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_discarded() || !j.is_object()) {
        bad_bundle(file, number, "không phải JSON (tệp hỏng hoặc bị cắt?)",
                   "not JSON (damaged or cut short?)");
      }
      if (number == 1) {
        if (j.value("format", "") != kFormat) {
          bad_bundle(file, number, "không phải gói xuất của loaxa", "not a loaxa export bundle");
        }
        if (j.value("version", 0) != kVersion) {
          bad_bundle(
              file, number,
              fmt::format("phiên bản {} không được hỗ trợ; hãy cập nhật loaxa",
                          j["version"].dump()),
              fmt::format("version {} is not supported; upgrade loaxa", j["version"].dump()));
        }
        const auto& st = j.at("station");
        source.station.name = st.at("name").get<std::string>();
        source.station.timezone = st.at("timezone").get<std::string>();
        for (const auto& z : st.at("zones")) {
          source.station.zones.push_back(
              {z.at("name").get<std::string>(), channel_list(z.at("channels"))});
        }
        if (j.at("public_key").is_string()) {
          source.key = public_key_from_hex(j["public_key"].get<std::string>());
          if (!source.key) bad_bundle(file, number, "khóa công khai hỏng", "damaged public key");
        }
        if (j.at("from").is_string()) source.from = j["from"].get<std::string>();
        if (j.at("to").is_string()) source.to = j["to"].get<std::string>();
        header_first_seq = integer_at(j, "first_seq");
        const auto previous = sha256_from_hex(j.at("previous_hash").get<std::string>());
        if (!previous) bad_bundle(file, number, "previous_hash hỏng", "damaged previous_hash");
        if (j.contains("compliance")) {
          auto rules = compliance_from_json(j["compliance"]);
          if (!rules) bad_bundle(file, number, "compliance hỏng", "damaged compliance");
          source.compliance = std::move(*rules);
        }
        source.previous_hash = *previous;
        source.first_seq = header_first_seq;
        verifier.emplace(*previous, header_first_seq, pin);
      } else if (j.contains("segment")) {
        const auto& s = j["segment"];
        source.segments.push_back({s.at("id").get<std::string>(), s.at("title").get<std::string>(),
                                   s.at("sha256").get<std::string>(),
                                   s.at("tag").get<std::string>(), integer_at(s, "frames"),
                                   static_cast<int>(std::clamp<std::int64_t>(
                                       integer_at(s, "sample_rate"), 0, INT32_MAX))});
        ++segment_lines;
        if (segments) {
          late_segments = true;
          segments.reset();
        }
      } else if (j.contains("event")) {
        const auto& ev = j["event"];
        ChainEvent e;
        e.seq = integer_at(ev, "seq");
        e.table = ev.at("table").get<std::string>();
        e.row_id = integer_at(ev, "row_id");
        e.at = Instant{std::chrono::microseconds{integer_at(ev, "at_us")}};
        e.payload = ev.at("payload").get<std::string>();
        const auto hash = sha256_from_hex(ev.at("hash").get<std::string>());
        if (!hash) bad_bundle(file, number, "mã băm hỏng", "damaged hash");
        e.hash = *hash;
        add_event(std::move(e));
      } else if (j.contains("end")) {
        // Both read before either is compared: a missing one is a refusal naming it, not a
        // lookup of an absent key in a const object (undefined behaviour in nlohmann).
        const auto& end = j["end"];
        const std::int64_t said_events = integer_at(end, "events");
        const std::int64_t said_segments = integer_at(end, "segments");
        if (said_events != events || said_segments != segment_lines) {
          bad_bundle(file, number,
                     fmt::format("dòng kết thúc ghi {} sự kiện, {} đoạn; tệp có {}, {}",
                                 said_events, said_segments, events, segment_lines),
                     fmt::format("the end line says {} events, {} segments; the file has {}, {}",
                                 said_events, said_segments, events, segment_lines));
        }
        ended = true;
      } else {
        bad_bundle(file, number, "dòng không rõ loại", "unknown kind of line");
      }
    } catch (const nlohmann::json::exception& e) {
      bad_bundle(file, number, fmt::format("thiếu hoặc sai trường ({})", e.what()),
                 fmt::format("missing or wrong field ({})", e.what()));
    }
  }
  if (number == 0) bad_bundle(file, 1, "tệp rỗng", "empty file");
  if (!ended) {
    bad_bundle(file, number + 1, "thiếu dòng kết thúc — tệp bị cắt ngắn",
               "no end line — the file was cut short");
  }
  source.verification = verifier->finish();
  if (late_segments) {
    // Not a bundle loaxa wrote, but a readable one: its events are checked against every
    // segment line, which takes them all.
    if (!keep_events) return read_bundle(file, pin, true);
    check_bundle_source(source, pin);
  } else {
    if (!segments) segments.emplace(source.segments);
    check_bundle_source(source, pin, *segments);
  }
  return source;
}

void check_bundle_source(AuditSource& source, const std::optional<std::string>& pin) {
  SegmentCheck segments(source.segments);
  for (const auto& e : source.events) segments.add(e);
  check_bundle_source(source, pin, segments);
}

namespace {

void check_bundle_source(AuditSource& source, const std::optional<std::string>& pin,
                         SegmentCheck& segments) {
  auto& v = source.verification;
  if (v.intact() && v.unsigned_events > 0) {
    v.problems.push_back(
        {v.last_seq,
         {fmt::format("gói kết thúc bằng {} sự kiện chưa ký: phần cuối đã bị cắt (loaxa luôn kết "
                      "thúc gói xuất bằng một điểm ký)",
                      v.unsigned_events),
          fmt::format("the bundle ends with {} unsigned events: its end was cut (loaxa always "
                      "ends a bundle with a checkpoint)",
                      v.unsigned_events)}});
  }
  if (source.key && v.key && !(*source.key == *v.key)) {
    v.problems.push_back({0,
                          {fmt::format("khóa trong phần đầu ({}) khác khóa đã ký ({})",
                                       source.key->fingerprint(), v.key->fingerprint()),
                           fmt::format("the header's key ({}) is not the key that signed ({})",
                                       source.key->fingerprint(), v.key->fingerprint())}});
  }
  if (pin && source.key && !matches_pin(*source.key, *pin) && v.problems.empty()) {
    v.problems.push_back({0,
                          {fmt::format("khóa của gói ({}) không phải khóa đã đăng ký {}",
                                       source.key->fingerprint(), *pin),
                           fmt::format("the bundle's key ({}) is not the registered key {}",
                                       source.key->fingerprint(), *pin)}});
  }
  if (!source.key && v.key) source.key = v.key;
  v.problems.insert(v.problems.end(), segments.problems().begin(), segments.problems().end());
}

}  // namespace

nlohmann::json compliance_to_json(const std::vector<ComplianceRule>& rules) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& r : rules) {
    nlohmann::json rule = nlohmann::json::object();
    if (r.per_month) rule["per_month"] = *r.per_month;
    if (r.per_week) rule["per_week"] = *r.per_week;
    j[r.programme] = rule;
  }
  return j;
}

std::optional<std::vector<ComplianceRule>> compliance_from_json(const nlohmann::json& j) {
  if (!j.is_object()) return std::nullopt;
  std::vector<ComplianceRule> rules;
  for (const auto& [programme, rule] : j.items()) {
    if (!rule.is_object()) return std::nullopt;
    ComplianceRule r{programme, std::nullopt, std::nullopt};
    for (const auto& [key, value] : rule.items()) {
      if (!value.is_number_integer() || value.get<std::int64_t>() < 1 ||
          value.get<std::int64_t>() > 1000) {
        return std::nullopt;
      }
      if (key == "per_month") {
        r.per_month = value.get<int>();
      } else if (key == "per_week") {
        r.per_week = value.get<int>();
      } else {
        return std::nullopt;
      }
    }
    rules.push_back(std::move(r));
  }
  return rules;
}

AuditSource read_database(SQLite::Database& db, const StationConfig& config,
                          const std::optional<std::string>& pin, bool keep_events) {
  AuditSource source;
  source.label = config.database.string();
  source.station = station_of(config);
  source.key = StationKey::load_public(config.keys);
  source.compliance = config.compliance;
  // The station's name as the daemon recorded it at its last start: the name of a database
  // read without its station's config.
  std::string recorded;
  auto station_name = [&](const ChainEvent& e) {
    if (e.table != "station_events" || !source.station.name.empty()) return;
    const auto p = nlohmann::json::parse(e.payload, nullptr, false);
    if (text_or(row_of(p), "kind", "") != "daemon_started") return;
    auto detail = nlohmann::json::parse(text_or(row_of(p), "detail", "{}"), nullptr, false);
    if (detail.is_object() && detail.contains("station") && detail["station"].is_string()) {
      recorded = detail["station"].get<std::string>();
    }
  };
  // The events are read once, by the verification, and kept when asked.
  source.verification =
      verify_database(db, pin, keep_events ? &source.events : nullptr, station_name);
  if (source.station.name.empty()) source.station.name = recorded;
  if (source.key && source.verification.key && !(*source.key == *source.verification.key)) {
    source.verification.problems.push_back(
        {0,
         {fmt::format("khóa của trạm ({}) không phải khóa đã ký nhật ký ({})",
                      source.key->fingerprint(), source.verification.key->fingerprint()),
          fmt::format("the station's key ({}) is not the key that signed the log ({})",
                      source.key->fingerprint(), source.verification.key->fingerprint())}});
  }
  if (!source.key) source.key = source.verification.key;
  source.segments = segments_of(db);
  return source;
}

}  // namespace loaxa
