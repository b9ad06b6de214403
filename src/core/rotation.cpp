#include "core/rotation.h"

#include <algorithm>
#include <set>
#include <stdexcept>
#include <tuple>
#include <unordered_map>

namespace loaxa {
namespace {

std::vector<std::size_t> sequential(int count, const std::vector<std::string>& pool,
                                    const std::vector<bool>& eligible,
                                    const std::vector<std::string>& played) {
  const std::size_t n = pool.size();
  std::size_t next = 0;
  for (auto it = played.rbegin(); it != played.rend(); ++it) {
    auto p = std::find(pool.begin(), pool.end(), *it);
    if (p != pool.end()) {
      next = static_cast<std::size_t>(p - pool.begin()) + 1;
      break;
    }
  }
  std::vector<std::size_t> out;
  for (std::size_t step = 0; step < n && static_cast<int>(out.size()) < count; ++step) {
    std::size_t i = (next + step) % n;
    if (eligible[i]) out.push_back(i);
  }
  return out;
}

std::vector<std::size_t> shuffle(int count, const std::vector<std::string>& pool,
                                 const std::vector<bool>& eligible,
                                 const std::vector<std::string>& played, std::string_view seed) {
  std::unordered_map<std::string, std::size_t> index;  // eligible id -> pool index
  for (std::size_t i = 0; i < pool.size(); ++i) {
    if (eligible[i]) index.emplace(pool[i], i);
  }
  if (index.empty()) return {};
  // Replay the history through the same cycle rule the picks below follow, so a history cut at
  // any point and resumed continues exactly as an uninterrupted run would.
  std::uint64_t cycle = 0;
  std::set<std::string> done;  // played in the current cycle
  auto mark = [&](const std::string& id) {
    if (!index.count(id)) return;
    done.insert(id);
    if (done.size() == index.size()) {
      ++cycle;
      done.clear();
    }
  };
  for (const std::string& id : played) mark(id);

  auto order_of = [&](std::uint64_t c) {
    std::vector<std::pair<std::uint64_t, std::size_t>> keyed;
    for (const auto& [id, i] : index) {
      keyed.emplace_back(stable_hash(std::string(seed) + "#" + std::to_string(c) + "#" + id), i);
    }
    std::sort(keyed.begin(), keyed.end());
    std::vector<std::size_t> order;
    for (const auto& k : keyed) order.push_back(k.second);
    return order;
  };
  std::vector<std::size_t> out;
  const auto want =
      std::min<std::size_t>(static_cast<std::size_t>(std::max(count, 0)), index.size());
  while (out.size() < want) {
    bool picked = false;
    for (std::size_t i : order_of(cycle)) {
      if (done.count(pool[i]) || std::find(out.begin(), out.end(), i) != out.end()) continue;
      out.push_back(i);
      mark(pool[i]);
      picked = true;
      break;
    }
    // Every unplayed one of this cycle is already in this occurrence: the cycle is complete
    // from the listener's side; the next pick starts the next cycle.
    if (!picked) {
      ++cycle;
      done.clear();
    }
  }
  return out;
}

std::vector<std::size_t> least_recent(int count, const std::vector<std::string>& pool,
                                      const std::vector<bool>& eligible,
                                      const std::vector<std::string>& played) {
  std::unordered_map<std::string, long> last;
  for (std::size_t k = 0; k < played.size(); ++k) last[played[k]] = static_cast<long>(k);
  std::vector<std::tuple<long, std::size_t>> keyed;
  for (std::size_t i = 0; i < pool.size(); ++i) {
    if (!eligible[i]) continue;
    auto it = last.find(pool[i]);
    keyed.emplace_back(it == last.end() ? -1 : it->second, i);
  }
  std::sort(keyed.begin(), keyed.end());
  std::vector<std::size_t> out;
  for (const auto& entry : keyed) {
    // A named copy: clang 14 cannot capture a structured binding in a lambda.
    const std::size_t i = std::get<1>(entry);
    if (static_cast<int>(out.size()) >= count) break;
    if (std::find_if(out.begin(), out.end(), [&](std::size_t j) { return pool[j] == pool[i]; }) ==
        out.end()) {
      out.push_back(i);
    }
  }
  return out;
}

}  // namespace

std::string PlayHistory::key(std::string_view programme_id, int slot_index) {
  return std::string(programme_id) + "#" + std::to_string(slot_index);
}

void PlayHistory::add(std::string_view programme_id, int slot_index, std::string segment_id,
                      Instant at) {
  auto& list = plays[key(programme_id, slot_index)];
  auto pos = std::upper_bound(list.begin(), list.end(), at,
                              [](Instant t, const PlayRecord& r) { return t < r.at; });
  list.insert(pos, PlayRecord{std::move(segment_id), at});
}

const std::vector<PlayRecord>& PlayHistory::of(std::string_view programme_id,
                                               int slot_index) const {
  static const std::vector<PlayRecord> kNone;
  auto it = plays.find(key(programme_id, slot_index));
  return it == plays.end() ? kNone : it->second;
}

std::uint64_t stable_hash(std::string_view text) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::vector<std::size_t> choose_segments(Rotation rotation, int count,
                                         const std::vector<std::string>& pool,
                                         const std::vector<bool>& eligible,
                                         const std::vector<std::string>& played,
                                         std::string_view seed) {
  if (eligible.size() != pool.size()) {
    throw std::invalid_argument("choose_segments: eligible and pool differ in size");
  }
  switch (rotation) {
    case Rotation::kAll: {
      std::vector<std::size_t> out;
      for (std::size_t i = 0; i < pool.size(); ++i) {
        if (eligible[i]) out.push_back(i);
      }
      return out;
    }
    case Rotation::kSequential:
      return sequential(count, pool, eligible, played);
    case Rotation::kShuffle:
      return shuffle(count, pool, eligible, played, seed);
    case Rotation::kLeastRecent:
      return least_recent(count, pool, eligible, played);
  }
  return {};
}

}  // namespace loaxa
