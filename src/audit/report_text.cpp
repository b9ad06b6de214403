#include "audit/report_text.h"

#include "store/legacy_reasons.h"

namespace loaxa {

Text cause_text(Cause cause) {
  switch (cause) {
    case Cause::kNone:
      return {"", ""};
    case Cause::kStationDown:
      return {"phần mềm phát thanh (loaxad) không chạy hoặc bị dừng",
              "the station was down or stopped"};
    case Cause::kDevice:
      return {"lỗi thiết bị ra", "output device failure"};
    case Cause::kNothingToPlay:
      return {"không có đoạn đã duyệt để phát", "nothing approved to play"};
    case Cause::kLate:
      return {"không kịp phát trong thời gian cho phép", "could not start within its grace"};
    case Cause::kPreempted:
      return {"bị ngắt để phát khẩn cấp", "pre-empted by an emergency"};
    case Cause::kOperator:
      return {"người vận hành đã dừng", "stopped by the operator"};
    case Cause::kSchedule:
      return {
          "nội dung dài hơn thời lượng tối đa của khung giờ (do lịch phát, không phải lỗi "
          "bản ghi)",
          "longer than the slot's max_duration (a matter of the schedule, not of the "
          "recording)"};
    case Cause::kContent:
      return {"lỗi nội dung âm thanh", "problem with the recording"};
    case Cause::kOther:
      return {"lý do khác", "other reason"};
  }
  return {"", ""};
}

ReasonText explain_reason(const Reason& reason) {
  return {cause_of(reason.code), render(reason), reason};
}

ReasonText ReasonTranslator::explain(const std::optional<Reason>& coded,
                                     const std::string& logged) {
  if (coded) return explain_reason(*coded);
  if (logged.empty()) return {};
  auto it = seen_.find(logged);
  if (it == seen_.end()) it = seen_.emplace(logged, legacy_reason(logged)).first;
  return explain_reason(it->second);
}

}  // namespace loaxa
