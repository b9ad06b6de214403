#include "audit/report_text.h"

#include <regex>
#include <vector>

namespace loaxa {
namespace {

struct Pattern {
  std::regex en;
  const char* vi;  ///< std::regex format: $1, $2 are the captured parts
  Cause cause;
};

// Every reason station_daemon.cpp, the playout engine and the planner write. The captured
// parts (a device name, a date, an error from a library) are carried over untranslated.
const std::vector<Pattern>& patterns() {
  static const std::vector<Pattern> list = [] {
    const auto re = [](const char* s) { return std::regex(s, std::regex::ECMAScript); };
    return std::vector<Pattern>{
        {re(R"re(daemon not running)re"), "loaxad không chạy", Cause::kStationDown},
        {re(R"re(loaxad stopped while broadcasting \(crash or power cut\))re"),
         "loaxad dừng giữa buổi phát (sự cố hoặc mất điện)", Cause::kStationDown},
        {re(R"re(loaxad was stopped before it could play)re"), "loaxad bị dừng trước khi kịp phát",
         Cause::kStationDown},
        {re(R"re(loaxad stopped \((.*)\))re"), "loaxad bị dừng ($1)", Cause::kStationDown},
        {re(R"re(waited past its grace \(([\d:]+)\) behind another broadcast)re"),
         "chờ quá thời gian cho phép ($1) sau một buổi phát khác", Cause::kLate},
        {re(R"re(reached (\d+) s late, past its grace \(([\d:]+)\): the wall clock jumped forward (\d+) s)re"),
         "đến lượt phát trễ $1 giây, quá thời gian cho phép ($2): đồng hồ bị chỉnh nhảy tới $3 "
         "giây",
         Cause::kLate},
        {re(R"re(reached (\d+) s late, past its grace \(([\d:]+)\): the machine was suspended or the daemon was held up)re"),
         "đến lượt phát trễ $1 giây, quá thời gian cho phép ($2): máy bị tạm ngưng hoặc loaxad bị "
         "chậm",
         Cause::kLate},
        // The wording of logs written before the queue decisions moved to broadcast_queue.
        {re(R"re(waited past its grace \((\d+) min\) behind another broadcast)re"),
         "chờ quá thời gian cho phép ($1 phút) sau một buổi phát khác", Cause::kLate},
        {re(R"re(the daemon reached it (\d+) s late \(wall clock jumped forward, or the machine was suspended\))re"),
         "loaxad đến lượt phát trễ $1 giây (đồng hồ nhảy tới, hoặc máy bị tạm ngưng)",
         Cause::kLate},
        {re(R"re(output device (.*) is unavailable \(lost, retrying\))re"),
         "thiết bị ra $1 không dùng được (đã mất, đang thử lại)", Cause::kDevice},
        {re(R"re(output could not be opened: (.*))re"), "không mở được thiết bị ra: $1",
         Cause::kDevice},
        {re(R"re(output stalled: no audio delivered for (\d+) s \(device gone\?\))re"),
         "thiết bị ra bị treo: không có âm thanh ra trong $1 giây (mất thiết bị?)", Cause::kDevice},
        {re(R"re(output (.*) stalled: no audio delivered for (\d+) s \(device gone\?\))re"),
         "thiết bị ra $1 bị treo: không có âm thanh ra trong $2 giây (mất thiết bị?)",
         Cause::kDevice},
        {re(R"re(output (.*) lost: the device went away)re"), "mất thiết bị ra $1", Cause::kDevice},
        {re(R"re(not played on (.*))re"), "không phát được trên $1", Cause::kDevice},
        {re(R"re((.*): delivered (\d+) of (\d+) frames)re"),
         "$1: chỉ phát được $2 trên $3 khung âm thanh", Cause::kContent},
        {re(R"re(cancelled: the amplifier's 'before' command failed \((.*)\))re"),
         "đã huỷ: lệnh 'before' của bộ khuếch đại bị lỗi ($1)", Cause::kDevice},
        {re(R"re(stopped by the operator \(loaxa stop\))re"), "người vận hành đã dừng (loaxa stop)",
         Cause::kOperator},
        {re(R"re(pre-empted by an emergency broadcast \((.*)\))re"),
         "bị ngắt để phát khẩn cấp ($1)", Cause::kPreempted},
        {re(R"re(longer than the slot's max_duration \((.*)\); faded out)re"),
         "dài hơn thời lượng tối đa của khung giờ ($1); đã giảm dần âm lượng để kết thúc",
         Cause::kContent},
        {re(R"re(delivered (\d+) of (\d+) frames)re"), "chỉ phát được $1 trên $2 khung âm thanh",
         Cause::kContent},
        {re(R"re((.*): cannot decode audio \((.*)\))re"), "$1: không đọc được tệp âm thanh ($2)",
         Cause::kContent},
        {re(R"re((.*): decode error \((.*)\))re"), "$1: lỗi giải mã ($2)", Cause::kContent},
        {re(R"re((.*): cannot resample \((.*)\))re"), "$1: không chuyển được tần số lấy mẫu ($2)",
         Cause::kContent},
        {re(R"re((.*): resampling failed \((.*)\))re"), "$1: lỗi chuyển tần số ($2)",
         Cause::kContent},
        // The planner's reasons (core/planner.cpp nothing_reason), in its own Vietnamese.
        {re(R"re(no imported segment has tag "(.*)")re"), "chưa có đoạn nào mang thẻ \"$1\"",
         Cause::kNothingToPlay},
        {re(R"re(no approved segment with tag "(.*)" valid on (\S+))re"),
         "không có đoạn nào đã duyệt mang thẻ \"$1\" còn hiệu lực ngày $2", Cause::kNothingToPlay},
        {re(R"re(no segment with tag "(.*)" valid on (\S+))re"),
         "không có đoạn nào mang thẻ \"$1\" còn hiệu lực ngày $2", Cause::kNothingToPlay},
        {re(R"re(segment "(.*)" is not imported)re"), "chưa nhập đoạn \"$1\"",
         Cause::kNothingToPlay},
        {re(R"re(segment "(.*)" is retired)re"), "đoạn \"$1\" đã ngừng phát",
         Cause::kNothingToPlay},
        {re(R"re(segment "(.*)" is not approved)re"), "đoạn \"$1\" chưa được duyệt",
         Cause::kNothingToPlay},
        {re(R"re(segment "(.*)" is not valid on (\S+))re"),
         "đoạn \"$1\" không còn hiệu lực ngày $2", Cause::kNothingToPlay},
        {re(R"re(none of the listed segments is imported)re"), "chưa nhập đoạn nào trong danh sách",
         Cause::kNothingToPlay},
        {re(R"re(no listed segment is approved and valid on (\S+))re"),
         "không có đoạn nào trong danh sách đã duyệt và còn hiệu lực ngày $1",
         Cause::kNothingToPlay},
        {re(R"re(no listed segment is valid on (\S+))re"),
         "không có đoạn nào trong danh sách còn hiệu lực ngày $1", Cause::kNothingToPlay},
        {re(R"re(nothing to play: no eligible segment)re"),
         "không có gì để phát: không có đoạn nào đủ điều kiện", Cause::kNothingToPlay},
    };
  }();
  return list;
}

// Endings the daemon appends to another reason.
struct Suffix {
  std::string_view en;
  const char* vi;
};
constexpr Suffix kSuffixes[] = {
    {" (before the broadcast began)", " (trước khi buổi phát bắt đầu)"},
};
constexpr std::string_view kLastCheckpoint = "; last checkpoint ";
constexpr std::string_view kCouldNotStart = "output could not be started: ";

}  // namespace

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

Text cause_text(Cause cause) {
  switch (cause) {
    case Cause::kNone:
      return {"", ""};
    case Cause::kStationDown:
      return {"đài (loaxad) không chạy hoặc bị dừng", "the station was down or stopped"};
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
    case Cause::kContent:
      return {"lỗi nội dung âm thanh", "problem with the recording"};
    case Cause::kOther:
      return {"lý do khác", "other reason"};
  }
  return {"", ""};
}

ReasonText explain_reason(std::string_view logged) {
  if (logged.empty()) return {};
  for (const auto& s : kSuffixes) {
    if (logged.size() > s.en.size() && logged.ends_with(s.en)) {
      ReasonText r = explain_reason(logged.substr(0, logged.size() - s.en.size()));
      r.text.vi += s.vi;
      r.text.en += s.en;
      return r;
    }
  }
  if (const auto at = logged.rfind(kLastCheckpoint); at != std::string_view::npos) {
    ReasonText r = explain_reason(logged.substr(0, at));
    r.text.vi += "; điểm lưu cuối lúc " + std::string(logged.substr(at + kLastCheckpoint.size()));
    r.text.en += std::string(logged.substr(at));
    return r;
  }
  if (logged.starts_with(kCouldNotStart)) {
    // The tail is itself one of the reasons (the device is unavailable, say).
    const ReasonText tail = explain_reason(logged.substr(kCouldNotStart.size()));
    return {Cause::kDevice,
            {"không khởi động được thiết bị ra: " + tail.text.vi, std::string(logged)}};
  }
  const std::string text(logged);
  std::smatch m;
  for (const auto& p : patterns()) {
    if (!std::regex_match(text, m, p.en)) continue;
    std::string vi = m.format(p.vi);
    // The daemon names a device's zones as "JACK / x (zones a, b)".
    for (auto at = vi.find("(zones "); at != std::string::npos; at = vi.find("(zones ", at)) {
      vi.replace(at, 7, "(vùng ");
    }
    return {p.cause, {vi, text}};
  }
  return {Cause::kOther, {text, text}};
}

const ReasonText& ReasonTranslator::explain(const std::string& logged) {
  auto it = seen_.find(logged);
  if (it == seen_.end()) it = seen_.emplace(logged, explain_reason(logged)).first;
  return it->second;
}

}  // namespace loaxa
