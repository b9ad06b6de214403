#include "core/words.h"

#include <string>

namespace loaxa {

Text outcome_text(std::string_view outcome) {
  if (outcome == "completed") return {"đã phát trọn vẹn", "completed"};
  if (outcome == "partial") return {"phát không trọn vẹn", "partial"};
  if (outcome == "stopped") return {"đã dừng", "stopped"};
  if (outcome == "preempted") return {"bị tin khẩn chen ngang", "pre-empted"};
  if (outcome == "failed") return {"lỗi, không phát được", "failed"};
  if (outcome == "interrupted") return {"gián đoạn do sự cố", "interrupted"};
  if (outcome == "missed") return {"không phát", "missed"};
  if (outcome == "open") return {"chưa có kết quả", "no outcome yet"};
  return {std::string(outcome), std::string(outcome)};
}

Text priority_text(std::string_view p) {
  if (p == "normal") return {"thường", "normal"};
  if (p == "priority") return {"ưu tiên", "priority"};
  if (p == "emergency") return {"KHẨN CẤP", "EMERGENCY"};
  return {std::string(p), std::string(p)};
}

}  // namespace loaxa
