#include "core/segment.h"

#include <cstdio>

namespace loaxa {

std::optional<NotAiring> why_not_eligible(const Segment& segment, date::year_month_day day,
                                          bool require_approval) {
  if (segment.approval == Segment::Approval::kRetired) return NotAiring::kRetired;
  if (require_approval && segment.approval != Segment::Approval::kApproved) {
    return NotAiring::kNotApproved;
  }
  if (segment.valid_from && day < *segment.valid_from) return NotAiring::kNotYetValid;
  if (segment.valid_until && day > *segment.valid_until) return NotAiring::kExpired;
  return std::nullopt;
}

bool eligible(const Segment& segment, date::year_month_day day, bool require_approval) {
  return !why_not_eligible(segment, day, require_approval);
}

std::string_view not_airing_code(NotAiring why) {
  switch (why) {
    case NotAiring::kRetired:
      return "retired";
    case NotAiring::kNotApproved:
      return "not_approved";
    case NotAiring::kNotYetValid:
      return "not_yet_valid";
    case NotAiring::kExpired:
      return "expired";
  }
  return "?";
}

Text not_airing_text(NotAiring why, const Segment& segment) {
  switch (why) {
    case NotAiring::kRetired:
      return {"đã ngừng phát", "retired"};
    case NotAiring::kNotApproved:
      return {"chưa được duyệt", "not approved"};
    case NotAiring::kNotYetValid: {
      const Text from = segment.valid_from ? format_day_text(*segment.valid_from) : Text{"?", "?"};
      return {"chưa tới ngày hiệu lực " + from.vi, "not valid before " + from.en};
    }
    case NotAiring::kExpired: {
      const Text until =
          segment.valid_until ? format_day_text(*segment.valid_until) : Text{"?", "?"};
      return {"hết hiệu lực từ sau " + until.vi, "expired after " + until.en};
    }
  }
  return {"?", "?"};
}

std::string_view kind_name(SegmentEvent::Kind kind) {
  switch (kind) {
    case SegmentEvent::Kind::kApproved:
      return "approved";
    case SegmentEvent::Kind::kRetired:
      return "retired";
    case SegmentEvent::Kind::kValidity:
      return "validity";
    case SegmentEvent::Kind::kEdited:
      return "edited";
  }
  return "?";
}

std::optional<SegmentEvent::Kind> parse_kind(std::string_view name) {
  for (auto kind : {SegmentEvent::Kind::kApproved, SegmentEvent::Kind::kRetired,
                    SegmentEvent::Kind::kValidity, SegmentEvent::Kind::kEdited}) {
    if (kind_name(kind) == name) return kind;
  }
  return std::nullopt;
}

std::string_view approval_name(Segment::Approval approval) {
  switch (approval) {
    case Segment::Approval::kPending:
      return "pending";
    case Segment::Approval::kApproved:
      return "approved";
    case Segment::Approval::kRetired:
      return "retired";
  }
  return "?";
}

Text approval_text(Segment::Approval approval) {
  switch (approval) {
    case Segment::Approval::kPending:
      return {"chờ duyệt", "pending"};
    case Segment::Approval::kApproved:
      return {"đã duyệt", "approved"};
    case Segment::Approval::kRetired:
      return {"đã ngừng phát", "retired"};
  }
  return {"?", "?"};
}

void apply_event(Segment& segment, const SegmentEvent& event) {
  switch (event.kind) {
    case SegmentEvent::Kind::kApproved:
      if (segment.approval == Segment::Approval::kRetired) return;
      segment.approval = Segment::Approval::kApproved;
      segment.approved_by = event.by;
      segment.approved_at = event.at;
      return;
    case SegmentEvent::Kind::kRetired:
      segment.approval = Segment::Approval::kRetired;
      segment.approved_by = event.by;
      segment.approved_at = event.at;
      return;
    case SegmentEvent::Kind::kValidity:
      segment.valid_from = event.valid_from;
      segment.valid_until = event.valid_until;
      return;
    case SegmentEvent::Kind::kEdited:
      if (event.title) segment.title = *event.title;
      if (event.tag) segment.tag = *event.tag;
      if (event.note) segment.note = *event.note;
      return;
  }
}

std::optional<Text> validity_error(const std::optional<date::year_month_day>& from,
                                   const std::optional<date::year_month_day>& until) {
  if (from && until && *until < *from) {
    return Text{
        "ngày kết thúc hiệu lực (--until " + format_date(*until) + ") trước ngày bắt đầu (--from " +
            format_date(*from) + "); hãy đưa --until bằng hoặc sau --from",
        "the end of validity (--until " + format_date(*until) + ") is before its start (--from " +
            format_date(*from) + "); give an --until on or after --from"};
  }
  return std::nullopt;
}

std::string format_date(date::year_month_day day) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(day.year()),
                static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()));
  return buf;
}

}  // namespace loaxa
