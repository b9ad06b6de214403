// libFuzzer target: an export bundle's bytes -> read_bundle and check_bundle_source, then the
// report in every format, as `loaxa audit report BUNDLE` would make it. An inspector opens
// bundles from anywhere, and a report is made even of a broken log (it says so), so a damaged
// bundle must end in a UserError naming the file and line, or in a report; any other exception
// or a crash is a finding.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "audit/bundle.h"
#include "audit/report_csv.h"
#include "audit/report_html.h"
#include "audit/report_json.h"
#include "audit/report_model.h"
#include "audit/report_text.h"
#include "core/text.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::filesystem::path kFile = [] {
    auto dir = std::filesystem::temp_directory_path() /
               ("loaxa-bundle-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    return dir / "station.loaxa";
  }();
  {
    std::ofstream out(kFile, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    loaxa::AuditSource source = loaxa::read_bundle(kFile, std::nullopt);
    loaxa::Report report;
    loaxa::ReasonTranslator reasons;
    report.communes.push_back(loaxa::build_report(source, {}, reasons));
    (void)loaxa::render_csv(report, loaxa::Lang::kVi);
    (void)loaxa::render_json(report, loaxa::Lang::kEn);
    (void)loaxa::render_html(report, loaxa::Lang::kVi);
  } catch (const loaxa::UserError& e) {
    (void)e.text();
  }
  return 0;
}
