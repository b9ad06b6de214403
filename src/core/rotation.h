#pragma once
// Which segments of a slot's pool an occurrence plays. Pure: the choice depends only on the
// slot, its pool, what the slot has played before (rebuilt from the broadcast log by the
// daemon, so rotation survives restarts without state of its own) and a hash, never on a
// global random generator.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/programme.h"
#include "core/time.h"

namespace loaxa {

/// One segment a slot played, as the broadcast log recorded it.
struct PlayRecord {
  std::string segment_id;
  Instant at{};  ///< when it started
};

/// What each slot has played: the input that makes rotation survive restarts.
struct PlayHistory {
  /// "programme#slot" (e.g. "cchc#0") -> plays, oldest first.
  std::map<std::string, std::vector<PlayRecord>> plays;

  /// The map key of a slot.
  static std::string key(std::string_view programme_id, int slot_index);
  /// Appends a play, keeping the slot's list in time order (equal times keep insertion order).
  void add(std::string_view programme_id, int slot_index, std::string segment_id, Instant at);
  /// The slot's plays, oldest first (empty when none).
  const std::vector<PlayRecord>& of(std::string_view programme_id, int slot_index) const;
};

/// 64-bit FNV-1a: stable across runs, compilers and machines, unlike std::hash.
std::uint64_t stable_hash(std::string_view text);

/// Indices into `pool` of what one occurrence plays, in play order.
/// `pool`: the slot's candidates in pool order (eligible or not, so a retired segment still
/// marks its place in a sequential rotation); `eligible[i]` says whether pool[i] may air;
/// `played`: segment ids this slot played, oldest first (ids outside the pool are ignored);
/// `seed`: names the slot for shuffle ("cchc#0"). At most `count` (all for kAll), never the
/// same segment twice in one occurrence.
std::vector<std::size_t> choose_segments(Rotation rotation, int count,
                                         const std::vector<std::string>& pool,
                                         const std::vector<bool>& eligible,
                                         const std::vector<std::string>& played,
                                         std::string_view seed);

}  // namespace loaxa
