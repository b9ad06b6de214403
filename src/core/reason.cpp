#include "core/reason.h"

#include <algorithm>
#include <array>

namespace loaxa {
namespace {

/// One code's words. `{name}` stands for parameter `name`; when the parameter `variant` is
/// given, the `*_variant` texts are used instead (the same reason naming one device of several).
struct Entry {
  ReasonCode code;
  const char* id;
  Cause cause;
  const char* en;
  const char* vi;
  const char* variant = nullptr;
  const char* en_variant = nullptr;
  const char* vi_variant = nullptr;
};

// The message catalogue of reasons. The English texts are those loaxa logged before reasons
// had codes (the `reason` column still holds them, for older readers).
constexpr Entry kEntries[] = {
    {ReasonCode::kDaemonNotRunning, "daemon_not_running", Cause::kStationDown, "daemon not running",
     "phần mềm phát thanh (loaxad) không chạy"},
    {ReasonCode::kDaemonCrashed, "daemon_crashed", Cause::kStationDown,
     "loaxad stopped while broadcasting (crash or power cut)",
     "phần mềm phát thanh (loaxad) dừng giữa buổi phát (sự cố hoặc mất điện)"},
    {ReasonCode::kStoppedBeforePlay, "stopped_before_play", Cause::kStationDown,
     "loaxad was stopped before it could play",
     "phần mềm phát thanh (loaxad) bị dừng trước khi kịp phát"},
    {ReasonCode::kDaemonStopped, "daemon_stopped", Cause::kStationDown, "loaxad stopped ({signal})",
     "phần mềm phát thanh (loaxad) bị dừng ({signal})"},
    {ReasonCode::kWaitedPastGrace, "waited_past_grace", Cause::kLate,
     "waited past its grace ({grace}) behind another broadcast",
     "chờ quá thời gian cho phép ({grace}) sau một buổi phát khác"},
    {ReasonCode::kPastGraceClockJump, "past_grace_clock_jump", Cause::kLate,
     "reached {late_s} s late, past its grace ({grace}): the wall clock jumped forward {jump_s} s",
     "đến lượt phát trễ {late_s} giây, quá thời gian cho phép ({grace}): đồng hồ bị chỉnh nhảy "
     "tới {jump_s} giây"},
    {ReasonCode::kPastGrace, "past_grace", Cause::kLate,
     "reached {late_s} s late, past its grace ({grace}): the machine was suspended or the daemon "
     "was held up",
     "đến lượt phát trễ {late_s} giây, quá thời gian cho phép ({grace}): máy bị tạm ngưng hoặc "
     "phần mềm phát thanh (loaxad) bị chậm"},
    {ReasonCode::kReachedLate, "reached_late", Cause::kLate,
     "the daemon reached it {late_s} s late (wall clock jumped forward, or the machine was "
     "suspended)",
     "phần mềm phát thanh (loaxad) đến lượt phát trễ {late_s} giây (đồng hồ nhảy tới, hoặc "
     "máy bị tạm ngưng)"},
    {ReasonCode::kOutputNotOpened, "output_not_opened", Cause::kDevice,
     "output could not be opened: {detail}", "không mở được thiết bị ra: {detail}"},
    {ReasonCode::kOutputNotStarted, "output_not_started", Cause::kDevice,
     "output could not be started: {detail}", "không khởi động được thiết bị ra: {detail}"},
    {ReasonCode::kOutputStalled, "output_stalled", Cause::kDevice,
     "output stalled: no audio delivered for {seconds} s (device gone?)",
     "thiết bị ra bị treo: không có âm thanh ra trong {seconds} giây (mất thiết bị?)", "output",
     "output {output} stalled: no audio delivered for {seconds} s (device gone?)",
     "thiết bị ra {output} bị treo: không có âm thanh ra trong {seconds} giây (mất thiết bị?)"},
    {ReasonCode::kOutputLost, "output_lost", Cause::kDevice,
     "output {output} lost: the device went away", "mất thiết bị ra {output}"},
    {ReasonCode::kNotPlayedOn, "not_played_on", Cause::kDevice, "not played on {detail}",
     "không phát được trên {detail}"},
    {ReasonCode::kAmplifierCancelled, "amplifier_cancelled", Cause::kDevice,
     "cancelled: the amplifier's 'before' command failed ({detail})",
     "đã hủy: lệnh 'before' của bộ khuếch đại bị lỗi ({detail})"},
    {ReasonCode::kDeviceNotFound, "device_not_found", Cause::kDevice, "not found",
     "không tìm thấy thiết bị"},
    {ReasonCode::kOutputCloseHung, "output_close_hung", Cause::kDevice,
     "closing the output stream hung", "đóng luồng đầu ra bị treo"},
    {ReasonCode::kPortAudioReleaseHung, "portaudio_release_hung", Cause::kDevice,
     "releasing PortAudio hung", "giải phóng PortAudio bị treo"},
    {ReasonCode::kOperatorStop, "operator_stop", Cause::kOperator,
     "stopped by the operator (loaxa stop)", "dừng theo lệnh người vận hành (loaxa stop)"},
    {ReasonCode::kPreemptedByEmergency, "preempted_by_emergency", Cause::kPreempted,
     "pre-empted by an emergency broadcast ({programme})", "bị tin khẩn chen ngang ({programme})"},
    {ReasonCode::kCutAtMaxDuration, "cut_at_max_duration", Cause::kSchedule,
     "longer than the slot's max_duration ({max_duration}); faded out",
     "dài hơn thời lượng tối đa của khung giờ ({max_duration}); đã giảm dần âm lượng để kết "
     "thúc"},
    {ReasonCode::kDeliveredShort, "delivered_short", Cause::kContent,
     "delivered {delivered} of {expected} frames",
     "chỉ phát được {delivered} trên {expected} mẫu âm thanh", "output",
     "{output}: delivered {delivered} of {expected} frames",
     "{output}: chỉ phát được {delivered} trên {expected} mẫu âm thanh"},
    {ReasonCode::kSegmentFileMissing, "segment_file_missing", Cause::kContent,
     "{file}: the segment's file is missing from the library",
     "{file}: tệp của đoạn không còn trong thư viện"},
    {ReasonCode::kSegmentFileUnreadable, "segment_file_unreadable", Cause::kContent,
     "{file}: the segment's file in the library cannot be read (check its permissions and the "
     "disk)",
     "{file}: không đọc được tệp của đoạn trong thư viện (kiểm tra quyền và ổ đĩa)"},
    {ReasonCode::kContentHashMismatch, "content_hash_mismatch", Cause::kContent,
     "{file}: the segment's file changed after import (sha256 {found} instead of {expected}); "
     "not played — import the approved recording again",
     "{file}: tệp của đoạn đã bị thay đổi sau khi nhập (mã băm {found} thay vì {expected}); "
     "không phát — hãy nhập lại bản đã duyệt"},
    {ReasonCode::kCannotDecode, "cannot_decode", Cause::kContent,
     "{file}: cannot decode audio ({error})", "{file}: không đọc được tệp âm thanh ({error})"},
    {ReasonCode::kDecodeError, "decode_error", Cause::kContent, "{file}: decode error ({error})",
     "{file}: lỗi giải mã ({error})"},
    {ReasonCode::kCannotResample, "cannot_resample", Cause::kContent,
     "{file}: cannot resample ({error})", "{file}: không chuyển được tần số lấy mẫu ({error})"},
    {ReasonCode::kResampleFailed, "resample_failed", Cause::kContent,
     "{file}: resampling failed ({error})", "{file}: lỗi chuyển tần số ({error})"},
    {ReasonCode::kPlayoutError, "playout_error", Cause::kContent, "playout error: {error}",
     "lỗi khi phát: {error}"},
    {ReasonCode::kNoSegmentWithTag, "no_segment_with_tag", Cause::kNothingToPlay,
     "no imported segment has tag \"{tag}\"", "chưa có đoạn nào mang nhãn \"{tag}\""},
    {ReasonCode::kNoApprovedWithTag, "no_approved_with_tag", Cause::kNothingToPlay,
     "no approved segment with tag \"{tag}\" valid on {date}",
     "không có đoạn nào đã duyệt mang nhãn \"{tag}\" còn hiệu lực ngày {date}"},
    {ReasonCode::kNoValidWithTag, "no_valid_with_tag", Cause::kNothingToPlay,
     "no segment with tag \"{tag}\" valid on {date}",
     "không có đoạn nào mang nhãn \"{tag}\" còn hiệu lực ngày {date}"},
    {ReasonCode::kSegmentNotImported, "segment_not_imported", Cause::kNothingToPlay,
     "segment \"{segment}\" is not imported", "chưa nhập đoạn \"{segment}\""},
    {ReasonCode::kSegmentRetired, "segment_retired", Cause::kNothingToPlay,
     "segment \"{segment}\" is retired", "đoạn \"{segment}\" đã ngừng phát"},
    {ReasonCode::kSegmentNotApproved, "segment_not_approved", Cause::kNothingToPlay,
     "segment \"{segment}\" is not approved", "đoạn \"{segment}\" chưa được duyệt"},
    {ReasonCode::kSegmentNotValid, "segment_not_valid", Cause::kNothingToPlay,
     "segment \"{segment}\" is not valid on {date}",
     "đoạn \"{segment}\" không còn hiệu lực ngày {date}"},
    {ReasonCode::kListNotImported, "list_not_imported", Cause::kNothingToPlay,
     "none of the listed segments is imported", "chưa nhập đoạn nào trong danh sách"},
    {ReasonCode::kListNoneApproved, "list_none_approved", Cause::kNothingToPlay,
     "no listed segment is approved and valid on {date}",
     "không có đoạn nào trong danh sách đã duyệt và còn hiệu lực ngày {date}"},
    {ReasonCode::kListNoneValid, "list_none_valid", Cause::kNothingToPlay,
     "no listed segment is valid on {date}",
     "không có đoạn nào trong danh sách còn hiệu lực ngày {date}"},
    {ReasonCode::kNothingEligible, "nothing_eligible", Cause::kNothingToPlay,
     "nothing to play: no eligible segment", "không có gì để phát: không có đoạn nào đủ điều kiện"},
    {ReasonCode::kUnmappedText, "unmapped_text", Cause::kOther, "{text}",
     "{text} (ghi bằng tiếng Anh, chưa dịch)"},
};

/// Endings any reason may carry, each when its parameter is given.
struct Suffix {
  const char* param;
  const char* en;
  const char* vi;
};
constexpr Suffix kSuffixes[] = {
    {"more_outputs", " (and {more_outputs} more output(s))", " (và {more_outputs} đầu ra khác)"},
    {"last_checkpoint", "; last checkpoint {last_checkpoint}",
     "; điểm lưu cuối lúc {last_checkpoint}"},
    {"before_start", " (before the broadcast began)", " (trước khi buổi phát bắt đầu)"},
};

const Entry& entry(ReasonCode code) {
  for (const auto& e : kEntries) {
    if (e.code == code) return e;
  }
  return kEntries[std::size(kEntries) - 1];
}

/// A parameter's value as `lang` shows it: Vietnamese dates as DD/MM/YYYY, and the zones the
/// daemon names after a device ("JACK / x (zones a, b)") as vùng.
std::string shown(std::string_view name, const std::string& value, Lang lang) {
  // "operator" is the programme id a `loaxa play` broadcast is logged under, not a word to show.
  if (name == "programme" && value == "operator") {
    return lang == Lang::kEn ? "played on request" : "phát theo lệnh trực tiếp";
  }
  if (lang == Lang::kEn) return value;
  if (name == "date" && value.size() == 10 && value[4] == '-' && value[7] == '-') {
    return value.substr(8, 2) + "/" + value.substr(5, 2) + "/" + value.substr(0, 4);
  }
  std::string out = value;
  for (auto at = out.find("(zones "); at != std::string::npos; at = out.find("(zones ", at)) {
    out.replace(at, 7, "(vùng ");
  }
  return out;
}

std::string fill(std::string_view text, const Reason& reason, Lang lang) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const auto close = text[i] == '{' ? text.find('}', i) : std::string_view::npos;
    if (close == std::string_view::npos) {
      out += text[i++];
      continue;
    }
    const auto name = text.substr(i + 1, close - i - 1);
    const std::string* value = reason.param(name);
    // A parameter the writer did not give stays visible as its placeholder.
    out += value ? shown(name, *value, lang) : std::string(text.substr(i, close - i + 1));
    i = close + 1;
  }
  return out;
}

}  // namespace

