#include "core/segment.h"

namespace loaxa {

bool eligible(const Segment& segment, date::year_month_day day, bool require_approval) {
  if (segment.approval == Segment::Approval::kRetired) return false;
  if (require_approval && segment.approval != Segment::Approval::kApproved) return false;
  if (segment.valid_from && day < *segment.valid_from) return false;
  if (segment.valid_until && day > *segment.valid_until) return false;
  return true;
}

}  // namespace loaxa
