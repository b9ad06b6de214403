#include "station/segment_lookup.h"

#include <fmt/format.h>

namespace loaxa {
namespace {

constexpr std::size_t kSha256Digits = 64;

/// The name as lowercase hex digits, or why it cannot be one.
SegmentLookup::Status check_name(std::string_view name, std::string& hex) {
  const auto first = name.find_first_not_of(" \t\r\n");
  const auto last = name.find_last_not_of(" \t\r\n");
  hex.clear();
  if (first != std::string_view::npos) {
    for (const char c : name.substr(first, last - first + 1)) {
      if (c >= '0' && c <= '9') {
        hex += c;
      } else if (c >= 'a' && c <= 'f') {
        hex += c;
      } else if (c >= 'A' && c <= 'F') {
        hex += static_cast<char>(c - 'A' + 'a');
      } else {
        return SegmentLookup::Status::kNotHex;
      }
    }
  }
  if (hex.size() < kMinSegmentIdDigits) return SegmentLookup::Status::kTooShort;
  if (hex.size() > kSha256Digits) return SegmentLookup::Status::kTooLong;
  return SegmentLookup::Status::kFound;
}

}  // namespace

Text SegmentLookup::message() const {
  constexpr const char* kSeeVi = "xem các mã bằng: loaxa segment list";
  constexpr const char* kSeeEn = "see the ids with: loaxa segment list";
  switch (status) {
    case Status::kFound:
      return {"", ""};
    case Status::kNotHex:
      return {fmt::format("\"{}\" không phải mã đoạn âm thanh: mã chỉ gồm các chữ số 0-9 và các "
                          "chữ a-f; {}",
                          given, kSeeVi),
              fmt::format("\"{}\" is not a segment id: an id is made of the digits 0-9 and the "
                          "letters a-f; {}",
                          given, kSeeEn)};
    case Status::kTooShort:
      return {fmt::format("mã \"{}\" quá ngắn: cần ít nhất {} ký tự đầu của mã đoạn âm thanh "
                          "(0-9, a-f); {}",
                          given, kMinSegmentIdDigits, kSeeVi),
              fmt::format("id \"{}\" is too short: give at least the first {} hex digits (0-9, "
                          "a-f) of a segment id; {}",
                          given, kMinSegmentIdDigits, kSeeEn)};
    case Status::kTooLong:
      return {fmt::format("mã \"{}\" dài hơn {} ký tự của mã băm SHA-256; hãy dùng mã 12 ký tự "
                          "của đoạn; {}",
                          given, kSha256Digits, kSeeVi),
              fmt::format("id \"{}\" is longer than the {} digits of a SHA-256; use the "
                          "segment's 12-digit id; {}",
                          given, kSha256Digits, kSeeEn)};
    case Status::kUnknown:
      return {fmt::format("không có đoạn âm thanh mã \"{}\"; {}", given, kSeeVi),
              fmt::format("no segment with id \"{}\"; {}", given, kSeeEn)};
    case Status::kAmbiguous: {
      std::string list;
      for (const Segment& s : candidates) list += fmt::format("\n  {}  \"{}\"", s.id, s.title);
      return {fmt::format("mã \"{}\" ứng với {} đoạn âm thanh; hãy gõ thêm ký tự của mã để chỉ "
                          "rõ một đoạn:{}",
                          given, candidates.size(), list),
              fmt::format("id \"{}\" matches {} segments; type more of the id to name one:{}",
                          given, candidates.size(), list)};
    }
  }
  return {"?", "?"};
}

SegmentLookup find_segment(const SegmentRepository& repo, std::string_view name) {
  SegmentLookup r = find_segment_in_nothing(name);
  if (r.status != SegmentLookup::Status::kUnknown) return r;
  std::string hex;
  check_name(name, hex);
  std::vector<Segment> matches = repo.find_by_prefix(hex);
  if (matches.size() == 1) {
    r.status = SegmentLookup::Status::kFound;
    r.segment = std::move(matches.front());
  } else if (matches.size() > 1) {
    r.status = SegmentLookup::Status::kAmbiguous;
    r.candidates = std::move(matches);
  }
  return r;
}

SegmentLookup find_segment_in_nothing(std::string_view name) {
  SegmentLookup r;
  r.given = std::string(name);
  std::string hex;
  const SegmentLookup::Status status = check_name(name, hex);
  r.status = status == SegmentLookup::Status::kFound ? SegmentLookup::Status::kUnknown : status;
  return r;
}

Segment segment_named(const SegmentRepository& repo, std::string_view name) {
  SegmentLookup r = find_segment(repo, name);
  if (!r.found()) throw UserError(r.message());
  return std::move(*r.segment);
}

}  // namespace loaxa