const std::vector<ReasonCode>& all_reason_codes() {
  static const std::vector<ReasonCode> codes = [] {
    std::vector<ReasonCode> v;
    for (const auto& e : kEntries) v.push_back(e.code);
    return v;
  }();
  return codes;
}

const char* to_string(ReasonCode code) noexcept {
  return entry(code).id;
}

std::optional<ReasonCode> reason_code_from_string(std::string_view id) {
  for (const auto& e : kEntries) {
    if (id == e.id) return e.code;
  }
  return std::nullopt;
}

Cause cause_of(ReasonCode code) noexcept {
  return entry(code).cause;
}

Reason& Reason::with(const std::string& name, std::string value) {
  for (auto& p : params) {
    if (p.first == name) {
      p.second = std::move(value);
      return *this;
    }
  }
  params.emplace_back(name, std::move(value));
  return *this;
}

const std::string* Reason::param(std::string_view name) const {
  for (const auto& p : params) {
    if (p.first == name) return &p.second;
  }
  return nullptr;
}

std::string render(const Reason& reason, Lang lang) {
  const Entry& e = entry(reason.code);
  const bool variant = e.variant != nullptr && reason.param(e.variant) != nullptr;
  const char* text =
      lang == Lang::kEn ? (variant ? e.en_variant : e.en) : (variant ? e.vi_variant : e.vi);
  std::string out = fill(text, reason, lang);
  for (const auto& s : kSuffixes) {
    if (reason.param(s.param)) out += fill(lang == Lang::kEn ? s.en : s.vi, reason, lang);
  }
  return out;
}

Text render(const Reason& reason) {
  return {render(reason, Lang::kVi), render(reason, Lang::kEn)};
}

}  // namespace loaxa
