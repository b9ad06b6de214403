#include "core/words.h"

#include <string>

namespace loaxa {

Text outcome_text(std::string_view outcome) {
  if (outcome == "completed") return {"hoàn thành", "completed"};
  if (outcome == "partial") return {"phát một phần", "partial"};
  if (outcome == "stopped") return {"bị dừng", "stopped"};
  if (outcome == "preempted") return {"bị ngắt (khẩn cấp)", "pre-empted"};
  if (outcome == "failed") return {"lỗi", "failed"};
  if (outcome == "interrupted") return {"bị gián đoạn", "interrupted"};
  if (outcome == "missed") return {"bỏ lỡ", "missed"};
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
