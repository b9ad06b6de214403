#pragma once
// How a person names a segment: its id, its SHA-256, or the first few hex digits of either, in
// either case. One rule for every front door (`loaxa segment show|approve|...`, `loaxa play`,
// loaxad's `play` request, later the web console).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/segment.h"
#include "core/text.h"
#include "store/segment_repository.h"

namespace loaxa {

/// The fewest hex digits that name a segment: 4 keep a typo from matching by chance in a
/// station's few hundred recordings and are still quick to read out over the phone.
inline constexpr std::size_t kMinSegmentIdDigits = 4;

/// What a segment's name came to.
struct SegmentLookup {
  enum class Status {
    kFound,
    kNotHex,     ///< a character other than 0-9, a-f, A-F
    kTooShort,   ///< fewer than kMinSegmentIdDigits
    kTooLong,    ///< more than the 64 digits of a SHA-256
    kUnknown,    ///< no segment starts so
    kAmbiguous,  ///< several do
  };
  Status status = Status::kUnknown;
  std::string given;               ///< as the person wrote it
  std::optional<Segment> segment;  ///< when found
  std::vector<Segment>
      candidates;  ///< when ambiguous: every segment it could mean, in import order

  bool found() const noexcept { return status == Status::kFound; }
  /// Why no segment was found and what to type instead; meaningless when found.
  Text message() const;
};

/// The segment `name` names: its 12-digit id or its full SHA-256, or a unique prefix of either
/// of at least kMinSegmentIdDigits hex digits; upper case reads as lower case, spaces around it
/// are ignored.
SegmentLookup find_segment(const SegmentRepository& repo, std::string_view name);

/// find_segment(), throwing UserError with its message unless exactly one segment matched.
Segment segment_named(const SegmentRepository& repo, std::string_view name);

/// The lookup of a name on a station with no database yet: nothing is imported, so it names
/// nothing (or is malformed, which is said first).
SegmentLookup find_segment_in_nothing(std::string_view name);

}  // namespace loaxa
