#include "audit/chain_verifier.h"

#include <SQLiteCpp/Statement.h>
#include <date/date.h>
#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "audit/checkpoint.h"
#include "audit/payload_fields.h"

namespace loaxa {
namespace {

// A daemon that runs signs at least daily; a longer stretch of chained events without a
// checkpoint suggests one was cut off the end.
constexpr auto kCheckpointPeriod = std::chrono::hours(25);

std::string utc(Instant t) {
  return date::format("%F %TZ", std::chrono::floor<std::chrono::seconds>(t));
}

std::string row_value(const nlohmann::json& v) {
  if (v.is_string()) return "'" + v.get<std::string>() + "'";
  return v.dump();
}

/// Names the fields where `now` (the row as stored) differs from `then` (the chained payload).
std::string field_changes(const std::string& then, const std::string& now) {
  auto a = nlohmann::json::parse(then, nullptr, false);
  auto b = nlohmann::json::parse(now, nullptr, false);
  if (a.is_discarded() || b.is_discarded() || !a.contains("row") || !b.contains("row")) {
    return "?";
  }
  std::vector<std::string> changes;
  for (auto& [key, value] : a["row"].items()) {
    if (!b["row"].contains(key)) {
      changes.push_back(fmt::format("{}: {} → (gone)", key, row_value(value)));
    } else if (b["row"][key] != value) {
      changes.push_back(
          fmt::format("{}: {} → {}", key, row_value(value), row_value(b["row"][key])));
    }
  }
  for (auto& [key, value] : b["row"].items()) {
    if (!a["row"].contains(key))
      changes.push_back(fmt::format("{}: (new) {}", key, row_value(value)));
  }
  std::string out;
  for (const auto& c : changes) out += (out.empty() ? "" : "; ") + c;
  return out;
}

// The payload fields verification reads. simdjson reads the plain JSON loaxa writes; anything
// else (not JSON, a field of another type) is read by nlohmann as before, the reference: the
// same values.
thread_local simdjson::dom::parser payload_parser;

/// What check_checkpoint reads of a checkpoint's row ("" and -1, 0 where it has none).
struct CheckpointRow {
  std::string public_key;
  std::string signature;
  std::string head_hash;
  std::int64_t head_seq = -1;
  std::int64_t at_us = 0;
};

CheckpointRow checkpoint_row(const std::string& payload) {
  if (const auto row = payload_row(payload_parser, payload)) {
    const auto key = row_text(*row, "public_key", "");
    const auto signature = row_text(*row, "signature", "");
    const auto head_hash = row_text(*row, "head_hash", "");
    const auto head_seq = row_integer(*row, "head_seq", -1);
    const auto at_us = row_integer(*row, "at_us", 0);
    if (key && signature && head_hash && head_seq && at_us) {
      return {std::string(*key), std::string(*signature), std::string(*head_hash), *head_seq,
              *at_us};
    }
  }
  const auto p = nlohmann::json::parse(payload, nullptr, false);
  const auto& row = row_of(p);
  if (!row.is_object()) return {};
  // A head_seq or at_us that is not a whole number stays at its default: the checkpoint then
  // covers no event, or its signature fails, and is reported as such.
  return {text_or(row, "public_key", ""), text_or(row, "signature", ""),
          text_or(row, "head_hash", ""), integer_if(row, "head_seq", -1).value_or(-1),
          integer_if(row, "at_us", 0).value_or(0)};
}

/// row.kind of a station event's payload ("" where it has none).
std::string station_event_kind(const std::string& payload) {
  if (const auto row = payload_row(payload_parser, payload)) {
    if (const auto kind = row_text(*row, "kind", "")) return std::string(*kind);
  }
  const auto p = nlohmann::json::parse(payload, nullptr, false);
  return text_or(row_of(p), "kind", "");
}

/// The finding for checkpoint `e` whose signature is bad.
Text bad_signature_text(const ChainEvent& e) {
  return {fmt::format("{}: chữ ký không hợp lệ — chuỗi trước nó đã bị viết lại",
                      describe_event(e, Lang::kVi)),
          fmt::format("{}: bad signature — the chain before it was rewritten",
                      describe_event(e, Lang::kEn))};
}

}  // namespace

std::string describe_event(const ChainEvent& e, Lang lang) {
  return lang == Lang::kVi
             ? fmt::format("sự kiện #{} ({} {}, {})", e.seq, e.table, e.row_id, utc(e.at))
             : fmt::format("event #{} ({} {}, {})", e.seq, e.table, e.row_id, utc(e.at));
}

ChainVerifier::ChainVerifier(Sha256 previous, std::int64_t first_seq,
                             std::optional<std::string> pin)
    : previous_(previous), expected_seq_(first_seq), pin_(std::move(pin)) {
  v_.first_seq = first_seq;
}

void ChainVerifier::problem(std::int64_t seq, Text what) {
  v_.problems.push_back({seq, std::move(what)});
}

void ChainVerifier::add(const ChainEvent& e) {
  ++v_.events;
  if (!v_.first_at) v_.first_at = e.at;
  v_.last_at = e.at;
  v_.last_seq = e.seq;
  if (broken_) return;
  // Described only when something is wrong: this runs once per event of the whole log.
  auto vi = [&] { return describe_event(e, Lang::kVi); };
  auto en = [&] { return describe_event(e, Lang::kEn); };
  if (e.seq != expected_seq_) {
    broken_ = true;
    if (e.seq > expected_seq_) {
      const std::string gone = e.seq - 1 == expected_seq_
                                   ? fmt::format("#{}", expected_seq_)
                                   : fmt::format("#{}–#{}", expected_seq_, e.seq - 1);
      problem(
          expected_seq_,
          {fmt::format("sự kiện {} đã bị xóa: sau #{} là {}", gone, expected_seq_ - 1, vi()),
           fmt::format("event {} deleted: #{} is followed by {}", gone, expected_seq_ - 1, en())});
    } else {
      problem(e.seq,
              {fmt::format("{} lặp lại hoặc sai thứ tự (cần #{})", vi(), expected_seq_),
               fmt::format("{} is repeated or out of order (expected #{})", en(), expected_seq_)});
    }
    return;
  }
  ++expected_seq_;
  if (chain_hash(previous_, e.payload) != e.hash) {
    broken_ = true;
    auto payload = nlohmann::json::parse(e.payload, nullptr, false);
    if (!payload.is_discarded() && payload.contains("seq") && payload["seq"] != e.seq) {
      problem(e.seq,
              {fmt::format("{} mang vị trí #{}: các sự kiện đã bị sắp xếp lại hoặc đánh số lại",
                           vi(), payload["seq"].dump()),
               fmt::format("{} carries position #{}: events were reordered or renumbered", en(),
                           payload["seq"].dump())});
    } else {
      problem(e.seq,
              {fmt::format("{}: nội dung không khớp mã băm — sự kiện đã bị sửa, hoặc một sự "
                           "kiện trước nó đã bị xóa, chèn hay đổi chỗ",
                           vi()),
               fmt::format("{}: content does not match its hash — the event was edited, or an "
                           "event before it was deleted, inserted or moved",
                           en())});
    }
    return;
  }
  if (pending_shutdown_ && e.table != "checkpoints") {
    problem(
        e.seq,
        {fmt::format("thiếu điểm ký khi dừng lúc {} ({}) — điểm ký đã bị xóa",
                     utc(pending_shutdown_->at), describe_event(*pending_shutdown_, Lang::kVi)),
         fmt::format("the checkpoint of the clean shutdown at {} ({}) is missing — it was "
                     "removed",
                     utc(pending_shutdown_->at), describe_event(*pending_shutdown_, Lang::kEn))});
    broken_ = true;
    return;
  }
  pending_shutdown_.reset();
  if (e.table == "checkpoints") {
    check_checkpoint(e);
  } else if (e.table == "station_events") {
    if (station_event_kind(e.payload) == "daemon_stopped") pending_shutdown_ = e;
  }
  previous_ = e.hash;
}

void ChainVerifier::check_checkpoint(const ChainEvent& e) {
  // Described only when something is wrong: a log has a checkpoint every few events.
  const auto vi = [&] { return describe_event(e, Lang::kVi); };
  const auto en = [&] { return describe_event(e, Lang::kEn); };
  const CheckpointRow row = checkpoint_row(e.payload);
  const auto key = public_key_from_hex(row.public_key);
  const auto signature = signature_from_hex(row.signature);
  const std::int64_t head_seq = row.head_seq;
  const std::int64_t at_us = row.at_us;
  if (!key || !signature) {
    broken_ = true;
    problem(e.seq, {fmt::format("{}: điểm ký hỏng (thiếu khóa hoặc chữ ký)", vi()),
                    fmt::format("{}: damaged checkpoint (no key or signature)", en())});
    return;
  }
  if (head_seq != e.seq - 1 || row.head_hash != to_hex(previous_)) {
    broken_ = true;
    problem(e.seq,
            {fmt::format("{}: điểm ký không trỏ tới sự kiện ngay trước nó", vi()),
             fmt::format("{}: the checkpoint does not cover the event just before it", en())});
    return;
  }
  Signed s{e.seq,
           e.table,
           e.row_id,
           e.at,
           Instant{std::chrono::microseconds{at_us}},
           *key,
           *signature,
           checkpoint_message(head_seq, to_hex(previous_), at_us)};
  // A checkpoint refused for its key below is refused for its signature first when that is
  // bad too, as a check in the order of the fields would.
  auto bad_signature = [&] {
    if (signature_good(s)) return false;
    broken_ = true;
    problem(e.seq, bad_signature_text(e));
    return true;
  };
  if (pin_ && !matches_pin(*key, *pin_)) {
    if (bad_signature()) return;
    broken_ = true;
    problem(e.seq, {fmt::format("{}: ký bằng khóa {} chứ không phải khóa đã đăng ký {}", vi(),
                                key->fingerprint(), *pin_),
                    fmt::format("{}: signed with key {}, not the registered key {}", en(),
                                key->fingerprint(), *pin_)});
    return;
  }
  if (v_.key && !(*v_.key == *key)) {
    if (bad_signature()) return;
    broken_ = true;
    problem(e.seq, {fmt::format("{}: ký bằng khóa khác ({}) với các điểm ký trước ({})", vi(),
                                key->fingerprint(), v_.key->fingerprint()),
                    fmt::format("{}: signed with another key ({}) than earlier checkpoints ({})",
                                en(), key->fingerprint(), v_.key->fingerprint())});
    return;
  }
  v_.key = key;
  ++v_.checkpoints;
  v_.signed_through = e.seq;
  v_.last_checkpoint_at = e.at;
  v_.last_signed_at = s.signed_at;
  signed_.push_back(std::move(s));
}

bool ChainVerifier::signature_good(const Signed& s) const {
  return verify_signature(s.key, s.message, s.signature);
}

void ChainVerifier::check_signatures() {
  if (signed_.empty() || signature_good(signed_.back())) return;
  std::size_t bad = 0;
  while (signature_good(signed_[bad])) ++bad;
  const Signed& s = signed_[bad];
  // Verifying in order would have stopped here: what was found after it is not a finding.
  v_.problems.clear();
  broken_ = true;
  problem(s.seq, bad_signature_text({s.seq, s.table, s.row_id, s.at, {}, {}}));
  v_.checkpoints = static_cast<std::int64_t>(bad);
  if (bad == 0) {
    v_.key.reset();
    v_.signed_through = 0;
    v_.last_checkpoint_at.reset();
    v_.last_signed_at.reset();
  } else {
    v_.signed_through = signed_[bad - 1].seq;
    v_.last_checkpoint_at = signed_[bad - 1].at;
    v_.last_signed_at = signed_[bad - 1].signed_at;
  }
}

Verification ChainVerifier::finish() {
  check_signatures();
  if (!broken_ && pending_shutdown_) {
    problem(pending_shutdown_->seq + 1,
            {fmt::format("thiếu điểm ký khi dừng lúc {} — điểm ký cuối đã bị xóa",
                         utc(pending_shutdown_->at)),
             fmt::format("the checkpoint of the clean shutdown at {} is missing — the last "
                         "checkpoint was removed",
                         utc(pending_shutdown_->at))});
  }
  if (v_.events == 0) {
    v_.notes.push_back({"nhật ký chưa có sự kiện nào", "the log has no events yet"});
  }
  if (v_.intact()) {
    v_.unsigned_events = v_.last_seq - std::max(v_.signed_through, v_.first_seq - 1);
    if (v_.events > 0 && v_.signed_through < v_.first_seq) v_.unsigned_events = v_.events;
    if (v_.unsigned_events > 0) {
      v_.notes.push_back(
          {fmt::format("{} sự kiện sau điểm ký cuối chưa được ký (#{}–#{})", v_.unsigned_events,
                       v_.last_seq - v_.unsigned_events + 1, v_.last_seq),
           fmt::format("{} events after the last checkpoint are unsigned (#{}–#{})",
                       v_.unsigned_events, v_.last_seq - v_.unsigned_events + 1, v_.last_seq)});
      const Instant since = v_.last_checkpoint_at.value_or(*v_.first_at);
      if (*v_.last_at - since > kCheckpointPeriod) {
        v_.notes.push_back(
            {fmt::format("không có điểm ký nào từ {} đến {}; trạm ký ít nhất mỗi ngày — có thể "
                         "một điểm ký đã bị xóa",
                         utc(since), utc(*v_.last_at)),
             fmt::format("no checkpoint from {} to {}; the station signs at least daily — one "
                         "may have been removed",
                         utc(since), utc(*v_.last_at))});
      }
    }
  }
  std::stable_sort(v_.problems.begin(), v_.problems.end(),
                   [](const ChainProblem& a, const ChainProblem& b) { return a.seq < b.seq; });
  return v_;
}

Verification verify_database(SQLite::Database& db, const std::optional<std::string>& pin,
                             std::vector<ChainEvent>* events,
                             const std::function<void(const ChainEvent&)>& each) {
  if (!AuditChain(db).exists()) {
    Verification v;
    v.problems.push_back({0,
                          {"cơ sở dữ liệu chưa có chuỗi kiểm toán (phiên bản lược đồ cũ); hãy "
                           "chạy phần mềm phát thanh (loaxad) một lần để nâng cấp",
                           "the database has no audit chain yet (old schema version); start "
                           "loaxad once to upgrade it"}});
    return v;
  }
  ChainVerifier verifier(Sha256{}, 1, pin);
  CanonicalRows rows(db);
  std::vector<ChainProblem> row_problems;
  SQLite::Statement q(db, std::string(kChainEventSelect) + "ORDER BY seq");
  while (q.executeStep()) {
    ChainEvent e = read_chain_event(q);
    const auto& tables = chained_tables();
    if (std::find(tables.begin(), tables.end(), e.table) == tables.end()) {
      row_problems.push_back(
          {e.seq,
           {fmt::format("{}: bảng '{}' không thuộc chuỗi", describe_event(e, Lang::kVi), e.table),
            fmt::format("{}: table '{}' is not chained", describe_event(e, Lang::kEn), e.table)}});
    } else {
      const auto now = rows.encode(e.table, e.row_id, e.seq);
      if (!now) {
        row_problems.push_back({e.seq,
                                {fmt::format("{}: dòng {} của bảng {} đã bị xóa",
                                             describe_event(e, Lang::kVi), e.row_id, e.table),
                                 fmt::format("{}: row {} of {} was deleted",
                                             describe_event(e, Lang::kEn), e.row_id, e.table)}});
      } else if (*now != e.payload) {
        // No changed field: the same row at another position, which the chain's own
        // finding (moved, renumbered) names better.
        const std::string changes = field_changes(e.payload, *now);
        if (!changes.empty()) {
          row_problems.push_back({e.seq,
                                  {fmt::format("{}: dòng đã bị sửa sau khi vào chuỗi ({})",
                                               describe_event(e, Lang::kVi), changes),
                                   fmt::format("{}: the row was edited after it was chained ({})",
                                               describe_event(e, Lang::kEn), changes)}});
        }
      }
    }
    verifier.add(e);
    if (each) each(e);
    if (events != nullptr) events->push_back(std::move(e));
  }
  Verification v = verifier.finish();
  for (const auto& r : unchained_rows(db)) {
    row_problems.push_back(
        {0,
         {fmt::format("dòng {} của bảng {} ({}) không có trong chuỗi — đã được chèn ngoài loaxa",
                      r.row_id, r.table, utc(r.at)),
          fmt::format("row {} of {} ({}) is not in the chain — it was inserted outside loaxa",
                      r.row_id, r.table, utc(r.at))}});
  }
  if (!row_problems.empty()) {
    v.problems.insert(v.problems.end(), row_problems.begin(), row_problems.end());
    // By seq, rows outside the chain (seq 0) last. At equal seq the chain's own finding
    // comes first; a row's finding after it names the edited field.
    std::stable_sort(v.problems.begin(), v.problems.end(),
                     [](const ChainProblem& a, const ChainProblem& b) {
                       const auto ka = a.seq == 0 ? INT64_MAX : a.seq;
                       const auto kb = b.seq == 0 ? INT64_MAX : b.seq;
                       return ka < kb;
                     });
    v.unsigned_events = 0;
  }
  return v;
}

}  // namespace loaxa
