#include "audit/continuity.h"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>

#include "audit/bundle.h"
#include "audit/merged_file.h"

namespace loaxa {
namespace {

const std::optional<PublicKey>& signer(const AuditSource& s) {
  return s.verification.key ? s.verification.key : s.key;
}

std::int64_t last_seq(const AuditSource& s) {
  return s.events.empty() ? s.first_seq - 1 : s.events.back().seq;
}

std::int64_t checkpoints_through(const AuditSource& s, std::int64_t seq) {
  std::int64_t n = 0;
  for (const auto& e : s.events) {
    if (e.seq > seq) break;
    if (e.table == "checkpoints") ++n;
  }
  return n;
}

}  // namespace

bool same_station(const AuditSource& a, const AuditSource& b) {
  const auto& ka = signer(a);
  const auto& kb = signer(b);
  if (ka && kb && *ka == *kb) return true;
  return !a.station.name.empty() && a.station.name == b.station.name;
}

bool made_before(const AuditSource& a, const AuditSource& b) {
  const auto ta = a.verification.last_signed_at.value_or(Instant::min());
  const auto tb = b.verification.last_signed_at.value_or(Instant::min());
  if (ta != tb) return ta < tb;
  return last_seq(a) < last_seq(b);
}

Continuity check_extends(const AuditSource& later, const AuditSource& earlier) {
  Continuity out;
  const auto& kl = signer(later);
  const auto& ke = signer(earlier);
  if (kl && ke && !(*kl == *ke)) {
    out.finding = ContinuityFinding{
        "key",
        0,
        {fmt::format("KHÁC KHÓA: {} ký bằng khóa {}, {} (cùng đài \"{}\") ký bằng khóa {}",
                     later.label, kl->fingerprint(), earlier.label, earlier.station.name,
                     ke->fingerprint()),
         fmt::format("ANOTHER KEY: {} is signed with key {}, {} (the same station \"{}\") with "
                     "key {}",
                     later.label, kl->fingerprint(), earlier.label, earlier.station.name,
                     ke->fingerprint())}};
    return out;
  }
  // What the earlier log holds, by seq: its events and the hash its first one follows.
  std::unordered_map<std::int64_t, const Sha256*> held;
  held.reserve(earlier.events.size() + 1);
  if (earlier.first_seq > 1) held[earlier.first_seq - 1] = &earlier.previous_hash;
  for (const auto& e : earlier.events) held[e.seq] = &e.hash;
  auto differs = [&](std::int64_t seq, const Sha256& hash) {
    const auto it = held.find(seq);
    return it != held.end() && *it->second != hash;
  };
  auto fork = [&](std::int64_t seq) {
    out.finding = ContinuityFinding{
        "fork",
        seq,
        {fmt::format("RẼ NHÁNH tại sự kiện #{}: {} và {} khác nhau từ sự kiện này — nhật ký đã "
                     "bị viết lại",
                     seq, later.label, earlier.label),
         fmt::format("FORK at event #{}: {} and {} differ from this event on — the log was "
                     "rewritten",
                     seq, later.label, earlier.label)}};
  };
  bool shared = false;
  if (later.first_seq > 1) {
    shared = held.count(later.first_seq - 1) > 0;
    if (differs(later.first_seq - 1, later.previous_hash)) {
      fork(later.first_seq - 1);
      return out;
    }
  }
  for (const auto& e : later.events) {
    if (held.count(e.seq) == 0) continue;
    shared = true;
    if (differs(e.seq, e.hash)) {
      fork(e.seq);
      return out;
    }
  }
  const std::int64_t later_end = last_seq(later);
  const std::int64_t earlier_end = last_seq(earlier);
  if (later_end < earlier_end) {
    out.finding = ContinuityFinding{
        "rollback",
        later_end + 1,
        {fmt::format("QUAY LÙI: nhật ký {} kết thúc trước sự kiện #{} của {} (gói này đến #{}, "
                     "gói cũ đến #{})",
                     later.label, later_end + 1, earlier.label, later_end, earlier_end),
         fmt::format("ROLLBACK: the log {} ends before event #{} of {} (it ends at #{}, the "
                     "older one at #{})",
                     later.label, later_end + 1, earlier.label, later_end, earlier_end)}};
    return out;
  }
  // Everything the earlier log signed is there again, so the later one's checkpoints up to its
  // end can only be as many; fewer means one was taken out and the chain rebuilt around it.
  if (shared) {
    const std::int64_t from = std::max(later.first_seq, earlier.first_seq);
    auto count_from = [&](const AuditSource& s) {
      return checkpoints_through(s, earlier_end) - checkpoints_through(s, from - 1);
    };
    const std::int64_t mine = count_from(later);
    const std::int64_t theirs = count_from(earlier);
    if (mine < theirs) {
      out.finding = ContinuityFinding{
          "rollback",
          earlier_end,
          {fmt::format("QUAY LÙI: {} có {} điểm ký đến sự kiện #{}, ít hơn {} điểm ký của {}",
                       later.label, mine, earlier_end, theirs, earlier.label),
           fmt::format("ROLLBACK: {} has {} checkpoints up to event #{}, fewer than the {} of {}",
                       later.label, mine, earlier_end, theirs, earlier.label)}};
      return out;
    }
  }
  if (!shared) {
    out.note = Text{
        fmt::format("{} và {} không có sự kiện chung (gói này bắt đầu ở #{}, gói cũ kết thúc ở "
                    "#{}): không đối chiếu được việc rẽ nhánh; hãy xuất gói mới từ trước ngày "
                    "cuối của gói cũ",
                    later.label, earlier.label, later.first_seq, earlier_end),
        fmt::format("{} and {} share no event (this one begins at #{}, the older one ends at "
                    "#{}): a fork cannot be ruled out; export the new bundle from before the "
                    "older one's last day",
                    later.label, earlier.label, later.first_seq, earlier_end)};
  }
  return out;
}

void check_previous(AuditSource& later, const std::vector<std::filesystem::path>& previous) {
  auto& v = later.verification;
  for (const auto& file : previous) {
    std::vector<AuditSource> older;
    if (is_merged_file(file)) {
      for (auto& s : read_merged(file, std::nullopt)) {
        if (s.refused || !same_station(later, s)) continue;
        s.label = file.string() + " (" + s.label + ")";
        older.push_back(std::move(s));
      }
      if (older.empty()) {
        v.notes.push_back({fmt::format("{} không có xã nào cùng đài \"{}\" để đối chiếu",
                                       file.string(), later.station.name),
                           fmt::format("{} holds no commune of station \"{}\" to compare with",
                                       file.string(), later.station.name)});
      }
    } else {
      older.push_back(read_bundle(file, std::nullopt));
    }
    for (const auto& o : older) {
      if (!o.verification.intact()) {
        v.problems.insert(v.problems.begin(),
                          {0,
                           {fmt::format("gói cũ {} không NGUYÊN VẸN ({}): không đối chiếu được",
                                        o.label, o.verification.problems.front().what.vi),
                            fmt::format("the older bundle {} is not intact ({}): nothing can be "
                                        "compared with it",
                                        o.label, o.verification.problems.front().what.en)}});
        continue;
      }
      const Continuity c = check_extends(later, o);
      if (c.finding) {
        v.problems.insert(v.problems.begin(), {c.finding->seq, c.finding->what});
      } else if (c.note) {
        v.notes.push_back(*c.note);
      } else {
        v.notes.push_back({fmt::format("nối tiếp {}: cùng mã băm ở mọi sự kiện chung, đến #{}",
                                       o.label, o.events.empty() ? 0 : o.events.back().seq),
                           fmt::format("extends {}: the same hash at every shared event, up to #{}",
                                       o.label, o.events.empty() ? 0 : o.events.back().seq)});
      }
    }
  }
}

}  // namespace loaxa
