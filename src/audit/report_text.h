// The words of a report: outcomes, verdicts and the log's reasons in Vietnamese and English.
// Reasons are rendered from their chained code (core/reason.h); only an outcome logged with
// no code (a bundle exported before schema 5) is read from its English text, by the mapping
// the v5 migration uses (store/legacy_reasons.h).

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/reason.h"
#include "core/text.h"
#include "core/words.h"

namespace loaxa {

/// The heading of a cause in the gap list.
Text cause_text(Cause cause);

struct ReasonText {
  Cause cause = Cause::kNone;
  Text text;
  std::optional<Reason> reason;  ///< the code and parameters the words come from
};

/// The words and cause of a reason.
ReasonText explain_reason(const Reason& reason);

/// Explains outcomes' reasons: from the code when the log has one, else from the logged English
/// text, remembering the texts already mapped (a year of a province's old logs repeats a few
/// hundred).
class ReasonTranslator {
 public:
  ReasonText explain(const std::optional<Reason>& coded, const std::string& logged);

 private:
  std::unordered_map<std::string, Reason> seen_;
};

}  // namespace loaxa
