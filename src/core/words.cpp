#include "core/words.h"

#include <fmt/format.h>

#include <algorithm>
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

Text slot_text(int slot_index) {
  return {fmt::format("khung giờ {}", slot_index + 1), fmt::format("slot {}", slot_index + 1)};
}

Text programme_slot_text(std::string_view programme, int slot_index) {
  if (slot_index < 0) return {std::string(programme), std::string(programme)};
  const Text slot = slot_text(slot_index);
  return {fmt::format("{}, {}", programme, slot.vi), fmt::format("{}, {}", programme, slot.en)};
}

Text outcome_heading(std::string_view outcome) {
  if (outcome == "completed") return {"Đã phát trọn vẹn", "Completed"};
  if (outcome == "partial") return {"Phát không trọn vẹn", "Partial"};
  if (outcome == "stopped") return {"Đã dừng", "Stopped"};
  if (outcome == "preempted") return {"Bị tin khẩn chen ngang", "Pre-empted"};
  if (outcome == "failed") return {"Lỗi, không phát được", "Failed"};
  if (outcome == "interrupted") return {"Gián đoạn do sự cố", "Interrupted"};
  if (outcome == "missed") return {"Không phát", "Missed"};
  return {std::string(outcome), std::string(outcome)};
}

Text operator_play_text() {
  return {"phát theo lệnh trực tiếp (loaxa play)", "played on request (loaxa play)"};
}

std::string decimal(double value, int digits, Lang lang, bool plus) {
  std::string out =
      plus ? fmt::format("{:+.{}f}", value, digits) : fmt::format("{:.{}f}", value, digits);
  if (lang == Lang::kVi) std::replace(out.begin(), out.end(), '.', ',');
  return out;
}

}  // namespace loaxa
